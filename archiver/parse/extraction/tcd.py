"""Comments in TCD-family themes (grandfleet.info's family): `ol#comments.c-comment__list`."""

from __future__ import annotations

from lxml import etree
from parsel import Selector

from archiver.items import KIND_TRACKBACK, CommentItem
from archiver.parse.extraction.wpcore import WordPressCoreParser
from archiver.parse.profiles import SiteProfile


class TcdCommentParser(WordPressCoreParser):
    """`li#comment-N.c-comment__list-item.comment`, replies in `ol.children`, depth in `depth-N`;
    pingbacks and trackbacks in a tab of their own."""

    name = "tcd"
    LIST = "ol#comments.c-comment__list"
    AUTHOR = ("c-comment__item-author",)
    DATE = ("c-comment__item-date",)
    BODY = ("c-comment__item-body",)
    _PINGS = etree.XPath("//*[@id='js-trackback-area']")

    def parse(
        self,
        sel: Selector,
        profile: SiteProfile,
        page_url: str,
        passed_over: list[str] | None = None,
    ) -> list[CommentItem]:
        comments = super().parse(sel, profile, page_url, passed_over)
        # The pings tab lists both kinds; WordPress's comment_class tells a pingback apart.
        pings = self.parse_lists(
            self._PINGS(sel.root), profile, page_url, default_kind=KIND_TRACKBACK
        )
        return comments + pings
