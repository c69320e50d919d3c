"""A site's time zone: read from its pages, kept per site, shown and chosen with `archiver sites`
(SQLite and PostgreSQL); a change reaches stored rows only through `reparse`."""

from __future__ import annotations

import json
import sqlite3

from archiver.parse.zones import page_timezone
from archiver.sitegen.loopback import LocalSite, Page
from tests.archive_reader import query
from tests.conftest import run_archiver, scrape

ARTICLE = "/2024/07/sommerfest/"


def german_page(offsets: bool = True) -> Page:
    """A core WordPress thread in German: one comment at 23:30 local time on 1 July 2024."""
    attribute = ' datetime="2024-07-01T23:30:00+02:00"' if offsets else ""
    return Page(
        f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Sommerfest</title>
</head><body class="post-template-default single single-post postid-5">
<article id="post-5" class="post-5 post type-post"><h1 class="entry-title">Sommerfest im Park</h1>
<div class="entry-content"><p>Wir haben gefeiert.</p></div></article>
<div id="comments" class="comments-area"><h2 class="comments-title">Ein Gedanke zu „Sommerfest“</h2>
<ol class="comment-list"><li id="comment-11" class="comment even thread-even depth-1">
<article id="div-comment-11" class="comment-body"><footer class="comment-meta">
<div class="comment-author vcard"><b class="fn">Anna</b> <span class="says">sagt:</span></div>
<div class="comment-metadata"><a href="#comment-11"><time{attribute}>1. Juli 2024 um 23:30 Uhr</time></a>
</div></footer><div class="comment-content"><p>Schön war es.</p></div></article></li></ol>
<div id="respond" class="comment-respond"><form id="commentform"></form></div></div>
</body></html>""".encode()
    )


def sites(db: str, home) -> list[dict]:
    listed = run_archiver("sites", "list", "--db", db, "--json", home=home)
    assert listed.returncode == 0, listed.stderr
    return json.loads(listed.stdout)["items"]


def test_the_zone_comes_from_the_page_and_a_chosen_one_holds_until_reparse(db_url, tmp_path):
    with LocalSite({ARTICLE: german_page()}) as site:
        url = site.url(ARTICLE)
        assert scrape(url, db_url, tmp_path).returncode == 0
        [listed] = sites(db_url, tmp_path)
        key = listed["domain"]
        assert (listed["timezone"], listed["timezone_chosen"]) == ("Europe/Berlin", False)
        assert (listed["articles"], listed["comments"]) == (1, 1)
        assert str(query(db_url, "SELECT posted_on FROM comments")[0]["posted_on"]) == "2024-07-01"

        chosen = run_archiver("sites", "set", url, "--timezone", "Asia/Tokyo", "--db", db_url,
                              home=tmp_path)  # fmt: skip
        assert chosen.returncode == 0, chosen.stderr
        assert chosen.stderr.startswith(f"warning: {key}: time zone Asia/Tokyo, was Europe/Berlin")
        again = scrape(url, db_url, tmp_path)
        assert again.returncode == 0 and "time zone" not in again.stderr, again.stderr
        [listed] = sites(db_url, tmp_path)
        assert (listed["timezone"], listed["timezone_chosen"]) == ("Asia/Tokyo", True)
        # Stored rows keep their reading: a recrawl of an unchanged thread rewrites nothing.
        assert str(query(db_url, "SELECT posted_on FROM comments")[0]["posted_on"]) == "2024-07-01"

        reparsed = run_archiver("reparse", "--db", db_url, home=tmp_path)
    assert reparsed.returncode == 0, reparsed.stderr
    assert str(query(db_url, "SELECT posted_on FROM comments")[0]["posted_on"]) == "2024-07-02"
    [listed] = sites(db_url, tmp_path)
    assert (listed["timezone"], listed["timezone_chosen"]) == ("Asia/Tokyo", True)


def test_choosing_an_unknown_zone_or_site_is_one_error_line(tmp_path):
    db = str(tmp_path / "archive.sqlite3")
    with LocalSite({ARTICLE: german_page()}) as site:
        assert scrape(site.url(ARTICLE), db, tmp_path).returncode == 0
        bad_zone = run_archiver("sites", "set", site.url("/"), "--timezone", "Mars/Olympus",
                                "--db", db, home=tmp_path)  # fmt: skip
    assert bad_zone.returncode == 1
    assert bad_zone.stderr == "error: 'Mars/Olympus' is no IANA time zone (e.g. Asia/Tokyo, " \
        "Europe/Berlin)\n"  # fmt: skip
    unknown = run_archiver("sites", "set", "example.org", "--timezone", "UTC", "--db", db,
                           home=tmp_path)  # fmt: skip
    assert unknown.returncode == 1
    assert "the archive holds no site 'example.org'" in unknown.stderr
    missing = run_archiver("sites", "list", "--db", str(tmp_path / "none.sqlite3"), home=tmp_path)
    assert missing.returncode == 1 and missing.stderr.startswith("error: no archive at ")


def test_a_reparse_corrects_a_zone_read_before_the_page_showed_it(tmp_path):
    """Stored as the language's usual zone (no offsets then), re-read from its own offsets."""
    db = str(tmp_path / "archive.sqlite3")
    with LocalSite({ARTICLE: german_page()}) as site:
        assert scrape(site.url(ARTICLE), db, tmp_path).returncode == 0
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE sites SET timezone = 'Asia/Tokyo'")
    reparsed = run_archiver("reparse", "--db", db, home=tmp_path)
    assert reparsed.returncode == 0, reparsed.stderr
    assert "time zone Europe/Berlin, was Asia/Tokyo" in reparsed.stderr
    assert "sites.timezone (changed)" in reparsed.stdout
    assert query(db, "SELECT timezone FROM sites")[0]["timezone"] == "Europe/Berlin"


def test_pages_without_offsets_keep_the_sites_known_zone_within_their_language() -> None:
    assert page_timezone("de", [], None, "Asia/Tokyo", site_zone="Europe/Vienna") == "Europe/Berlin"
    assert page_timezone("en", [], None, "Asia/Tokyo", "Europe/London") == "Europe/London"
    assert page_timezone(None, [], None, "Asia/Tokyo", "Europe/London") == "Europe/London"
    assert page_timezone("ja", [], None, "Asia/Tokyo", "Europe/London") == "Asia/Tokyo"
    shown = ["2024-07-01T23:30:00+02:00"]
    assert page_timezone("de", shown, None, "Asia/Tokyo", site_zone="Asia/Tokyo") == "Europe/Berlin"


def test_a_chosen_zone_stays_chosen_when_a_page_shows_the_same_offsets() -> None:
    from datetime import UTC, datetime

    from archiver.items import SiteZone
    from archiver.parse.extraction import extract_page
    from archiver.parse.prepare import zoned_article_item
    from archiver.parse.profiles import load_profile

    url = "http://127.0.0.1:8000/2024/07/sommerfest/"
    page = extract_page(german_page().body.decode(), url, load_profile("127.0.0.1:8000"))
    fetched = datetime(2024, 7, 2, tzinfo=UTC)
    zones = {"127.0.0.1:8000": SiteZone("Europe/Berlin", chosen=True)}
    item = zoned_article_item(page, url, fetched, zones)
    assert item.timezone == "Europe/Berlin" and item.timezone_shown
    assert zones["127.0.0.1:8000"] == SiteZone("Europe/Berlin", chosen=True)
    learnt: dict[str, SiteZone] = {}
    zoned_article_item(page, url, fetched, learnt)
    assert learnt == {"127.0.0.1:8000": SiteZone("Europe/Berlin")}
