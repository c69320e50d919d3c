"""The schema comes only from Alembic revisions: one head, and it matches the models."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import insert, inspect

from archiver.config import resolve_db_url
from archiver.db.engine import (
    SchemaOutOfDate,
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    require_current,
    upgrade,
)
from archiver.db.models import Base, is_modelled
from archiver.read.search import search
from tests.archive_reader import query, typed_rows

CONTRACT = {
    "sites": {"id", "domain", "timezone"},
    "articles": {
        "id", "site_id", "url", "wp_post_id", "title", "category", "author", "published_at",
        "published_on", "modified_at", "body_text", "body_html", "comment_count",
        "comment_count_shown", "first_seen_at", "last_crawled_at", "gone_at",
    },
    "comments": {
        "id", "article_id", "external_id", "kind", "parent_id", "depth", "position", "author",
        "posted_at", "posted_on", "posted_precision", "posted_raw", "body_text", "body_html",
        "votes", "first_seen_at", "last_seen_at", "deleted_at",
    },
    "crawl_runs": {"id", "command", "started_at", "finished_at", "status"},
}  # fmt: skip


def test_one_head() -> None:
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_migrations_build_the_models_schema(db_url) -> None:
    engine = make_engine(resolve_db_url(db_url))
    try:
        require_current_fails = False
        try:
            require_current(engine)
        except SchemaOutOfDate as error:
            require_current_fails = "archiver db upgrade" in str(error)
        assert require_current_fails

        upgrade(engine)

        assert current_revision(engine) == head_revision()
        require_current(engine)
        with engine.connect() as connection:
            diff = compare_metadata(
                MigrationContext.configure(connection, opts={"include_name": is_modelled}),
                Base.metadata,
            )
        assert diff == []
        columns = {t: {c["name"] for c in inspect(engine).get_columns(t)} for t in CONTRACT}
        for table, names in CONTRACT.items():
            assert names <= columns[table], f"{table} lacks {names - columns[table]}"
        upgrade(engine)  # idempotent
    finally:
        engine.dispose()


BASELINE_ARCHIVE = Path(__file__).parent / "fixtures" / "archives" / "0001-seed.sqlite3"
TABLES = ["sites", "crawl_runs", "articles", "comments", "comment_history", "article_history"]


def _all_rows(db: str, columns: dict[str, set[str]] | None = None) -> dict[str, list[dict]]:
    """Every row through the model types, of the columns the archive has (or `columns`)."""
    columns = columns or _columns(db)
    return {table: typed_rows(db, table, columns=columns[table]) for table in TABLES}


def _columns(db: str) -> dict[str, set[str]]:
    engine = make_engine(resolve_db_url(db))
    try:
        return {t: {c["name"] for c in inspect(engine).get_columns(t)} for t in TABLES}
    finally:
        engine.dispose()


def _check_upgraded(db: str, before: dict[str, list[dict]]) -> None:
    old_columns = _columns(db)
    engine = make_engine(resolve_db_url(db))
    try:
        with pytest.raises(SchemaOutOfDate):
            require_current(engine)
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert _all_rows(db, old_columns) == before  # every row, every value
        # The new objects cover the old rows.
        assert len(query(db, "SELECT * FROM comment_tree")) == len(before["comments"])
        present = [c for c in before["comments"] if c["deleted_at"] is None]
        stats = query(db, "SELECT comments FROM article_stats")
        assert [s["comments"] for s in stats] == [len(present)]
        assert search(engine, "極超音速") and search(engine, "東欧")
        assert search(engine, "期限を切って", within="articles")
        if engine.dialect.name == "sqlite":  # later table changes kept the FTS5 triggers
            triggers = query(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert len(triggers) == 6
    finally:
        engine.dispose()


def test_a_baseline_sqlite_archive_upgrades_to_head_with_every_row(tmp_path: Path) -> None:
    db = str(tmp_path / "old.sqlite3")
    shutil.copy(BASELINE_ARCHIVE, db)
    before = _all_rows(db)
    assert len(before["comments"]) == 34 and len(before["crawl_runs"]) == 1
    _check_upgraded(db, before)


def test_a_baseline_archive_upgrades_to_head_with_every_row(db_url: str) -> None:
    """The same upgrade on both backends: the baseline archive's rows, written into a database
    at revision 0001 exactly as they are, then upgraded."""
    engine = make_engine(resolve_db_url(db_url))
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
        old = _all_rows(str(BASELINE_ARCHIVE))
        with engine.begin() as connection:
            for table in TABLES:
                if old[table]:
                    connection.execute(insert(Base.metadata.tables[table]), old[table])
    finally:
        engine.dispose()
    before = _all_rows(db_url)
    assert before == old and len(before["comments"]) == 34
    _check_upgraded(db_url, before)


def test_a_failed_sqlite_upgrade_changes_nothing_and_a_retry_succeeds(tmp_path: Path) -> None:
    """Issue 19, item 1: an upgrade is all or nothing on SQLite too. A table in the way makes
    it fail; afterwards the archive is exactly as before (still 0001, nothing of the later
    revisions committed), and once the obstacle is gone the same command upgrades it."""
    import sqlite3

    from tests.conftest import run_archiver

    db = str(tmp_path / "old.sqlite3")
    shutil.copy(BASELINE_ARCHIVE, db)
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE captures (x INTEGER)")
    schema = sorted(query(db, "SELECT type, name FROM sqlite_master"), key=str)
    failed = run_archiver("db", "upgrade", "--db", db, home=tmp_path)
    assert failed.returncode != 0 and "captures" in failed.stderr
    assert sorted(query(db, "SELECT type, name FROM sqlite_master"), key=str) == schema
    assert query(db, "SELECT version_num FROM alembic_version") == [{"version_num": "0001"}]
    with sqlite3.connect(db) as connection:
        connection.execute("DROP TABLE captures")
    retried = run_archiver("db", "upgrade", "--db", db, home=tmp_path)
    assert retried.returncode == 0, retried.stderr
    assert query(db, "SELECT version_num FROM alembic_version") == [
        {"version_num": head_revision()}
    ]


def big_baseline(db: str, copies: int = 1200) -> int:
    """The baseline archive with its 34 comments copied `copies` times more (as top-level
    comments of the same article), still at revision 0001: an old archive worth upgrading."""
    import sqlite3

    shutil.copy(BASELINE_ARCHIVE, db)
    with sqlite3.connect(db) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(comments)")]
        at = {name: i for i, name in enumerate(columns)}
        rows = connection.execute("SELECT * FROM comments").fetchall()
        copied = []
        for n in range(copies * len(rows)):
            row = list(rows[n % len(rows)])
            row[at["id"]], row[at["external_id"]] = 100_000 + n, f"copy-{n}"
            row[at["parent_id"]], row[at["depth"]], row[at["position"]] = None, 1, 100 + n
            copied.append(row)
        marks = ",".join("?" * len(columns))
        connection.executemany(f"INSERT INTO comments VALUES ({marks})", copied)
        return connection.execute("SELECT count(*) FROM comments").fetchone()[0]


@pytest.mark.parametrize("after", [0.9, 1.1, 1.3])
def test_an_upgrade_killed_midway_leaves_the_old_archive_or_the_new(
    tmp_path: Path, after: float
) -> None:
    """kill -9 at some point of upgrading a 40,000-comment archive: the archive is at 0001 or
    at head, never between, and the next upgrade brings it to head with every row."""
    import signal
    import subprocess
    import sys
    import time

    db = str(tmp_path / "old.sqlite3")
    comments = big_baseline(db)
    command_line = [str(Path(sys.executable).with_name("archiver")), "db", "upgrade", "--db", db]
    with subprocess.Popen(command_line, stderr=subprocess.DEVNULL) as upgrading:
        time.sleep(after)
        upgrading.send_signal(signal.SIGKILL)
    version = query(db, "SELECT version_num FROM alembic_version")[0]["version_num"]
    assert version in ("0001", head_revision())
    assert subprocess.run(command_line, capture_output=True).returncode == 0
    assert query(db, "SELECT version_num FROM alembic_version") == [
        {"version_num": head_revision()}
    ]
    assert query(db, "SELECT count(*) AS n FROM comments") == [{"n": comments}]
    assert query(db, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]
