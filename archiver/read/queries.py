"""Reading the archive back: the small queries summaries and previews are made of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.engine import URL, Row

from archiver.db.engine import make_engine
from archiver.db.models import Article, Comment

# A comment that counts in a thread: a real comment, present in the latest complete fetch.
PRESENT_COMMENT = (Comment.kind == "comment") & Comment.deleted_at.is_(None)


@dataclass
class ArticleSummary:
    id: int
    url: str
    title: str | None
    comments: int
    max_depth: int


@dataclass
class ThreadLine:
    position: int
    depth: int
    author: str
    posted_on: date | None
    votes: int | None
    body_text: str


def article_summaries(db_url: URL, article_ids: list[int]) -> list[ArticleSummary]:
    rows = _read(
        db_url,
        select(
            Article.id,
            Article.url,
            Article.title,
            func.count(Comment.id).filter(PRESENT_COMMENT).label("comments"),
            func.coalesce(func.max(Comment.depth).filter(PRESENT_COMMENT), 0).label("max_depth"),
        )
        .outerjoin(Comment, Comment.article_id == Article.id)
        .where(Article.id.in_(article_ids))
        .group_by(Article.id)
        .order_by(Article.id),
    )
    return [ArticleSummary(**row._asdict()) for row in rows]


def thread_lines(db_url: URL, article_id: int, limit: int | None = None) -> list[ThreadLine]:
    """A stored thread in display order, present comments only."""
    rows = _read(
        db_url,
        select(
            Comment.position,
            Comment.depth,
            Comment.author,
            Comment.posted_on,
            Comment.votes,
            Comment.body_text,
        )
        .where(Comment.article_id == article_id, PRESENT_COMMENT)
        .order_by(Comment.position)
        .limit(limit),
    )
    return [ThreadLine(**row._asdict()) for row in rows]


def _read(db_url: URL, statement: Select) -> list[Row]:
    engine = make_engine(db_url, read_only=True)
    try:
        with engine.connect() as connection:
            return list(connection.execute(statement))
    finally:
        engine.dispose()
