"""The raw page archive: WARC files written by crawls, `reparse` from them, `import-warc`.

Round trips use the generated site over several evolving runs; files are checked with warcio's
own `check` and `index`, and wget's `--warc-file` output is imported.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from warcio.timeutils import iso_date_to_datetime

from archiver.config import resolve_db_url
from archiver.db.engine import open_archive
from archiver.sitegen.evolve import evolve
from archiver.sitegen.model import MARKUPS, generate
from archiver.sitegen.server import GeneratedSite
from archiver.warc.reader import warc_files
from archiver.warc.reparse import reparse
from tests.archive_reader import query
from tests.conftest import FAST, run_archiver
from tests.test_scrape_generated import expected_threads, stored_threads

WARCIO = str(Path(sys.executable).parent / "warcio")


def crawl(site: GeneratedSite, db: str, home: Path, *extra: str):
    return run_archiver(
        "crawl", site.base_url + "/", "--db", db, *FAST, *extra,
        home=home, env={"ARCHIVER_NOW": site.state.now.isoformat()},
    )  # fmt: skip


def rows(db: str) -> dict[str, list[dict]]:
    """Every row a crawl or a reparse writes, keyed by what identifies it on the site: ids and
    run ids are the archive's own and may differ."""
    return {
        "articles": query(
            db,
            "SELECT url, wp_post_id, title, category, author, published_at, published_on, "
            "published_raw, modified_at, body_text, body_html, comment_count, "
            "comment_count_shown, tags, sources, related_urls, previous_url, next_url, "
            "comment_markup, first_seen_at, last_crawled_at, gone_at FROM articles ORDER BY url",
        ),
        "comments": query(
            db,
            """
            SELECT a.url, c.external_id, p.external_id AS parent, c.kind, c.depth, c.position,
                   c.author, c.posted_at, c.posted_on, c.posted_precision, c.posted_raw,
                   c.body_text, c.body_html, c.votes, c.page_url, c.first_seen_at,
                   c.last_seen_at, c.deleted_at
            FROM comments c JOIN articles a ON a.id = c.article_id
            LEFT JOIN comments p ON p.id = c.parent_id ORDER BY a.url, c.external_id
            """,
        ),
        "comment_history": query(
            db,
            "SELECT a.url, c.external_id, h.observed_at, h.source, h.change, h.votes_before, "
            "h.votes, h.body_text_before, h.body_text, h.body_html_before, h.body_html "
            "FROM comment_history h JOIN comments c ON c.id = h.comment_id "
            "JOIN articles a ON a.id = c.article_id ORDER BY a.url, c.external_id, h.observed_at",
        ),
        "article_history": query(
            db,
            "SELECT a.url, h.observed_at, h.source, h.title_before, h.title, h.body_text_before, "
            "h.body_text, h.modified_at_before, h.modified_at FROM article_history h "
            "JOIN articles a ON a.id = h.article_id ORDER BY a.url, h.observed_at",
        ),
        "crawl_state": query(
            db,
            "SELECT s.url, a.url AS article, s.discovered_at, s.listed_lastmod, s.etag, "
            "s.last_modified, s.page_validators, s.last_fetched_at, s.last_status, "
            "s.comments_seen, s.new_comments, s.next_due_at FROM crawl_state s "
            "LEFT JOIN articles a ON a.id = s.article_id ORDER BY s.url",
        ),
    }


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict]:
    """Three crawls of an evolving 30-article site (new, edited, deleted, voted, gone comments
    and articles), WARC files rotated at 100 kB. Returns (home, db, rows after the crawls)."""
    home = tmp_path_factory.mktemp("warc-crawls")
    db = str(home / "archive.sqlite3")
    state = generate(30, (0, 30), seed=31, comments_per_page=10, markups=MARKUPS)
    rotate = ["-s", "ARCHIVER_WARC_MAX_SIZE=100000"]
    with GeneratedSite(state) as site:
        assert crawl(site, db, home, *rotate).returncode == 0
        for step in range(2):
            evolve(state, advance=timedelta(days=40), new_articles=2, new_comments=30, edits=4,
                   deletions=3, vote_changes=6, gone=step)  # fmt: skip
            site.changed()
            result = crawl(site, db, home, *rotate)
            assert result.returncode == 0, result.stderr
        stored = stored_threads(db)
        assert {
            k: v for k, v in stored.items() if k in expected_threads(state)
        } == expected_threads(state)
    return home, db, rows(db)


