"""Comments in any markup that keeps WordPress's or a comment plugin's traces: the generic reader.

A comment is found by its ids (`comment-N`, `li-comment-N`, `div-comment-N`, `article-comment-N`,
wpDiscuz's `wpd-comm-N_PARENT`), and is the outermost element that carries them; an empty
anchor (`<a id="comment-N"></a>`, Drupal) stands for the element after it. The tree comes from
what the page displays: a comment inside another is its reply; a reply container placed after a
comment (`ul.children`, Drupal's `div.indented`) holds its replies; a plugin's parent id wins;
without any nesting, `depth-N` classes carry the tree. Fields are read in each comment's own part
(its replies excluded) by the ranked cues of cues.toml.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import lxml.html
from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

from archiver.items import KIND_COMMENT, CommentItem
from archiver.parse.extraction.helpers import (
    KINDS_BY_CLASS,
    collapsed_text,
    depth_class,
    inner_html,
)
from archiver.parse.extraction.wpcore import vote_queries
from archiver.parse.profiles import SiteProfile
from archiver.parse.text import html_to_text

# An id naming a comment: its number, and a plugin's parent number where it gives one.
_COMMENT_ID = re.compile(r"^(?:(?:li|div|article)-)?comment-(\d+)$|^(?:wpd|wc)-comm-(\d+)_(\d+)$")
_CANDIDATES = etree.XPath(
    "//*[starts-with(@id, 'comment-') or starts-with(@id, 'li-comment-')"
    " or starts-with(@id, 'div-comment-') or starts-with(@id, 'article-comment-')"
    " or starts-with(@id, 'wpd-comm-') or starts-with(@id, 'wc-comm-')]"
)
# What themes print after a name: "X says:", "X dijo:", "X sagt:" (the cue element often holds it).
_SAYS = re.compile(r"\s*(?:says|said|dijo|sagt|schreibt|écrit|より|:)\s*:?\s*$", re.IGNORECASE)
# The word between a name and its date: "X on <date>", "X am <Datum>", "X le <date>".
_CONNECTOR = re.compile(r"\s+(?:on|am|um|le|el|em|op|il)\s*$", re.IGNORECASE)
_NAME_TAGS = frozenset({"a", "cite", "b", "strong"})
_NAME_CLASSES = frozenset({"fn", "url", "name", "author-name", "comment-author-link"})
_RELATIVE = re.compile(r"\bago\b|前|\bvor\b|\bhace\b|\bil y a\b", re.IGNORECASE)


@dataclass(frozen=True)
class Cues:
    author: tuple[str, ...]
    date: tuple[str, ...]
    body: tuple[str, ...]
    not_body_classes: frozenset[str]
    not_body_tags: frozenset[str]
    reply_classes: frozenset[str]

    def with_profile(self, profile: SiteProfile) -> Cues:
        """A profile's own class names, tried before the generic ones."""
        own = dict(profile.comment_classes)
        return Cues(
            author=tuple(own.get("author", ())) + self.author,
            date=tuple(own.get("date", ())) + self.date,
            body=tuple(own.get("body", ())) + self.body,
            not_body_classes=self.not_body_classes,
            not_body_tags=self.not_body_tags,
            reply_classes=self.reply_classes,
        )


@cache
def generic_cues() -> Cues:
    data = tomllib.loads(
        resources.files(__package__).joinpath("cues.toml").read_text(encoding="utf-8")
    )
    classes = data["classes"]
    return Cues(
        author=tuple(classes["author"]),
        date=tuple(classes["date"]),
        body=tuple(classes["body"]),
        not_body_classes=frozenset(data["not_body"]["classes"]),
        not_body_tags=frozenset(data["not_body"]["tags"]),
        reply_classes=frozenset(data["replies"]["classes"]),
    )


@dataclass
class _Found:
    """One comment on the page: its outermost element and what the markup says of its place."""

    number: str
    element: HtmlElement
    hinted_parent: str | None = None  # a plugin's parent id ("0": top level)
    depth_class: int | None = None
    parent: _Found | None = None
    replies: list[_Found] = field(default_factory=list)


class GenericCommentParser:
    """Reads comments of any markup by ids, structure and ranked cues (see the module's doc)."""

    name = "generic"

    def parse(self, sel: Selector, profile: SiteProfile, page_url: str) -> list[CommentItem]:
        found = find_comments(sel.root)
        cues = generic_cues().with_profile(profile) if profile.comment_classes else generic_cues()
        _nest(found, cues)
        items = {f.element for f in found}
        comments = []
        for comment, depth in _in_display_order(found):
            own = list(_own_elements(comment.element, items))
            comments.append(_comment(comment, depth, own, cues, profile, page_url))
        return comments


