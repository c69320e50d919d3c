"""import-warc takes what archiving tools write (issue 20, item 4): WARC files under any suffix
case, ARC files, WACZ packages; anything else is refused with one line and nothing kept."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import urllib.request
import zipfile
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.sitegen.loopback import LocalSite, Page
from archiver.warc.digests import normalized, spellings
from tests.archive_reader import query
from tests.archiving_tools import run_tool, wayback
from tests.conftest import FAST, FIXTURES, run_archiver
from tests.family_markup import SPRING, page

THREAD = "SELECT external_id, depth, position, author, posted_raw, body_text FROM comments " \
         "ORDER BY position"  # fmt: skip
HTML = page(SPRING, "legacy-walker").encode()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A scrape of one article: its archive and its WARC file."""
    home = tmp_path_factory.mktemp("crawled")
    db = home / "archive.sqlite3"
    with LocalSite({"/2024/02/29/haru/": Page(HTML)}) as site:
        result = run_archiver("scrape", site.url("/2024/02/29/haru/"), "--db", str(db), *FAST,
                              home=home)  # fmt: skip
    assert result.returncode == 0, result.stderr
    (warc,) = (home / "warc").glob("*.warc.gz")
    return db, warc


def _import(tmp_path: Path, *files: Path) -> tuple[object, str]:
    db = tmp_path / "imported.sqlite3"
    result = run_archiver("import-warc", *map(str, files), "--db", str(db), home=tmp_path)
    return result, str(db)


def test_junk_and_pages_under_a_warc_name_are_refused_keeping_nothing(
    crawled: tuple[Path, Path], tmp_path: Path
) -> None:
    junk = tmp_path / "random.warc.gz"
    junk.write_bytes(os.urandom(4096))
    saved = tmp_path / "page.warc.gz"
    saved.write_bytes(HTML)
    empty_zip = tmp_path / "empty.wacz"
    with zipfile.ZipFile(empty_zip, "w") as package:
        package.writestr("pages/pages.jsonl", "{}\n")
    for bad in (junk, saved, empty_zip):
        # With a good file beside it: the whole import is refused, the good file not kept.
        result, _ = _import(tmp_path, crawled[1], bad)
        assert result.returncode == 1, result.stderr  # type: ignore[attr-defined]
        lines = result.stderr.splitlines()  # type: ignore[attr-defined]
        assert len(lines) == 1 and lines[0].startswith("error: ") and str(bad) in lines[0]
        assert "not a WACZ" in lines[0] or "is not a WARC, ARC or WACZ file" in lines[0]
        assert not (tmp_path / "warc-imported").exists() or not any(
            (tmp_path / "warc-imported").iterdir()
        )


def test_a_warc_under_an_upper_case_suffix_is_imported(
    crawled: tuple[Path, Path], tmp_path: Path
) -> None:
    shouted = tmp_path / "SITE.WARC.GZ"
    shouted.write_bytes(crawled[1].read_bytes())
    result, db = _import(tmp_path, shouted)
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    assert query(db, THREAD) == query(str(crawled[0]), THREAD)
    (kept,) = (tmp_path / "warc-imported").iterdir()
    assert kept.name.startswith("import-SITE-") and kept.name.endswith(".warc.gz")


def arc_file(url: str, date: str, body: bytes) -> bytes:
    """An ARC (version 1) file of one HTTP response, as the Internet Archive's crawlers wrote
    them: a filedesc record, then `URL IP date type length` and the response."""
    desc = b"1 0 archiver-tests\nURL IP-address Archive-date Content-type Archive-length\n"
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)) + body  # fmt: skip
    return b"filedesc://test.arc 0.0.0.0 %s text/plain %d\n%s\n" % (
        date.encode(),
        len(desc),
        desc,
    ) + b"%s 127.0.0.1 %s text/html %d\n%s\n" % (url.encode(), date.encode(), len(http), http)


def test_an_arc_file_is_imported_as_warc(crawled: tuple[Path, Path], tmp_path: Path) -> None:
    (url,) = [r["url"] for r in query(str(crawled[0]), "SELECT url FROM articles")]
    arc = tmp_path / "old-crawl.arc"
    arc.write_bytes(arc_file(url, "20240301091500", HTML))
    result, db = _import(tmp_path, arc)
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    assert query(db, THREAD) == query(str(crawled[0]), THREAD)
    # Observed when the ARC record says it was fetched.
    assert query(db, "SELECT first_seen_at FROM articles") == [
        {"first_seen_at": "2024-03-01 09:15:00.000000"}
    ]
    (kept,) = (tmp_path / "warc-imported").iterdir()
    assert kept.name.endswith(".warc.gz")


