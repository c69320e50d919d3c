"""The `article` spider: one article page and every page of its comments, as one ArticleItem."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import scrapy
from scrapy.http import Response
from sqlalchemy.exc import SQLAlchemyError
from twisted.python.failure import Failure

from archiver import runstats
from archiver.crawling.archive import crawl_engine
from archiver.crawling.arguments import ScrapeArguments
from archiver.crawling.middlewares import first_url
from archiver.crawling.responses import NotHTML, extract_response
from archiver.db.engine import ArchiveUnavailable
from archiver.db.sites import site_zones
from archiver.items import (
    ArticleItem,
    GoneItem,
    NotModifiedItem,
    SiteZone,
    Visit,
)
from archiver.parse.commentpages import ThreadFetch
from archiver.parse.extraction import PageExtract
from archiver.parse.prepare import rest_comments_url, zoned_article_item
from archiver.parse.restcomments import add_missing, read_answer
from archiver.warc.middleware import record_time

logger = logging.getLogger(__name__)


class ArticleSpider(scrapy.Spider):
    name = "article"

    def __init__(
        self,
        url: str | None = None,
        urls: list[str] | str | None = None,
        *args: Any,
        arguments: ScrapeArguments | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The API's model, or `-a url=U` / `-a urls=…` (one a line) from scrapy crawl, Scrapyd.
        self.arguments = arguments or ScrapeArguments.of(url, urls)
        self.urls = list(self.arguments.urls)
        self.rest_refused: set[str] = set()  # sites whose REST API answered no usable list
        self._site_zones: dict[str, SiteZone] | None = None

    @property
    def user_agent(self) -> str:
        """Scrapy's USER_AGENT, with ARCHIVER_CONTACT appended when set (read by Scrapy's
        UserAgentMiddleware when the spider opens)."""
        agent = str(self.settings.get("USER_AGENT"))
        contact = self.settings.get("ARCHIVER_CONTACT")
        return f"{agent} (+{contact})" if contact else agent

    async def start(self):
        for url in dict.fromkeys(self.urls):
            yield scrapy.Request(
                url, callback=self.parse_article, errback=self.article_failed, dont_filter=True
            )

    def parse_article(self, response: Response) -> Iterator[Any]:
        fetched_at = record_time(response.meta)
        visit = _visit(response)
        if response.status == 304 and visit is not None:  # a site crawl's conditional GET
            yield NotModifiedItem(url=response.url, fetched_at=fetched_at, visit=visit)
            return
        if response.status in (404, 410):
            self._error("gone", "%s answered %d", response.url, response.status)
            yield GoneItem(
                url=response.url, status=response.status, fetched_at=fetched_at, visit=visit
            )
            return
        page = self._extract(response)
        if page is None:
            return
        if page.article is None:
            if response.meta.get("archiver_candidate"):  # a link of an archive page, not a post
                self.crawler.stats.inc_value(runstats.CRAWL_NOT_ARTICLES)
                return
            self._error("not_article", "%s is not an article page (%s)", response.url, page.refusal)
            return
        item = zoned_article_item(page, response.url, fetched_at, self.site_zones)
        item.visit = visit
        _add_capture(item, response)
        if page.comment_markup is None and page.has_comment_signs:
            self._error("unknown_markup", "%s: comment markup not recognized", response.url)
            item.comments_complete = False
        thread = ThreadFetch(item)
        yield from self._follow(thread, page)

    def parse_comment_page(self, response: Response, thread: ThreadFetch) -> Iterator[Any]:
        thread.pending -= 1
        _add_capture(thread.item, response)
        if thread.item.visit is not None and response.status == 200:
            thread.item.visit.pages[response.url] = validators(response)
        page = self._extract(response) if response.status == 200 else None
        if response.status != 200:
            self._error("comment_page", "%s answered %d", response.url, response.status)
        if page is None or page.comment_markup is None:
            thread.item.comments_complete = False
            if page is not None:
                self._error("comment_page", "%s: no comments recognized", response.url)
            yield from self._finish_if_done(thread)
            return
        yield from self._follow(thread, page)

    def comment_page_failed(self, failure: Failure) -> Iterator[Any]:
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        thread: ThreadFetch = request.cb_kwargs["thread"]
        thread.pending -= 1
        thread.item.comments_complete = False
        self._error("fetch", "cannot fetch %s: %s", request.url, _reason(failure))
        yield from self._finish_if_done(thread)

    def article_failed(self, failure: Failure) -> None:
        url = first_url(failure.request)  # type: ignore[attr-defined]  # set by Scrapy
        self._error("fetch", "cannot fetch %s: %s", url, _reason(failure))

    def _follow(self, thread: ThreadFetch, page: PageExtract) -> Iterator[Any]:
        for _number, url in sorted(thread.add(page).items()):
            yield scrapy.Request(
                url,
                callback=self.parse_comment_page,
                errback=self.comment_page_failed,
                cb_kwargs={"thread": thread},
                dont_filter=True,  # pages are deduplicated by number; a dropped one would stall the thread
            )
        yield from self._finish_if_done(thread)

    def _finish_if_done(self, thread: ThreadFetch) -> Iterator[Any]:
        if thread.pending == 0:
            item = thread.merged()
            if thread.short:
                # Not an error: the thread changed while we read it; the next visit completes it.
                logger.warning(
                    "%s: %d comments read, the page shows %d: the thread changed while it was "
                    "fetched; nothing is marked deleted this time",
                    item.fetched_url,
                    len(item.comments),
                    item.comment_count_shown,
                )
                self.crawler.stats.inc_value(runstats.THREADS_SHORT)
            rest = self._rest_request(item, 1)
            yield rest if rest is not None else item

    def _rest_request(self, item: ArticleItem, page: int) -> scrapy.Request | None:
        """Page `page` of the REST comments of the article, when the site offers them."""
        if not (
            self.settings.getbool("ARCHIVER_REST_CROSSCHECK", True)
            and item.domain not in self.rest_refused
            and item.rest_api
            and item.wp_post_id is not None
            # Comments to check, or a count above what the HTML holds (a "load more" thread).
            and (
                any(c.kind == "comment" for c in item.comments)
                or (item.comment_count_shown or 0) > len(item.comments)
            )
        ):
            return None
        url = rest_comments_url(item, page)
        if url is None:
            return None
        return scrapy.Request(
            url,
            callback=self.parse_rest,
            errback=self.rest_failed,
            cb_kwargs={"item": item, "page": page},
            dont_filter=True,
            meta={"handle_httpstatus_list": [400, 401, 403, 404]},
        )

    def parse_rest(self, response: Response, item: ArticleItem, page: int) -> Iterator[Any]:
        _add_capture(item, response)
        entries = read_answer(response.text) if response.status == 200 else None
        if entries is None:
            self._rest_unusable(
                item, f"{response.url} answered {response.status} without a comment list"
            )
            yield item
            return
        item.rest_comments = {**(item.rest_comments or {}), **entries}
        pages = int(response.headers.get("X-WP-TotalPages", b"1") or 1)
        following = self._rest_request(item, page + 1) if page < pages else None
        if following is not None:
            yield following
            return
        added = add_missing(item, response.url)
        if added:
            # Kept, and said: the thread is whole only with what the page's script would load.
            logger.warning(
                "%s: %d comments the page's HTML does not hold (it shows %d, holds %d) were "
                "read from the REST API (source 'rest'); the thread is kept as incomplete",
                item.fetched_url, added, item.comment_count_shown, len(item.comments) - added,
            )  # fmt: skip
            self.crawler.stats.inc_value(runstats.REST_COMMENTS_ADDED, added)
        yield item

    def rest_failed(self, failure: Failure) -> Iterator[Any]:
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        item: ArticleItem = request.cb_kwargs["item"]
        self._rest_unusable(item, f"cannot fetch {request.url}: {_reason(failure)}")
        yield item

    def _rest_unusable(self, item: ArticleItem, reason: str) -> None:
        # The REST API is a second opinion: its absence is worth a warning, never an error,
        # and one per site (many sites switch it off for visitors).
        if item.domain not in self.rest_refused:
            logger.warning("%s: no REST cross-check for this site: %s", item.fetched_url, reason)
            self.rest_refused.add(item.domain)
        item.rest_comments = None
        self.crawler.stats.inc_value(runstats.REST_UNUSABLE)

    @property
    def site_zones(self) -> dict[str, SiteZone]:
        """The zones the archive keeps per site, read once (a site crawl's plan, else the first
        article, asks first), through the crawl's one engine."""
        if self._site_zones is None:
            try:
                self._site_zones = site_zones(crawl_engine(self.crawler))
            except (SQLAlchemyError, ArchiveUnavailable) as error:  # the store reports it
                logger.warning("cannot read the sites' time zones: %s", error)
                self._site_zones = {}
        return self._site_zones

    def _extract(self, response: Response) -> PageExtract | None:
        try:
            page = extract_response(response)
        except NotHTML as error:
            self._error("not_html", "%s", error)
            return None
        except Exception:  # a parser bug must not end the crawl; the URL says where to look
            logger.exception("cannot parse %s", response.url)
            self.crawler.stats.inc_value(runstats.ERRORS_PARSE)
            return None
        if page.tags_dropped:  # named in the log by extract_response
            self.crawler.stats.inc_value(runstats.HEALTH_PAGES_CUT)
            self.crawler.stats.inc_value(runstats.HEALTH_TAGS_DROPPED, page.tags_dropped)
        if page.nul_chars:
            self.crawler.stats.inc_value(runstats.HEALTH_NUL_CHARS, page.nul_chars)
        return page

    def _error(self, kind: str, message: str, *args: Any) -> None:
        logger.error(message, *args)
        self.crawler.stats.inc_value(runstats.error(kind))


