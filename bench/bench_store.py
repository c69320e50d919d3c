"""Benchmark: comment upserts/s through the real store vs raw sqlite3 executemany, same rows.

Both sides write the same 100k comments (1,000 articles × 100, synthetic threads from the seed's
sentences) into a fresh SQLite archive at schema head — the same tables, indexes and FTS5 trigram
triggers — in this process, one after the other. The store does all it does on a crawl: one
transaction per article, reading the stored thread, history checks, parent ids, counts. The raw
side is a single `executemany` of prepared tuples with ids assigned in advance. Then the store
re-stores every thread with changed votes (the recrawl case). Target (issue 7): store ≥ 0.5 × raw.
Also the database size per 10k comments.

Run: .venv/bin/python bench/bench_store.py [ARTICLES] [COMMENTS_PER_ARTICLE]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.synthetic

from sqlalchemy.engine import make_url

from archiver.db.engine import open_archive
from archiver.db.store import ArchiveStore
from archiver.items import ArticleItem
from tests.synthetic import synthetic_item

FETCHED = datetime(2026, 11, 1, tzinfo=UTC)
COLUMNS = (
    "id, article_id, external_id, kind, parent_id, depth, position, author, posted_at, posted_on, "
    "posted_precision, posted_raw, body_text, body_html, votes, page_url, first_seen_at, "
    "last_seen_at, deleted_at, first_run_id"
)


def sqlite_time(value: datetime | None) -> str | None:
    """How SQLAlchemy stores a UTC instant on SQLite (SPEC: time storage)."""
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def fresh_archive(path: Path):
    return open_archive(make_url(f"sqlite:///{path}"))


def through_store(items: list[ArticleItem], path: Path) -> tuple[float, float]:
    engine = fresh_archive(path)
    store = ArchiveStore(engine)
    run = store.start_run("bench", None)
    start = time.perf_counter()
    for item in items:
        store.store_article(item, run)
    first = time.perf_counter() - start
    later = FETCHED + timedelta(days=1)
    revisits = []
    for item in items:
        comments = [replace(c, votes=(c.votes or 0) + 1) for c in item.comments]
        revisits.append(replace(item, fetched_at=later, comments=comments))
    start = time.perf_counter()
    for item in revisits:
        store.store_article(item, run)
    second = time.perf_counter() - start
    engine.dispose()
    return first, second


def raw_executemany(items: list[ArticleItem], path: Path, search_index: bool = True) -> float:
    fresh_archive(path).dispose()
    seen = sqlite_time(FETCHED)
    articles, comments = [], []
    next_id = 1
    for article_id, item in enumerate(items, start=1):
        articles.append((article_id, 1, item.url, item.wp_post_id, item.title, item.body_text,
                         len(item.comments), seen, seen))  # fmt: skip
        ids: dict[str, int] = {}
        for c in item.comments:
            ids[c.key] = next_id
            comments.append((
                next_id, article_id, c.key, c.kind, ids.get(c.parent_key or ""), c.depth,
                c.position, c.author, sqlite_time(c.posted_at),
                c.posted_on.isoformat() if c.posted_on else None, c.posted_precision,
                c.posted_raw, c.body_text, c.body_html, c.votes, c.page_url, seen, seen, None, 1,
            ))  # fmt: skip
            next_id += 1
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute(
        "INSERT INTO sites (id, domain, timezone) VALUES (1, 'example.jp', 'Asia/Tokyo')"
    )
    connection.execute("INSERT INTO crawl_runs (id, command, started_at, status, pages, articles_new, "
                       "articles_changed, comments_new, comments_changed, comments_deleted, errors) "
                       "VALUES (1, 'bench', ?, 'running', 0, 0, 0, 0, 0, 0, 0)", (seen,))  # fmt: skip
    if not search_index:  # where the time goes: the same inserts without FTS5 maintenance
        for table in ("comment", "article"):
            connection.execute(f"DROP TRIGGER {table}_search_insert")
    connection.commit()
    start = time.perf_counter()
    with connection:
        connection.executemany(
            "INSERT INTO articles (id, site_id, url, wp_post_id, title, body_text, comment_count, "
            "first_seen_at, last_crawled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            articles,
        )
        connection.executemany(
            f"INSERT INTO comments ({COLUMNS}) VALUES ({', '.join('?' * 20)})", comments
        )
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def main() -> None:
    articles = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    per_article = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    items = [synthetic_item(n, per_article, FETCHED) for n in range(1, articles + 1)]
    total = articles * per_article
    with tempfile.TemporaryDirectory() as folder:
        raw_seconds = raw_executemany(items, Path(folder) / "raw.sqlite3")
        bare_seconds = raw_executemany(items, Path(folder) / "bare.sqlite3", search_index=False)
        store_path = Path(folder) / "store.sqlite3"
        first, second = through_store(items, store_path)
        connection = sqlite3.connect(store_path)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        size = store_path.stat().st_size
    raw_rate, store_rate, revisit_rate = total / raw_seconds, total / first, total / second
    print(f"{total:,} comments in {articles:,} threads, SQLite {sqlite3.sqlite_version}")
    print(f"raw sqlite3 executemany      {raw_rate:>10,.0f} rows/s  ({raw_seconds:.2f} s)")
    print(f"raw, without FTS5 triggers   {total / bare_seconds:>10,.0f} rows/s  ({bare_seconds:.2f} s)"
          "  (not the baseline: shows what the search index costs)")  # fmt: skip
    print(f"store, first sighting        {store_rate:>10,.0f} rows/s  ({first:.2f} s)"
          f"  ratio {store_rate / raw_rate:.2f} (target >= 0.5)")  # fmt: skip
    print(f"store, revisit (votes +1)    {revisit_rate:>10,.0f} rows/s  ({second:.2f} s)"
          f"  ratio {revisit_rate / raw_rate:.2f}, writes {total:,} history rows")  # fmt: skip
    print(f"archive size: {size / 1e6:.1f} MB, {size / total * 10_000 / 1e6:.2f} MB per 10k comments"
          " (with history of one revisit and the FTS5 index)")  # fmt: skip


if __name__ == "__main__":
    main()
