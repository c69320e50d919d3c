"""`archiver db check` and `archiver db backup` (issue 19, item 8): a sound archive checks clean;
each kind of damage is found and named; a backup taken while a crawl writes checks clean."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archiver.sitegen.loopback import LocalSite, Page
from archiver.sitegen.model import generate
from archiver.sitegen.server import GeneratedSite
from tests.archive_reader import query
from tests.conftest import FAST, run_archiver
from tests.family_markup import SPRING, page


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A crawled archive with its WARC files: the original the damaged copies come from."""
    home = tmp_path_factory.mktemp("checked")
    db = home / "archive.sqlite3"
    state = generate(4, (2, 12), seed=41, comments_per_page=5)
    with GeneratedSite(state) as site:
        result = run_archiver("crawl", site.base_url + "/", "--db", str(db), *FAST, home=home,
                              env={"ARCHIVER_NOW": state.now.isoformat()})  # fmt: skip
    assert result.returncode == 0, result.stderr
    return db


def copy_of(crawled: Path, tmp_path: Path, with_warc: bool = True) -> Path:
    db = tmp_path / "archive.sqlite3"
    with sqlite3.connect(crawled) as source, sqlite3.connect(db) as target:
        source.backup(target)
    if with_warc:
        (tmp_path / "warc").symlink_to(crawled.parent / "warc")
    return db


def check(db: Path | str, home: Path) -> tuple[int, dict]:
    result = run_archiver("db", "check", "--json", "--db", str(db), home=home)
    return result.returncode, json.loads(result.stdout or "{}")


def test_a_sound_archive_checks_clean(crawled: Path, tmp_path: Path) -> None:
    code, report = check(copy_of(crawled, tmp_path), tmp_path)
    assert code == 0 and report["findings"] == []
    assert set(report["checks"]) == {"database", "search index", "threads", "redactions",
                                     "raw captures", "schema"}  # fmt: skip
    text = run_archiver("db", "check", "--db", str(crawled), home=tmp_path)
    assert text.returncode == 0 and "problems" not in text.stdout


DAMAGES = {
    "search index": ["DROP TRIGGER comment_search_update",
                     "UPDATE comments SET body_text = 'changed behind the index' WHERE id = 2"],
    "threads": ["UPDATE comments SET parent_id = (SELECT max(o.id) FROM comments o WHERE "
                "o.article_id <> (SELECT article_id FROM comments WHERE id = 3)) WHERE id = 3"],
    # A writer that ignored a takedown: the hidden comment shows its text again.
    "redactions": ["INSERT INTO redactions (id, scope, article_id, comment_id, target, reason, "
                   "requested_by, redacted_at) VALUES (1, 'comment', 1, 2, 'x', 'y', 'z', "
                   "'2026-12-03 00:00:00')",
                   "UPDATE comments SET redaction_id = 1 WHERE id = 2"],
    "raw captures": ["UPDATE captures SET warc_offset = warc_offset + 7 WHERE id = 2"],
    "schema": ["UPDATE alembic_version SET version_num = '0008'"],
}  # fmt: skip


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_each_damage_is_found_and_named(crawled: Path, tmp_path: Path, damage: str) -> None:
    db = copy_of(crawled, tmp_path)
    with sqlite3.connect(db) as connection:
        for statement in DAMAGES[damage]:
            connection.execute(statement)
    code, report = check(db, tmp_path)
    assert code == 1
    assert {f["check"] for f in report["findings"]} == {damage}, report


def test_an_empty_database_a_first_run_killed_early_leaves_is_sound(tmp_path: Path) -> None:
    # What kill -9 during the first run's schema transaction leaves: a WAL database, no table.
    db = tmp_path / "archive.sqlite3"
    with sqlite3.connect(db) as empty:
        empty.execute("PRAGMA journal_mode=wal")
    code, report = check(db, tmp_path)
    assert code == 0 and (report["checks"], report["findings"]) == (["schema"], [])
    # One table (of an older schema) is no longer empty: an upgrade is due, and said.
    with sqlite3.connect(db) as older:
        older.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        older.execute("INSERT INTO alembic_version VALUES ('0009')")
    code, report = check(db, tmp_path)
    assert code == 1 and report["findings"][0]["check"] == "schema"


def test_a_missing_warc_file_is_found(crawled: Path, tmp_path: Path) -> None:
    db = copy_of(crawled, tmp_path, with_warc=False)
    code, report = check(db, tmp_path)
    assert code == 1 and {f["check"] for f in report["findings"]} == {"raw captures"}
    assert "is not in" in report["findings"][0]["problem"]


def stored_some(db: Path) -> bool:
    """The crawl has stored a thread (the schema may not be there yet)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
            return bool(connection.execute("SELECT count(*) FROM comments").fetchone()[0])
    except sqlite3.Error:
        return False


def test_a_backup_taken_while_a_crawl_writes_checks_clean(tmp_path: Path) -> None:
    db, copy = tmp_path / "archive.sqlite3", tmp_path / "backups" / "copy.sqlite3"
    state = generate(30, (5, 30), seed=42, comments_per_page=5)
    archiver = str(Path(sys.executable).with_name("archiver"))
    environment = {**os.environ, "ARCHIVER_HOME": str(tmp_path),
                   "ARCHIVER_NOW": state.now.isoformat()}  # fmt: skip
    with GeneratedSite(state) as site:
        crawling = subprocess.Popen(
            [archiver, "crawl", site.base_url + "/", "--db", str(db), *FAST],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not stored_some(db):
            assert time.monotonic() < deadline and crawling.poll() is None
            time.sleep(0.1)
        midway = run_archiver("db", "backup", str(copy), "--db", str(db), home=tmp_path)
        assert midway.returncode == 0, midway.stderr
        assert crawling.wait(timeout=120) == 0
    code, report = check(copy, tmp_path)
    assert code == 0, report
    again = run_archiver("db", "backup", str(copy), "--db", str(db), home=tmp_path)
    assert again.returncode == 0, again.stderr
    assert check(copy, tmp_path) == (0, report)
    counted = "SELECT (SELECT count(*) FROM comments) AS c, (SELECT count(*) FROM captures) AS k"
    assert query(str(copy), counted) == query(str(db), counted)


def test_postgresql_checks_and_is_pointed_at_pg_dump(pg_url: str, tmp_path: Path) -> None:
    with LocalSite({"/a/": Page(page(SPRING, "legacy-walker").encode())}) as site:
        scraped = run_archiver("scrape", site.url("/a/"), "--db", pg_url, *FAST, home=tmp_path)
    assert scraped.returncode == 0, scraped.stderr
    code, report = check(pg_url, tmp_path)
    assert code == 0 and report["findings"] == [] and "search index" not in report["checks"]
    backup = run_archiver("db", "backup", str(tmp_path / "x"), "--db", pg_url, home=tmp_path)
    assert backup.returncode == 2 and "pg_dump --format=custom" in backup.stderr
