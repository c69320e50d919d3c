"""Date normalization: every shown date → UTC instant, local date and precision, raw text kept."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler

from archiver import runstats
from archiver.items import ArticleItem
from archiver.parse.prepare import fill_dates

logger = logging.getLogger(__name__)


class DateNormalizationPipeline:
    """Fills `published_*`, `modified_at` and each comment's `posted_*` from the raw text.

    A date that does not parse keeps its raw text, leaves the rest NULL, is logged once per
    page URL and counted; it never stops the crawl.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DateNormalizationPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        report = fill_dates(item)
        self.stats.inc_value(runstats.DATES_PARSED, report.parsed)
        for raw in report.article_unparsed:
            self.stats.inc_value(runstats.DATES_UNPARSED)
            logger.error("%s: cannot read article date %r", item.fetched_url, raw)
        logged: set[str] = set()
        for comment in report.comments_unparsed:
            self.stats.inc_value(runstats.DATES_UNPARSED)
            if comment.page_url not in logged:  # one line per page, not per comment
                logged.add(comment.page_url)
                logger.error(
                    "%s: cannot read comment date %r", comment.page_url, comment.posted_raw
                )
        return item
