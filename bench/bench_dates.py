"""Benchmark: `parse_date` vs dateparser on a realistic mix, and the cold import of archiver.parse.dates.

The mix (bench/data/dates_mix.txt) is 9 in 10 the site's own `2021年 12月 23日` form plus every
long-tail form of tests/fixtures/dates/cases.tsv. A second mix (bench/data/dates_new_forms.txt)
holds only the forms issue 17 added (kanji numerals, era letters, parts of the day, a time
before its date, weekdays, days of the month, compound relatives, digits only). Both parsers
run in this process, on the same mix, with the same fetch time. Targets (issues 6 and 17):
>= 200x dateparser's rate on both mixes; import < 50 ms.

Run: .venv/bin/python bench/bench_dates.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from timing import rate  # bench/timing.py, beside this script

MIX = Path(__file__).parent / "data" / "dates_mix.txt"
NEW_FORMS = Path(__file__).parent / "data" / "dates_new_forms.txt"
NOW = datetime(2021, 12, 26, 3, 0, tzinfo=UTC)
IMPORT_CODE = "import time; t = time.perf_counter(); import archiver.parse.dates; print(time.perf_counter() - t)"


def cold_import_seconds(runs: int = 7) -> float:
    times = [
        float(subprocess.run([sys.executable, "-c", IMPORT_CODE], capture_output=True, text=True,
                             check=True).stdout)
        for _ in range(runs)
    ]  # fmt: skip
    return statistics.median(times)


def main() -> None:
    import archiver.parse.dates as dates_module
    from archiver.parse.dates import parse_date

    texts = MIX.read_text(encoding="utf-8").splitlines()
    new_forms = NEW_FORMS.read_text(encoding="utf-8").splitlines()
    import dateparser
    from dateparser.date import DateDataParser

    settings = {"RELATIVE_BASE": NOW.replace(tzinfo=None), "TIMEZONE": "Asia/Tokyo"}
    reused = DateDataParser(languages=["ja", "en"], settings=settings)
    dateparser.parse(texts[0], languages=["ja", "en"], settings=settings)  # warm its caches

    ours = rate(lambda t: parse_date(t, now=NOW), texts)
    # The same without the cache of absolute forms: every string parsed from scratch.
    cached = dates_module._absolute, dates_module._dependent
    dates_module._absolute = cached[0].__wrapped__
    dates_module._dependent = cached[1].__wrapped__
    try:
        uncached = rate(lambda t: parse_date(t, now=NOW), texts)
        uncached_new = rate(lambda t: parse_date(t, now=NOW), new_forms)
    finally:
        dates_module._absolute, dates_module._dependent = cached
    theirs_parse = rate(
        lambda t: dateparser.parse(t, languages=["ja", "en"], settings=settings), texts
    )
    theirs_reused = rate(reused.get_date_data, texts)
    best_baseline = max(theirs_parse, theirs_reused)
    ours_new = rate(lambda t: parse_date(t, now=NOW), new_forms)
    theirs_new = max(
        rate(lambda t: dateparser.parse(t, languages=["ja", "en"], settings=settings), new_forms),
        rate(reused.get_date_data, new_forms),
    )
    imported = cold_import_seconds()

    print(
        f"mix: {len(texts)} strings from {MIX.relative_to(Path.cwd()) if MIX.is_relative_to(Path.cwd()) else MIX}"
    )
    print(f"archiver parse_date          {ours:12,.0f} dates/s (steady state, cache warm)")
    print(f"archiver parse_date, no cache{uncached:12,.0f} dates/s (every string from scratch)")
    print(f"dateparser.parse             {theirs_parse:12,.0f} dates/s")
    print(f"dateparser DateDataParser    {theirs_reused:12,.0f} dates/s (one parser reused)")
    print(f"ratio vs faster baseline     {ours / best_baseline:12.0f}x   (target >= 200x)")
    print(f"ratio without the cache      {uncached / best_baseline:12.0f}x")
    print(f"new forms: {len(new_forms)} strings, archiver {ours_new:,.0f} dates/s, "
          f"dateparser {theirs_new:,.0f} dates/s")  # fmt: skip
    print(f"ratio on the new forms       {ours_new / theirs_new:12.0f}x   (target >= 200x)")
    print(f"ratio on them without caches {uncached_new / theirs_new:12.0f}x")
    print(f"cold import archiver.parse.dates   {imported * 1000:12.1f} ms      (target < 50 ms)")


if __name__ == "__main__":
    main()
