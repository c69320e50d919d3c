"""Small helpers shared by the page parsers."""

from __future__ import annotations

import re
from html import escape

from lxml.html import HtmlElement, tostring

_INT = re.compile(r"[-+]?\d[\d,]*")


def first_int(text: str | None) -> int | None:
    """The first integer in `text` (`+8`, `1,234`, `コメント ( 34 )`), or None."""
    if not text:
        return None
    match = _INT.search(text)
    if not match:
        return None
    return int(match.group().replace(",", "").lstrip("+"))


def inner_html(element: HtmlElement) -> str:
    """The element's content as HTML: its leading text (escaped, like the rest) and children."""
    head = escape(element.text or "", quote=False)
    return (head + "".join(tostring(child, encoding="unicode") for child in element)).strip()
