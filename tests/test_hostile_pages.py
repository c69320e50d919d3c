"""Hostile pages cost nothing but themselves (issue 18, the corpus's CI part): our own thread in
every markup family, one comment mutated (tests/hostile_corpus.py: hostile text, broken bytes,
page-wide encodings, a page cut off), read as a crawl reads it and stored in a real archive.
Every other comment is read and stored exactly as from the clean page, the mutated one is
still there, and the health counter the mutation names goes up. The full corpus (thousands of
pages) is bench/bench_hostile.py."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count

import pytest
from hypothesis import given, settings
from sqlalchemy import Engine

from archiver.config import resolve_db_url
from archiver.db.engine import open_archive
from tests.family_markup import SPRING, Comment
from tests.hostile_corpus import FAMILY_NAMES, MUTATIONS, cases, check

NUMBERS = count(1000)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = open_archive(resolve_db_url(str(tmp_path_factory.mktemp("hostile") / "a.sqlite3")))
    yield engine
    engine.dispose()


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_every_mutation_in_every_family(archive: Engine, name: str) -> None:
    for family in FAMILY_NAMES:
        check(archive, next(NUMBERS), family, SPRING, 1, name)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_a_mutated_comment_costs_no_other(
    archive: Engine, case: tuple[str, tuple[Comment, ...], int, str]
) -> None:
    check(archive, next(NUMBERS), *case)
