"""Finding a site's articles: sitemaps, feeds and archive pages read as lists of URLs (pure).

WordPress core serves `wp-sitemap.xml`; SEO plugins (Yoast, Rank Math, AIOSEO) serve
`sitemap_index.xml`; both are sitemap indexes of `urlset` files with `lastmod`. Feeds give the
newest articles with their dates. Archive pages (home, categories) are the fallback: their
links are only candidates, confirmed as articles when fetched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from io import BytesIO
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

from archiver.clock import as_utc
from archiver.parse.urls import canonical_url, site_domain

# Where WordPress sites keep their sitemap indexes and feed, tried in this order.
SITEMAP_PATHS = ("/wp-sitemap.xml", "/sitemap_index.xml")
ROBOTS_PATH = "/robots.txt"  # its Sitemap: lines name any other sitemap
FEED_PATHS = ("/feed/",)
# Paths of archive and system pages: never article candidates from a listing.
_NOT_ARTICLES = (
    "/category/", "/tag/", "/author/", "/page/", "/feed", "/wp-", "/comment-page-",
    "/search/", "/xmlrpc.php",
)  # fmt: skip


@dataclass(frozen=True)
class Listed:
    """An article URL as a sitemap or feed lists it, with its modification time when given."""

    url: str
    lastmod: datetime | None = None


@dataclass
class SitemapContent:
    pages: list[Listed]
    sitemaps: list[str]  # child sitemaps of an index


def read_sitemap(body: bytes, site_url: str) -> SitemapContent:
    """A `urlset` or `sitemapindex`; only URLs of the same site, canonicalized."""
    content = SitemapContent(pages=[], sitemaps=[])
    try:
        kind, entries = _sitemap_entries(body)
    except Exception:  # lxml: not XML at all
        return content
    for entry in entries:
        loc = (entry.get("loc") or "").strip()
        if not loc or not in_site(loc, site_url):
            continue
        if kind == "sitemapindex":
            content.sitemaps.append(loc)
        elif kind == "urlset":
            content.pages.append(
                Listed(canonical_url(loc), parse_w3c_datetime(entry.get("lastmod")))
            )
    return content


def read_feed(body: bytes, site_url: str) -> list[Listed]:
    """RSS 2.0 items or Atom entries: their links, with the entry's update (or publication) time."""
    try:
        selector = Selector(body=body, type="xml")
    except Exception:  # malformed XML
        return []
    selector.remove_namespaces()
    found: list[Listed] = []
    for item in selector.xpath("//item"):
        link = (item.xpath("string(link)").get() or "").strip()
        found.append(Listed(link, _rfc822(item.xpath("string(pubDate)").get())))
    for entry in selector.xpath("//entry"):
        link = entry.xpath("link[@rel='alternate']/@href | link[not(@rel)]/@href").get() or ""
        when = entry.xpath("string(updated)").get() or entry.xpath("string(published)").get()
        found.append(Listed(link.strip(), parse_w3c_datetime(when)))
    return [
        Listed(canonical_url(f.url), f.lastmod) for f in found if f.url and in_site(f.url, site_url)
    ]


def read_listing(html: str, page_url: str, site_url: str) -> tuple[list[str], str | None]:
    """Article candidates linked from an archive page, and the next archive page."""
    selector = Selector(text=html, type="html")  # never guessed: JSON-looking text stays HTML
    candidates = []
    for href in selector.css("a::attr(href)").getall():
        url = urljoin(page_url, href.strip())
        if in_site(url, site_url) and looks_like_article(url, site_url):
            candidates.append(canonical_url(url))
    next_href = selector.css(
        "link[rel=next]::attr(href), a[rel=next]::attr(href), a.next::attr(href)"
    ).get()
    next_page = urljoin(page_url, next_href) if next_href else None
    if next_page is not None and not in_site(next_page, site_url):
        next_page = None
    return list(dict.fromkeys(candidates)), next_page


def looks_like_article(url: str, site_url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path or "/"
    if path.rstrip("/") == urlsplit(site_url).path.rstrip("/") or parts.query:
        return False
    return not any(marker in path for marker in _NOT_ARTICLES)


def in_site(url: str, site_url: str) -> bool:
    try:
        return urlsplit(url).scheme in ("http", "https") and site_domain(url) == site_domain(
            site_url
        )
    except ValueError:  # a malformed port
        return False


# Scrapy's own sitemap reader (scrapy.utils.sitemap) parses with these options; read here with
# lxml itself, because importing anything of Scrapy loads Twisted into the pure parsers. Entities
# are never resolved (no XXE), and the tree is pruned as it streams (sitemaps run to 50,000 URLs).
_SITEMAP_PARSING = {
    "recover": True, "remove_comments": True, "resolve_entities": False,
    "remove_blank_text": True, "collect_ids": False, "remove_pis": True,
}  # fmt: skip


def _sitemap_entries(body: bytes) -> tuple[str, Iterator[dict[str, str]]]:
    """The root's name (`urlset`, `sitemapindex`) and each `url`/`sitemap` entry's fields."""
    events = etree.iterparse(BytesIO(body), events=("start", "end"), **_SITEMAP_PARSING)
    _, root = next(events)

    def entries() -> Iterator[dict[str, str]]:
        for event, element in events:
            if event != "end" or _local_name(element) not in ("url", "sitemap"):
                continue
            fields = {_local_name(child): (child.text or "").strip() for child in element}
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
            if "loc" in fields:
                yield fields

    return _local_name(root), entries()


def _local_name(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def parse_w3c_datetime(text: str | None) -> datetime | None:
    """Sitemap/Atom times (W3C datetime: a date, or a date and time with offset or Z) in UTC."""
    if not text or not text.strip():
        return None
    try:
        return as_utc(datetime.fromisoformat(text.strip()))
    except ValueError:
        return None


def _rfc822(text: str | None) -> datetime | None:
    if not text or not text.strip():
        return None
    try:
        return as_utc(parsedate_to_datetime(text.strip()))
    except (TypeError, ValueError):
        return None


def merge(listings: Iterable[Listed]) -> dict[str, datetime | None]:
    """One entry per article of one site, with the latest modification time any listing gave.

    `http://` and `https://`, `www.` and bare host name one article (the listings of one site
    may mix them): it is kept under the first form listed, upgraded to https when one listing
    gives https.
    """
    urls: dict[tuple[str, str], str] = {}
    lastmods: dict[tuple[str, str], datetime | None] = {}
    for listed in listings:
        parts = urlsplit(listed.url)
        key = (parts.path, parts.query)
        known = urls.get(key)
        if known is None or (known.startswith("http://") and parts.scheme == "https"):
            urls[key] = listed.url
        before = lastmods.get(key)
        if listed.lastmod is not None and (before is None or listed.lastmod > before):
            lastmods[key] = listed.lastmod
        else:
            lastmods.setdefault(key, before)
    return {url: lastmods[key] for key, url in urls.items()}
