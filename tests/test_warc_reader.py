"""WARC files written and read back without a crawl: records, revisits, rotation, junk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.warc.reader import index_file, index_files, load_response
from archiver.warc.writer import Original, WarcFiles

PAGE = "<html><head><title>記事</title></head><body><p>本文</p></body></html>".encode()
T0 = datetime(2026, 11, 1, 3, 0, 0, 123456, tzinfo=UTC)


def write(files: WarcFiles, url: str, body: bytes, at: datetime, status: int = 200):
    return files.write(
        url=url, fetched_at=at, method="GET", request_headers=[("User-Agent", "archiver")],
        request_body=b"", status=status, reason="OK",
        response_headers=[("Content-Type", "text/html; charset=utf-8")], body=body,
    )  # fmt: skip


def test_records_read_back_with_their_time_status_and_body(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path)
    first = write(files, "https://example.jp/a/", PAGE, T0)
    again = write(files, "https://example.jp/a/", PAGE, T0 + timedelta(hours=1))  # identical
    other = write(files, "https://example.jp/b/", b"", T0, status=304)
    files.close()
    # A 304 is a server-not-modified revisit: no payload, no payload digest (issue 20, item 6).
    assert (first.record_type, again.record_type, other.record_type) == (
        "response", "revisit", "revisit",
    )  # fmt: skip
    assert other.payload_digest is None
    assert again.warc_length < first.warc_length  # the payload is not stored twice
    captures, originals = index_files([tmp_path / first.warc_file])
    assert [c.record for c in sorted(captures, key=lambda c: c.record.warc_offset)] == [
        first, again, other,
    ]  # fmt: skip
    revisit = next(c for c in captures if c.record == again)
    response = load_response(revisit, originals)
    assert response.body == PAGE and response.text.startswith("<html>")
    assert response.url == "https://example.jp/a/" and response.status == 200


def test_an_earlier_runs_payload_is_a_revisit_too(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, find_original=lambda digest: Original("https://example.jp/a/", T0))
    record = write(files, "https://example.jp/a/", PAGE, T0 + timedelta(days=1))
    assert record.record_type == "revisit"


def test_files_rotate_past_their_size(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, max_size=2_000)
    records = [write(files, f"https://example.jp/{n}/", PAGE * 20 + bytes([n]), T0)
               for n in range(10)]  # fmt: skip
    files.close()
    names = {r.warc_file for r in records}
    assert len(names) > 3
    captures, _ = index_files(sorted(tmp_path.iterdir()))
    assert sorted(c.record.url for c in captures) == sorted(r.url for r in records)
    assert len({c.group for c in captures}) == 1  # one crawl, however many files


def test_a_truncated_file_gives_its_whole_records_and_a_warning(tmp_path: Path, caplog) -> None:
    files = WarcFiles(tmp_path)
    records = [write(files, f"https://example.jp/{n}/", PAGE + bytes([n]), T0) for n in range(5)]
    files.close()
    [path] = tmp_path.iterdir()
    data = path.read_bytes()
    path.write_bytes(data[: records[-1].warc_offset + 50])  # a writer killed mid-record
    found = list(index_file(path))
    assert [c.record for c in found] == records[:4]
    assert "unreadable after offset" in caplog.text


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(max_size=2_000))
def test_junk_never_raises(tmp_path: Path, junk: bytes) -> None:
    path = tmp_path / "junk.warc.gz"
    path.write_bytes(junk)
    assert isinstance(list(index_file(path)), list)
    path.write_bytes(b"WARC/1.1\r\n" + junk)
    assert isinstance(list(index_file(path)), list)


def test_another_tools_raw_chunked_gzip_capture_imports_like_a_fetch(tmp_path: Path) -> None:
    """Heritrix and Browsertrix keep the bytes as sent: chunked, gzip-encoded, WARC/1.0, no
    warcinfo. Reading them gives the page a fetch would have parsed, at the record's time."""
    import gzip
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from archiver.config import resolve_db_url
    from archiver.db.engine import open_archive
    from archiver.parse.prepare import prepare_page
    from archiver.warc.reparse import reparse
    from tests.archive_reader import query
    from tests.conftest import SEED_FIXTURE

    html = (SEED_FIXTURE / "page.html").read_bytes()
    url = ("https://grandfleet.info/european-region/russia-says-negotiations-with-nato-on-new-"
           "security-treaty-to-begin-in-january/")  # fmt: skip
    encoded = gzip.compress(html)
    chunked = (
        b"".join(
            b"%x\r\n%s\r\n" % (len(encoded[i : i + 4096]), encoded[i : i + 4096])
            for i in range(0, len(encoded), 4096)
        )
        + b"0\r\n\r\n"
    )
    path = tmp_path / "heritrix.warc.gz"
    with open(path, "wb") as output:
        writer = WARCWriter(output, gzip=True, warc_version="1.0")
        headers = StatusAndHeaders("200 OK", [
            ("Content-Type", "text/html; charset=UTF-8"), ("Content-Encoding", "gzip"),
            ("Transfer-Encoding", "chunked"),
        ], protocol="HTTP/1.1")  # fmt: skip
        writer.write_record(writer.create_warc_record(
            url, "response", payload=BytesIO(chunked), length=len(chunked), http_headers=headers,
            warc_headers_dict={"WARC-Date": "2021-12-24T03:00:00Z"},
        ))  # fmt: skip
    db = str(tmp_path / "archive.sqlite3")
    engine = open_archive(resolve_db_url(db))
    report = reparse(engine, [path], command="import-warc", source="import")
    engine.dispose()
    assert report.ok and report.articles_rebuilt == 1
    fetched_at = datetime(2021, 12, 24, 3, tzinfo=UTC)
    expected = prepare_page(html.decode("utf-8"), url, fetched_at)
    assert expected is not None and len(expected.comments) == 34
    stored = query(db, "SELECT external_id, depth, position, author, body_text, votes "
                       "FROM comments ORDER BY position")  # fmt: skip
    assert stored == [
        {"external_id": c.key, "depth": c.depth, "position": c.position, "author": c.author,
         "body_text": c.body_text, "votes": c.votes}
        for c in expected.comments
    ]  # fmt: skip
    article = query(db, "SELECT title, first_seen_at FROM articles")[0]
    assert article["title"] == expected.title
    assert article["first_seen_at"].startswith("2021-12-24 03:00:00")


def test_each_archive_keeps_its_raw_pages_apart(tmp_path: Path, monkeypatch) -> None:
    from archiver.config import resolve_db_url, warc_dir

    monkeypatch.delenv("ARCHIVER_WARC_DIR", raising=False)
    assert warc_dir(resolve_db_url(str(tmp_path / "archive.sqlite3"))) == tmp_path / "warc"
    assert warc_dir(resolve_db_url(str(tmp_path / "gf.sqlite3"))) == tmp_path / "warc-gf"
    monkeypatch.setenv("ARCHIVER_HOME", str(tmp_path / "home"))
    assert warc_dir(resolve_db_url("postgresql://127.0.0.1/archive")) == tmp_path / "home" / "warc"
    monkeypatch.setenv("ARCHIVER_WARC_DIR", str(tmp_path / "raw"))
    assert warc_dir(resolve_db_url(str(tmp_path / "gf.sqlite3"))) == tmp_path / "raw"
