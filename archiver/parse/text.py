"""HTML fragment → stored text, by SPEC's rule: <br> is a newline, paragraphs a blank line apart."""

from __future__ import annotations

import re

from lxml.html import HtmlElement
from parsel import Selector

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "blockquote",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "table",
        "tr",
        "figure",
        "figcaption",
        "section",
    ]
)
_BLANKS = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t]*[\r\n]+[ \t]*")


def html_to_text(fragment: Selector | HtmlElement) -> str:
    """Text of an element: original characters kept, each line stripped, blocks a blank line apart."""
    root = fragment.root if isinstance(fragment, Selector) else fragment
    parts: list[str] = []
    _collect(root, parts)
    lines = [line.strip() for line in "".join(parts).split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip("\n")


def _collect(element: HtmlElement, parts: list[str]) -> None:
    # Source line breaks are HTML white space; only <br> and blocks break lines.
    if element.text:
        parts.append(_SPACES.sub(" ", element.text))
    for child in element:
        tag = child.tag
        if isinstance(tag, str):  # not a comment or processing instruction
            tag = tag.lower()
            if tag == "br":
                parts.append("\n")
            elif tag in BLOCK_TAGS:
                parts.append("\n\n")
                _collect(child, parts)
                parts.append("\n\n")
            elif tag not in ("script", "style", "noscript"):
                _collect(child, parts)
        if child.tail:
            parts.append(_SPACES.sub(" ", child.tail))
