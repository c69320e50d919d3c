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

from lxml import etree
from lxml.html import HTMLParser
from parsel import Selector

RUN_KEPT = 100
# A run of one tag opened, or closed, over and over (`<b><b><b>…`): structure it never is. Only
# the same tag: a comment's own closing tags follow the run and must stay.
_OPENING_RUN = re.compile(
    rf"(<([a-zA-Z][\w:-]*)(?:\s[^<>]*)?>\s*)(?:<\2(?:\s[^<>]*)?>\s*){{{RUN_KEPT},}}"
)
_CLOSING_RUN = re.compile(rf"(</([a-zA-Z][\w:-]*)\s*>\s*)(?:</\2\s*>\s*){{{RUN_KEPT},}}")
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def page_selector(html: str) -> tuple[Selector, int]:
    """The page as parsel parses it (the same tree), and how many tags of over-long runs were
    dropped where libxml2 gave up (0: none; the page's health counts them)."""
    root, limited = _parse(html)
    if not limited:
        return Selector(root=root, type="html"), 0
    dropped = [0]

    def first_tags(run: re.Match) -> str:
        tags = _TAG.findall(run.group())
        dropped[0] += len(tags) - RUN_KEPT
        return "".join(tags[:RUN_KEPT])

    cut = _OPENING_RUN.sub(first_tags, _CLOSING_RUN.sub(first_tags, html))
    root, _ = _parse(cut, deep=True)
    return Selector(root=root, type="html"), dropped[0]


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
