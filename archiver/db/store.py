"""Keeping articles: one transaction per article and its whole thread (so readers never see half
a thread), with the site, the revisit state and the captures it came from; the archive's write
side for runs and captures too, through one engine and the crawl's fence.

Storing an unchanged page changes only `last_seen_at`/`last_crawled_at` and writes no history row.
The thread itself is db.comments', the runs db.runs', the captures index db.captures'.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.orm import Session

from archiver import clock
from archiver.db import runs
from archiver.db.captures import keep_captures, link_captures
from archiver.db.comments import StoreResult, ThreadWriter
from archiver.db.crawlstate import DuePolicy, record_visit
from archiver.db.lock import Fence
from archiver.db.models import Article, ArticleHistory, Comment, Site, SiteAlias
from archiver.items import (
    ArticleItem,
    CaptureRecord,
    NotModifiedItem,
    PageBefore,
    Visit,
)
from archiver.parse.urls import canonical_url, site_domain

logger = logging.getLogger(__name__)


def _another_post(stored: Article, item: ArticleItem) -> bool:
    """A stored article with the page's post id is another post when both publication times are
    known and differ (WordPress keeps a post's date when its slug changes); without both times,
    when its title differs too."""
    if stored.published_at is None or item.published_at is None:
        return stored.title != item.title
    return clock.as_utc(stored.published_at) != clock.as_utc(item.published_at)


class ArchiveStore:
    """Writes crawl runs, articles and threads through one engine."""

    def __init__(self, engine: Engine, source: str = "crawl", fence: Fence | None = None) -> None:
        self.engine = engine
        self.source = source
        # A crawl's PostgreSQL locks: every write of a thread checks them in its own
        # transaction, so once they are lost nothing more is written (LockLost).
        self.fence = fence

    def _fenced(self, connection: Connection) -> None:
        if self.fence is not None:
            self.fence.check(connection)

    def start_run(self, command: str, arguments: dict | list | None) -> int:
        return runs.start_run(self.engine, command, arguments)

    def keep_captures(self, records: Sequence[CaptureRecord], run_id: int | None) -> None:
        keep_captures(self.engine, records, run_id, self.fence)

    def mark_gone(
        self,
        url: str,
        observed_at: datetime,
        visit: Visit | None = None,
        policy: DuePolicy | None = None,
    ) -> bool:
        """Set `gone_at` on a known article that answered 404/410; False when it is not stored.

        A site crawl's visit records the status, and looks again only after the longest interval.
        """
        with Session(self.engine) as session, session.begin():
            self._fenced(session.connection())
            article = session.scalar(select(Article).where(Article.url == canonical_url(url)))
            if visit is not None and policy is not None:
                site = self._site(session, site_domain(url))
                record_visit(
                    session,
                    site.id,
                    visit,
                    fetched_at=observed_at,
                    next_due_at=observed_at + policy.max_interval,
                    article_id=article.id if article is not None else None,
                )
            if article is None:
                return False
            if article.gone_at is None:
                article.gone_at = observed_at
            return True

    def store_article(
        self, item: ArticleItem, run_id: int | None, policy: DuePolicy | None = None
    ) -> StoreResult:
        """Store the article and its thread; with a site crawl's visit, its revisit state too,
        in the same transaction (a crawl killed after this finds the article stored and not due)."""
        with Session(self.engine) as session, session.begin():
            self._fenced(session.connection())
            site = self._site(session, item.domain, item.timezone)
            article, result = self._article(session, site, item, run_id)
            if item.timezone_shown and not site.timezone_chosen and site.timezone != item.timezone:
                # Rows stored before keep their reading until `archiver reparse`.
                result.zone_change = (site.timezone, item.timezone)
                site.timezone = item.timezone
            ThreadWriter(session, article, item, run_id, self.source, result).write()
            link_captures(session, item.captures, article.id)
            if item.visit is not None and policy is not None:
                record_visit(
                    session,
                    site.id,
                    item.visit,
                    fetched_at=item.fetched_at,
                    next_due_at=policy.next_due(
                        item.fetched_at, item.published_at, result.comments_new
                    ),
                    article_id=article.id,
                    comments_seen=article.comment_count,
                    new_comments=result.comments_new,
                )
            return result

    def not_modified(self, item: NotModifiedItem, policy: DuePolicy | None = None) -> None:
        """A conditional GET said the page is unchanged: the stored thread was seen again.

        With a site crawl's visit and policy, the URL's revisit state moves too.
        """
        with Session(self.engine) as session, session.begin():
            self._fenced(session.connection())
            article = session.scalar(select(Article).where(Article.url == canonical_url(item.url)))
            published = article.published_at if article is not None else None
            if article is not None:
                article.last_crawled_at = item.fetched_at
                session.execute(
                    update(Comment)
                    .where(Comment.article_id == article.id, Comment.deleted_at.is_(None))
                    .values(last_seen_at=item.fetched_at)
                )
            if item.visit is None or policy is None:
                return
            record_visit(
                session,
                self._site(session, site_domain(item.url)).id,
                item.visit,
                fetched_at=item.fetched_at,
                next_due_at=policy.next_due(item.fetched_at, published, 0),
                new_comments=0,  # unchanged since the last fetch: a quiet thread
            )

    def _site(self, session: Session, domain: str, timezone: str = "Asia/Tokyo") -> Site:
        """The site whose alias or key `domain` is, made when it is neither (an alias first:
        given before, it wins over a row made when something was fetched there)."""
        site = session.scalar(
            select(Site)
            .join(SiteAlias, SiteAlias.site_id == Site.id)
            .where(SiteAlias.domain == domain)
        )
        if site is None:
            site = session.scalar(select(Site).where(Site.domain == domain))
        if site is None:
            site = Site(domain=domain, timezone=timezone)
            session.add(site)
            session.flush()
        return site

    def _article(
        self, session: Session, site: Site, item: ArticleItem, run_id: int | None
    ) -> tuple[Article, StoreResult]:
        article = session.scalar(select(Article).where(Article.url == item.url))
        if article is None and site.domain != item.domain:  # fetched at one of its aliases
            article = session.scalar(
                select(Article).where(
                    Article.site_id == site.id, Article.url.in_(_elsewhere(session, site, item.url))
                )
            )
        post_id = item.wp_post_id
        if article is None and post_id is not None:
            article = session.scalar(
                select(Article).where(Article.site_id == site.id, Article.wp_post_id == post_id)
            )
            if article is not None and _another_post(article, item):
                # One post id, two posts: not a changed slug but pages of two sites
                # served from one (a mirror, saved pages). Both are kept; the new one without id.
                logger.warning(
                    "%s has post id %s like %s, published apart: stored apart",
                    item.url, post_id, article.url,
                )  # fmt: skip
                article, post_id = None, None
        observed = item.fetched_at
        if article is None:
            article = Article(
                site_id=site.id, first_seen_at=observed, first_run_id=run_id, comment_count=0
            )
            session.add(article)
            result = StoreResult(article_id=0, article_new=True)
        else:
            before = PageBefore(
                article.comment_markup, article.comment_count, article.comment_count_shown
            )
            result = StoreResult(article_id=article.id, before=before)
            if article.redaction_id is not None:  # hidden: its text stays out of the tables
                item = replace(item, title=None, body_text=None, body_html=None)
            if (article.title, article.body_text, article.modified_at, article.url) != (
                item.title,
                item.body_text,
                item.modified_at,
                item.url,
            ):
                session.add(
                    ArticleHistory(
                        **article_change(article.id, article, item, run_id, observed, self.source)
                    )
                )
                result.article_changed = True
        for name in (
            "url", "wp_post_id", "title", "category", "author", "published_at", "published_on",
            "published_raw", "modified_at", "body_text", "body_html", "comment_count_shown",
            "comment_markup", "tags", "sources", "related_urls", "previous_url", "next_url",
        ):  # fmt: skip
            value = post_id if name == "wp_post_id" else getattr(item, name)
            if getattr(article, name) != value:
                setattr(article, name, value)
        article.last_crawled_at = observed
        article.gone_at = None
        session.flush()
        result.article_id = article.id
        return article, result


def _elsewhere(session: Session, site: Site, url: str) -> list[str]:
    """`url` at every other name of its site (its key and aliases, http and https): where the
    site kept the article before it moved."""
    names = [
        site.domain,
        *session.scalars(select(SiteAlias.domain).where(SiteAlias.site_id == site.id)),
    ]
    parts = urlsplit(url)
    return [
        urlunsplit((scheme, host, parts.path, parts.query, ""))
        for name in names
        for host in (name, f"www.{name}")
        for scheme in ("http", "https")
    ]


def article_change(
    article_id: int, before: Any, after: Any, run_id: int | None, observed: datetime, source: str
) -> dict[str, Any]:
    """An article_history row: `before`/`after` have title, body_text, modified_at and url."""
    return {
        "article_id": article_id,
        "crawl_run_id": run_id,
        "observed_at": observed,
        "source": source,
        "title_before": before.title,
        "title": after.title,
        "body_text_before": before.body_text,
        "body_text": after.body_text,
        "modified_at_before": before.modified_at,
        "modified_at": after.modified_at,
        "url_before": before.url,
        "url": after.url,
    }
