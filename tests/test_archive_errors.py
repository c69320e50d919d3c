"""What used to be tracebacks is one `error:` line saying what to do (issue 19, item 7): an
unsupported database URL, an in-memory SQLite, an archive that cannot be written, a WARC file
whose name is too long to keep as it is."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_archiver

RELEASE = Path(__file__).parent / "fixtures" / "archives" / "0005-release-0.2.0.sqlite3"
NOWHERE = "http://127.0.0.1:9/2024/03/spring/"  # nothing listens: fetching would fail otherwise


def one_error(result: subprocess.CompletedProcess) -> str:
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.returncode == 1 and len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return errors[0]


@pytest.mark.parametrize("command", [["scrape", NOWHERE], ["stats"], ["db", "upgrade"]])
def test_a_database_url_archiver_cannot_keep_an_archive_in(tmp_path: Path, command) -> None:
    mysql = one_error(run_archiver(*command, "--db", "mysql://root@127.0.0.1/x", home=tmp_path))
    assert "SQLite (a file path) or PostgreSQL" in mysql
    memory = one_error(run_archiver(*command, "--db", "sqlite://", home=tmp_path))
    assert "give --db a file path" in memory


def test_an_archive_that_cannot_be_written_is_refused_before_fetching(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite3"
    shutil.copy(RELEASE, db)
    assert run_archiver("db", "upgrade", "--db", str(db), home=tmp_path).returncode == 0
    if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i needs root and a file system that has the immutable flag")
    try:
        line = one_error(run_archiver("scrape", NOWHERE, "--db", str(db), home=tmp_path))
        assert "cannot be written" in line and "write access" in line
        assert (
            run_archiver("stats", "--db", str(db), home=tmp_path).returncode == 0
        )  # reading is fine
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)


def tiny_warc(path: Path) -> None:
    """A WARC of one response: our own article page."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from tests.family_markup import SPRING, page

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=UTF-8")],
                                protocol="HTTP/1.1")  # fmt: skip
        record = writer.create_warc_record(
            "http://127.0.0.1:8000/2024/03/spring/", "response",
            payload=BytesIO(page(SPRING, "legacy-walker").encode()), http_headers=http,
        )  # fmt: skip
        writer.write_record(record)


def test_a_warc_with_a_name_too_long_to_copy_as_it_is_is_imported(tmp_path: Path) -> None:
    """An import keeps each file under a name of its own (the start of its name and its
    digest): 245 characters of name do not become 252 of `import-…`."""
    warc = tmp_path / ("長い名前" * 20 + "x" * 5 + ".warc.gz")
    assert len(warc.name.encode()) > 245
    tiny_warc(warc)
    result = run_archiver("import-warc", str(warc), "--db", str(tmp_path / "a.sqlite3"),
                          home=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    kept = list((tmp_path / "warc-a").iterdir())
    assert len(kept) == 1 and len(kept[0].name.encode()) < 255


def damaged_archive(tmp_path: Path) -> Path:
    """The release archive with three leaf pages of its comments table overwritten."""
    import sqlite3

    db = tmp_path / "damaged.sqlite3"
    shutil.copy(RELEASE, db)
    assert run_archiver("db", "upgrade", "--db", str(db), home=tmp_path).returncode == 0
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
        size = connection.execute("PRAGMA page_size").fetchone()[0]
        try:
            leaves = [row[0] for row in connection.execute(
                "SELECT pageno FROM dbstat WHERE name = 'comments' AND pagetype = 'leaf'")]  # fmt: skip
        except sqlite3.OperationalError:
            pytest.skip("this SQLite has no dbstat table to find the pages to damage")
    with db.open("r+b") as stream:
        for number in leaves[1:4]:
            stream.seek((number - 1) * size)
            stream.write(b"\x0d\x00\x00\xff\xff" + b"\xde\xad\xbe\xef" * 100)
    return db


@pytest.mark.parametrize("command", [["thread", "1"], ["search", "東欧"], ["stats"],
                                     ["export", "comments", "-o", "-"]])  # fmt: skip
def test_a_damaged_archive_is_one_line_naming_it(tmp_path: Path, command: list[str]) -> None:
    db = damaged_archive(tmp_path)
    line = one_error(run_archiver(*command, "--db", str(db), home=tmp_path))
    assert f"{db} is damaged" in line and "db check" in line
