"""`archiver demo`: a bundled article served on 127.0.0.1 and scraped into its own database."""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Self

from archiver.api import RunResult, crawl
from archiver.config import data_home, resolve_db_url, warc_dir

DEMO_DB_NAME = "demo.sqlite3"
DEMO_ARTICLES = 36  # generated ones, beside the seed article
DEMO_ARTICLE_PATH = "/european-region/russia-says-negotiations-with-nato-on-new-security-treaty-to-begin-in-january/"
ROBOTS_TXT = "User-agent: *\nDisallow: /wp-admin/\n"


@dataclass(frozen=True)
class Page:
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=UTF-8"
    # Announce more bytes than are sent, then close: a truncated response, for tests.
    truncated: bool = False


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 (ephemeral port), serving while the context lasts."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.server.shutdown()
        self.server.server_close()


class LocalSite(LoopbackServer):
    """Fixed pages on 127.0.0.1; 404 for the rest. Used by the demo and the tests; counts
    requests per path."""

    def __init__(self, pages: dict[str, Page]) -> None:
        self.pages = {"/robots.txt": Page(ROBOTS_TXT.encode(), content_type="text/plain"), **pages}
        self.requests: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("#", 1)[0]
                site.requests[path] = site.requests.get(path, 0) + 1
                page = site.pages.get(path, Page(b"<html><body>Not Found</body></html>", 404))
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                length = len(page.body) + (1000 if page.truncated else 0)
                self.send_header("Content-Length", str(length))
                if page.truncated:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(page.body)

            def log_message(self, *args: object) -> None:  # quiet: the crawl logs what matters
                pass

        super().__init__(Handler)


def demo_page() -> bytes:
    return (resources.files("archiver") / "demo_site" / "grandfleet-article.html").read_bytes()


def demo_db_path() -> Path:
    return data_home() / DEMO_DB_NAME


def run_demo() -> RunResult:
    """Serve the demo site — the bundled seed article and generated ones — and crawl it into a
    fresh demo database (never the archive). The seed article is the result's first article."""
    from archiver.sitegen.model import MARKUPS, generate
    from archiver.sitegen.server import GeneratedSite

    db_path = demo_db_path()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(warc_dir(resolve_db_url(str(db_path))), ignore_errors=True)  # its raw pages
    state = generate(DEMO_ARTICLES, (0, 40), seed=2021, comments_per_page=10, markups=MARKUPS)
    with GeneratedSite(state, extra={DEMO_ARTICLE_PATH: demo_page()}) as site:
        # A loopback site we serve ourselves needs no politeness delay.
        result = crawl(
            [site.base_url + "/"],
            db=str(db_path),
            command="demo",
            settings={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False},
        )
        seed_url = site.url(DEMO_ARTICLE_PATH)
    seed = [a for a in result.articles if a.url == seed_url]
    result.articles = seed + [a for a in result.articles if a.url != seed_url]
    return result
