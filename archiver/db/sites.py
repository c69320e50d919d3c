"""The archive's sites: the zone each one's dates are read in, who chose it, what it holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from archiver.db.models import Article, Comment, Site
from archiver.items import SiteZone
from archiver.parse.urls import site_domain


@dataclass(frozen=True)
class SiteSummary:
    domain: str
    timezone: str
    timezone_chosen: bool
    articles: int
    comments: int
    last_crawled_at: datetime | None


def site_zones(engine: Engine) -> dict[str, SiteZone]:
    """Every site's zone, by site key: what a crawl or a re-parse reads pages without offsets in."""
    with engine.connect() as connection:
        rows = connection.execute(select(Site.domain, Site.timezone, Site.timezone_chosen))
        return {row.domain: SiteZone(row.timezone, bool(row.timezone_chosen)) for row in rows}


def site_summaries(engine: Engine) -> list[SiteSummary]:
    """The archive's sites by domain, each with its zone and what the archive holds of it."""
    comments = (
        select(Article.site_id, func.count(Comment.id).label("comments"))
        .join(Comment, Comment.article_id == Article.id)
        .group_by(Article.site_id)
        .subquery()
    )
    articles = (
        select(
            Article.site_id,
            func.count(Article.id).label("articles"),
            func.max(Article.last_crawled_at).label("last_crawled_at"),
        )
        .group_by(Article.site_id)
        .subquery()
    )
    query = (
        select(
            Site.domain,
            Site.timezone,
            Site.timezone_chosen,
            func.coalesce(articles.c.articles, 0),
            func.coalesce(comments.c.comments, 0),
            articles.c.last_crawled_at,
        )
        .outerjoin(articles, articles.c.site_id == Site.id)
        .outerjoin(comments, comments.c.site_id == Site.id)
        .order_by(Site.domain)
    )
    with engine.connect() as connection:
        return [
            SiteSummary(row[0], row[1], bool(row[2]), row[3], row[4], row[5])
            for row in connection.execute(query)
        ]


def choose_timezone(engine: Engine, site: str, zone: str) -> tuple[str, str]:
    """Make `zone` the site's zone, chosen by the user; returns (site key, the zone it had).

    `site` is a domain or any URL of the site. Raises ValueError for a zone IANA does not name
    and LookupError for a site the archive does not hold. Rows stored before keep their reading
    until `archiver reparse`.
    """
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"{zone!r} is no IANA time zone (e.g. Asia/Tokyo, Europe/Berlin)"
        ) from error
    key = site_domain(site if "://" in site else f"http://{site}")
    with Session(engine) as session, session.begin():
        row = session.scalar(select(Site).where(Site.domain == key))
        if row is None:
            raise LookupError(f"the archive holds no site {key!r} (see `archiver sites list`)")
        was = row.timezone
        row.timezone, row.timezone_chosen = zone, True
        return key, was
