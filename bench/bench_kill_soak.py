"""Soak: 50 kill -9 points (seeded; the seed is printed) across the first crawl, recrawls of a
changing site and a reparse (tests/kill_soak.py). After each kill `db check` must find the
archive sound, and the sequence finished after it must give the archive an uninterrupted
sequence gives. Prints the points per step, the findings and mismatches (0 and 0 expected),
and the wall time against the uninterrupted sequence's, measured in the same run.

Run: .venv/bin/python bench/bench_kill_soak.py [POINTS] [SEED]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.kill_soak import STEPS, archive_rows, kill_points, run_sequence  # noqa: E402

SITE_SEED = 19


def main(points: int, seed: int) -> int:
    print(f"kill points: {points}, seed {seed} (site seed {SITE_SEED})")
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        started = time.perf_counter()
        durations, _ = run_sequence(SITE_SEED, home / "reference.sqlite3", home)
        reference_wall = time.perf_counter() - started
        reference = archive_rows(home / "reference.sqlite3")
        per_step: Counter[str] = Counter()
        unsound = mismatched = 0
        started = time.perf_counter()
        for number, point in enumerate(kill_points(seed, points, durations)):
            run_home = home / f"kill-{number}"
            run_home.mkdir()
            _, checked = run_sequence(SITE_SEED, run_home / "archive.sqlite3", run_home, point)
            per_step[f"{STEPS[point.step][0]} (step {point.step})"] += 1
            if checked.get("findings"):
                unsound += 1
                print(f"  point {number} {point}: db check found {checked['findings']}")
            if archive_rows(run_home / "archive.sqlite3") != reference:
                mismatched += 1
                print(f"  point {number} {point}: the archive differs from the uninterrupted one")
        soak_wall = time.perf_counter() - started
    for step, count in sorted(per_step.items()):
        print(f"  {step:18} {count:3} kills")
    print(f"unsound after a kill: {unsound}; archives differing at the end: {mismatched}")
    print(f"uninterrupted sequence {reference_wall:6.1f} s; per killed sequence "
          f"{soak_wall / points:6.1f} s ({soak_wall / points / reference_wall:.2f}x)")  # fmt: skip
    return 0 if unsound == mismatched == 0 else 1


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(int(args[0]) if args else 50, int(args[1]) if len(args) > 1 else 2026))
