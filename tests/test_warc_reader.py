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
    assert (first.record_type, again.record_type, other.record_type) == (
        "response", "revisit", "response",
    )  # fmt: skip
    assert again.warc_length < first.warc_length  # the payload is not stored twice
    captures, originals = index_files([tmp_path / first.warc_file])
    assert [c.record for c in sorted(captures, key=lambda c: c.record.warc_offset)] == [
        first, again, other,
    ]  # fmt: skip
    revisit = next(c for c in captures if c.record.record_type == "revisit")
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
