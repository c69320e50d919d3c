"""Downloader middlewares: retries made polite (wait as long as the site asks with Retry-After on
429/503, else back off exponentially), and a site crawl that never leaves its sites."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.response import response_status_message

from archiver import runstats
from archiver import settings as defaults
from archiver.clock import as_utc
from archiver.parse.urls import site_domain

logger = logging.getLogger(__name__)


class PoliteRetryMiddleware(RetryMiddleware):
    """Settings: ARCHIVER_RETRY_BACKOFF (seconds before the first retry, doubled each time;
    default 1) and ARCHIVER_RETRY_MAX_WAIT (the longest wait, Retry-After included; default 120)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("ARCHIVER_RETRY_BACKOFF", defaults.ARCHIVER_RETRY_BACKOFF)
        self.max_wait = settings.getfloat(
            "ARCHIVER_RETRY_MAX_WAIT", defaults.ARCHIVER_RETRY_MAX_WAIT
        )

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._wait(request, retry_after(response))
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        if request.meta.get("dont_retry", False) or not isinstance(
            exception, self.exceptions_to_retry
        ):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._wait(request, None)
        return retry

    async def _wait(self, request: Request, asked: float | None) -> None:
        attempt = request.meta.get("retry_times", 0)  # retries already made before this one
        wait = asked if asked is not None else self.backoff * 2**attempt
        wait = max(0.0, min(wait, self.max_wait))
        if wait:
            logger.debug("waiting %.1f s before retrying %s", wait, request.url)
            self.crawler.stats.inc_value(runstats.RETRY_WAITS)
            await asyncio.sleep(wait)


def retry_after(response: Response) -> float | None:
    """Seconds the Retry-After header asks for (delta-seconds or an HTTP date), if any."""
    value = (response.headers.get("Retry-After") or b"").decode("latin-1").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = as_utc(parsedate_to_datetime(value))
    except (TypeError, ValueError):
        return None
    # Real time, not ARCHIVER_NOW: the site's clock and ours tick together.
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class StayOnSiteMiddleware:
    """Drop a redirect to another site, for every command, and any request of a site crawl
    outside the spider's `allowed_domains`.

    A redirect may change the scheme (with its default port) and `www.`, never the site key
    (host and explicit port: `same_site`), unless the archive names the two keys one site
    (`archiver sites alias`, handed over as ARCHIVER_SITE_ALIASES); anything else is a redirect
    elsewhere, refused before anything is fetched there, its error naming both URLs. Scrapy's
    own offsite filter lets a request through when it has dont_filter, and our article requests
    need it (a thread is fetched again after a conditional GET); redirects inherit it.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.aliases: dict[str, str] = crawler.settings.getdict("ARCHIVER_SITE_ALIASES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StayOnSiteMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        origin = first_url(request)
        site = self._site(request.url)
        if origin != request.url and (site is None or site != self._site(origin)):
            self.crawler.stats.inc_value(runstats.REDIRECTS_OFF_SITE)
            raise IgnoreRequest(f"redirected off the site, to {request.url}; not followed (if "
                                "the site moved there: `archiver sites alias OLD NEW`)")  # fmt: skip
        allowed = getattr(self.crawler.spider, "allowed_domains", None)
        if not allowed:
            return
        host = (urlsplit(request.url).hostname or "").lower()
        if site is not None and site != site_domain(request.url):  # an alias: its site's host
            host = (urlsplit(f"http://{site}/").hostname or "").lower()
        if any(host == domain or host.endswith("." + domain) for domain in allowed):
            return
        self.crawler.stats.inc_value(runstats.CRAWL_OFFSITE)
        what = "redirected" if origin != request.url else "links"
        raise IgnoreRequest(f"{what} off the site, to {request.url}; not followed")

    def _site(self, url: str) -> str | None:
        """The key of the site the URL is of, through its aliases (None: a malformed port)."""
        try:
            key = site_domain(url)
        except ValueError:
            return None
        return self.aliases.get(key, key)


def first_url(request: Request) -> str:
    """The URL a request chain started from, before any redirect."""
    return (request.meta.get("redirect_urls") or [request.url])[0]
