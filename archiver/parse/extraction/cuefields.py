"""A comment's fields read from its own elements by ranked cues (cues.toml), in any markup.

`comment_item` is handed one comment's element and its own elements (its replies' left out)
and reads, each by the first cue that holds it: the author (a cue class, any class naming an
author, WordPress's author link, its "Reply to NAME" label, the words around the date), the
date (a `datetime` or ISO `title` attribute, the cue's text, else the first date-like text
outside the body's text) and the body (the body cue without meta, reply links and avatars).
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass
from functools import cache

import lxml.html
from lxml.html import HtmlElement

from archiver.items import KIND_COMMENT, CommentItem
from archiver.parse.dates import DATE_SHAPE, ISO_DATETIME
from archiver.parse.extraction.helpers import (
    COMMENT_ID,
    KINDS_BY_CLASS,
    collapsed_text,
    contains,
    cues_data,
    inner_html,
)
from archiver.parse.profiles import SiteProfile
from archiver.parse.text import html_to_text

# What themes print after a name: "X says:", "X dijo:", "X sagt:" (the cue element often holds it).
_SAYS = re.compile(r"\s*(?:says|said|dijo|sagt|schreibt|écrit|より|:)\s*:?\s*$", re.IGNORECASE)
# The word between a name and its date: "X on <date>", "X am <Datum>", "X le <date>".
_CONNECTOR = re.compile(r"\s+(?:on|am|um|le|el|em|op|il)\s*$", re.IGNORECASE)
_NAME_TAGS = frozenset({"a", "cite", "b", "strong"})
_NAME_CLASSES = frozenset({"fn", "url", "name", "author-name", "comment-author-link"})
_NOT_NAME_CLASS = re.compile(r"avatar|photo|img|image|pic|icon", re.IGNORECASE)
_NAME_MAX = 64
_RELATIVE = re.compile(
    r"\bago\b|\d\s*(?:秒|分|時間|日|週間|週|か月|ヶ月|年)\s*前|\bvor\b|\bhace\b|\bil y a\b",
    re.IGNORECASE,
)
_TIME_ALONE = re.compile(r"^(?:um\s+|at\s+|à\s+|@\s*|[-|,]\s*)?\d{1,2}[:時]\d{2}")
_DATE_TEXT_MAX = 80  # longer text is a sentence, not a date field
_TEXT_TAGS = ("p", "blockquote", "ul", "ol", "pre")  # where a comment's own text is written
_SEPARATORS = re.compile(r"\s*[|·•]\s*")
_PREFIX = re.compile(r"^[a-z]{1,2}-[a-z]")
# Separators around a name ("| 山田", "山田 –"), not dashes that are part of it ("ねこ-_-").
_EDGE_MARKS = re.compile(r"^(?:\s*[,;|–—·•-](?=\s|$))+|(?:(?<=\s)[|–—·•-]\s*)+$|[,;:]+$")
_CONTROL_CLASS = re.compile(r"reply|edit|permalink", re.IGNORECASE)


@dataclass(frozen=True)
class Cues:
    author: tuple[str, ...]
    date: tuple[str, ...]
    body: tuple[str, ...]
    not_body_classes: frozenset[str]
    not_body_tags: frozenset[str]
    reply_classes: frozenset[str]
    inline_replies: frozenset[str]
    reply_labels: tuple[re.Pattern[str], ...]  # "Reply to (NAME)"
    name_in_line: re.Pattern[str]  # "von (NAME) am"

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
            inline_replies=self.inline_replies,
            reply_labels=self.reply_labels,
            name_in_line=self.name_in_line,
        )


@cache
def generic_cues() -> Cues:
    data = cues_data()
    classes, names = data["classes"], data["names"]
    labels = tuple(
        re.compile(re.escape(label).replace("%s", "(.+?)").replace(r"\ ", r"\s*"), re.IGNORECASE)
        for label in names["reply_labels"]
    )
    before = "|".join(map(re.escape, names["before"]))
    after = "|".join(map(re.escape, names["after"]))
    return Cues(
        author=tuple(classes["author"]),
        date=tuple(classes["date"]),
        body=tuple(classes["body"]),
        not_body_classes=frozenset(data["not_body"]["classes"]),
        not_body_tags=frozenset(data["not_body"]["tags"]),
        reply_classes=frozenset(data["replies"]["classes"]),
        inline_replies=frozenset(data["replies"]["inline"]),
        reply_labels=labels,
        name_in_line=re.compile(
            rf"(?:^|\s)(?:{before})\s+(\S.{{0,{_NAME_MAX}}}?)\s+(?:{after})\s", re.IGNORECASE
        ),
    )


def comment_item(
    number: str | None,
    element: HtmlElement,
    depth: int,
    own: list[HtmlElement],
    cues: Cues,
    profile: SiteProfile,
    page_url: str,
    votes: int | None = None,
) -> CommentItem:
    """The comment `element` (site id `number`) as an item; `own` are its elements in document
    order without its replies' subtrees, `votes` what its counter shows (found by the caller)."""
    classes = element.get("class", "").split()
    kind = next((KINDS_BY_CLASS[c] for c in classes if c in KINDS_BY_CLASS), KIND_COMMENT)
    by_class: dict[str, HtmlElement] = {}
    for node in own:
        for name in node.get("class", "").split():
            by_class.setdefault(name, node)
            # BEM's namespace prefixes (`c-comment__content`, `p-comment__item-body`).
            if _PREFIX.match(name):
                by_class.setdefault(name.split("-", 1)[1], node)
    author, author_text = _author_element(by_class, cues.author, own)
    body_cue = _innermost([by_class[name] for name in cues.body if name in by_class])
    whole = body_cue is not None and author is not None and contains(body_cue, author)
    shown, attr, date_element = _date(own, _first(by_class, cues.date), body_cue, whole)
    if not author_text:
        author, author_text = _author_in_text(own, cues, shown)
    body = _body(body_cue, cues, own, [e for e in (author, date_element) if e is not None])
    if not author_text and kind != KIND_COMMENT and body is not None:
        link = body.find(".//a")
        author_text = collapsed_text(link) if link is not None else ""
    return CommentItem(
        external_id=number,
        depth=depth,
        author=author_text,
        posted_raw=shown,
        posted_attr=attr,
        body_text=html_to_text(body) if body is not None else "",
        body_html=inner_html(body) if body is not None else "",
        votes=votes if kind == KIND_COMMENT else None,
        kind=kind,
        page_url=page_url,
    )


