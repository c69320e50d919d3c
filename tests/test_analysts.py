"""The analyst commands (thread, search, export, stats, serve) on an archive filled from the fixtures.

The archive: the seed thread stored, then its changed copy (edits, votes, a deletion, two new
replies), then a few synthetic articles of another site, each by its own run.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from archiver.cli import main
from archiver.config import resolve_db_url
from archiver.db.engine import open_archive
from archiver.db.schema_doc import schema_descriptions, schema_reference
from archiver.db.store import ArchiveStore
from archiver.read.export import DATASETS, dataset_query, export
from archiver.read.serve import datasette_metadata
from archiver.read.thread import load_thread
from tests.archive_reader import typed_rows
from tests.conftest import free_port
from tests.seed_items import SEED_URL, changed_seed_item, seed_item
from tests.synthetic import synthetic_item

FIRST = datetime(2021, 12, 25, 12, tzinfo=UTC)
SECOND = FIRST + timedelta(days=1)
DOCS = Path(__file__).parents[1] / "docs" / "analysts.md"
ANALYST_COMMANDS = ("thread", "search", "export", "stats", "serve")


def fill(engine: Engine) -> None:
    store = ArchiveStore(engine)
    store.store_article(seed_item(FIRST), store.start_run("scrape", {"url": SEED_URL}))
    store.store_article(changed_seed_item(SECOND), store.start_run("scrape", {"url": SEED_URL}))
    run = store.start_run("crawl", None)
    for number in range(1, 4):
        store.store_article(synthetic_item(number, 30, SECOND + timedelta(hours=1)), run)


@pytest.fixture(scope="module")
def sqlite_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = str(tmp_path_factory.mktemp("analysts") / "archive.sqlite3")
    engine = open_archive(resolve_db_url(path))
    fill(engine)
    engine.dispose()
    yield path


@pytest.fixture
def archive(request: pytest.FixtureRequest, db_url: str) -> Iterator[tuple[str, Engine]]:
    """Both backends, for the tests whose SQL differs between them."""
    if "://" not in db_url:
        db_url = request.getfixturevalue("sqlite_archive")
        engine = open_archive(resolve_db_url(db_url))
    else:
        engine = open_archive(resolve_db_url(db_url))
        fill(engine)
    try:
        yield db_url, engine
    finally:
        engine.dispose()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver", *args], capture_output=True, text=True, timeout=120
    )


# --- thread ---------------------------------------------------------------------------------


def test_thread_prints_the_tree_in_display_order(sqlite_archive: str) -> None:
    result = CliRunner().invoke(main, ["thread", SEED_URL, "--db", sqlite_archive])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("期限を切ってきたロシア")
    assert lines[2] == "35 comments (times in Asia/Tokyo)"
    comments = lines[3:]
    assert len(comments) == 35  # 34 + 2 new replies − 1 deleted
    # position, indentation by depth, author, local date, votes, first line
    assert comments[0].startswith("   1 匿名 2021-12-23 ▲8  演習としてバルト海に")
    assert comments[1].startswith("   2   匿名 2021-12-23 ▲30  今のNATOに")
    assert "\x1b[" not in result.output  # no colors into a pipe


def test_thread_as_json_nests_replies_and_can_show_deleted(sqlite_archive: str) -> None:
    result = CliRunner().invoke(main, ["thread", "1", "--json", "--db", sqlite_archive])
    tree = json.loads(result.output)
    assert tree["article"]["url"] == SEED_URL

    def walk(nodes: list[dict], parent_depth: int = 0) -> Iterator[dict]:
        for node in nodes:
            assert node["depth"] == parent_depth + 1
            yield node
            yield from walk(node["replies"], node["depth"])

    nodes = list(walk(tree["comments"]))
    assert [n["position"] for n in nodes] == sorted(n["position"] for n in nodes)
    assert len(nodes) == 35 and all(n["deleted_at"] is None for n in nodes)
    assert nodes[0]["posted_local"] == "2021-12-23" and nodes[0]["posted_precision"] == "day"
    with_deleted = json.loads(
        CliRunner()
        .invoke(main, ["thread", "1", "--json", "--deleted", "--db", sqlite_archive])
        .output
    )
    assert len(list(walk(with_deleted["comments"]))) == 36


def test_thread_of_a_missing_article_is_one_error_line(sqlite_archive: str) -> None:
    result = run("thread", "https://grandfleet.info/nothing/", "--db", sqlite_archive)
    assert result.returncode == 1
    assert result.stderr == "error: no stored article is 'https://grandfleet.info/nothing/'\n"
    missing = run("thread", "1", "--db", str(Path(sqlite_archive).with_name("nope.sqlite3")))
    assert missing.returncode == 1 and missing.stderr.startswith("error: no archive at ")
    assert not Path(sqlite_archive).with_name("nope.sqlite3").exists()  # nothing created


def test_thread_tree_is_consistent_on_both_backends(archive) -> None:
    _, engine = archive
    for article_id in (1, 2, 3, 4):
        thread = load_thread(engine, article_id)
        nodes = thread.walk()
        assert len({id(n) for n in nodes}) == len(nodes)
        for node in nodes:
            assert all(reply.depth == node.depth + 1 for reply in node.replies)


# --- search ---------------------------------------------------------------------------------

# Twenty phrases of the seed thread: 1–2 characters, long ones, both widths, case.
PHRASES = [
    "東欧", "交渉", "米", "NATO", "ＮＡＴＯ", "nato", "プーチン", "極超音速", "ウクライナ",
    "バルト海", "ペテルブルグ", "ドンバス", "AUKUS", "ＡＵＫＵＳ", "南オセチア紛争",
    "ワルシャワ条約機構", "ミュンヘン会談", "グレンコ・アンドリー", "ツクテーン", "2000億ドル",
]  # fmt: skip
ABSENT = ["存在しない語句", "量子コンピュータ", "火星", "ＸＹＺ"]


@pytest.mark.parametrize("phrase", PHRASES)
def test_search_finds_each_phrase(sqlite_archive: str, phrase: str) -> None:
    result = CliRunner().invoke(main, ["search", phrase, "--json", "--db", sqlite_archive])
    hits = json.loads(result.output)["items"]
    assert hits, phrase
    seed_hits = [h for h in hits if h["url"].startswith(SEED_URL)]
    assert seed_hits
    for hit in seed_hits:
        marked = hit["snippet"].split("[", 1)[1].split("]", 1)[0]
        assert marked.lower() in {phrase.lower(), *_widths(phrase)}
        assert hit["article_title"].startswith("期限を切ってきたロシア")


@pytest.mark.parametrize("phrase", ABSENT)
def test_search_finds_nothing_for_absent_phrases(sqlite_archive: str, phrase: str) -> None:
    result = CliRunner().invoke(main, ["search", phrase, "--json", "--db", sqlite_archive])
    assert json.loads(result.output)["items"] == []


def test_search_on_postgresql_too(pg_url: str) -> None:
    engine = open_archive(resolve_db_url(pg_url))
    fill(engine)
    engine.dispose()
    for phrase in ("東欧", "ＡＵＫＵＳ", "グレンコ・アンドリー"):
        hits = json.loads(
            CliRunner().invoke(main, ["search", phrase, "--json", "--db", pg_url]).output
        )["items"]
        assert hits, phrase
    assert (
        json.loads(CliRunner().invoke(main, ["search", "火星", "--json", "--db", pg_url]).output)[
            "items"
        ]
        == []
    )


def test_search_text_output_has_title_snippet_and_link(sqlite_archive: str) -> None:
    result = run("search", "ツクテーン", "--site", "grandfleet.info", "--db", sqlite_archive)
    assert result.returncode == 0
    title, snippet, link, count = result.stdout.splitlines()
    assert title.startswith("期限を切ってきたロシア") and title.endswith(
        "2021-12-23"
    )  # the day in Japan
    assert snippet.strip() == "ワイは好きやで(ツクテーン"  # marks gone when piped
    assert link.strip().startswith(SEED_URL + "#comment-")
    assert count == "1 hit"


def _widths(phrase: str) -> set[str]:
    from archiver.read.search import width_variants

    return {v.lower() for v in width_variants(phrase)}


# --- export ---------------------------------------------------------------------------------


def _expected(engine: Engine, dataset: str) -> list[dict]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(dataset_query(dataset))]  # type: ignore[arg-type]


def _typed(value: str, column_type: object) -> object:
    from sqlalchemy import JSON, Date, Integer

    from archiver.db.types import UTCDateTime

    if value == "":
        return None
    if isinstance(column_type, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    if isinstance(column_type, Integer):
        return int(value)
    if isinstance(column_type, JSON):
        return json.loads(value)
    return value


def _comparable(rows: list[dict]) -> list[dict]:
    # CSV has one empty field for NULL and for ''; text columns compare with '' as None.
    return [{k: (None if v == "" else v) for k, v in row.items()} for row in rows]


@pytest.mark.parametrize("dataset", DATASETS)
def test_csv_export_reads_back_equal(archive, tmp_path: Path, dataset: str) -> None:
    _, engine = archive
    out = tmp_path / f"{dataset}.csv"
    assert export(engine, dataset, "csv", out, bom=True) == len(_expected(engine, dataset))  # type: ignore[arg-type]
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    types = {c.key: c.type for c in dataset_query(dataset).selected_columns}  # type: ignore[arg-type]
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = [{k: _typed(v, types[k]) for k, v in row.items()} for row in csv.DictReader(stream)]
    assert _comparable(rows) == _comparable(_expected(engine, dataset))


@pytest.mark.parametrize("dataset", DATASETS)
def test_jsonl_export_reads_back_equal(archive, tmp_path: Path, dataset: str) -> None:
    _, engine = archive
    out = tmp_path / f"{dataset}.jsonl"
    export(engine, dataset, "jsonl", out)  # type: ignore[arg-type]
    types = {c.key: c.type for c in dataset_query(dataset).selected_columns}  # type: ignore[arg-type]
    rows = []
    for line in out.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows.append(
            {
                k: _typed(v, types[k]) if isinstance(v, str) and not _is_text(types[k]) else v
                for k, v in row.items()
            }
        )
    assert rows == _expected(engine, dataset)


def _is_text(column_type: object) -> bool:
    from sqlalchemy import Date

    from archiver.db.types import UTCDateTime

    return not isinstance(column_type, UTCDateTime | Date)


@pytest.mark.parametrize("dataset", DATASETS)
def test_parquet_export_keeps_types(archive, tmp_path: Path, dataset: str) -> None:
    _, engine = archive
    out = tmp_path / f"{dataset}.parquet"
    export(engine, dataset, "parquet", out, batch=7)  # type: ignore[arg-type]  # many row groups
    table = pq.read_table(out)
    schema = table.schema
    assert schema.field("id").type == pa.int64()
    time_column = {"articles": "published_at", "comments": "posted_at", "threads": "posted_at"}
    assert schema.field(time_column[dataset]).type == pa.timestamp("us", tz="UTC")
    date_column = {"articles": "published_on", "comments": "posted_on", "threads": "posted_on"}
    assert schema.field(date_column[dataset]).type == pa.date32()
    assert schema.field("body_text").type == pa.string()
    expected = _expected(engine, dataset)
    rows = table.to_pylist()
    for row in rows:
        for name in ("tags", "sources", "related_urls", "arguments"):
            if name in row and row[name] is not None:
                row[name] = json.loads(row[name])
    assert rows == expected


def test_export_filters_and_stdout(sqlite_archive: str, tmp_path: Path) -> None:
    since = run("export", "comments", "-o", "-", "--format", "jsonl", "--since", "2021-12-26",
                "--site", "grandfleet.info", "--db", sqlite_archive)  # fmt: skip
    assert since.returncode == 0, since.stderr
    rows = [json.loads(line) for line in since.stdout.splitlines()]
    assert sorted(r["external_id"] for r in rows) == ["170500", "170501"]
    first_run = run("export", "articles", "-o", str(tmp_path / "a.csv"), "--up-to-run", "1",
                    "--db", sqlite_archive)  # fmt: skip
    assert first_run.stderr == f"1 articles rows written to {tmp_path / 'a.csv'} (csv)\n"
    parquet = str(tmp_path / "t.parquet")
    arguments = ["export", "threads", "-o", parquet, "--site", "example.jp", "--db", sqlite_archive]
    other_site = CliRunner().invoke(main, arguments)
    assert other_site.exit_code == 0
    assert pq.read_table(tmp_path / "t.parquet").num_rows == 90
    bad = run("export", "comments", "-o", "-", "--format", "parquet", "--db", sqlite_archive)
    assert bad.returncode == 2 and "Parquet cannot go to stdout" in bad.stderr
    assert not list(tmp_path.glob("*.part"))


def test_threads_export_is_in_tree_order(sqlite_archive: str, tmp_path: Path) -> None:
    engine = open_archive(resolve_db_url(sqlite_archive))
    export(engine, "threads", "jsonl", tmp_path / "t.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "t.jsonl").read_text().splitlines()]
    seed = [r for r in rows if r["article_id"] == 1 and r["deleted_at"] is None]
    assert [r["position"] for r in seed] == list(range(1, 36))
    by_id = {r["id"]: r for r in rows}
    for row in rows:
        if row["parent_id"] is not None:
            assert row["path"].startswith(by_id[row["parent_id"]]["path"] + "/")
    engine.dispose()


# --- stats ----------------------------------------------------------------------------------


def test_stats_json_and_table(sqlite_archive: str) -> None:
    result = CliRunner().invoke(main, ["stats", "--json", "--db", sqlite_archive])
    figures = json.loads(result.output)
    assert (figures["sites"], figures["articles"]) == (2, 4)
    assert figures["comments"] == 35 + 90 and figures["deleted_comments"] == 1
    assert figures["history_rows"] == 3
    assert figures["dated_share"] == 1.0
    assert figures["busiest"][0]["comments"] == 35
    assert figures["busiest"][0]["last_comment_on"] == "2021-12-26"
    assert [r["run_id"] for r in figures["runs"]] == [3, 2, 1]
    assert figures["runs"][2]["comments_extracted"] == 0  # stored straight, no crawl stats
    per_site = json.loads(
        CliRunner()
        .invoke(main, ["stats", "--json", "--site", "grandfleet.info", "--db", sqlite_archive])
        .output
    )
    assert (per_site["articles"], per_site["comments"]) == (1, 35)
    assert sum(day["comments"] for day in per_site["comments_per_day"]) == 35
    text = run("stats", "--db", sqlite_archive)
    assert text.returncode == 0
    assert "Busiest threads" in text.stdout and "Latest runs" in text.stdout


def test_stats_on_postgresql(pg_url: str) -> None:
    engine = open_archive(resolve_db_url(pg_url))
    fill(engine)
    engine.dispose()
    figures = json.loads(CliRunner().invoke(main, ["stats", "--json", "--db", pg_url]).output)
    assert (figures["articles"], figures["comments"], figures["history_rows"]) == (4, 125, 3)


# --- serve (Datasette) ----------------------------------------------------------------------


def test_schema_descriptions_cover_every_table_view_and_column(sqlite_archive: str) -> None:
    from archiver.db.models import VIEWS, Base

    described = schema_descriptions()
    tables = {name: {c.name for c in t.columns} for name, t in Base.metadata.tables.items()}
    assert {k: set(v["columns"]) for k, v in described["tables"].items()} == tables
    engine = open_archive(resolve_db_url(sqlite_archive))
    with engine.connect() as connection:
        for view in ("comment_tree", "article_stats"):
            actual = set(connection.exec_driver_sql(f"SELECT * FROM {view} LIMIT 0").keys())
            assert set(described["views"][view]["columns"]) == actual, view
            if view in VIEWS.tables:
                assert {c.name for c in VIEWS.tables[view].columns} == actual, view
    engine.dispose()
    metadata = datasette_metadata("archive")["databases"]["archive"]
    assert set(metadata["queries"]) == {"thread", "busiest_threads", "top_voted", "search"}


def _get_json(url: str, deadline: float) -> object:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_answers_canned_queries_read_only(sqlite_archive: str) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "archiver", "serve", "--db", sqlite_archive, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}/archive"
    try:
        deadline = time.monotonic() + 60
        top = _get_json(f"{base}/top_voted.json?_shape=array", deadline)
        assert isinstance(top, list) and top[0]["votes"] == max(r["votes"] for r in top)
        thread = _get_json(f"{base}/thread.json?_shape=array&article=1", deadline)
        assert isinstance(thread, list) and len(thread) == 35
        assert thread[1]["author"] == "  匿名"  # indented by depth
        found = _get_json(f"{base}/search.json?_shape=array&q=%E6%9D%B1%E6%AC%A7", deadline)  # 東欧
        assert isinstance(found, list) and found and all("東欧" in r["body_text"] for r in found)
        query = urllib.parse.quote("グレンコ・アンドリー")  # through the trigram index
        found = _get_json(f"{base}/search.json?_shape=array&q={query}", deadline)
        assert isinstance(found, list) and found
        assert all("グレンコ・アンドリー" in r["body_text"] for r in found)
        described = _get_json(f"http://127.0.0.1:{port}/-/metadata.json", deadline)
        assert isinstance(described, dict)
        columns = described["databases"]["archive"]["tables"]["comments"]["columns"]
        assert columns["position"].startswith("1..N")
        # Read-only: Datasette refuses writes through SQL.
        request = urllib.request.Request(
            f"{base}.json?sql=DELETE+FROM+comments&_shape=array", method="GET"
        )
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert _count(sqlite_archive) == 126
    # Datasette stopped with it: nothing is left serving the archive.
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{base}.json", timeout=5)


def _count(path: str) -> int:
    return len(typed_rows(path, "comments"))


def test_serve_refuses_postgresql() -> None:
    result = run("serve", "--db", "postgresql://postgres@127.0.0.1:5432/postgres")
    assert result.returncode == 2 and "SQLite" in result.stderr


# --- documentation --------------------------------------------------------------------------


def test_analyst_docs_cover_every_command_and_the_whole_schema() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for command in ANALYST_COMMANDS:
        assert f"archiver {command}" in text, command
    # The reference section is generated from schema.toml: it must be the current one.
    assert schema_reference() in text, "run: python -m archiver.db.schema_doc"
    described = schema_descriptions()
    for kind in ("tables", "views"):
        for name in described[kind]:
            assert f"### `{name}`" in text, name


def test_every_sql_example_in_the_docs_runs(sqlite_archive: str) -> None:
    import sqlite3

    text = DOCS.read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```sql\n")[1:]]
    assert len(blocks) >= 10
    connection = sqlite3.connect(f"file:{sqlite_archive}?mode=ro", uri=True)
    try:
        for block in blocks:
            connection.execute(block.replace(":article_id", "1").replace(":run_id", "2")).fetchall()
    finally:
        connection.close()


def test_serve_killed_with_9_takes_datasette_with_it(sqlite_archive: str) -> None:
    """Issue 19, item 6: however `archiver serve` dies, its Datasette does not stay behind
    holding the port and the archive."""
    import signal

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "archiver", "serve", "--db", sqlite_archive, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/archive"
    try:
        _get_json(f"{base}/top_voted.json?_shape=array", time.monotonic() + 60)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(f"{base}.json", timeout=2)
        except urllib.error.HTTPError:
            pass  # an answer: still serving
        except OSError:
            break
        assert time.monotonic() < deadline, "Datasette still serves after its parent died"
        time.sleep(0.2)
