"""Vote counts of a comment, read where the site profile says its widget is."""

from __future__ import annotations

from collections.abc import Iterable

from parsel import Selector

from archiver.extraction.helpers import first_int
from archiver.profiles import VoteSelector


def read_votes(
    parts: Iterable[Selector], selectors: Iterable[VoteSelector], outside: str | None = None
) -> int | None:
    """First count any selector finds in the comment's own parts; None when none is shown.

    `outside` is an XPath predicate for elements (the body) a counter must not sit in.
    """
    parts = list(parts)
    for selector in selectors:
        for part in parts:
            for found in part.css(selector.css):
                if outside and found.xpath(f"ancestor-or-self::*[{outside}]"):
                    continue
                value = (
                    found.attrib.get(selector.attr)
                    if selector.attr
                    else found.xpath("string()").get()
                )
                count = first_int(value)
                if count is not None:
                    return count
    return None
