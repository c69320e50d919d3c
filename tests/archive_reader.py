"""Reading the archive back in tests, the way an analyst would: plain SQL through SQLAlchemy."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from archiver.config import resolve_db_url


def query(db: str, sql: str, **params) -> list[dict]:
    engine = create_engine(resolve_db_url(db))
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def thread_rows(db: str) -> list[dict]:
    """Comments in display order with their parent's position, as the expected JSON has them."""
    return query(
        db,
        """
        SELECT c.id, c.external_id, c.position, c.depth, p.position AS parent_position, c.author,
               c.posted_raw, c.posted_on, c.posted_at, c.posted_precision, c.body_text, c.votes,
               c.first_seen_at, c.last_seen_at, c.kind
        FROM comments c LEFT JOIN comments p ON p.id = c.parent_id
        ORDER BY c.position
        """,
    )


def table_counts(db: str) -> dict[str, int]:
    tables = ["sites", "articles", "comments", "comment_history", "article_history", "crawl_runs"]
    return {t: query(db, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in tables}


def is_sqlite_file(db: str) -> bool:
    return "://" not in db and Path(db).exists()


def typed_rows(
    db: str, table: str, order_by: str = "id", columns: set[str] | None = None
) -> list[dict]:
    """Every row of a contract table through its model types: aware UTC datetimes, dates.

    `columns` limits the read to columns an older archive has."""
    from sqlalchemy import select

    from archiver.db.models import Base

    model_table = Base.metadata.tables[table]
    engine = create_engine(resolve_db_url(db))
    try:
        with engine.connect() as connection:
            chosen = [c for c in model_table.c if columns is None or c.name in columns]
            statement = select(*chosen).order_by(model_table.c[order_by])
            return [dict(row._mapping) for row in connection.execute(statement)]
    finally:
        engine.dispose()
