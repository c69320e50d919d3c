"""Property tests: any thread rendered in any supported markup parses back to the same tree, and
no junk makes the extractors raise."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.parse.extraction import extract_page
from archiver.parse.profiles import load_profile
from archiver.parse.replytree import build_thread
from archiver.sitegen.model import JST, MARKUPS, SiteArticle, SiteComment, SiteState
from archiver.sitegen.render import article_page, body_text

URL = "http://127.0.0.1:8000/2026/10/01/post-1/"
WORDS = st.sampled_from(["匿名", "", "A&B", "x<y", "😅", "ＮＡＴＯ", "名無し", "  spaced  "])
LINES = st.lists(
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1),
    min_size=1,
    max_size=3,
)


@st.composite
def threads(draw) -> list[tuple[int, str, list[list[str]]]]:
    """(depth, author, paragraphs) in display order; each depth at most one below the last."""
    size = draw(st.integers(0, 25))
    rows, depth = [], 0
    for _ in range(size):
        depth = draw(st.integers(1, depth + 1)) if depth else 1
        author = draw(WORDS).strip()
        paragraphs = draw(st.lists(LINES, min_size=1, max_size=2))
        rows.append((depth, author, [[line.strip() or "x" for line in p] for p in paragraphs]))
    return rows


def site_with(rows: list[tuple[int, str, list[list[str]]]], markup: str) -> SiteState:
    start = datetime(2026, 10, 1, 9, tzinfo=JST)
    comments: list[SiteComment] = []
    stack: list[SiteComment] = []
    for number, (depth, author, body) in enumerate(rows, start=1):
        del stack[depth - 1 :]
        comment = SiteComment(
            id=number,
            parent=stack[-1].id if stack else None,
            author=author,
            posted=start + timedelta(minutes=number),
            body=body,
            votes=number % 7,
        )
        comments.append(comment)
        stack.append(comment)
    article = SiteArticle(
        id=1, slug="post-1", title="題", category="asia", tags=[], published=start,
        modified=start, body=["本文"], comments=comments, markup=markup,
    )  # fmt: skip
    return SiteState(seed=0, now=start, articles={1: article}, comments_per_page=None)


@settings(max_examples=60)
@given(threads(), st.sampled_from(MARKUPS))
def test_a_rendered_thread_parses_back_to_the_same_tree(rows, markup: str) -> None:
    state = site_with(rows, markup)
    article = state.articles[1]
    page = extract_page(article_page(state, article, "http://127.0.0.1:8000", None), URL,
                        load_profile("x"))  # fmt: skip
    build_thread(page.comments)
    got = [(c.external_id, c.parent_key, c.depth, c.position, c.author, c.body_text, c.votes)
           for c in page.comments]  # fmt: skip
    by_id = {c.id: c for c in article.comments}
    want = []
    for position, comment in enumerate(article.comments, start=1):
        depth, node = 1, comment
        while node.parent:
            node, depth = by_id[node.parent], depth + 1
        parent = str(comment.parent) if comment.parent else None
        want.append((str(comment.id), parent, depth, position, " ".join(comment.author.split()),
                     body_text(comment), comment.votes))  # fmt: skip
    assert got == want


HTML_BITS = st.sampled_from([
    "<li id='comment-1' class='comment depth-1'>", "</li>", "<ol class='children'>", "</ol>",
    "<ol class='comment-list'>", "<ol id='comments' class='c-comment__list'>",
    "<ol class='wp-block-comment-template'>", "<div class='comment-content'>", "</div>",
    "<time datetime='2021-13-45T99:99'>", "<span class='count-box'>", "<b class='fn'>",
    "<a href='/x/comment-page-999999999999/'>", "<a href='?cpage=-1'>", "&#0;", "&bogus;",
    "<br>", "<p>", "<!--", "<script>", "<meta property='og:type' content='article'>",
    "<li id='comment-' class='depth-x'>", "<li id='comment-2' class='comment depth-99'>",
])  # fmt: skip


@settings(max_examples=200)
@given(st.one_of(st.text(), st.lists(st.one_of(HTML_BITS, st.text(max_size=5))).map("".join)))
def test_junk_html_never_raises(html: str) -> None:
    page = extract_page(html, URL, load_profile("x"))
    build_thread(page.comments)


def test_json_looking_text_is_still_read_as_html() -> None:
    # parsel guesses JSON from text that parses as JSON; a page body never is.
    page = extract_page('{"": ""}', "https://example.jp/a/", load_profile("example.jp"))
    assert page.article is None
