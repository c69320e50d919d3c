"""Benchmark: `archiver export comments` rows/s per format vs sqlite3 + csv.writer, and peak memory.

Two archives at schema head hold 10k and 100k synthetic comments (100 per thread, sentences of
the seed thread), written with raw executemany (bench_store's loader, without the FTS5 index,
which an export never reads). In the same run:

- baseline: the standard library alone, `sqlite3` cursor → `csv.writer`, the same rows in the
  same order, every column as SQLite returns it (timestamps stay text, nothing converted);
- ours: `archiver.read.export.export` to CSV, JSON Lines and Parquet (types converted: aware UTC
  datetimes, dates, JSON), in this process;
- peak RSS of a fresh process exporting each archive in each format: the 100k figure should be
  flat against the 10k one (streaming, not loading).

Target (issue 10): CSV ≥ 0.5 × baseline; peak RSS flat from 10k to 100k rows.

Run: .venv/bin/python bench/bench_export.py [THREADS_FOR_LARGE]
"""

from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_store
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.synthetic

from bench_store import raw_executemany
from sqlalchemy.engine import make_url

from archiver.db.engine import make_engine
from archiver.read.export import FORMATS, export
from tests.synthetic import synthetic_item

FETCHED = datetime(2026, 11, 1, tzinfo=UTC)
PER_THREAD = 100
ORDER = "ORDER BY article_id, position IS NULL, position, id"

# VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so a child would report
# the parent's peak (this process holds 100k items while it builds the archives).
PEAK = """
def peak_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
"""

MEASURE_RSS = (
    PEAK
    + """
import sys
from sqlalchemy.engine import make_url
from archiver.db.engine import make_engine
from archiver.read.export import export
engine = make_engine(make_url("sqlite:///" + sys.argv[1]))
rows = export(engine, "comments", sys.argv[2], sys.argv[3])
print(rows, peak_kib())
"""
)

BASELINE_RSS = (
    PEAK
    + """
import csv, sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
with open(sys.argv[3], "w", newline="", encoding="utf-8") as out:
    writer = csv.writer(out)
    cursor = connection.execute("SELECT * FROM comments ORDER BY article_id, position IS NULL, position, id")
    writer.writerow([d[0] for d in cursor.description])
    writer.writerows(cursor)
print(0, peak_kib())
"""
)


def build(path: Path, threads: int) -> int:
    items = [synthetic_item(n, PER_THREAD, FETCHED) for n in range(1, threads + 1)]
    raw_executemany(items, path, search_index=False)
    return threads * PER_THREAD


def baseline(path: Path, out: Path) -> float:
    start = time.perf_counter()
    connection = sqlite3.connect(path)
    with out.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        cursor = connection.execute(f"SELECT * FROM comments {ORDER}")
        writer.writerow([d[0] for d in cursor.description])
        writer.writerows(cursor)
    connection.close()
    return time.perf_counter() - start


def ours(path: Path, fmt: str, out: Path) -> float:
    engine = make_engine(make_url(f"sqlite:///{path}"))
    start = time.perf_counter()
    export(engine, "comments", fmt, out)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


def peak_rss_mb(script: str, path: Path, fmt: str, out: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), fmt, str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.split()[1]) / 1024


def main() -> None:
    large_threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        small, large = base / "10k.sqlite3", base / "large.sqlite3"
        small_rows, large_rows = build(small, large_threads // 10), build(large, large_threads)
        print(f"comments export, SQLite {sqlite3.sqlite_version}: {large_rows:,} rows "
              f"({large_threads:,} threads × {PER_THREAD})")  # fmt: skip
        # Best of two for each side, interleaved so neither gets the warmer cache.
        base_seconds, our_seconds = [], {fmt: [] for fmt in FORMATS}
        for _ in range(2):
            base_seconds.append(baseline(large, base / "baseline.csv"))
            for fmt in FORMATS:
                our_seconds[fmt].append(ours(large, fmt, base / f"ours.{fmt}"))
        base_rate = large_rows / min(base_seconds)
        print(f"sqlite3 + csv.writer (baseline) {base_rate:>9,.0f} rows/s"
              f"  {(base / 'baseline.csv').stat().st_size / 1e6:.1f} MB")  # fmt: skip
        for fmt in FORMATS:
            rate = large_rows / min(our_seconds[fmt])
            target = "  (target >= 0.5)" if fmt == "csv" else ""
            size = (base / f"ours.{fmt}").stat().st_size / 1e6
            print(f"archiver export --format {fmt:<8}{rate:>8,.0f} rows/s  {size:.1f} MB"
                  f"  ratio {rate / base_rate:.2f}{target}")  # fmt: skip
        print(f"peak RSS of a fresh process, {small_rows:,} → {large_rows:,} rows (target: flat)")
        for label, script, formats in (
            ("baseline", BASELINE_RSS, ("csv",)),
            ("archiver", MEASURE_RSS, FORMATS),
        ):
            for fmt in formats:
                low = peak_rss_mb(script, small, fmt, base / f"rss-small.{fmt}")
                high = peak_rss_mb(script, large, fmt, base / f"rss-large.{fmt}")
                print(f"  {label} {fmt:<8} {low:6.1f} MB → {high:6.1f} MB  ({high / low - 1:+.1%})")


if __name__ == "__main__":
    main()
