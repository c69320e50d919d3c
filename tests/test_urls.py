"""One function decides an article's canonical URL."""

from __future__ import annotations

import pytest

from archiver.parse.urls import canonical_url, site_domain


@pytest.mark.parametrize(
    ("url", "declared", "canonical"),
    [
        ("HTTPS://Grandfleet.INFO:443/a/b", None, "https://grandfleet.info/a/b/"),
        ("https://grandfleet.info/a/b/#comments", None, "https://grandfleet.info/a/b/"),
        ("https://grandfleet.info/a/b/comment-page-3/", None, "https://grandfleet.info/a/b/"),
        (
            "https://grandfleet.info/a/?utm_source=x&cpage=2&fbclid=1&q=1",
            None,
            "https://grandfleet.info/a/?q=1",
        ),
        ("http://127.0.0.1:8080/a/", None, "http://127.0.0.1:8080/a/"),
        (
            "https://grandfleet.info/a/?p=1",
            "https://grandfleet.info/slug/",
            "https://grandfleet.info/slug/",
        ),
        ("http://127.0.0.1:8080/a/", "https://grandfleet.info/slug/", "http://127.0.0.1:8080/a/"),
        ("https://example.jp/feed.xml", None, "https://example.jp/feed.xml"),
    ],
)
def test_canonical_url(url: str, declared: str | None, canonical: str) -> None:
    assert canonical_url(url, declared) == canonical


def test_site_domain() -> None:
    assert site_domain("https://www.Grandfleet.info/x") == "grandfleet.info"
    assert site_domain("http://127.0.0.1:8080/x") == "127.0.0.1:8080"
