"""HTTP servers on 127.0.0.1 for the demo, the tests and the benchmarks: a threaded server on an
ephemeral port, and a site of fixed pages that counts what it was asked."""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

ROBOTS_TXT = "User-agent: *\nDisallow: /wp-admin/\n"


@dataclass(frozen=True)
class Page:
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=UTF-8"
    # Announce more bytes than are sent, then close: a truncated response, for tests.
    truncated: bool = False
    headers: tuple[tuple[str, str], ...] = ()  # more, e.g. Location or Content-Encoding


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-answer (a crawler killed, a closed connection) is no
        server error worth a traceback; anything else is reported as usual."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 (ephemeral port), serving while the context lasts."""

    def __init__(
        self, handler: type[BaseHTTPRequestHandler], address: tuple[str, int] = ("127.0.0.1", 0)
    ) -> None:
        self.server = _Server(address, handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

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

    def __init__(self, pages: dict[str, Page], address: tuple[str, int] = ("127.0.0.1", 0)) -> None:
        self.pages = {"/robots.txt": Page(ROBOTS_TXT.encode(), content_type="text/plain"), **pages}
        self.arrivals: list[tuple[float, str]] = []  # (monotonic time, path), in order
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("#", 1)[0]
                site.arrivals.append((time.monotonic(), path))
                page = site.pages.get(path, Page(b"<html><body>Not Found</body></html>", 404))
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                length = len(page.body) + (1000 if page.truncated else 0)
                self.send_header("Content-Length", str(length))
                for name, value in page.headers:
                    self.send_header(name, value)
                if page.truncated:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(page.body)

            def log_message(self, *args: object) -> None:  # quiet: the crawl logs what matters
                pass

        super().__init__(Handler, address)

    @property
    def requests(self) -> dict[str, int]:
        """Requests per path so far."""
        return dict(Counter(path for _, path in self.arrivals))
