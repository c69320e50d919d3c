"""robots.txt holds for every request of every command (issue 18, item 1, first step): Scrapy
2.19 let every request but the first that waited for robots.txt through unchecked."""

from __future__ import annotations

from pathlib import Path

from archiver.sitegen.loopback import LocalSite, Page
from tests.conftest import FAST, run_archiver
from tests.family_markup import SPRING, page

DISALLOW_ALL = Page(b"User-agent: *\nDisallow: /\n", content_type="text/plain")


def test_scrape_of_four_pages_of_a_site_that_disallows_all_fetches_none(tmp_path: Path) -> None:
    paths = [f"/post-{n}/" for n in range(1, 5)]
    pages = {path: Page(page(SPRING, "legacy-walker").encode()) for path in paths}
    with LocalSite({**pages, "/robots.txt": DISALLOW_ALL}) as site:
        urls = [site.url(path) for path in paths]
        result = run_archiver("scrape", *urls, "--db", str(tmp_path / "a.sqlite3"), *FAST,
                              home=tmp_path)  # fmt: skip
        requested = dict(site.requests)
    assert requested == {"/robots.txt": 1}, requested
    assert result.returncode != 0
    for url in urls:
        assert url in result.stderr


def test_a_crawl_of_a_site_that_disallows_all_fetches_only_its_robots_txt(tmp_path: Path) -> None:
    pages = {"/post-1/": Page(page(SPRING, "legacy-walker").encode())}
    with LocalSite({**pages, "/robots.txt": DISALLOW_ALL}) as site:
        run_archiver("crawl", site.url("/"), "--db", str(tmp_path / "a.sqlite3"), *FAST,
                     home=tmp_path)  # fmt: skip
        requested = dict(site.requests)
    # The site spider reads robots.txt itself too (for its Sitemap lines): that one is allowed.
    assert set(requested) == {"/robots.txt"}, requested