def _author_element(
    by_class: dict[str, HtmlElement], ranked: tuple[str, ...], own: list[HtmlElement]
) -> tuple[HtmlElement | None, str]:
    """The first author cue that holds a name (a `comment-author` div may hold the avatar
    alone); else any element whose class names an author (`epoch-author-link`,
    `comments-author--meta`), or WordPress's author link (`a.url`)."""
    for name in ranked:
        element = by_class.get(name)
        if element is not None and (text := _author_name(element)):
            return element, text
    for element in own[1:]:  # not the comment's own element: `comment-author-NAME` on the li
        if _names_author(element) and _namelike(text := _author_name(element)):
            return element, text
    return None, ""


def _names_author(element: HtmlElement) -> bool:
    names = element.get("class", "").split()
    return (element.tag == "a" and "url" in names) or any(
        "author" in name and not _NOT_NAME_CLASS.search(name) for name in names
    )


def _author_in_text(
    own: list[HtmlElement], cues: Cues, shown: str | None
) -> tuple[HtmlElement | None, str]:
    """A name no element holds alone: the one WordPress's "Reply to NAME" link label gives,
    where the comment shows it; the words around the date ("von NAME am DATE", "NAME | DATE",
    "DATE | NAME"); a `cite` or `strong`; the link the date follows."""
    for element in own:
        label = (element.get("aria-label") or "").strip()
        if label and element.tag == "a":
            for pattern in cues.reply_labels:
                match = pattern.fullmatch(label)
                # Only a name the page shows: WordPress labels a nameless comment "Anonymous".
                name = match.group(1).strip() if match else ""
                if _namelike(name) and name in collapsed_text(own[0]):
                    return None, name
    if shown:
        match = cues.name_in_line.search(shown)
        if match and _namelike(match.group(1)):
            return None, match.group(1)
        parts = _SEPARATORS.split(shown)
        if len(parts) > 1:
            name = next((p for p in parts if _namelike(_clean_name(p))), "")
            if name:
                return None, _clean_name(name)
    for element in own:
        if element.tag in ("cite", "strong", "b") and _namelike(text := _author_name(element)):
            return element, text
        # "<a>NAME</a> 於 2014/01/01 20:31": the link the date follows.
        tail = " ".join((element.tail or "").split())
        if element.tag == "a" and tail and tail == shown and _namelike(collapsed_text(element)):
            return element, collapsed_text(element)
    return None, ""


