"""Every content encoding a crawl asks for is undone the same way when the raw archive is read
back (issue 18, item 6; issue 20, items 1–2): one bounded decoder for the fetch, `reparse` and
`import-warc`. What cannot be undone is an error naming the URL, at fetch and at reparse alike,
never an "ok" that rebuilt nothing."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import brotli
import pytest
from scrapy.downloadermiddlewares.httpcompression import ACCEPTED_ENCODINGS
from scrapy.utils._compression import zstd

from archiver.crawling.compression import BodyTooLarge, UndecodableBody, decoded_body
from archiver.sitegen.loopback import LocalSite, Page
from tests.archive_reader import query
from tests.conftest import FAST, run_archiver
from tests.family_markup import SPRING, page

ENCODERS = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": zstd.compress,
}
HTML = page(SPRING, "legacy-walker").encode()


def article(number: int) -> bytes:
    """The page as post `number` (one post id is one article, whatever its URL)."""
    return HTML.replace(b"77", str(number).encode())


def test_every_encoding_a_crawl_asks_for_is_one_the_decoder_undoes() -> None:
    asked = {e.decode() for e in ACCEPTED_ENCODINGS}
    assert asked == set(ENCODERS)
    for name, encode in ENCODERS.items():
        assert decoded_body(encode(HTML), [name.encode()], 1 << 20, "u") == HTML, name
    # Layers are undone last first, as Content-Encoding lists them in the order applied.
    layered = brotli.compress(gzip.compress(HTML))
    assert decoded_body(layered, [b"gzip, br"], 1 << 20, "u") == HTML


def test_the_decoder_refuses_what_it_cannot_undo_naming_the_url() -> None:
    with pytest.raises(UndecodableBody, match=r"http://a/ .*compress"):
        decoded_body(HTML, [b"compress"], 1 << 20, "http://a/")
    with pytest.raises(UndecodableBody, match=r"http://a/ .*zstd"):
        decoded_body(b"\x28\xb5\x2f\xfd garbage", [b"zstd"], 1 << 20, "http://a/")
    with pytest.raises(BodyTooLarge, match="http://a/"):
        decoded_body(zstd.compress(b" " * (2 << 20)), [b"zstd"], 1 << 20, "http://a/")


def test_a_page_sent_in_any_encoding_is_rebuilt_by_reparse(tmp_path: Path) -> None:
    crawled, rebuilt = tmp_path / "crawled", tmp_path / "rebuilt"
    crawled.mkdir()
    rebuilt.mkdir()
    pages = {
        f"/{name}/": Page(encode(article(number)), headers=(("Content-Encoding", name),))
        for number, (name, encode) in enumerate(ENCODERS.items(), 1)
    }
    pages["/compress/"] = Page(article(9), headers=(("Content-Encoding", "compress"),))
    with LocalSite(pages) as server:
        urls = [server.url(path) for path in pages]
        scraped = run_archiver("scrape", *urls, "--db", str(crawled / "archive.sqlite3"), *FAST,
                               home=tmp_path)  # fmt: skip
    unknown = server.url("/compress/")
    assert scraped.returncode == 1
    assert any(
        line.startswith("error:") and unknown in line and "compress" in line
        for line in scraped.stderr.splitlines()
    ), scraped.stderr
    stored = "SELECT a.url, COUNT(c.id) AS comments FROM articles a JOIN comments c " \
             "ON c.article_id = a.id GROUP BY a.url ORDER BY a.url"  # fmt: skip
    crawl_rows = query(str(crawled / "archive.sqlite3"), stored)
    assert [r["url"] for r in crawl_rows] == sorted(urls[:4])
    assert {r["comments"] for r in crawl_rows} == {len(SPRING)}

    (rebuilt / "warc").symlink_to(crawled / "warc")
    result = run_archiver("reparse", "--db", str(rebuilt / "archive.sqlite3"), home=tmp_path)
    assert query(str(rebuilt / "archive.sqlite3"), stored) == crawl_rows, result.stderr
    # The record the crawl refused is kept as sent; reading it back is the same error, named.
    assert result.returncode == 1
    assert any(
        line.startswith("error:") and unknown in line and "compress" in line
        for line in result.stderr.splitlines()
    ), result.stderr
