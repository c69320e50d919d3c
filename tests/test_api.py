"""The Python API is the product (issue 21): `from archiver import …` names what the commands
do; scrape, crawl and scrape again run in one program; docs/python-api.md runs as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import archiver
from archiver import Archive
from archiver.read.thread import ArticleNotFound
from tests.archive_reader import query
from tests.conftest import run_archiver

DOCS = Path(__file__).parents[1] / "docs" / "python-api.md"


def _program(code: str, home: Path) -> subprocess.CompletedProcess:
    """`code` as a user's program: its own interpreter, its own data home."""
    script = home / "program.py"
    script.write_text(code, encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if k != "ARCHIVER_DB"}
    environment.update({"ARCHIVER_HOME": str(home), "PYTHONIOENCODING": "utf-8"})
    return subprocess.run([sys.executable, str(script)], cwd=home, capture_output=True,
                          text=True, timeout=600, env=environment)  # fmt: skip


def test_the_documented_examples_run_as_written(tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 3
    ran = _program("\n".join(blocks), tmp_path)
    assert ran.returncode == 0, ran.stderr[-3000:]
    lines = ran.stdout.splitlines()
    # What the comments beside the prints say they print.
    assert lines[0] == "ok 34 5"
    assert lines[1] == "ok 37 ok"
    assert lines[2] == "36 0"
    assert "2021-12-23 01:05:00+00:00 2021-12-23 minute" in lines
    assert "2021-12-24 09:00:00+00:00" in lines
    assert "題 [('3', '名無し')]" in lines
    # Three runs of one program, each its own crawl_runs row, all ok.
    runs = query(str(tmp_path / "example.sqlite3"), "SELECT command, status FROM crawl_runs "
                 "ORDER BY id")  # fmt: skip
    assert runs == [{"command": c, "status": "ok"} for c in ("scrape", "crawl", "scrape")]


def test_a_crawl_whose_child_dies_is_a_failed_run_saying_so(tmp_path: Path) -> None:
    code = textwrap.dedent("""
        import os, signal, threading, time
        from archiver import scrape
        from archiver.demo import demo_site

        LOOPBACK = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}
        with demo_site() as site:
            assert scrape(site.seed_url, db="a.sqlite3", settings=LOOPBACK).status == "ok"

            def kill_the_child():  # the second crawl runs in a child: kill it as it starts
                time.sleep(1.5)
                os.system("pkill -9 -f archiver.crawling.process")

            threading.Thread(target=kill_the_child).start()
            slow = {**LOOPBACK, "DOWNLOAD_DELAY": 5}
            result = scrape(site.seed_url, db="a.sqlite3", settings=slow)
            print(result.status, result.exit_code, result.stats.get("archiver/child_exit"))
    """)
    ran = _program(code, tmp_path)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert ran.stdout.split() == ["failed", "1", "-9"]
    assert "child process died (exit -9)" in ran.stderr


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo")
    assert run_archiver("demo", home=home).returncode == 0
    return home / "demo.sqlite3"


def test_archive_read_gives_what_the_reading_commands_print(demo: Path, tmp_path: Path) -> None:
    with Archive.read(str(demo)) as archive:
        seed = archive.search("ロシア", limit=1)
        thread = archive.thread(seed[0].article_id)
        stats = archive.stats()
        written = archive.export("comments", tmp_path / "comments.jsonl", format="jsonl")
        with pytest.raises(ArticleNotFound):
            archive.thread("https://example.invalid/nothing/")
    assert thread.walk() and all(node.depth >= 1 for node in thread.walk())
    assert stats.articles == 37 and written == stats.comments + stats.deleted_comments + stats.pings
    shown = run_archiver(
        "thread", str(thread.article_id), "--json", "--db", str(demo), home=tmp_path
    )
    assert shown.returncode == 0 and f'"id": {thread.article_id}' in shown.stdout


def test_the_public_names_load_on_first_use() -> None:
    assert set(archiver.__all__) >= {"Archive", "scrape", "crawl", "reparse", "import_warc",
                                     "parse_date", "extract_page"}  # fmt: skip
    for name in archiver.__all__:
        assert getattr(archiver, name) is not None
    with pytest.raises(AttributeError):
        archiver.no_such_name  # noqa: B018
    cheap = subprocess.run([sys.executable, "-c", "import sys, archiver; print('scrapy' in "
                            "sys.modules, 'sqlalchemy' in sys.modules)"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    assert cheap.stdout.split() == ["False", "False"]