def _namelike(text: str) -> bool:
    return (
        0 < len(text) <= _NAME_MAX
        and len(text.split()) <= 8
        and any(ch.isalnum() for ch in text)
        and not _datelike(text)
    )


def _author_name(element: HtmlElement) -> str:
    """The name in an author element, which themes fill with more (the date, a reply link, a
    badge): its own leading text ("山田 on <a>date</a>"), else its first name-like child (a
    link, `cite`, `b`, `.fn`), else all its text."""
    lead = _clean_name(" ".join((element.text or "").split()))
    if any(ch.isalnum() for ch in lead):
        return lead
    for child in element.iterdescendants():
        if not isinstance(child.tag, str) or _is_control(child):
            continue
        names = child.get("class", "").split()
        if child.tag in _NAME_TAGS or _NAME_CLASSES.intersection(names):
            name = _clean_name(collapsed_text(child))
            if name:
                return name
    return _clean_name(collapsed_text(element))


def _is_control(element: HtmlElement) -> bool:
    """A reply, edit or permalink control, never a name."""
    href = element.get("href") or ""
    return bool(_CONTROL_CLASS.search(element.get("class") or "")) or (
        "replytocom=" in href or href.startswith("#comment")
    )


def _clean_name(text: str) -> str:
    return _EDGE_MARKS.sub("", _CONNECTOR.sub("", _SAYS.sub("", text))).strip()


def _innermost(ranked: list[HtmlElement]) -> HtmlElement | None:
    """The first body cue, or a later one inside it: a theme's `comment_text` wrapper around
    the date, the author and the `comment-body` proper."""
    if not ranked:
        return None
    inner = [e for e in ranked[1:] if contains(ranked[0], e)]
    return _innermost(inner) if inner else ranked[0]


def _first(by_class: dict[str, HtmlElement], ranked: tuple[str, ...]) -> HtmlElement | None:
    for name in ranked:
        if name in by_class:
            return by_class[name]
    return None


def _date(
    own: list[HtmlElement], cue: HtmlElement | None, body: HtmlElement | None, whole: bool
) -> tuple[str | None, str | None, HtmlElement | None]:
    """The date text shown, the machine-readable date beside it (a `datetime` attribute, a
    `title` holding an ISO date, any dated `title` of a relative date: "4 years ago") and the
    element that shows it. The text is the cue's, else the first date-like text of the
    comment outside its body's text (`whole`: the body element holds the author and date
    too); a cue that holds more (the author, "Reply") gives its date-like part, a time alone
    the date shown before it."""
    scope = [cue, *cue.iterdescendants()] if cue is not None else own
    stamped = next((e for e in scope if e.get("datetime")), None)
    attr = stamped.get("datetime").strip() if stamped is not None else None
    shown = collapsed_text(stamped) if stamped is not None else ""
    element = stamped if shown else None
    if not _datelike(shown) and cue is not None:
        shown, element = collapsed_text(cue), cue
        if len(shown) > _DATE_TEXT_MAX or not _datelike(shown):
            piece, element = _date_piece([cue, *cue.iterdescendants()], None, False)
            shown = piece or shown
    if not _datelike(shown) or _TIME_ALONE.fullmatch(shown):
        piece, holder = _date_piece(own, body, whole)
        if piece:
            shown, element = piece, holder
    if attr is None:
        relative = not shown or bool(_RELATIVE.search(shown))
        for node in scope:
            title = (node.get("title") or "").strip()
            if title and (ISO_DATETIME.match(title) or (relative and _datelike(title))):
                attr = title
                break
    return shown or None, attr, element


