"""Date normalization: every shown date → UTC instant, local date and precision, raw text kept."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler

from archiver.dates import parse_date
from archiver.items import ArticleItem

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
        now, tz = item.fetched_at, item.timezone
        published = self._parse(item.published_raw, item.fetched_url, tz=tz, now=now)
        if published:
            item.published_at, item.published_on = published.utc, published.local_date
        modified = self._parse(item.modified_raw, item.fetched_url, tz=tz, now=now)
        item.modified_at = modified.utc if modified else None
        unparsed_pages: set[str] = set()
        for comment in item.comments:
            parsed = parse_date(comment.posted_raw, tz=tz, now=now, reference=item.published_at)
            if parsed is None:
                if comment.posted_raw is not None or comment.kind == "comment":
                    self.stats.inc_value("archiver/dates/unparsed")
                    if comment.page_url not in unparsed_pages:
                        unparsed_pages.add(comment.page_url)
                        logger.error(
                            "%s: cannot read comment date %r", comment.page_url, comment.posted_raw
                        )
                continue
            self.stats.inc_value("archiver/dates/parsed")
            comment.posted_at, comment.posted_on = parsed.utc, parsed.local_date
            comment.posted_precision = parsed.precision
        return item

    def _parse(self, raw: str | None, url: str, **kwargs):
        if raw is None:
            return None
        parsed = parse_date(raw, **kwargs)
        if parsed is None:
            self.stats.inc_value("archiver/dates/unparsed")
            logger.error("%s: cannot read article date %r", url, raw)
        return parsed
