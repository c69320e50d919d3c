"""Keeping threads: idempotent upserts by natural key, with history, deletions and positions.

One transaction per article and its whole thread, so readers never see half a thread. Storing an
unchanged page changes only `last_seen_at`/`last_crawled_at` and writes no history row.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Connection, Engine, Row, ScalarResult, bindparam, insert, select, update
from sqlalchemy.orm import Session

from archiver import clock
from archiver.db import redaction
from archiver.db.crawlstate import DuePolicy, record_visit
from archiver.db.lock import Fence
from archiver.db.models import Article, ArticleHistory, Base, Comment, CrawlRun, Site, SiteAlias
from archiver.items import (
    KIND_COMMENT,
    SOURCE_REST,
    ArticleItem,
    CaptureKey,
    CaptureRecord,
    CommentItem,
    NotModifiedItem,
    PageBefore,
    Visit,
)
from archiver.parse.urls import canonical_url, site_domain

logger = logging.getLogger(__name__)

RUN_COUNTERS = (
    "pages",
    "articles_new",
    "articles_changed",
    "comments_new",
    "comments_changed",
    "comments_deleted",
    "errors",
)


@dataclass
class StoreResult:
    article_id: int
    article_new: bool = False
    article_changed: bool = False
    comments_new: int = 0
    comments_changed: int = 0
    comments_deleted: int = 0
    before: PageBefore | None = None  # the archive's copy before this fetch (None: new)
    zone_change: tuple[str, str] | None = None  # (was, now): the page's offsets moved the site
    comments_rekeyed: int = 0  # id-less comments a newer extractor keys anew, kept as they were
    # Purged comments the page still shows: this fetch's raw capture holds their text again.
    purged_shown: int = 0


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
        with Session(self.engine) as session, session.begin():
            run = CrawlRun(command=command, arguments=arguments, started_at=clock.now())
            session.add(run)
            session.flush()
            return run.id

    def finish_run(
        self,
        run_id: int,
        *,
        status: str,
        finish_reason: str | None,
        counts: dict,
        stats: dict,
        health: dict | None = None,
    ) -> None:
        with Session(self.engine) as session, session.begin():
            run = session.get_one(CrawlRun, run_id)
            run.finished_at = clock.now()
            run.status = status
            run.finish_reason = finish_reason
            for name in RUN_COUNTERS:
                setattr(run, name, int(counts.get(name, 0)))
            run.stats = stats
            run.health = health or None

    def previous_health(self, domains: list[str], run_id: int) -> dict[str, dict]:
        """Each site's figures from the latest earlier run that measured it."""
        found: dict[str, dict] = {}
        with Session(self.engine) as session:
            runs: ScalarResult[dict | None] = session.scalars(
                select(CrawlRun.health)
                .where(CrawlRun.id < run_id, CrawlRun.health.is_not(None))
                .order_by(CrawlRun.id.desc())
            )
            for health in runs:
                for domain in domains:
                    if domain not in found and isinstance(health, dict) and domain in health:
                        found[domain] = health[domain]
                if len(found) == len(domains):
                    break
        return found

    def close_abandoned_runs(self, command: str, sites: list[str]) -> int:
        """Mark `running` runs of this command on these sites `interrupted` (killed runs).

        Only safe under the sites' crawl lock: no live run of them can exist then.
        """
        closed = 0
        with Session(self.engine) as session, session.begin():
            for run in session.scalars(
                select(CrawlRun).where(CrawlRun.status == "running", CrawlRun.command == command)
            ):
                arguments = run.arguments if isinstance(run.arguments, dict) else {}
                if set(arguments.get("sites") or []) <= set(sites):
                    run.status = "interrupted"
                    run.finish_reason = "abandoned"  # killed; its work was kept article by article
                    closed += 1
        return closed

    def keep_captures(self, records: Sequence[CaptureRecord], run_id: int | None) -> None:
        """Index WARC records in `captures` (a record already indexed is left as it is)."""
        if not records:
            return
        with self.engine.begin() as connection:
            self._fenced(connection)
            known = _indexed(connection, {(r.warc_file, r.warc_offset) for r in records})
            rows = [
                {"crawl_run_id": run_id, **asdict(r)}
                for r in records
                if (r.warc_file, r.warc_offset) not in known
            ]
            if rows:
                connection.execute(insert(CAPTURES), rows)

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