def test_the_crawls_archive_every_response_in_valid_rotated_warc_files(crawled) -> None:
    home, db, _ = crawled
    files = warc_files(home / "warc")
    assert len(files) >= 3  # rotated at 100 kB
    checked = subprocess.run([WARCIO, "check", *map(str, files)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    index = subprocess.run(
        [WARCIO, "index", "-f", "warc-type,warc-target-uri,http:status,offset,warc-profile,"
         "warc-refers-to-date", *map(str, files)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    records = [json.loads(line) for line in index.stdout.splitlines()]
    kinds = {r["warc-type"] for r in records}
    assert kinds == {"warcinfo", "request", "response", "revisit"}
    responses = [r for r in records if r["warc-type"] in ("response", "revisit")]
    assert len(responses) == len([r for r in records if r["warc-type"] == "request"])
    urls = {r["warc-target-uri"].split("/", 3)[-1] for r in responses}
    assert {"robots.txt", "wp-sitemap.xml", "feed/"} <= urls
    assert any(u.startswith("wp-json/wp/v2/comments") for u in urls)  # REST answers too
    assert any("/comment-page-" in u for u in urls)
    statuses = {r["http:status"] for r in responses}
    assert {"200", "304"} <= statuses
    # A 304 is a server-not-modified revisit pointing at the capture it confirms (issue 20,
    # item 6): replay tools show that page, not an empty one.
    full = {(c["url"], datetime.fromisoformat(c["fetched_at"]))
            for c in query(db, "SELECT url, fetched_at FROM captures WHERE status = 200")}  # fmt: skip
    not_modified = [r for r in responses if r["http:status"] == "304"]
    for record in not_modified:
        assert record["warc-type"] == "revisit"
        assert record["warc-profile"].endswith("/warc/1.1/revisit/server-not-modified")
        confirmed = iso_date_to_datetime(record["warc-refers-to-date"])
        assert (record["warc-target-uri"], confirmed) in full
    # The database knows where each page is, and which article it belongs to.
    captures = query(db, "SELECT record_type, article_id, warc_file, warc_offset FROM captures")
    assert len(captures) == len(responses)
    assert {c["warc_file"] for c in captures} == {f.name for f in files}
    assert sum(1 for c in captures if c["record_type"] == "revisit") > 0
    linked = query(db, "SELECT count(DISTINCT article_id) AS n FROM captures")[0]["n"]
    assert linked == query(db, "SELECT count(*) AS n FROM articles")[0]["n"]


def test_reparse_into_an_empty_archive_gives_the_rows_the_crawls_made(
    crawled, tmp_path: Path
) -> None:
    home, _, expected = crawled
    rebuilt = str(tmp_path / "archive.sqlite3")  # its WARC directory: warc/ beside it
    (tmp_path / "warc").symlink_to(home / "warc")
    result = run_archiver("reparse", "--db", rebuilt, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "rebuilt (not in the archive)" in result.stdout
    assert int(re.search(r"(\d+) × 304", result.stdout).group(1)) > 0  # type: ignore[union-attr]
    kinds = {h["change"] for h in expected["comment_history"]}
    assert {"votes", "body", "deleted"} <= kinds
    state = expected["crawl_state"]  # the revisit state comes back too: the next crawl is cheap
    assert len(state) == len(expected["articles"])
    assert {s["last_status"] for s in state} >= {200, 304}
    assert all(s["etag"] for s in state) and any(s["page_validators"] for s in state)
    assert rows(rebuilt) == expected  # times and history included
    captures = "SELECT c.url, c.fetched_at, c.status, c.record_type, c.warc_file, c.warc_offset, "\
               "a.url AS article FROM captures c LEFT JOIN articles a ON a.id = c.article_id "\
               "ORDER BY c.warc_file, c.warc_offset"  # fmt: skip
    assert query(rebuilt, captures) == query(crawled[1], captures)  # the index comes back too
    # Twice: nothing changes the second time.
    again = run_archiver("reparse", "--db", rebuilt, home=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 rebuilt (not in the archive)" in again.stdout and " 0 changed" in again.stdout
    assert "comments:   0 new, 0 changed" in again.stdout
    assert rows(rebuilt) == expected
    runs = query(rebuilt, "SELECT command, status FROM crawl_runs ORDER BY id")
    assert runs == [{"command": "reparse", "status": "ok"}] * 2


def portable(value: object) -> object:
    """A value as SQLite returns it, whatever the backend: UTC text times, ISO dates, JSON text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


JSON_COLUMNS = ("tags", "sources", "related_urls", "page_validators")


def portable_rows(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    def cell(name: str, value: object) -> object:
        if name in JSON_COLUMNS and isinstance(value, str):
            value = json.loads(value)
        return portable(value)

    return {
        table: [{k: cell(k, v) for k, v in row.items()} for row in found]
        for table, found in tables.items()
    }


@pytest.mark.postgres
def test_reparse_into_postgresql_gives_the_rows_the_crawls_made(crawled, pg_url: str) -> None:
    home, _, expected = crawled
    engine = open_archive(resolve_db_url(pg_url))
    report = reparse(engine, warc_files(home / "warc"))
    engine.dispose()
    assert report.ok and report.articles_rebuilt == len(expected["articles"])
    assert portable_rows(rows(pg_url)) == portable_rows(expected)


def test_reparse_corrects_what_an_older_extractor_stored_with_reparse_history(
    crawled, tmp_path: Path
) -> None:
    home, db, expected = crawled
    copy = tmp_path / "archive.sqlite3"
    shutil.copyfile(db, copy)
    (tmp_path / "warc").symlink_to(home / "warc")
    broken = query(str(copy), "SELECT id, article_id, body_text, votes FROM comments "
                              "WHERE deleted_at IS NULL ORDER BY id LIMIT 3")  # fmt: skip
    # And the dates as an older release wrote them: the attribute in posted_raw.
    attributed = query(str(copy), "SELECT count(*) AS n FROM comments "
                                  "WHERE posted_attr IS NOT NULL")[0]["n"]  # fmt: skip
    assert attributed
    engine = open_archive(resolve_db_url(str(copy)))
    with engine.begin() as connection:  # what a buggy extractor might have stored
        from sqlalchemy import text

        for row in broken:
            connection.execute(
                text("UPDATE comments SET body_text = 'mojibake', author = '' WHERE id = :id"),
                {"id": row["id"]},
            )
        connection.execute(text("UPDATE articles SET title = 'wrong' WHERE id = :id"),
                           {"id": broken[0]["article_id"]})  # fmt: skip
        connection.execute(text("UPDATE comments SET posted_raw = posted_attr, posted_attr = NULL "
                                "WHERE posted_attr IS NOT NULL"))  # fmt: skip
    report = reparse(engine, warc_files(tmp_path / "warc"), index_in=tmp_path / "warc")
    assert report.ok
    assert report.changes.comments_changed >= max(3, attributed)
    assert report.changes.fields["comments.body_text (changed)"] == 3
    assert report.changes.fields["comments.posted_attr (new)"] == attributed
    assert report.changes.fields["comments.posted_raw (changed)"] == attributed
    assert report.changes.fields["comments.author (new)"] >= 1
    assert report.changes.articles_changed == 1
    after = rows(str(copy))
    assert after["comments"] == expected["comments"]
    assert after["articles"] == expected["articles"]
    fixes = query(str(copy), "SELECT comment_id, change, body_text_before, body_text "
                             "FROM comment_history WHERE source = 'reparse' ORDER BY comment_id")  # fmt: skip
    assert [(f["comment_id"], f["change"], f["body_text_before"]) for f in fixes] == [
        (row["id"], "body", "mojibake") for row in broken
    ]
    assert [f["body_text"] for f in fixes] == [row["body_text"] for row in broken]
    titles = query(
        str(copy), "SELECT title_before, title FROM article_history WHERE source = 'reparse'"
    )
    assert len(titles) == 1 and titles[0]["title_before"] == "wrong"
    second = reparse(engine, warc_files(tmp_path / "warc"))
    assert second.changes.comments_changed == second.changes.articles_changed == 0
    assert second.changes.comments_new == 0
    engine.dispose()


CONTENT = (
    "SELECT url, wp_post_id, title, author, published_at, modified_at, body_text, comment_count, "
    "comment_count_shown, tags, comment_markup FROM articles ORDER BY url"
)


@pytest.mark.skipif(shutil.which("wget") is None, reason="needs wget (Debian package wget)")
def test_import_warc_reads_a_wget_warc_into_the_rows_a_scrape_makes(tmp_path: Path) -> None:
    state = generate(6, (0, 25), seed=32, comments_per_page=10, markups=MARKUPS)
    scraped, imported = str(tmp_path / "scraped.sqlite3"), str(tmp_path / "imported.sqlite3")
    with GeneratedSite(state) as site:
        result = run_archiver("scrape", *site.article_urls(), "--db", scraped, *FAST,
                              "-s", "ARCHIVER_REST_CROSSCHECK=False", home=tmp_path)  # fmt: skip
        assert result.returncode == 0, result.stderr
        pages = [r["url"] for r in query(scraped, "SELECT url FROM captures ORDER BY id")
                 if "robots.txt" not in r["url"]]  # fmt: skip
        assert any("/comment-page-" in url for url in pages)
        fetched = subprocess.run(
            ["wget", "--warc-file", str(tmp_path / "site"), "--no-verbose", "-O", "/dev/null",
             *pages],
            capture_output=True, text=True, cwd=tmp_path, timeout=60,
        )  # fmt: skip
        assert fetched.returncode == 0, fetched.stderr
    warc = tmp_path / "site.warc.gz"
    result = run_archiver("import-warc", str(warc), "--db", imported, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "6 rebuilt (not in the archive)" in result.stdout
    assert stored_threads(imported) == stored_threads(scraped) == expected_threads(state)
    assert query(imported, CONTENT) == query(scraped, CONTENT)
    # Times are wget's: each comment first seen when wget fetched its article page.
    comments = query(imported, "SELECT first_seen_at FROM comments")
    assert comments and all(c["first_seen_at"] is not None for c in comments)
    # The file is kept in the archive's WARC directory; importing it again changes nothing.
    kept = list((tmp_path / "warc-imported").glob("import-site-*.warc.gz"))  # beside the archive
    assert len(kept) == 1 and kept[0].read_bytes() == warc.read_bytes()
    again = run_archiver("import-warc", str(warc), "--db", imported, home=tmp_path)
    assert again.returncode == 0 and "6 compared, 0 changed" in again.stdout
    assert stored_threads(imported) == expected_threads(state)


def test_import_warc_refuses_what_is_no_warc_file(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello")
    result = run_archiver("import-warc", str(text_file), home=tmp_path)
    assert result.returncode == 1 and "is not a WARC, ARC or WACZ file" in result.stderr
    missing = run_archiver("import-warc", str(tmp_path / "gone.warc.gz"), home=tmp_path)
    assert missing.returncode == 1 and "is not a file" in missing.stderr


def test_a_template_switch_to_an_unknown_markup_warns_with_the_url_and_fails_the_run(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "archive.sqlite3")
    state = generate(12, (6, 14), seed=33, comments_per_page=10, markups=MARKUPS)
    with GeneratedSite(state) as site:
        first = crawl(site, db, tmp_path)
        assert first.returncode == 0, first.stderr
        assert re.search(
            r"health:     \S+: comments 100% of shown, dates 100% parsed", first.stdout
        )
        log = evolve(state, advance=timedelta(days=60), new_articles=0, new_comments=0, edits=0,
                     deletions=0, vote_changes=0, unknown_markup=1)  # fmt: skip
        switched = state.articles[next(c["article"] for c in log if c["kind"] == "markup")]
        site.changed()
        second = crawl(site, db, tmp_path, "--full")
    assert second.returncode == 1
    url = site.base_url + switched.path
    warnings = [line for line in second.stderr.splitlines() if "extraction health dropped" in line]
    assert warnings and warnings[0].startswith(f"warning: {url}: extraction health dropped")
    assert "the last fetch had" in warnings[0]
    assert "1 health drop" in second.stdout
    runs = query(db, "SELECT status, health FROM crawl_runs ORDER BY id")
    assert [r["status"] for r in runs] == ["ok", "failed"]
    health = (
        json.loads(runs[1]["health"]) if isinstance(runs[1]["health"], str) else runs[1]["health"]
    )
    site_health = next(iter(health.values()))
    assert site_health["pages_without_markup"] == 1
    assert site_health["unrecognized_pages"] == [url]
    assert [d["url"] for d in site_health["drops"] if "url" in d] == [url]
    # The archive kept the thread it had: an unrecognized page marks nothing deleted.
    kept = query(db, "SELECT count(*) AS n FROM comments c JOIN articles a ON a.id = c.article_id "
                     "WHERE a.url = :u AND c.deleted_at IS NULL", u=url)  # fmt: skip
    assert kept[0]["n"] == len(switched.comments)


def test_reparse_site_and_since_narrow_what_is_rebuilt(crawled, tmp_path: Path) -> None:
    home, _, expected = crawled
    (tmp_path / "warc").symlink_to(home / "warc")
    db = str(tmp_path / "archive.sqlite3")
    other = run_archiver("reparse", "--site", "example.invalid", "--db", db, home=tmp_path)
    assert other.returncode == 0 and "0 rebuilt" in other.stdout
    later = run_archiver("reparse", "--since", "2099-01-01", "--db", db, home=tmp_path)
    assert later.returncode == 0 and "0 rebuilt" in later.stdout
    assert query(db, "SELECT count(*) AS n FROM articles")[0]["n"] == 0
    domain = expected["articles"][0]["url"].split("/")[2]
    since = expected["articles"][0]["first_seen_at"][:10]
    mine = run_archiver("reparse", "--site", domain, "--since", since, "--db", db, home=tmp_path)
    assert mine.returncode == 0, mine.stderr
    assert rows(db) == expected


def test_reparse_waits_for_no_crawl_it_exits_75_while_one_holds_the_site(
    crawled, tmp_path: Path
) -> None:
    from archiver.db.lock import crawl_lock

    home, _, expected = crawled
    (tmp_path / "warc").symlink_to(home / "warc")
    db = str(tmp_path / "archive.sqlite3")
    engine = open_archive(resolve_db_url(db))
    domain = expected["articles"][0]["url"].split("/")[2]
    with crawl_lock(engine, [domain]):
        locked = run_archiver("reparse", "--db", db, home=tmp_path)
    engine.dispose()
    assert locked.returncode == 75
    assert any(
        line.startswith("error: another archiver crawl") for line in locked.stderr.splitlines()
    )
    assert query(db, "SELECT count(*) AS n FROM crawl_runs")[0]["n"] == 0
