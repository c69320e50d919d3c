"""One comment cut out of a captured page (HTML) or REST answer (JSON), for a purge: pure.

The comment's body element (the element whose text is the text its reader found) and its
author's element nearby get a fixed marker instead of their content; the author's links and
avatar lose their addresses. A cut is kept only when the page re-read gives every other comment
exactly as before: a page where the comment cannot be cut out alone is left to the caller
(`text` None), who removes the whole record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from archiver.items import CommentItem
from archiver.parse.extraction import extract_page
from archiver.parse.extraction.document import page_selector
from archiver.parse.profiles import SiteProfile
from archiver.parse.text import html_to_text

REDACTED = "[redacted]"
AUTHOR_LEVELS = 6  # how far above its body a comment's author element is looked for
NAME_CONTEXT = 12  # characters an author's element may show beside the name
BODY_LEVELS = 4  # how far above the element showing its first line a body's element may be


@dataclass(frozen=True)
class Wanted:
    """The comment to cut: its stored key and, for a key the archive built (no site id), the
    author and date text it is known by."""

    key: str
    author: str = ""
    posted_raw: str | None = None

    def matches(self, comment: CommentItem) -> bool:
        if not self.key.startswith("k"):
            return comment.external_id == self.key
        return comment.author == self.author and comment.posted_raw == self.posted_raw


@dataclass(frozen=True)
class Scrubbed:
    found: bool  # the page shows the comment
    text: str | None = None  # the page without it (None: not found, or no clean cut)
    author_cut: bool = False  # its author's name went with it (else only its text could)


def scrub_html(html: str, url: str, profile: SiteProfile, wanted: Wanted) -> Scrubbed:
    before = extract_page(html, url, profile).comments
    index = next((i for i, c in enumerate(before) if wanted.matches(c)), None)
    if index is None or before[index].body_text == REDACTED:  # not there, or cut out already
        return Scrubbed(found=False)
    for with_author in (True, False):
        cut = _cut(html, before, index, with_author)
        if cut is not None and _only_it_changed(before, index, extract_page(cut, url, profile)
                                                .comments):  # fmt: skip
            return Scrubbed(found=True, text=cut, author_cut=with_author)
    return Scrubbed(found=True)


def scrub_rest(text: str, wanted: Wanted) -> Scrubbed:
    """A WordPress REST comments answer without the comment's content, author and avatar."""
    try:
        entries = json.loads(text)
    except ValueError:
        return Scrubbed(found=False)
    if not isinstance(entries, list):
        return Scrubbed(found=False)
    found = False
    for entry in entries:
        if not isinstance(entry, dict) or str(entry.get("id")) != wanted.key:
            continue
        if entry.get("author_name") == REDACTED:
            continue  # cut out already
        found = True
        entry["content"] = {"rendered": f"<p>{REDACTED}</p>\n"}
        entry["author_name"] = REDACTED
        for name in ("author_url", "author_avatar_urls"):
            entry.pop(name, None)
    if not found:
        return Scrubbed(found=False)
    return Scrubbed(found=True, text=json.dumps(entries, ensure_ascii=False), author_cut=True)


def _cut(html: str, comments: list[CommentItem], index: int, with_author: bool) -> str | None:
    sel, _ = page_selector(html)
    root: HtmlElement = sel.root
    target = comments[index]
    if not target.body_text:
        return None
    same_text = [i for i, c in enumerate(comments) if c.body_text == target.body_text]
    bodies = _bodies(root, target.body_text)
    if len(bodies) != len(same_text):
        return None  # the text shows elsewhere too (a quote, a widget): no telling which
    run = bodies[same_text.index(index)]
    body = run[0]
    author = None
    if with_author and target.author:
        others = [c.body_text for i, c in enumerate(comments) if i != index and c.body_text]
        author = _author_near(body, target.author, others)
        if author is None:
            return None
    _blank(body)
    for rest in run[1:]:
        rest.getparent().remove(rest)
    if author is not None:
        # The name's own link (its site, its profile) goes with it: `<a href><b>name</b></a>`.
        named = [author, *(a for a in author.iterancestors() if _reads(a, target.author))]
        _blank(author)
        for element in named:
            element.attrib.pop("href", None)
        others = [c.body_text for i, c in enumerate(comments) if i != index and c.body_text]
        for element in _region(body, others).iter():
            if not isinstance(element.tag, str):
                continue
            for name, value in list(element.attrib.items()):
                if target.author in value:  # alt, title, aria-label of its avatar or link
                    del element.attrib[name]
            if element.tag == "img" and "avatar" in (element.get("class") or ""):
                for name in ("src", "srcset", "data-src", "data-srcset"):  # its picture
                    element.attrib.pop(name, None)
    return etree.tostring(root.getroottree(), method="html", encoding="unicode")