def _datelike(text: str) -> bool:
    return (
        bool(text)
        and bool(DATE_SHAPE.search(text))
        and (any(ch.isdigit() for ch in text) or bool(_RELATIVE.search(text)))
    )


def _date_piece(
    elements: list[HtmlElement], body: HtmlElement | None, whole: bool
) -> tuple[str | None, HtmlElement | None]:
    """The first date-like text among the elements, not in the body's text (all of `body`;
    its paragraphs alone when it is `whole`), with a time shown right after it in an element
    of its own ("18. 05. 2014" <b>22:38</b>); and the element that holds that text alone."""
    skip: set[HtmlElement] = set()
    if body is not None:
        texts = body.iter(*_TEXT_TAGS) if whole else [body]
        skip = {e for text in texts for e in text.iter()}
    pieces: list[tuple[str, HtmlElement | None]] = []
    for element in elements:
        if element in skip or element.tag in ("script", "style"):
            continue
        if element.text and element.text.strip():
            pieces.append((" ".join(element.text.split()), element))
        if element.tail and element.tail.strip():
            pieces.append((" ".join(element.tail.split()), None))
    for index, (piece, holder) in enumerate(pieces):
        if len(piece) <= _DATE_TEXT_MAX and _datelike(piece):
            after = pieces[index + 1][0] if index + 1 < len(pieces) else ""
            if _TIME_ALONE.match(after) and not _TIME_ALONE.match(piece):
                return f"{piece} {after}", None
            alone = holder is not None and collapsed_text(holder) == piece
            return piece, holder if alone else None
    return None, None


def _body(
    cue: HtmlElement | None, cues: Cues, own: list[HtmlElement], meta: list[HtmlElement]
) -> HtmlElement | None:
    """The body element, a copy with what is never text taken out (author, date, reply links);
    without a body cue, the comment's paragraphs that hold no author or date."""
    if cue is None:
        held = {e for m in meta for e in m.iterancestors()} | set(meta)
        paragraphs = [e for e in own if e.tag == "p" and e not in held]
        if not paragraphs:  # text straight in the comment: all of it but its meta
            cue = own[0]
            meta = meta + [e for m in meta for e in m.iterancestors("p")]
        else:
            cue = lxml.html.Element("div")  # an HTML element, as the page's own are
            for paragraph in paragraphs:
                cue.append(deepcopy(paragraph))
            return _strip(cue, cues, [])
    copy = deepcopy(cue)
    twins = dict(zip(cue.iter(), copy.iter(), strict=True))
    return _strip(copy, cues, [twins[m] for m in meta if m in twins and m is not cue])


def _strip(body: HtmlElement, cues: Cues, meta: list[HtmlElement]) -> HtmlElement:
    for element in meta:
        if element.getparent() is not None:
            element.drop_tree()
    for element in list(body.iterdescendants()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        names = element.get("class", "").split()
        if element.tag in cues.not_body_tags or cues.not_body_classes.intersection(names):
            element.drop_tree()  # its tail stays, joined to what precedes it
        elif COMMENT_ID.match(element.get("id", "")):
            element.drop_tree()  # a nested reply, in a theme that prints replies inside the body
    return body
