"""Takedowns (issue 19, item 9): `archiver redact` hides a comment or an article from every
reader and every later write, records who, when and why, and `--purge` deletes the text for
good, from the database and from the raw captures, leaving a tombstone."""

from __future__ import annotations

import gzip
import importlib.util
import json
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver import api, maintenance
from archiver.config import resolve_db_url, warc_dir
from archiver.db.engine import make_engine, open_archive
from archiver.db.lock import crawl_lock
from archiver.db.redaction import RedactionError
from archiver.parse.extraction import extract_page
from archiver.parse.profiles import load_profile
from archiver.parse.replytree import build_thread
from archiver.parse.scrub import REDACTED, Wanted, scrub_html, scrub_rest
from archiver.parse.urls import site_domain
from archiver.read.export import export
from archiver.read.search import search
from archiver.read.serve import PLUGINS
from archiver.read.thread import find_article, load_thread
from archiver.sitegen.loopback import LocalSite, Page
from archiver.warc.reader import index_files, load_response, warc_files
from tests.archive_reader import query
from tests.conftest import FAST, free_port, run_archiver
from tests.family_markup import FAMILIES, SPRING, Comment, page
from tests.test_analysts import _get_json

SECRET = "秘密の電話番号は〇九〇の一二三四です。"
NAME = "実名花子"
# The seed thread of the families, one reply of it carrying what its writer asked to erase.
THREAD = tuple(
    Comment(c.id, c.parent, NAME, c.day, c.time, (SECRET, "明日また行ってみます。"), c.votes)
    if c.id == 104
    else c
    for c in SPRING
)
URL = "http://127.0.0.1:8000/2024/02/29/haru/"


def _readings(html: str) -> list[tuple]:
    comments = extract_page(html, URL, load_profile("127.0.0.1")).comments
    return [(c.external_id, c.author, c.body_text, c.depth, c.posted_raw) for c in comments]


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_a_comment_is_cut_out_of_every_family_leaving_the_others_as_they_were(
    family: str,
) -> None:
    html = page(THREAD, family)
    before = _readings(html)
    target = next(i for i, r in enumerate(before) if SECRET in r[2])
    scrubbed = scrub_html(html, URL, load_profile("127.0.0.1"), Wanted("104", NAME, None))
    assert scrubbed.found and scrubbed.text is not None
    assert SECRET not in scrubbed.text
    assert scrubbed.author_cut and NAME not in scrubbed.text
    after = _readings(scrubbed.text)
    assert after[target][2] == REDACTED
    assert [r for i, r in enumerate(after) if i != target] == [
        r for i, r in enumerate(before) if i != target
    ]


def test_a_comment_without_a_site_id_is_found_by_its_author_and_date() -> None:
    html = page(THREAD, "legacy-walker")
    profile = load_profile("127.0.0.1")
    comments = extract_page(html, URL, profile).comments
    build_thread(comments)
    target = next(c for c in comments if SECRET in c.body_text)
    wanted = Wanted("k" + "0" * 20, NAME, target.posted_raw)
    scrubbed = scrub_html(html, URL, profile, wanted)
    assert scrubbed.text is not None and SECRET not in scrubbed.text
    assert not scrub_html(html, URL, profile, Wanted("999")).found


def test_a_rest_answer_loses_the_comment_text_author_and_avatar() -> None:
    answer = json.dumps([
        {"id": 104, "author_name": NAME, "author_url": "https://example.jp/hanako",
         "author_avatar_urls": {"48": "https://gravatar.example/abc"},
         "content": {"rendered": f"<p>{SECRET}</p>"}},
        {"id": 105, "author_name": "鈴木", "content": {"rendered": "<p>週末には満開</p>"}},
    ], ensure_ascii=False)  # fmt: skip
    scrubbed = scrub_rest(answer, Wanted("104"))
    assert scrubbed.found and scrubbed.text is not None
    for gone in (SECRET, NAME, "hanako", "gravatar"):
        assert gone not in scrubbed.text
    assert json.loads(scrubbed.text)[1] == json.loads(answer)[1]


