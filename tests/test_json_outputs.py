"""One versioned JSON shape for every machine-readable output (issue 21): each `--json` is an
object with `kind` and `version`, a list's entries under `items`; the writing commands' run
summaries are in it too, with the figures their text summaries print."""

from __future__ import annotations

import json
from pathlib import Path

from archiver.cli.options import JSON_VERSION
from archiver.sitegen.loopback import LocalSite, Page
from tests.conftest import FAST, run_archiver
from tests.family_markup import SPRING, page

ARTICLE = "/2024/02/29/haru/"


def _json(result) -> dict:
    assert result.returncode == 0, result.stderr[-2000:]
    document = json.loads(result.stdout)
    assert isinstance(document, dict) and document["version"] == JSON_VERSION
    return document


def test_every_json_output_has_one_shape(tmp_path: Path) -> None:
    db = str(tmp_path / "archive.sqlite3")
    with LocalSite({ARTICLE: Page(page(SPRING, "legacy-walker").encode())}) as site:
        url = site.url(ARTICLE)
        scraped = _json(run_archiver("scrape", url, "--json", "--db", db, *FAST, home=tmp_path))
    assert scraped["kind"] == "run" and scraped["status"] == "ok" and scraped["exit_code"] == 0
    assert scraped["counts"]["comments_new"] == 5 and scraped["articles"][0]["comments"] == 5
    assert scraped["run_id"] == 1

    reparsed = _json(run_archiver("reparse", "--json", "--db", db, home=tmp_path))
    assert reparsed["kind"] == "reparse" and reparsed["status"] == "ok"
    assert reparsed["articles_compared"] == 1 and reparsed["changes"]["comments_new"] == 0

    kinds = {
        ("thread", url): "thread",
        ("search", "桜"): "search",
        ("stats",): "stats",
        ("sites", "list"): "sites",
        ("redact", "--list"): "redactions",
        ("db", "check"): "check",
    }
    for command, kind in kinds.items():
        document = _json(run_archiver(*command, "--json", "--db", db, home=tmp_path))
        assert document["kind"] == kind, command
    listed = _json(run_archiver("search", "桜", "--json", "--db", db, home=tmp_path))
    assert listed["items"] and all(hit["url"].startswith(url) for hit in listed["items"])
