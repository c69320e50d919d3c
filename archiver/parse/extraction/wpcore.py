"""Comments in WordPress core markup: `wp_list_comments()` of classic themes and the comment
template block of block themes (TCD-family themes are a variant, see tcd.py).

All print an element `#comment-N` per comment with `depth-N` classes and replies in a nested
`.children` list; some themes print a flat list where only the `depth-N` classes carry the
nesting, which the thread builder turns back into parents. A comment's own parts are everything
but its replies; the vote counter is looked for outside the body, so text in a comment never
reads as a count.

Speed: each field's elements are found once per comment list by one compiled XPath, then handed
to the comment that owns them (the nearest `#comment-N` ancestor). Per-comment queries cost ~15×
more (bench/bench_extraction.py).
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass
from functools import cache, lru_cache

from cssselect import GenericTranslator
from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

from archiver.items import KIND_COMMENT, CommentItem
from archiver.parse.extraction.helpers import (
    KINDS_BY_CLASS,
    collapsed_text,
    cues_data,
    depth_class,
    first_int,
    inner_html,
)
from archiver.parse.profiles import SiteProfile, VoteSelector
from archiver.parse.text import html_to_text

_COMMENT_ID = re.compile(r"^comment-(\d+)$")
_LAST_CLASS = re.compile(r"\.([\w-]+)")


class WordPressCoreParser:
    """Reads comment items by class names; subclasses name the list and the classes."""

    name = ""
    LIST = ""  # CSS for the comment list(s)
    AUTHOR: tuple[str, ...] = ()  # classes of the author's name
    DATE: tuple[str, ...] = ()  # classes of the date: its <time datetime>, else its text
    BODY: tuple[str, ...] = ()  # classes of the body
    PING_BODY = "comment-body"  # classic pings: "ピンバック: <a>site</a>"

    def __init__(self) -> None:
        self._lists = etree.XPath(GenericTranslator().css_to_xpath(self.LIST))
        self._role_of_class = {
            **{name: "ping_body" for name in (self.PING_BODY,)},
            **{name: "author" for name in self.AUTHOR},
            **{name: "date" for name in self.DATE},
            **{name: "body" for name in self.BODY},
        }

    def matches(self, sel: Selector) -> bool:
        return bool(self._lists(sel.root))

    def parse(
        self,
        sel: Selector,
        profile: SiteProfile,
        page_url: str,
        passed_over: list[str] | None = None,
    ) -> list[CommentItem]:
        """The comments of the family's lists; `passed_over` collects the comment ids met there
        that are no item of this family (another markup's: the generic reader's case)."""
        return self.parse_lists(self._lists(sel.root), profile, page_url, passed_over=passed_over)

    def parse_lists(
        self,
        lists: list[HtmlElement],
        profile: SiteProfile,
        page_url: str,
        default_kind: str = KIND_COMMENT,
        passed_over: list[str] | None = None,
    ) -> list[CommentItem]:
        vote_xpaths = vote_queries(profile.vote_selectors)
        roles = self._role_of_class
        body_classes = self.BODY
        if profile.comment_classes:  # a site profile's own names for the fields
            roles = {**roles, **{n: role for role, names in profile.comment_classes for n in names}}
            body_classes = tuple(n for n, role in roles.items() if role == "body")
        comments = []
        for comment_list in lists:
            # One scan of the list: comment items and each field's element, by class.
            items: dict[str, HtmlElement] = {}
            parts: dict[str, dict[str, HtmlElement]] = {}
            seen_classes: set[str] = set()
            # A Python walk with class tests beats an XPath of class predicates 2.4× here.
            for element in comment_list.iter():
                names_text = element.get("class")
                key = element.get("id")
                if key and _COMMENT_ID.match(key):
                    if element.tag == "li" or (names_text and "depth-" in names_text):
                        items[key] = element
                        parts[key] = {}
                    elif passed_over is not None:
                        passed_over.append(key)
                    continue
                if not names_text:
                    continue
                names = names_text.split()
                seen_classes.update(names)
                for name in names:
                    role = roles.get(name)
                    if role is None:
                        continue
                    # A body's own elements never play another part.
                    owner = _owner(element, () if role == "body" else body_classes)
                    if owner in parts:
                        parts[owner].setdefault(role, element)
            if not items:
                continue
            votes: dict[str, int] = {}
            for vote in vote_xpaths:
                if vote.last_class and vote.last_class not in seen_classes:
                    continue
                for element in vote.xpath(comment_list):
                    owner = _owner(element, body_classes)
                    if owner in parts and owner not in votes:
                        count = vote.count(element)
                        if count is not None:
                            votes[owner] = count
            for key, element in items.items():
                comments.append(
                    self._comment(element, key, parts[key], votes.get(key), page_url, default_kind)
                )
        return comments

    def _comment(
        self,
        item: HtmlElement,
        key: str,
        found: dict[str, HtmlElement],
        votes: int | None,
        page_url: str,
        default_kind: str,
    ) -> CommentItem:
        classes = item.get("class", "").split()
        kind = next((KINDS_BY_CLASS[c] for c in classes if c in KINDS_BY_CLASS), default_kind)
        body = found.get("body")
        if body is None and kind != KIND_COMMENT:
            body = found.get("ping_body")
        if body is not None:
            body = _text_part(body)
        author_element = found.get("author")
        author = collapsed_text(author_element) if author_element is not None else ""
        if kind != KIND_COMMENT and not author and found.get("ping_body") is not None:
            link = found["ping_body"].find(".//a")
            author = collapsed_text(link) if link is not None else ""
        shown, attr = _date(found.get("date"))
        return CommentItem(
            external_id=key.removeprefix("comment-"),
            depth=_depth(item, classes),
            author=author,
            posted_raw=shown,
            posted_attr=attr,
            body_text=html_to_text(body) if body is not None else "",
            body_html=inner_html(body) if body is not None else "",
            votes=votes if kind == KIND_COMMENT else None,
            kind=kind,
            page_url=page_url,
        )


def _text_part(body: HtmlElement) -> HtmlElement:
    """The body, or a copy without what is never a comment's text where a plugin put such a
    part inside it (Jetpack's comment likes, a like button: cues.toml [not_body] classes)."""
    names = _not_body_classes()
    inside = [
        e
        for e in body.iterdescendants()
        if isinstance(e.tag, str)
        and "class" in e.attrib
        and names.intersection(e.get("class").split())
    ]
    if not inside:
        return body
    copy = deepcopy(body)
    twins = dict(zip(body.iter(), copy.iter(), strict=True))
    for element in inside:
        if twins[element].getparent() is not None:
            twins[element].drop_tree()  # its tail stays
    return copy


@cache
def _not_body_classes() -> frozenset[str]:
    return frozenset(cues_data()["not_body"]["classes"])


class ClassicCommentParser(WordPressCoreParser):
    """`wp_list_comments()` in classic themes (html5 walker): `ol.comment-list > li#comment-N`."""

    name = "wp-classic"
    LIST = "ol.comment-list, ol.commentlist"
    AUTHOR = ("fn",)
    DATE = ("comment-metadata", "commentmetadata")
    BODY = ("comment-content",)


class BlockCommentParser(WordPressCoreParser):
    """Block themes' `core/comment-template`: `ol.wp-block-comment-template > li#comment-N`."""

    name = "wp-block"
    LIST = "ol.wp-block-comment-template"
    AUTHOR = ("wp-block-comment-author-name",)
    DATE = ("wp-block-comment-date",)
    BODY = ("wp-block-comment-content",)


def _owner(element: HtmlElement, body: tuple[str, ...]) -> str | None:
    """The id of the comment `element` belongs to; None when it sits inside a `body` element."""
    node = element
    while node is not None:
        node_id = node.get("id")
        if node_id and _COMMENT_ID.match(node_id):
            return node_id
        if body:
            names = node.get("class")
            if names and any(b in names.split() for b in body):
                return None
        node = node.getparent()
    return None


def _is_reply_list(element: HtmlElement) -> bool:
    return element.tag in ("ol", "ul", "div") and "children" in element.get("class", "").split()


def _date(container: HtmlElement | None) -> tuple[str | None, str | None]:
    """The date text shown and the machine-readable `datetime` beside it, when there is one."""
    if container is None:
        return None, None
    time = container if container.tag == "time" else container.find(".//time")
    attr = ((time.get("datetime") or "").strip() or None) if time is not None else None
    shown = collapsed_text(time) if time is not None else ""
    return shown or collapsed_text(container) or None, attr


def _depth(item: HtmlElement, classes: list[str]) -> int:
    """The `depth-N` class; without one, the number of reply lists around the comment plus one."""
    shown = depth_class(classes)
    if shown is not None:
        return shown
    depth, parent = 1, item.getparent()
    while parent is not None:
        depth += _is_reply_list(parent)
        parent = parent.getparent()
    return depth


@dataclass(frozen=True)
class _VoteQuery:
    xpath: etree.XPath
    attr: str | None
    last_class: str | None  # the class the counter itself carries, for the cheap pre-check

    def count(self, element: HtmlElement) -> int | None:
        """The number a counter element shows, from its attribute or its text."""
        return first_int(element.get(self.attr) if self.attr else element.text_content())


@lru_cache(maxsize=64)
def vote_queries(selectors: tuple[VoteSelector, ...]) -> tuple[_VoteQuery, ...]:
    translator = GenericTranslator()
    queries = []
    for selector in selectors:
        classes = _LAST_CLASS.findall(selector.css.split()[-1]) if selector.css.split() else []
        queries.append(
            _VoteQuery(
                etree.XPath(translator.css_to_xpath(selector.css, prefix=".//")),
                selector.attr,
                classes[0] if classes else None,
            )
        )
    return tuple(queries)
