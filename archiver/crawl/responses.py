"""Scrapy responses handed to the pure parsers: the page's text (decoded as browsers decode it)
with its site's profile."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Response, TextResponse

from archiver.parse.encoding import browser_text, declares_charset
from archiver.parse.extraction import PageExtract, extract_page
from archiver.parse.profiles import load_profile
from archiver.parse.urls import site_domain


class NotHTML(ValueError):
    """A response that is no HTML page (a feed, an image, JSON): nothing to extract."""


def extract_response(response: Response) -> PageExtract:
    """What a fetched page holds, with the site's profile; NotHTML for other content."""
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    if not isinstance(response, TextResponse) or (
        not isinstance(response, HtmlResponse) and "html" not in content_type
    ):
        raise NotHTML(f"{response.url} is not an HTML page ({content_type})")
    declared = declares_charset(response.body, response.headers.get("Content-Type") or b"")
    text = browser_text(response.body, response.encoding, declared) or response.text
    return extract_page(text, response.url, load_profile(site_domain(response.url)))
