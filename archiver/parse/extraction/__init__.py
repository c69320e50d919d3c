"""Pure page extraction: (HTML, URL) → article fields and the comments that page shows.

Nothing here touches Scrapy, the network or the database, so every parser is tested on saved
pages under tests/fixtures/. The comment parser is chosen by what the page contains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from cssselect import GenericTranslator
from lxml import etree
from parsel import Selector

from archiver.items import KIND_COMMENT, CommentItem
from archiver.parse.extraction.article import ArticleFields, WordPressArticleParser
from archiver.parse.extraction.document import page_selector
from archiver.parse.extraction.generic import GenericCommentParser
from archiver.parse.extraction.helpers import first_int
from archiver.parse.extraction.tcd import TcdCommentParser
from archiver.parse.extraction.wpcore import (
    BlockCommentParser,
    ClassicCommentParser,
    WordPressCoreParser,
)
from archiver.parse.profiles import SiteProfile, load_profile
from archiver.parse.urls import canonical_url, site_domain

# Most specific first: a TCD page also carries core classes.
COMMENT_PARSERS: tuple[WordPressCoreParser, ...] = (
    TcdCommentParser(),
    BlockCommentParser(),
    ClassicCommentParser(),
)
GENERIC_PARSER = GenericCommentParser()
ARTICLE_PARSER = WordPressArticleParser()
_COMMENT_PAGE = re.compile(r"/comment-page-(\d+)/?(?:[?#]|$)|[?&]cpage=(\d+)")
# Signs that a page shows comments in some markup, recognized or not: an element with a
# WordPress comment id (`comment-123`), or an item of a core comment list. An empty comment
# section (`#comments` holding only the reply form) is no sign.
COMMENT_SIGNS = (
    "//*[starts-with(@id, 'comment-') and substring-after(@id, 'comment-') != ''"
    " and translate(substring-after(@id, 'comment-'), '0123456789', '') = '']"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' comment-list ')]/*"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' commentlist ')]/*"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' wp-block-comment-template ')]/*"
)


_PAGE_LINKS = etree.XPath(
    "//a[contains(@href, 'comment-page-') or contains(@href, 'cpage=')]/@href"
)


_CURRENT_PAGE = etree.XPath(
    GenericTranslator().css_to_xpath(".page-numbers.current, .c-comment__pager .current")
)


@dataclass
class PageExtract:
    """What one fetched page holds."""

    article: ArticleFields | None  # None: the page is no article page (`refusal` says why)
    refusal: str | None = None
    comment_markup: str | None = None  # name of the parser that read the comments
    has_comment_signs: bool = False  # comment markup present, whether or not a parser knew it
    comments: list[CommentItem] = field(default_factory=list)
    page_number: int = 1
    comment_pages: dict[int, str] = field(default_factory=dict)  # page number → absolute URL
    tags_dropped: int = 0  # of runs nested past libxml2's limit (document.page_selector)
    nul_chars: int = 0  # NULs in the page's text: dropped, as browsers drop them

    @property
    def is_article(self) -> bool:
        return self.article is not None


def extract_page(html: str, url: str, profile: SiteProfile | None = None) -> PageExtract:
    """What an HTML page holds: the article (None, and why, for other pages) and its comments
    as they stand on this page. `profile`: the site's (default: the one its domain names)."""
    if profile is None:
        profile = load_profile(site_domain(url))
    # parsel's tree; typed html, as JSON-looking text is no JSON here
    sel, dropped = page_selector(html)
    nuls = html.count("\x00")
    fields, refused = ARTICLE_PARSER.examine(sel, url)
    if fields is None:
        return PageExtract(article=None, refusal=refused, tags_dropped=dropped, nul_chars=nuls)
    extract = PageExtract(article=fields, tags_dropped=dropped, nul_chars=nuls)
    name, comments = read_comments(sel, profile, url)
    if name is not None:
        extract.comment_markup, extract.comments = name, comments
        extract.has_comment_signs = True
    else:  # a full-document scan, needed only when no parser knew the page
        extract.has_comment_signs = bool(sel.xpath(COMMENT_SIGNS))
    extract.comment_pages, extract.page_number = comment_pages(sel, url)
    return extract


def read_comments(
    sel: Selector, profile: SiteProfile, url: str
) -> tuple[str | None, list[CommentItem]]:
    """The page's comments and the name of the reader that found them (None: none did).

    A known family (the profile's first) reads its pages exactly and fast; the generic reader
    takes over where no family matches, or where the family's reading falls short of the page
    (comment ids in its lists it could not place, or a field it found for no comment) and the
    generic one holds more.
    """
    ordered = sorted(COMMENT_PARSERS, key=lambda p: p.name != profile.comment_markup)
    family = next((p for p in ordered if p.matches(sel)), None)
    passed_over: list[str] = []
    comments = family.parse(sel, profile, url, passed_over) if family is not None else []
    if family is not None and comments and not passed_over and _full(comments):
        return family.name, comments
    generic = GENERIC_PARSER.parse(sel, profile, url)
    if generic and _coverage(generic) > _coverage(comments):
        return GENERIC_PARSER.name, generic
    # A family whose list holds nothing it can read has not recognized the page either.
    return (family.name, comments) if family is not None and comments else (None, [])


def _full(comments: list[CommentItem]) -> bool:
    """Every field found for some comment, and every comment's text (a family that misses a
    theme's body element reads all of them empty; an author or date may be missing for one)."""
    return all(_coverage(comments)) and all(c.body_text for c in comments if c.kind == KIND_COMMENT)


def _coverage(comments: list[CommentItem]) -> tuple[int, int, int, int]:
    """How much of a thread a reading holds: comments, then bodies, authors and dates."""
    return (
        len(comments),
        sum(bool(c.body_text) for c in comments),
        sum(bool(c.author) for c in comments),
        sum(bool(c.posted_raw) for c in comments),
    )


def comment_pages(sel: Selector, url: str) -> tuple[dict[int, str], int]:
    """Links to the thread's comment pages (`/comment-page-N/`, `?cpage=N`) and this page's number."""
    pages: dict[int, str] = {}
    # Only this article's pages: sidebars ("recent comments") link other threads' pages too.
    article = canonical_url(url)
    # Comment permalinks (`…/comment-page-3/#comment-123`) differ only by fragment: read each
    # page link once.
    for href in dict.fromkeys(h.split("#", 1)[0].strip() for h in _PAGE_LINKS(sel.root)):
        absolute = urljoin(url, href)
        number = page_number_of(absolute)
        if (
            number is not None
            and "replytocom" not in absolute
            and canonical_url(absolute) == article
        ):
            pages.setdefault(number, absolute.split("#", 1)[0])
    own = page_number_of(url)
    if own is None and not pages:
        own = 1  # a thread on one page
    elif own is None:
        # The default page (often the newest) under the article URL: its number is the current
        # marker's ("2", or "Page 14" in Twenty Twenty-One), else one past the pages it links to.
        markers = _CURRENT_PAGE(sel.root)
        current = first_int(markers[0].text_content()) if markers else None
        own = current or max(pages) + 1
    pages[own] = url.split("#", 1)[0]
    return pages, own


def page_number_of(url: str) -> int | None:
    match = _COMMENT_PAGE.search(url)
    if not match:
        return None
    return int(match.group(1) or match.group(2))