class ThreadWriter:
    """Upserts one article's comments by (article, external_id) inside the caller's transaction.

    Core statements, not ORM objects: one SELECT of the stored thread, then one multi-row INSERT
    per depth level (a parent's id is known before its replies go in), and one executemany per
    kind of change. The FTS index follows through the triggers of revision 0002.
    """

    def __init__(
        self,
        session: Session,
        article: Article,
        item: ArticleItem,
        run_id: int | None,
        source: str,
        result: StoreResult,
    ) -> None:
        self.connection = session.connection()
        self.article_id = article.id
        self.article = article
        self.item = item
        self.run_id = run_id
        self.source = source
        self.result = result
        self.observed = item.fetched_at
        self.history: list[dict] = []
        # A hidden article's new comments are hidden with it (archiver.db.redaction).
        self.hidden_by = article.redaction_id

    def write(self) -> None:
        stored = {
            row.external_id: row
            for row in self.connection.execute(
                select(*_STORED_COLUMNS).where(COMMENTS.c.article_id == self.article_id)
            )
        }
        seen: dict[str, CommentItem] = {}
        for comment in self.item.comments:
            seen.setdefault(comment.key, comment)  # a comment shown twice is stored once
        self.result.comments_rekeyed += rekey(self.connection, stored, seen)
        ids = {key: row.id for key, row in stored.items()}
        self._insert([c for c in seen.values() if c.key not in stored], ids)
        updates: dict[tuple[str, ...], list[dict]] = defaultdict(list)
        seen_only: list[int] = []
        for key, comment in seen.items():
            row = stored.get(key)
            if row is None:
                continue
            values = self._update(row, comment, ids)
            if values:
                updates[tuple(sorted(values))].append({"row_id": row.id, **values})
            else:
                seen_only.append(row.id)
        # A comment only the REST API listed is gone only when a REST answer no longer lists it:
        # a page that hides it (a "load more" thread) says nothing about it.
        unlisted = {
            key
            for key, row in stored.items()
            if row.source == SOURCE_REST and self.item.rest_comments is None
        }
        if self.item.comments_complete:
            for key, row in stored.items():
                if key not in seen and key not in unlisted and row.deleted_at is None:
                    self._history(row, ["deleted"])
                    updates[("deleted_at",)].append({"row_id": row.id, "deleted_at": self.observed})
                    self.result.comments_deleted += 1
        for columns, rows in updates.items():
            statement = (
                update(COMMENTS)
                .where(COMMENTS.c.id == bindparam("row_id"))
                .values({name: bindparam(name, type_=COMMENTS.c[name].type) for name in columns})
            )
            self.connection.execute(statement, rows)
        for chunk in _chunks(seen_only, 500):
            self.connection.execute(
                update(COMMENTS).where(COMMENTS.c.id.in_(chunk)).values(last_seen_at=self.observed)
            )
        if self.history:
            self.connection.execute(insert(HISTORY), self.history)
        present = {key for key, row in stored.items() if row.deleted_at is None}
        present |= {key for key, comment in seen.items() if comment.kind == KIND_COMMENT}
        if self.item.comments_complete:
            present &= seen.keys() | unlisted
        kinds = {key: row.kind for key, row in stored.items()}
        kinds.update({key: comment.kind for key, comment in seen.items()})
        self.article.comment_count = sum(1 for key in present if kinds[key] == KIND_COMMENT)

    def _insert(self, comments: list[CommentItem], ids: dict[str, int]) -> None:
        """New comments, shallowest first, so each reply's parent id is known when it goes in."""
        complete = self.item.comments_complete
        for depth in sorted({c.depth for c in comments}):
            rows = [
                {
                    "article_id": self.article_id,
                    "external_id": c.key,
                    "kind": c.kind,
                    "parent_id": ids.get(c.parent_key) if c.parent_key else None,
                    "depth": c.depth,
                    "position": c.position if complete else None,
                    "author": c.author,
                    "posted_at": c.posted_at,
                    "posted_on": c.posted_on,
                    "posted_precision": c.posted_precision,
                    "posted_raw": c.posted_raw,
                    "posted_attr": c.posted_attr,
                    "body_text": c.body_text,
                    "body_html": c.body_html,
                    "votes": c.votes,
                    "page_url": c.page_url,
                    "source": c.source,
                    "first_seen_at": self.observed,
                    "last_seen_at": self.observed,
                    "first_run_id": self.run_id,
                }
                for c in comments
                if c.depth == depth
            ]
            shown = rows
            if self.hidden_by is not None:
                hidden = redaction.HIDDEN["comments"]
                shown = [{**row, **hidden, "redaction_id": self.hidden_by} for row in rows]
            returned = self.connection.execute(
                insert(COMMENTS).returning(COMMENTS.c.id, COMMENTS.c.external_id), shown
            )
            ids.update({row.external_id: row.id for row in returned})
            self.result.comments_new += len(rows)
            if self.hidden_by is not None and not redaction.purged(self.connection, self.hidden_by):
                redaction.keep(self.connection, self.hidden_by, "comments",
                               [{**row, "id": ids[str(row["external_id"])]} for row in rows])  # fmt: skip

    def _update(self, row: Row, comment: CommentItem, ids: dict[str, int]) -> dict:
        """The columns of a stored comment this observation changes (history rows on the side)."""
        values: dict = {}
        changes = []
        if row.redaction_id is not None:  # hidden: its text stays out of the tables
            if comment.body_text and redaction.purged(self.connection, row.redaction_id):
                self.result.purged_shown += 1
            comment = replace(comment, author=row.author, body_text=row.body_text,
                              body_html=row.body_html)  # fmt: skip
        if row.votes != comment.votes:
            changes.append("votes")
        if (row.body_text, row.body_html) != (comment.body_text, comment.body_html):
            if row.source != comment.source and row.body_text == comment.body_text:
                # The same text as the page prints it, after the REST API's rendering of it.
                values["body_html"] = comment.body_html
            else:
                changes.append("body")
        if row.source != comment.source:
            values["source"] = comment.source
        if row.deleted_at is not None:
            changes.append("restored")
        if changes:
            self._history(row, changes, comment)
            self.result.comments_changed += 1
            if "votes" in changes:
                values["votes"] = comment.votes
            if "body" in changes:
                values["body_text"], values["body_html"] = comment.body_text, comment.body_html
            if "restored" in changes:
                values["deleted_at"] = None
        if row.author != comment.author:
            values["author"] = comment.author
        if _finer(comment.posted_precision, row.posted_precision):
            values["posted_at"], values["posted_on"] = comment.posted_at, comment.posted_on
            values["posted_precision"] = comment.posted_precision
        # How the page writes the date (no history: the same date, as shown and as attribute).
        if (row.posted_raw, row.posted_attr) != (comment.posted_raw, comment.posted_attr):
            values["posted_raw"], values["posted_attr"] = comment.posted_raw, comment.posted_attr
        # Placement follows the latest complete fetch (SPEC: positions); a partial one moves nothing.
        if self.item.comments_complete:
            placement = {
                "parent_id": ids.get(comment.parent_key) if comment.parent_key else None,
                "depth": comment.depth,
                "position": comment.position,
            }
            values.update({k: v for k, v in placement.items() if getattr(row, k) != v})
        if values:
            values["last_seen_at"] = self.observed
        return values

    def _history(self, row: Row, changes: list[str], new: CommentItem | None = None) -> None:
        self.history.append(
            comment_change(row, new or row, changes, self.run_id, self.observed, self.source)
        )


