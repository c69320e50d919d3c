"""`archiver scrape URL` end to end: a real local site, the real command, real SQLite/PostgreSQL."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest

from tests.archive_reader import query, table_counts, thread_rows
from tests.conftest import ARTICLE_PATH, FAST, QUIET_PATH, SEED_FIXTURE, run_archiver, scrape

EXPECTED = json.loads((SEED_FIXTURE / "expected.json").read_text(encoding="utf-8"))


def test_scrape_stores_the_seed_thread(seed_site, db_url, tmp_path):
    result = scrape(seed_site.url(ARTICLE_PATH), db_url, tmp_path)

    assert result.returncode == 0, result.stderr
    assert "期限を切ってきたロシア" in result.stdout
    assert "34 (deepest level 5)" in result.stdout
    rows = thread_rows(db_url)
    assert len(rows) == 34
    assert Counter(r["depth"] for r in rows) == {1: 12, 2: 14, 3: 6, 4: 1, 5: 1}
    assert [r["position"] for r in rows] == list(range(1, 35))
    for row, expected in zip(rows, EXPECTED["comments"], strict=True):
        for name in ("depth", "parent_position", "author", "posted_raw", "body_text", "votes"):
            assert row[name] == expected[name], f"comment {expected['position']}: {name}"
        assert str(row["posted_on"]) == expected["posted_on"], f"comment {row['position']}"
        assert row["posted_precision"] == "day"
        assert row["kind"] == "comment"
    assert Counter(r["author"] for r in rows) == {"匿名": 33, "": 1}
    assert sum(r["votes"] is not None for r in rows) == 31
    assert {str(r["posted_on"]) for r in rows} == {str(date(2021, 12, d)) for d in (23, 24, 25)}
    # Day precision: the instant is local midnight (JST) in UTC.
    assert str(rows[0]["posted_at"]).startswith("2021-12-22 15:00:00")
    article = query(db_url, "SELECT * FROM articles")[0]
    assert article["title"] == EXPECTED["article"]["title"]
    assert article["category"] == EXPECTED["article"]["category"]
    assert article["wp_post_id"] == EXPECTED["article"]["wp_post_id"]
    assert article["comment_count"] == 34
    assert article["comment_count_shown"] == 34
    assert str(article["published_on"]) == "2021-12-23"
    assert article["body_text"].startswith("ロシアのラブロフ外相は22日")
    # The page's rel=canonical points at another site, so the fetched URL is the canonical one.
    assert article["url"] == seed_site.url(ARTICLE_PATH)
    run = query(db_url, "SELECT * FROM crawl_runs")[0]
    assert (run["command"], run["status"], run["comments_new"], run["errors"]) == (
        "scrape",
        "ok",
        34,
        0,
    )


def test_rescrape_changes_only_seen_times(seed_site, db_url, tmp_path):
    url = seed_site.url(ARTICLE_PATH)
    assert scrape(url, db_url, tmp_path).returncode == 0
    before_rows = thread_rows(db_url)
    before_article = query(db_url, "SELECT * FROM articles")[0]
    before_counts = table_counts(db_url)

    second = scrape(url, db_url, tmp_path)

    assert second.returncode == 0, second.stderr
    after_rows = thread_rows(db_url)
    after_article = query(db_url, "SELECT * FROM articles")[0]
    assert table_counts(db_url) == {**before_counts, "crawl_runs": before_counts["crawl_runs"] + 1}
    assert table_counts(db_url)["comment_history"] == 0
    assert table_counts(db_url)["article_history"] == 0
    for before, after in zip(before_rows, after_rows, strict=True):
        assert after["last_seen_at"] > before["last_seen_at"]
        moving = {"last_seen_at"}
        assert {k: v for k, v in after.items() if k not in moving} == {
            k: v for k, v in before.items() if k not in moving
        }
    assert after_article["last_crawled_at"] > before_article["last_crawled_at"]
    moving = {"last_crawled_at"}
    assert {k: v for k, v in after_article.items() if k not in moving} == {
        k: v for k, v in before_article.items() if k not in moving
    }
    runs = query(db_url, "SELECT status, comments_new FROM crawl_runs ORDER BY id")
    assert runs == [{"status": "ok", "comments_new": 34}, {"status": "ok", "comments_new": 0}]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing/", "answered 404"),
        ("/about/", "is not an article page"),
        ("/broken/", "HTTP 503"),
        ("/truncated/", "truncated response"),
        ("/file.pdf", "is not an HTML page"),
    ],
)
def test_bad_pages_fail_with_one_line_and_touch_nothing(seed_site, db_url, tmp_path, path, message):
    assert scrape(seed_site.url(ARTICLE_PATH), db_url, tmp_path).returncode == 0
    before = {t: query(db_url, f"SELECT * FROM {t} ORDER BY id") for t in ("articles", "comments")}

    result = scrape(seed_site.url(path), db_url, tmp_path)

    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("error: ") and message in errors[0]
    assert {t: query(db_url, f"SELECT * FROM {t} ORDER BY id") for t in before} == before
    last_run = query(db_url, "SELECT status, errors FROM crawl_runs ORDER BY id DESC")[0]
    assert last_run["status"] == "failed" and last_run["errors"] >= 1


def test_article_without_comments_is_stored_cleanly(seed_site, tmp_path):
    db = str(tmp_path / "a.sqlite3")
    result = scrape(seed_site.url(QUIET_PATH), db, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    article = query(db, "SELECT title, wp_post_id, comment_count, comment_markup FROM articles")[0]
    assert article == {
        "title": "静かな記事",
        "wp_post_id": 7,
        "comment_count": 0,
        "comment_markup": None,
    }


def test_unreachable_url_fails_with_one_line(tmp_path):
    from archiver.sitegen.loopback import LocalSite

    with LocalSite({}) as site:  # take a free port, then close it: nothing listens there
        url = site.url("/2021/12/23/gone/")
    db = str(tmp_path / "a.sqlite3")

    result = scrape(url, db, tmp_path)

    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("error: cannot fetch") and url in errors[0]
    assert query(db, "SELECT count(*) AS n FROM articles")[0]["n"] == 0


def test_unusable_database_fails_before_fetching(seed_site, tmp_path):
    result = scrape(seed_site.url(ARTICLE_PATH), "/proc/no-such-dir/a.sqlite3", tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: cannot open the archive /proc/no-such-dir/a.sqlite3: "
        "[Errno 2] No such file or directory: '/proc/no-such-dir'"
    ]
    assert seed_site.requests == {}


def test_not_a_url_is_a_usage_error(tmp_path):
    result = run_archiver("scrape", "grandfleet.info/x", home=tmp_path)
    assert result.returncode == 2
    assert "not an http(s) URL" in result.stderr
    assert not (tmp_path / "archive.sqlite3").exists()


def test_default_database_is_in_the_data_home(seed_site, tmp_path):
    result = run_archiver("scrape", seed_site.url(ARTICLE_PATH), *FAST, home=tmp_path)
    assert result.returncode == 0, result.stderr
    db = tmp_path / "archive.sqlite3"
    assert f"database:   {db.resolve()}" in result.stdout
    assert f"data home:  {tmp_path.resolve()}" in result.stdout
    assert query(str(db), "SELECT count(*) AS n FROM comments")[0]["n"] == 34


def test_archiver_db_environment_overrides_the_default(seed_site, tmp_path):
    db = tmp_path / "elsewhere.sqlite3"
    result = run_archiver(
        "scrape", seed_site.url(ARTICLE_PATH), *FAST, home=tmp_path, env={"ARCHIVER_DB": str(db)}
    )
    assert result.returncode == 0, result.stderr
    assert query(str(db), "SELECT count(*) AS n FROM comments")[0]["n"] == 34
    assert not (tmp_path / "archive.sqlite3").exists()


def test_two_urls_of_one_post_are_one_article_and_an_ok_run(tmp_path) -> None:
    """A post's shortlink and its slug URL name one article: it is stored once, and the run is
    not a failure for storing fewer articles than it was given URLs."""
    from archiver.sitegen.loopback import LocalSite, Page
    from tests.family_markup import SPRING, page

    html = page(SPRING, "legacy-walker").encode()
    with LocalSite({"/2024/03/spring/": Page(html), "/spring/": Page(html)}) as site:
        db = tmp_path / "archive.sqlite3"
        result = run_archiver("scrape", site.url("/2024/03/spring/"), site.url("/spring/"),
                              "--db", str(db), *FAST, home=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "#1 ok" in result.stdout
    assert table_counts(str(db))["articles"] == 1
