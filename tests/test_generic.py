"""The generic comment reader (archiver/parse/extraction/generic.py): random threads rendered in
every markup family read back as the same tree and fields, and junk never raises."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.parse.extraction import extract_page
from archiver.parse.extraction.generic import GenericCommentParser
from archiver.parse.profiles import load_profile
from archiver.parse.replytree import build_thread
from tests.family_markup import FAMILIES, Comment, expected, page

URL = "http://127.0.0.1:8000/2024/02/29/haru/"
WORDS = st.sampled_from(["桜", "雨", "駅前", "川沿い", "週末", "写真", "散歩", "満開", "今年"])


@st.composite
def threads(draw: st.DrawFn) -> tuple[Comment, ...]:
    size = draw(st.integers(min_value=1, max_value=12))
    comments: list[Comment] = []
    for n in range(size):
        parent = draw(st.none() | st.sampled_from([c.id for c in comments])) if comments else None
        text = "".join(draw(st.lists(WORDS, min_size=1, max_size=6))) + "です。"
        comments.append(
            Comment(
                id=200 + n,
                parent=parent,
                author=draw(st.sampled_from(["山田", "名無し", "鈴木", "佐藤"])),
                day=draw(st.integers(min_value=1, max_value=28)),
                time=f"{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}",
                body=(text,),
                votes=draw(st.integers(min_value=0, max_value=50)),
            )
        )
    return tuple(comments)


def read_back(thread: tuple[Comment, ...], family: str) -> list[dict]:
    comments = [c for c in extract_page(page(thread, family), URL, load_profile("x")).comments]
    build_thread(comments)
    position = {c.key: c.position for c in comments}
    return [
        {"position": c.position, "depth": c.depth,
         "parent_position": position[c.parent_key] if c.parent_key else None,
         "author": c.author, "posted_raw": c.posted_raw, "posted_attr": c.posted_attr,
         "body_text": c.body_text,
         "votes": c.votes}
        for c in comments
    ]  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(threads(), st.sampled_from(sorted(FAMILIES)))
def test_a_random_thread_in_any_family_reads_back_as_itself(thread, family) -> None:
    want = [
        {k: v for k, v in row.items() if k != "posted_on"}
        for row in expected(thread, family)["comments"]
    ]
    assert read_back(thread, family) == want


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcdilmntv-_0123456789#")), max_size=400))
def test_junk_never_raises(junk: str) -> None:
    from parsel import Selector

    html = f'<div id="comments"><ol class="comment-list">{junk}</ol><div id="comment-1">{junk}'
    comments = GenericCommentParser().parse(
        Selector(text=html or "<p></p>", type="html"), load_profile("x"), URL
    )
    build_thread(comments)
    assert all(c.depth >= 1 for c in comments)


def test_a_pingback_without_field_classes_is_read_from_its_paragraphs() -> None:
    from parsel import Selector

    html = (
        '<ol class="commentlist"><li id="comment-9" class="pingback">'
        '<p>Pingback: <a href="http://127.0.0.2/">ある日記</a></p></li></ol>'
    )
    (ping,) = GenericCommentParser().parse(Selector(text=html, type="html"), load_profile("x"), URL)
    assert (ping.kind, ping.author, ping.body_text) == (
        "pingback",
        "ある日記",
        "Pingback: ある日記",
    )


@pytest.mark.parametrize(
    "author",
    [
        '<div class="comment-author">山田 on <a href="#c">2024年3月1日</a></div>',
        '<div class="comment-author"><a href="/u/">山田</a> <span>管理人</span></div>',
        '<div class="comment-author">山田, <time datetime="2024-03-01">3月1日</time></div>',
        '<span class="comment__author-name">山田</span>',
    ],
)
def test_the_name_is_read_out_of_an_author_element_that_holds_more(author: str) -> None:
    from parsel import Selector

    html = f'<div id="comment-7">{author}<div class="comment-content"><p>本文</p></div></div>'
    (comment,) = GenericCommentParser().parse(
        Selector(text=html, type="html"), load_profile("x"), URL
    )
    assert comment.author == "山田"
