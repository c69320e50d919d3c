"""Comments the page's HTML does not hold, completed from the WordPress REST API's answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from archiver.items import ArticleItem, CommentItem
from archiver.parse.replytree import build_thread
from archiver.parse.restcomments import add_missing, read_answer


def entry(site_id: int, parent: int = 0, name: str = "佐藤") -> dict:
    return {
        "id": site_id, "post": 7, "parent": parent, "author_name": name,
        "date": "2024-05-01T21:00:00", "date_gmt": "2024-05-01T12:00:00",
        "content": {"rendered": f"<p>返信{site_id}です。<br />二行目</p>\n"}, "type": "comment",
    }  # fmt: skip


def html_comment(site_id: int, depth: int) -> CommentItem:
    return CommentItem(str(site_id), depth, "山田", "2024年5月1日", f"本文{site_id}", "<p>…</p>")


def thread(shown: int, *comments: CommentItem) -> ArticleItem:
    url = "https://blog.example/2024/05/post/"
    item = ArticleItem(url=url, fetched_url=url, fetched_at=datetime(2024, 5, 2, tzinfo=UTC),
                       domain="blog.example", comment_count_shown=shown)  # fmt: skip
    item.comments = list(comments)
    return item


def test_an_answer_is_read_by_site_id_and_junk_is_none() -> None:
    answer = read_answer(json.dumps([entry(11), entry(12, parent=11)]))
    assert answer is not None and set(answer) == {"11", "12"}
    assert (answer["12"].parent, answer["12"].author, answer["12"].date_gmt) == (
        "11", "佐藤", "2024-05-01T12:00:00",
    )  # fmt: skip
    for junk in ("", "{}", "<html>", '{"code": "rest_forbidden"}', "null"):
        assert read_answer(junk) is None
    assert read_answer('[1, "x", {"no": "id"}]') == {}


def test_the_missing_comments_join_the_thread_where_the_page_would_show_them() -> None:
    item = thread(5, html_comment(10, 1), html_comment(11, 2), html_comment(20, 1))
    item.rest_comments = read_answer(
        json.dumps([entry(10), entry(11, 10), entry(12, 10), entry(20), entry(21, 12), entry(30)])
    )
    assert add_missing(item, "https://blog.example/wp-json/wp/v2/comments?post=7") == 3
    assert [(c.external_id, c.depth, c.source) for c in item.comments] == [
        ("10", 1, "html"), ("11", 2, "html"), ("12", 2, "rest"), ("21", 3, "rest"),
        ("20", 1, "html"), ("30", 1, "rest"),
    ]  # fmt: skip
    added = item.comments[2]
    assert (added.author, added.body_text, added.posted_attr) == (
        "佐藤", "返信12です。\n二行目", "2024-05-01T12:00:00+00:00",
    )  # fmt: skip
    assert added.page_url.endswith("comments?post=7")
    assert not item.comments_complete  # it moves and deletes nothing stored


def test_nothing_is_added_where_the_html_holds_what_the_page_counts() -> None:
    item = thread(2, html_comment(10, 1), html_comment(11, 2))
    item.rest_comments = read_answer(json.dumps([entry(10), entry(11, 10), entry(12)]))
    assert add_missing(item) == 0 and item.comments_complete


@given(
    st.lists(st.tuples(st.integers(1, 40), st.integers(0, 40)), max_size=30),
    st.sets(st.integers(1, 40), max_size=10),
)
def test_any_answer_gives_a_consistent_tree(pairs: list[tuple[int, int]], held: set[int]) -> None:
    item = thread(100, *(html_comment(site_id, 1) for site_id in sorted(held)))
    item.rest_comments = read_answer(json.dumps([entry(a, b) for a, b in pairs]))
    add_missing(item)
    build_thread(item.comments)
    by_key = {c.key: c for c in item.comments}
    assert [c.position for c in item.comments] == list(range(1, len(item.comments) + 1))
    for comment in item.comments:
        parent = by_key.get(comment.parent_key) if comment.parent_key else None
        assert comment.depth == (parent.depth + 1 if parent else 1)
