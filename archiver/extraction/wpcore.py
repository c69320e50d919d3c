"""Comments in WordPress core markup: `wp_list_comments()` of classic themes and the comment
template block of block themes.

Both print `li#comment-N` items with `depth-N` classes and replies in `ol.children`; some themes
print a flat list where only the `depth-N` classes carry the nesting, which the thread builder
turns back into parents. A comment's own parts are everything but its reply list, and the vote
counter is looked for outside the body, so text in a comment never reads as a count.
"""

from __future__ import annotations

from parsel import Selector, SelectorList

from archiver.extraction.helpers import (
    comment_depth,
    comment_external_id,
    first_text,
    has_class,
    inner_html,
    present_text,
)
from archiver.extraction.votes import read_votes
from archiver.items import KIND_COMMENT, KIND_PINGBACK, KIND_TRACKBACK, CommentItem
from archiver.profiles import SiteProfile
from archiver.text import html_to_text

_KINDS = {"pingback": KIND_PINGBACK, "trackback": KIND_TRACKBACK}
# The reply list nested in a comment: a comment's own parts are everything else.
_OWN_PARTS = (
    f"./*[not(self::ol and {has_class('children')}) and not(self::ul and {has_class('children')})]"
)


class WordPressCoreParser:
    """Shared reading of core comment items; subclasses say where the list and the parts are."""

    name = ""
    LIST = ""
    AUTHOR: tuple[str, ...] = ()
    DATE: tuple[str, ...] = ()  # the machine-readable datetime first, the shown text after
    BODY: tuple[str, ...] = ()
    PING_BODY = ".comment-body"

    def matches(self, sel: Selector) -> bool:
        return bool(sel.css(self.LIST))

    def parse(self, sel: Selector, profile: SiteProfile, page_url: str) -> list[CommentItem]:
        # Items once, then everything relative to each (select-once: see bench/bench_extraction).
        items = sel.css(self.LIST).xpath(".//li[starts-with(@id, 'comment-')]")
        return [self._comment(li, profile, page_url) for li in items]

    def _comment(
        self, li: Selector, profile: SiteProfile, page_url: str, default_kind: str = KIND_COMMENT
    ) -> CommentItem:
        classes = li.attrib.get("class", "").split()
        kind = next((_KINDS[c] for c in classes if c in _KINDS), default_kind)
        parts = li.xpath(_OWN_PARTS)
        body = _first(parts, self.BODY if kind == KIND_COMMENT else (*self.BODY, self.PING_BODY))
        author = present_text(parts, *self.AUTHOR)
        if kind != KIND_COMMENT and not author:
            author = first_text(parts, f"{self.PING_BODY} a")
        votes = None
        if kind == KIND_COMMENT:
            votes = read_votes(parts, profile.vote_selectors, outside=self._body_test)
        return CommentItem(
            external_id=comment_external_id(li),
            depth=comment_depth(li),
            author=author or "",
            posted_raw=first_text(parts, *self.DATE),
            body_text=html_to_text(body) if body is not None else "",
            body_html=inner_html(body) if body is not None else "",
            votes=votes,
            kind=kind,
            page_url=page_url,
        )

    @property
    def _body_test(self) -> str:
        """XPath predicate for the body element: a vote counter is never read inside it."""
        return " or ".join(has_class(q.removeprefix(".")) for q in self.BODY)


class ClassicCommentParser(WordPressCoreParser):
    """`wp_list_comments()` in classic themes (html5 walker): `ol.comment-list > li#comment-N`."""

    name = "wp-classic"
    LIST = "ol.comment-list, ol.commentlist"
    AUTHOR = (".comment-author .fn", ".comment-author cite")
    DATE = (
        ".comment-metadata time::attr(datetime)",
        ".comment-metadata time",
        ".comment-meta a",
    )
    BODY = (".comment-content",)


class BlockCommentParser(WordPressCoreParser):
    """Block themes' `core/comment-template`: `ol.wp-block-comment-template > li#comment-N`."""

    name = "wp-block"
    LIST = "ol.wp-block-comment-template"
    AUTHOR = (".wp-block-comment-author-name",)
    DATE = (".wp-block-comment-date time::attr(datetime)", ".wp-block-comment-date")
    BODY = (".wp-block-comment-content",)


def _first(parts: SelectorList, queries: tuple[str, ...]) -> Selector | None:
    """The first element of a comment's own parts matching a query, the parts themselves included."""
    for query in queries:
        name = query.removeprefix(".")
        for part in parts:
            if name in part.attrib.get("class", "").split():
                return part
            found = part.css(query)
            if found:
                return found[0]
    return None
