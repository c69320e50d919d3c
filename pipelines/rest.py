"""The REST cross-check: each comment's parent and date in the HTML against the WordPress REST
API's, when the spider could read both. A disagreement is logged with the URL and counted; the
HTML's values are kept (they are what the page shows), never silently replaced."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from scrapy.crawler import Crawler

from archiver import runstats
from archiver.items import KIND_COMMENT, ArticleItem, CommentItem, RestComment

logger = logging.getLogger(__name__)


class RestCrossCheckPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RestCrossCheckPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem) or item.rest_comments is None:
            return item
        report = cross_check(item)
        self.stats.inc_value(runstats.REST_AGREED, report.agreed)
        self.stats.inc_value(runstats.REST_DISAGREEMENTS, len(report.disagreements))
        self.stats.inc_value(runstats.REST_ONLY_IN_HTML, report.only_in_html)
        self.stats.inc_value(runstats.REST_ONLY_IN_REST, report.only_in_rest)
        for message in report.disagreements:
            logger.warning("%s: REST disagrees: %s", item.fetched_url, message)
        return item


@dataclass
class CrossCheck:
    agreed: int = 0
    only_in_html: int = 0
    only_in_rest: int = 0
    disagreements: list[str] = field(default_factory=list)


def cross_check(item: ArticleItem) -> CrossCheck:
    """Compare the HTML thread (after the date and thread pipelines) with the REST answer."""
    report = CrossCheck()
    rest = item.rest_comments or {}
    by_key = {c.key: c for c in item.comments}
    zone = ZoneInfo(item.timezone)
    seen = set()
    for comment in item.comments:
        if comment.kind != KIND_COMMENT or not comment.external_id:
            continue
        answer = rest.get(comment.external_id)
        if answer is None:
            report.only_in_html += 1
            continue
        seen.add(comment.external_id)
        problems = _differences(comment, by_key, answer, zone)
        if problems:
            report.disagreements.append(f"comment {comment.external_id}: " + "; ".join(problems))
        else:
            report.agreed += 1
    report.only_in_rest = len(set(rest) - seen)
    return report


def _differences(
    comment: CommentItem, by_key: dict[str, CommentItem], answer: RestComment, tz: ZoneInfo
) -> list[str]:
    problems = []
    parent = by_key.get(comment.parent_key) if comment.parent_key else None
    html_parent = parent.external_id if parent is not None else None
    if html_parent != answer.parent:
        problems.append(f"parent {html_parent} in the HTML, {answer.parent} in REST")
    try:
        instant = datetime.fromisoformat(answer.date_gmt).replace(tzinfo=UTC)
    except ValueError:
        return [*problems, f"unreadable REST date_gmt {answer.date_gmt!r}"]
    shown = comment.posted_at
    if shown is None or comment.posted_precision is None:
        return problems
    if comment.posted_precision == "day":
        same = instant.astimezone(tz).date() == comment.posted_on
    else:
        unit = {"second": 1, "minute": 60, "hour": 3600}[comment.posted_precision]
        same = int(instant.timestamp()) // unit == int(shown.timestamp()) // unit
    if not same:
        problems.append(f"posted {shown.isoformat()} in the HTML, {instant.isoformat()} in REST")
    return problems
