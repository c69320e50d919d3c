"""Article fields of a WordPress-family page: title, category, dates, body, ids, shown count."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

from archiver.parse.dates import ISO_DATETIME
from archiver.parse.extraction.counts import count_in, rank_of, shown_count
from archiver.parse.extraction.entries import page_entries
from archiver.parse.extraction.helpers import COMMENT_ID, inner_html
from archiver.parse.extraction.links import (
    NEXT_CLASSES,
    PREVIOUS_CLASSES,
    RELATED_CLASSES,
    SourceLine,
    adjacent_link,
    related_links,
    source_lines,
)
from archiver.parse.text import html_to_text

_SHORTLINK_ID = re.compile(r"[?&]p=(\d+)")
_POSTID_CLASS = re.compile(r"\bpostid-(\d+)\b")
_SINGLE_CLASS = re.compile(r"\b(single|postid-\d+)\b")
_POST_ENTRY = re.compile(r"^post-\d+$")
# Elements that may show a thread's count: named for comments, a plugin's count attribute, a
# heading, a link to the comments (counts.rank_of ranks them).
_COUNT_CANDIDATES = etree.XPath(
    "//*[contains(@id, 'omment') or contains(@class, 'omment') or @data-comments-count"
    " or @data-comment-count] | //h2 | //h3 | //h4 | //h5 | //h6"
    " | //a[contains(@href, '#comments') or contains(@href, '#respond')]"
)
# Body classes WordPress gives the pages that list posts.
LISTING_BODY_CLASSES = frozenset({"home", "blog", "archive", "category", "tag", "search"})
# schema.org types (JSON-LD or microdata) of a page that is one post with its discussion.
ARTICLE_TYPES = {"Article", "BlogPosting", "NewsArticle", "Report", "OpinionNewsArticle",
                 "LiveBlogPosting", "QAPage", "DiscussionForumPosting"}  # fmt: skip


@dataclass
class ArticleFields:
    canonical: str | None
    wp_post_id: int | None
    title: str | None
    category: str | None
    author: str | None
    published_raw: str | None
    modified_raw: str | None
    body_text: str | None
    body_html: str | None
    comment_count_shown: int | None
    rest_api: str | None = None  # the site's REST root (`<link rel="https://api.w.org/">`)
    tags: list[str] = field(default_factory=list)
    sources: list[SourceLine] = field(default_factory=list)
    related: list[str] = field(default_factory=list)  # related articles' URLs
    previous_url: str | None = None
    next_url: str | None = None
    language: str | None = None  # <html lang>
    datetimes: list[str] = field(default_factory=list)  # every datetime attribute of the page
    comment_ids: frozenset[str] = frozenset()  # numbers of its comment-N ids: comments it holds


class WordPressArticleParser:
    """Article fields from the markup WordPress themes share, most specific selector first."""

    # Most specific first. Class names, looked up in one pass over the page (PageIndex): ~20
    # CSS queries each scanning the whole document cost 6× more.
    TITLE_CLASSES = ("p-entry__title", "p-article__title", "entry-title", "wp-block-post-title")
    BODY_CLASSES = ("p-entry__body", "p-article__body", "entry-content", "post_content",
                    "wp-block-post-content")  # fmt: skip
    DATE_CLASSES = ("entry-date", "wp-block-post-date", "p-entry__date")
    SHOWN_COUNT_CLASSES = ("c-comment__tab-item is-active", "comments-title",
                           "wp-block-comments-title")  # fmt: skip

    def examine(self, sel: Selector, url: str = "") -> tuple[ArticleFields | None, str | None]:
        """The article's fields, or None and the reason the page is no article."""
        page = PageIndex(sel.root)
        refused = self.refusal(page, sel, url)
        return (None, refused) if refused is not None else (self._fields(page, url), None)

    def refusal(self, page: PageIndex, sel: Selector, url: str = "") -> str | None:
        """Why the page is no article page, or None when it is one.

        A listing is never an article: WordPress's body classes for home, blog, archive,
        category, tag and search pages, or two or more `post-N` entries (unless the body class
        says it is a single post, whose related posts may print such entries too). Otherwise
        SPEC's signals: body class, JSON-LD type, one pre-HTML5 `div.post#post-N`, or comments
        beside a reply form; else, unless the page shows no comment and its entries are all
        teasers of other pages (another engine's listing, see entries: such engines may print
        og:type article on every page), og:type, a microdata article type or an article
        element with a title. (Including a question page with its answers.)
        """
        classes = set(page.body_class.split())
        listing = sorted(LISTING_BODY_CLASSES & classes)
        if listing:
            return f"a listing page (body class {listing[0]})"
        single = bool(_SINGLE_CLASS.search(page.body_class))
        if len(page.post_entries) >= 2 and not single:
            return f"a listing page ({len(page.post_entries)} post entries)"
        if (
            single
            or self._jsonld_types(sel) & ARTICLE_TYPES
            or any(tag == "div" and "post" in names for tag, names in page.post_entries)
            or (bool(page.comment_ids) and page.has_reply_form)
        ):
            return None
        entries = page_entries(sel.root, url, page.links.get("canonical"))
        if entries.listing and not page.comment_ids:
            return f"a listing page ({entries.teasers} entries titled by links to their pages)"
        if (
            page.meta.get("og:type") == "article"
            or page.item_types & ARTICLE_TYPES
            or (
                page.first_tag.get("article") is not None and sel.xpath("//article[.//h1 or .//h2]")
            )
        ):
            return None
        return "no article signal"

    def _fields(self, page: PageIndex, url: str) -> ArticleFields:
        body = page.first_with_class(self.BODY_CLASSES)
        related_blocks = [page.by_class[c] for c in RELATED_CLASSES if c in page.by_class]
        return ArticleFields(
            canonical=page.links.get("canonical"),
            wp_post_id=self._post_id(page),
            title=page.text_of(page.first_with_class(self.TITLE_CLASSES, tag="h1"))
            or page.meta.get("og:title")
            or page.text_of(page.first_tag.get("title")),
            category=page.text_of(page.category_link()) or page.meta.get("article:section"),
            author=page.meta.get("author") or page.text_of(page.author_link),
            published_raw=page.meta.get("article:published_time")
            or page.time_in(self.DATE_CLASSES),
            modified_raw=page.meta.get("article:modified_time"),
            body_text=html_to_text(body) if body is not None else None,
            body_html=inner_html(body) if body is not None else None,
            rest_api=page.links.get("https://api.w.org/"),
            tags=page.tags,
            sources=source_lines(body, url),
            related=related_links(body, related_blocks, url),
            previous_url=adjacent_link(page.first_with_class(PREVIOUS_CLASSES), url),
            next_url=adjacent_link(page.first_with_class(NEXT_CLASSES), url),
            comment_count_shown=self._shown_count(page, url),
            language=(page.first_tag["html"].get("lang") if "html" in page.first_tag else None),
            datetimes=page.datetimes,
            comment_ids=frozenset(page.comment_ids),
        )

    def _shown_count(self, page: PageIndex, url: str) -> int | None:
        """The family's own count element ("コメント ( 0 )" is a count), else the best phrase."""
        own = count_in(page.text_of(page.first_with_class(self.SHOWN_COUNT_CLASSES)))
        if own is not None:
            return own
        return shown_count(page.count_candidates, (url, page.links.get("canonical", "")))

    def _post_id(self, page: PageIndex) -> int | None:
        for pattern, value in (
            (_SHORTLINK_ID, page.links.get("shortlink", "")),
            (_POSTID_CLASS, page.body_class),
        ):
            match = pattern.search(value)
            if match:
                return int(match.group(1))
        return None

    @staticmethod
    def _jsonld_types(sel: Selector) -> set[str]:
        types: set[str] = set()
        for raw in sel.css('script[type="application/ld+json"]::text').getall():
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            stack = [data]
            while stack:
                node = stack.pop()
                if isinstance(node, list):
                    stack.extend(node)
                elif isinstance(node, dict):
                    kind = node.get("@type")
                    types.update(kind if isinstance(kind, list) else [kind] if kind else [])
                    stack.extend(node.get("@graph", []))
        return {t for t in types if isinstance(t, str)}


