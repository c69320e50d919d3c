"""Hostile text inside one comment never costs the others (issue 18, the corpus's CI part): our
own thread in every markup family, one comment's text mutated (NULs, control and bidi
characters, broken entities, a thousand nested tags, 100,000 characters, unclosed inline
tags); every other comment is read exactly as from the clean page, and the mutated one is
still there. The full corpus (thousands of pages, with the store) belongs in bench/."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.parse.prepare import prepare_page
from tests.family_markup import FAMILIES, FIXTURE_URL, SPRING, page

NOW = datetime(2026, 12, 2, tzinfo=UTC)
MUTATIONS = {
    "nul": "\x00\x00",
    "controls": "\x1b[2J\x07\x9b31m\r",
    "bidi": "\u202e\u2066逆\u2069",
    "entities": "&bogus; &#xD800; &#0; &#99999999; &amp &lt",
    "deep": "<b>" * 1000 + "深" + "</b>" * 1000,
    "long": "長" * 100_000,
    "unclosed inline": "<b><i><span>閉じない",
}


def rows(html: str) -> list[tuple]:
    item = prepare_page(html, FIXTURE_URL, NOW)
    assert item is not None
    return [(c.external_id, c.author, c.depth, c.parent_key, c.position, c.body_text)
            for c in item.comments]  # fmt: skip


CLEAN = {family: rows(page(SPRING, family)) for family in FAMILIES}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(FAMILIES)), st.integers(0, len(SPRING) - 1),
       st.sampled_from(sorted(MUTATIONS)))  # fmt: skip
def test_a_mutated_comment_costs_no_other(family: str, target: int, mutation: str) -> None:
    comment = SPRING[target]
    clean_html = page(SPRING, family)
    first = escape(comment.body[0].split("\n")[0])
    assert clean_html.count(first) == 1
    html = clean_html.replace(first, first + MUTATIONS[mutation])
    got, want = rows(html), CLEAN[family]
    assert [r[0] for r in got] == [r[0] for r in want]  # every comment, none added
    for row, clean in zip(got, want, strict=True):
        if row[0] == str(comment.id):
            assert row[:5] == clean[:5], (family, mutation)  # where it stands is unchanged
        else:
            assert row == clean, (family, mutation, row[0])