# Failures whose own message says little to a user.
_FAILURE_REASONS = {
    "ResponseDataLossError": "truncated response (fewer bytes than its Content-Length)",
    "TimeoutError": "timed out",
    "DNSLookupError": "DNS lookup failed",
}


def _add_capture(item: ArticleItem, response: Response) -> None:
    capture = response.meta.get("archiver_capture")
    if capture is not None:
        item.captures.append((capture.warc_file, capture.warc_offset))


def _visit(response: Response) -> Visit | None:
    """A site crawl's visit (request meta) completed with what the server said."""
    listed: Visit | None = response.meta.get("archiver_visit")
    if listed is None:
        return None
    found = validators(response)
    return replace(
        listed,
        status=response.status,
        etag=found.get("etag"),
        last_modified=found.get("last_modified"),
        pages={},
    )


def validators(response: Response) -> dict[str, str]:
    """The response's ETag and Last-Modified, for a later conditional GET."""
    found = {}
    for key, header in (("etag", "ETag"), ("last_modified", "Last-Modified")):
        value = (response.headers.get(header) or b"").decode("latin-1")
        if value:
            found[key] = value
    return found


def _reason(failure: Failure) -> str:
    response = getattr(failure.value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    name = type(failure.value).__name__
    return _FAILURE_REASONS.get(name) or failure.getErrorMessage() or name
