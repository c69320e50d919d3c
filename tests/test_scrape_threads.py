"""Threads over several comment pages, and what a second visit keeps when a thread changed."""

from __future__ import annotations

import copy
import json

import lxml.html

from archiver.sitegen.loopback import LocalSite, Page
from tests.archive_reader import query, thread_rows
from tests.conftest import SEED_FIXTURE, scrape

EXPECTED = json.loads((SEED_FIXTURE / "expected.json").read_text(encoding="utf-8"))
ARTICLE = "/2021/12/23/paged/"


def seed_tree() -> lxml.html.HtmlElement:
    return lxml.html.fromstring((SEED_FIXTURE / "page.html").read_bytes())


def with_threads(tree, keep: range, pager: str | None = None) -> bytes:
    """The seed page showing only top-level threads `keep` (0-based), with a comment pager."""
    page = copy.deepcopy(tree)
    comment_list = page.get_element_by_id("comments")
    for index, li in enumerate(list(comment_list)):
        if index not in keep:
            comment_list.remove(li)
    if pager:
        comment_list.addnext(lxml.html.fragment_fromstring(pager))
    return lxml.html.tostring(page, encoding="utf-8")


def two_comment_pages() -> dict[str, Page]:
    """The seed thread split over two comment pages; the article URL shows the last one,
    as WordPress does by default."""
    tree = seed_tree()
    nav = '<div class="nav-links">{}</div>'
    page1 = with_threads(
        tree,
        range(0, 6),
        nav.format(
            f'<span class="page-numbers current">1</span><a class="page-numbers" href="{ARTICLE}">2</a>'
        ),
    )
    page2 = with_threads(
        tree,
        range(6, 12),
        nav.format(
            f'<a class="page-numbers" href="{ARTICLE}comment-page-1/#comments">1</a><span class="page-numbers current">2</span>'
        ),
    )
    return {ARTICLE: Page(page2), f"{ARTICLE}comment-page-1/": Page(page1)}


def test_every_comment_page_is_fetched_and_merged_in_order(tmp_path) -> None:
    pages = two_comment_pages()
    db = str(tmp_path / "a.sqlite3")
    with LocalSite(pages) as site:
        result = scrape(site.url(ARTICLE), db, tmp_path)
        assert site.requests[f"{ARTICLE}comment-page-1/"] == 1

    assert result.returncode == 0, result.stderr
    rows = thread_rows(db)
    assert [r["position"] for r in rows] == list(range(1, 35))
    for row, want in zip(rows, EXPECTED["comments"], strict=True):
        assert (row["depth"], row["parent_position"], row["body_text"]) == (
            want["depth"], want["parent_position"], want["body_text"],
        ), f"comment {want['position']}"  # fmt: skip
    assert query(db, "SELECT comment_count FROM articles")[0]["comment_count"] == 34


def test_second_visit_keeps_history_and_deletions(tmp_path) -> None:
    tree = seed_tree()
    changed = copy.deepcopy(tree)
    first_comment = changed.get_element_by_id("comment-170401")
    first_comment.cssselect(".count-box")[0].set("data-ulike-counter-value", "9")
    first_comment.cssselect(".count-box")[0].text = "9"
    body = first_comment.cssselect(".c-comment__item-body p")[0]
    body.text = "編集済み:" + body.text
    last = changed.get_element_by_id("comment-170434")
    last.getparent().remove(last)
    changed.cssselect(".c-comment__tab-item.is-active p")[0].text = "コメント ( 33 )"
    pages = {ARTICLE: Page(lxml.html.tostring(tree, encoding="utf-8"))}
    db = str(tmp_path / "a.sqlite3")
    with LocalSite(pages) as site:
        assert scrape(site.url(ARTICLE), db, tmp_path).returncode == 0
        before = {r["external_id"]: r for r in thread_rows(db)}
        site.pages[ARTICLE] = Page(lxml.html.tostring(changed, encoding="utf-8"))
        second = scrape(site.url(ARTICLE), db, tmp_path)

    assert second.returncode == 0, second.stderr
    after = {r["external_id"]: r for r in thread_rows(db)}
    assert set(after) == set(before)  # nothing is ever deleted
    assert after["170434"]["position"] == before["170434"]["position"]
    history = query(db, "SELECT * FROM comment_history ORDER BY id")
    changes = {(h["comment_id"], h["change"]) for h in history}
    assert changes == {
        (after["170401"]["id"], "votes+body"),
        (after["170434"]["id"], "deleted"),
    }
    edit = next(h for h in history if h["change"] == "votes+body")
    assert (edit["votes_before"], edit["votes"]) == (8, 9)
    assert edit["body_text"].startswith("編集済み:") and not edit["body_text_before"].startswith(
        "編集済み:"
    )
    assert query(db, "SELECT deleted_at FROM comments WHERE external_id = '170434'")[0][
        "deleted_at"
    ]
    assert query(db, "SELECT comment_count FROM articles")[0]["comment_count"] == 33
    run = query(db, "SELECT comments_changed, comments_deleted FROM crawl_runs ORDER BY id DESC")[0]
    assert run == {"comments_changed": 1, "comments_deleted": 1}


