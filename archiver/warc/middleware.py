"""The downloader middleware that writes every response the crawler receives to WARC files.

It sits next to the downloader (after retries, redirects and decompression see the response),
so it keeps what the server sent: 5xx answers that were retried, redirects, 304s, robots.txt
and sitemaps included. Each response's request meta gets its fetch time (`archiver_fetched_at`,
the record's WARC-Date, which the spider uses as the observation time) and where it went
(`archiver_capture`); the `capture_written` signal hands the record to the store pipeline.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from datetime import datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.python import to_unicode
from sqlalchemy import Connection, Select, bindparam, select

from archiver import clock, runstats
from archiver import settings as defaults
from archiver.config import resolve_db_url, warc_dir
from archiver.crawling.archive import crawl_engine
from archiver.db.models import Capture
from archiver.items import CaptureRecord
from archiver.warc.writer import (
    SPIDER_FIELD,
    Original,
    WarcFiles,
    http_headers,
)

logger = logging.getLogger(__name__)

capture_written = object()  # signal: capture=CaptureRecord
ARCHIVED = (
    select(Capture.url, Capture.fetched_at)
    .where(Capture.payload_digest == bindparam("digest"), Capture.record_type == "response")
    .order_by(Capture.id)
    .limit(1)
)
CONFIRMED = (
    select(Capture.url, Capture.fetched_at)
    .where(Capture.url == bindparam("url"), Capture.status == 200)
    .order_by(Capture.fetched_at.desc())
    .limit(1)
)


class WarcMiddleware:
    """Settings: ARCHIVER_WARC (on by default), ARCHIVER_WARC_DIR (default: the archive's own,
    `archiver.config.warc_dir`), ARCHIVER_WARC_MAX_SIZE (bytes per file)."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        db_url = resolve_db_url(settings.get("ARCHIVER_DB"))
        self.connection: Connection | None = None
        self.files = WarcFiles(
            Path(settings.get("ARCHIVER_WARC_DIR") or warc_dir(db_url)),
            max_size=settings.getint("ARCHIVER_WARC_MAX_SIZE", defaults.ARCHIVER_WARC_MAX_SIZE),
            # The spider: a re-parse restores a site crawl's revisit state, not a scrape's.
            info={
                "operator": settings.get("ARCHIVER_CONTACT") or "",
                SPIDER_FIELD: getattr(crawler.spidercls, "name", ""),
            },
            find_original=self._archived,
            find_confirmed=self._confirmed,
        )
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        self.disk_full = False
        self.closing: asyncio.Task | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcMiddleware:
        if not crawler.settings.getbool("ARCHIVER_WARC", defaults.ARCHIVER_WARC):
            raise NotConfigured("ARCHIVER_WARC is off")
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider) -> Response:
        if self.disk_full:
            raise IgnoreRequest("not archived: the disk is full")
        fetched_at = clock.now()
        try:
            capture = self._write(request, response, fetched_at)
        except OSError as error:
            if error.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            self._stop_for_full_disk(error)
            raise IgnoreRequest("not archived: the disk is full") from error
        request.meta["archiver_fetched_at"] = fetched_at
        request.meta["archiver_capture"] = capture
        self.crawler.stats.inc_value(runstats.WARC_RECORDS)
        self.crawler.stats.inc_value(runstats.warc_record(capture.record_type))
        self.crawler.stats.inc_value(runstats.WARC_BYTES, capture.warc_length)
        self.crawler.signals.send_catch_log(signal=capture_written, capture=capture)
        return response

    def _stop_for_full_disk(self, error: OSError) -> None:
        """The disk is full: the crawl stops at once (nothing is stored without its raw page,
        and fetching on would only load the site), saying so once."""
        self.disk_full = True
        self.crawler.stats.set_value(runstats.STOPPED, "disk_full")
        logger.error("the disk of %s is full (%s): the crawl stops; what was stored has its raw "
                     "pages, and a later run fetches the rest", self.files.directory,
                     error.strerror)  # fmt: skip
        closing = self.crawler.engine.close_spider_async(reason="disk_full")
        self.closing = asyncio.get_running_loop().create_task(closing)

    def _write(self, request: Request, response: Response, fetched_at: datetime) -> CaptureRecord:
        return self.files.write(
            url=response.url,
            fetched_at=fetched_at,
            method=request.method,
            request_headers=http_headers(request.headers.items()),
            request_body=request.body,
            status=response.status,
            reason=_reason(response.status),
            response_headers=http_headers(response.headers.items()),
            body=response.body,
            protocol=_protocol(response),
        )

    def _archived(self, digest: str) -> Original | None:
        """The first response record of this payload in an earlier run, from the archive."""
        return self._capture(ARCHIVED, {"digest": digest})

    def _confirmed(self, url: str) -> Original | None:
        """The latest full capture of `url` in an earlier run: what a 304 confirms."""
        return self._capture(CONFIRMED, {"url": url})

    def _capture(self, query: Select, parameters: dict[str, str]) -> Original | None:
        """One capture from the archive's index.

        One connection for the crawl (a checkout with its ping per response cost ~1 ms), with
        no read transaction left open between lookups (SQLite's WAL could not checkpoint).
        """
        try:
            if self.connection is None:
                self.connection = crawl_engine(self.crawler).connect()
            row = self.connection.execute(query, parameters).first()
            self.connection.rollback()
        except Exception:  # no captures table yet (an archive being created): nothing archived
            self._close_connection()
            return None
        return Original(row.url, row.fetched_at) if row is not None else None

    def _close_connection(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def spider_closed(self) -> None:
        try:
            self.files.close()
        except OSError as error:  # the last record could not be flushed: a truncated tail
            logger.error("cannot close the WARC file in %s: %s", self.files.directory, error)
        self._close_connection()


def _protocol(response: Response) -> str:
    protocol = getattr(response, "protocol", None) or "HTTP/1.1"
    return to_unicode(protocol).upper()


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def record_time(meta: dict[str, Any]) -> datetime:
    """A response's observation time: its WARC-Date when written, else now (WARC off)."""
    fetched_at = meta.get("archiver_fetched_at")
    return fetched_at if isinstance(fetched_at, datetime) else clock.now()
