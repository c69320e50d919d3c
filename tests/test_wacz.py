"""`archiver export wacz` (issue 20, item 9): the archive as a WACZ package that py-wacz's own
validator accepts, pywb replays (the seed article and a comment page), and import-warc reads
back into the same rows; filters, takedowns and tools other than ours."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import subprocess
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.demo import DEMO_ARTICLE_PATH
from archiver.parse.urls import site_domain
from archiver.sitegen.loopback import LocalSite, Page
from tests.archive_reader import query
from tests.archiving_tools import archiving_tool, run_tool, wayback
from tests.conftest import FAST, run_archiver
from tests.family_markup import SPRING
from tests.family_markup import page as family_page

HTML = family_page(SPRING, "legacy-walker").encode()
THREADS = ("SELECT a.url, c.external_id, c.depth, c.position, c.author, c.posted_raw, c.body_text "
           "FROM comments c JOIN articles a ON a.id = c.article_id ORDER BY a.url, c.position")  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo archive: the seed article and 36 generated ones with comment pages."""
    home = tmp_path_factory.mktemp("demo")
    result = run_archiver("demo", home=home)
    assert result.returncode == 0, result.stderr
    return home / "demo.sqlite3"


def _export(db: Path, output: Path, *options: str):
    return run_archiver("export", "wacz", "-o", str(output), *options, "--db", str(db),
                        home=output.parent)  # fmt: skip


def _pages(package: Path) -> list[dict]:
    with zipfile.ZipFile(package) as wacz:
        lines = wacz.read("pages/pages.jsonl").decode().splitlines()
    header, *pages = map(json.loads, lines)
    assert header["format"] == "json-pages-1.0"
    return pages


def _records(package: Path) -> Iterator[tuple[str, str, str, bytes]]:
    """(type, URL, payload digest, payload as the browser gets it) of every record packed."""
    with zipfile.ZipFile(package) as wacz:
        for name in wacz.namelist():
            if name.startswith("archive/"):
                with wacz.open(name) as stream:
                    for record in ArchiveIterator(stream):
                        headers = record.rec_headers
                        yield (record.rec_type, headers.get_header("WARC-Target-URI") or "",
                               headers.get_header("WARC-Payload-Digest") or "",
                               record.content_stream().read())  # fmt: skip


def _payloads(package: Path) -> dict[str, bytes]:
    """Each captured URL's latest payload in the package, a revisit's found by digest."""
    by_digest: dict[str, bytes] = {}
    revisits: dict[str, str] = {}
    payloads: dict[str, bytes] = {}
    for kind, url, digest, payload in _records(package):
        if kind == "response":
            payloads[url] = by_digest[digest] = payload
        elif kind == "revisit":
            revisits[url] = digest
    return {**payloads, **{url: by_digest[digest] for url, digest in revisits.items()}}


