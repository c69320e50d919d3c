"""The store on real SQLite and real PostgreSQL, same test bodies: upserts, history, deletions,
positions, counts, the analyst views and search."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from archiver.config import resolve_db_url
from archiver.db.engine import open_archive
from archiver.db.store import ArchiveStore
from archiver.read.search import search, width_variants
from tests.archive_reader import query, table_counts, typed_rows
from tests.seed_items import EDITED_SUFFIX, changed_seed_item, seed_item

FIRST = datetime(2021, 12, 25, 12, 0, tzinfo=UTC)
SECOND = FIRST + timedelta(days=1)


@pytest.fixture
def archive(db_url: str) -> Iterator[tuple[str, Engine]]:
    engine = open_archive(resolve_db_url(db_url))
    try:
        yield db_url, engine
    finally:
        engine.dispose()


def store_seed_then_changed(engine: Engine) -> tuple[int, int]:
    store = ArchiveStore(engine)
    first_run = store.start_run("test", None)
    store.store_article(seed_item(FIRST), first_run)
    second_run = store.start_run("test", None)
    result = store.store_article(changed_seed_item(SECOND), second_run)
    assert (result.comments_new, result.comments_changed, result.comments_deleted) == (2, 2, 1)
    return first_run, second_run


def test_changed_copy_gives_history_deletion_and_new_replies(archive) -> None:
    db, engine = archive
    first_run, second_run = store_seed_then_changed(engine)

    comments = typed_rows(db, "comments")
    assert len(comments) == 36
    deleted = [c for c in comments if c["deleted_at"] is not None]
    assert len(deleted) == 1 and deleted[0]["position"] == 15  # keeps its last position
    history = query(db, "SELECT * FROM comment_history ORDER BY id")
    assert sorted(h["change"] for h in history) == ["deleted", "votes", "votes+body"]
    assert all(h["crawl_run_id"] == second_run for h in history)
    edited = next(h for h in history if h["change"] == "votes+body")
    assert edited["body_text"] == edited["body_text_before"] + EDITED_SUFFIX
    assert edited["votes"] == edited["votes_before"] + 6

    present = [c for c in comments if c["deleted_at"] is None]
    assert sorted(c["position"] for c in present) == list(range(1, 36))
    by_external = {c["external_id"]: c for c in comments}
    by_id = {c["id"]: c for c in comments}
    for external, parent_position in (("170500", 7), ("170501", 34)):
        new = by_external[external]
        assert new["first_run_id"] == second_run
        assert by_id[new["parent_id"]]["position"] == parent_position
        assert new["posted_on"].isoformat() == "2021-12-26"
    assert {c["first_run_id"] for c in comments if c["external_id"] < "170500"} == {first_run}
    article = query(db, "SELECT comment_count, comment_count_shown FROM articles")[0]
    assert article == {"comment_count": 35, "comment_count_shown": 34}


def test_comment_tree_view_matches_the_parents(archive) -> None:
    db, engine = archive
    store_seed_then_changed(engine)
    comments = {c["id"]: c for c in query(db, "SELECT * FROM comments")}
    tree = query(db, "SELECT * FROM comment_tree ORDER BY path")
    assert len(tree) == len(comments) == 36
    for node in tree:
        chain = [node["id"]]
        while comments[chain[-1]]["parent_id"] is not None:
            chain.append(comments[chain[-1]]["parent_id"])
        assert node["root_id"] == chain[-1]
        assert node["path"] == "/".join(f"{i:010d}" for i in reversed(chain))
        assert node["depth"] == len(chain)
        replies = [
            c for c in comments.values() if c["parent_id"] == node["id"] and c["deleted_at"] is None
        ]
        assert node["reply_count"] == len(replies)
    # Sorted by path, the present comments come in display order.
    positions = [n["position"] for n in tree if n["deleted_at"] is None]
    assert positions == list(range(1, 36))


def test_article_stats_view(archive) -> None:
    db, engine = archive
    store_seed_then_changed(engine)
    stats = query(db, "SELECT * FROM article_stats")[0]
    present = [c for c in typed_rows(db, "comments") if c["deleted_at"] is None]
    assert stats["comments"] == 35
    assert stats["distinct_days"] == len({c["posted_on"] for c in present}) == 4
    assert stats["top_votes"] == max(c["votes"] for c in present if c["votes"] is not None)
    top = next(c for c in present if c["id"] == stats["top_comment_id"])
    assert top["votes"] == stats["top_votes"]
    assert stats["max_depth"] == 5
    assert stats["total_votes"] == sum(c["votes"] or 0 for c in present)


def test_storing_the_same_page_again_changes_only_seen_times(archive) -> None:
    db, engine = archive
    store = ArchiveStore(engine)
    store.store_article(seed_item(FIRST), store.start_run("test", None))
    before = typed_rows(db, "comments")
    counts = table_counts(db)
    result = store.store_article(seed_item(SECOND), store.start_run("test", None))
    assert (result.comments_new, result.comments_changed, result.comments_deleted) == (0, 0, 0)
    assert not result.article_new and not result.article_changed
    after = typed_rows(db, "comments")
    assert {**table_counts(db), "crawl_runs": counts["crawl_runs"]} == counts
    for old, new in zip(before, after, strict=True):
        assert new["last_seen_at"] == SECOND
        assert {**new, "last_seen_at": old["last_seen_at"]} == old


def test_a_removed_comment_that_comes_back_is_restored(archive) -> None:
    db, engine = archive
    store = ArchiveStore(engine)
    store.store_article(seed_item(FIRST), store.start_run("test", None))
    store.store_article(changed_seed_item(SECOND), store.start_run("test", None))
    third = SECOND + timedelta(days=1)
    result = store.store_article(seed_item(third), store.start_run("test", None))
    assert result.comments_deleted == 2  # the two new replies are gone again
    restored = query(db, "SELECT * FROM comment_history WHERE change LIKE '%restored%'")
    assert len(restored) == 1
    assert query(db, "SELECT count(*) AS n FROM comments WHERE deleted_at IS NULL")[0]["n"] == 34


@pytest.mark.parametrize(
    "phrase",
    ["東欧", "交渉", "NATO", "ＮＡＴＯ", "nato", "プーチン", "極超音速", "米", "ウクライナ"],
)
def test_search_finds_japanese_text_of_every_length_and_width(archive, phrase: str) -> None:
    _, engine = archive
    store_seed_then_changed(engine)
    hits = search(engine, phrase, limit=100)
    assert hits, phrase
    variants = [v.lower() for v in width_variants(phrase)]
    for hit in hits:
        marked = hit.snippet.split("[", 1)[1].split("]", 1)[0]
        assert marked.lower() in variants
        assert hit.url.startswith("https://grandfleet.info/") and "#comment-" in hit.url


def test_search_follows_edits_deletions_and_filters(archive) -> None:
    _, engine = archive
    store_seed_then_changed(engine)
    assert search(engine, "訂正します")[0].snippet.endswith("[訂正します]）")
    assert search(engine, "七番への返信")[0].posted_at == datetime(2021, 12, 25, 15, tzinfo=UTC)
    assert search(engine, "存在しない語句") == []
    assert search(engine, "NATO", site="example.jp") == []
    assert search(engine, "NATO", site="grandfleet.info")
    # A date is a day in the archive's timezone (JST): the replies posted on 12/26 JST.
    recent = search(engine, "返信", since=date(2021, 12, 26))
    assert sorted(h.url.rsplit("-", 1)[1] for h in recent) == ["170500", "170501"]
    assert search(engine, "ロシア", within="articles")[0].article_title.startswith("期限を切って")
    # LIKE wildcards are searched for literally.
    assert all("[%]" in h.snippet or "[％]" in h.snippet for h in search(engine, "%"))
    assert search(engine, "_") == []


def test_an_article_without_a_title_still_gets_a_snippet(archive) -> None:
    _, engine = archive
    item = seed_item(FIRST)
    item.title = None
    store = ArchiveStore(engine)
    store.store_article(item, store.start_run("test", None))
    hits = search(engine, "ラブロフ外相", within="articles")
    assert hits and "[ラブロフ外相]" in hits[0].snippet


def test_one_post_id_on_two_pages_published_apart_is_two_articles(archive) -> None:
    """A changed slug keeps the post's date; pages of two sites served from one (a mirror, saved
    pages) share post ids by chance and are kept apart."""
    from dataclasses import replace

    db_url, engine = archive
    store = ArchiveStore(engine)
    run = store.start_run("test", None)
    first = seed_item(FIRST)
    store.store_article(first, run)
    moved = replace(seed_item(SECOND), url=first.url.rstrip("/") + "-renamed/")
    store.store_article(moved, run)  # the same post under a new slug
    other = replace(
        seed_item(SECOND), url=first.url.rstrip("/") + "-other/",
        published_at=first.published_at - timedelta(days=400), title="別の記事",
    )  # fmt: skip
    store.store_article(other, run)
    rows = query(db_url, "SELECT url, wp_post_id, title FROM articles ORDER BY id")
    assert [(r["url"], r["wp_post_id"]) for r in rows] == [
        (moved.url, first.wp_post_id),
        (other.url, None),
    ]


def test_a_comment_only_the_rest_api_listed_is_never_deleted_by_a_page_that_hides_it(
    archive,
) -> None:
    """Stored from REST (a "load more" thread); a later complete-looking fetch of the HTML
    alone without it deletes nothing; when the HTML shows it, it becomes `html`, no history."""
    db, engine = archive
    store = ArchiveStore(engine)
    first = seed_item(FIRST)
    hidden = first.comments[-1]
    hidden.source = "rest"
    hidden.body_html = f"<p>{hidden.body_text}</p>\n"  # the REST API's rendering of it
    first.rest_comments = {}
    store.store_article(first, store.start_run("test", None))
    without = seed_item(SECOND)
    without.comments = [c for c in without.comments if c.key != hidden.key]
    result = store.store_article(without, store.start_run("test", None))
    assert result.comments_deleted == 0
    row = next(c for c in typed_rows(db, "comments") if c["external_id"] == hidden.key)
    assert (row["source"], row["deleted_at"]) == ("rest", None)
    assert query(db, "SELECT count(*) AS n FROM article_stats WHERE comments = 34")[0]["n"] == 1
    shown = seed_item(SECOND + timedelta(days=1))
    store.store_article(shown, store.start_run("test", None))
    row = next(c for c in typed_rows(db, "comments") if c["external_id"] == hidden.key)
    page_html = next(c.body_html for c in shown.comments if c.key == hidden.key)
    assert (row["source"], row["body_html"]) == ("html", page_html)
    assert query(db, "SELECT count(*) AS n FROM comment_history")[0]["n"] == 0


def test_an_id_less_comment_read_better_keeps_its_row(archive) -> None:
    """Its key is built from author and date: a newer extractor that reads its author keys it
    anew; the store finds the row by kind, place, date and text (no new row, no deletion)."""
    from archiver.parse.replytree import build_thread

    db, engine = archive
    store = ArchiveStore(engine)

    def without_ids(fetched_at: datetime, author: str):
        item = seed_item(fetched_at)
        for comment in item.comments[-3:]:
            comment.external_id = None
        item.comments[-1].author = author
        build_thread(item.comments)
        return item

    store.store_article(without_ids(FIRST, ""), store.start_run("test", None))
    before = {c["position"]: c for c in typed_rows(db, "comments")}
    result = store.store_article(without_ids(SECOND, "山田"), store.start_run("test", None))
    assert (result.comments_new, result.comments_deleted, result.comments_rekeyed) == (0, 0, 1)
    after = {c["position"]: c for c in typed_rows(db, "comments")}
    assert after.keys() == before.keys() and after[34]["id"] == before[34]["id"]
    assert (before[34]["author"], after[34]["author"]) == ("", "山田")
    assert query(db, "SELECT count(*) AS n FROM comment_history")[0]["n"] == 0
