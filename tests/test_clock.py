"""`$ARCHIVER_NOW` sets where a run's clock starts; the clock then advances in real time, and
every time a run records reads it (issue 20, item 8)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archiver import clock
from archiver.config import resolve_db_url, warc_dir
from archiver.sitegen.loopback import LocalSite
from archiver.warc.reader import index_files, warc_files
from tests.archive_reader import query
from tests.conftest import ARTICLE_PATH, FAST, run_archiver

START = "2027-03-04T05:06:07+00:00"


def test_the_clock_starts_where_archiver_now_says_and_advances(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ARCHIVER_NOW", START)
    first = clock.now()
    assert first == datetime(2027, 3, 4, 5, 6, 7, tzinfo=UTC)
    time.sleep(0.01)
    later = clock.now()
    assert first < later < first + timedelta(minutes=1)
    monkeypatch.setenv("ARCHIVER_NOW", "2030-01-01T00:00:00")  # set again: starts again there
    assert clock.now() == datetime(2030, 1, 1, tzinfo=UTC)


def test_a_run_under_archiver_now_records_times_in_order_from_one_clock(
    seed_site: LocalSite, tmp_path: Path
) -> None:
    db = str(tmp_path / "archive.sqlite3")
    scraped = run_archiver("scrape", seed_site.url(ARTICLE_PATH), "--db", db, *FAST,
                           home=tmp_path, env={"ARCHIVER_NOW": START})  # fmt: skip
    assert scraped.returncode in (0, 1), scraped.stderr
    captures, _ = index_files(warc_files(warc_dir(resolve_db_url(db))))
    dates = [c.fetched_at for c in captures]
    assert len(set(dates)) == len(dates) > 1  # no longer one frozen WARC-Date
    start = datetime.fromisoformat(START)
    assert all(start <= d < start + timedelta(minutes=5) for d in dates)
    # The rows read the same clock as the records: an article's first sighting is its page's.
    (article,) = query(db, "SELECT a.first_seen_at, c.fetched_at FROM articles a JOIN captures c"
                           " ON c.article_id = a.id AND c.url = a.url")  # fmt: skip
    assert article["first_seen_at"] == article["fetched_at"]
