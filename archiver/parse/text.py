"""HTML fragment → stored text, by SPEC's rule: <br> is a newline, paragraphs a blank line apart."""

from __future__ import annotations

import re

from lxml.html import HtmlElement
from parsel import Selector

# Characters that steer a terminal instead of showing: C0 but tab and newline; DEL and C1; the
# bidirectional embeddings, overrides and isolates, which reorder what is shown. Stored as the
# page had them; counted in health, never printed raw (cli/terminal).
C0 = "\x00-\x08\x0b-\x1f"
DEL_C1 = "\x7f-\x9f"
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
CONTROL_CHARS = re.compile(f"[{C0}{DEL_C1}{BIDI_CONTROLS}]")

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


def _collect(root: HtmlElement, parts: list[str]) -> None:
    """The element's text pieces in document order; a stack, not recursion, so a comment of a
    thousand nested tags is read like any other."""
    stack: list[HtmlElement | str] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        # Source line breaks are HTML white space; only <br> and blocks break lines.
        if item.text:
            parts.append(_SPACES.sub(" ", item.text))
        pending: list[HtmlElement | str] = []
        for child in item:
            tag = child.tag
            if isinstance(tag, str):  # not a comment or processing instruction
                tag = tag.lower()
                if tag == "br":
                    pending.append("\n")
                elif tag in BLOCK_TAGS:
                    pending += ["\n\n", child, "\n\n"]
                elif tag not in ("script", "style", "noscript"):
                    pending.append(child)
            if child.tail:
                pending.append(_SPACES.sub(" ", child.tail))
        stack.extend(reversed(pending))