def rekey(connection: Connection, stored: dict[str, Any], seen: dict[str, Any]) -> int:
    """A comment without a site id is keyed by its author and date (SPEC: identity); an
    extractor that reads either better gives it a new key. The stored row (`stored`, by key)
    not seen under its key that is `same_comment` as exactly one new reading (`seen`, by key:
    items or rebuilt rows) keeps its row under the new key: no new row, no deletion. `stored`
    is re-keyed in place; returns how many rows were."""
    orphans = {
        key: row
        for key, row in stored.items()
        if key.startswith("k") and key not in seen and row.deleted_at is None
    }
    moved = 0
    for key, comment in seen.items():
        if not orphans or not key.startswith("k") or key in stored:
            continue
        same = [old for old, row in orphans.items() if same_comment(row, comment)]
        if len(same) != 1:
            continue  # none, or no telling which: a new comment
        row = orphans.pop(same[0])
        del stored[same[0]]
        stored[key] = row
        connection.execute(update(COMMENTS).where(COMMENTS.c.id == row.id).values(external_id=key))
        moved += 1
    return moved


def same_comment(row: Any, comment: Any) -> bool:
    """A stored id-less comment and a new reading of one (an item, or a rebuilt row) are the same
    comment: same kind, depth and place, and two of author, date and text agree."""
    if (row.kind, row.depth) != (comment.kind, comment.depth):
        return False
    if comment.position is not None and row.position not in (None, comment.position):
        return False
    agree = (
        row.author == comment.author,
        (row.posted_attr or row.posted_raw) == (comment.posted_attr or comment.posted_raw),
        row.body_text == comment.body_text,
    )
    return sum(agree) >= 2


