"""HTML text → the parsel Selector the parsers read, also for a page nested past libxml2's limit.

libxml2 stops building its own tree at 2,048 levels even with huge_tree and drops everything
after (a comment of 10,000 nested `<b>` took every later comment with it; a reply chain nested
10,000 deep in `<ol class="children">` kept 1,023 replies). Its parser itself has no such limit:
where the tree builder reports it, the page is parsed again into lxml's TreeBuilder, which
builds the same elements through lxml's API, as deep as the markup goes. Runs of consecutive
opening tags, and of closing tags, are cut to RUN_KEPT first: markup that nests and says
nothing goes, the text and every comment stay.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HTMLParser
from parsel import Selector

RUN_KEPT = 100
_OPENING_RUN = re.compile(rf"(?:<[a-zA-Z][\w:-]*(?:\s[^<>]*)?>\s*){{{RUN_KEPT + 1},}}")
_CLOSING_RUN = re.compile(rf"(?:</[a-zA-Z][\w:-]*\s*>\s*){{{RUN_KEPT + 1},}}")
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def page_selector(html: str) -> Selector:
    """The page as parsel parses it (the same tree), runs of tags cut where libxml2 gave up."""
    root, limited = _parse(html)
    if limited:
        cut = _OPENING_RUN.sub(_first_tags, _CLOSING_RUN.sub(_first_tags, html))
        root, _ = _parse(cut, deep=True)
    return Selector(root=root, type="html")


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


def _first_tags(run: re.Match) -> str:
    return "".join(_TAG.findall(run.group())[:RUN_KEPT])