@settings(max_examples=60, deadline=None)
@given(
    junk=st.text(alphabet=st.sampled_from("<>/=\"' pdivlcoment-12抜け\n"), max_size=300),
    key=st.sampled_from(["1", "104", "k" + "0" * 20, ""]),
)
def test_scrubbing_never_raises_on_junk(junk: str, key: str) -> None:
    scrubbed = scrub_html(junk, URL, load_profile("127.0.0.1"), Wanted(key, "x", None))
    assert scrubbed.text is None or REDACTED in scrubbed.text
    scrub_rest(junk, Wanted(key))


def _payloads(directory: Path) -> list[bytes]:
    """Every capture's payload as a reader gets it (content encodings undone, revisits
    resolved), and every record's raw bytes."""
    files = warc_files(directory)
    captures, originals = index_files(files)
    bodies = [load_response(c, originals).body for c in captures]
    raw = [gzip.decompress(path.read_bytes()) for path in files]
    return bodies + raw


def _hidden_everywhere(url: str, db: str, tmp_path: Path) -> None:
    """Neither the text nor the name shows in a thread, a search or an export (read as the
    commands read them), nor anywhere in the public tables."""
    engine = make_engine(resolve_db_url(db), read_only=True)
    try:
        thread = load_thread(engine, find_article(engine, url), include_deleted=True)
        shown = json.dumps(thread.as_dict(), ensure_ascii=False, default=str)
        assert SECRET not in shown and NAME not in shown and '"redacted": true' in shown
        assert not search(engine, "電話番号") and not search(engine, "電話")
        out = tmp_path / "threads.jsonl"
        for dataset in ("comments", "threads"):
            export(engine, dataset, "jsonl", out)
            assert SECRET not in out.read_text() and NAME not in out.read_text()
    finally:
        engine.dispose()
    public = query(db, "SELECT author, body_text, body_html FROM comments "
                       "UNION ALL SELECT '', coalesce(body_text, ''), coalesce(body_text_before, '')"
                       " FROM comment_history")  # fmt: skip
    assert not any(SECRET in str(v) or NAME in str(v) for row in public for v in row.values())


