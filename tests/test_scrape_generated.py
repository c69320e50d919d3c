"""`archiver scrape` over many articles of the generated site, then again after the site changed:
the archive must hold exactly the expected rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
from pathlib import Path

from archiver.sitegen.evolve import evolve
from archiver.sitegen.expected import ExpectedComment, expected_articles
from archiver.sitegen.model import MARKUPS, SiteState, add_comment, generate
from archiver.sitegen.server import GeneratedSite
from tests.archive_reader import query
from tests.conftest import FAST, run_archiver


def stored_threads(db: str) -> dict[int, list[tuple]]:
    rows = query(
        db,
        """
        SELECT a.wp_post_id, c.external_id, p.external_id AS parent, c.depth, c.position, c.author,
               c.posted_on, c.body_text, c.votes, c.kind
        FROM comments c JOIN articles a ON a.id = c.article_id
        LEFT JOIN comments p ON p.id = c.parent_id
        WHERE c.deleted_at IS NULL
        ORDER BY a.wp_post_id, c.position IS NULL, c.position, c.id
        """,
    )
    threads: dict[int, list[tuple]] = {}
    for r in rows:
        threads.setdefault(r["wp_post_id"], []).append(
            (r["external_id"], r["parent"], r["depth"], r["position"], r["author"],
             str(r["posted_on"]), r["body_text"], r["votes"], r["kind"])
        )  # fmt: skip
    return threads


def expected_threads(state: SiteState) -> dict[int, list[tuple]]:
    return {
        post_id: [_row(e) for e in article.comments]
        for post_id, article in expected_articles(state).items()
        if article.comments
    }


def _row(e: ExpectedComment) -> tuple:
    return (e.external_id, e.parent_external_id, e.depth, e.position, e.author,
            str(e.posted_on), e.body_text, e.votes, e.kind)  # fmt: skip


def scrape_all(site: GeneratedSite, db: str, home: Path):
    return run_archiver("scrape", *site.article_urls(), "--db", db, *FAST, home=home)


def test_scrape_many_generated_articles_then_the_changed_site(db_url: str, tmp_path: Path) -> None:
    state = generate(40, (0, 60), seed=21, comments_per_page=10, markups=MARKUPS)
    with GeneratedSite(state) as site:
        first = scrape_all(site, db_url, tmp_path)
        assert first.returncode == 0, first.stderr
        assert stored_threads(db_url) == expected_threads(state)
        articles = query(db_url, "SELECT wp_post_id, url, comment_count FROM articles")
        assert len(articles) == 40
        expected = expected_articles(state)
        for article in articles:
            assert article["url"] == site.url(expected[article["wp_post_id"]].path)
            assert article["comment_count"] == expected[article["wp_post_id"]].comment_count

        log = evolve(state, new_articles=3, new_comments=25, edits=3, deletions=2,
                     vote_changes=4, slug_changes=1)  # fmt: skip
        second = scrape_all(site, db_url, tmp_path)
        assert second.returncode == 0, second.stderr

    assert stored_threads(db_url) == expected_threads(state)
    assert query(db_url, "SELECT count(*) AS n FROM articles")[0]["n"] == 43  # the moved one too
    moved = next(c["article"] for c in log if c["kind"] == "slug")
    url = query(db_url, "SELECT url FROM articles WHERE wp_post_id = :id", id=moved)[0]["url"]
    assert url.endswith("-renamed/")
    deleted = {str(c["comment"]) for c in log if c["kind"] == "delete_comment"}
    gone = query(db_url, "SELECT external_id FROM comments WHERE deleted_at IS NOT NULL")
    assert {r["external_id"] for r in gone} == deleted
    # A comment added and changed in the same step is first seen changed: no history for it.
    new = {str(c["id"]) for c in log if c["kind"] == "new_comment"}
    changed = {str(c["comment"]) for c in log if c["kind"] in ("edit_comment", "votes")} - new
    history = query(
        db_url,
        "SELECT c.external_id, h.change FROM comment_history h JOIN comments c ON c.id = h.comment_id",
    )
    assert {r["external_id"] for r in history if r["change"] != "deleted"} == changed
    runs = query(
        db_url, "SELECT status, comments_new, comments_deleted FROM crawl_runs ORDER BY id"
    )
    new_comments = sum(1 for c in log if c["kind"] == "new_comment")
    assert runs[1] == {"status": "ok", "comments_new": new_comments, "comments_deleted": 2}


def test_comments_added_between_the_fetches_of_two_pages(tmp_path: Path) -> None:
    """The article URL (newest page) is fetched, then comments arrive, then the older pages:
    nothing lost, nothing twice, and the next visit completes the thread."""
    state = generate(1, 60, seed=31, comments_per_page=5)
    article = state.articles[1]
    before = {str(c.id) for c in article.present()}
    db = str(tmp_path / "race.sqlite3")
    rng = random.Random(5)

    def comments_arrive() -> None:
        page_one = [c for c in article.comments if c.parent is None][:3]
        for parent in page_one:  # replies on page 1, not fetched yet
            reply = add_comment(state, article, rng)
            reply.parent = parent.id
        for _ in range(4):  # new top-level comments after the newest page was read
            add_comment(state, article, rng).parent = None

    with GeneratedSite(state) as site:
        site.after[article.path] = comments_arrive
        first = scrape_all(site, db, tmp_path)
        assert first.returncode == 0, first.stderr
        stored = query(db, "SELECT external_id, deleted_at FROM comments")
        ids = [r["external_id"] for r in stored]
        assert len(ids) == len(set(ids))  # nothing twice
        assert before <= set(ids)  # nothing lost
        assert all(r["deleted_at"] is None for r in stored)
        second = scrape_all(site, db, tmp_path)
        assert second.returncode == 0, second.stderr
    assert stored_threads(db) == expected_threads(state)


def test_a_comment_removed_between_two_page_fetches_is_not_a_false_deletion(
    tmp_path: Path,
) -> None:
    """A removal shifts every later page boundary: the fetch reads fewer comments than the page
    announced, so it deletes nothing; the next, complete visit records the one real deletion."""
    state = generate(1, 60, seed=32, comments_per_page=5)
    article = state.articles[1]
    db = str(tmp_path / "shift.sqlite3")
    with GeneratedSite(state) as site:
        assert scrape_all(site, db, tmp_path).returncode == 0
        tops = [c for c in article.comments if c.parent is None]
        leaf = next(c for c in tops if not any(r.parent == c.id for r in article.comments))
        first_page = f"{article.path}comment-page-1/"

        def removed() -> None:
            leaf.deleted = True

        site.after[first_page] = removed
        again = scrape_all(site, db, tmp_path)
        assert again.returncode == 0, again.stderr
        assert (
            query(db, "SELECT count(*) AS n FROM comments WHERE deleted_at IS NOT NULL")[0]["n"]
            <= 1
        )
        third = scrape_all(site, db, tmp_path)
        assert third.returncode == 0
    deleted = query(db, "SELECT external_id FROM comments WHERE deleted_at IS NOT NULL")
    assert [r["external_id"] for r in deleted] == [str(leaf.id)]
    assert stored_threads(db) == expected_threads(state)


def run_stats(db: str) -> dict:
    raw = query(db, "SELECT stats FROM crawl_runs ORDER BY id DESC")[0]["stats"]
    return json.loads(raw) if isinstance(raw, str) else raw


def test_the_rest_api_agrees_and_an_altered_answer_is_reported(tmp_path: Path) -> None:
    state = generate(4, (8, 30), seed=41, markups=("tcd", "classic"), comments_per_page=6)
    comments = sum(len(a.comments_by_kind()) for a in state.articles.values())
    with GeneratedSite(state) as site:
        clean = scrape_all(site, str(tmp_path / "clean.sqlite3"), tmp_path)
        assert clean.returncode == 0, clean.stderr
        stats = run_stats(str(tmp_path / "clean.sqlite3"))
        assert stats["archiver/rest/agreed"] == comments
        assert stats.get("archiver/rest/disagreements", 0) == 0

        article = state.articles[2]
        reply = next(c for c in article.comments if c.parent)
        other = article.comments[0]
        site.rest_overrides = {
            reply.id: {"parent": other.id if other.id != reply.parent else 0},
            other.id: {"date_gmt": "2001-02-03T04:05:06"},
        }
        site.changed()
        db = str(tmp_path / "altered.sqlite3")
        altered = scrape_all(site, db, tmp_path)
    assert altered.returncode == 0, altered.stderr  # a second opinion, not an error
    assert altered.stderr.count("REST disagrees") == 2
    assert f"comment {reply.id}: parent" in altered.stderr
    assert f"comment {other.id}: posted" in altered.stderr
    stats = run_stats(db)
    assert stats["archiver/rest/disagreements"] == 2
    assert stats["archiver/rest/agreed"] == comments - 2
    # The HTML's values are what is stored.
    assert stored_threads(db) == expected_threads(state)


def test_an_unknown_comment_markup_is_stored_reported_and_fails_the_run(tmp_path: Path) -> None:
    state = generate(3, (5, 12), seed=51, comments_per_page=None)
    db = str(tmp_path / "unknown.sqlite3")
    with GeneratedSite(state) as site:
        assert scrape_all(site, db, tmp_path).returncode == 0
        article = state.articles[2]
        article.markup = "unknown"  # the site switched its comment plugin
        site.changed()
        second = scrape_all(site, db, tmp_path)
        url = site.url(article.path)
    assert second.returncode == 1
    assert f"{url}: comment markup not recognized" in second.stderr
    row = query(
        db, "SELECT title, comment_markup, comment_count FROM articles WHERE wp_post_id = 2"
    )
    assert row == [{"title": article.title, "comment_markup": None,
                    "comment_count": len(article.comments_by_kind())}]  # fmt: skip
    # Nothing was marked deleted from a page we could not read.
    assert query(db, "SELECT count(*) AS n FROM comments WHERE deleted_at IS NOT NULL")[0]["n"] == 0
    assert run_stats(db)["archiver/errors/unknown_markup"] == 1
    assert query(db, "SELECT status FROM crawl_runs ORDER BY id DESC")[0]["status"] == "failed"


def test_a_site_without_its_rest_api_warns_once(tmp_path: Path) -> None:
    state = generate(4, (3, 8), seed=61, comments_per_page=None)
    state.rest_api = False  # the page still links it; the endpoint answers 404
    db = str(tmp_path / "norest.sqlite3")
    with GeneratedSite(state) as site:
        done = scrape_all(site, db, tmp_path)
        # Requests already queued still go out; none after the first refusal is read.
        assert sum(p.startswith("/wp-json/") for p in site.requests) <= 4
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("no REST cross-check for this site") == 1
    assert stored_threads(db) == expected_threads(state)
