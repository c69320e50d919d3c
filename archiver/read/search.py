"""Japanese full-text search over the archive: FTS5 trigram on SQLite, pg_trgm on PostgreSQL.

Trigram indexes match any substring of three characters or more, which suits Japanese (no word
boundaries to tokenize on). Shorter queries (東欧, 交渉) fall back to a LIKE scan. A query also
matches its other width: NATO finds ＮＡＴＯ and the other way round.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy import ColumnElement, Engine, Select, func, literal_column, or_, select, table
from sqlalchemy.orm import InstrumentedAttribute

from archiver.db.models import Article, Comment, Site
from archiver.db.sites import archive_zones, since_condition

TRIGRAM = 3  # shortest query a trigram index can answer
_FULLWIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)} | {0x20: 0x3000}


@dataclass(frozen=True)
class SearchHit:
    kind: Literal["comment", "article"]
    id: int
    article_id: int
    article_title: str | None
    url: str  # the article's URL; a comment's ends with #comment-<external id>
    posted_at: datetime | None
    posted_on: date | None  # the day in the site's time zone
    snippet: str  # text around the first match, the match between `marks`


def width_variants(query: str) -> list[str]:
    """The query as typed, NFKC-normalized (half width), and with ASCII in full width."""
    normalized = unicodedata.normalize("NFKC", query)
    variants = [query, normalized, normalized.translate(_FULLWIDTH)]
    return list(dict.fromkeys(v for v in variants if v))


def search(
    engine: Engine,
    query: str,
    *,
    within: Literal["comments", "articles"] = "comments",
    since: date | datetime | None = None,
    site: str | None = None,
    limit: int = 20,
    marks: tuple[str, str] = ("[", "]"),
) -> list[SearchHit]:
    """Newest first: comments (or articles) whose text contains `query`."""
    variants = width_variants(query.strip())
    if not variants:
        return []
    if within == "comments":
        statement = _comments(engine, variants)
        when = Comment.posted_at
    else:
        statement = _articles(engine, variants)
        when = Article.published_at
    if since is not None:
        zones = archive_zones(engine)
        statement = statement.where(since_condition(when, Article.site_id, since, zones))
    if site is not None:
        statement = statement.join(Site, Site.id == Article.site_id).where(
            Site.domain == site.removeprefix("www.")
        )
    statement = statement.order_by(when.desc().nulls_last(), literal_column("hit_id").desc())
    with engine.connect() as connection:
        rows = connection.execute(statement.limit(limit)).all()
    hits = []
    for row in rows:
        url = row.url if within == "articles" else f"{row.url}#comment-{row.external_id}"
        hits.append(
            SearchHit(
                kind="comment" if within == "comments" else "article",
                id=row.hit_id,
                article_id=row.article_id,
                article_title=row.title,
                url=url,
                posted_at=row.posted_at,
                posted_on=row.posted_on,
                snippet=snippet(row.text or "", variants, marks),
            )
        )
    return hits


def _comments(engine: Engine, variants: list[str]) -> Select:
    return (
        select(
            Comment.id.label("hit_id"),
            Comment.article_id,
            Comment.external_id,
            Comment.posted_at,
            Comment.posted_on,
            Comment.body_text.label("text"),
            Article.title,
            Article.url,
        )
        .join(Article, Article.id == Comment.article_id)
        .where(Comment.deleted_at.is_(None), _contains(engine, "comment_search", Comment.id,
                                                       [Comment.body_text], variants))
    )  # fmt: skip


def _articles(engine: Engine, variants: list[str]) -> Select:
    return select(
        Article.id.label("hit_id"),
        Article.id.label("article_id"),
        Article.published_at.label("posted_at"),
        Article.published_on.label("posted_on"),
        # A missing title or body must not blank the snippet (NULL || text is NULL).
        (func.coalesce(Article.title, "") + "\n" + func.coalesce(Article.body_text, "")).label(
            "text"
        ),
        Article.title,
        Article.url,
    ).where(
        _contains(
            engine, "article_search", Article.id, [Article.title, Article.body_text], variants
        )
    )


def _contains(
    engine: Engine,
    index: str,
    key: InstrumentedAttribute[int],
    columns: list[InstrumentedAttribute[str] | InstrumentedAttribute[str | None]],
    variants: list[str],
) -> ColumnElement[bool]:
    if engine.dialect.name == "sqlite" and min(len(v) for v in variants) >= TRIGRAM:
        phrases = " OR ".join('"' + v.replace('"', '""') + '"' for v in variants)
        index_table = table(index)
        matched: Select = (
            select(literal_column("rowid"))
            .select_from(index_table)
            .where(literal_column(index).op("MATCH")(phrases))
        )
        return key.in_(matched)
    # PostgreSQL's pg_trgm GIN indexes serve ILIKE; on SQLite this is the short-query scan.
    conditions = [
        column.ilike("%" + _escape_like(v) + "%", escape="\\")
        for column in columns
        for v in variants
    ]
    return or_(*conditions)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def snippet(text: str, variants: list[str], marks: tuple[str, str], width: int = 40) -> str:
    """One line of `text` around the first match of any variant, the match marked."""
    flat = " ".join(text.split())
    pattern = re.compile("|".join(re.escape(v) for v in variants), re.IGNORECASE)
    match = pattern.search(flat)
    if match is None:
        return flat[: 2 * width]
    start, end = match.span()
    return "".join(
        [
            "…" if start > width else "",
            flat[max(0, start - width) : start],
            marks[0],
            match.group(0),
            marks[1],
            flat[end : end + width],
            "…" if len(flat) - end > width else "",
        ]
    )
