"""Small selection helpers shared by the page parsers."""

from __future__ import annotations

import re

from parsel import Selector, SelectorList

_INT = re.compile(r"[-+]?\d[\d,]*")
_DEPTH_CLASS = re.compile(r"\bdepth-(\d+)\b")
_COMMENT_ID = re.compile(r"^comment-(\d+)$")


def first_text(sel: Selector | SelectorList, *queries: str) -> str | None:
    """Stripped text of the first CSS query that finds non-empty text (`::attr(x)` allowed)."""
    for query in queries:
        for value in sel.css(query).getall():
            text = _strip_tags(value).strip()
            if text:
                return text
    return None


def present_text(sel: Selector | SelectorList, *queries: str) -> str | None:
    """Stripped text of the first query that finds an element, even an empty one ('').

    For fields where an empty element means "shown empty" (an author left blank), not "look
    elsewhere"."""
    for query in queries:
        found = sel.css(query)
        if found:
            return (
                _strip_tags(found[0].get()).strip()
                if "::" in query
                else " ".join(t.strip() for t in found[0].xpath(".//text()").getall() if t.strip())
            )
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


def comment_external_id(li: Selector) -> str | None:
    """WordPress's comment id from `id="comment-N"`."""
    match = _COMMENT_ID.match(li.attrib.get("id", ""))
    return match.group(1) if match else None


def comment_depth(li: Selector) -> int:
    """The `depth-N` class; without one, the number of reply lists around the comment plus one."""
    match = _DEPTH_CLASS.search(li.attrib.get("class", ""))
    if match:
        return int(match.group(1))
    return int(float(li.xpath(f"count(ancestor::ol[{has_class('children')}])").get("0"))) + 1
