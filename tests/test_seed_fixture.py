"""The seed fixture is reproducible from the seed text, and carries only what a real page has."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from parsel import Selector

from archiver.demo import demo_page
from tests.conftest import SEED_FIXTURE

ROOT = Path(__file__).parent.parent
SEED = ROOT.parent / "shared" / "seed" / "grandfleet-article.txt"
needs_seed = pytest.mark.skipif(not SEED.exists(), reason=f"seed text not found at {SEED}")


@needs_seed
def test_page_is_rendered_from_the_seed(tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    subprocess.run([sys.executable, ROOT / "tools/render_seed_page.py", SEED, out], check=True)
    assert out.read_bytes() == (SEED_FIXTURE / "page.html").read_bytes()


@needs_seed
def test_expected_json_is_derived_from_the_seed_text(tmp_path: Path) -> None:
    out = tmp_path / "expected.json"
    subprocess.run([sys.executable, ROOT / "tools/seed_expected.py", SEED, out], check=True)
    assert out.read_text(encoding="utf-8") == (SEED_FIXTURE / "expected.json").read_text("utf-8")


def test_expected_json_matches_the_seed_counts() -> None:
    expected = json.loads((SEED_FIXTURE / "expected.json").read_text(encoding="utf-8"))
    comments = expected["comments"]
    assert Counter(c["depth"] for c in comments) == {1: 12, 2: 14, 3: 6, 4: 1, 5: 1}
    assert sum(c["votes"] is not None for c in comments) == 31


def test_demo_serves_the_fixture_page() -> None:
    # One copy: the fixture links to the page the demo ships.
    assert (SEED_FIXTURE / "page.html").is_symlink()
    assert demo_page() == (SEED_FIXTURE / "page.html").read_bytes()


def test_nesting_is_only_children_lists_and_depth_classes() -> None:
    sel = Selector(text=(SEED_FIXTURE / "page.html").read_text(encoding="utf-8"))
    items = sel.css("li.c-comment__list-item.comment")
    assert len(items) == 34
    for li in items:
        assert set(li.attrib) == {"class", "id"}
        assert re.fullmatch(r"comment-\d+", li.attrib["id"])
    # No attribute anywhere names a parent or a depth other than the theme's depth-N class.
    assert not sel.xpath("//@*[contains(name(), 'parent') or contains(name(), 'depth')]")


def test_seed_article_links() -> None:
    """Sources, related articles and neighbours, as the seed text shows them (lines 7–40)."""
    from archiver.parse.extraction import extract_page
    from archiver.parse.profiles import load_profile

    url = "https://grandfleet.info/european-region/russia-says-negotiations-with-nato-on-new-security-treaty-to-begin-in-january/"
    html = (SEED_FIXTURE / "page.html").read_text(encoding="utf-8")
    article = extract_page(html, url, load_profile("grandfleet.info")).article
    assert [(s.label, s.text) for s in article.sources] == [
        ("参考", "Russia says security talks with US, NATO to begin in January"),
        ("出典", "Photo by Staff Sgt. Keith Anderson"),
        ("出典", "The White House"),
        ("出典", "President of Russia"),
        ("アイキャッチ画像の出典", "President of Russia"),
    ]
    assert article.sources[0].url and article.sources[0].url.startswith("https://www.reuters.com/")
    assert all(s.url is None for s in article.sources[1:])
    assert article.related == ["https://grandfleet.info/european-region/related/"]
    assert article.previous_url == "https://grandfleet.info/asia/india-test/"
    assert article.next_url == "https://grandfleet.info/asia/taiwan-submarine/"
