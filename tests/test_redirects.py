"""A redirect never takes a command to another site (issue 18, item 2): it may change the scheme
and `www.`, never the host or an explicit port; anything else is an error line naming both
URLs, and nothing is fetched there."""

from __future__ import annotations

import json
from pathlib import Path

from archiver.parse.urls import site_domain
from archiver.sitegen.loopback import LocalSite, Page
from tests.archive_reader import query
from tests.conftest import FAST, run_archiver
from tests.family_markup import SPRING, Comment, page

ARTICLE = Page(page(SPRING, "legacy-walker").encode())


def moved(target: str) -> Page:
    return Page(b"", 301, headers=(("Location", target),))


def test_a_redirect_to_another_host_or_port_is_refused_and_named(tmp_path: Path) -> None:
    with (
        LocalSite({"/stolen/": ARTICLE}, ("127.0.0.2", 0)) as elsewhere,
        LocalSite({"/other-port/": ARTICLE}) as other_port,
    ):
        targets = {"/to-host/": elsewhere.url("/stolen/"),
                   "/to-port/": other_port.url("/other-port/")}  # fmt: skip
        with LocalSite({path: moved(url) for path, url in targets.items()}) as site:
            urls = [site.url(path) for path in targets]
            result = run_archiver("scrape", *urls, "--db", str(tmp_path / "a.sqlite3"), *FAST,
                                  home=tmp_path)  # fmt: skip
        assert elsewhere.requests == {} and other_port.requests == {}
    assert result.returncode != 0
    for url in urls:
        line = next(line for line in result.stderr.splitlines() if url in line)
        assert line.startswith("error:") and targets[url.removeprefix(site.base_url)] in line


def test_a_redirect_within_the_site_is_followed(tmp_path: Path) -> None:
    """A move on the site's own host and port (a slug changed) is followed and stored."""
    with LocalSite({"/old/": moved("/new/"), "/new/": ARTICLE}) as site:
        result = run_archiver("scrape", site.url("/old/"), "--db", str(tmp_path / "a.sqlite3"),
                              *FAST, home=tmp_path)  # fmt: skip
        assert site.requests.get("/new/") == 1
    assert result.returncode == 0, result.stderr


def test_a_site_that_moved_is_followed_once_aliased_and_keeps_its_history(tmp_path: Path) -> None:
    """`archiver sites alias OLD NEW`: the redirect refused before is followed, and the page
    fetched at NEW is OLD's article (same row, same comments, one new one), its old URL kept
    in its history; the archive still has one site, listed with its other name."""
    db = str(tmp_path / "a.sqlite3")
    path = "/2024/03/spring/"
    grown = (*SPRING, Comment(106, 103, "高橋", 3, "07:30", ("今朝も散歩してきました。",), 0))
    # Without a post id: the article is found by its path under the site's other name.
    no_id = page(grown, "legacy-walker").replace("77", "x").encode()
    with (
        LocalSite({path: Page(page(SPRING, "legacy-walker").replace("77", "x").encode())}) as old,
        LocalSite({path: Page(no_id)}, ("127.0.0.2", 0)) as new,
    ):
        url, new_url = old.url(path), new.url(path)
        assert run_archiver("scrape", url, "--db", db, *FAST, home=tmp_path).returncode == 0
        before = query(db, "SELECT id, external_id, first_seen_at FROM comments ORDER BY id")
        old.pages[path] = moved(new_url)
        refused = run_archiver("scrape", url, "--db", db, *FAST, home=tmp_path)
        assert refused.returncode == 1 and "sites alias" in refused.stderr
        assert new.requests == {}
        old_key, new_key = site_domain(url), site_domain(new_url)
        aliased = run_archiver("sites", "alias", old_key, new_key, "--db", db, home=tmp_path)
        assert aliased.returncode == 0, aliased.stderr
        again = run_archiver("scrape", url, "--db", db, *FAST, home=tmp_path)
        assert again.returncode == 0, again.stderr
        assert new.requests.get(path) == 1
    assert query(db, "SELECT url FROM articles") == [{"url": new_url}]
    assert query(db, "SELECT domain FROM sites") == [{"domain": old_key}]
    after = query(db, "SELECT id, external_id, first_seen_at FROM comments ORDER BY id")
    assert after[: len(before)] == before and len(after) == len(SPRING) + 1
    assert query(db, "SELECT url_before, url FROM article_history") == [
        {"url_before": url, "url": new_url}
    ]
    listed = run_archiver("sites", "list", "--json", "--db", db, home=tmp_path)
    assert [(s["domain"], s["aliases"]) for s in json.loads(listed.stdout)["items"]] == [
        (old_key, [new_key])
    ]


def test_an_alias_is_refused_for_a_site_unknown_or_archived_on_its_own(tmp_path: Path) -> None:
    db = str(tmp_path / "a.sqlite3")
    with LocalSite({"/a/": ARTICLE}) as one, LocalSite({"/b/": ARTICLE}, ("127.0.0.2", 0)) as two:
        scraped = run_archiver("scrape", one.url("/a/"), two.url("/b/"), "--db", db, *FAST,
                               home=tmp_path)  # fmt: skip
    assert scraped.returncode == 0, scraped.stderr
    first, second = site_domain(one.base_url), site_domain(two.base_url)
    unknown = run_archiver("sites", "alias", "nowhere.example", first, "--db", db, home=tmp_path)
    assert unknown.returncode == 1 and "no site 'nowhere.example'" in unknown.stderr
    merged = run_archiver("sites", "alias", first, second, "--db", db, home=tmp_path)
    assert merged.returncode == 1 and "archived as a site of its own (articles: 1)" in merged.stderr
    assert query(db, "SELECT count(*) AS n FROM site_aliases") == [{"n": 0}]


def sitemap(*urls: str) -> Page:
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' \
          f"{entries}</urlset>"  # fmt: skip
    return Page(xml.encode(), content_type="application/xml")


def test_a_crawl_of_a_site_that_moved_follows_it_once_aliased(tmp_path: Path) -> None:
    """Every page of OLD redirects to NEW, whose sitemap lists NEW's URLs: a crawl of OLD reads
    that sitemap, fetches the article there, and stores it as OLD's article, once."""
    db = str(tmp_path / "a.sqlite3")
    path = "/2024/03/spring/"
    with (
        LocalSite({}) as old,
        LocalSite({path: ARTICLE}, ("127.0.0.2", 0)) as new,
    ):
        old.pages.update({path: ARTICLE, "/wp-sitemap.xml": sitemap(old.url(path))})
        first = run_archiver("crawl", old.base_url + "/", "--db", db, *FAST, home=tmp_path)
        assert first.returncode == 0, first.stderr
        new.pages["/wp-sitemap.xml"] = sitemap(new.url(path))
        for moved_path in (path, "/wp-sitemap.xml", "/sitemap_index.xml", "/feed/"):
            old.pages[moved_path] = moved(new.url(moved_path))
        run_archiver("sites", "alias", site_domain(old.base_url), site_domain(new.base_url),
                     "--db", db, home=tmp_path)  # fmt: skip
        again = run_archiver("crawl", old.base_url + "/", "--full", "--db", db, *FAST,
                             home=tmp_path)  # fmt: skip
        assert again.returncode == 0, again.stdout + again.stderr
        assert new.requests.get(path) == 1
    assert query(db, "SELECT url FROM articles") == [{"url": new.url(path)}]
    assert query(db, "SELECT count(*) AS n FROM sites") == [{"n": 1}]
