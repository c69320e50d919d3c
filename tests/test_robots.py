"""robots.txt holds for every request of every command (issue 18, item 1, first step): Scrapy
2.19 let every request but the first that waited for robots.txt through unchecked."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from archiver.sitegen.loopback import LocalSite, Page
from tests.conftest import FAST, run_archiver
from tests.family_markup import SPRING, page

DISALLOW_ALL = Page(b"User-agent: *\nDisallow: /\n", content_type="text/plain")


def article(number: int) -> Page:
    """An article page of our own with post id `number` (each URL its own article)."""
    html = page(SPRING, "legacy-walker").replace("77", str(number))
    return Page(html.encode())


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


THROTTLED = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s",
             "ARCHIVER_RETRY_BACKOFF=0"]  # fmt: skip


@pytest.mark.parametrize("settings", [FAST, THROTTLED], ids=["no-autothrottle", "autothrottle"])
def test_a_crawl_delay_is_the_least_wait_between_two_requests(tmp_path: Path, settings) -> None:
    """`Crawl-delay: 1` holds with DOWNLOAD_DELAY=0, with AutoThrottle (which would follow the
    loopback's latency down to nothing) and without: every request after robots.txt starts at
    least a second after the one before it (a lower bound: a slow machine only widens gaps)."""
    paths = [f"/post-{n}/" for n in range(1, 4)]
    pages = {path: article(n) for n, path in enumerate(paths, start=1)}
    robots = Page(b"User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")
    with LocalSite({**pages, "/robots.txt": robots}) as site:
        result = run_archiver("scrape", *(site.url(p) for p in paths), "--db",
                              str(tmp_path / "a.sqlite3"), *settings, home=tmp_path)  # fmt: skip
        arrivals = [at for at, path in site.arrivals if path != "/robots.txt"]
    assert result.returncode == 0, result.stderr
    assert len(arrivals) == 3
    gaps = [later - earlier for earlier, later in pairwise(arrivals)]
    assert min(gaps) >= 0.95, gaps