def wacz(warc: Path, url: str) -> bytes:
    """A WACZ package as Browsertrix and ArchiveWeb.page write one: the WARC under archive/,
    pages/pages.jsonl (a header line, then one line per page), datapackage.json."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("archive/data.warc.gz", warc.read_bytes())
        package.writestr("pages/pages.jsonl",
                         '{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}\n'
                         + json.dumps({"url": url, "ts": "2024-03-01T09:15:00Z",
                                       "title": "春の便り"}) + "\n")  # fmt: skip
        package.writestr("datapackage.json", json.dumps({"profile": "data-package",
                                                         "wacz_version": "1.1.1"}))  # fmt: skip
    return out.getvalue()


def test_a_wacz_package_is_imported_and_again_changes_nothing(
    crawled: tuple[Path, Path], tmp_path: Path
) -> None:
    (url,) = [r["url"] for r in query(str(crawled[0]), "SELECT url FROM articles")]
    package = tmp_path / "crawl.WACZ"
    package.write_bytes(wacz(crawled[1], url))
    result, db = _import(tmp_path, package)
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    assert query(db, THREAD) == query(str(crawled[0]), THREAD)
    again, _ = _import(tmp_path, package)
    assert again.returncode == 0 and "1 compared, 0 changed" in again.stdout  # type: ignore[attr-defined]
    assert len(list((tmp_path / "warc-imported").iterdir())) == 1


def _archiveweb_page_file(path: Path, url: str, html: bytes, *, revisit_of: str | None) -> None:
    """A WARC file as ArchiveWeb.page writes it: `sha256:` and base16 payload digests (a revisit
    here `sha-256:` and base32, as another tool would)."""
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                            protocol="HTTP/1.1")  # fmt: skip
    digest = hashlib.sha256(html).digest()
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        if revisit_of is None:
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(html), length=len(html), http_headers=http,
                warc_headers_dict={"WARC-Date": "2024-03-01T09:15:00Z",
                                   "WARC-Payload-Digest": "sha256:" + digest.hex()},
            )  # fmt: skip
        else:
            record = writer.create_revisit_record(
                url, "sha-256:" + base64.b32encode(digest).decode(), url, revisit_of,
                http_headers=http, warc_headers_dict={"WARC-Date": "2024-03-05T08:00:00Z"},
            )  # fmt: skip
        writer.write_record(record)


def test_revisits_find_their_originals_across_files_runs_and_digest_spellings(
    crawled: tuple[Path, Path], tmp_path: Path
) -> None:
    (url,) = [r["url"] for r in query(str(crawled[0]), "SELECT url FROM articles")]
    first, later = tmp_path / "first.warc.gz", tmp_path / "later.warc.gz"
    _archiveweb_page_file(first, url, HTML, revisit_of=None)
    _archiveweb_page_file(later, url, HTML, revisit_of="2024-03-01T09:15:00Z")
    result, db = _import(tmp_path, first)
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    # Another run, another file: its revisit's original is one the archive already holds.
    result, db = _import(tmp_path, later)
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    assert "error" not in result.stderr  # type: ignore[attr-defined]
    assert query(db, THREAD) == query(str(crawled[0]), THREAD)
    assert query(db, "SELECT last_crawled_at FROM articles") == [
        {"last_crawled_at": "2024-03-05 08:00:00.000000"}
    ]


def test_two_files_of_one_name_are_two_files_and_reparse_rebuilds_both(
    crawled: tuple[Path, Path], tmp_path: Path
) -> None:
    """Two crawls' `pages.warc.gz` from two folders (issue 20, item 3): both kept, and a
    reparse of the archive's WARC files alone gives back both articles."""
    (url,) = [r["url"] for r in query(str(crawled[0]), "SELECT url FROM articles")]
    other = url.replace("/haru/", "/natsu/")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "pages.warc.gz").write_bytes(crawled[1].read_bytes())
    another_post = HTML.replace(b"77", b"78")  # its WordPress post id: another article
    _archiveweb_page_file(tmp_path / "b" / "pages.warc.gz", other, another_post, revisit_of=None)
    for folder in ("a", "b"):
        result, db = _import(tmp_path, tmp_path / folder / "pages.warc.gz")
        assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    assert len(list((tmp_path / "warc-imported").iterdir())) == 2
    Path(db).unlink()
    rebuilt = run_archiver("reparse", "--db", db, home=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert {r["url"] for r in query(db, "SELECT url FROM articles")} == {url, other}


def test_listing_pages_another_tool_captured_become_no_articles(
    crawled: tuple[Path, Path], tmp_path: Path
) -> None:
    """A mirror holds the home, archive and tag pages too (issue 20, item 7): their entries
    carry article signals, yet only the article pages become articles."""
    (url,) = [r["url"] for r in query(str(crawled[0]), "SELECT url FROM articles")]
    root = url.split("/2024/")[0]
    pages = {url: HTML, **{
        f"{root}/{case.name}/": (case / "page.html").read_bytes()
        for case in sorted((FIXTURES / "listings").iterdir())
    }}  # fmt: skip
    mirror = tmp_path / "mirror.warc.gz"
    with mirror.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for page_url, body in pages.items():
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                    protocol="HTTP/1.1")  # fmt: skip
            writer.write_record(writer.create_warc_record(
                page_url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                warc_headers_dict={"WARC-Date": "2024-03-01T09:15:00Z"}))  # fmt: skip
    result, db = _import(tmp_path, mirror)
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    assert query(db, "SELECT url FROM articles") == [{"url": url}]
    assert query(db, THREAD) == query(str(crawled[0]), THREAD)


