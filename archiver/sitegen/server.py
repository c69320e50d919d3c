"""The generated site over real HTTP on 127.0.0.1: conditional GETs, counters, misbehaviour.

A threaded `http.server` renders pages from the current `SiteState` on each request, so a test
can evolve the state between two crawls. ETag and Last-Modified answer 304 when nothing
changed. Per-path request and byte counters tell a test exactly what a crawl fetched.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from archiver.sitegen import render
from archiver.sitegen.layout import page_count
from archiver.sitegen.loopback import LoopbackServer
from archiver.sitegen.model import SiteArticle, SiteState

_ARTICLE = re.compile(r"^/(\d{4})/(\d{2})/(\d{2})/([^/]+)/(?:comment-page-(\d+)/)?$")
_CATEGORY = re.compile(r"^/category/([^/]+)/(?:page/(\d+)/)?$")
_HOME = re.compile(r"^/(?:page/(\d+)/)?$")
_WP_SITEMAP = re.compile(r"^/wp-sitemap-posts-post-(\d+)\.xml$")
_SEO_SITEMAP = re.compile(r"^/post-sitemap(\d*)\.xml$")
EXTRA_SITEMAP = "/wp-sitemap-posts-page-1.xml"
HTML = "text/html; charset=UTF-8"
XML = "application/xml; charset=UTF-8"


@dataclass
class Misbehavior:
    """What a path does instead of answering well, `times` times (None: always).

    kinds: 404 (a page the site does not have), 429 (with Retry-After), 503, slow (`seconds` before answering), truncated (fewer bytes
    than Content-Length), redirect_loop, offsite_redirect, oversized (`size` bytes of padding).
    """

    kind: str
    times: int | None = None
    seconds: float = 0.0
    size: int = 0


@dataclass
class Answer:
    status: int
    body: bytes = b""
    content_type: str = HTML
    headers: tuple[tuple[str, str], ...] = ()
    last_modified: datetime | None = None


class GeneratedSite(LoopbackServer):
    """Serve `state` on 127.0.0.1 (ephemeral port) until the context ends."""

    def __init__(self, state: SiteState, extra: dict[str, bytes] | None = None) -> None:
        self.state = state
        # Fixed article pages served beside the generated ones and listed in wp-sitemap.xml
        # (the demo's real seed article).
        self.extra = dict(extra or {})
        self.misbehavior: dict[str, Misbehavior] = {}
        # REST answers altered on purpose: comment id → fields to report instead (parent, date_gmt).
        self.rest_overrides: dict[int, dict[str, object]] = {}
        # Called once right after a path is served: change the site between two fetches.
        self.after: dict[str, Callable[[], None]] = {}
        self.requests: Counter[str] = Counter()
        self.bytes_sent: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.lock = threading.Lock()
        # Rendered answers and the slug index, valid for one `state.version`.
        self._cache: dict[str, tuple[Answer, str]] = {}
        self._slugs: dict[str, SiteArticle] = {}
        self._cached_version = -1
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

            def setup(self) -> None:
                super().setup()
                # Headers and body leave in two writes: without this, Nagle's algorithm and the
                # client's delayed ACK hold every keep-alive response for 40 ms.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:
                site._handle(self)

            def do_HEAD(self) -> None:
                site._handle(self, head=True)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(Handler)

    def article_urls(self) -> list[str]:
        return [self.url(a.path) for a in sorted(self.state.live_articles(), key=lambda a: a.id)]

    def misbehave(self, path: str, kind: str, **options: float | int | None) -> None:
        self.misbehavior[path] = Misbehavior(kind, **options)  # type: ignore[arg-type]

    def changed(self) -> None:
        """Forget rendered pages: call after editing the state by hand (evolve does this)."""
        with self.lock:
            self._cached_version = -1

    # Serving

    def _handle(self, handler: BaseHTTPRequestHandler, head: bool = False) -> None:
        path = handler.path.split("#", 1)[0]
        with self.lock:
            self.requests[path] = self.requests[path] + 1
            trouble = self.misbehavior.get(path)
            if trouble is not None and trouble.times is not None:
                trouble.times -= 1
                if trouble.times < 0:
                    del self.misbehavior[path]
                    trouble = None
        answer = self._misbehave(trouble, path) if trouble else None
        etag = ""
        if answer is None:
            answer, etag = self._cached_answer(path)
        if trouble is not None and trouble.kind == "slow":
            time.sleep(trouble.seconds)
        if answer.status == 200 and _not_modified(handler, etag, answer.last_modified):
            answer = Answer(304)
        body = answer.body
        if trouble is not None and trouble.kind == "oversized" and answer.status == 200:
            body += b"<!--" + b"x" * trouble.size + b"-->"
        handler.send_response(answer.status)
        handler.send_header("Content-Type", answer.content_type)
        handler.send_header("Date", _http_date(self.state.now))
        if answer.status in (200, 304):
            handler.send_header("ETag", etag)
            if answer.last_modified is not None:
                handler.send_header("Last-Modified", _http_date(answer.last_modified))
        for name, value in answer.headers:
            handler.send_header(name, value)
        truncated = trouble is not None and trouble.kind == "truncated"
        handler.send_header("Content-Length", str(len(body) + (1000 if truncated else 0)))
        if truncated:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        sent = b"" if head or answer.status == 304 else body
        # Counted before sending: a client that has its answer must find it counted.
        with self.lock:
            self.bytes_sent[path] += len(sent)
            self.statuses[answer.status] += 1
        handler.end_headers()
        handler.wfile.write(sent)
        handler.wfile.flush()
        with self.lock:
            hook = self.after.pop(path, None)
        if hook is not None:
            hook()
            self.changed()

    def _refresh(self) -> None:
        """Drop what an older state version rendered (call with the lock held)."""
        if self._cached_version != self.state.version:
            self._cache.clear()
            articles = self.state.articles.values()
            self._slugs = {old: a for a in articles for old in a.old_slugs}
            self._slugs.update({a.slug: a for a in articles})
            self._cached_version = self.state.version

    def _cached_answer(self, path: str) -> tuple[Answer, str]:
        with self.lock:
            self._refresh()
            cached = self._cache.get(path)
        if cached is None:
            answer = self.answer(path)
            cached = answer, '"' + hashlib.sha1(answer.body).hexdigest()[:20] + '"'
            with self.lock:
                self._cache[path] = cached
        return cached

    def _misbehave(self, trouble: Misbehavior, path: str) -> Answer | None:
        if trouble.kind == "404":
            return _not_found()
        if trouble.kind == "429":
            return Answer(429, b"Too Many Requests", headers=(("Retry-After", "1"),))
        if trouble.kind == "503":
            return Answer(503, b"Service Unavailable", headers=(("Retry-After", "1"),))
        if trouble.kind == "redirect_loop":
            target = path.rstrip("/") + "-loop/" if not path.endswith("-loop/") else path[:-6] + "/"
            self.misbehavior.setdefault(target, Misbehavior("redirect_loop"))
            return Answer(302, headers=(("Location", self.url(target)),))
        if trouble.kind == "offsite_redirect":
            return Answer(301, headers=(("Location", "http://offsite.invalid" + path),))
        return None  # slow, truncated, oversized: a normal answer, delivered badly

    def answer(self, path: str) -> Answer:
        """The page for `path` (query included) from the current state."""
        with self.lock:
            self._refresh()
        state, base = self.state, self.base_url
        parts = urlsplit(path)
        query = parse_qs(parts.query)
        route = parts.path
        if route in self.extra:
            return Answer(200, self.extra[route])
        if route == "/robots.txt":
            return Answer(200, render.robots_txt(base).encode(), "text/plain; charset=UTF-8")
        if route == "/" and "p" in query:
            article = state.articles.get(int(query["p"][0]))
            if article is not None and article.status == 200:
                return Answer(301, headers=(("Location", base + article.path),))
        if route == "/wp-sitemap.xml":
            extra = (base + EXTRA_SITEMAP,) if self.extra else ()
            return Answer(200, render.wp_sitemap_index(state, base, extra).encode(), XML)
        if route == EXTRA_SITEMAP and self.extra:
            pages = render.urlset([(base + path, None) for path in self.extra])
            return Answer(200, pages.encode(), XML)
        if route == "/sitemap_index.xml":
            return Answer(200, render.seo_sitemap_index(state, base).encode(), XML)
        if match := _WP_SITEMAP.match(route) or _SEO_SITEMAP.match(route):
            text = render.posts_sitemap(state, base, int(match.group(1) or 1))
            return Answer(200, text.encode(), XML) if text else _not_found()
        if route == "/feed/":
            return Answer(200, render.rss_feed(state, base).encode(), "application/rss+xml")
        if route == "/feed/atom/":
            return Answer(200, render.atom_feed(state, base).encode(), "application/atom+xml")
        if route == "/wp-json/wp/v2/comments" and state.rest_api:
            return self._rest(query)
        if (match := _HOME.match(route)) and "p" not in query:
            page = render.home_page(state, base, int(match.group(1) or 1))
            return Answer(200, page.encode()) if page else _not_found()
        if match := _CATEGORY.match(route):
            page = render.category_page(state, match.group(1), base, int(match.group(2) or 1))
            return Answer(200, page.encode()) if page else _not_found()
        if match := _ARTICLE.match(route):
            return self._article(match, query)
        return _not_found()

    def _article(self, match: re.Match[str], query: dict[str, list[str]]) -> Answer:
        state = self.state
        slug = match.group(4)
        article = self._slugs.get(slug)
        if article is None:
            return _not_found()
        if article.slug != slug:  # an old slug: WordPress redirects to the current one
            if article.status == 200:
                return Answer(301, headers=(("Location", self.url(article.path)),))
            return _not_found()
        if article.status != 200:
            return Answer(article.status, b"<html><body>Gone</body></html>")
        if match.group(0) != article.path and not match.group(5):
            return _not_found()
        page_text = match.group(5) or (query.get("cpage") or [""])[0]
        page = int(page_text) if page_text and page_text.isdigit() else None
        if page is not None and not 1 <= page <= page_count(state, article):
            return _not_found()
        html = render.article_page(state, article, self.base_url, page)
        return Answer(200, html.encode(), last_modified=render.last_modified(article))

    def _rest(self, query: dict[str, list[str]]) -> Answer:
        try:
            article = self.state.articles[int(query["post"][0])]
            page = int((query.get("page") or ["1"])[0])
            per_page = min(100, int((query.get("per_page") or ["10"])[0]))
        except (KeyError, ValueError):
            return Answer(400, b'{"code":"rest_invalid_param"}', "application/json")
        text, total, pages = render.rest_comments(
            self.state, article, self.base_url, page, per_page
        )
        if self.rest_overrides:
            entries = json.loads(text)
            for entry in entries:
                entry.update(self.rest_overrides.get(entry["id"], {}))
            text = json.dumps(entries, ensure_ascii=False)
        headers = (("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages)))
        return Answer(200, text.encode(), "application/json; charset=UTF-8", headers)


def _not_found() -> Answer:
    return Answer(404, b"<html><body><h1>Not Found</h1></body></html>")


def _http_date(value: datetime) -> str:
    return format_datetime(value.astimezone(UTC), usegmt=True)


def _not_modified(handler: BaseHTTPRequestHandler, etag: str, modified: datetime | None) -> bool:
    match = handler.headers.get("If-None-Match")
    if match is not None:
        return etag in [tag.strip() for tag in match.split(",")]
    since = handler.headers.get("If-Modified-Since")
    if since and modified is not None:
        try:
            return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False
