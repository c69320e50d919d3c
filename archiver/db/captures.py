"""The captures index: each WARC record a run wrote (or an import brought) listed with where it
is, and pointed at the stored article it belongs to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.orm import Session

from archiver.db.lock import Fence
from archiver.db.models import Base
from archiver.items import CaptureKey, CaptureRecord

CAPTURES = Base.metadata.tables["captures"]


def keep_captures(
    engine: Engine,
    records: Sequence[CaptureRecord],
    run_id: int | None,
    fence: Fence | None = None,
) -> None:
    """Index WARC records in `captures` (a record already indexed is left as it is)."""
    if not records:
        return
    with engine.begin() as connection:
        if fence is not None:
            fence.check(connection)
        known = _indexed(connection, {(r.warc_file, r.warc_offset) for r in records})
        rows = [
            {"crawl_run_id": run_id, **asdict(r)}
            for r in records
            if (r.warc_file, r.warc_offset) not in known
        ]
        if rows:
            connection.execute(insert(CAPTURES), rows)


def link_captures(executor: Session | Connection, keys: list[CaptureKey], article_id: int) -> None:
    """The stored article's pages: their `captures` rows point at it."""
    for name, offset in keys:
        executor.execute(
            update(CAPTURES)
            .where(CAPTURES.c.warc_file == name, CAPTURES.c.warc_offset == offset)
            .values(article_id=article_id)
        )


def _indexed(connection: Connection, keys: set[CaptureKey]) -> set[CaptureKey]:
    files = {name for name, _ in keys}
    found = connection.execute(
        select(CAPTURES.c.warc_file, CAPTURES.c.warc_offset).where(
            CAPTURES.c.warc_file.in_(files),
            CAPTURES.c.warc_offset.in_({offset for _, offset in keys}),
        )
    )
    return {(row.warc_file, row.warc_offset) for row in found} & keys
