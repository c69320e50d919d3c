"""The archive's sites: the zone each one's dates are read in, who chose it, what it holds,
and the other names (aliases) a site answers at."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, Engine, and_, false, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from archiver.db.models import Article, Comment, Site, SiteAlias
from archiver.items import SiteZone
from archiver.parse.since import is_instant, since_start
from archiver.parse.urls import site_domain


@dataclass(frozen=True)
class SiteSummary:
    domain: str
    timezone: str
    timezone_chosen: bool
    articles: int
    comments: int
    last_crawled_at: datetime | None
    aliases: tuple[str, ...] = ()  # other site keys it answers at (`archiver sites alias`)


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
            func.coalesce(articles.c.articles, 0).label("articles"),
            func.coalesce(comments.c.comments, 0).label("comments"),
            articles.c.last_crawled_at,
        )
        .outerjoin(articles, articles.c.site_id == Site.id)
        .outerjoin(comments, comments.c.site_id == Site.id)
        .order_by(Site.domain)
    )
    aliases: dict[str, list[str]] = {}
    for alias, key in site_aliases(engine).items():
        aliases.setdefault(key, []).append(alias)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        SiteSummary(**row._asdict(), aliases=tuple(sorted(aliases.get(row.domain, []))))
        for row in rows
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
    key = site_key(site)
    with Session(engine) as session, session.begin():
        row = session.scalar(select(Site).where(Site.domain == key))
        if row is None:
            raise LookupError(f"the archive holds no site {key!r} (see `archiver sites list`)")
        was = row.timezone
        row.timezone, row.timezone_chosen = zone, True
        return key, was


def site_key(site: str) -> str:
    """The site key of a domain (with its port, if any) or of any URL of the site."""
    return site_domain(site if "://" in site else f"http://{site}")


def site_aliases(engine: Engine) -> dict[str, str]:
    """Every alias's site key → the key of the site it names."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(SiteAlias.domain, Site.domain).join(Site, Site.id == SiteAlias.site_id)
        )
        return {alias: key for alias, key in rows}


def add_alias(engine: Engine, site: str, alias: str, now: datetime) -> tuple[str, str]:
    """Make `alias` (a domain or URL) another name of the archived site `site`; returns both
    keys. What is fetched at the alias from now on joins the site, its articles and their
    history; redirects between the two are followed.

    Raises LookupError for a site the archive does not hold, and ValueError for an alias that
    is the site itself, an alias of another site, or a site with articles of its own (two
    archives of one site are not merged)."""
    key, other = site_key(site), site_key(alias)
    if key == other:
        raise ValueError(f"{other} is {key} itself")
    with Session(engine) as session, session.begin():
        row = session.scalar(select(Site).where(Site.domain == key))
        if row is None:
            named = session.scalar(select(SiteAlias).where(SiteAlias.domain == key))
            row = session.get(Site, named.site_id) if named is not None else None
        if row is None:
            raise LookupError(f"the archive holds no site {key!r} (see `archiver sites list`)")
        taken = session.scalar(select(SiteAlias).where(SiteAlias.domain == other))
        if taken is not None:
            if taken.site_id == row.id:
                return row.domain, other
            raise ValueError(f"{other} is already an alias of another site")
        existing = session.scalar(select(Site).where(Site.domain == other))
        if existing is not None:
            held = session.scalar(
                select(func.count(Article.id)).where(Article.site_id == existing.id)
            )
            if held:
                raise ValueError(
                    f"{other} is archived as a site of its own (articles: {held}); an alias "
                    "must be given before anything is stored there"
                )
        session.add(SiteAlias(domain=other, site_id=row.id, added_at=now))
        return row.domain, other


def archive_zones(engine: Engine) -> list[str]:
    """The time zones the archive's sites read their dates in."""
    with engine.connect() as connection:
        return sorted(set(connection.scalars(select(Site.timezone))))


def since_condition(
    when: ColumnElement | InstrumentedAttribute,
    site_id: Any,
    since: date | datetime,
    zones: Iterable[str],
) -> ColumnElement[bool]:
    """`when >= since` under the one `--since` rule (parse.since): an instant compares as it is;
    a day or a wall time starts at its hour in each site's own zone (`site_id`: the row's site,
    `zones`: the archive's, archive_zones)."""
    if is_instant(since):
        return when >= since
    return or_(
        false(),
        *(
            and_(
                site_id.in_(select(Site.id).where(Site.timezone == zone)),
                when >= since_start(since, zone),
            )
            for zone in zones
        ),
    )
