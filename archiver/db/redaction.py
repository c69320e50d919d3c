"""Takedowns in the database: a comment or an article hidden, its text kept aside, put back or
forgotten, and the rule every writer follows so a crawl or a re-parse never shows it again.

Hiding moves the text out of the public tables (the rows, the history rows) into
`redaction_vault` and marks the rows with the redaction's id; every reader of the public tables
(export, search, thread, Datasette) then finds blank tombstones, whatever it queries. The raw
captures are the WARC side's business (archiver.warc.purge).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from archiver import clock
from archiver.db.lock import crawl_lock
from archiver.db.models import Article, Base, Comment, Redaction
from archiver.parse.urls import canonical_url, site_domain

# What a redaction takes out of each table, and what stays in its place.
HIDDEN: dict[str, dict[str, str | None]] = {
    "articles": {"title": None, "body_text": None, "body_html": None},
    "comments": {"author": "", "body_text": "", "body_html": ""},
    "article_history": {"title_before": None, "title": None, "body_text_before": None,
                        "body_text": None},
    "comment_history": {"body_text_before": None, "body_text": None, "body_html_before": None,
                        "body_html": None},
}  # fmt: skip
TABLES = Base.metadata.tables
VAULT = TABLES["redaction_vault"]
REDACTIONS = TABLES["redactions"]


class RedactionError(ValueError):
    """The target names nothing stored, or the redaction cannot do what was asked."""


@dataclass(frozen=True)
class Target:
    scope: str  # comment | article
    article_id: int
    comment_id: int | None
    given: str


@dataclass(frozen=True)
class RedactionInfo:
    id: int
    scope: str
    article_id: int
    comment_id: int | None
    target: str
    reason: str
    requested_by: str
    redacted_at: datetime
    purged_at: datetime | None
    lifted_at: datetime | None
    lifted_by: str | None
    purge_report: dict | None
    rows_hidden: int = 0  # comments and articles it hides


def find_target(connection: Connection, given: str) -> Target:
    """`URL#comment-ID` (as `archiver search` prints it) or `comment:N` (comments.id) is one
    comment; an article's URL or id is the article and its whole thread."""
    key = given.strip()
    if key.startswith("comment:") and key[8:].isdigit():
        row = connection.execute(
            select(Comment.id, Comment.article_id).where(Comment.id == int(key[8:]))
        ).one_or_none()
        if row is None:
            raise RedactionError(f"no stored comment has id {key[8:]}")
        return Target("comment", row.article_id, row.id, key)
    base, _, fragment = key.partition("#")
    if key.isdigit():
        article = connection.scalar(select(Article.id).where(Article.id == int(key)))
    else:
        urls = {base, canonical_url(base)}
        article = connection.scalar(select(Article.id).where(Article.url.in_(urls)))
    if article is None:
        raise RedactionError(f"no stored article is {base!r}")
    external = fragment.removeprefix("comment-") if fragment else ""
    if not external:
        return Target("article", article, None, key)
    comment = connection.scalar(
        select(Comment.id).where(Comment.article_id == article, Comment.external_id == external)
    )
    if comment is None:
        raise RedactionError(f"the article {base} has no stored comment {external!r}")
    return Target("comment", article, comment, key)


def site_of(engine: Engine, given: str) -> str:
    """The site key of the article a target names: its crawl lock keeps writers apart."""
    with engine.connect() as connection:
        target = find_target(connection, given)
        url = connection.scalar(select(Article.url).where(Article.id == target.article_id))
    return site_domain(url or "")


@contextmanager
def site_locked(engine: Engine, given: str) -> Iterator[None]:
    """Under the target's site crawl lock (CrawlLocked while a crawl of it runs): a crawl
    storing the thread meanwhile could write the text back over the blank row."""
    with crawl_lock(engine, [site_of(engine, given)]):
        yield


def hide(
    engine: Engine, given: str, *, reason: str, by: str, at: datetime | None = None
) -> RedactionInfo:
    """Hide a comment, or an article and its thread, in one transaction; a target hidden
    already by a redaction in force gives that redaction back unchanged."""
    if not reason.strip():
        raise RedactionError("a redaction needs a reason (--reason): who asked, and why")
    with engine.begin() as connection:
        target = find_target(connection, given)
        existing = in_force(connection, target)
        if existing is not None:
            return info(connection, existing)
        redaction_id = connection.execute(
            insert(REDACTIONS)
            .values(
                scope=target.scope,
                article_id=target.article_id,
                comment_id=target.comment_id,
                target=target.given,
                reason=reason.strip(),
                requested_by=by,
                redacted_at=at or clock.now(),
            )
            .returning(Redaction.id)
        ).scalar_one()
        if target.scope == "article":
            _hide_rows(connection, redaction_id, "articles", [target.article_id])
            comments = list(
                connection.scalars(
                    select(Comment.id).where(
                        Comment.article_id == target.article_id, Comment.redaction_id.is_(None)
                    )
                )
            )
        else:
            comments = [target.comment_id] if target.comment_id is not None else []
        _hide_rows(connection, redaction_id, "comments", comments)
        return info(connection, redaction_id)