def test_unreadable_dates_keep_their_text_and_fail_the_run(tmp_path) -> None:
    tree = seed_tree()
    for comment_id in ("comment-170401", "comment-170402"):
        tree.get_element_by_id(comment_id).cssselect("time")[0].text = "先日の夕方"
    db = str(tmp_path / "a.sqlite3")
    with LocalSite({ARTICLE: Page(lxml.html.tostring(tree, encoding="utf-8"))}) as site:
        result = scrape(site.url(ARTICLE), db, tmp_path)

    assert result.returncode == 1  # stored, but the run had errors
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and "cannot read comment date" in errors[0]  # once per URL
    assert site.url(ARTICLE) in errors[0]
    rows = {r["external_id"]: r for r in thread_rows(db)}
    assert len(rows) == 34
    unread = rows["170401"]
    assert unread["posted_raw"] == "先日の夕方"
    assert (unread["posted_at"], unread["posted_on"], unread["posted_precision"]) == (
        None,
        None,
        None,
    )
    stats = query(db, "SELECT stats, status FROM crawl_runs")[0]
    assert stats["status"] == "failed"
    assert json.loads(stats["stats"])["archiver/dates/unparsed"] == 2


def test_an_incomplete_fetch_deletes_and_renumbers_nothing(tmp_path) -> None:
    pages = two_comment_pages()
    db = str(tmp_path / "a.sqlite3")
    with LocalSite(pages) as site:
        assert scrape(site.url(ARTICLE), db, tmp_path).returncode == 0
        before = {r["external_id"]: r for r in thread_rows(db)}
        site.pages[f"{ARTICLE}comment-page-1/"] = Page(b"<html>busy</html>", 503)
        second = scrape(site.url(ARTICLE), db, tmp_path)

    assert second.returncode == 1
    assert "comment-page-1/" in second.stderr and "HTTP 503" in second.stderr
    after = {r["external_id"]: r for r in thread_rows(db)}
    assert query(db, "SELECT count(*) AS n FROM comments WHERE deleted_at IS NOT NULL")[0]["n"] == 0
    assert {k: r["position"] for k, r in after.items()} == {
        k: r["position"] for k, r in before.items()
    }
    assert query(db, "SELECT status FROM crawl_runs ORDER BY id DESC")[0]["status"] == "failed"


def test_a_page_holding_fewer_comments_than_it_counts_fails_naming_it(tmp_path) -> None:
    """No silent loss: the page says 40, its HTML holds 34: an error line with the URL, exit 1;
    a site whose profile accepts the shortfall (it counts more than it prints) gets a warning."""
    tree = seed_tree()
    tree.cssselect(".c-comment__tab-item.is-active p")[0].text = "コメント ( 40 )"
    pages = {ARTICLE: Page(lxml.html.tostring(tree, encoding="utf-8"))}
    db = str(tmp_path / "a.sqlite3")
    with LocalSite(pages) as site:
        url = site.url(ARTICLE)
        short = scrape(url, db, tmp_path)
        assert short.returncode == 1
        assert f"error: {url}: 34 comments read, the page shows 40 (its comment count)" in (
            short.stderr
        )
        assert len(thread_rows(db)) == 34  # what it holds is kept
        profiles = tmp_path / "profiles"
        profiles.mkdir()
        (profiles / "127.0.0.1.toml").write_text("accept_shortfall = true\n", encoding="utf-8")
        accepted = scrape(url, db, tmp_path)
    assert accepted.returncode == 0, accepted.stderr
    assert f"warning: {url}: 34 comments read, the page shows 40" in accepted.stderr
    assert "accepted by the site's profile" in accepted.stderr
    run = query(db, "SELECT status, health FROM crawl_runs ORDER BY id DESC")[0]
    [health] = json.loads(run["health"]).values()
    assert run["status"] == "ok" and (health["pages_short"], health["pages_short_accepted"]) == (
        1,
        1,
    )
