"""`archiver scrape` over many articles of the generated site, then again after the site changed:
the archive must hold exactly the expected rows, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from tests.archive_reader import query
from tests.conftest import FAST, run_archiver
from testsite.evolve import evolve
from testsite.expected import ExpectedComment, expected_articles
from testsite.model import MARKUPS, SiteState, generate
from testsite.server import GeneratedSite


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