def test_a_takedown_hides_survives_crawls_and_reparse_and_a_purge_erases_it(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHIVER_HOME", str(tmp_path))  # where the commands keep PG's WARCs
    html = page(THREAD, "legacy-walker").encode()
    edited = html.replace("明日また行ってみます。".encode(), "明日また行ってみます!".encode())
    pages = {
        "/2024/02/29/haru/": Page(gzip.compress(html), headers=(("Content-Encoding", "gzip"),))
    }
    with LocalSite(pages, ("127.0.0.1", 0)) as site:
        url = site.url("/2024/02/29/haru/")
        for _ in range(2):  # the second fetch is a revisit record of the first's payload
            run = run_archiver("scrape", url, "--db", db_url, *FAST, home=tmp_path)
            assert run.returncode == 0, run.stderr
        before = query(db_url, "SELECT external_id, author, body_text, votes FROM comments "
                               "ORDER BY position")  # fmt: skip
        assert any(r["body_text"].startswith(SECRET) for r in before)

        hidden = run_archiver("redact", f"{url}#comment-104", "--reason", "削除依頼 (本人)",
                              "--by", "編集部", "--db", db_url, home=tmp_path)  # fmt: skip
        assert hidden.returncode == 0, hidden.stderr
        assert "redaction 1" in hidden.stdout and "hidden" in hidden.stdout
        _hidden_everywhere(url, db_url, tmp_path)
        vault = query(db_url, "SELECT table_name, column_name, value FROM redaction_vault")
        assert {(v["column_name"], v["value"]) for v in vault} >= {("author", NAME)}
        listed = run_archiver("redact", "--list", "--json", "--db", db_url, home=tmp_path)
        (entry,) = json.loads(listed.stdout)["items"]
        assert (entry["requested_by"], entry["reason"], entry["scope"]) == (
            "編集部",
            "削除依頼 (本人)",
            "comment",
        )

        # The site still shows it, edited: a crawl keeps it hidden and records no edit of it.
        pages["/2024/02/29/haru/"] = Page(edited)
        again = run_archiver("scrape", url, "--db", db_url, *FAST, home=tmp_path)
        assert again.returncode == 0, again.stderr
        _hidden_everywhere(url, db_url, tmp_path)
        assert api.reparse(db=db_url).ok
        _hidden_everywhere(url, db_url, tmp_path)

        assert maintenance.lift_redaction("1", by="編集部", db=db_url).lifted_at is not None
        back = query(db_url, "SELECT author, body_text FROM comments WHERE external_id = '104'")
        assert back == [{"author": NAME, "body_text": f"{SECRET}\n\n明日また行ってみます。"}]
        assert query(db_url, "SELECT count(*) AS n FROM redaction_vault") == [{"n": 0}]

        purged = run_archiver("redact", f"{url}#comment-104", "--purge", "--reason",
                              "erasure request", "--db", db_url, home=tmp_path)  # fmt: skip
        assert purged.returncode == 0, purged.stderr
        assert "records cut" in purged.stdout
        _hidden_everywhere(url, db_url, tmp_path)
        assert query(db_url, "SELECT count(*) AS n FROM redaction_vault") == [{"n": 0}]
        directory = warc_dir(resolve_db_url(db_url))
        payloads = _payloads(directory)
        assert len(payloads) > 4
        for payload in payloads:
            assert SECRET.encode() not in payload and NAME.encode() not in payload
        assert maintenance.check_db(db=db_url)[1] == []
        # Purged: no lift brings it back; purging again changes nothing.
        with pytest.raises(RedactionError, match="purged"):
            maintenance.lift_redaction("2", by="x", db=db_url)
        _, report = maintenance.redact(
            f"{url}#comment-104", reason="again", by="x", purge=True, db=db_url
        )
        assert report is not None and report.already

        # The site goes on showing it: a crawl says its raw capture holds the text again, and
        # purging again cuts it out of that capture.
        shown = run_archiver("scrape", url, "--db", db_url, *FAST, home=tmp_path)
        assert shown.returncode == 0, shown.stderr
        assert "still shows 1 purged comment" in shown.stderr
        _hidden_everywhere(url, db_url, tmp_path)
        _, report = maintenance.redact(
            f"{url}#comment-104", reason="again", by="x", purge=True, db=db_url
        )
        assert report is not None and report.records_scrubbed == 1 and not report.already
        for payload in _payloads(directory):
            assert SECRET.encode() not in payload and NAME.encode() not in payload

    # The archive lost: the raw captures rebuild every other comment as it was, the erased one
    # as a tombstone.
    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()
    (rebuilt / "warc").symlink_to(directory)
    assert api.reparse(db=str(rebuilt / "archive.sqlite3")).ok
    rows = query(str(rebuilt / "archive.sqlite3"),
                 "SELECT external_id, author, body_text, votes FROM comments ORDER BY position")  # fmt: skip
    assert [r for r in rows if r["external_id"] != "104"] == [
        r for r in before if r["external_id"] != "104"
    ]
    assert [r["body_text"] for r in rows if r["external_id"] == "104"] == [REDACTED]


def test_an_article_purge_removes_its_raw_captures_and_keeps_the_others(tmp_path: Path) -> None:
    db = str(tmp_path / "archive.sqlite3")
    other = page(SPRING, "cocoon").replace("postid-77", "postid-78").replace("?p=77", "?p=78")
    pages = {"/a/": Page(page(THREAD, "legacy-walker").encode()), "/b/": Page(other.encode())}
    with LocalSite(pages) as site:
        for path in pages:
            run = run_archiver("scrape", site.url(path), "--db", db, *FAST, home=tmp_path)
            assert run.returncode == 0, run.stderr
        target, kept = site.url("/a/"), site.url("/b/")
    before = query(db, "SELECT c.body_text FROM comments c JOIN articles a ON a.id = c.article_id "
                       "WHERE a.url = :u ORDER BY position", u=kept)  # fmt: skip
    directory = warc_dir(resolve_db_url(db))
    # What a purge killed before its commit leaves: the new files, whole or in part.
    originals = {path.name: path.read_bytes() for path in warc_files(directory)}
    files = "SELECT DISTINCT warc_file FROM captures WHERE url = :u"
    ((held,), (kept_file,)) = (
        [r["warc_file"] for r in query(db, files, u=u)] for u in (target, kept)
    )
    for name in originals:
        stray = directory / name.replace(".warc.gz", "~r1.warc.gz")
        stray.write_bytes(b"a killed purge's file")
        stray.with_name(stray.name + ".part").write_bytes(b"and its part")
    # A crawl of the site runs: nothing is hidden or purged meanwhile (it could write the text
    # back), and the command says to run it again.
    engine = make_engine(resolve_db_url(db))
    with crawl_lock(engine, [site_domain(target)]):
        locked = run_archiver("redact", target, "--reason", "x", "--db", db, home=tmp_path)
    engine.dispose()
    assert locked.returncode == 75 and "run it again" in locked.stderr
    purged = run_archiver("redact", target, "--purge", "--reason", "記事の削除依頼",
                          "--db", db, home=tmp_path)  # fmt: skip
    assert purged.returncode == 0, purged.stderr
    assert not list(directory.glob("*.part"))
    left = {p.name for p in warc_files(directory)}
    assert held not in left and kept_file in left and len(left) == 2
    # Killed after its commit: the old file is back; purging again deletes it.
    (directory / held).write_bytes(originals[held])
    _, report = maintenance.redact(target, reason="again", by="x", purge=True, db=db)
    assert report is not None and report.already
    assert {p.name for p in warc_files(directory)} == left
    (article,) = query(db, "SELECT title, body_text, redaction_id FROM articles WHERE url = :u",
                       u=target)  # fmt: skip
    assert article == {"title": None, "body_text": None, "redaction_id": 1}
    assert query(db, "SELECT count(*) AS n FROM comments WHERE body_text != ''"
                     " AND article_id = (SELECT id FROM articles WHERE url = :u)", u=target) == [
        {"n": 0}]  # fmt: skip
    captures, _ = index_files(warc_files(directory))
    assert target not in {c.url for c in captures}
    assert kept in {c.url for c in captures}
    for payload in _payloads(directory):
        assert SECRET.encode() not in payload
    assert maintenance.check_db(db=db)[1] == []
    after = query(db, "SELECT c.body_text FROM comments c JOIN articles a ON a.id = c.article_id "
                      "WHERE a.url = :u ORDER BY position", u=kept)  # fmt: skip
    assert after == before


def test_serve_never_reads_the_vault_whatever_the_sql(tmp_path: Path) -> None:
    """Datasette runs any SQL: its connections read redaction_vault.value as NULL."""
    pytest.importorskip("datasette")
    plugin = PLUGINS / "redaction_guard.py"  # loaded by Datasette from its file, no package
    spec = importlib.util.spec_from_file_location("redaction_guard", plugin)
    assert spec is not None and spec.loader is not None
    redaction_guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(redaction_guard)

    connection = sqlite3.connect(tmp_path / "a.sqlite3")
    connection.execute("CREATE TABLE redaction_vault (id INTEGER, value TEXT)")
    connection.execute("INSERT INTO redaction_vault VALUES (1, ?)", (SECRET,))
    redaction_guard.prepare_connection(connection)
    assert connection.execute("SELECT value FROM redaction_vault").fetchall() == [(None,)]
    assert connection.execute(
        "SELECT (SELECT group_concat(value) FROM redaction_vault) || 'x'"
    ).fetchall() == [(None,)]
    assert connection.execute("SELECT id FROM redaction_vault").fetchall() == [(1,)]


def test_archiver_serve_loads_the_guard(tmp_path: Path) -> None:
    """Through the real Datasette `archiver serve` starts: any SQL reads the vault as NULL."""
    pytest.importorskip("datasette")
    db = tmp_path / "archive.sqlite3"
    open_archive(resolve_db_url(str(db))).dispose()
    with sqlite3.connect(db) as connection:
        connection.execute("INSERT INTO redaction_vault (redaction_id, table_name, row_id, "
                           "column_name, value) VALUES (1, 'comments', 1, 'author', ?)", (NAME,))  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "archiver", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        sql = urllib.parse.quote("SELECT value, row_id FROM redaction_vault")
        rows = _get_json(f"http://127.0.0.1:{port}/archive.json?sql={sql}&_shape=array",
                         time.monotonic() + 60)  # fmt: skip
        assert rows == [{"value": None, "row_id": 1}]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_redact_says_what_is_wrong_in_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "archive.sqlite3")
    open_archive(resolve_db_url(db)).dispose()
    missing = run_archiver("redact", "http://127.0.0.1:9/none/", "--reason", "x", "--db", db,
                           home=tmp_path)  # fmt: skip
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: no stored article")
    assert "Traceback" not in missing.stderr
    no_reason = run_archiver("redact", "http://127.0.0.1:9/none/", "--db", db, home=tmp_path)
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
