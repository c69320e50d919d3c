"""HTML text → the parsel Selector the parsers read, also for a page nested past libxml2's limit.

libxml2 stops building its own tree at 2,048 levels even with huge_tree and drops everything
after (a comment of 10,000 nested `<b>` took every later comment with it; a reply chain nested
10,000 deep in `<ol class="children">` kept 1,023 replies). Its parser itself has no such limit:
where the tree builder reports it, the page is parsed again into lxml's TreeBuilder, which
builds the same elements through lxml's API, as deep as the markup goes. Runs of consecutive
opening tags of one name, and of closing tags, are cut to RUN_KEPT first: markup that nests
and says nothing goes (bounding the depth of such trees), the text and every comment stay.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from lxml import etree
from lxml.html import HTMLParser
from parsel import Selector

RUN_KEPT = 100
# A run of tags opened one inside the next with nothing between (`<b><i><b><i>…`): structure it
# never is. Its openers past RUN_KEPT go, and with each the first closer of its name that
# follows (the one that closed it), so the comment's own elements still close where they did.
_OPENING_RUN = rf"(?:<[a-zA-Z][\w:-]*(?:\s[^<>]*)?>\s*){{{RUN_KEPT + 1},}}"
_CUTTABLE = re.compile(rf"(?P<run>{_OPENING_RUN})|</(?P<closer>[a-zA-Z][\w:-]*)\s*>")
_OPENER = re.compile(r"<([a-zA-Z][\w:-]*)(?:\s[^<>]*)?>")


def page_selector(html: str) -> tuple[Selector, int]:
    """The page as parsel parses it (the same tree), and how many tags of over-long runs were
    dropped where libxml2 gave up (0: none; the page's health counts them)."""
    root, limited = _parse(html)
    if not limited:
        return Selector(root=root, type="html"), 0
    cut, dropped = _cut_runs(html)
    root, _ = _parse(cut, deep=True)
    return _DeepSelector(root=root, type="html"), dropped


class _DeepSelector(Selector):
    """A Selector of a tree thousands of levels deep, holding a proxy of every element while
    it lives: lxml frees an element's proxy by walking up to the nearest ancestor that has one,
    so a walk of a deep tree whose proxies come and go costs its size times its depth (44 s
    for the 80,000 elements of a reply chain nested 10,000 deep; 0.02 s held)."""

    __slots__ = ("_held",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The page's own Selector holds them; those its queries make (parsel builds them
        # with this class) need not.
        top = kwargs.get("_expr") is None and hasattr(self.root, "iter")
        self._held = list(self.root.iter()) if top else []


def _cut_runs(html: str) -> tuple[str, int]:
    """`html` with every run of openers cut to RUN_KEPT, and the closers of those dropped."""
    unclosed: Counter[str] = Counter()  # openers dropped, by name, whose closers are still due
    dropped = 0

    def cut(match: re.Match) -> str:
        nonlocal dropped
        if match.group("run") is None:  # a closing tag: dropped when it closes a dropped opener
            name = match.group("closer").lower()
            if unclosed[name]:
                unclosed[name] -= 1
                dropped += 1
                return ""
            return match.group()
        tags = _OPENER.findall(match.group("run"))
        openers = [m.group() for m in _OPENER.finditer(match.group("run"))]
        unclosed.update(name.lower() for name in tags[RUN_KEPT:])
        dropped += len(openers) - RUN_KEPT
        return "".join(openers[:RUN_KEPT])

    return _CUTTABLE.sub(cut, html), dropped


def _parse(html: str, deep: bool = False) -> tuple[etree._Element, bool]:
    # As parsel's create_root_node does for text: NULs out, stripped, UTF-8, recover, huge_tree.
    body = html.strip().replace("\x00", "").encode("utf-8") or b"<html/>"
    parser = HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    if deep:  # the same parse, its elements made by TreeBuilder (lxml.html's element classes)
        builder = etree.TreeBuilder(parser=HTMLParser())
        parser = HTMLParser(recover=True, encoding="utf-8", huge_tree=True, target=builder)
    root = etree.fromstring(body, parser=parser)
    limited = any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log)
    if root is None:  # nothing but junk (a lone `</li>`): an empty page, as parsel makes it
        root = etree.fromstring(b"<html/>", parser=parser)
    return root, limited
