"""Comments in any markup that keeps WordPress's or a comment plugin's traces: the generic reader.

A comment is found by its ids (`comment-N`, `li-comment-N`, `div-comment-N`, `article-comment-N`,
wpDiscuz's `wpd-comm-N_PARENT`), and is the outermost element that carries them; an empty
anchor (`<a id="comment-N"></a>`, Drupal) stands for the element after it. The tree comes from
what the page displays: a comment inside another is its reply; a reply container placed after a
comment (`ul.children`, Drupal's `div.indented`) holds its replies; a plugin's parent id wins;
without any nesting, `depth-N` classes carry the tree. Fields are read in each comment's own part
(its replies excluded) by `cuefields`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

from archiver.items import CommentItem
from archiver.parse.extraction.cuefields import Cues, comment_item, generic_cues
from archiver.parse.extraction.helpers import COMMENT_ID, contains, depth_class
from archiver.parse.extraction.wpcore import vote_queries
from archiver.parse.profiles import SiteProfile

_IDS = (
    "starts-with(@id, 'comment-') or starts-with(@id, 'li-comment-')"
    " or starts-with(@id, 'div-comment-') or starts-with(@id, 'article-comment-')"
    " or starts-with(@id, 'wpd-comm-') or starts-with(@id, 'wc-comm-')"
    " or (self::a and starts-with(@name, 'comment-'))"
)
_CANDIDATES = etree.XPath(f"//*[{_IDS}]")
_BLOCKS = frozenset({"div", "article", "section", "li", "ul", "ol", "table"})
_INSIDE = etree.XPath(f"descendant-or-self::*[{_IDS}]")  # within one element only


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
        readings: list[tuple[str | None, HtmlElement, int, list[HtmlElement]]] = []
        for comment, depth in _in_display_order(found):
            own = list(_own_elements(comment.element, items))
            inline = [e for e in own if cues.inline_replies.intersection(e.classes)]
            if inline:
                inside = {e for reply in inline for e in reply.iter()}
                own = [e for e in own if e not in inside]
            readings.append((comment.number, comment.element, depth, own))
            for reply in inline:  # the owner's answer: no id, one level down
                reply_own = [e for e in reply.iter() if isinstance(e.tag, str)]
                readings.append((None, reply, depth + 1, reply_own))
        votes = _votes(sel.root, [own for *_, own in readings], profile)
        return [
            comment_item(number, element, depth, own, cues, profile, page_url, votes.get(index))
            for index, (number, element, depth, own) in enumerate(readings)
        ]


def _votes(
    root: HtmlElement, owns: list[list[HtmlElement]], profile: SiteProfile
) -> dict[int, int]:
    """Each reading's vote count (by its index): every counter of the page found in one pass
    and given to the comment whose own element it is, the profile's first query first (per
    comment, a query over its subtree took its replies' too: quadratic in a deep chain)."""
    owner = {element: index for index, own in enumerate(owns) for element in own}
    votes: dict[int, int] = {}
    for vote in vote_queries(profile.vote_selectors):
        for element in vote.xpath(root):
            index = owner.get(element)
            if index is not None and index not in votes:
                count = vote.count(element)
                if count is not None:
                    votes[index] = count
    return votes


def find_comments(root: HtmlElement) -> list[_Found]:
    """Each comment once, by its number, as its outermost element, in document order."""
    by_number: dict[str, _Found] = {}
    # A form's fields (a reply form's hidden `comment-123`) are no comments. One set, not each
    # candidate's ancestors: those are as many as the thread is deep.
    in_forms = {e for form in root.iter("form") for e in form.iterdescendants()}
    for element in _CANDIDATES(root):
        match = COMMENT_ID.match(element.get("id") or element.get("name") or "")
        if match is None or element in in_forms:
            continue
        number = match.group(1) or match.group(2)
        element = _standing_for(element)
        known = by_number.get(number)
        if known is None:
            by_number[number] = known = _Found(number, element)
        # Inside the one found first (its body's own id): a step or two up. Only else the
        # walk up from that one, which is as long as the thread is deep.
        elif not contains(known.element, element) and contains(element, known.element):
            known.element = element
        if match.group(3) is not None:
            known.hinted_parent = match.group(3)
    # First seen first: a comment's outermost element comes before its replies' ids.
    found = list(by_number.values())
    for comment in found:
        comment.element = _outermost(comment.element, comment.number)
        comment.depth_class = depth_class(comment.element.get("class", "").split())
    return found


def _standing_for(element: HtmlElement) -> HtmlElement:
    """An empty anchor stands for the comment block right after it (Drupal's `a#comment-N`
    before `div.comment`, or a theme's wrapper around it), else its parent."""
    if len(element) or (element.text or "").strip():
        return element
    after = next(element.itersiblings(etree.Element), None)
    if after is not None and (
        "comment" in after.get("class", "") or (after.tag in _BLOCKS and not _holds_comment(after))
    ):
        return after
    parent = element.getparent()
    return parent if parent is not None else element


def _outermost(element: HtmlElement, number: str) -> HtmlElement:
    """Climb through wrappers without an id of their own that hold this comment alone (its
    replies apart): a comment wrapper (`li.comment > article#comment-N`), or one of a row of
    like containers, one per comment (`ul.single-post` each around a comment's parts)."""
    while True:
        parent = element.getparent()
        if parent is None or parent.get("id"):
            return element
        if not (_comment_wrapper(parent) or _one_per_comment(parent)):
            return element
        # (The cheap class test first: a reply list holds the whole subthread, which an id
        # scan would walk once per level.)
        others = [c for c in parent if isinstance(c.tag, str) and c is not element]
        if any(
            not _is_reply_container(o, generic_cues()) and _holds_comment(o, number) for o in others
        ):
            return element
        element = parent


def _comment_wrapper(element: HtmlElement) -> bool:
    return element.tag == "li" or (
        element.tag in ("div", "article") and "comment" in element.get("class", "").split()
    )


def _one_per_comment(element: HtmlElement) -> bool:
    """A like sibling (same tag and class) holds a comment of its own."""
    before = next(element.itersiblings(etree.Element, preceding=True), None)
    after = next(element.itersiblings(etree.Element), None)
    for sibling in (before, after):
        if (
            sibling is not None
            and sibling.tag == element.tag
            and sibling.get("class") == element.get("class")
            and _holds_comment(sibling)
        ):
            return True
    return False


def _holds_comment(element: HtmlElement, number: str | None = None) -> bool:
    """The element holds a comment's id (another than `number`'s)."""
    for marker in _INSIDE(element):
        match = COMMENT_ID.match(marker.get("id") or marker.get("name") or "")
        if match and (match.group(1) or match.group(2)) != number:
            return True
    return False


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


def _is_reply_container(element: HtmlElement, cues: Cues) -> bool:
    return bool(cues.reply_classes.intersection(element.get("class", "").split()))