def comment_change(
    before: Any, after: Any, changes: list[str], run_id: int | None, observed: datetime, source: str
) -> dict[str, Any]:
    """A comment_history row: `before`/`after` have votes, body_text and body_html (a stored
    row, an item, a rebuilt row). Bodies only when the body changed: a vote change must not
    copy the text four times."""
    body_changed = "body" in changes
    return {
        "comment_id": before.id,
        "crawl_run_id": run_id,
        "observed_at": observed,
        "source": source,
        "change": "+".join(changes),
        "votes_before": before.votes,
        "votes": after.votes,
        "body_text_before": before.body_text if body_changed else None,
        "body_text": after.body_text if body_changed else None,
        "body_html_before": before.body_html if body_changed else None,
        "body_html": after.body_html if body_changed else None,
    }


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


COMMENTS = Base.metadata.tables["comments"]
HISTORY = Base.metadata.tables["comment_history"]
# What a stored comment's comparison with a new observation needs.
_STORED_COLUMNS = [
    COMMENTS.c[name]
    for name in (
        "id", "external_id", "kind", "parent_id", "depth", "position", "author",
        "posted_precision", "posted_raw", "posted_attr", "votes", "body_text", "body_html",
        "deleted_at", "source", "redaction_id",
    )
]  # fmt: skip


CAPTURES = Base.metadata.tables["captures"]


def _indexed(connection: Connection, keys: set[CaptureKey]) -> set[CaptureKey]:
    files = {name for name, _ in keys}
    found = connection.execute(
        select(CAPTURES.c.warc_file, CAPTURES.c.warc_offset).where(
            CAPTURES.c.warc_file.in_(files),
            CAPTURES.c.warc_offset.in_({offset for _, offset in keys}),
        )
    )
    return {(row.warc_file, row.warc_offset) for row in found} & keys


def link_captures(executor: Session | Connection, keys: list[CaptureKey], article_id: int) -> None:
    """The stored article's pages: their `captures` rows point at it."""
    for name, offset in keys:
        executor.execute(
            update(CAPTURES)
            .where(CAPTURES.c.warc_file == name, CAPTURES.c.warc_offset == offset)
            .values(article_id=article_id)
        )


def _chunks(values: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


_PRECISION_RANK = {None: -1, "day": 0, "hour": 1, "minute": 2, "second": 3}


def _finer(new: str | None, old: str | None) -> bool:
    """A stored date is replaced only by a more precise one (a relative `2時間前` drifts)."""
    return _PRECISION_RANK.get(new, -1) > _PRECISION_RANK.get(old, -1)
