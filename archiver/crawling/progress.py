"""Crawl progress: a bar on a terminal, a plain line every minute in a log (Scrapy extension).

Setting ARCHIVER_PROGRESS: "bar" (the CLI's choice when stderr is a terminal), "log" (plain
lines at INFO on logger archiver.crawling.progress, every ARCHIVER_PROGRESS_INTERVAL seconds), or unset
(off: `scrapy crawl` and Scrapyd keep their own LogStats lines).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from archiver import runstats
from archiver import settings as defaults

logger = logging.getLogger(__name__)
PLANNED = ("new", "changed", "due", "full")


class CrawlProgress:
    def __init__(self, crawler: Crawler, mode: str, interval: float) -> None:
        self.crawler = crawler
        self.mode = mode
        self.interval = interval
        self.loop: task.LoopingCall | None = None
        self.bar: Any = None
        self.task_id: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        mode = crawler.settings.get("ARCHIVER_PROGRESS")
        if mode not in ("bar", "log"):
            raise NotConfigured
        interval = (
            0.5
            if mode == "bar"
            else crawler.settings.getfloat(
                "ARCHIVER_PROGRESS_INTERVAL", defaults.ARCHIVER_PROGRESS_INTERVAL
            )
        )
        extension = cls(crawler, mode, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def counts(self) -> tuple[int, int, int]:
        """(articles done, articles planned, pages fetched)."""
        stats = self.crawler.stats
        assert stats is not None
        planned = sum(stats.get_value(runstats.planned(r), 0) for r in PLANNED)
        done = sum(
            stats.get_value(name, 0)
            for name in (
                runstats.ARTICLES_STORED,
                runstats.ARTICLES_NOT_MODIFIED,
                runstats.ARTICLES_GONE,
                runstats.ERRORS_FETCH,
            )
        )
        pages = stats.get_value("response_received_count", 0)
        return done, planned, pages

    def spider_opened(self) -> None:
        if self.mode == "bar":
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("[bold]crawl"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("articles · {task.fields[pages]} pages"),
                console=Console(stderr=True),
                transient=True,
            )
            self.task_id = self.bar.add_task("crawl", total=None, pages=0)
            self.bar.start()
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.interval, now=False)

    def tick(self) -> None:
        done, planned, pages = self.counts()
        if self.bar is not None:
            self.bar.update(self.task_id, completed=done, total=planned or None, pages=pages)
        else:
            logger.info("progress: %d of %d articles done, %d pages fetched", done, planned, pages)

    def spider_closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.bar is not None:
            self.bar.stop()
