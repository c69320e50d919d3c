"""Keeping threads: idempotent upserts by natural key, with history, deletions and positions.

One transaction per article and its whole thread, so readers never see half a thread. Storing an
unchanged page changes only `last_seen_at`/`last_crawled_at` and writes no history row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from archiver.db.models import Article, ArticleHistory, Comment, CommentHistory, CrawlRun, Site
from archiver.items import KIND_COMMENT, ArticleItem, CommentItem
from archiver.urls import canonical_url

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


class ArchiveStore:
    """Writes crawl runs, articles and threads through one engine."""

    def __init__(self, engine: Engine, source: str = "crawl") -> None:
        self.engine = engine
        self.source = source

    def start_run(self, command: str, arguments: dict | list | None) -> int:
        with Session(self.engine) as session, session.begin():
            run = CrawlRun(command=command, arguments=arguments, started_at=datetime.now(UTC))
            session.add(run)
            session.flush()
            return run.id

    def finish_run(
        self, run_id: int, *, status: str, finish_reason: str | None, counts: dict, stats: dict
    ) -> None:
        with Session(self.engine) as session, session.begin():
            run = session.get_one(CrawlRun, run_id)
            run.finished_at = datetime.now(UTC)
            run.status = status
            run.finish_reason = finish_reason
            for name in RUN_COUNTERS:
                setattr(run, name, int(counts.get(name, 0)))
            run.stats = stats

    def mark_gone(self, url: str, observed_at: datetime) -> bool:
        """Set `gone_at` on a known article that answered 404/410; False when it is not stored."""
        with Session(self.engine) as session, session.begin():
            article = session.scalar(select(Article).where(Article.url == canonical_url(url)))
            if article is None:
                return False
            if article.gone_at is None:
                article.gone_at = observed_at
            return True

    def store_article(self, item: ArticleItem, run_id: int | None) -> StoreResult:
        with Session(self.engine) as session, session.begin():
            site = self._site(session, item)
            article, result = self._article(session, site, item, run_id)
            ThreadWriter(session, article, item, run_id, self.source, result).write()
            return result

    def _site(self, session: Session, item: ArticleItem) -> Site:
        site = session.scalar(select(Site).where(Site.domain == item.domain))
        if site is None:
            site = Site(domain=item.domain, timezone=item.timezone)
            session.add(site)
            session.flush()
        return site

    def _article(
        self, session: Session, site: Site, item: ArticleItem, run_id: int | None
    ) -> tuple[Article, StoreResult]:
        article = session.scalar(select(Article).where(Article.url == item.url))
        if article is None and item.wp_post_id is not None:
            article = session.scalar(
                select(Article).where(
                    Article.site_id == site.id, Article.wp_post_id == item.wp_post_id
                )
            )
        observed = item.fetched_at
        if article is None:
            article = Article(
                site_id=site.id, first_seen_at=observed, first_run_id=run_id, comment_count=0
            )
            session.add(article)
            result = StoreResult(article_id=0, article_new=True)
        else:
            result = StoreResult(article_id=article.id)
            if (article.title, article.body_text, article.modified_at) != (
                item.title,
                item.body_text,
                item.modified_at,
            ):
                session.add(
                    ArticleHistory(
                        article_id=article.id,
                        crawl_run_id=run_id,
                        observed_at=observed,
                        source=self.source,
                        title_before=article.title,
                        title=item.title,
                        body_text_before=article.body_text,
                        body_text=item.body_text,
                        modified_at_before=article.modified_at,
                        modified_at=item.modified_at,
                    )
                )
                result.article_changed = True
        for name in (
            "url", "wp_post_id", "title", "category", "author", "published_at", "published_on",
            "published_raw", "modified_at", "body_text", "body_html", "comment_count_shown",
            "comment_markup",
        ):  # fmt: skip
            value = getattr(item, name)
            if getattr(article, name) != value:
                setattr(article, name, value)
        article.last_crawled_at = observed
        article.gone_at = None
        session.flush()
        result.article_id = article.id
        return article, result


class ThreadWriter:
    """Upserts one article's comments by (article, external_id) inside the caller's transaction."""

    def __init__(
        self,
        session: Session,
        article: Article,
        item: ArticleItem,
        run_id: int | None,
        source: str,
        result: StoreResult,
    ) -> None:
        self.session = session
        self.article = article
        self.item = item
        self.run_id = run_id
        self.source = source
        self.result = result
        self.observed = item.fetched_at

    def write(self) -> None:
        existing = {
            c.external_id: c
            for c in self.session.scalars(
                select(Comment).where(Comment.article_id == self.article.id)
            )
        }
        rows: dict[str, Comment] = {}
        for comment in self.item.comments:
            row = existing.get(comment.key)
            rows[comment.key] = self._update(row, comment) if row else self._insert(comment)
            parent = rows.get(comment.parent_key) if comment.parent_key else None
            if self.item.comments_complete or row is None:
                self._place(rows[comment.key], comment, parent)
        if self.item.comments_complete:
            for key, row in existing.items():
                if key not in rows and row.deleted_at is None:
                    self._history(row, ["deleted"])
                    row.deleted_at = self.observed
                    self.result.comments_deleted += 1
        self.session.flush()
        self.article.comment_count = sum(
            1
            for row in {**existing, **rows}.values()
            if row.kind == KIND_COMMENT and row.deleted_at is None
        )

    def _insert(self, comment: CommentItem) -> Comment:
        row = Comment(
            article_id=self.article.id,
            external_id=comment.key,
            kind=comment.kind,
            author=comment.author,
            posted_at=comment.posted_at,
            posted_on=comment.posted_on,
            posted_precision=comment.posted_precision,
            posted_raw=comment.posted_raw,
            body_text=comment.body_text,
            body_html=comment.body_html,
            votes=comment.votes,
            page_url=comment.page_url,
            first_seen_at=self.observed,
            last_seen_at=self.observed,
            first_run_id=self.run_id,
        )
        self.session.add(row)
        self.result.comments_new += 1
        return row

    def _update(self, row: Comment, comment: CommentItem) -> Comment:
        changes = []
        if row.votes != comment.votes:
            changes.append("votes")
        if (row.body_text, row.body_html) != (comment.body_text, comment.body_html):
            changes.append("body")
        if row.deleted_at is not None:
            changes.append("restored")
        if changes:
            self._history(row, changes, comment)
            self.result.comments_changed += 1
            row.votes = comment.votes
            row.body_text, row.body_html = comment.body_text, comment.body_html
            row.deleted_at = None
        if row.author != comment.author:
            row.author = comment.author
        if _finer(comment.posted_precision, row.posted_precision):
            row.posted_at, row.posted_on = comment.posted_at, comment.posted_on
            row.posted_precision, row.posted_raw = comment.posted_precision, comment.posted_raw
        row.last_seen_at = self.observed
        return row

    def _place(self, row: Comment, comment: CommentItem, parent: Comment | None) -> None:
        # Compare ids, not relationships: reading `row.parent` would load it, one query a row.
        parent_id = parent.id if parent is not None else None
        if parent_id is None and parent is not None:  # a parent inserted in this transaction
            row.parent = parent
        elif row.parent_id != parent_id:
            row.parent_id = parent_id
        if row.depth != comment.depth:
            row.depth = comment.depth
        # Positions number the latest complete fetch (SPEC); a partial one numbers nothing.
        position = comment.position if self.item.comments_complete else None
        if row.position != position:
            row.position = position

    def _history(self, row: Comment, changes: list[str], new: CommentItem | None = None) -> None:
        self.session.add(
            CommentHistory(
                comment_id=row.id,
                crawl_run_id=self.run_id,
                observed_at=self.observed,
                source=self.source,
                change="+".join(changes),
                votes_before=row.votes,
                votes=new.votes if new else row.votes,
                body_text_before=row.body_text,
                body_text=new.body_text if new else row.body_text,
                body_html_before=row.body_html,
                body_html=new.body_html if new else row.body_html,
            )
        )


_PRECISION_RANK = {None: -1, "day": 0, "hour": 1, "minute": 2, "second": 3}


def _finer(new: str | None, old: str | None) -> bool:
    """A stored date is replaced only by a more precise one (a relative `2時間前` drifts)."""
    return _PRECISION_RANK.get(new, -1) > _PRECISION_RANK.get(old, -1)
