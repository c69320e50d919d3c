"""`archiver demo`: a bundled article served on 127.0.0.1 and scraped into its own database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from archiver.api import RunResult, crawl
from archiver.config import data_home, resolve_db_url, warc_dir

DEMO_DB_NAME = "demo.sqlite3"
DEMO_ARTICLES = 36  # generated ones, beside the seed article
DEMO_ARTICLE_PATH = "/european-region/russia-says-negotiations-with-nato-on-new-security-treaty-to-begin-in-january/"


def demo_page() -> bytes:
    return (resources.files("archiver") / "demo_site" / "grandfleet-article.html").read_bytes()


def demo_db_path() -> Path:
    return data_home() / DEMO_DB_NAME


@dataclass(frozen=True)
class DemoSite:
    base_url: str  # the site's home page
    seed_url: str  # the bundled article with its 34-comment thread


@contextmanager
def demo_site() -> Iterator[DemoSite]:
    """The demo site served on 127.0.0.1 while the block runs: the bundled seed article and 36
    generated ones in several comment markups, with comment pages, sitemaps and feeds."""
    from archiver.sitegen.model import MARKUPS, generate
    from archiver.sitegen.server import GeneratedSite

    state = generate(DEMO_ARTICLES, (0, 40), seed=2021, comments_per_page=10, markups=MARKUPS)
    with GeneratedSite(state, extra={DEMO_ARTICLE_PATH: demo_page()}) as site:
        yield DemoSite(site.base_url + "/", site.url(DEMO_ARTICLE_PATH))


def run_demo() -> RunResult:
    """Serve the demo site and crawl it into a fresh demo database (never the archive). The
    seed article is the result's first article."""
    db_path = demo_db_path()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(warc_dir(resolve_db_url(str(db_path))), ignore_errors=True)  # its raw pages
    with demo_site() as site:
        # A loopback site we serve ourselves needs no politeness delay.
        result = crawl(
            [site.base_url],
            db=str(db_path),
            command="demo",
            settings={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False},
        )
    seed = [a for a in result.articles if a.url == site.seed_url]
    result.articles = seed + [a for a in result.articles if a.url != site.seed_url]
    return result
