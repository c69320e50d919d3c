"""Persistence: each article with its whole thread into the archive, and the run's own row."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from archiver import runstats
from archiver.config import describe_db, resolve_db_url
from archiver.crawling.archive import crawl_engine
from archiver.crawling.health import RunHealth
from archiver.crawling.revisit import RevisitPolicy
from archiver.db import runs
from archiver.db.lock import Fence, LockLost
from archiver.db.store import ArchiveStore
from archiver.items import ArticleItem, CaptureRecord, GoneItem, NotModifiedItem
from archiver.parse.profiles import load_profile
from archiver.runstats import RunCounts
from archiver.warc.middleware import capture_written

logger = logging.getLogger(__name__)
T = TypeVar("T")

RECONNECTS = 2  # writes made again after the database connection was lost, per write


class ArchiveStorePipeline:
    """Writes items through `ArchiveStore` and records the run in `crawl_runs`.

    Settings: ARCHIVER_DB (path or URL; default $ARCHIVER_DB or the data home's archive),
    ARCHIVER_RUN_COMMAND and ARCHIVER_RUN_ARGUMENTS (what the run row records).
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.stats = crawler.stats
        self.db_url = resolve_db_url(settings.get("ARCHIVER_DB"))
        self.command = settings.get("ARCHIVER_RUN_COMMAND", "scrapy crawl")
        self.arguments = settings.get("ARCHIVER_RUN_ARGUMENTS")
        self.policy = RevisitPolicy.from_settings(settings)
        self.summary_articles = settings.getint("ARCHIVER_SUMMARY_ARTICLES")
        self.store: ArchiveStore | None = None
        self.run_id: int | None = None
        self.writer = ThreadPool(minthreads=1, maxthreads=1, name="archiver-store")
        # WARC records written since the last item: indexed in `captures` with the next one.
        self.captures: deque[CaptureRecord] = deque()
        self.health = RunHealth()
        self.crawler = crawler
        self.fence = Fence.from_setting(settings.getdict("ARCHIVER_LOCK_FENCE") or None)
        self.lock_lost = False
        self.disk_full = False
        self.closing: asyncio.Task | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.captured, signal=capture_written)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveStorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        # A writing command: the schema is upgraded here, under a lock, if it is behind.
        self.store = ArchiveStore(crawl_engine(self.crawler), fence=self.fence)
        self.run_id = self.store.start_run(self.command, self.arguments)
        self.stats.set_value(runstats.RUN_ID, self.run_id)
        self.stats.set_value(runstats.DB, describe_db(self.db_url))
        # Threads are written on one thread of their own, one after another: the reactor goes on
        # fetching while a long thread is stored, and writes never race each other.
        self.writer.start()

    async def process_item(self, item: Any) -> Any:
        store = self.store
        if store is None:  # open_spider failed; Scrapy has logged why
            raise DropItem("the archive is not open")
        if self.lock_lost or self.disk_full:
            raise DropItem("not stored: the crawl is stopping")
        try:
            return await self._store(store, item)
        except OperationalError as error:
            if "disk is full" not in str(error.orig):
                raise
            if not self.disk_full:  # said once, however many items were on their way
                logger.error("the archive's disk is full (%s): the crawl stops; what was stored "
                             "is whole, and a later run stores the rest", describe_db(self.db_url))  # fmt: skip
            self.disk_full = True
            self.stats.set_value(runstats.STOPPED, "disk_full")
            self._close("disk_full")
            raise DropItem("not stored: the disk is full") from error
        except LockLost as error:
            # Fencing: another crawl of the site may be running now; this one stops writing,
            # and ends with its summary.
            self.lock_lost = True
            logger.error("%s: %s; the crawl stops", getattr(item, "url", "the crawl"), error)
            self.stats.inc_value(runstats.ERRORS_LOCK_LOST)
            self._close("lock_lost")
            raise DropItem(str(error)) from error

    def _close(self, reason: str) -> None:
        # Not awaited: closing waits for the items in progress, this one among them.
        if self.closing is None:
            closing = self.crawler.engine.close_spider_async(reason=reason)
            self.closing = asyncio.get_running_loop().create_task(closing)

    async def _store(self, store: ArchiveStore, item: Any) -> Any:
        if store.fence is None:  # a site spider that took its locks itself (`scrapy crawl`)
            store.fence = getattr(self.crawler.spider, "fence", None)
        captures = self._taken_captures()
        if captures:
            await self._in_writer(store.keep_captures, captures, self.run_id)
        if isinstance(item, ArticleItem):
            result = await self._in_writer(store.store_article, item, self.run_id, self.policy)
            self.stats.inc_value(runstats.ARTICLES_STORED)
            self.stats.inc_value(runstats.ARTICLES_NEW, int(result.article_new))
            self.stats.inc_value(runstats.ARTICLES_CHANGED, int(result.article_changed))
            self.stats.inc_value(runstats.COMMENTS_NEW, result.comments_new)
            self.stats.inc_value(runstats.COMMENTS_CHANGED, result.comments_changed)
            self.stats.inc_value(runstats.COMMENTS_DELETED, result.comments_deleted)
            if result.purged_shown:
                self.stats.inc_value(runstats.COMMENTS_PURGED_SHOWN, result.purged_shown)
                logger.warning(
                    "%s still shows %d purged comment(s): this fetch's raw capture holds their "
                    "text again (the archive's rows stay blank); `archiver redact --purge` "
                    "again cuts it out", item.fetched_url, result.purged_shown,
                )  # fmt: skip
            if result.comments_rekeyed:
                self.stats.inc_value(runstats.COMMENTS_REKEYED, result.comments_rekeyed)
            if result.zone_change is not None:
                self.stats.inc_value(runstats.SITES_ZONE_CHANGED)
                logger.warning(
                    "%s: the page's own offsets put %s in %s (it was %s); rows stored before "
                    "keep their reading until `archiver reparse`",
                    item.fetched_url, item.domain, result.zone_change[1], result.zone_change[0],
                )  # fmt: skip
            shortfall = self.health.observe(
                item, result.before, load_profile(item.domain).accept_shortfall
            )
            if shortfall is not None:
                self.stats.inc_value(runstats.HEALTH_SHORT_PAGES)
                if not shortfall.moving:  # a thread that moved: the spider said so already
                    # Nothing lost silently: the page showed more than we kept, at this URL.
                    log = logger.error if shortfall.fails else logger.warning
                    log("%s: %s", item.fetched_url, shortfall.describe())
            # The summary's articles: the first ones stored, not every one of a big crawl
            # (the stats go into crawl_runs as JSON).
            ids = self.stats.get_value(runstats.ARTICLE_IDS)
            if ids is None:
                self.stats.set_value(runstats.ARTICLE_IDS, [result.article_id])
            elif len(ids) < self.summary_articles:
                ids.append(result.article_id)
        elif isinstance(item, GoneItem) and await self._in_writer(
            store.mark_gone, item.url, item.fetched_at, item.visit, self.policy
        ):
            self.stats.inc_value(runstats.ARTICLES_GONE)
        elif isinstance(item, NotModifiedItem):
            await self._in_writer(store.not_modified, item, self.policy)
            self.stats.inc_value(runstats.ARTICLES_NOT_MODIFIED)
        return item

    def captured(self, capture: CaptureRecord) -> None:
        self.captures.append(capture)

    def _taken_captures(self) -> list[CaptureRecord]:
        taken = []
        while self.captures:
            taken.append(self.captures.popleft())
        return taken

    async def _in_writer(self, function: Callable[..., T], *args: Any) -> T:
        # Imported here: importing the reactor at module level would install the default one
        # before Scrapy installs the asyncio reactor.
        from twisted.internet import reactor

        for attempt in range(1, RECONNECTS + 2):
            try:
                return await maybe_deferred_to_future(
                    deferToThreadPool(reactor, self.writer, function, *args)
                )
            except DBAPIError as error:
                # A connection the server ended (a restart, a terminated backend): its
                # transaction was rolled back whole; the write is made again on a new one.
                if not error.connection_invalidated or attempt > RECONNECTS:
                    raise
                logger.warning("the database connection was lost (%s); writing again on a new "
                               "one", str(error.orig).strip().splitlines()[0])  # fmt: skip
                self.stats.inc_value(runstats.DB_RECONNECTS)
        raise AssertionError("unreachable")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.writer.started:
            self.writer.stop()  # every item is stored by now: Scrapy waited for them
        if self.store is None or self.run_id is None:
            return
        if not (self.lock_lost or self.disk_full):  # else the WARC keeps them for a reparse
            self.store.keep_captures(self._taken_captures(), self.run_id)
        self.health.compare(
            runs.previous_health(self.store.engine, list(self.health.sites), self.run_id)
        )
        for domain, drop in self.health.drops:
            # The sign that a site changed its templates: the run says so in its exit code.
            logger.warning("%s: extraction health dropped: %s", drop.get("url", domain),
                           drop["what"])  # fmt: skip
        self.stats.set_value(runstats.HEALTH_DROPS, len(self.health.drops))
        self.stats.set_value(runstats.HEALTH, self.health.as_json())
        stats = self.stats.get_stats()
        errors = int(stats.get("log_count/ERROR", 0))
        failed = errors or self.health.drops
        status = "interrupted" if reason != "finished" else "failed" if failed else "ok"
        # Pages of the site, not robots.txt.
        pages = stats.get("response_received_count", 0) - stats.get("robotstxt/response_count", 0)
        self.stats.set_value(runstats.PAGES, pages)
        counts = RunCounts.of(self.stats.get_stats()).as_dict()  # crawl_runs' counters among them
        self.stats.set_value(runstats.STATUS, status)
        try:
            runs.finish_run(
                self.store.engine,
                self.run_id,
                status=status,
                finish_reason=reason,
                counts=counts,
                stats=_jsonable(stats),
                health=self.health.as_json(),
            )
        except SQLAlchemyError as error:  # a full disk, a lost server: the row stays "running"
            logger.error("cannot record the end of run #%s: %s (the next run marks it "
                         "interrupted)", self.run_id, str(getattr(error, "orig", error)))  # fmt: skip


def _jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(stats, default=str))
