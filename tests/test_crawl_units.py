"""The pure parts of a site crawl: discovery parsers, the crawl plan, the revisit policy, the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scrapy.http import HtmlResponse

from archiver import clock
from archiver.crawling.middlewares import retry_after
from archiver.crawling.plan import plan
from archiver.crawling.revisit import RevisitPolicy
from archiver.items import KnownURL
from archiver.parse.discovery import (
    merge,
    parse_w3c_datetime,
    read_feed,
    read_listing,
    read_sitemap,
)

SITE = "https://example.jp/"
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def test_sitemap_index_and_urlset_in_site_only_canonical() -> None:
    index = read_sitemap(
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://example.jp/wp-sitemap-posts-post-1.xml</loc></sitemap>"
        b"<sitemap><loc>https://other.example/sitemap.xml</loc></sitemap></sitemapindex>",
        SITE,
    )
    assert index.sitemaps == ["https://example.jp/wp-sitemap-posts-post-1.xml"]
    assert index.pages == []
    urlset = read_sitemap(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://www.example.jp/2026/11/01/a/?utm_source=x</loc>"
        b"<lastmod>2026-11-01T10:00:00+09:00</lastmod></url>"
        b"<url><loc>https://example.jp/2026/11/02/b/</loc><lastmod>2026-11-02</lastmod></url>"
        b"<url><loc>https://elsewhere.jp/x/</loc></url></urlset>",
        SITE,
    )
    assert [(p.url, p.lastmod) for p in urlset.pages] == [
        # www. is the same site; the host the sitemap names is the one fetched and kept
        ("https://www.example.jp/2026/11/01/a/", datetime(2026, 11, 1, 1, tzinfo=UTC)),
        ("https://example.jp/2026/11/02/b/", datetime(2026, 11, 2, tzinfo=UTC)),
    ]


def test_rss_and_atom_feeds() -> None:
    rss = read_feed(
        b'<rss version="2.0"><channel><item><link>https://example.jp/a/</link>'
        b"<pubDate>Wed, 25 Nov 2026 03:00:00 +0000</pubDate></item>"
        b"<item><link>https://spam.example/</link></item></channel></rss>",
        SITE,
    )
    assert [(f.url, f.lastmod) for f in rss] == [
        ("https://example.jp/a/", datetime(2026, 11, 25, 3, tzinfo=UTC))
    ]
    atom = read_feed(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        b'<link rel="alternate" href="https://example.jp/b/"/>'
        b"<updated>2026-11-25T12:00:00Z</updated></entry></feed>",
        SITE,
    )
    assert [(f.url, f.lastmod) for f in atom] == [("https://example.jp/b/", NOW)]


def test_archive_page_candidates_and_next_page() -> None:
    html = (
        '<a href="/2026/11/01/post/">記事</a><a href="/category/news/">カテゴリ</a>'
        '<a href="/tag/x/">tag</a><a href="/">home</a><a href="https://other.jp/p/">外部</a>'
        '<a href="/2026/11/01/post/#comments">again</a><a href="/?s=q">search</a>'
        '<a class="next page-numbers" href="/page/2/">次へ</a>'
    )
    candidates, next_page = read_listing(html, SITE, SITE)
    assert candidates == ["https://example.jp/2026/11/01/post/"]
    assert next_page == "https://example.jp/page/2/"


@given(st.binary(max_size=2000))
def test_discovery_parsers_never_raise_on_junk(body: bytes) -> None:
    read_sitemap(body, SITE)
    read_feed(body, SITE)
    read_listing(body.decode("utf-8", "replace"), SITE, SITE)
    parse_w3c_datetime(body.decode("latin-1"))


def test_merge_keeps_the_latest_lastmod() -> None:
    from archiver.parse.discovery import Listed

    a, b = "http://example.jp/a/", "https://www.example.jp/a/"
    merged = merge([Listed(a, None), Listed(b, NOW), Listed(a, NOW - timedelta(days=1))])
    assert merged == {b: NOW}  # one article, under its https form, with the latest lastmod
    assert merge([Listed(a), Listed("http://example.jp/b/")]) == {
        a: None,
        "http://example.jp/b/": None,
    }


def known(url: str, **fields: object) -> KnownURL:
    values = {"listed_lastmod": None, "etag": None, "last_modified": None,
              "last_status": 200, "next_due_at": NOW + timedelta(days=1)} | fields  # fmt: skip
    return KnownURL(url=url, **values)  # type: ignore[arg-type]


def test_plan_new_changed_due_and_skipped() -> None:
    listed = {
        "new": None,
        "changed": NOW,
        "due": None,
        "quiet": None,
        "old": NOW - timedelta(days=400),
    }
    state = {
        "changed": known("changed", listed_lastmod=NOW - timedelta(days=1)),
        "due": known(
            "due",
            next_due_at=NOW - timedelta(hours=1),
            etag='"abc"',
            last_modified="Tue, 24 Nov 2026 00:00:00 GMT",
        ),
        "quiet": known("quiet"),
    }
    result = plan(listed, state, NOW, since=NOW - timedelta(days=30))
    assert [(f.url, f.reason) for f in result.fetches] == [
        ("new", "new"), ("changed", "changed"), ("due", "due"),
    ]  # fmt: skip
    due = result.fetches[2]
    assert dict(due.headers) == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Tue, 24 Nov 2026 00:00:00 GMT",
    }
    assert (result.skipped_not_due, result.skipped_old) == (1, 1)
    limited = plan(listed, state, NOW, limit=2)
    assert [f.url for f in limited.fetches] == ["new", "old"] and limited.skipped_limit == 2
    assert {f.reason for f in plan(listed, state, NOW, full=True).fetches} == {"full"}


def test_revisit_policy_grows_with_age_and_shrinks_with_activity() -> None:
    policy = RevisitPolicy()
    assert policy.interval(timedelta(days=4), 0) == timedelta(days=1)
    assert policy.interval(timedelta(days=4), 3) == timedelta(hours=6)
    assert policy.interval(timedelta(0), 0) == timedelta(hours=1)  # the floor
    assert policy.interval(timedelta(days=3650), 0) == timedelta(days=30)  # the ceiling
    assert policy.next_due(NOW, None, 0) == NOW + timedelta(hours=1)


def test_clock_follows_archiver_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVER_NOW", "2027-01-02T03:04:05")
    assert clock.now() == datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)
    monkeypatch.setenv("ARCHIVER_NOW", "2027-01-02T12:00:00+09:00")
    assert clock.now() == datetime(2027, 1, 2, 3, tzinfo=UTC)
    monkeypatch.setenv("ARCHIVER_NOW", "yesterday")
    with pytest.raises(ValueError, match="ARCHIVER_NOW"):
        clock.now()
    monkeypatch.delenv("ARCHIVER_NOW")
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=1)


def test_retry_after_seconds_and_dates() -> None:
    def response(value: str | None) -> HtmlResponse:
        headers = {"Retry-After": value} if value is not None else {}
        return HtmlResponse("https://example.jp/", status=429, headers=headers)

    assert retry_after(response("7")) == 7.0
    assert retry_after(response(None)) is None
    assert retry_after(response("soon")) is None
    assert retry_after(response("Wed, 21 Oct 2015 07:28:00 GMT")) == 0.0  # in the past
