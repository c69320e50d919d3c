"""An archive written by the previous release (0.2.0, schema revision 0005), crawled again on the
same pages by this one: upgraded, and nothing new, deleted or changed in history — only how the
dates are written moves (the text shown into posted_raw, the attribute into posted_attr)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archiver.sitegen.loopback import LocalSite, Page
from tests.archive_reader import query
from tests.conftest import FAST, run_archiver

FIXTURES = Path(__file__).parent / "fixtures"
RELEASE_ARCHIVE = FIXTURES / "archives/0005-release-0.2.0.sqlite3"
# Where the release scraped them (its URLs are the archive's identity): see archives/README.md.
ADDRESS = ("127.0.0.61", 18061)
# The WordPress pages as they were then (their fixtures are re-saved by their tool since); the
# seed page is the demo's, unchanged.
RELEASE_PAGES = FIXTURES / "archives/0005-release-0.2.0-pages"
PAGES = {
    "/tcd/": FIXTURES / "tcd/grandfleet-2021-12-23/page.html",
    **{f"/{name}/": RELEASE_PAGES / f"{name}.html"
       for name in ("classic-post", "classic-thread", "block-post", "block-thread")},
}  # fmt: skip


def test_the_previous_releases_archive_recrawled_gains_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "archive.sqlite3")
    shutil.copy(RELEASE_ARCHIVE, db)
    before = query(db, "SELECT id, external_id, posted_raw, posted_at FROM comments ORDER BY id")
    try:
        site = LocalSite({path: Page(file.read_bytes()) for path, file in PAGES.items()}, ADDRESS)
    except OSError as error:  # the address the archive's URLs name is taken on this machine
        pytest.skip(f"cannot serve on {ADDRESS}: {error}")
    with site:
        urls = [site.url(path) for path in PAGES]
        result = run_archiver("scrape", *urls, "--db", db, *FAST, home=tmp_path)
    assert result.returncode == 0, result.stderr
    run = query(db, "SELECT * FROM crawl_runs ORDER BY id DESC")[0]
    assert (run["comments_new"], run["comments_changed"], run["comments_deleted"]) == (0, 0, 0)
    assert query(db, "SELECT count(*) AS n FROM comment_history")[0]["n"] == 0
    assert query(db, "SELECT count(*) AS n FROM article_history")[0]["n"] == 0
    after = query(db, "SELECT id, external_id, posted_raw, posted_attr, posted_at FROM comments "
                      "ORDER BY id")  # fmt: skip
    assert [(r["id"], r["external_id"], r["posted_at"]) for r in after] == [
        (r["id"], r["external_id"], r["posted_at"]) for r in before
    ]
    moved = [
        (b, a) for b, a in zip(before, after, strict=True) if b["posted_raw"] != a["posted_raw"]
    ]
    assert moved and all(a["posted_attr"] == b["posted_raw"] for b, a in moved)
