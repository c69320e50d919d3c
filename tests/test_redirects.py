"""A redirect never takes a command to another site (issue 18, item 2): it may change the scheme
and `www.`, never the host or an explicit port; anything else is an error line naming both
URLs, and nothing is fetched there."""

from __future__ import annotations

from pathlib import Path

from archiver.sitegen.loopback import LocalSite, Page
from tests.conftest import FAST, run_archiver
from tests.family_markup import SPRING, page

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
