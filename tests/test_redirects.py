"""A redirect never takes a command to another site (issue 18, item 2): it may change the scheme
and `www.`, never the host or an explicit port; anything else is an error line naming both
URLs, and nothing is fetched there."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from pathlib import Path

from archiver.sitegen.loopback import LocalSite, LoopbackServer, Page
from tests.conftest import FAST, run_archiver
from tests.family_markup import SPRING, page


def mover(targets: dict[str, str]) -> LoopbackServer:
    """127.0.0.1: a 301 from each path to its target; robots.txt allows all."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                body = b"User-agent: *\nDisallow:\n"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            self.send_response(301)
            self.send_header("Location", targets.get(self.path, "/"))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    return LoopbackServer(Handler)


def test_a_redirect_to_another_host_or_port_is_refused_and_named(tmp_path: Path) -> None:
    article = Page(page(SPRING, "legacy-walker").encode())
    with (
        LocalSite({"/stolen/": article}, ("127.0.0.2", 0)) as elsewhere,
        LocalSite({"/other-port/": article}) as other_port,
    ):
        targets = {"/to-host/": elsewhere.url("/stolen/"),
                   "/to-port/": other_port.url("/other-port/")}  # fmt: skip
        with mover(targets) as site:
            urls = [site.url("/to-host/"), site.url("/to-port/")]
            result = run_archiver("scrape", *urls, "--db", str(tmp_path / "a.sqlite3"), *FAST,
                                  home=tmp_path)  # fmt: skip
        assert elsewhere.requests == {} and other_port.requests == {}
    assert result.returncode != 0
    for url in urls:
        line = next(line for line in result.stderr.splitlines() if url in line)
        assert line.startswith("error:") and targets[url.removeprefix(site.base_url)] in line


def test_a_redirect_within_the_site_is_followed(tmp_path: Path) -> None:
    """A move on the site's own host and port (a slug changed) is followed and stored."""
    article = page(SPRING, "legacy-walker").encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/old/":
                self.send_response(301)
                self.send_header("Location", "/new/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = article if self.path == "/new/" else b"User-agent: *\nDisallow:\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with LoopbackServer(Handler) as site:
        result = run_archiver("scrape", site.url("/old/"), "--db", str(tmp_path / "a.sqlite3"),
                              *FAST, home=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
