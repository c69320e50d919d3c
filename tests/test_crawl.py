"""`archiver crawl` against the generated site: discovery, incremental revisits, lock, faults.

The site's clock and the crawler's (ARCHIVER_NOW) move together; the server counts every
request and byte, so a test can say exactly what a run fetched.
"""

from __future__ import annotations

import random
import re
from datetime import timedelta
from pathlib import Path

import pytest

from archiver.config import resolve_db_url
from archiver.db.engine import open_archive
from archiver.db.lock import crawl_lock
from archiver.sitegen.layout import page_count
from archiver.sitegen.model import MARKUPS, SiteState, add_comment, generate
from archiver.sitegen.server import GeneratedSite
from tests.archive_reader import query
from tests.conftest import FAST, run_archiver
from tests.kill_soak import archive_rows, values
from tests.test_scrape_generated import expected_threads, stored_threads

ARTICLE_PATH = re.compile(r"^/\d{4}/\d{2}/\d{2}/[^/]+/(comment-page-\d+/)?$")


def crawl(site: GeneratedSite, db: str, home: Path, *extra: str):
    now = site.state.now.isoformat()
    return run_archiver(
        "crawl", site.base_url + "/", "--db", db, *FAST, *extra,
        home=home, env={"ARCHIVER_NOW": now},
    )  # fmt: skip


def article_bytes(site: GeneratedSite) -> dict[str, int]:
    """Body bytes the server sent per article page (comment pages included)."""
    return {p: n for p, n in site.bytes_sent.items() if ARTICLE_PATH.match(p.split("?")[0])}


