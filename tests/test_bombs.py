"""A compression bomb in the raw archive (issue 18, item 6, first step): the crawl refuses it,
its record stays in the WARC as sent, and `reparse` reads that record only up to the size a
fetch allows, naming it, while the rest of the archive is rebuilt."""

from __future__ import annotations

import gzip
from pathlib import Path

from archiver.settings import DOWNLOAD_MAXSIZE
from archiver.sitegen.loopback import LocalSite, Page
from tests.archive_reader import query
from tests.conftest import FAST, run_archiver
from tests.family_markup import SPRING, page

BOMB = gzip.compress(b" " * (DOWNLOAD_MAXSIZE + (8 << 20)), compresslevel=9)  # ~40 KB sent


def site() -> LocalSite:
    """One article page of our own, and a page whose gzip body inflates past the fetch limit."""
    bomb = Page(BOMB, headers=(("Content-Encoding", "gzip"),))
    return LocalSite({"/fine/": Page(page(SPRING, "legacy-walker").encode()), "/bomb/": bomb})


def test_a_bomb_is_refused_at_fetch_and_at_reparse_and_named(tmp_path: Path) -> None:
    crawled, rebuilt = tmp_path / "crawled", tmp_path / "rebuilt"
    crawled.mkdir()
    rebuilt.mkdir()
    with site() as server:
        bomb = server.url("/bomb/")
        scraped = run_archiver("scrape", server.url("/fine/"), bomb, "--db",
                               str(crawled / "archive.sqlite3"), *FAST, home=tmp_path)  # fmt: skip
    assert scraped.returncode == 1 and bomb in scraped.stderr
    (rebuilt / "warc").symlink_to(crawled / "warc")
    result = run_archiver("reparse", "--db", str(rebuilt / "archive.sqlite3"), home=tmp_path)
    assert result.returncode == 1
    line = next(line for line in result.stderr.splitlines() if bomb in line)
    assert line.startswith("error:") and "inflates past" in line
    assert query(str(rebuilt / "archive.sqlite3"), "SELECT url FROM articles") == [
        {"url": server.url("/fine/")}
    ]
