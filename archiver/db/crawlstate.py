"""The revisit state of a site's article URLs (table crawl_state): read when a crawl plans, written
after every fetch in the same transaction as what the fetch stored."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from archiver.db.models import CrawlState, Site
from archiver.items import KnownURL, Visit


class DuePolicy(Protocol):
    """When a fetched URL is due again: what the store asks of the crawl's revisit policy
    (archiver.crawling.revisit.RevisitPolicy), without the database depending on the crawl."""

    @property
    def max_interval(self) -> timedelta: ...

    def next_due(
        self, now: datetime, published_at: datetime | None, new_comments: int
    ) -> datetime: ...


def known_urls(engine: Engine, domain: str) -> dict[str, KnownURL]:
    """Every URL of the site the archive has crawl state for, by URL."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                CrawlState.url,
                CrawlState.listed_lastmod,
                CrawlState.etag,
                CrawlState.last_modified,
                CrawlState.last_status,
                CrawlState.next_due_at,
                CrawlState.page_validators,
            )
            .join(Site, Site.id == CrawlState.site_id)
            .where(Site.domain == domain)
        )
        return {row.url: KnownURL(**row._asdict()) for row in rows}


def forget_site(engine: Engine, domain: str) -> int:
    """Drop a site's crawl state (`archiver crawl --full`); returns how many URLs it had."""
    with Session(engine) as session, session.begin():
        site_id = session.scalar(select(Site.id).where(Site.domain == domain))
        if site_id is None:
            return 0
        result = session.execute(delete(CrawlState).where(CrawlState.site_id == site_id))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def record_visit(
    session: Session,
    site_id: int,
    visit: Visit,
    *,
    fetched_at: datetime,
    next_due_at: datetime | None,
    article_id: int | None = None,
    comments_seen: int | None = None,
    new_comments: int | None = None,
) -> None:
    """Upsert the URL's state after a fetch (inside the caller's transaction)."""
    state = session.scalar(select(CrawlState).where(CrawlState.url == visit.listed_url))
    if state is None:
        state = CrawlState(
            site_id=site_id,
            url=visit.listed_url,
            discovered_at=fetched_at,
            comments_seen=0,
            new_comments=0,
        )
        session.add(state)
    state.last_fetched_at = fetched_at
    state.last_status = visit.status
    state.next_due_at = next_due_at
    # Seen with this lastmod: only a later one makes the URL changed (a 304 too, or a lastmod
    # that moves without the page changing would fetch it on every run).
    state.listed_lastmod = visit.listed_lastmod
    if visit.status == 200:  # a full fetch: its validators are the new reference
        state.page_validators = dict(visit.pages) or None
        state.etag = visit.etag
        state.last_modified = visit.last_modified
    if article_id is not None:
        state.article_id = article_id
    if comments_seen is not None:
        state.comments_seen = comments_seen
    if new_comments is not None:
        state.new_comments = new_comments
