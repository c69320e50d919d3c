"""The shown comment count comes from count phrases only, in the languages themes print."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html

from archiver.parse.extraction.article import PageIndex
from archiver.parse.extraction.counts import count_in, shown_count

PAGE = "https://blog.example/2024/05/post/"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("「夏祭り2024の記録」への38件のフィードバック", 38),
        ("コメント ( 34 )", 34),
        ("12件のコメント", 12),
        ("留言列表 (42)", 42),
        ("38 thoughts on “Notes from 2019”", 38),
        ("One Response to “Going back to 1998”", 1),
        ("There are 13 comments", 13),
        ("This Post Has 80 Comments", 80),
        ("52Comments", 52),
        ("Ein Gedanke zu „RES158 Sternfusion“", 1),  # the title's digits are no count
        ("2 Gedanken zu „Folge 70: Sterne“", 2),
        ("Kommentare (34)", 34),
        ("Kommentare: 10", 10),
        ("33 LESER-KOMMENTARE", 33),
        ("112 Hinterlasse einen Kommentar", 112),
        ("5343 mal gelesen | 32 Kommentare", 32),
        ("1.234 Kommentare", 1234),
        ("Se han publicado 11 comentarios", 11),
        ("Une réponse à « Paris 2024 »", 1),
        ("Satu Tanggapan", 1),
        ("Folge 70: Sterne", None),
        ("記事4\u3000条件が厳しいかどうかは関係ないのでは。", None),  # 条件 holds 件
        ("記事4\u3000このコメントについて", None),
        ("RES158", None),
        ("Leave a Reply", None),
        ("", None),
    ],
)
def test_count_phrases(text: str, count: int | None) -> None:
    assert count_in(text) == count


def index(body: str) -> PageIndex:
    return PageIndex(html.fromstring(f"<html><body>{body}</body></html>"))


def test_a_heading_with_a_number_in_its_title_is_no_count() -> None:
    page = index(
        "<h1>10 Kommentare zur Lage</h1><h2>Top 10 of 2024</h2>"
        "<div id='comments'><h3>Comments closed</h3></div>"
    )
    assert shown_count(page.count_candidates, (PAGE,)) is None


def test_the_thread_heading_outranks_a_byline_link() -> None:
    page = index(
        f"<p class='meta'><a href='{PAGE}#comments'>7 Kommentare</a></p>"
        "<h2 class='comments-title'>5 Kommentare</h2>"
    )
    assert shown_count(page.count_candidates, (PAGE,)) == 5


def test_a_reply_form_title_is_no_count() -> None:
    page = index(
        "<div id='respond'><h3 id='reply-title' class='comment-reply-title'>"
        "Eine Antwort schreiben</h3></div>"
    )
    assert shown_count(page.count_candidates, (PAGE,)) is None


def test_links_count_only_for_this_page() -> None:
    other = "https://blog.example/2024/06/other/#comments"
    page = index(f"<a href='{other}'>9 Comments</a><a href='#comments'>4 Comments</a>")
    assert shown_count(page.count_candidates, (PAGE,)) == 4


def test_a_holder_or_link_may_show_the_number_alone() -> None:
    page = index("<a href='#comments' class='comment-link'><span class='icon'></span> 26 </a>")
    assert shown_count(page.count_candidates, (PAGE,)) == 26
    page = index("<div><b><span id='num_comments'>5</span></b> comments</div>")
    assert shown_count(page.count_candidates, (PAGE,)) == 5


@given(st.text(max_size=400))
def test_junk_never_raises(text: str) -> None:
    found = count_in(text)
    assert found is None or found >= 0


def test_a_plugins_count_attribute_is_the_count() -> None:
    page = index(
        "<div class='wpd-thread-info' data-comments-count='34'><span>34</span> Comments</div>"
        "<ul class='comments-list' data-remaining-comments-count='0'></ul>"
    )
    assert shown_count(page.count_candidates, (PAGE,)) == 34
