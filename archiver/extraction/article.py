"""Article fields of a WordPress-family page: title, category, dates, body, ids, shown count."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from parsel import Selector

from archiver.extraction.helpers import first_int, first_text, inner_html
from archiver.text import html_to_text

# How themes print a thread's size: 「題」への38件のフィードバック, コメント ( 34 ), 38 thoughts on "…".
_SHOWN_COUNTS = (
    re.compile(r"(\d[\d,]*)\s*件"),
    re.compile(r"[(（]\s*(\d[\d,]*)\s*[)）]"),
    re.compile(r"^\s*(\d[\d,]*)\s+(?:thoughts?|responses?|comments?|replies)\b", re.I),
)
_ONE = re.compile(r"^\s*(?:one|1)\s+(?:thought|response|comment|reply)\b", re.I)
_SHORTLINK_ID = re.compile(r"[?&]p=(\d+)")
_POSTID_CLASS = re.compile(r"\bpostid-(\d+)\b")
ARTICLE_TYPES = {"Article", "BlogPosting", "NewsArticle", "Report"}


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


class WordPressArticleParser:
    """Article fields from the markup WordPress themes share, most specific selector first."""

    CANONICAL = ('link[rel="canonical"]::attr(href)',)
    SHORTLINK = 'link[rel="shortlink"]::attr(href)'
    TITLE = (
        "h1.p-entry__title",
        "h1.p-article__title",
        "h1.entry-title",
        "h1.wp-block-post-title",
        'meta[property="og:title"]::attr(content)',
        "title",
    )
    CATEGORY = (
        ".p-entry__cat a",
        'a[rel~="category"]',
        ".taxonomy-category a",  # block themes: core/post-terms
        'meta[property="article:section"]::attr(content)',
    )
    AUTHOR = ('meta[name="author"]::attr(content)', 'a[rel="author"]', ".author .fn")
    PUBLISHED = (
        'meta[property="article:published_time"]::attr(content)',
        "time.entry-date::attr(datetime)",
        ".wp-block-post-date time::attr(datetime)",  # block themes
        "article time[datetime]::attr(datetime)",
    )
    MODIFIED = ('meta[property="article:modified_time"]::attr(content)',)
    BODY = (
        ".p-entry__body",
        ".p-article__body",
        ".entry-content",
        ".post_content",
        ".wp-block-post-content",
    )
    SHOWN_COUNT = (
        ".c-comment__tab-item.is-active",
        ".comments-title",
        "#comments-title",
        ".wp-block-comments-title",
    )

    def is_article(self, sel: Selector) -> bool:
        """SPEC's article signals: og:type, JSON-LD type, body class, or an article with a title."""
        if sel.css('meta[property="og:type"]::attr(content)').get("").strip() == "article":
            return True
        if self._jsonld_types(sel) & ARTICLE_TYPES:
            return True
        body_class = sel.css("body::attr(class)").get("")
        if re.search(r"\b(single|postid-\d+)\b", body_class):
            return True
        return bool(sel.xpath("//article[.//h1 or .//h2]"))

    def parse(self, sel: Selector) -> ArticleFields:
        body = next((found[0] for query in self.BODY if (found := sel.css(query))), None)
        return ArticleFields(
            canonical=first_text(sel, *self.CANONICAL),
            wp_post_id=self._post_id(sel),
            title=first_text(sel, *self.TITLE),
            category=first_text(sel, *self.CATEGORY),
            author=first_text(sel, *self.AUTHOR),
            published_raw=first_text(sel, *self.PUBLISHED),
            modified_raw=first_text(sel, *self.MODIFIED),
            body_text=html_to_text(body) if body is not None else None,
            body_html=inner_html(body) if body is not None else None,
            comment_count_shown=shown_count(first_text(sel, *self.SHOWN_COUNT)),
        )

    def _post_id(self, sel: Selector) -> int | None:
        for pattern, value in (
            (_SHORTLINK_ID, sel.css(self.SHORTLINK).get("")),
            (_POSTID_CLASS, sel.css("body::attr(class)").get("")),
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


def shown_count(text: str | None) -> int | None:
    """The comment count a heading shows; the article title inside it never counts."""
    if not text:
        return None
    for pattern in _SHOWN_COUNTS:
        match = pattern.search(text)
        if match:
            return int(match.group(1).replace(",", ""))
    if _ONE.search(text):
        return 1
    return first_int(text)
