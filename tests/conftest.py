"""Shared test support: real local sites, real databases, the real `archiver` command."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from archiver.sitegen.loopback import LocalSite, Page

# No timed assertions (these machines are noisy): hypothesis gets no per-example deadline.
settings.register_profile("archiver", deadline=None, print_blob=True)
settings.load_profile("archiver")

FIXTURES = Path(__file__).parent / "fixtures"
SEED_FIXTURE = FIXTURES / "tcd" / "grandfleet-2021-12-23"
ARTICLE_PATH = "/2021/12/23/russia-nato/"
QUIET_PATH = "/2021/12/24/quiet/"  # an article nobody commented on
PG_ADMIN_URL = os.environ.get(
    "ARCHIVER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_service(name: str, reason: str) -> None:
    """Skip with a visible reason, or fail when CI demands every service (ARCHIVER_REQUIRE_SERVICES=1)."""
    message = f"{name} unavailable: {reason}"
    if os.environ.get("ARCHIVER_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message} (ARCHIVER_REQUIRE_SERVICES=1)")
    pytest.skip(message)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database of our own on 127.0.0.1:5432, dropped afterwards."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"archiver_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # any connection problem means no server for this test
        admin.dispose()
        require_service("PostgreSQL", str(error).splitlines()[0])
    url: URL = make_url(PG_ADMIN_URL).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test body against real SQLite and real PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "archive.sqlite3")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def seed_site() -> Iterator[LocalSite]:
    """The seed fixture page on 127.0.0.1, with pages that are no article or fail."""
    pages = {
        ARTICLE_PATH: Page((SEED_FIXTURE / "page.html").read_bytes()),
        "/about/": Page("<html><body><h1>About</h1><p>会社概要</p></body></html>".encode()),
        QUIET_PATH: Page(
            '<html><head><meta property="og:type" content="article"><title>静かな記事</title>'
            '</head><body class="single postid-7"><h1 class="entry-title">静かな記事</h1>'
            '<div class="entry-content"><p>コメントのない記事。</p></div><div id="comments">'
            '<form id="commentform"><textarea id="comment"></textarea></form></div></body></html>'.encode()
        ),
        "/truncated/": Page((SEED_FIXTURE / "page.html").read_bytes()[:5000], truncated=True),
        "/broken/": Page(b"<html><body>Service Unavailable</body></html>", 503),
        "/file.pdf": Page(b"%PDF-1.4 not a page", content_type="application/pdf"),
    }
    with LocalSite(pages) as site:
        yield site


def archiver_command() -> list[str]:
    script = Path(sys.executable).parent / "archiver"
    return [str(script)] if script.exists() else [sys.executable, "-m", "archiver"]


def run_archiver(
    *args: str, home: Path, env: dict[str, str] | None = None, cwd: Path | None = None
):
    """The real command, as a user runs it, with its own data home."""
    environment = {k: v for k, v in os.environ.items() if k != "ARCHIVER_DB"}
    environment.update({"ARCHIVER_HOME": str(home), **(env or {})})
    return subprocess.run(
        [*archiver_command(), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd or home,
        timeout=120,
    )


# No politeness delay against our own loopback servers.
FAST = [
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "ARCHIVER_RETRY_BACKOFF=0",
]


def scrape(url: str, db: str, home: Path):
    """`archiver scrape URL --db DB`, without delays."""
    return run_archiver("scrape", url, "--db", db, *FAST, home=home)
