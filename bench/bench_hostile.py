"""Benchmark: the full hostile-page corpus (issue 18) through extraction and the store.

2,400 pages made by tests/hostile_corpus.py (our own threads in every markup family, one comment
mutated: hostile text, broken bytes, page-wide encodings, a page cut off), each read as a crawl
reads it, compared with its clean page, stored in a SQLite archive and read back. Every page
must pass: the comments outside the mutated one equal, the mutated one kept, the health counter
its mutation names raised and no other. Prints the pages per mutation and the cost of reading a
hostile page against its clean page, measured in the same run.

Run: .venv/bin/python bench/bench_hostile.py [PAGES]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from itertools import count
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.config import resolve_db_url  # noqa: E402
from archiver.db.engine import open_archive  # noqa: E402
from tests.hostile_corpus import MUTATIONS, cases, check  # noqa: E402


def main(pages: int) -> int:
    numbers = count(1)
    per_mutation: Counter[str] = Counter()
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as directory:
        engine = open_archive(resolve_db_url(str(Path(directory) / "hostile.sqlite3")))

        @settings(max_examples=pages, deadline=None, database=None, derandomize=True,
                  phases=[Phase.generate], suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(cases())
        def run(case: tuple) -> None:
            check(engine, next(numbers), *case, timings=timings)
            per_mutation[case[3]] += 1

        started = time.perf_counter()
        run()
        wall = time.perf_counter() - started
        engine.dispose()
    total = sum(per_mutation.values())
    print(f"hostile corpus: {total:,} pages, all passed, in {wall:.1f} s")
    for name in sorted(MUTATIONS):
        counter = MUTATIONS[name].counter or "(none)"
        print(f"  {name:24} {per_mutation[name]:5} pages   raises {counter}")
    clean, hostile, store = timings["clean"], timings["hostile"], timings["store"]
    print(f"reading the clean pages      {clean:7.2f} s")
    print(f"reading the hostile pages    {hostile:7.2f} s")
    print(f"storing the hostile pages    {store:7.2f} s")
    print(f"ratio hostile / clean read    {hostile / clean:6.2f}x")
    return 0 if total >= pages * 0.95 else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2400))
