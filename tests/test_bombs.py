"""A compression bomb in the raw archive (issue 18, item 6, first step): the crawl refuses it,
its record stays in the WARC as sent, and `reparse` reads that record only up to the size a
fetch allows, naming it, while the rest of the archive is rebuilt."""

from __future__ import annotations

import gzip
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from archiver.settings import DOWNLOAD_MAXSIZE
from archiver.sitegen.loopback import LoopbackServer
from tests.archive_reader import query
from tests.conftest import FAST, run_archiver
from tests.family_markup import SPRING, page

BOMB = gzip.compress(b" " * (DOWNLOAD_MAXSIZE + (8 << 20)), compresslevel=9)  # ~40 KB sent


def site() -> LoopbackServer:
    article = page(SPRING, "legacy-walker").encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = {"/robots.txt": b"User-agent: *\nDisallow:\n", "/fine/": article}.get(
                self.path, BOMB)  # fmt: skip
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=UTF-8")
            if body is BOMB:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return LoopbackServer(Handler)


def test_a_bomb_is_refused_at_fetch_and_at_reparse_and_named(tmp_path: Path) -> None:
    crawled, rebuilt = tmp_path / "crawled", tmp_path / "rebuilt"
    crawled.mkdir()
    rebuilt.mkdir()
    with site() as server:
        bomb = server.url("/bomb/")
        scraped = run_archiver("scrape", server.url("/fine/"), bomb, "--db",
                               str(crawled / "archive.sqlite3"), *FAST, home=tmp_path)  # fmt: skip
    assert scraped.returncode == 1 and bomb in scraped.stderr
    (rebuilt / "warc").symlink_to(crawled / "warc")
    result = run_archiver("reparse", "--db", str(rebuilt / "archive.sqlite3"), home=tmp_path)
    assert result.returncode == 1
    line = next(line for line in result.stderr.splitlines() if bomb in line)
    assert line.startswith("error:") and "inflates past" in line
    assert query(str(rebuilt / "archive.sqlite3"), "SELECT url FROM articles") == [
        {"url": server.url("/fine/")}
    ]
