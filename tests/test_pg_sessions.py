"""PostgreSQL sessions that end under a run (issue 19, items 2-3), on the real server: the
backend holding a crawl's locks is terminated (fencing: nothing more is written, the run ends
with its summary and exit 1, a later crawl runs); connections without locks are terminated
(the writes are made again on new ones, nothing lost). Never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from archiver.sitegen.model import generate
from archiver.sitegen.server import GeneratedSite
from tests.archive_reader import query
from tests.conftest import run_archiver

ARCHIVER = str(Path(sys.executable).with_name("archiver"))
SLOW = ["-s", "DOWNLOAD_DELAY=0.05", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "ARCHIVER_RETRY_BACKOFF=0"]  # fmt: skip


def terminate(pg_url: str, only_lock_holders: bool) -> int:
    """Terminate the archive database's other backends (or only those holding advisory locks)."""
    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    database = engine.url.database
    holders = ("AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')"
               if only_lock_holders else "")  # fmt: skip
    try:
        with engine.connect() as connection:
            return len(connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d "
                f"AND pid <> pg_backend_pid() {holders}"), {"d": database}).all())  # fmt: skip
    finally:
        engine.dispose()


def started(argv: list[str], state, home: Path) -> subprocess.Popen:
    env = {**os.environ, "ARCHIVER_HOME": str(home), "ARCHIVER_NOW": state.now.isoformat()}
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip


def wait_for_rows(pg_url: str, deadline: float) -> None:
    while True:
        try:
            if query(pg_url, "SELECT count(*) AS n FROM comments")[0]["n"]:
                return
        except Exception:  # the schema is not there yet
            pass
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_a_crawl_whose_lock_session_ends_stops_writing_and_says_so(
    pg_url: str, tmp_path: Path
) -> None:
    state = generate(30, (5, 30), seed=5, comments_per_page=5)
    with GeneratedSite(state) as site:
        crawl = started([ARCHIVER, "crawl", site.base_url + "/", "--db", pg_url, *SLOW],
                        state, tmp_path)  # fmt: skip
        wait_for_rows(pg_url, time.monotonic() + 60)
        assert terminate(pg_url, only_lock_holders=True) == 1
        out, err = crawl.communicate(timeout=120)
        assert crawl.returncode == 1
        assert "Traceback" not in err and "crawl run #1" in out
        assert any(line.startswith("error:") and "locks has ended" in line
                   for line in err.splitlines()), err  # fmt: skip
        stored = query(pg_url, "SELECT count(*) AS n FROM articles")[0]["n"]
        assert 0 < stored < 30  # it stopped
        runs = query(pg_url, "SELECT status, finish_reason FROM crawl_runs")
        assert runs == [{"status": "interrupted", "finish_reason": "lock_lost"}]
        again = run_archiver("crawl", site.base_url + "/", "--db", pg_url, *SLOW, home=tmp_path,
                             env={"ARCHIVER_NOW": state.now.isoformat()})  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert query(pg_url, "SELECT count(*) AS n FROM articles")[0]["n"] == 30


def test_connections_without_locks_that_end_are_replaced(pg_url: str, tmp_path: Path) -> None:
    state = generate(20, (5, 30), seed=6, comments_per_page=5)
    with GeneratedSite(state) as site:
        scrape = started([ARCHIVER, "scrape", *site.article_urls(), "--db", pg_url, *SLOW],
                         state, tmp_path)  # fmt: skip
        wait_for_rows(pg_url, time.monotonic() + 60)
        for _ in range(2):
            terminate(pg_url, only_lock_holders=False)
            time.sleep(0.3)
        _, err = scrape.communicate(timeout=120)
    assert scrape.returncode == 0, err[-3000:]
    assert "Traceback" not in err
    assert query(pg_url, "SELECT count(*) AS n FROM articles")[0]["n"] == 20


def test_scrapy_crawl_holding_its_own_locks_is_fenced_too(pg_url: str, tmp_path: Path) -> None:
    """Under `scrapy crawl site` (Scrapyd) the spider takes the locks; losing them stops the
    writes the same way."""
    root = Path(__file__).resolve().parents[1]
    scrapy = str(Path(sys.executable).with_name("scrapy"))
    state = generate(30, (5, 30), seed=7, comments_per_page=5)
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("ARCHIVER_DB", "SCRAPY_SETTINGS_MODULE")}  # fmt: skip
    environment.update(ARCHIVER_HOME=str(tmp_path), ARCHIVER_NOW=state.now.isoformat())
    with GeneratedSite(state) as site:
        crawl = subprocess.Popen(
            [scrapy, "crawl", "site", "-a", f"site_url={site.base_url}/", "-s",
             f"ARCHIVER_DB={pg_url}", *SLOW, "-s", "LOG_LEVEL=WARNING"],
            cwd=root, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        wait_for_rows(pg_url, time.monotonic() + 60)
        assert terminate(pg_url, only_lock_holders=True) == 1
        _, err = crawl.communicate(timeout=120)
    assert "locks has ended" in err, err[-3000:]
    assert 0 < query(pg_url, "SELECT count(*) AS n FROM articles")[0]["n"] < 30
    runs = query(pg_url, "SELECT status, finish_reason FROM crawl_runs")
    assert runs == [{"status": "interrupted", "finish_reason": "lock_lost"}]
