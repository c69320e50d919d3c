"""Small helpers shared by the page parsers."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from html import escape
from importlib import resources
from typing import Any

from lxml.html import HtmlElement, tostring

from archiver.items import KIND_PINGBACK, KIND_TRACKBACK

_INT = re.compile(r"[-+]?\d[\d,]*")
_SPACE = re.compile(r"\s+")
# An id naming a comment: its number, and a plugin's parent number where it gives one.
COMMENT_ID = re.compile(r"^(?:(?:li|div|article)-)?comment-(\d+)$|^(?:wpd|wc)-comm-(\d+)_(\d+)$")
# comment_class() names a ping's kind among the item's classes.
KINDS_BY_CLASS = {"pingback": KIND_PINGBACK, "trackback": KIND_TRACKBACK}


@cache
def cues_data() -> dict[str, Any]:
    """cues.toml: the words and class names the readers look for, as data."""
    text = resources.files(__package__).joinpath("cues.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


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


def collapsed_text(element: HtmlElement) -> str:
    """The element's text with every run of whitespace one space (names, dates as shown)."""
    return _SPACE.sub(" ", "".join(element.itertext())).strip()


def depth_class(classes: list[str]) -> int | None:
    """The N of a `depth-N` class (WordPress's comment_class()), or None."""
    for name in classes:
        if name.startswith("depth-") and name[6:].isdigit():
            return int(name[6:])
    return None


def contains(outer: HtmlElement, inner: HtmlElement) -> bool:
    """True when `inner` lies inside `outer` (not the element itself)."""
    return any(a is outer for a in inner.iterancestors())
