"""The generated test site itself: deterministic, parsed back by our parsers to its expected rows,
idempotent change logs, and a real server with conditional GETs, counters and misbehaviour."""

from __future__ import annotations

import hashlib
import http.client
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from email.utils import format_datetime

import pytest

from archiver.parse.commentpages import ThreadFetch
from archiver.parse.extraction import COMMENT_PARSERS, extract_page
from archiver.parse.prepare import article_item, fill_dates
from archiver.parse.profiles import load_profile
from archiver.parse.replytree import build_thread
from archiver.sitegen.evolve import apply, evolve
from archiver.sitegen.expected import expected_articles
from archiver.sitegen.layout import page_count
from archiver.sitegen.model import MARKUPS, SiteState, generate
from archiver.sitegen.render import last_modified
from archiver.sitegen.server import GeneratedSite

# The generated markups and the parser that must read each.
PARSER_OF = {"tcd": "tcd", "classic": "wp-classic", "block": "wp-block", "flat": "wp-classic"}
PARSED_MARKUPS = [m for m in MARKUPS if PARSER_OF[m] in {p.name for p in COMMENT_PARSERS}]


def site_digest(state: SiteState) -> str:
    site = GeneratedSite(state)
    try:
        digest = hashlib.sha256()
        base = site.base_url.encode()  # the port differs from site to site
        for article in state.articles.values():
            for page in range(1, page_count(state, article) + 1):
                page_path = f"{article.path}comment-page-{page}/"
                digest.update(site.answer(page_path).body.replace(base, b"BASE"))
        for path in ("/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml", "/feed/", "/feed/atom/"):
            digest.update(site.answer(path).body.replace(base, b"BASE"))
        return digest.hexdigest()
    finally:
        site.server.server_close()


def test_the_same_seed_gives_the_same_site() -> None:
    first = generate(20, (0, 60), seed=5, markups=MARKUPS)
    assert first == generate(20, (0, 60), seed=5, markups=MARKUPS)
    assert site_digest(first) == site_digest(generate(20, (0, 60), seed=5, markups=MARKUPS))
    assert site_digest(first) != site_digest(generate(20, (0, 60), seed=6, markups=MARKUPS))


def test_threads_have_realistic_shapes() -> None:
    state = generate(60, (0, 120), seed=2)
    expected = expected_articles(state)
    sizes = [a.comment_count for a in expected.values()]
    depths = [c.depth for a in expected.values() for c in a.comments]
    authors = {c.author for a in expected.values() for c in a.comments}
    kinds = {c.kind for a in expected.values() for c in a.comments}
    assert 0 in sizes and max(sizes) >= 100
    assert max(depths) >= 5
    assert {"", "匿名"} <= authors
    assert {"comment", "pingback", "trackback"} <= kinds or {"comment", "trackback"} <= kinds
    bodies = "".join(c.body_text for a in expected.values() for c in a.comments)
    assert "&" in bodies and "<" in bodies and "👍" in bodies and "\n" in bodies


def parse_back(site: GeneratedSite, path: str, markup: str):
    """Every comment page of an article through our parsers, merged as the spider merges them."""
    url = site.url(path)
    first = extract_page(site.answer(path).body.decode(), url, load_profile("127.0.0.1"))
    item = article_item(first, url, site.state.now)
    thread = ThreadFetch(item)
    pending = dict(thread.add(first))
    while pending:
        _number, page_url = pending.popitem()
        page_path = page_url.removeprefix(site.base_url)
        page = extract_page(site.answer(page_path).body.decode(), page_url, load_profile("x"))
        assert page.comment_markup == first.comment_markup == PARSER_OF[markup]
        pending.update(thread.add(page))
    item = thread.merged()
    fill_dates(item)
    build_thread(item.comments)
    return item


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("markup", PARSED_MARKUPS)
def test_every_page_parses_back_to_its_expected_rows(markup: str, order: str) -> None:
    """Both directions: oldest-first threads, and newest-first ones (comment_order = desc)."""
    state = generate(12, (0, 90), seed=11, markups=(markup,), comments_per_page=8)
    state.comment_order = order
    expected = expected_articles(state)
    site = GeneratedSite(state)
    try:
        for article in state.articles.values():
            item = parse_back(site, article.path, markup)
            want = expected[article.id]
            assert item.wp_post_id == article.id and item.title == want.title
            assert item.category == want.category
            assert item.comment_count_shown == want.comment_count
            assert item.url == site.url(article.path)
            got = [
                (c.key, c.parent_key, c.depth, c.position, c.author, c.posted_on, c.body_text,
                 c.votes, c.kind)
                for c in item.comments
            ]  # fmt: skip
            # Pingbacks and trackbacks show on every comment page: compare them apart.
            assert sorted(got, key=_display) == [
                (e.external_id, e.parent_external_id, e.depth, e.position, e.author, e.posted_on,
                 e.body_text, e.votes, e.kind)
                for e in want.comments
            ]  # fmt: skip
    finally:
        site.server.server_close()


def _display(row: tuple) -> tuple:
    position, external_id = row[3], row[0]
    return (position is None, position or 0, int(external_id))


