"""A thread's comments kept: upserts by (article, external_id) with history rows, deletions and
positions (ThreadWriter), and how a stored comment compares with a new reading of it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update
from sqlalchemy.orm import Session

from archiver.db import redaction
from archiver.db.models import Article, Base
from archiver.items import KIND_COMMENT, SOURCE_REST, ArticleItem, CommentItem, PageBefore

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


def _chunks(values: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


_PRECISION_RANK = {None: -1, "day": 0, "hour": 1, "minute": 2, "second": 3}


def _finer(new: str | None, old: str | None) -> bool:
    """A stored date is replaced only by a more precise one (a relative `2時間前` drifts)."""
    return _PRECISION_RANK.get(new, -1) > _PRECISION_RANK.get(old, -1)
