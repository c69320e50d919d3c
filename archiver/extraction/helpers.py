"""Small selection helpers shared by the page parsers."""

from __future__ import annotations

import re

from parsel import Selector, SelectorList

_INT = re.compile(r"[-+]?\d[\d,]*")


def first_text(sel: Selector | SelectorList, *queries: str) -> str | None:
    """Stripped text of the first CSS query that finds non-empty text (`::attr(x)` allowed)."""
    for query in queries:
        for value in sel.css(query).getall():
            text = _strip_tags(value).strip()
            if text:
                return text
    return None


def first_int(text: str | None) -> int | None:
    """The first integer in `text` (`+8`, `1,234`, `コメント ( 34 )`), or None."""
    if not text:
        return None
    match = _INT.search(text)
    if not match:
        return None
    return int(match.group().replace(",", "").lstrip("+"))


def has_class(name: str) -> str:
    """XPath predicate for an element carrying the class `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def inner_html(sel: Selector) -> str:
    return "".join(sel.xpath("./node()").getall()).strip()


def _strip_tags(value: str) -> str:
    if "<" not in value:
        return value
    return " ".join(Selector(text=value).xpath("//text()").getall())
