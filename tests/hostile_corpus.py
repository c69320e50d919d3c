"""Hostile pages made from our own markup families (issue 18): one comment of a clean page
mutated (hostile text, broken bytes, a page-wide encoding, a cut-off page), read as a crawl
reads it (Scrapy's response, the browser decoding, extraction) and stored in a real archive.

Each mutation names the health counter it must raise (None: a page like any other, which must
raise none the clean page does not). What must hold for every page: every comment outside the
mutated one is read and stored exactly as from the clean page, the mutated one is still there
where it stood, and the archive holds the text the extraction gave it. A blanket `except` that
dropped the comment, or the page, fails this. tests/test_hostile_pages.py runs a few hundred;
bench/bench_hostile.py the full corpus.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from hypothesis import strategies as st
from scrapy.http import HtmlResponse
from sqlalchemy import Engine, select

from archiver.crawling.health import RunHealth
from archiver.crawling.responses import extract_response
from archiver.db.models import Article
from archiver.db.models import Comment as StoredComment
from archiver.db.store import ArchiveStore
from archiver.items import ArticleItem
from archiver.parse.prepare import prepare_extracts
from tests.family_markup import FAMILIES, Comment, page

NOW = datetime(2026, 12, 2, tzinfo=UTC)
# NEC and IBM extensions, as Windows and browsers map them (cp932; EUC-JP's rows 13 and 89-92).
# Python's EUC-JP codecs write ～ (U+FF5E) where the WHATWG decoder does not read it back.
NEC = "①㈱Ⅲ～"
NEC_EUC = "①㈱Ⅲ"


@dataclass(frozen=True)
class Mutation:
    counter: str | None  # the health figure it must raise
    mutate: Callable[[str, str], tuple[bytes, str]]  # (page, target's text) → (body, Content-Type)
    # "comment": only the target may differ; "cut": the page ends inside the target
    scope: str = "comment"
    kept: str | None = None  # text the target's stored body must hold


UTF8 = "text/html; charset=UTF-8"


def text_after(inserted: str) -> Callable[[str, str], tuple[bytes, str]]:
    def mutate(html: str, target: str) -> tuple[bytes, str]:
        return html.replace(target, target + inserted).encode(), UTF8

    return mutate


def bytes_after(inserted: bytes) -> Callable[[str, str], tuple[bytes, str]]:
    def mutate(html: str, target: str) -> tuple[bytes, str]:
        before, after = html.split(target)
        return before.encode() + target.encode() + inserted + after.encode(), UTF8

    return mutate


def encoded_as(
    codec: str, label: str | None, inserted: str = ""
) -> Callable[[str, str], tuple[bytes, str]]:
    """The whole page in `codec`, declared as `label` in its meta (None: declared nowhere),
    `inserted` after the target's text."""

    def mutate(html: str, target: str) -> tuple[bytes, str]:
        html = html.replace(target, target + inserted)
        meta = f'<meta charset="{label}">' if label else ""
        return html.replace('<meta charset="utf-8">', meta).encode(codec), "text/html"

    return mutate


def cut_after(html: str, target: str) -> tuple[bytes, str]:
    return html[: html.index(target) + len(target)].encode(), UTF8


MUTATIONS = {
    "nul": Mutation("nul_chars", text_after("\x00\x00")),
    "controls": Mutation("control_chars", text_after("\x1b[2J\x07\x9b31m")),
    "bidi": Mutation("control_chars", text_after("\u202e\u2066逆\u2069")),
    "entities": Mutation("replacement_chars", text_after("&bogus; &#xD800; &#0; &#99999999; &amp")),
    "deep": Mutation("tags_dropped", text_after("<b>" * 3000 + "深" + "</b>" * 3000), kept="深"),
    "deep mixed": Mutation(
        "tags_dropped", text_after("<b><i>" * 5000 + "深" + "</i></b>" * 5000), kept="深"
    ),
    "megabyte": Mutation(None, text_after("長" * 350_000), kept="長" * 350_000),
    "unclosed inline": Mutation(None, text_after("<b><i><span>閉じない"), kept="閉じない"),
    "invalid utf-8": Mutation("replacement_chars", bytes_after(b"\xff\xfe\xc3")),
    "surrogate bytes": Mutation("replacement_chars", bytes_after(b"\xed\xa0\x80")),
    "cp932 in utf-8": Mutation("replacement_chars", bytes_after(NEC.encode("cp932"))),
    "euc-jp with nec": Mutation(None, encoded_as("euc_jis_2004", "EUC-JP", NEC_EUC), kept=NEC_EUC),
    "shift_jis as cp932": Mutation(None, encoded_as("cp932", "Shift_JIS", NEC), kept=NEC),
    "undeclared iso-2022-jp": Mutation(None, encoded_as("iso2022_jp", None)),
    "cut off": Mutation("pages_short", cut_after, scope="cut"),
}


@dataclass(frozen=True)
class Reading:
    item: ArticleItem
    figures: dict[str, int]


def read(body: bytes, content_type: str, url: str) -> Reading:
    """The page as a crawl reads it, and the health figures it gives."""
    response = HtmlResponse(url, body=body, headers={"Content-Type": content_type})
    extract = extract_response(response)
    item = prepare_extracts([(extract, url)], NOW)
    assert item is not None, url
    health = RunHealth()
    shortfall = health.observe(item, None)
    site = health.sites[item.domain]
    figures = {
        "control_chars": site.control_chars,
        "replacement_chars": site.replacement_chars,
        "empty_bodies": site.empty_bodies,
        "pages_short": int(shortfall is not None),
        "tags_dropped": extract.tags_dropped,
        "nul_chars": extract.nul_chars,
    }
    return Reading(item, figures)


