"""The `site` spider: discover a site's articles, then fetch only what may have changed.

Two phases per site. Discovery reads the sitemap indexes and the feed (archive pages when the
site has neither); when the last discovery answer is in, the crawl plan (new, changed by
lastmod, due by the revisit policy) turns the listed URLs into article requests, which the
article spider's own callbacks fetch with every comment page.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from archiver import clock, runstats
from archiver.crawling.archive import crawl_engine
from archiver.crawling.arguments import CrawlArguments
from archiver.crawling.plan import PlannedFetch, plan
from archiver.db.crawlstate import known_urls
from archiver.db.lock import CrawlLocked, Fence, crawl_lock
from archiver.items import KnownURL, NotModifiedItem, Visit
from archiver.parse.discovery import (
    FEED_PATHS,
    ROBOTS_PATH,
    SITEMAP_PATHS,
    Listed,
    in_site,
    merge,
    read_feed,
    read_listing,
    read_sitemap,
)
from archiver.parse.since import site_since
from archiver.parse.urls import site_domain
from archiver.warc.middleware import record_time

from .article import ArticleSpider  # relative: type-checked as spiders.article (see pyproject)

logger = logging.getLogger(__name__)

# Archive pages read when a site has no sitemap and no feed.
MAX_LISTING_PAGES = 50
# Statuses a discovery or conditional request handles itself rather than as an error.
HANDLED = [304, 404, 410]


class SiteDiscovery:
    """What discovery found on one site so far, and how many of its answers are outstanding."""

    def __init__(self, site_url: str) -> None:
        self.site_url = site_url
        self.domain = site_domain(site_url)
        self.listed: list[Listed] = []
        self.candidates: list[str] = []  # from archive pages: confirmed when fetched
        self.pending = 0
        self.listing_pages = 0
        self.fell_back = False


@dataclass
class PageCheck:
    """A due thread whose article page answered 304: its other pages, asked the same."""

    url: str
    visit: Visit
    pending: int
    fetched_at: datetime  # the article page's 304: when the thread was seen unchanged
    changed: bool = False


def answering(discovery: SiteDiscovery, response: Response) -> str:
    """The site URL at the name that answered: after a redirect to one of the site's aliases
    (the only redirects off its key that are followed), what it lists is at that name."""
    if site_domain(response.url) == discovery.domain:
        return discovery.site_url
    answered = urlsplit(response.url)
    return urlunsplit((answered.scheme, answered.netloc, urlsplit(discovery.site_url).path, "", ""))


class SiteSpider(ArticleSpider):
    name = "site"

    def __init__(
        self,
        site_url: str | None = None,
        site_urls: list[str] | str | None = None,
        full: bool | str = False,
        since: str | date | datetime | None = None,
        max_articles: int | str | None = None,
        *args: Any,
        arguments: CrawlArguments | None = None,
        **kwargs: Any,
    ) -> None:
        # The API's model, or `-a site_url=U` (or `site_urls`, one a line), `-a since=…` from
        # scrapy crawl and Scrapyd alike (since: parse.since's rule, as the CLI reads it).
        self.crawl_arguments = arguments or CrawlArguments.of(
            site_url, site_urls, full, since, max_articles
        )
        sites = list(self.crawl_arguments.sites)
        kwargs.pop("urls", None)
        super().__init__(None, sites, *args, **kwargs)
        self.sites = {site_domain(u): SiteDiscovery(u) for u in sites}
        self.fence: Fence | None = None  # set when the spider takes its sites' locks itself
        # Scrapy's offsite filter: a redirect out of the crawled sites is never followed.
        self.allowed_domains = sorted(
            {(urlsplit(u).hostname or "").removeprefix("www.") for u in sites}
        )
        self.full = self.crawl_arguments.full
        self.since = self.crawl_arguments.since
        self.max_articles = self.crawl_arguments.max_articles
        self.locks = ExitStack()
        self.planned: deque[tuple[PlannedFetch, bool]] = deque()  # (fetch, from an archive page)

    async def start(self):
        if not self._lock_sites():
            return
        for discovery in self.sites.values():
            yield self._discovery_request(discovery, ROBOTS_PATH, self.parse_robots)
            for path in SITEMAP_PATHS:
                yield self._discovery_request(discovery, path, self.parse_sitemap)
            for path in FEED_PATHS:
                yield self._discovery_request(discovery, path, self.parse_feed)

    def _discovery_request(
        self, discovery: SiteDiscovery, path_or_url: str, callback: Any
    ) -> scrapy.Request:
        discovery.pending += 1
        url = path_or_url if "://" in path_or_url else discovery.site_url.rstrip("/") + path_or_url
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.discovery_failed,
            cb_kwargs={"discovery": discovery},
            meta={"handle_httpstatus_list": HANDLED},
            priority=10,  # discovery first: the plan needs every listing
            dont_filter=True,
        )

    # Discovery

    def parse_sitemap(self, response: Response, discovery: SiteDiscovery) -> Iterator[Any]:
        if response.status == 200:
            content = read_sitemap(response.body, answering(discovery, response))
            discovery.listed.extend(content.pages)
            for child in content.sitemaps:
                yield self._discovery_request(discovery, child, self.parse_sitemap)
            self.crawler.stats.inc_value(runstats.CRAWL_SITEMAPS)
        yield from self._discovered(discovery)

    def parse_robots(self, response: Response, discovery: SiteDiscovery) -> Iterator[Any]:
        """Sitemaps robots.txt names beyond the well-known ones (an SEO plugin's own path)."""
        if response.status == 200:
            well_known = {discovery.site_url.rstrip("/") + path for path in SITEMAP_PATHS}
            for url in sitemap_urls_from_robots(response.text, base_url=response.url):
                if url not in well_known and in_site(url, answering(discovery, response)):
                    yield self._discovery_request(discovery, url, self.parse_sitemap)
        yield from self._discovered(discovery)

    def parse_feed(self, response: Response, discovery: SiteDiscovery) -> Iterator[Any]:
        if response.status == 200:
            discovery.listed.extend(read_feed(response.body, answering(discovery, response)))
            self.crawler.stats.inc_value(runstats.CRAWL_FEEDS)
        yield from self._discovered(discovery)

    def parse_listing(self, response: Response, discovery: SiteDiscovery) -> Iterator[Any]:
        if response.status == 200 and hasattr(response, "text"):
            discovery.listing_pages += 1
            candidates, next_page = read_listing(
                response.text, response.url, answering(discovery, response)
            )
            discovery.candidates.extend(candidates)
            if next_page and discovery.listing_pages < MAX_LISTING_PAGES:
                yield self._discovery_request(discovery, next_page, self.parse_listing)
        yield from self._discovered(discovery)

    def discovery_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        discovery: SiteDiscovery = request.cb_kwargs["discovery"]
        # A sitemap or feed that cannot be fetched is not the end: the others, or the archive
        # pages, still list the articles. Counted, and logged as a warning.
        logger.warning("cannot fetch %s for discovery: %s", request.url, failure.getErrorMessage())
        self.crawler.stats.inc_value(runstats.CRAWL_DISCOVERY_FAILED)
        yield from self._discovered(discovery)

    def _discovered(self, discovery: SiteDiscovery) -> Iterator[Any]:
        discovery.pending -= 1
        if discovery.pending > 0:
            return
        if not discovery.listed and not discovery.fell_back:
            # Neither sitemap nor feed: read the home page and its older pages instead.
            discovery.fell_back = True
            logger.warning("%s lists no articles in a sitemap or feed: reading its archive pages",
                           discovery.site_url)  # fmt: skip
            yield self._discovery_request(discovery, discovery.site_url, self.parse_listing)
            return
        yield from self._fetch_planned(discovery)

    # Fetching

    def _fetch_planned(self, discovery: SiteDiscovery) -> Iterator[Any]:
        stats = self.crawler.stats
        listed = merge(discovery.listed + [Listed(url) for url in discovery.candidates])
        candidates = set(discovery.candidates) - {entry.url for entry in discovery.listed}
        crawl_plan = plan(
            listed,
            self._known(discovery.domain),
            clock.now(),
            full=self.full,
            since=self._since_for(discovery.domain),
            limit=self.max_articles,
        )
        stats.set_value(runstats.listed_on(discovery.domain), len(listed))
        stats.inc_value(runstats.CRAWL_LISTED, len(listed))
        stats.inc_value(runstats.CRAWL_SKIPPED_NOT_DUE, crawl_plan.skipped_not_due)
        stats.inc_value(runstats.CRAWL_SKIPPED_OLD, crawl_plan.skipped_old)
        stats.inc_value(runstats.CRAWL_SKIPPED_LIMIT, crawl_plan.skipped_limit)
        for fetch in crawl_plan.fetches:
            stats.inc_value(runstats.planned(fetch.reason))
            self.planned.append((fetch, fetch.url in candidates))
        # A window of requests at a time, refilled as articles answer: the scheduler never
        # holds a whole site's requests (memory stays flat from a thousand articles to a million).
        yield from self._next_planned(self._window())

    def _window(self) -> int:
        return 2 * self.settings.getint("CONCURRENT_REQUESTS", 16)

    def _next_planned(self, count: int) -> Iterator[scrapy.Request]:
        for _ in range(min(count, len(self.planned))):
            fetch, candidate = self.planned.popleft()
            yield scrapy.Request(
                fetch.url,
                callback=self.parse_article,
                errback=self.article_failed,
                headers=dict(fetch.headers),
                meta={
                    "archiver_visit": Visit(listed_url=fetch.url, listed_lastmod=fetch.lastmod),
                    "archiver_candidate": candidate,
                    "archiver_pages_to_check": fetch.pages,
                    "handle_httpstatus_list": HANDLED,
                },
                dont_filter=True,
            )

    def parse_article(self, response: Response) -> Iterator[Any]:
        pages = response.meta.get("archiver_pages_to_check")
        if response.status == 304 and pages:
            # The newest page is unchanged; the older ones may not be (an edit, a deletion).
            check = PageCheck(
                response.url,
                response.meta["archiver_visit"],
                len(pages),
                record_time(response.meta),
            )
            for url, headers in pages:
                yield scrapy.Request(
                    url,
                    callback=self.page_checked,
                    errback=self.page_check_failed,
                    headers=dict(headers),
                    cb_kwargs={"check": check},
                    meta={"handle_httpstatus_list": HANDLED},
                    dont_filter=True,
                )
            return
        yield from super().parse_article(response)
        yield from self._next_planned(1)

    def page_checked(self, response: Response, check: PageCheck) -> Iterator[Any]:
        check.pending -= 1
        check.changed = check.changed or response.status != 304
        yield from self._page_check_done(check)

    def page_check_failed(self, failure: Failure) -> Iterator[Any]:
        check: PageCheck = failure.request.cb_kwargs["check"]  # type: ignore[attr-defined]
        check.pending -= 1
        check.changed = True  # unknown counts as changed: the full fetch will say
        yield from self._page_check_done(check)

    def _page_check_done(self, check: PageCheck) -> Iterator[Any]:
        if check.pending:
            return
        if check.changed:
            self.crawler.stats.inc_value(runstats.CRAWL_OLDER_PAGES_CHANGED)
            yield scrapy.Request(  # the whole thread again, unconditionally
                check.url,
                callback=self.parse_article,
                errback=self.article_failed,
                meta={"archiver_visit": check.visit, "handle_httpstatus_list": HANDLED},
                dont_filter=True,
            )
            return
        visit = replace(check.visit, status=304)
        yield NotModifiedItem(url=check.url, fetched_at=check.fetched_at, visit=visit)
        yield from self._next_planned(1)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.refill_when_idle, signal=signals.spider_idle)
        return spider

    def refill_when_idle(self) -> None:
        """Safety net for the window: a callback that raised never asked for its successor."""
        if self.planned:
            for request in self._next_planned(self._window()):
                self.crawler.engine.crawl(request)
            raise DontCloseSpider

    def article_failed(self, failure: Failure) -> Iterator[Any]:  # type: ignore[override]
        super().article_failed(failure)
        yield from self._next_planned(1)

    def _lock_sites(self) -> bool:
        """Take the sites' crawl locks unless `archiver crawl` holds them already (under
        `scrapy crawl` and Scrapyd): a scheduled Scrapyd job and a cron run never overlap."""
        if self.settings.getbool("ARCHIVER_LOCK_HELD"):
            return True
        engine = crawl_engine(self.crawler)
        try:
            # The store checks the fence (PostgreSQL) in every write, as under `archiver crawl`.
            self.fence = self.locks.enter_context(crawl_lock(engine, list(self.sites)))
        except CrawlLocked as error:
            self._error("locked", "%s", error)
            return False
        return True

    def closed(self, reason: str) -> None:
        self.locks.close()

    def _since_for(self, domain: str) -> datetime | None:
        """Where `--since` starts for this site: in the zone the archive keeps for it."""
        if self.since is None:
            return None
        zones = {key: zone.zone for key, zone in self.site_zones.items()}
        return site_since(self.since, domain, zones)

    def _known(self, domain: str) -> dict[str, KnownURL]:
        if self.full:
            return {}
        return known_urls(crawl_engine(self.crawler), domain)
