"""The comment count a page shows, read only from count phrases ("38 thoughts on …",
"Kommentare (34)", "Ein Gedanke zu …", 「…」への38件のフィードバック): never a number out of a title.

Pure: the page's candidate elements in, ranked as `PageIndex` collects them, a count out.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urldefrag

from lxml.html import HtmlElement

from archiver.parse.extraction.helpers import collapsed_text, cues_data

# An id or class that names a thread's heading or count: comments-title, comment-count,
# comments__headline, wc-comment-header, comment-title, comments-number.
COUNT_HOLDER = re.compile(
    r"comment\w*?[-_]+(?:title|headline|head|header|heading|count|number)"
    r"|(?:count|number|num)[-_]+comment",
    re.IGNORECASE,
)
# Headings a thread's count stands in: never h1, the post's own title.
HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# The ranks a candidate can have: a holder named as one, a heading, a link to the comments.
RANK_HOLDER, RANK_HEADING, RANK_LINK = 0, 1, 2
# A post's title quoted inside the heading ("2 Gedanken zu „Folge 70 …“"): never read.
_QUOTED = re.compile(r"„[^“”]*[“”]|“[^”]*”|\"[^\"]*\"|«[^»]*»|「[^」]*」|『[^』]*』|‘[^’]*’")
_NUMBER = r"(\d{1,3}(?:[.,]\d{3})+(?!\d)|\d+)"
# The whole thread's count as plugins keep it (never "data-remaining-comments-count").
_COUNT_ATTRIBUTES = ("data-comments-count", "data-comment-count")
_BARE = re.compile(r"^\d+$")
_LONGEST = 300  # characters: longer is a container of the count, not the count


@cache
def _phrases() -> tuple[re.Pattern[str], ...]:
    data = cues_data()["counts"]
    nouns = "|".join(map(re.escape, data["nouns"]))
    counters = "|".join(map(re.escape, data["counters"]))
    ones = "|".join(map(re.escape, data["one"]))
    word = r"[^\W\d_]"
    latin = r"(?<![A-Za-zÀ-ÿ])"  # a noun starts a word (CJK text has no word breaks)
    return (
        # "38件のフィードバック"
        re.compile(rf"(?<![\dA-Za-z.,]){_NUMBER}\s*(?:{counters})"),
        # "38 thoughts", "112 Hinterlasse einen Kommentar", "33 LESER-KOMMENTARE", "52Comments"
        re.compile(rf"(?<![\dA-Za-z.,]){_NUMBER}\s*(?:{word}+[\s-]+){{0,3}}?(?:{nouns})", re.I),
        # "Kommentare (34)", "Comments: 2", "留言列表 (42)", "コメント ( 34 )"
        re.compile(rf"{latin}(?:{nouns}){word}*\s*[(（\[:：]?\s*{_NUMBER}(?![\d.,]?\d)", re.I),
        # "One Response to …", "Eine Antwort auf …"
        re.compile(rf"^\s*(?:{ones})\s+(?:{word}+\s+){{0,2}}?(?:{nouns})", re.I),
    )


def count_in(text: str | None) -> int | None:
    """The count a count phrase in `text` states, or None where it holds none."""
    if not text:
        return None
    text = _QUOTED.sub(" ", text)
    if len(text) > _LONGEST:
        return None
    *numbered, one = _phrases()
    for pattern in numbered:
        match = pattern.search(text)
        if match:
            return int(re.sub(r"[.,]", "", match.group(1)))
    if one.search(text) and not re.search(r"\d", text):
        return 1
    return None


def shown_count(
    candidates: list[tuple[int, HtmlElement]], urls: tuple[str, ...] = ()
) -> int | None:
    """The count the page's best-ranked candidate shows: (rank, element) in document order.
    A reply form's title ("Eine Antwort schreiben") is never a count, and a link counts only
    where it points at this page's comments (`urls`: the page's own addresses)."""
    pages = {urldefrag(url)[0].rstrip("/") for url in urls if url}
    for rank, element in sorted(candidates, key=lambda pair: pair[0]):
        if element.tag == "a" and not _links_here(element.get("href", ""), pages):
            continue
        if _in_reply_form(element):
            continue
        attribute = _count_attribute(element)
        if attribute is not None:
            return attribute
        text = collapsed_text(element)
        found = count_in(text)
        if found is None and rank != RANK_HEADING and _BARE.match(text):
            found = int(text)  # a count holder or comments link showing the number alone
        if found is not None:
            return found
    return None


def rank_of(element: HtmlElement) -> int | None:
    """The candidate's rank (see the RANK_ constants), or None where it is none."""
    names = f"{element.get('id', '')} {element.get('class', '')}"
    if "omment" in names and COUNT_HOLDER.search(names):
        return RANK_HOLDER
    if _count_attribute(element) is not None:
        return RANK_HOLDER
    if element.tag in HEADINGS:
        return RANK_HEADING
    if "comments-link" in names or (
        element.tag == "a" and element.get("href", "").endswith(("#comments", "#respond"))
    ):
        return RANK_LINK
    return None


def _count_attribute(element: HtmlElement) -> int | None:
    """A count a plugin keeps in an attribute (wpDiscuz: `data-comments-count="34"`)."""
    for name in _COUNT_ATTRIBUTES:
        value = element.get(name, "").strip()
        if value.isdigit():
            return int(value)
    return None


def _links_here(href: str, pages: set[str]) -> bool:
    target = urldefrag(href)[0].rstrip("/")
    return not target or not pages or target in pages


def _in_reply_form(element: HtmlElement) -> bool:
    if element.get("id") == "reply-title":
        return True
    return any(
        ancestor.tag == "form" or ancestor.get("id") == "respond"
        for ancestor in element.iterancestors()
    )