def rows(item: ArticleItem) -> list[tuple]:
    return [(c.external_id, c.author, c.depth, c.parent_key, c.position, c.body_text)
            for c in item.comments]  # fmt: skip


def as_post(html: str, number: int) -> str:
    """The page as post `number` of its site (one post id is one article in the archive)."""
    return html.replace("77", str(number))


def check(
    engine: Engine,
    number: int,
    family: str,
    thread: tuple[Comment, ...],
    target: int,
    name: str,
    timings: dict[str, float] | None = None,
) -> None:
    """Mutation `name` of comment `target` of the thread on the family's page, as post
    `number`: read, compared with the clean page, stored, and read back from the archive.
    `timings` gathers the seconds spent reading the clean page, the hostile one, and storing."""
    mutation = MUTATIONS[name]
    url = f"http://127.0.0.1:8000/{number}/"
    clean_html = as_post(page(thread, family), number)
    comment = thread[target]
    first = escape(comment.body[0].split("\n")[0])
    assert clean_html.count(first) == 1
    started = time.perf_counter()
    clean = read(clean_html.encode(), UTF8, url)
    read_clean = time.perf_counter()
    hostile = read(*mutation.mutate(clean_html, first), url)
    read_hostile = time.perf_counter()
    got, want = rows(hostile.item), rows(clean.item)
    mutated = str(comment.id)
    if mutation.scope == "cut":  # what the page still holds is what the clean page held
        by_id = {row[0]: row for row in want}
        assert any(row[0] == mutated for row in got), (family, name)
        for row in got:
            if row[0] != mutated:
                assert row[:2] + row[5:] == by_id[row[0]][:2] + by_id[row[0]][5:], (family, row)
    else:
        assert [r[0] for r in got] == [r[0] for r in want], (family, name)  # none lost, none added
        for row, clean_row in zip(got, want, strict=True):
            if row[0] == mutated:
                assert row[:5] == clean_row[:5], (family, name)  # where it stands is unchanged
                if mutation.kept is not None:
                    assert mutation.kept in row[5], (family, name)
            else:
                assert row == clean_row, (family, name, row[0])
    raised = mutation.counter
    if mutation.scope == "cut" and len(got) == len(want):
        raised = None  # cut after the page's last comment: nothing short
    for figure, value in hostile.figures.items():
        if figure == raised:
            assert value > clean.figures[figure], (family, name, figure, hostile.figures)
        else:
            assert value == clean.figures[figure], (family, name, figure, hostile.figures)
    stored(engine, hostile.item)
    if timings is not None:
        for key, seconds in (("clean", read_clean - started), ("hostile", read_hostile - read_clean),
                             ("store", time.perf_counter() - read_hostile)):  # fmt: skip
            timings[key] = timings.get(key, 0.0) + seconds


def stored(engine: Engine, item: ArticleItem) -> None:
    """Store the item and read its comments back: the archive holds what extraction gave."""
    result = ArchiveStore(engine).store_article(item, None)
    with engine.connect() as connection:
        url = connection.scalar(select(Article.url).where(Article.id == result.article_id))
        row = StoredComment
        columns = [row.external_id, row.author, row.depth, row.position, row.body_text]
        back = connection.execute(
            select(*columns)
            .where(StoredComment.article_id == result.article_id)
            .order_by(StoredComment.position)
        ).all()
    assert url == item.url
    assert [tuple(row) for row in back] == [
        (c.external_id, c.author, c.depth, c.position, c.body_text) for c in item.comments
    ]


FAMILY_NAMES = sorted(FAMILIES)
AUTHORS = st.sampled_from(["山田", "名無し", "佐藤", "鈴木花子", "匿名希望", "通りすがり"])
PHRASES = st.sampled_from(
    ["今日は晴れです。", "同感です。", "写真を見ました。", "初めて来ました。"]
)
MAX_DEPTH = 4


@st.composite
def threads(draw: st.DrawFn) -> tuple[Comment, ...]:
    """A thread of our own text, 2 to 12 comments up to MAX_DEPTH deep, each body opening with
    words no other comment's has (the mutation's target is found by them)."""
    comments: list[Comment] = []
    depth: dict[int, int] = {}
    for i in range(draw(st.integers(2, 12))):
        parents = [None] + [c.id for c in comments if depth[c.id] < MAX_DEPTH]
        parent = draw(st.sampled_from(parents))
        number = 300 + i
        depth[number] = 1 if parent is None else depth[parent] + 1
        first = f"第{i + 1}の声。{draw(PHRASES)}"
        paragraphs = (first, *draw(st.lists(PHRASES, max_size=2)))
        hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
        comments.append(Comment(number, parent, draw(AUTHORS), draw(st.integers(1, 28)),
                                f"{hour:02d}:{minute:02d}", paragraphs, draw(st.integers(0, 40))))  # fmt: skip
    return tuple(comments)


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, tuple[Comment, ...], int, str]:
    """(family, thread, target, mutation): one hostile page."""
    thread = draw(threads())
    return (draw(st.sampled_from(FAMILY_NAMES)), thread,
            draw(st.integers(0, len(thread) - 1)), draw(st.sampled_from(sorted(MUTATIONS))))  # fmt: skip