def find_comments(root: HtmlElement) -> list[_Found]:
    """Each comment once, by its number, as its outermost element, in document order."""
    by_number: dict[str, _Found] = {}
    for element in _CANDIDATES(root):
        match = _COMMENT_ID.match(element.get("id", ""))
        if match is None or _in_form(element):
            continue
        number = match.group(1) or match.group(2)
        element = _standing_for(element)
        known = by_number.get(number)
        if known is None:
            by_number[number] = known = _Found(number, element)
        elif _contains(element, known.element):
            known.element = element
        if match.group(3) is not None:
            known.hinted_parent = match.group(3)
    # First seen first: a comment's outermost element comes before its replies' ids.
    found = list(by_number.values())
    for comment in found:
        comment.element = _outermost(comment.element)
        comment.depth_class = depth_class(comment.element.get("class", "").split())
    return found


def _standing_for(element: HtmlElement) -> HtmlElement:
    """An empty anchor stands for the comment element right after it (Drupal), else its parent."""
    if len(element) or (element.text or "").strip():
        return element
    after = element.getnext()
    while after is not None and not isinstance(after.tag, str):
        after = after.getnext()
    if after is not None and "comment" in after.get("class", ""):
        return after
    parent = element.getparent()
    return parent if parent is not None else element


def _outermost(element: HtmlElement) -> HtmlElement:
    """Climb through wrappers without an id of their own (`li.comment > article#comment-N`)."""
    while True:
        parent = element.getparent()
        if parent is None or parent.get("id") or parent.tag not in ("li", "div", "article"):
            return element
        classes = parent.get("class", "").split()
        if parent.tag != "li" and "comment" not in classes:
            return element
        # A wrapper holds this comment alone, its replies apart. (The cheap class test first:
        # a reply list holds the whole subthread, which an id scan would walk once per level.)
        others = [c for c in parent if isinstance(c.tag, str) and c is not element]
        if any(not _is_reply_container(o, generic_cues()) and _holds_comment(o) for o in others):
            return element
        element = parent


def _holds_comment(element: HtmlElement) -> bool:
    return bool(_CANDIDATES(element)) or bool(_COMMENT_ID.match(element.get("id", "")))


def _nest(found: list[_Found], cues: Cues) -> None:
    """Each comment's parent, from the page's structure and hints."""
    by_element = {f.element: f for f in found}
    by_number = {f.number: f for f in found}
    for comment in found:
        parent = None
        if comment.hinted_parent not in (None, "0"):
            parent = by_number.get(comment.hinted_parent or "")
        if parent is None:
            parent = _structural_parent(comment.element, by_element, cues)
        if parent is not None and parent is not comment and not _is_below(parent, comment):
            comment.parent = parent
            parent.replies.append(comment)


def _structural_parent(
    element: HtmlElement, by_element: dict[HtmlElement, _Found], cues: Cues
) -> _Found | None:
    node = element.getparent()
    while node is not None:
        if node in by_element:
            return by_element[node]
        if _is_reply_container(node, cues):
            before = node.getprevious()
            while before is not None and not isinstance(before.tag, str):
                before = before.getprevious()
            if before is not None and before in by_element:
                return by_element[before]
        node = node.getparent()
    return None


def _is_below(candidate: _Found, comment: _Found) -> bool:
    """True when `candidate` already descends from `comment` (no cycles)."""
    node = candidate.parent
    while node is not None:
        if node is comment:
            return True
        node = node.parent
    return False


def _in_display_order(found: list[_Found]) -> Iterator[tuple[_Found, int]]:
    """Pre-order (a comment, then its replies), siblings in document order, with depths.

    Without any nesting in the markup, a theme's `depth-N` classes are the depths."""
    if not any(f.parent for f in found):
        for comment in found:
            yield comment, comment.depth_class or 1
        return
    stack = [(f, 1) for f in reversed(found) if f.parent is None]
    while stack:
        comment, depth = stack.pop()
        yield comment, depth
        stack.extend((reply, depth + 1) for reply in reversed(comment.replies))


def _own_elements(element: HtmlElement, items: set[HtmlElement]) -> Iterator[HtmlElement]:
    """The comment's elements in document order, without its replies' subtrees."""
    stack = [element]
    while stack:
        node = stack.pop()
        if not isinstance(node.tag, str):
            continue
        if node is not element and node in items:
            continue
        yield node
        stack.extend(reversed(node))