def test_a_change_log_applied_twice_gives_the_same_state() -> None:
    state = generate(15, (5, 40), seed=4)
    log = evolve(state, new_articles=2, new_comments=12, edits=3, deletions=2, vote_changes=4,
                 slug_changes=1, gone=1, unknown_markup=1)  # fmt: skip
    assert json.loads(json.dumps(log)) == log  # machine-readable
    kinds = [c["kind"] for c in log]
    for kind in ("clock", "new_article", "new_comment", "edit_comment", "votes",
                 "delete_comment", "slug", "gone", "markup"):  # fmt: skip
        assert kind in kinds
    once = generate(15, (5, 40), seed=4)
    apply(once, log)
    once.step = state.step
    assert once == state
    apply(once, log)
    assert once == state
    # The next step differs, and is deterministic too.
    again = generate(15, (5, 40), seed=4)
    apply(again, log)
    again.step = 1
    assert evolve(again) == evolve(state)


@pytest.fixture
def served() -> Iterator[GeneratedSite]:
    state = generate(8, (10, 40), seed=9, comments_per_page=5)
    with GeneratedSite(state) as site:
        yield site


def get(site: GeneratedSite, path: str, headers: dict[str, str] | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", site.server.server_address[1], timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_conditional_gets_answer_304_until_the_page_changes(served: GeneratedSite) -> None:
    article = served.state.articles[1]
    status, headers, body = get(served, article.path)
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    assert get(served, article.path, {"If-None-Match": headers["ETag"]})[0] == 304
    since = {"If-Modified-Since": headers["Last-Modified"]}
    assert get(served, article.path, since)[0] == 304
    article.title += "（更新）"
    served.changed()  # edited by hand, not through evolve
    assert get(served, article.path, {"If-None-Match": headers["ETag"]})[0] == 200
    older = format_datetime(last_modified(article) - timedelta(hours=1), usegmt=False)
    assert get(served, article.path, {"If-Modified-Since": older})[0] == 200
    assert served.requests[article.path] == 5
    changed = served.answer(article.path).body
    assert served.bytes_sent[article.path] == len(body) + 2 * len(changed)  # 304s send nothing
    assert served.statuses[304] == 2


def test_sitemaps_feeds_robots_and_rest(served: GeneratedSite) -> None:
    status, _, robots = get(served, "/robots.txt")
    assert status == 200 and f"Sitemap: {served.base_url}/wp-sitemap.xml" in robots.decode()
    index = ET.fromstring(get(served, "/wp-sitemap.xml")[2])
    sitemap_url = index[0][0].text or ""
    urlset = ET.fromstring(get(served, sitemap_url.removeprefix(served.base_url))[2])
    assert len(urlset) == len(served.state.live_articles())
    assert all(url[1].tag.endswith("lastmod") for url in urlset)
    assert ET.fromstring(get(served, "/sitemap_index.xml")[2]) is not None
    assert get(served, "/post-sitemap.xml")[0] == 200
    rss = ET.fromstring(get(served, "/feed/")[2])
    assert len(rss.findall("./channel/item")) == 8
    assert ET.fromstring(get(served, "/feed/atom/")[2]) is not None
    article = served.state.articles[2]
    status, headers, body = get(served, "/wp-json/wp/v2/comments?post=2&per_page=7&page=1")
    comments = json.loads(body)
    assert status == 200 and int(headers["X-WP-Total"]) == len(article.present())
    assert [c["id"] for c in comments] == [c.id for c in article.present()[:7]]
    assert get(served, "/?p=2")[1]["Location"] == served.url(article.path)
    category = article.category
    assert (
        article.path.encode() in get(served, f"/category/{category}/")[2]
        or get(served, f"/category/{category}/page/2/")[0] == 200
    )


def test_misbehaviour_on_request(served: GeneratedSite) -> None:
    path = served.state.articles[3].path
    served.misbehave(path, "429", times=1)
    status, headers, _ = get(served, path)
    assert status == 429 and headers["Retry-After"] == "1"
    assert get(served, path)[0] == 200  # once only
    served.misbehave(path, "503", times=2)
    assert [get(served, path)[0] for _ in range(3)] == [503, 503, 200]
    served.misbehave(path, "redirect_loop")
    first = get(served, path)[1]["Location"]
    assert get(served, first.removeprefix(served.base_url))[1]["Location"] == served.url(path)
    served.misbehave(path, "offsite_redirect")
    assert "offsite.invalid" in get(served, path)[1]["Location"]
    served.misbehave(path, "oversized", size=2_000_000)
    assert len(get(served, path)[2]) > 2_000_000
    served.misbehave(path, "truncated")
    with pytest.raises(http.client.IncompleteRead):
        get(served, path)
    del served.misbehavior[path]


def test_evolved_site_moves_and_removes_articles(served: GeneratedSite) -> None:
    state = served.state
    old_paths = {a.id: a.path for a in state.articles.values()}
    log = evolve(state, slug_changes=1, gone=1)
    moved = next(c["article"] for c in log if c["kind"] == "slug")
    gone = next(c for c in log if c["kind"] == "gone")
    status, headers, _ = get(served, old_paths[moved])
    assert status == 301 and headers["Location"] == served.url(state.articles[moved].path)
    assert get(served, old_paths[gone["article"]])[0] == gone["status"]
    assert served.statuses[301] == 1
