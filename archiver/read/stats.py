"""Figures about an archive for `archiver stats`: sizes, activity, busiest threads, health."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, Row, Select, func, select

from archiver import runstats
from archiver.db.models import Article, Comment, CommentHistory, CrawlRun, Site
from archiver.read.queries import PRESENT_COMMENT


@dataclass
class BusyThread:
    article_id: int
    title: str | None
    url: str
    comments: int
    last_comment_on: date | None  # in the site's time zone


@dataclass
class RecentRun:
    """One run's figures: what it fetched, extracted and could not read."""

    run_id: int
    command: str
    started_at: datetime
    status: str
    pages: int
    errors: int
    comments_extracted: int
    dates_parsed: int
    dates_unparsed: int
    short_threads: int  # multi-page fetches that read fewer comments than the page shows

    @property
    def date_share(self) -> float | None:
        total = self.dates_parsed + self.dates_unparsed
        return None if total == 0 else self.dates_parsed / total


@dataclass
class ArchiveStats:
    site: str | None
    sites: int
    articles: int
    comments: int  # present comments of kind comment
    deleted_comments: int
    pings: int  # pingbacks and trackbacks
    history_rows: int
    first_comment_on: date | None
    last_comment_on: date | None
    dated_share: float | None  # comments whose date was understood
    authored_share: float | None  # comments with a non-empty author
    articles_short: int  # fewer comments stored than the page shows
    articles_unrecognized: int  # comments shown but no known markup found
    comments_per_day: list[tuple[date, int]] = field(default_factory=list)
    busiest: list[BusyThread] = field(default_factory=list)
    runs: list[RecentRun] = field(default_factory=list)  # the latest runs, of every site

    def as_dict(self) -> dict[str, Any]:
        """Plain data (dates and instants as such), with each run's date share."""
        data = asdict(self)
        data["comments_per_day"] = [{"day": d, "comments": n} for d, n in self.comments_per_day]
        for run, health in zip(data["runs"], self.runs, strict=True):
            run["date_share"] = health.date_share
        return data


def archive_stats(
    engine: Engine, *, site: str | None = None, days: int = 14, top: int = 10, runs: int = 10
) -> ArchiveStats:
    """Figures for the whole archive, or one site's part of it (`site` is a domain)."""
    domain = site.removeprefix("www.") if site else None

    def in_site(query: Select, article_id: Any = Comment.article_id) -> Select:
        if domain is None:
            return query
        articles = select(Article.id).join(Site, Site.id == Article.site_id)
        return query.where(article_id.in_(articles.where(Site.domain == domain)))

    comment = Comment.kind == "comment"
    with engine.connect() as connection:

        def one(query: Select) -> Any:
            return connection.execute(query).one()

        sites = connection.execute(
            select(func.count()).select_from(Site).where(Site.domain == domain)
            if domain
            else select(func.count()).select_from(Site)
        ).scalar_one()
        articles = one(
            in_site(
                select(
                    func.count(),
                    func.count().filter(Article.comment_count < Article.comment_count_shown),
                    func.count().filter(
                        Article.comment_markup.is_(None), Article.comment_count_shown > 0
                    ),
                ).select_from(Article),
                Article.id,
            )
        )
        comments = one(
            in_site(
                select(
                    func.count().filter(PRESENT_COMMENT),
                    func.count().filter(comment, Comment.deleted_at.is_not(None)),
                    func.count().filter(Comment.kind != "comment"),
                    func.count().filter(comment, Comment.posted_at.is_not(None)),
                    func.count().filter(comment, Comment.author != ""),
                    func.count().filter(comment),
                    func.min(Comment.posted_on).filter(comment),
                    func.max(Comment.posted_on).filter(comment),
                ).select_from(Comment)
            )
        )
        history: int = connection.execute(
            in_site(
                select(func.count())
                .select_from(CommentHistory)
                .join(Comment, Comment.id == CommentHistory.comment_id)
            )
        ).scalar_one()
        per_day: Sequence[Any] = connection.execute(
            in_site(
                select(Comment.posted_on, func.count())
                .where(PRESENT_COMMENT, Comment.posted_on.is_not(None))
                .group_by(Comment.posted_on)
                .order_by(Comment.posted_on.desc())
                .limit(days)
            )
        ).all()
        busiest = connection.execute(
            in_site(
                select(
                    Article.id.label("article_id"),
                    Article.title,
                    Article.url,
                    Article.comment_count.label("comments"),
                    select(func.max(Comment.posted_on))
                    .where(Comment.article_id == Article.id, PRESENT_COMMENT)
                    .scalar_subquery()
                    .label("last_comment_on"),
                )
                .where(Article.comment_count > 0)
                .order_by(Article.comment_count.desc(), Article.id)
                .limit(top),
                Article.id,
            )
        ).all()
        run_rows = connection.execute(
            select(*CrawlRun.__table__.columns).order_by(CrawlRun.id.desc()).limit(runs)
        )
        run_health = [_recent_run(run) for run in run_rows]
    total = comments[5]
    return ArchiveStats(
        site=domain,
        sites=sites,
        articles=articles[0],
        comments=comments[0],
        deleted_comments=comments[1],
        pings=comments[2],
        history_rows=history,
        first_comment_on=comments[6],
        last_comment_on=comments[7],
        dated_share=comments[3] / total if total else None,
        authored_share=comments[4] / total if total else None,
        articles_short=articles[1],
        articles_unrecognized=articles[2],
        comments_per_day=[(day, count) for day, count in reversed(per_day)],
        busiest=[BusyThread(**row._asdict()) for row in busiest],
        runs=run_health,
    )


def _recent_run(run: Row) -> RecentRun:
    stats = run.stats or {}
    return RecentRun(
        run_id=run.id,
        command=run.command,
        started_at=run.started_at,
        status=run.status,
        pages=run.pages,
        errors=run.errors,
        comments_extracted=stats.get(runstats.COMMENTS_EXTRACTED, 0),
        dates_parsed=stats.get(runstats.DATES_PARSED, 0),
        dates_unparsed=stats.get(runstats.DATES_UNPARSED, 0),
        short_threads=stats.get(runstats.THREADS_SHORT, 0),
    )
