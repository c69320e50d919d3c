"""Readers never write, and no command writes into another program's database (issue 19,
item 4): an archive is recognised by its Alembic version; a SQLite file holding anything else
is refused with one line before anything touches it, and reading commands open read-only."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_archiver

BASELINE = Path(__file__).parent / "fixtures" / "archives" / "0001-seed.sqlite3"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def foreign(path: Path, own_articles: bool) -> Path:
    """Another application's SQLite file (rollback journal, as most are)."""
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        if own_articles:  # a name like one of ours, its own columns
            connection.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, headline TEXT)")
        connection.execute("INSERT INTO notes (text) VALUES ('mine')")
    return path


READING = [["stats"], ["sites", "list"], ["search", "桜"], ["export", "articles", "-o", "-"]]
# Nothing listens there: a command that got as far as fetching would fail otherwise.
NOWHERE = "http://127.0.0.1:9/"
WRITING = [
    ["scrape", NOWHERE + "2024/03/spring/"],
    ["reparse"],
    ["db", "upgrade"],
    ["crawl", NOWHERE],
]


@pytest.mark.parametrize("own_articles", [False, True])
@pytest.mark.parametrize(
    "command", READING + WRITING, ids=lambda c: c[0] if isinstance(c, list) else c
)
def test_another_programs_file_is_refused_and_untouched(
    tmp_path: Path, command: list[str], own_articles: bool
) -> None:
    db = foreign(tmp_path / "theirs.sqlite3", own_articles)
    before = digest(db)
    result = run_archiver(*command, "--db", str(db), home=tmp_path)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "another program's database" in errors[0], result.stderr
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("theirs")) == [
        "theirs.sqlite3"
    ]  # no journal, WAL or lock file left beside it
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_a_file_that_is_no_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "notes.sqlite3"
    db.write_text("shopping list\n")
    for command in (["stats"], ["scrape", NOWHERE + "2024/03/spring/"]):
        result = run_archiver(*command, "--db", str(db), home=tmp_path)
        assert result.returncode != 0 and "is not an archive" in result.stderr
    assert db.read_text() == "shopping list\n"


def test_reading_commands_leave_an_archive_as_it_was(tmp_path: Path) -> None:
    """The 0005 release archive is in rollback-journal mode: reading it changes no byte of it
    and not its journal mode (opening it for writing would switch it to WAL)."""
    db = tmp_path / "archive.sqlite3"
    shutil.copy(BASELINE.with_name("0005-release-0.2.0.sqlite3"), db)
    upgraded = run_archiver("db", "upgrade", "--db", str(db), home=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    before = digest(db)
    for command in READING:
        result = run_archiver(*command, "--db", str(db), home=tmp_path)
        assert result.returncode == 0, (command, result.stderr)
    assert digest(db) == before
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_another_programs_postgresql_database_is_refused_and_untouched(
    pg_url: str, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE articles (id serial PRIMARY KEY, headline text)"))
    try:
        for command in (["db", "upgrade"], ["stats"], ["scrape", NOWHERE + "2024/03/spring/"]):
            result = run_archiver(*command, "--db", pg_url, home=tmp_path)
            assert result.returncode != 0
            assert "another program's database" in result.stderr, result.stderr
        assert inspect(engine).get_table_names() == ["articles"]
    finally:
        engine.dispose()
