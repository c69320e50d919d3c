"""Comments in TCD-family themes (grandfleet.info's family): `ol#comments.c-comment__list`."""

from __future__ import annotations

import re

from parsel import Selector

from archiver.extraction.helpers import first_text, has_class, inner_html
from archiver.extraction.votes import read_votes
from archiver.items import KIND_COMMENT, KIND_PINGBACK, KIND_TRACKBACK, CommentItem
from archiver.profiles import SiteProfile
from archiver.text import html_to_text

_DEPTH_CLASS = re.compile(r"\bdepth-(\d+)\b")
_COMMENT_ID = re.compile(r"^comment-(\d+)$")


class TcdCommentParser:
    """`li#comment-N.c-comment__list-item.comment`, replies in `ol.children`, depth in `depth-N`."""

    name = "tcd"
    LIST = "ol#comments.c-comment__list"
    ITEM = f"li[{has_class('comment')} and {has_class('c-comment__list-item')}]"
    AUTHOR = ".c-comment__item-author"
    DATE = "time.c-comment__item-date"
    BODY = ".c-comment__item-body"
    TRACKBACK_ITEMS = "#js-trackback-area li[id^='comment-']"
    # A reply list nested in a comment: what belongs to the comment is everything but this.
    OWN_PARTS = f"./*[not(self::ol and {has_class('children')})]"

    def matches(self, sel: Selector) -> bool:
        return bool(sel.css(self.LIST))

    def parse(self, sel: Selector, profile: SiteProfile, page_url: str) -> list[CommentItem]:
        comments = [
            self._comment(li, profile, page_url, KIND_COMMENT)
            for li in sel.css(self.LIST).xpath(f".//{self.ITEM}")
        ]
        # The pings tab lists pingbacks and trackbacks; WordPress's comment_class tells them apart.
        trackbacks = [
            self._comment(li, profile, page_url, _ping_kind(li))
            for li in sel.css(self.TRACKBACK_ITEMS)
        ]
        return comments + trackbacks

    def _comment(self, li: Selector, profile: SiteProfile, page_url: str, kind: str) -> CommentItem:
        parts = li.xpath(self.OWN_PARTS)
        body = next((found[0] for part in parts if (found := part.css(self.BODY))), None)
        return CommentItem(
            external_id=_external_id(li),
            depth=_depth(li),
            author=first_text(parts, self.AUTHOR) or "",
            posted_raw=first_text(parts, self.DATE),
            body_text=html_to_text(body) if body is not None else "",
            body_html=inner_html(body) if body is not None else "",
            votes=read_votes(parts, profile.vote_selectors),
            kind=kind,
            page_url=page_url,
        )


def _ping_kind(li: Selector) -> str:
    return KIND_PINGBACK if "pingback" in li.attrib.get("class", "").split() else KIND_TRACKBACK


def _external_id(li: Selector) -> str | None:
    match = _COMMENT_ID.match(li.attrib.get("id", ""))
    return match.group(1) if match else None


def _depth(li: Selector) -> int:
    """The `depth-N` class; without one, the number of reply lists around the comment plus one."""
    match = _DEPTH_CLASS.search(li.attrib.get("class", ""))
    if match:
        return int(match.group(1))
    return int(float(li.xpath(f"count(ancestor::ol[{has_class('children')}])").get("0"))) + 1
