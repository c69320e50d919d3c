"""Log lines that name an item by its URL, never by its whole repr (Scrapy prints every field of
a failed item: 36 KB to 2 MB for one article with its thread)."""

from __future__ import annotations

from typing import Any

from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from scrapy.spiders import Spider
from twisted.python.failure import Failure


def item_name(item: Any) -> str:
    """`ArticleItem http://…/`: what the item is and the page it came from."""
    url = getattr(item, "url", None) or getattr(item, "fetched_url", None)
    if url is None and isinstance(item, dict):
        url = item.get("url")
    name = type(item).__name__
    return f"{name} {url}" if url else name


class ItemNamingLogFormatter(LogFormatter):
    def scraped(
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        return _named(super().scraped(item, response, spider), item)

    def dropped(
        self, item: Any, exception: BaseException, response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:  # fmt: skip
        return _named(super().dropped(item, exception, response, spider), item)

    def item_error(
        self, item: Any, exception: BaseException, response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:  # fmt: skip
        result = _named(super().item_error(item, exception, response, spider), item)
        result["msg"] = "Error processing %(item)s: %(exception)s"
        args = dict(result["args"]) if isinstance(result["args"], dict) else {}
        args["exception"] = str(exception)[:500] or type(exception).__name__
        result["args"] = args
        return result


def _named(result: LogFormatterResult, item: Any) -> LogFormatterResult:
    args = dict(result.get("args") or {})
    if "item" in args:
        args["item"] = item_name(item)
    return {**result, "args": args}
