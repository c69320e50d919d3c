"""`archiver db check`: what must hold in an archive, asked of it without changing it.

The database's own check (SQLite's integrity_check; PostgreSQL's indexes valid), the schema at
this version's head, each search index in step with its table, every thread a tree (a
comment's parent in its own article, one level up; positions 1..N), every redaction's rows
blank while it is in force, and every capture's raw record where the row says, with the
digest it says.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, Row, select, text
from warcio.archiveiterator import ArchiveIterator

from archiver.db.engine import current_revision, head_revision
from archiver.db.models import Base

LISTED = 10  # ids named per finding
CAPTURES = Base.metadata.tables["captures"]


@dataclass(frozen=True)
class Finding:
    check: str
    problem: str


def check_archive(engine: Engine, warc_directory: Path) -> tuple[list[str], list[Finding]]:
    """The checks run and what they found (nothing: the archive is sound)."""
    checks: list[str] = []
    findings: list[Finding] = []
    with engine.connect() as connection:
        for name, run in _CHECKS:
            if name == "search index" and connection.dialect.name != "sqlite":
                continue
            checks.append(name)
            findings.extend(Finding(name, problem) for problem in run(connection))
        checks.append("raw captures")
        findings.extend(Finding("raw captures", p) for p in _captures(connection, warc_directory))
    found = current_revision(engine)
    checks.append("schema")
    if found != head_revision():
        findings.append(
            Finding("schema", f"at {found or 'nothing'}, this version's is {head_revision()}")
        )
    return checks, findings


def _database(connection: Connection) -> Iterator[str]:
    if connection.dialect.name == "sqlite":
        for (line,) in connection.exec_driver_sql("PRAGMA integrity_check"):
            if line != "ok":
                yield str(line)
        return
    invalid = connection.execute(
        text("SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid")
    )
    for (index,) in invalid:
        yield f"index {index} is invalid (REINDEX it)"


def _search_index(connection: Connection) -> Iterator[str]:
    """FTS5's own comparison of each external-content index with its table."""
    for index in ("comment_search", "article_search"):
        try:
            # Reads and compares only; rolled back with the connection's transaction anyway.
            connection.exec_driver_sql(
                f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)"
            )
        except Exception as error:
            yield f"{index} is out of step with its table ({_first_line(error)}): rebuild it"
    connection.rollback()


def _threads(connection: Connection) -> Iterator[str]:
    checks = {
        "comments whose parent is in another article": (
            "SELECT c.id FROM comments c JOIN comments p ON p.id = c.parent_id "
            "WHERE p.article_id <> c.article_id"
        ),
        "comments whose parent is missing": (
            "SELECT c.id FROM comments c LEFT JOIN comments p ON p.id = c.parent_id "
            "WHERE c.parent_id IS NOT NULL AND p.id IS NULL"
        ),
        "comments not one level below their parent": (
            "SELECT c.id FROM comments c JOIN comments p ON p.id = c.parent_id "
            "WHERE c.depth <> p.depth + 1"
        ),
        "top-level comments not at depth 1": (
            "SELECT id FROM comments WHERE parent_id IS NULL AND depth <> 1"
        ),
        # Present comments in display order (pingbacks have none; a deleted comment keeps
        # the position it last had).
        "articles whose positions are not 1..N": (
            "SELECT article_id FROM comments WHERE position IS NOT NULL AND deleted_at IS NULL "
            "GROUP BY article_id HAVING min(position) <> 1 OR max(position) <> count(*) "
            "OR count(DISTINCT position) <> count(*)"
        ),
    }
    yield from _found(connection, checks)


def _redactions(connection: Connection) -> Iterator[str]:
    """A redaction's rows blank and marked only while it is in force; its vault emptied when
    it is lifted or purged."""
    yield from _found(connection, {
        "hidden comments showing text": (
            "SELECT id FROM comments WHERE redaction_id IS NOT NULL "
            "AND (author <> '' OR body_text <> '' OR body_html <> '')"
        ),
        "hidden articles showing text": (
            "SELECT id FROM articles WHERE redaction_id IS NOT NULL "
            "AND (title IS NOT NULL OR body_text IS NOT NULL OR body_html IS NOT NULL)"
        ),
        "comments hidden by no redaction in force": (
            "SELECT c.id FROM comments c LEFT JOIN redactions r ON r.id = c.redaction_id "
            "WHERE c.redaction_id IS NOT NULL AND (r.id IS NULL OR r.lifted_at IS NOT NULL)"
        ),
        "vault values of lifted or purged redactions": (
            "SELECT v.id FROM redaction_vault v JOIN redactions r ON r.id = v.redaction_id "
            "WHERE r.lifted_at IS NOT NULL OR r.purged_at IS NOT NULL"
        ),
    })  # fmt: skip


def _found(connection: Connection, checks: dict[str, str]) -> Iterator[str]:
    """Each query's ids as one finding (none found: nothing said)."""
    for what, sql in checks.items():
        ids = [row[0] for row in connection.exec_driver_sql(sql)]
        if ids:
            shown = ", ".join(map(str, ids[:LISTED])) + (", …" if len(ids) > LISTED else "")
            yield f"{len(ids)} {what} (ids {shown})"


def _captures(connection: Connection, directory: Path) -> Iterator[str]:
    """Each capture row's record: in its file, at its offset, of its URL, with its digest."""
    rows = connection.execute(
        select(CAPTURES.c.id, CAPTURES.c.url, CAPTURES.c.warc_file, CAPTURES.c.warc_offset,
               CAPTURES.c.payload_digest).order_by(CAPTURES.c.warc_file, CAPTURES.c.warc_offset)
    )  # fmt: skip
    problems = 0
    handles: dict[str, object] = {}
    try:
        for row in rows:
            problem = _capture_problem(directory, handles, row)
            if problem is not None:
                problems += 1
                if problems <= LISTED:
                    yield f"capture {row.id} ({row.url}): {problem}"
    finally:
        for handle in handles.values():
            handle.close()  # type: ignore[attr-defined]
    if problems > LISTED:
        yield f"… and {problems - LISTED} more captures"


def _capture_problem(directory: Path, handles: dict, row: Row) -> str | None:
    name, offset, url, digest = row.warc_file, row.warc_offset, row.url, row.payload_digest
    path = directory / name
    if name not in handles:
        if not path.is_file():
            return f"{name} is not in {directory}"
        handles[name] = path.open("rb")
    stream = handles[name]
    try:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
    except Exception as error:
        return f"no readable record at {name} @ {offset} ({_first_line(error)})"
    headers = record.rec_headers
    if headers.get_header("WARC-Target-URI") != url:
        return f"the record at {name} @ {offset} is of {headers.get_header('WARC-Target-URI')}"
    if digest and headers.get_header("WARC-Payload-Digest") != digest:
        return f"the record at {name} @ {offset} has another digest"
    return None


def _first_line(error: BaseException) -> str:
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]


_CHECKS = [
    ("database", _database),
    ("search index", _search_index),
    ("threads", _threads),
    ("redactions", _redactions),
]