def _bodies(root: HtmlElement, text: str) -> list[list[HtmlElement]]:
    """Where `text` is a comment's body, in document order: the innermost elements reading
    exactly it, or else runs of sibling blocks reading its paragraphs one by one (a theme that
    prints a body as bare paragraphs)."""
    found = _deepest(root, text)
    if found:
        return [[element] for element in found]
    paragraphs = text.split("\n\n")
    runs = []
    for first in _deepest(root, paragraphs[0]):
        run = [first]
        for sibling, paragraph in zip(first.itersiblings(), paragraphs[1:], strict=False):
            if not isinstance(sibling.tag, str) or html_to_text(sibling) != paragraph:
                break
            run.append(sibling)
        if len(run) == len(paragraphs):
            runs.append(run)
    if runs:
        return runs
    # The reader left something out of it (a "report" link, a reply button): the innermost
    # elements holding all of it, checked like any cut by reading the page again.
    return [[element] for element in _deepest(root, text, exact=False)]


def _deepest(root: HtmlElement, text: str, *, exact: bool = True) -> list[HtmlElement]:
    """The innermost elements whose text is `text` (or, not `exact`, holds it), in document
    order: found from the innermost elements showing its first line (libxml2 finds those), a
    few levels up at most, so a thread nested thousands deep costs no more than a flat one."""
    probe = text.split("\n", 1)[0][:20]
    hits = root.xpath("//*[contains(., $probe)]", probe=probe)
    hit_ids = {id(hit) for hit in hits}  # ids of proxies `hits` holds alive
    found: list[HtmlElement] = []
    for hit in hits:
        if any(id(child) in hit_ids for child in hit):
            continue  # not innermost: the first line is inside one of its children
        element: HtmlElement | None = hit
        for _ in range(BODY_LEVELS):
            if element is None:
                break
            shown = html_to_text(element)
            if shown == text or (not exact and text in shown):
                if not any(element is f for f in found):
                    found.append(element)
                break
            element = element.getparent()
    return found


def _author_near(body: HtmlElement, author: str, others: list[str]) -> HtmlElement | None:
    """The innermost element outside `body` reading exactly `author`, in the nearest ancestor
    of `body` holding one, as long as that ancestor holds no other comment's text."""
    ancestor = body
    for _ in range(AUTHOR_LEVELS):
        parent = ancestor.getparent()
        if parent is None:
            return None
        ancestor = parent
        text = html_to_text(ancestor)
        if any(other in text for other in others):
            return None
        # Elements compared by id while a list holds them: lxml makes a new proxy per visit.
        inside = list(body.iter())
        inside_ids = {id(e) for e in inside}
        named = [
            element
            for element in ancestor.iter()
            if isinstance(element.tag, str)
            and id(element) not in inside_ids
            and _reads(element, author)
        ]
        if named:
            nested = [p for element in named for p in element.iterancestors()]
            nested_ids = {id(p) for p in nested}
            return next(element for element in named if id(element) not in nested_ids)
    return None


def _reads(element: HtmlElement, name: str) -> bool:
    """The element shows the name, with at most a few words around it (`山田 より:`, `X says`)."""
    shown = (element.text_content() or "").strip()
    return name in shown and len(shown) <= len(name) + NAME_CONTEXT


def _region(body: HtmlElement, others: list[str]) -> HtmlElement:
    """The largest element around `body` (a few levels up at most) holding no other
    comment's text: the comment's own box, avatar and links included."""
    region = body
    for _ in range(AUTHOR_LEVELS):
        parent = region.getparent()
        if parent is None:
            break
        text = html_to_text(parent)
        if any(other in text for other in others):
            break
        region = parent
    return region


def _blank(element: HtmlElement) -> None:
    for child in list(element):
        element.remove(child)  # its tail goes with it: still inside `element`
    element.text = REDACTED


def _only_it_changed(before: list[CommentItem], index: int, after: list[CommentItem]) -> bool:
    """The re-read page gives the same comments, the cut one with the marker for its text."""
    if len(after) != len(before) or after[index].body_text != REDACTED:
        return False
    return all(
        _reading(a) == _reading(b)
        for i, (a, b) in enumerate(zip(after, before, strict=True))
        if i != index
    )


def _reading(comment: CommentItem) -> tuple[Any, ...]:
    return (comment.external_id, comment.author, comment.body_text, comment.depth,
            comment.posted_raw, comment.votes, comment.kind)  # fmt: skip