def lift(engine: Engine, given: str, *, by: str, at: datetime | None = None) -> RedactionInfo:
    """Put the hidden text back where it was (a redaction made in error, a request withdrawn)."""
    with engine.begin() as connection:
        redaction_id = _redaction_of(connection, given)
        row = connection.execute(
            select(Redaction.purged_at, Redaction.lifted_at).where(Redaction.id == redaction_id)
        ).one()
        if row.purged_at is not None:
            raise RedactionError(f"redaction {redaction_id} was purged: its text is gone for good")
        if row.lifted_at is None:
            vault = connection.execute(select(VAULT).where(VAULT.c.redaction_id == redaction_id))
            for value in vault:
                table = TABLES[value.table_name]
                connection.execute(
                    update(table)
                    .where(table.c.id == value.row_id)
                    .values({value.column_name: value.value})
                )
            for name in ("articles", "comments"):
                table = TABLES[name]
                connection.execute(
                    update(table)
                    .where(table.c.redaction_id == redaction_id)
                    .values(redaction_id=None)
                )
            connection.execute(delete(VAULT).where(VAULT.c.redaction_id == redaction_id))
            connection.execute(
                update(REDACTIONS)
                .where(Redaction.id == redaction_id)
                .values(lifted_at=at or clock.now(), lifted_by=by)
            )
        return info(connection, redaction_id)


def forget(connection: Connection, redaction_id: int, report: dict, at: datetime) -> None:
    """The hidden text deleted for good (the purge's database half, in its transaction); a
    purge run again keeps the first one's time and records its own report."""
    connection.execute(delete(VAULT).where(VAULT.c.redaction_id == redaction_id))
    connection.execute(
        update(REDACTIONS)
        .where(Redaction.id == redaction_id)
        .values(purged_at=func.coalesce(REDACTIONS.c.purged_at, at), purge_report=report)
    )


def redactions(engine: Engine) -> list[RedactionInfo]:
    with engine.connect() as connection:
        ids = connection.scalars(select(Redaction.id).order_by(Redaction.id))
        return [info(connection, redaction_id) for redaction_id in list(ids)]


def info(connection: Connection, redaction_id: int) -> RedactionInfo:
    row = connection.execute(select(REDACTIONS).where(Redaction.id == redaction_id)).one()
    hidden = sum(
        connection.scalar(select(func.count()).where(TABLES[name].c.redaction_id == redaction_id))
        or 0
        for name in ("articles", "comments")
    )
    return RedactionInfo(**row._asdict(), rows_hidden=hidden)


def in_force(connection: Connection, target: Target) -> int | None:
    """The redaction in force on exactly this target, if any."""
    return connection.scalar(
        select(Redaction.id).where(
            Redaction.article_id == target.article_id,
            Redaction.comment_id.is_(None)
            if target.comment_id is None
            else Redaction.comment_id == target.comment_id,
            Redaction.lifted_at.is_(None),
        )
    )


def target_of(engine: Engine, given: str) -> str:
    """The target of the redaction numbered `given`, else `given` itself."""
    with engine.connect() as connection:
        found = REDACTIONS.c.target
        if given.strip().isdigit():
            target = connection.scalar(select(found).where(REDACTIONS.c.id == int(given)))
            if target is not None:
                return str(target)
    return given


def _redaction_of(connection: Connection, given: str) -> int:
    """A redaction by its number, or the one in force on a target."""
    if given.strip().isdigit() and connection.scalar(
        select(Redaction.id).where(Redaction.id == int(given))
    ):
        return int(given)
    found = in_force(connection, find_target(connection, given))
    if found is None:
        raise RedactionError(f"no redaction in force on {given!r}")
    return found


def _hide_rows(connection: Connection, redaction_id: int, name: str, ids: list[int]) -> None:
    """Move the rows' text (and their history rows' text) into the vault, mark the rows."""
    if not ids:
        return
    table = TABLES[name]
    history_name = "article_history" if name == "articles" else "comment_history"
    history = TABLES[history_name]
    owner = history.c.article_id if name == "articles" else history.c.comment_id
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = connection.execute(
            select(table.c.id, *(table.c[c] for c in HIDDEN[name])).where(table.c.id.in_(chunk))
        )
        keep(connection, redaction_id, name, rows)
        history_rows = connection.execute(
            select(history.c.id, *(history.c[c] for c in HIDDEN[history_name])).where(
                owner.in_(chunk)
            )
        )
        keep(connection, redaction_id, history_name, history_rows)
        connection.execute(
            update(table)
            .where(table.c.id.in_(chunk))
            .values(redaction_id=redaction_id, **HIDDEN[name])
        )
        connection.execute(update(history).where(owner.in_(chunk)).values(**HIDDEN[history_name]))


def keep(connection: Connection, redaction_id: int, name: str, rows: Iterable[Any]) -> None:
    """Vault the non-blank hidden columns' values of `rows` (each with `id`): rows not hidden
    before (a lifted redaction takes its values with it)."""
    values = []
    for row in rows:
        mapping: Mapping[str, Any] = row._mapping if hasattr(row, "_mapping") else row
        for column in HIDDEN[name]:
            value = mapping.get(column)
            if value not in (None, ""):
                values.append(
                    {"redaction_id": redaction_id, "table_name": name, "row_id": mapping["id"],
                     "column_name": column, "value": value}
                )  # fmt: skip
    if values:
        connection.execute(insert(VAULT), values)


def purged(connection: Connection, redaction_id: int) -> bool:
    return bool(
        connection.scalar(
            select(Redaction.purged_at.is_not(None)).where(Redaction.id == redaction_id)
        )
    )


def veiled(values: Mapping[str, Any], name: str) -> dict[str, Any]:
    """`values` for a hidden row of `name`: its hidden columns left as they are (blank)."""
    return {k: v for k, v in values.items() if k not in HIDDEN[name]}
