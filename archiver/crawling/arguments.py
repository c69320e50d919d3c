"""A spider's arguments as one typed model, checked once: what the API hands a spider, what
`scrapy crawl -a` and Scrapyd hand it as strings, and what its `crawl_runs` row records.

A bad argument is a ValueError with one clear line, raised before anything is fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from archiver.parse.since import read_since
from archiver.parse.urls import checked_url, without_password


def checked_article_url(url: str | None) -> str:
    if not url:
        raise ValueError("the article spider needs a URL: -a url=https://example.jp/2021/12/post/")
    return checked_url(url, "URL")


def checked_site_url(url: str | None) -> str:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not a site URL: give one like https://example.jp/")
    checked_url(url or "", "site URL")
    return f"{parts.scheme}://{parts.netloc}/"


def _listed(one: str | None, many: list[str] | tuple[str, ...] | str | None) -> list[str]:
    """`-a url=U` for one, `urls` (a list, or one a line) for several."""
    listed = many.split() if isinstance(many, str) else list(many or [])
    return ([one] if one else []) + listed


@dataclass(frozen=True)
class ScrapeArguments:
    """`archiver scrape URL...`, `scrapy crawl article -a url=…`."""

    urls: tuple[str, ...]

    @classmethod
    def of(cls, url: str | None = None, urls: list[str] | tuple[str, ...] | str | None = None
           ) -> ScrapeArguments:  # fmt: skip
        checked = tuple(checked_article_url(u) for u in _listed(url, urls))
        if not checked:
            checked_article_url(None)
        return cls(checked)

    def recorded(self) -> dict[str, Any]:
        """What the run's row keeps (no password of a URL)."""
        kept = [without_password(u) for u in self.urls]
        return {"url": kept[0]} if len(kept) == 1 else {"urls": kept}


@dataclass(frozen=True)
class CrawlArguments:
    """`archiver crawl SITE_URL...`, `scrapy crawl site -a site_url=… -a since=…`."""

    sites: tuple[str, ...]
    full: bool = False
    since: date | datetime | None = None  # the one --since rule (parse.since)
    max_articles: int | None = None

    @classmethod
    def of(
        cls,
        site_url: str | None = None,
        site_urls: list[str] | tuple[str, ...] | str | None = None,
        full: bool | str = False,
        since: str | date | datetime | None = None,
        max_articles: int | str | None = None,
    ) -> CrawlArguments:
        sites = tuple(dict.fromkeys(checked_site_url(u) for u in _listed(site_url, site_urls)))
        if not sites:
            checked_site_url(None)
        return cls(
            sites,
            full=full if isinstance(full, bool) else full.lower() in ("1", "true", "yes"),
            since=read_since(since) if isinstance(since, str) and since else since or None,
            max_articles=int(max_articles)
            if max_articles is not None and max_articles != ""
            else None,
        )

    def recorded(self) -> dict[str, Any]:
        kept: dict[str, Any] = {"sites": [without_password(s) for s in self.sites],
                                "full": self.full}  # fmt: skip
        if self.since is not None:
            kept["since"] = self.since.isoformat()
        if self.max_articles is not None:
            kept["max_articles"] = self.max_articles
        return kept