def _comment(
    comment: _Found,
    depth: int,
    own: list[HtmlElement],
    cues: Cues,
    profile: SiteProfile,
    page_url: str,
) -> CommentItem:
    classes = comment.element.get("class", "").split()
    kind = next((KINDS_BY_CLASS[c] for c in classes if c in KINDS_BY_CLASS), KIND_COMMENT)
    by_class: dict[str, HtmlElement] = {}
    for element in own:
        for name in element.get("class", "").split():
            by_class.setdefault(name, element)
    author = _first(by_class, cues.author)
    date = _date(own, _first(by_class, cues.date))
    body = _body(_first(by_class, cues.body), cues, own)
    author_text = _author_name(author) if author is not None else ""
    if not author_text and kind != KIND_COMMENT and body is not None:
        link = body.find(".//a")
        author_text = collapsed_text(link) if link is not None else ""
    return CommentItem(
        external_id=comment.number,
        depth=depth,
        author=author_text,
        posted_raw=date,
        body_text=html_to_text(body) if body is not None else "",
        body_html=inner_html(body) if body is not None else "",
        votes=_votes(comment.element, own, profile) if kind == KIND_COMMENT else None,
        kind=kind,
        page_url=page_url,
    )


def _author_name(element: HtmlElement) -> str:
    """The name in an author element, which themes fill with more (the date, a reply link, a
    badge): its own leading text ("山田 on <a>date</a>"), else its first name-like child (a
    link, `cite`, `b`, `.fn`), else all its text."""
    lead = _clean_name(" ".join((element.text or "").split()))
    if any(ch.isalnum() for ch in lead):
        return lead
    for child in element.iterdescendants():
        if not isinstance(child.tag, str):
            continue
        names = child.get("class", "").split()
        if child.tag in _NAME_TAGS or _NAME_CLASSES.intersection(names):
            name = _clean_name(collapsed_text(child))
            if name:
                return name
    return _clean_name(collapsed_text(element))


def _clean_name(text: str) -> str:
    return _CONNECTOR.sub("", _SAYS.sub("", text)).strip(" ,;|–—-")


def _first(by_class: dict[str, HtmlElement], ranked: tuple[str, ...]) -> HtmlElement | None:
    for name in ranked:
        if name in by_class:
            return by_class[name]
    return None


def _date(own: list[HtmlElement], cue: HtmlElement | None) -> str | None:
    """The date's `datetime` attribute, a relative date's exact `title`, else the text shown."""
    scope = [cue, *cue.iterdescendants()] if cue is not None else own
    for element in scope:
        if element.tag == "time" and element.get("datetime"):
            return element.get("datetime").strip()
    if cue is None:
        return None
    shown = collapsed_text(cue)
    for element in (cue, *cue.iterdescendants()):
        title = (element.get("title") or "").strip()
        if title and any(ch.isdigit() for ch in title) and (not shown or _RELATIVE.search(shown)):
            return title
    return shown or None


def _body(cue: HtmlElement | None, cues: Cues, own: list[HtmlElement]) -> HtmlElement | None:
    """The body element, a copy with what is never text taken out (author, date, reply links)."""
    if cue is None:
        paragraphs = [e for e in own if e.tag == "p"]
        if not paragraphs:
            return None
        cue = lxml.html.Element("div")  # an HTML element, as the page's own are
        for paragraph in paragraphs:
            cue.append(deepcopy(paragraph))
        return _strip(cue, cues)
    return _strip(deepcopy(cue), cues)


def _strip(body: HtmlElement, cues: Cues) -> HtmlElement:
    for element in list(body.iterdescendants()):
        if not isinstance(element.tag, str):
            continue
        names = element.get("class", "").split()
        if element.tag in cues.not_body_tags or cues.not_body_classes.intersection(names):
            element.drop_tree()  # its tail stays, joined to what precedes it
        elif _COMMENT_ID.match(element.get("id", "")):
            element.drop_tree()  # a nested reply, in a theme that prints replies inside the body
    return body


def _votes(item: HtmlElement, own: list[HtmlElement], profile: SiteProfile) -> int | None:
    owned = set(own)
    for vote in vote_queries(profile.vote_selectors):
        for element in vote.xpath(item):
            if element in owned:
                count = vote.count(element)
                if count is not None:
                    return count
    return None


def _is_reply_container(element: HtmlElement, cues: Cues) -> bool:
    return bool(cues.reply_classes.intersection(element.get("class", "").split()))


def _in_form(element: HtmlElement) -> bool:
    return any(a.tag == "form" for a in element.iterancestors())


def _contains(outer: HtmlElement, inner: HtmlElement) -> bool:
    return any(a is outer for a in inner.iterancestors())