def test_digests_compare_as_what_they_say() -> None:
    payload = hashlib.sha256(b"x").digest()
    forms = ["sha256:" + payload.hex(), "SHA-256:" + payload.hex().upper(),
             "sha-256:" + base64.b32encode(payload).decode(),
             "sha256:" + base64.b32encode(payload).decode().rstrip("=").lower()]  # fmt: skip
    assert len({normalized(f) for f in forms}) == 1
    assert set(forms[:3]) <= spellings(forms[0])
    sha1 = "sha1:" + base64.b32encode(hashlib.sha1(b"x").digest()).decode()
    assert normalized(sha1) == sha1  # ours, as warcio writes it
    assert normalized(None) is None and normalized("  ") is None
    assert normalized("garbage") == "sha1:GARBAGE"  # unreadable: compared as written


# What real archiving tools write (py-wacz and pywb, installed by `make test` in .venv/tools;
# Debian's wget is test_warc's).


def test_a_wacz_py_wacz_creates_imports_into_the_rows_of_the_scrape(
    crawled: tuple[Path, Path], tmp_path: Path
) -> None:
    package = tmp_path / "created.wacz"
    run_tool("wacz", "create", "-o", str(package), "--detect-pages", str(crawled[1]),
             cwd=tmp_path)  # fmt: skip
    result, db = _import(tmp_path, package)
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    assert query(db, THREAD) == query(str(crawled[0]), THREAD)


def test_what_pywb_records_through_its_proxy_imports_as_a_scrape_stores_it(
    crawled: tuple[Path, Path], tmp_path: Path
) -> None:
    run_tool("wb-manager", "init", "rec", cwd=tmp_path)
    with LocalSite({"/2024/02/29/haru/": Page(HTML)}) as site:
        url = site.url("/2024/02/29/haru/")
        with wayback(tmp_path, "--record", "--proxy", "rec", "--proxy-record") as port:
            proxy = urllib.request.ProxyHandler({"http": f"http://127.0.0.1:{port}"})
            with urllib.request.build_opener(proxy).open(url, timeout=60) as answer:
                assert answer.status == 200
    recorded = sorted((tmp_path / "collections" / "rec" / "archive").glob("*.warc.gz"))
    assert recorded
    result, db = _import(tmp_path, *recorded)
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    # The same thread as archiver's own scrape of the page (which has another port in its URL).
    ours = query(str(crawled[0]), THREAD)
    assert ours and query(db, THREAD) == ours
    assert query(db, "SELECT url FROM articles") == [{"url": url}]
