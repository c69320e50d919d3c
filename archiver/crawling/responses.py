"""Scrapy responses handed to the pure parsers: the page's text (decoded as browsers decode it)
with its site's profile."""

from __future__ import annotations

import logging

from scrapy.http import HtmlResponse, Response, TextResponse

from archiver.parse.encoding import browser_text, declares_charset
from archiver.parse.extraction import PageExtract, extract_page
from archiver.parse.extraction.document import RUN_KEPT
from archiver.parse.profiles import load_profile
from archiver.parse.urls import site_domain

logger = logging.getLogger(__name__)


def page_text(response: TextResponse) -> str:
    """The page's text as a browser decodes it (its declared charset, else what it reads as)."""
    declared = declares_charset(response.body, response.headers.get("Content-Type") or b"")
    return browser_text(response.body, response.encoding, declared) or response.text


class NotHTML(ValueError):
    """A response that is no HTML page (a feed, an image, JSON): nothing to extract."""


def extract_response(response: Response) -> PageExtract:
    """What a fetched page holds, with the site's profile; NotHTML for other content."""
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    if not isinstance(response, TextResponse) or (
        not isinstance(response, HtmlResponse) and "html" not in content_type
    ):
        raise NotHTML(f"{response.url} is not an HTML page ({content_type})")
    page = extract_page(page_text(response), response.url, load_profile(site_domain(response.url)))
    if page.tags_dropped:
        logger.warning("%s nests markup past libxml2's 2,048 levels: %d tags of runs over %d "
                       "dropped, the text and every comment kept", response.url,
                       page.tags_dropped, RUN_KEPT)  # fmt: skip
    if page.nul_chars:
        logger.warning("%s holds %d NUL characters: dropped, as browsers drop them",
                       response.url, page.nul_chars)  # fmt: skip
    return page
