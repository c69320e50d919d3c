"""End to end against a real WordPress (Debian's package, classic and block themes, with and
without comment paging): the archive holds every loaded comment with the right parent, depth,
author, UTC instant, local date and display position."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.sitegen.layout import display_order
from tests.archive_reader import query, typed_rows
from tests.conftest import FAST, require_service, run_archiver
from testsite.wordpress import VARIANTS, RunningWordPress, WordPressUnavailable, remove, up


@pytest.fixture(scope="module", params=list(VARIANTS))
def wordpress(request: pytest.FixtureRequest) -> Iterator[RunningWordPress]:
    try:
        # A database, config and server of this run's own: CI and a developer may run at once.
        running = up(request.param, instance=f"test{os.getpid()}")
    except WordPressUnavailable as error:
        require_service("WordPress test bed", str(error))
    running.state.comments_per_page = VARIANTS[request.param].comments_per_page
    yield running
    remove(running.name)


def test_scrape_every_post_of_a_real_wordpress(wordpress: RunningWordPress, tmp_path: Path) -> None:
    db = str(tmp_path / "wp.sqlite3")
    done = run_archiver("scrape", *wordpress.post_urls.values(), "--db", db, *FAST, home=tmp_path)
    assert done.returncode == 0, done.stderr

    articles = {a["id"]: a for a in typed_rows(db, "articles")}
    stored = {
        (articles[c["article_id"]]["wp_post_id"], c["external_id"]): c
        for c in typed_rows(db, "comments")
    }
    by_id = {c["id"]: c for c in stored.values()}
    markup = VARIANTS[wordpress.variant].markup
    assert {a["comment_markup"] for a in articles.values() if a["comment_count"]} == {markup}
    state = wordpress.state
    expected_keys = set()
    for article in state.articles.values():
        shown = display_order(state, article)
        for position, (comment, depth) in enumerate(shown, start=1):
            key = (article.id, str(comment.id))
            expected_keys.add(key)
            row = stored[key]
            where = f"post {article.id} comment {comment.id}"
            parent = by_id[row["parent_id"]]["external_id"] if row["parent_id"] else None
            assert parent == (str(comment.parent) if comment.parent else None), where
            assert (row["depth"], row["position"]) == (depth, position), where
            assert row["author"] == (comment.author or "匿名"), where  # WordPress's Anonymous
            assert row["posted_at"] == comment.posted, where
            assert row["posted_on"] == comment.posted.date(), where
            assert row["posted_precision"] == "second", where
        for ping in (c for c in article.present() if c.kind != "comment"):
            key = (article.id, str(ping.id))
            expected_keys.add(key)
            assert stored[key]["kind"] == ping.kind and stored[key]["position"] is None
    assert set(stored) == expected_keys
    shown_counts = {a["wp_post_id"]: a["comment_count_shown"] for a in articles.values()}
    # A post without comments shows no count at all: NULL, not 0 (SPEC: counts).
    assert shown_counts == {a.id: len(a.present()) or None for a in state.articles.values()}
    # The REST API (/wp-json/wp/v2/comments) agrees with the HTML, comment by comment.
    stats = json.loads(query(db, "SELECT stats FROM crawl_runs")[0]["stats"])
    threads = sum(len(a.comments_by_kind()) for a in state.articles.values())
    assert stats["archiver/rest/agreed"] == threads
    assert stats.get("archiver/rest/disagreements", 0) == 0
    assert stats.get("archiver/rest/only_in_html", 0) == 0
    # Article fields: tags as loaded; classic themes link the previous and next posts.
    by_post = {a["wp_post_id"]: a for a in articles.values()}
    for article in state.articles.values():
        assert sorted(by_post[article.id]["tags"]) == sorted(article.tags), article.id
    if VARIANTS[wordpress.variant].theme == "twentytwentyone":
        linked = [a for a in articles.values() if a["previous_url"] or a["next_url"]]
        assert len(linked) == len(articles)
        urls = {a["url"] for a in articles.values()}
        assert all(a["previous_url"] in urls | {None} and a["next_url"] in urls | {None}
                   for a in linked)  # fmt: skip


def test_a_thread_the_page_only_partly_prints_is_completed_from_the_rest_api(tmp_path) -> None:
    """A "load more" page: the theme prints each thread's first 3 comments, the count and the
    REST API have them all. The rest are stored from REST (`source` 'rest'), the thread kept as
    incomplete, and a later fetch deletes none of them."""
    try:
        running = up("classic", instance=f"more{os.getpid()}", shown_comments=3)
    except WordPressUnavailable as error:
        require_service("WordPress test bed", str(error))
    try:
        db = str(tmp_path / "wp.sqlite3")
        urls = list(running.post_urls.values())
        first = run_archiver("scrape", *urls, "--db", db, *FAST, home=tmp_path)
        again = run_archiver("scrape", *urls, "--db", db, *FAST, home=tmp_path)
    finally:
        remove(running.name)
    assert first.returncode == 0, first.stderr
    assert "were read from the REST API (source 'rest')" in first.stderr
    articles = {a["id"]: a for a in typed_rows(db, "articles")}
    stored = {
        (articles[c["article_id"]]["wp_post_id"], c["external_id"]): c
        for c in typed_rows(db, "comments")
    }
    by_id = {c["id"]: c for c in stored.values()}
    for article in running.state.articles.values():
        for rank, (comment, depth) in enumerate(display_order(running.state, article)):
            row = stored[(article.id, str(comment.id))]
            where = f"post {article.id} comment {comment.id}"
            assert row["source"] == ("html" if rank < 3 else "rest"), where
            parent = by_id[row["parent_id"]]["external_id"] if row["parent_id"] else None
            assert parent == (str(comment.parent) if comment.parent else None), where
            assert row["depth"] == depth, where
            # The page names an anonymous commenter 匿名; the REST API gives no name.
            assert row["author"] == (comment.author or ("匿名" if rank < 3 else "")), where
            assert row["posted_at"] == comment.posted, where
            assert row["body_text"], where
    assert again.returncode == 0, again.stderr
    runs = query(db, "SELECT comments_new, comments_deleted FROM crawl_runs ORDER BY id")
    assert runs[1] == {"comments_new": 0, "comments_deleted": 0}
    assert query(db, "SELECT count(*) AS n FROM comment_history")[0]["n"] == 0