class PageIndex:
    """One pass over a page: its metas, links, and the first element of each class and tag."""

    WANTED_TAGS = frozenset({"html", "title", "h1", "article", "body"})
    CATEGORY_CLASSES = ("p-entry__cat", "taxonomy-category")

    def __init__(self, root: HtmlElement) -> None:
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.first_tag: dict[str, HtmlElement] = {}
        self.by_class: dict[str, HtmlElement] = {}
        self.h1_by_class: dict[str, HtmlElement] = {}
        self.category_rel: HtmlElement | None = None
        self.author_link: HtmlElement | None = None
        self.tags: list[str] = []
        self.post_entries: list[tuple[str, list[str]]] = []  # (tag, classes) of each #post-N
        self.comment_ids: set[str] = set()  # the numbers of the page's comment-N ids
        self.has_reply_form = False
        self.datetimes: list[str] = []
        self.item_types: set[str] = set()  # schema.org microdata, by local name
        self.root = root
        for element in root.iter():
            tag = element.tag
            if not isinstance(tag, str):
                continue
            item_type = element.get("itemtype")
            if item_type:
                self.item_types.update(
                    name.rstrip("/").rpartition("/")[2] for name in item_type.split()
                )
            element_id = element.get("id")
            if element_id:
                if _POST_ENTRY.match(element_id):
                    self.post_entries.append((tag, element.get("class", "").split()))
                elif element_id in ("respond", "commentform"):
                    self.has_reply_form = True
                elif "omm" in element_id and (named := COMMENT_ID.match(element_id)):
                    self.comment_ids.add(named.group(1) or named.group(2))
            if tag == "meta":
                key = element.get("property") or element.get("name")
                if key and key not in self.meta and element.get("content"):
                    self.meta[key] = element.get("content", "").strip()
                continue
            if tag == "link":
                for rel in element.get("rel", "").split():
                    self.links.setdefault(rel, element.get("href", "").strip())
                continue
            if tag == "a":
                rel = element.get("rel", "").split()
                if "category" in rel and self.category_rel is None:
                    self.category_rel = element
                if "author" in rel and self.author_link is None:
                    self.author_link = element
                # Block themes mark category links rel="tag" too: tell them by URL and container.
                if "tag" in rel and "category" not in rel and not _is_category_link(element):
                    name = " ".join(element.text_content().split())
                    if name and name not in self.tags:
                        self.tags.append(name)
            if tag in self.WANTED_TAGS:
                self.first_tag.setdefault(tag, element)
            if element.get("datetime"):
                self.datetimes.append(element.get("datetime", "").strip())
            elif (title := element.get("title")) and ISO_DATETIME.match(title):
                self.datetimes.append(title.strip())  # Q&A sites: the shown date's exact time
            names = element.get("class")
            if names:
                tokens = names.split()
                for name in tokens:
                    self.by_class.setdefault(name, element)
                    if tag == "h1":
                        self.h1_by_class.setdefault(name, element)
                if len(tokens) > 1:  # compound lookups such as "c-comment__tab-item is-active"
                    self.by_class.setdefault(" ".join(tokens[:2]), element)
                    self.by_class.setdefault(" ".join(sorted(tokens)), element)
        body = self.first_tag.get("body")
        self.body_class = body.get("class", "") if body is not None else ""

    @property
    def count_candidates(self) -> list[tuple[int, HtmlElement]]:
        """(rank, element) of what may show the thread's count (see counts), in page order:
        asked only where no family names its count element, so one XPath pass, in C."""
        found = []
        for element in _COUNT_CANDIDATES(self.root):
            if (rank := rank_of(element)) is not None:
                found.append((rank, element))
        return found

    def first_with_class(
        self, names: tuple[str, ...], tag: str | None = None
    ) -> HtmlElement | None:
        index = self.h1_by_class if tag == "h1" else self.by_class
        for name in names:
            found = index.get(name)
            if found is None:
                found = index.get(" ".join(sorted(name.split())))
            if found is not None:
                return found
        return None

    def category_link(self) -> HtmlElement | None:
        container = self.first_with_class(self.CATEGORY_CLASSES)
        if container is not None:
            link = container.find(".//a")
            if link is not None:
                return link
        return self.category_rel

    def time_in(self, names: tuple[str, ...]) -> str | None:
        """`datetime` of the first dated element of these classes, or of one inside an article."""
        for name in names:
            element = self.by_class.get(name)
            if element is None:
                continue
            time = element if element.tag == "time" else element.find(".//time")
            if time is not None and time.get("datetime"):
                return time.get("datetime", "").strip()
        article = self.first_tag.get("article")
        if article is not None:
            for time in article.iter("time"):
                if time.get("datetime"):
                    return time.get("datetime", "").strip()
        return None

    @staticmethod
    def text_of(element: HtmlElement | None) -> str | None:
        if element is None:
            return None
        text = " ".join(t.strip() for t in element.itertext() if t.strip())
        return text or None


def _is_category_link(link: HtmlElement) -> bool:
    parent = link.getparent()
    container = parent.get("class", "") if parent is not None else ""
    return "/category/" in link.get("href", "") or "taxonomy-category" in container