def _validate(package: Path) -> subprocess.CompletedProcess:
    return subprocess.run([archiving_tool("wacz"), "validate", "-f", str(package)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip


@contextmanager
def _replaying(root: Path, package: Path) -> Iterator[str]:
    """pywb serving `package` as collection `archive`; the collection's base URL."""
    run_tool("wb-manager", "init", "archive", cwd=root)
    run_tool("wb-manager", "add", "--unpack-wacz", "archive", str(package), cwd=root)
    with wayback(root) as port:
        yield f"http://127.0.0.1:{port}/archive"


def _replayed(base: str, page: dict) -> bytes:
    """The page as pywb replays it, unmodified (id_), at the time pages.jsonl gives."""
    stamp = "".join(ch for ch in page["ts"] if ch.isdigit())
    with urllib.request.urlopen(f"{base}/{stamp}id_/{page['url']}", timeout=60) as answer:
        assert answer.status == 200
        body = answer.read()
        if answer.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
    return body


def test_the_demo_archive_packed_validates_and_replays_in_pywb(demo: Path, tmp_path: Path) -> None:
    package = tmp_path / "demo.wacz"
    result = _export(demo, package)
    assert result.returncode == 0, result.stderr
    assert "37 article pages" in result.stderr
    validated = _validate(package)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "the passed WACZ is valid" in validated.stdout

    pages = _pages(package)
    articles = [page for page in pages if "article" not in page]
    stored = {
        row["url"]: row["title"] for row in query(str(demo), "SELECT url, title FROM articles")
    }
    assert {page["url"]: page["title"] for page in articles} == stored
    for page in pages:  # comment pages follow their article
        if "article" in page:
            assert page["url"].startswith(page["article"]) and page["article"] in stored
    (seed,) = [page for page in articles if page["url"].endswith(DEMO_ARTICLE_PATH)]
    comment_page = next(page for page in pages if "article" in page)
    payloads = _payloads(package)

    with _replaying(tmp_path, package) as base:
        replayed_seed = _replayed(base, seed)
        replayed_comments = _replayed(base, comment_page)
    assert replayed_seed == payloads[seed["url"]]
    assert replayed_seed.count(b'id="comment-') >= 34
    assert replayed_comments == payloads[comment_page["url"]]


def test_an_exported_package_imports_back_into_the_same_threads(demo: Path, tmp_path: Path) -> None:
    package = tmp_path / "demo.wacz"
    assert _export(demo, package).returncode == 0
    db = tmp_path / "again.sqlite3"
    imported = run_archiver("import-warc", str(package), "--db", str(db), home=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert query(str(db), THREADS) == query(str(demo), THREADS)
    again = run_archiver("import-warc", str(package), "--db", str(db), home=tmp_path)
    assert again.returncode == 0, again.stderr
    assert query(str(db), "SELECT count(*) AS n FROM captures") == query(
        str(db), "SELECT count(DISTINCT warc_file || warc_offset) AS n FROM captures"
    )


def test_since_and_site_choose_articles_their_pages_and_revisit_originals(
    demo: Path, tmp_path: Path
) -> None:
    package = tmp_path / "recent.wacz"
    result = _export(demo, package, "--since", "2026-10-15")
    assert result.returncode == 0, result.stderr
    chosen = {row["url"] for row in query(str(demo), "SELECT url FROM articles WHERE "
                                          "published_at >= '2026-10-14 15:00:00'")}  # fmt: skip
    assert chosen and len(chosen) < 37
    assert {page["url"] for page in _pages(package) if "article" not in page} == chosen
    owners = {row["url"]: row["article"] for row in query(str(demo), "SELECT c.url, a.url AS "
              "article FROM captures c LEFT JOIN articles a ON a.id = c.article_id")}  # fmt: skip
    packed = [
        (kind, url) for kind, url, _, _ in _records(package) if kind in ("response", "revisit")
    ]
    assert packed and all(owners[url] in chosen for _, url in packed)
    assert not any(url.endswith("/robots.txt") for _, url in packed)
    assert _validate(package).returncode == 0

    domain = query(str(demo), "SELECT domain FROM sites")[0]["domain"]
    assert _export(demo, tmp_path / "site.wacz", "--site", domain).returncode == 0
    nothing = _export(demo, tmp_path / "none.wacz", "--site", "example.invalid")
    assert nothing.returncode == 1 and nothing.stderr.startswith("error: no capture matches")
    assert not (tmp_path / "none.wacz").exists()
    wrong = _export(demo, tmp_path / "demo.csv")
    assert wrong.returncode == 2 and "*.wacz" in wrong.stderr


def test_text_under_a_takedown_never_leaves_in_the_package(demo: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    with sqlite3.connect(demo) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    shutil.copytree(demo.parent / "warc-demo", tmp_path / "warc-demo")
    seed = query(
        str(db), "SELECT id, url FROM articles WHERE url LIKE :path", path=f"%{DEMO_ARTICLE_PATH}"
    )[0]
    hidden = query(str(db), "SELECT external_id, body_text FROM comments WHERE article_id = :id "
                   "ORDER BY position LIMIT 1 OFFSET 3", id=seed["id"])[0]  # fmt: skip
    kept = query(str(db), "SELECT body_text FROM comments WHERE article_id = :id ORDER BY position "
                 "LIMIT 1 OFFSET 4", id=seed["id"])[0]["body_text"]  # fmt: skip
    gone = query(str(db), "SELECT id, url FROM articles WHERE id != :id AND comment_count > 12 "
                 "ORDER BY id LIMIT 1", id=seed["id"])[0]  # fmt: skip
    for target in (f"{seed['url']}#comment-{hidden['external_id']}", gone["url"]):
        done = run_archiver(
            "redact", target, "--reason", "削除依頼", "--db", str(db), home=tmp_path
        )
        assert done.returncode == 0, done.stderr

    package = tmp_path / "public.wacz"
    result = _export(db, package)
    assert result.returncode == 0, result.stderr
    snippet = hidden["body_text"].splitlines()[0][:20].encode()
    bodies = [(url, body) for kind, url, _, body in _records(package) if kind == "response"]
    seed_pages = [body for url, body in bodies if url.startswith(seed["url"])]
    assert seed_pages and not [body for body in seed_pages if snippet in body]
    assert all(kept.splitlines()[0][:20].encode() in body for body in seed_pages)
    assert "1 records cut" in result.stderr
    assert not [url for url, _ in bodies if url.startswith(gone["url"])]
    assert gone["url"] not in {page["url"] for page in _pages(package)}
    assert _validate(package).returncode == 0


def test_a_revisit_brings_its_original_from_another_site(tmp_path: Path) -> None:
    """One payload on two hosts: the second is a revisit of the first. Packed alone, the second
    site's package carries the first's response, and reads back into its thread."""
    pages = {"/2024/02/29/haru/": Page(HTML)}
    with LocalSite(pages) as first, LocalSite(pages, ("127.0.0.2", 0)) as second:
        urls = [site.url("/2024/02/29/haru/") for site in (first, second)]
        db = tmp_path / "archive.sqlite3"
        done = run_archiver("scrape", *urls, "--db", str(db), *FAST, home=tmp_path)
        assert done.returncode == 0, done.stderr
    kinds = {row["url"]: row["record_type"] for row in query(str(db), "SELECT url, record_type "
             "FROM captures WHERE url LIKE '%haru%'")}  # fmt: skip
    assert sorted(kinds.values()) == ["response", "revisit"]
    revisited = next(url for url, kind in kinds.items() if kind == "revisit")
    package = tmp_path / "one.wacz"
    result = _export(db, package, "--site", site_domain(revisited))
    assert result.returncode == 0, result.stderr
    assert [page["url"] for page in _pages(package)] == [revisited]
    assert _payloads(package)[revisited] == HTML
    assert _validate(package).returncode == 0
    again = tmp_path / "again.sqlite3"
    assert (
        run_archiver("import-warc", str(package), "--db", str(again), home=tmp_path).returncode == 0
    )
    thread = THREADS.replace("ORDER BY", "WHERE a.url = :url ORDER BY")
    assert query(str(again), thread, url=revisited) == query(str(db), thread, url=revisited)


def test_a_record_still_being_written_stays_out_and_a_lost_file_is_one_error(
    demo: Path, tmp_path: Path
) -> None:
    db = tmp_path / "demo.sqlite3"
    with sqlite3.connect(demo) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    shutil.copytree(demo.parent / "warc-demo", tmp_path / "warc-demo")
    (warc,) = (tmp_path / "warc-demo").iterdir()
    whole = warc.read_bytes()
    # What a crawl writing meanwhile (or killed) leaves at the end: half a record, unindexed.
    warc.write_bytes(whole + whole[: len(whole) // 3][-5000:])
    package = tmp_path / "while.wacz"
    result = _export(db, package)
    assert result.returncode == 0, result.stderr
    assert _validate(package).returncode == 0
    assert "37 article pages" in result.stderr

    warc.unlink()
    lost = _export(db, tmp_path / "lost.wacz")
    assert lost.returncode == 1 and "indexed, but gone" in lost.stderr
    assert len(lost.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "lost.wacz").exists() and not list(tmp_path.glob(".*wacz*"))
