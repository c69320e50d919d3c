"""A crawler writing while an analyst reads, in two real processes, on SQLite and PostgreSQL:
no "database is locked", and a reader never sees half a thread or a dangling parent."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime

from sqlalchemy import text

from archiver.config import resolve_db_url
from archiver.db.engine import make_engine, open_archive
from archiver.db.store import ArchiveStore
from tests.synthetic import synthetic_item

ARTICLES = 30
COMMENTS = 120
FETCHED = datetime(2026, 11, 1, tzinfo=UTC)

# One statement each, so it reads one snapshot on every backend.
THREAD_SIZES = """
SELECT a.wp_post_id AS number, a.comment_count AS counted, count(c.id) AS stored
FROM articles a LEFT JOIN comments c ON c.article_id = a.id
GROUP BY a.id, a.wp_post_id, a.comment_count
"""
DANGLING = """
SELECT count(*) FROM comments c LEFT JOIN comments p ON p.id = c.parent_id
WHERE c.parent_id IS NOT NULL AND p.id IS NULL
"""


def write_threads(db: str, rounds: int) -> None:
    engine = make_engine(resolve_db_url(db))
    store = ArchiveStore(engine)
    for round_number in range(rounds):
        run = store.start_run("test-writer", None)
        for number in range(1, ARTICLES + 1):
            # Later rounds re-store the same threads: updates, not inserts.
            store.store_article(synthetic_item(number, COMMENTS, FETCHED, seed=round_number), run)
    engine.dispose()


def read_in_a_loop(db: str, stop, results) -> None:
    engine = make_engine(resolve_db_url(db))
    reads, problems = 0, []
    try:
        while not stop.is_set() or reads < 5:
            with engine.connect() as connection:
                for row in connection.execute(text(THREAD_SIZES)):
                    if row.stored != COMMENTS or row.counted != COMMENTS:
                        problems.append(f"article {row.number}: {row.stored}/{row.counted} rows")
                dangling = connection.execute(text(DANGLING)).scalar_one()
                if dangling:
                    problems.append(f"{dangling} dangling parents")
            reads += 1
    except Exception as error:  # "database is locked" and the like: the test reports it
        problems.append(f"{type(error).__name__}: {error}")
    finally:
        engine.dispose()
    results.put((reads, problems[:10]))


def test_readers_see_whole_threads_while_a_writer_stores(db_url: str) -> None:
    open_archive(resolve_db_url(db_url)).dispose()  # schema first, as a writing command would
    context = multiprocessing.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    reader = context.Process(target=read_in_a_loop, args=(db_url, stop, results))
    writer = context.Process(target=write_threads, args=(db_url, 2))
    reader.start()
    writer.start()
    writer.join(timeout=300)
    stop.set()
    reads, problems = results.get(timeout=60)
    reader.join(timeout=60)
    assert writer.exitcode == 0
    assert problems == [], problems
    print(f"{reads} consistent reads during the writes")
    assert reads >= 5, reads
