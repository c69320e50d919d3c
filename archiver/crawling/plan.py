"""Which listed articles a crawl fetches, and how: the incremental decision, as a pure function.

- new: never fetched (or no state) → a plain GET;
- changed: the listing's lastmod is later than the one seen at the last fetch → a plain GET;
- due: the revisit policy's time has come → a conditional GET (304 when nothing changed);
- otherwise skipped. `full` fetches everything plainly; `since` drops what was last modified
  before a date; `limit` keeps the first N in the order new, changed, due (oldest due first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from archiver.items import KnownURL

Reason = Literal["new", "changed", "due", "full"]
_ORDER: dict[Reason, int] = {"new": 0, "changed": 1, "due": 2, "full": 0}


@dataclass(frozen=True)
class PlannedFetch:
    url: str
    lastmod: datetime | None
    reason: Reason
    headers: tuple[tuple[str, str], ...] = ()  # If-None-Match / If-Modified-Since for `due`
    # `due` with several comment pages: each other page and its conditional headers; the thread
    # is unchanged only when the article page and every one of these answer 304.
    pages: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()


@dataclass
class CrawlPlan:
    fetches: list[PlannedFetch]
    skipped_not_due: int = 0
    skipped_old: int = 0  # before `since`
    skipped_limit: int = 0  # beyond `limit`


def plan(
    listed: dict[str, datetime | None],
    known: dict[str, KnownURL],
    now: datetime,
    *,
    full: bool = False,
    since: datetime | None = None,
    limit: int | None = None,
) -> CrawlPlan:
    result = CrawlPlan(fetches=[])
    candidates: list[tuple[tuple, PlannedFetch]] = []
    for url, lastmod in listed.items():
        if since is not None and lastmod is not None and lastmod < since:
            result.skipped_old += 1
            continue
        state = known.get(url)
        fetch = _decide(url, lastmod, state, now, full)
        if fetch is None:
            result.skipped_not_due += 1
            continue
        due = state.next_due_at if state is not None and state.next_due_at else now
        candidates.append(((_ORDER[fetch.reason], due, url), fetch))
    candidates.sort(key=lambda pair: pair[0])
    chosen = candidates if limit is None else candidates[:limit]
    result.skipped_limit = len(candidates) - len(chosen)
    result.fetches = [fetch for _, fetch in chosen]
    return result


def _decide(
    url: str, lastmod: datetime | None, state: KnownURL | None, now: datetime, full: bool
) -> PlannedFetch | None:
    if full:
        return PlannedFetch(url, lastmod, "full")
    if state is None or state.last_status is None:
        return PlannedFetch(url, lastmod, "new")
    if lastmod is not None and (state.listed_lastmod is None or lastmod > state.listed_lastmod):
        return PlannedFetch(url, lastmod, "changed")
    if state.next_due_at is None or state.next_due_at <= now:
        pages = tuple(
            (page, conditional_headers(found.get("etag"), found.get("last_modified")))
            for page, found in sorted((state.page_validators or {}).items())
        )
        headers = conditional_headers(state.etag, state.last_modified)
        return PlannedFetch(url, lastmod, "due", headers, pages)
    return None


def conditional_headers(etag: str | None, last_modified: str | None) -> tuple[tuple[str, str], ...]:
    headers = []
    if etag:
        headers.append(("If-None-Match", etag))
    if last_modified:
        headers.append(("If-Modified-Since", last_modified))
    return tuple(headers)
