"""One rule for `--since` in every command (issue 21): a bare date is that day in each site's own
zone, a date and time without an offset that time there, one with an offset that instant."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from archiver.config import resolve_db_url
from archiver.db.engine import open_archive
from archiver.db.models import Article, Comment
from archiver.db.sites import archive_zones, since_condition
from archiver.db.store import ArchiveStore
from archiver.parse.since import read_since, since_start, site_since
from tests.conftest import run_archiver
from tests.seed_items import SEED_URL, seed_item

TOKYO, LOS_ANGELES = ZoneInfo("Asia/Tokyo"), ZoneInfo("America/Los_Angeles")


def test_the_three_forms_and_where_each_starts() -> None:
    assert read_since("2021-12-24") == date(2021, 12, 24)
    assert read_since("2021-12-24T09:30:00") == datetime(2021, 12, 24, 9, 30)
    assert read_since("2021-12-24T09:30:00Z") == datetime(2021, 12, 24, 9, 30, tzinfo=UTC)
    day, wall = date(2021, 12, 24), datetime(2021, 12, 24, 9, 30)
    assert since_start(day, TOKYO) == datetime(2021, 12, 23, 15, 0, tzinfo=UTC)
    assert since_start(day, LOS_ANGELES) == datetime(2021, 12, 24, 8, 0, tzinfo=UTC)
    assert since_start(wall, "Europe/Berlin") == datetime(2021, 12, 24, 8, 30, tzinfo=UTC)
    instant = datetime(2021, 12, 24, 0, 0, tzinfo=timezone(timedelta(hours=9)))
    assert since_start(instant, LOS_ANGELES) == instant  # an instant is one everywhere
    # The archive's zone for the site, else its profile's (Japan when nobody described it).
    assert site_since(day, "example.com", {"example.com": "America/Los_Angeles"}) == since_start(
        day, LOS_ANGELES
    )
    assert site_since(day, "unknown.example", {}) == since_start(day, TOKYO)


def test_a_day_starts_in_each_sites_own_zone_and_an_instant_is_one(tmp_path) -> None:
    engine = open_archive(resolve_db_url(str(tmp_path / "archive.sqlite3")))
    try:
        item = seed_item(datetime(2021, 12, 26, tzinfo=UTC))
        store = ArchiveStore(engine)
        store.store_article(item, None)
        # The same thread on a site that reads its dates in Los Angeles time.
        abroad = "https://la.example/2021/12/23/thread/"
        store.store_article(replace(item, url=abroad, domain="la.example", wp_post_id=None,
                                    timezone="America/Los_Angeles"), None)  # fmt: skip
        zones = {SEED_URL: TOKYO, abroad: LOS_ANGELES}
        with engine.connect() as connection:
            rows = connection.execute(
                select(Comment.id, Comment.posted_at, Article.url).join(Article)
            ).all()
            for since in (date(2021, 12, 24), datetime(2021, 12, 24, 12, 0),
                          datetime(2021, 12, 24, 3, 0, tzinfo=UTC)):  # fmt: skip
                chosen = set(connection.scalars(
                    select(Comment.id).join(Article).where(
                        since_condition(Comment.posted_at, Article.site_id, since,
                                        archive_zones(engine)))))  # fmt: skip
                expected = {
                    row.id
                    for row in rows
                    if row.posted_at is not None
                    and row.posted_at.replace(tzinfo=UTC) >= since_start(since, zones[row.url])
                }
                assert chosen == expected and expected, since
                if not isinstance(since, datetime) or since.tzinfo is None:
                    # A local day or time: the two sites' copies of one thread differ.
                    by_site = {url: {r.id for r in rows if r.url == url} & chosen for url in zones}
                    assert len(by_site[SEED_URL]) != len(by_site[abroad])
    finally:
        engine.dispose()


@pytest.mark.parametrize("command", [["search", "ロシア"], ["export", "comments", "-o", "-"],
                                     ["reparse"]])  # fmt: skip
def test_every_command_states_the_rule_and_refuses_what_it_cannot_read(
    tmp_path, command: list[str]
) -> None:
    shown = run_archiver(command[0], "--help", home=tmp_path)
    assert "each site's own time zone" in " ".join(shown.stdout.split())
    bad = run_archiver(*command, "--since", "24.12.2021", home=tmp_path)
    assert bad.returncode == 2 and "neither YYYY-MM-DD" in bad.stderr