def full_fetches(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {p for p, n in after.items() if n > before.get(p, 0)}


def crawl_later(site: GeneratedSite, db: str, home: Path, *extra: str, days: int = 60):
    """Move the site's clock (and so the crawler's) on by `days` and crawl again; return the
    result and the article and comment pages the server sent in full."""
    site.state.now += timedelta(days=days)
    site.changed()
    before = article_bytes(site)
    result = crawl(site, db, home, *extra)
    return result, full_fetches(before, article_bytes(site))


def add_comments(state: SiteState, article_ids: list[int], per_article: int) -> set[str]:
    rng = random.Random(99)
    added = set()
    for article_id in article_ids:
        article = state.articles[article_id]
        for _ in range(per_article):
            posted = state.now - timedelta(minutes=rng.randint(5, 300))
            added.add(str(add_comment(state, article, rng, posted=posted).id))
    return added


@pytest.fixture
def big_site() -> GeneratedSite:
    state = generate(200, (0, 24), seed=8, comments_per_page=10, markups=MARKUPS)
    return GeneratedSite(state)


def test_first_run_then_unchanged_then_three_busier_threads(
    db_url: str, tmp_path: Path, big_site: GeneratedSite
) -> None:
    with big_site as site:
        state = site.state
        first = crawl(site, db_url, tmp_path)
        assert first.returncode == 0, first.stderr
        assert stored_threads(db_url) == expected_threads(state)
        assert query(db_url, "SELECT count(*) AS n FROM articles")[0]["n"] == 200
        assert "listed:     200 articles" in first.stdout

        # Every thread due, nothing changed: no article page is sent in full.
        second, fetched = crawl_later(site, db_url, tmp_path)
        assert second.returncode == 0, second.stderr
        assert fetched == set()
        # A 304 for every page of every thread: the article page and each comment page
        # the last full fetch read (the newest one may be read under both its URLs).
        pages = sum(page_count(state, a) for a in state.live_articles())
        not_modified = int(re.search(r"(\d+) × 304", second.stdout).group(1))  # type: ignore[union-attr]
        assert "200 due" in second.stdout and not_modified >= pages
        assert stored_threads(db_url) == expected_threads(state)

        # Three threads get comments; the next due run stores exactly those.
        busy = sorted(state.articles)[5:8]
        added = add_comments(state, busy, 3)
        third, fetched = crawl_later(site, db_url, tmp_path)
        assert third.returncode == 0, third.stderr
        busy_paths = {state.articles[i].path for i in busy}
        assert {p for p in fetched if not p.split("/")[-2].startswith("comment-page")} == busy_paths
        assert all(any(p.startswith(b) for b in busy_paths) for p in fetched)
    run_id = query(db_url, "SELECT max(id) AS id FROM crawl_runs")[0]["id"]
    new = query(db_url, "SELECT external_id FROM comments WHERE first_run_id = :r", r=run_id)
    assert {row["external_id"] for row in new} == added
    assert stored_threads(db_url) == expected_threads(state)
    assert query(db_url, "SELECT count(*) AS n FROM comment_history")[0]["n"] == 0
    states = query(db_url, "SELECT last_status, new_comments, next_due_at FROM crawl_state")
    assert len(states) == 200 and {s["last_status"] for s in states} == {200, 304}
    assert sum(s["new_comments"] for s in states) == len(added)


def test_full_ignores_the_state_and_max_articles_caps_a_run(tmp_path: Path) -> None:
    db = str(tmp_path / "archive.sqlite3")
    with GeneratedSite(generate(30, (0, 8), seed=3)) as site:
        capped = crawl(site, db, tmp_path, "--max-articles", "10")
        assert capped.returncode == 0, capped.stderr
        assert "20 over --max-articles" in capped.stdout
        assert query(db, "SELECT count(*) AS n FROM articles")[0]["n"] == 10
        rest = crawl(site, db, tmp_path)  # the 20 still new, the 10 not due yet
        assert "20 new/full" in rest.stdout and "10 not due" in rest.stdout
        before = article_bytes(site)
        full = crawl(site, db, tmp_path, "--full")
        assert full.returncode == 0 and "30 new/full" in full.stdout
        assert len(full_fetches(before, article_bytes(site))) >= 30
    assert query(db, "SELECT count(*) AS n FROM crawl_state")[0]["n"] == 30


def test_a_second_crawl_of_the_same_site_exits_75(tmp_path: Path) -> None:
    db = str(tmp_path / "archive.sqlite3")
    with GeneratedSite(generate(3, 2, seed=4)) as site:
        engine = open_archive(resolve_db_url(db))
        domain = site.base_url.split("://", 1)[1]
        with crawl_lock(engine, [domain]):
            locked = crawl(site, db, tmp_path)
        engine.dispose()
        assert locked.returncode == 75
        assert locked.stderr.startswith(f"error: another archiver crawl of {domain} is running")
        assert query(db, "SELECT count(*) AS n FROM crawl_runs")[0]["n"] == 0
        after = crawl(site, db, tmp_path)  # the lock went with its holder
        assert after.returncode == 0, after.stderr


def test_postgresql_lock_too(pg_url: str, tmp_path: Path) -> None:
    with GeneratedSite(generate(2, 1, seed=5)) as site:
        engine = open_archive(resolve_db_url(pg_url))
        domain = site.base_url.split("://", 1)[1]
        with crawl_lock(engine, [domain]):
            assert crawl(site, pg_url, tmp_path).returncode == 75
        engine.dispose()
        assert crawl(site, pg_url, tmp_path).returncode == 0


def test_a_site_without_sitemap_or_feed_is_read_through_its_archive_pages(tmp_path: Path) -> None:
    db = str(tmp_path / "archive.sqlite3")
    state = generate(25, (0, 5), seed=6)
    with GeneratedSite(state) as site:
        for path in ("/wp-sitemap.xml", "/sitemap_index.xml", "/feed/"):
            site.misbehave(path, "404")
        result = crawl(site, db, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "reading its archive pages" in result.stderr
    assert query(db, "SELECT count(*) AS n FROM articles")[0]["n"] == 25
    assert stored_threads(db) == expected_threads(state)


def test_faults_are_retried_or_counted_and_the_run_goes_on(tmp_path: Path) -> None:
    db = str(tmp_path / "archive.sqlite3")
    state = generate(12, (2, 6), seed=7)
    with GeneratedSite(state) as site:
        paths = [a.path for a in sorted(state.live_articles(), key=lambda a: a.id)]
        site.misbehave(paths[0], "429", times=1)  # Retry-After: 1, then fine
        site.misbehave(paths[1], "503", times=1)  # one 503, then fine
        site.misbehave(paths[2], "503")  # always: given up after the retries
        site.misbehave(paths[3], "truncated")  # always: a broken body
        site.misbehave(paths[4], "slow", times=1, seconds=1.5)
        result = crawl(site, db, tmp_path)
        requests = dict(site.requests)
    assert result.returncode == 1
    stored = {r["url"].split(site.base_url, 1)[1] for r in query(db, "SELECT url FROM articles")}
    assert stored == set(paths) - {paths[2], paths[3]}
    assert requests[paths[0]] == 2 and requests[paths[1]] == 2
    assert requests[paths[2]] == 3  # first try and RETRY_TIMES = 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert any(paths[2] in line and "503" in line for line in errors)
    assert any(paths[3] in line and "truncated" in line for line in errors)
    run = query(db, "SELECT status, errors FROM crawl_runs")[0]
    assert run["status"] == "failed" and run["errors"] == len(errors)
    # What failed is still new for the next run; what was stored is not due.
    states = {r["url"].split(site.base_url, 1)[1] for r in query(db, "SELECT url FROM crawl_state")}
    assert states == stored


def archive_snapshot(db: str) -> dict[str, object]:
    """Everything a crawl wrote, keyed by what identifies it on the site (ids may differ), its
    instants equal within the drift of two runs' clocks: the soak's rows and the revisit state."""
    state = query(
        db, "SELECT url, last_status, next_due_at, comments_seen FROM crawl_state ORDER BY url"
    )
    return {**archive_rows(db), "state": [values(r) for r in state]}


def test_kill_9_at_random_moments_then_resume_gives_the_same_archive(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import time

    from tests.conftest import archiver_command

    state = generate(80, (0, 30), seed=12, comments_per_page=10, markups=MARKUPS)
    reference, resumed = str(tmp_path / "reference.sqlite3"), str(tmp_path / "resumed.sqlite3")
    slow = ["-s", "DOWNLOAD_DELAY=0.02"]  # a few seconds of crawl to kill into
    rng = random.Random(2026)
    kills = 0
    with GeneratedSite(state) as site:
        assert crawl(site, reference, tmp_path).returncode == 0
        environment = {**os.environ, "ARCHIVER_HOME": str(tmp_path),
                       "ARCHIVER_NOW": state.now.isoformat()}  # fmt: skip
        command = [*archiver_command(), "crawl", site.base_url + "/", "--db", resumed, *FAST, *slow]
        midway = []  # articles stored when each kill landed

        def count(table: str) -> int:
            if not Path(resumed).exists():
                return 0
            found = query(resumed, "SELECT name FROM sqlite_master WHERE name = :t", t=table)
            return query(resumed, f"SELECT count(*) AS n FROM {table}")[0]["n"] if found else 0

        for _ in range(4):
            runs_before = count("crawl_runs")
            process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)  # fmt: skip
            # Kill at a random moment of the crawl itself, however long the process takes to
            # start on this machine (its run row says the crawl began).
            deadline = time.monotonic() + 120
            while count("crawl_runs") == runs_before and process.poll() is None:
                assert time.monotonic() < deadline, "the crawl never started"
                time.sleep(0.05)
            time.sleep(rng.uniform(0.2, 1.5))
            if process.poll() is not None:
                break  # it finished before the kill: nothing left to interrupt
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            kills += 1
            midway.append(count("articles"))
        final = run_archiver(*command[len(archiver_command()):], home=tmp_path,
                             env={"ARCHIVER_NOW": state.now.isoformat()})  # fmt: skip
        assert final.returncode == 0, final.stderr
    assert kills >= 2 and all(n < 80 for n in midway)  # the kills did land mid-crawl
    assert archive_snapshot(resumed) == archive_snapshot(reference)
    # The killed runs were closed by the next run that took the lock.
    runs = query(resumed, "SELECT status, finish_reason FROM crawl_runs ORDER BY id")
    assert runs[-1]["status"] == "ok"
    # (A kill that lands while the process is still starting leaves no run row to close.)
    killed = [r for r in runs[:-1] if r["status"] != "ok"]
    assert 1 <= len(killed) <= kills
    assert killed == [{"status": "interrupted", "finish_reason": "abandoned"}] * len(killed)


def test_progress_lines_in_a_log_and_a_bar_on_a_terminal(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess

    from tests.conftest import archiver_command

    slow = ["-s", "DOWNLOAD_DELAY=0.05", "-s", "ARCHIVER_PROGRESS_INTERVAL=0.3"]
    with GeneratedSite(generate(20, (0, 4), seed=9)) as site:
        logged = crawl(site, str(tmp_path / "log.sqlite3"), tmp_path, *slow)
        assert logged.returncode == 0, logged.stderr
        lines = [line for line in logged.stderr.splitlines() if line.startswith("info: progress:")]
        assert lines and lines[-1].endswith("pages fetched")
        assert re.fullmatch(
            r"info: progress: \d+ of 20 articles done, \d+ pages fetched", lines[-1]
        )

        main, secondary = pty.openpty()  # stderr on a terminal: the bar instead of lines
        environment = {**os.environ, "ARCHIVER_HOME": str(tmp_path), "COLUMNS": "100",
                       "ARCHIVER_NOW": site.state.now.isoformat()}  # fmt: skip
        process = subprocess.Popen(
            [*archiver_command(), "crawl", site.base_url + "/", "--db", str(tmp_path / "bar.sqlite3"),
             *FAST, *slow],
            stdout=subprocess.PIPE, stderr=secondary, env=environment,
        )  # fmt: skip
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            shown += chunk
        process.wait(timeout=60)
        os.close(main)
    assert process.returncode == 0
    assert b"crawl" in shown and b"articles" in shown and b"progress:" not in shown


def test_a_sitemap_named_only_in_robots_txt_is_read(tmp_path: Path) -> None:
    from archiver.sitegen import render

    db = str(tmp_path / "archive.sqlite3")
    state = generate(15, (0, 4), seed=10)
    with GeneratedSite(state) as site:
        for path in ("/wp-sitemap.xml", "/sitemap_index.xml", "/feed/"):
            site.misbehave(path, "404")
        sitemap = render.posts_sitemap(state, site.base_url, 1) or ""
        site.extra["/robots.txt"] = (
            f"User-agent: *\nSitemap: {site.base_url}/seo/map.xml\n".encode()
        )
        site.extra["/seo/map.xml"] = sitemap.encode()
        result = crawl(site, db, tmp_path)
        assert site.requests["/seo/map.xml"] == 1
    assert result.returncode == 0, result.stderr
    assert "reading its archive pages" not in result.stderr
    assert query(db, "SELECT count(*) AS n FROM articles")[0]["n"] == 15


def test_an_edit_on_an_older_comment_page_is_not_missed(tmp_path: Path) -> None:
    from archiver.sitegen.layout import page_tops

    db = str(tmp_path / "archive.sqlite3")
    state = generate(12, (30, 40), seed=13, comments_per_page=5)
    with GeneratedSite(state) as site:
        assert crawl(site, db, tmp_path).returncode == 0
        article = next(a for a in state.live_articles() if page_count(state, a) >= 3)
        edited = page_tops(state, article, 1)[0]  # on the oldest page, not the article URL's
        edited.body = [*edited.body[:-1], [*edited.body[-1], "（訂正）"]]
        result, fetched = crawl_later(site, db, tmp_path)
        assert result.returncode == 0, result.stderr
    # Every other thread: 304 on each of its pages; this one: fetched again, whole.
    assert fetched and all(p.startswith(article.path) for p in fetched)
    history = query(db, "SELECT c.external_id, h.change FROM comment_history h "
                        "JOIN comments c ON c.id = h.comment_id")  # fmt: skip
    assert history == [{"external_id": str(edited.id), "change": "body"}]
    assert stored_threads(db) == expected_threads(state)


def test_a_redirect_off_the_site_is_not_followed(tmp_path: Path) -> None:
    db = str(tmp_path / "archive.sqlite3")
    state = generate(4, (0, 3), seed=14)
    with GeneratedSite(state) as site:
        moved = sorted(state.live_articles(), key=lambda a: a.id)[0].path
        site.misbehave(moved, "offsite_redirect")
        result = crawl(site, db, tmp_path)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: cannot fetch {site.base_url}{moved}: redirected off the site, "
        f"to http://offsite.invalid{moved}; not followed (if the site moved there: "
        "`archiver sites alias OLD NEW`)"
    ]
    assert query(db, "SELECT count(*) AS n FROM articles")[0]["n"] == 3
