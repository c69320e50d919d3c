"""kill -9 in the middle of a crawl or a reparse (issue 19): after it `db check` finds the
archive sound, and once the killed run is repeated and the sequence goes on, the archive is the
one an uninterrupted sequence gives (tests/kill_soak.py; 50 points: bench/bench_kill_soak.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kill_soak import STEPS, KillPoint, archive_rows, run_sequence

SEED = 19  # of the site and its changes


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> dict:
    home = tmp_path_factory.mktemp("uninterrupted")
    run_sequence(SEED, home / "archive.sqlite3", home)
    return archive_rows(home / "archive.sqlite3")


# One point in each kind of step: the first crawl, a recrawl of a changed site, a reparse.
POINTS = [KillPoint(0, 1.3), KillPoint(1, 1.2), KillPoint(2, 0.9)]


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{STEPS[p.step][0]}{p.step}@{p.after}s")
def test_a_killed_run_leaves_a_sound_archive_and_loses_nothing(
    uninterrupted: dict, tmp_path: Path, point: KillPoint
) -> None:
    db = tmp_path / "archive.sqlite3"
    _, checked = run_sequence(SEED, db, tmp_path, point)
    assert checked.get("findings") == [], checked
    assert archive_rows(db) == uninterrupted
