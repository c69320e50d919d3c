"""Thread building: parents from depth order, display positions 1..N, identity keys."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler

from archiver import runstats
from archiver.items import ArticleItem
from archiver.parse.replytree import build_thread

logger = logging.getLogger(__name__)


class ReplyTreePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplyTreePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        report = build_thread(item.comments)
        self.stats.inc_value(runstats.COMMENTS_EXTRACTED, report.comments)
        if report.depth_fixes:
            self.stats.inc_value(runstats.THREADS_DEPTH_FIXES, report.depth_fixes)
            logger.warning(
                "%s: %d comment depths jumped more than one level and were clamped",
                item.fetched_url,
                report.depth_fixes,
            )
        return item
