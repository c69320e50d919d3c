"""HTML fragment → stored text, by SPEC's rule: <br> is a newline, paragraphs a blank line apart."""

from __future__ import annotations

import re

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


def html_to_text(fragment: Selector) -> str:
    """Text of an element: original characters kept, each line stripped, blocks a blank line apart."""
    parts: list[str] = []
    _collect(fragment, parts)
    lines = [line.strip() for line in "".join(parts).split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip("\n")


def _collect(node: Selector, parts: list[str]) -> None:
    for child in node.xpath("./node()"):
        root = child.root
        if isinstance(root, str):
            # Source line breaks are HTML white space; only <br> and blocks break lines.
            parts.append(_SPACES.sub(" ", root))
            continue
        tag = getattr(root, "tag", None)
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        tag = tag.lower()
        if tag in ("script", "style", "noscript"):
            continue
        if tag == "br":
            parts.append("\n")
        elif tag in BLOCK_TAGS:
            parts.append("\n\n")
            _collect(child, parts)
            parts.append("\n\n")
        else:
            _collect(child, parts)
