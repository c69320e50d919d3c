"""Applying a rebuilt article (from a scratch archive) to the archive: changed fields, new
comments, and history rows with source `reparse` for what a re-parse changed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, insert, select, update
from sqlalchemy.orm import aliased

from archiver.db import redaction
from archiver.db.captures import link_captures
from archiver.db.comments import comment_change, rekey
from archiver.db.models import ArticleHistory, Base, Comment, CommentHistory
from archiver.db.store import article_change
from archiver.items import CaptureKey

ARTICLES = Base.metadata.tables["articles"]
COMMENTS = Base.metadata.tables["comments"]
# What a rebuild may change. Ids, the site and the first run are the archive's own.
# A redaction (its mark, its hidden text) is the archive's own too: no rebuild undoes it.
OWN = ("id", "first_run_id", "redaction_id")
ARTICLE_FIELDS = [c.name for c in ARTICLES.c if c.name not in (*OWN, "site_id")]
COMMENT_FIELDS = [c.name for c in COMMENTS.c if c.name not in (*OWN, "article_id", "parent_id")]
# An earlier first sighting, or a later last one, is never given up for the rebuild's.
EARLIEST = {"first_seen_at"}
LATEST = {"last_seen_at", "last_crawled_at"}


@dataclass
class ReconcileReport:
    articles_changed: int = 0
    comments_new: int = 0
    comments_changed: int = 0
    comments_not_refound: int = 0  # in the archive, not in the rebuild: kept as they are
    # "comments.author (new)": 2, "articles.title (changed)": 1, "comments.votes (removed)": 1
    fields: Counter[str] = field(default_factory=Counter)


def reconcile_article(
    scratch: Engine,
    engine: Engine,
    url: str,
    run_id: int | None,
    observed_at: datetime,
    report: ReconcileReport,
    source: str = "reparse",
    captures: list[CaptureKey] | None = None,
) -> None:
    """Make the archive's copy of `url` what the rebuild in `scratch` says, with history rows
    of `source` for the title, body, modified date and votes it changes; point the rebuild's
    `captures` (its pages' WARC records) at the archive's article."""
    with scratch.connect() as connection:
        rebuilt = connection.execute(select(ARTICLES).where(ARTICLES.c.url == url)).one()
        rebuilt_comments = _comments(connection, rebuilt.id)
    with engine.begin() as connection:
        stored = connection.execute(select(ARTICLES).where(ARTICLES.c.url == url)).one()
        changes = _changes(stored._mapping, rebuilt._mapping, ARTICLE_FIELDS)
        if stored.redaction_id is not None:
            changes = redaction.veiled(changes, "articles")
        if changes:
            report.articles_changed += 1
            report.fields.update(_described("articles", stored._mapping, changes))
            connection.execute(update(ARTICLES).where(ARTICLES.c.id == stored.id).values(changes))
            if changes.keys() & {"title", "body_text", "modified_at"}:
                history = article_change(stored.id, stored, rebuilt, run_id, observed_at, source)
                connection.execute(insert(ArticleHistory).values(history))
        link_captures(connection, captures or [], stored.id)
        comments = _comments(connection, stored.id)
        rekeyed = rekey(connection, comments, rebuilt_comments)
        if rekeyed:
            report.fields["comments.external_id (rekeyed)"] += rekeyed
        ids = {key: row.id for key, row in comments.items()}
        report.comments_not_refound += len(comments.keys() - rebuilt_comments.keys())
        new = [row for key, row in rebuilt_comments.items() if key not in comments]
        hidden_by = stored.redaction_id  # a hidden article's new comments are hidden with it
        for row in sorted(new, key=lambda r: r.depth):
            values = {name: row._mapping[name] for name in COMMENT_FIELDS}
            values.update(
                article_id=stored.id, parent_id=ids.get(row.parent_key), first_run_id=run_id
            )
            if hidden_by is not None:
                values.update(redaction.HIDDEN["comments"], redaction_id=hidden_by)
            ids[row.external_id] = connection.execute(
                insert(COMMENTS).values(values).returning(COMMENTS.c.id)
            ).scalar_one()
            if hidden_by is not None and not redaction.purged(connection, hidden_by):
                redaction.keep(connection, hidden_by, "comments",
                               [{**row._mapping, "id": ids[row.external_id]}])  # fmt: skip
            report.comments_new += 1
        for key, row in rebuilt_comments.items():
            if key not in comments:
                continue
            before = comments[key]
            changes = _changes(before._mapping, row._mapping, [*COMMENT_FIELDS, "parent_key"])
            if before.redaction_id is not None:
                changes = redaction.veiled(changes, "comments")
            if not changes:
                continue
            report.comments_changed += 1
            report.fields.update(_described("comments", before._mapping, changes))
            kinds = ["votes"] if "votes" in changes else []
            if changes.keys() & {"body_text", "body_html"}:
                kinds.append("body")
            if "parent_key" in changes:
                changes["parent_id"] = ids.get(changes.pop("parent_key"))
            connection.execute(update(COMMENTS).where(COMMENTS.c.id == before.id).values(changes))
            if kinds:
                history = comment_change(before, row, kinds, run_id, observed_at, source)
                connection.execute(insert(CommentHistory).values(history))


def _comments(connection: Any, article_id: int) -> dict[str, Row]:
    """An article's comments by site id, each with its parent's site id (`parent_key`)."""
    parent = aliased(Comment)
    rows = connection.execute(
        select(COMMENTS, parent.external_id.label("parent_key"))
        .outerjoin(parent, parent.id == COMMENTS.c.parent_id)
        .where(COMMENTS.c.article_id == article_id)
    )
    return {row.external_id: row for row in rows}


def _described(table: str, before: Any, changes: dict[str, Any]) -> list[str]:
    """Each changed field as `table.field (new|changed|removed)`: a value where there was none,
    another value, or none where there was one."""
    described = []
    for name, new in changes.items():
        old = before[name]
        kind = "new" if old in (None, "") else "removed" if new in (None, "") else "changed"
        described.append(f"{table}.{name} ({kind})")
    return described


def _changes(before: Any, after: Any, names: list[str]) -> dict[str, Any]:
    changes = {}
    for name in names:
        old, new = before[name], after[name]
        if name in EARLIEST and old is not None and new is not None:
            new = min(old, new)
        elif name in LATEST and old is not None and new is not None:
            new = max(old, new)
        if old != new:
            changes[name] = new
    return changes
