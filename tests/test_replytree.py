"""The thread builder: any depth sequence gives a consistent tree."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from archiver.items import CommentItem
from archiver.parse.replytree import build_thread


def comment(
    depth: int, external_id: str | None = None, author: str = "匿名", kind: str = "comment"
):
    return CommentItem(
        external_id=external_id,
        depth=depth,
        author=author,
        posted_raw="2021年 12月 23日",
        body_text="本文",
        body_html="<p>本文</p>",
        kind=kind,
    )


def assert_consistent(comments: list[CommentItem]) -> None:
    thread = [c for c in comments if c.kind == "comment"]
    by_key = {c.key: c for c in thread}
    assert len(by_key) == len(thread), "keys are unique"
    assert [c.position for c in thread] == list(range(1, len(thread) + 1))
    for c in thread:
        if c.parent_key is None:
            assert c.depth == 1
        else:
            parent = by_key[c.parent_key]
            assert c.depth == parent.depth + 1
            assert parent.position < c.position  # pre-order: no cycles
    for c in comments:
        if c.kind != "comment":
            assert (c.depth, c.parent_key, c.position) == (1, None, None)


def test_parents_follow_depth_order() -> None:
    comments = [comment(d, str(i)) for i, d in enumerate([1, 2, 3, 2, 1, 2], start=1)]
    report = build_thread(comments)
    assert [c.parent_key for c in comments] == [None, "1", "2", "1", None, "5"]
    assert (report.comments, report.max_depth, report.depth_fixes) == (6, 3, 0)


def test_a_depth_jump_is_clamped_and_counted() -> None:
    comments = [comment(1, "1"), comment(4, "2")]
    report = build_thread(comments)
    assert comments[1].depth == 2 and comments[1].parent_key == "1"
    assert report.depth_fixes == 1


def test_keys_without_site_ids_do_not_depend_on_the_body() -> None:
    first, second = [comment(1)], [comment(1)]
    second[0].body_text = "編集された本文"
    build_thread(first)
    build_thread(second)
    assert first[0].key == second[0].key


def test_identical_siblings_get_distinct_keys() -> None:
    comments = [comment(1), comment(1)]
    build_thread(comments)
    assert comments[0].key != comments[1].key


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=-3, max_value=12),
            st.one_of(st.none(), st.integers(0, 10**6).map(str)),
            st.sampled_from(["comment", "comment", "comment", "pingback", "trackback"]),
            st.sampled_from(["匿名", "", "太郎"]),
        ),
        max_size=60,
        unique_by=lambda t: t[1] or object(),
    )
)
def test_any_input_builds_a_consistent_tree(rows) -> None:
    comments = [comment(d, eid, author, kind) for d, eid, kind, author in rows]
    build_thread(comments)
    assert_consistent(comments)
