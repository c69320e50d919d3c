"""A thread 1,500 replies deep is stored whole and read back by `thread`, as text and as JSON
(issue 18, item 7): no step recurses once per level."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from archiver.sitegen.loopback import LocalSite, Page
from tests.archive_reader import query
from tests.conftest import FAST, run_archiver
from tests.family_markup import SPRING, page

DEPTH = 1500


def chain_page() -> bytes:
    """Our own page: one reply chain, each comment a sibling that says its depth by class."""
    base = page(SPRING, "legacy-walker")
    items = "".join(
        f'<li class="comment depth-{d}" id="comment-{1000 + d}"><div class="comment-body">'
        f'<div class="comment-author vcard"><cite class="fn">名無し</cite></div>'
        f'<div class="comment-meta commentmetadata"><a href="#comment-{1000 + d}">'
        f"2024年3月1日 09:15</a></div><p>深さ{d}</p></div></li>"
        for d in range(1, DEPTH + 1)
    )
    start = base.index('<ol class="comment-list">')
    end = base.index("</ol>", start) + len("</ol>")
    html = base[:start] + f'<ol class="comment-list">{items}</ol>' + base[end:]
    return html.replace(f"{len(SPRING)}件のコメント", f"{DEPTH}件のコメント").encode()


def test_a_reply_chain_of_1500_is_stored_and_read_back(tmp_path: Path) -> None:
    db = str(tmp_path / "a.sqlite3")
    with LocalSite({"/chain/": Page(chain_page())}) as site:
        url = site.url("/chain/")
        scraped = run_archiver("scrape", url, "--db", db, *FAST, home=tmp_path)
    assert scraped.returncode == 0, scraped.stderr
    assert query(db, "SELECT max(depth) AS d, count(*) AS n FROM comments")[0] == {
        "d": DEPTH, "n": DEPTH,
    }  # fmt: skip
    text = run_archiver("thread", url, "--db", db, home=tmp_path)
    assert text.returncode == 0, text.stderr[-500:]
    assert f"深さ{DEPTH}" in text.stdout
    as_json = run_archiver("thread", url, "--json", "--db", db, home=tmp_path)
    assert as_json.returncode == 0, as_json.stderr[-500:]
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(DEPTH * 3 + 1000)  # json's own decoder recurses once per level
    try:
        document = json.loads(as_json.stdout)
    finally:
        sys.setrecursionlimit(limit)
    node, levels = document["comments"][0], 1
    while node["replies"]:
        node, levels = node["replies"][0], levels + 1
    assert (levels, node["body_text"]) == (DEPTH, f"深さ{DEPTH}")


NESTED = 10_000


def nested_chain_page(levels: int) -> bytes:
    """Our own page: one reply chain nested in the markup, each reply inside its parent's
    `<ul class="children">` as WordPress prints it: two elements a level, 20,000 for 10,000
    replies, far past the 2,048 levels libxml2 builds a tree to."""
    base = page(SPRING, "legacy-walker")
    opening = "".join(
        f'<li class="comment depth-{d}" id="comment-{5000 + d}"><div id="div-comment-{5000 + d}" '
        f'class="comment-body"><div class="comment-author vcard"><cite class="fn">名無し</cite>'
        f'</div><div class="comment-meta commentmetadata"><a href="#comment-{5000 + d}">'
        f'2024年3月1日 09:15</a></div><p>入れ子{d}</p></div><ul class="children">'
        for d in range(1, levels + 1)
    )
    start = base.index('<ol class="comment-list">')
    end = base.index("</ol>", start) + len("</ol>")
    chain = f'<ol class="comment-list">{opening}{"</ul></li>" * levels}</ol>'
    html = base[:start] + chain + base[end:]
    return html.replace(f"{len(SPRING)}件のコメント", f"{levels}件のコメント").encode()


def test_a_reply_chain_nested_10000_deep_in_the_markup_is_stored_whole(tmp_path: Path) -> None:
    db = str(tmp_path / "a.sqlite3")
    with LocalSite({"/nested/": Page(nested_chain_page(NESTED))}) as site:
        url = site.url("/nested/")
        scraped = run_archiver("scrape", url, "--db", db, *FAST, home=tmp_path)
    assert scraped.returncode == 0, scraped.stderr[-2000:]
    assert query(db, "SELECT max(depth) AS d, count(*) AS n FROM comments")[0] == {
        "d": NESTED, "n": NESTED,
    }  # fmt: skip
    deepest = query(db, "SELECT body_text FROM comments WHERE depth = :d", d=NESTED)
    assert deepest == [{"body_text": f"入れ子{NESTED}"}]
