"""Benchmark: full extraction (`extract_page`: article fields, every comment, votes, pages) vs a
bare `lxml.html` parse of the same pages, in the same run. Target (issue 5): ≥ 0.5 of the bare
parse rate.

Pages: every saved fixture under tests/fixtures/ (TCD seed page, real WordPress classic and block
pages, our family pages) plus generated pages of the three markups, so long and short threads
both count; and, where ../shared holds them, the real pages of other people's sites (realpages,
realthemes), which the generic reader mostly reads.

Run: .venv/bin/python bench/bench_extraction.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import lxml.html
from timing import rate  # bench/timing.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.parse.extraction import extract_page  # noqa: E402
from archiver.parse.profiles import load_profile  # noqa: E402
from archiver.sitegen.model import MARKUPS, generate  # noqa: E402
from archiver.sitegen.render import article_page  # noqa: E402

URL = "http://127.0.0.1:8000/2021/12/23/article/"


def fixture_pages() -> list[str]:
    """The saved fixture pages: the TCD seed page and real WordPress classic and block pages."""
    paths = sorted((ROOT / "tests/fixtures").glob("*/*/page.html"))
    return [p.read_text(encoding="utf-8") for p in paths]


def generated_pages() -> list[str]:
    """Comment-heavy pages of the three markups (0–120 comments each, one page per thread)."""
    state = generate(30, (0, 120), seed=3, markups=MARKUPS, comments_per_page=None)
    return [article_page(state, a, "http://127.0.0.1:8000", None) for a in state.articles.values()]


def real_pages() -> list[str]:
    """Real blog and news pages nobody here wrote, when ../shared holds them (else none)."""
    shared = ROOT.parent / "shared"
    paths = sorted((shared / "realpages" / "pages").glob("*.html"))
    paths += sorted((shared / "realthemes" / "pages").rglob("index.html"))
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in paths]
    # lxml refuses text that declares its encoding (XHTML pages): the declaration is dropped.
    return [re.sub(r"^\s*<\?xml[^>]*\?>", "", text) for text in texts]


def pages() -> list[str]:
    return fixture_pages() + generated_pages()


def main() -> None:
    profile = load_profile("127.0.0.1")
    for name, texts in (
        ("fixture set", fixture_pages()),
        ("generated, comment-heavy", generated_pages()),
        ("real pages (../shared)", real_pages()),
    ):
        if not texts:
            print(f"{name}: none found")
            continue
        comments = sum(len(extract_page(t, URL, profile).comments) for t in texts)
        bare = rate(lambda t: lxml.html.fromstring(t), texts, min_seconds=3.0)
        full = rate(lambda t: extract_page(t, URL, profile), texts, min_seconds=3.0)
        size = sum(len(t.encode()) for t in texts) / len(texts) / 1000
        print(
            f"{name}: {len(texts)} pages, avg {size:.0f} KB, {comments / len(texts):.0f} comments a page"
        )
        print(f"  bare lxml.html parse   {bare:>8,.0f} pages/s")
        print(
            f"  full extraction        {full:>8,.0f} pages/s  ratio {full / bare:.2f} (target >= 0.5)"
        )


if __name__ == "__main__":
    main()
