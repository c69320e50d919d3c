"""Arguments and items that used to end in a traceback, a silent drop, a kept password or a
megabyte log line (issue 18, item 8): each is one line and an exit code now."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver.crawling.logformat import ItemNamingLogFormatter
from archiver.parse.prepare import prepare_page
from archiver.sitegen.loopback import LocalSite, Page
from tests.archive_reader import query
from tests.conftest import FAST, run_archiver
from tests.family_markup import FIXTURE_URL, SPRING, page


@pytest.mark.parametrize(
    ("url", "said"),
    [("http://127.0.0.1:8000/" + "a" * 9000 + "/", "characters, longer than the 2083"),
     ("http://127.0.0.1:99999/a/", "out of range"),
     ("http://[::1]:8000/a/", "IPv6 literal")],
)  # fmt: skip
def test_a_url_that_cannot_be_fetched_is_one_error_line(url, said, tmp_path: Path) -> None:
    result = run_archiver("scrape", url, "--db", str(tmp_path / "a.sqlite3"), home=tmp_path)
    assert result.returncode == 2  # a usage error, before anything is fetched or stored
    assert said in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr) < 600, result.stderr  # the URL shown cut, not 9,000 characters


def test_a_password_in_a_url_is_not_kept_in_the_run_record(tmp_path: Path) -> None:
    db = str(tmp_path / "a.sqlite3")
    with LocalSite({"/p/": Page(page(SPRING, "legacy-walker").encode())}) as site:
        url = site.url("/p/").replace("http://", "http://reader:s3cret@")
        run_archiver("scrape", url, "--db", db, *FAST, home=tmp_path)
    arguments = json.loads(query(db, "SELECT arguments FROM crawl_runs")[0]["arguments"])
    assert "s3cret" not in json.dumps(arguments) and "reader:***@" in arguments["url"]


def test_a_since_with_no_utc_instant_is_a_usage_error(tmp_path: Path) -> None:
    result = run_archiver("crawl", "http://127.0.0.1:9/", "--since", "0001-01-01T00:00:00+0500",
                          "--db", str(tmp_path / "a.sqlite3"), home=tmp_path)  # fmt: skip
    assert result.returncode == 2
    assert "out of range" in result.stderr and "Traceback" not in result.stderr


def test_a_failed_item_is_named_by_its_url_not_its_fields() -> None:
    html = page(SPRING, "legacy-walker")
    item = prepare_page(html, FIXTURE_URL, datetime(2026, 12, 2, tzinfo=UTC))
    line = ItemNamingLogFormatter().item_error(item, ValueError("no such table"), None, None)
    text = line["msg"] % line["args"]
    assert text == f"Error processing ArticleItem {FIXTURE_URL}: no such table"
