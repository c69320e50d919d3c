"""Small helpers shared by the page parsers."""

from __future__ import annotations

import re

from parsel import Selector

_INT = re.compile(r"[-+]?\d[\d,]*")


def first_int(text: str | None) -> int | None:
    """The first integer in `text` (`+8`, `1,234`, `コメント ( 34 )`), or None."""
    if not text:
        return None
    match = _INT.search(text)
    if not match:
        return None
    return int(match.group().replace(",", "").lstrip("+"))


def inner_html(sel: Selector) -> str:
    return "".join(sel.xpath("./node()").getall()).strip()
