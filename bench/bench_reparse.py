"""Benchmark: `archiver reparse` — reading pages back from WARC files vs extracting the same
pages from memory, and the disk the raw archive costs per page.

A generated site (four markups, comment pages) is crawled once by `archiver crawl` in its own
process; its WARC files are the input. Then, in this process and on the same pages:

- plain extraction: every article and comment page's HTML, already in memory as Scrapy
  responses, through `extract_response` (the parser the crawl runs);
- WARC read + extraction: the same pages found by an index pass over the files, each read
  back by offset (gzip member, HTTP headers, revisit resolution) and extracted. Target (issue
  9) ≥ 0.8 of plain extraction: reading WARC must not be the bottleneck;
- full reparse: `archiver.warc.reparse.reparse` into an empty SQLite archive (index, extraction,
  dates, threads, storing), for reference;
- disk: WARC bytes per archived response and per HTML page, and the HTML's own size.

Run: .venv/bin/python bench/bench_reparse.py [ARTICLES] [COMMENTS]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.config import resolve_db_url, warc_dir  # noqa: E402
from archiver.crawling.responses import extract_response  # noqa: E402
from archiver.db.engine import open_archive  # noqa: E402
from archiver.parse.urls import is_comment_page  # noqa: E402
from archiver.sitegen.model import MARKUPS, generate  # noqa: E402
from archiver.sitegen.server import GeneratedSite  # noqa: E402
from archiver.warc.reader import index_files, load_response, warc_files  # noqa: E402
from archiver.warc.reparse import reparse  # noqa: E402

ARCHIVER = str(Path(sys.executable).parent / "archiver")
UNPOLITE = [
    "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=False",
]  # fmt: skip


def best_of(passes: int, function) -> float:
    """The fastest of `passes` timed calls, in seconds."""
    times = []
    for _ in range(passes):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main(articles: int, comments: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-reparse-"))
    state = generate(articles, (0, comments), seed=9, comments_per_page=20, markups=MARKUPS)
    with GeneratedSite(state) as site:
        crawled = subprocess.run(
            [ARCHIVER, "crawl", site.base_url + "/", "--db", str(work / "crawl.sqlite3"),
             *UNPOLITE],
            capture_output=True, text=True, env={**os.environ, "ARCHIVER_NOW": state.now.isoformat()},
        )  # fmt: skip
        if crawled.returncode != 0:
            sys.exit(crawled.stderr[-2000:])
    files = warc_files(warc_dir(resolve_db_url(str(work / "crawl.sqlite3"))))
    if not files:
        sys.exit(f"the crawl left no WARC file in {work}: nothing to measure")
    captures, originals = index_files(files)
    html = [c for c in captures if c.status == 200 and "html" in (c.record.content_type or "")]
    pages = [c for c in html if is_comment_page(c.url) or "/20" in c.url]  # article/comment pages
    responses = [load_response(c, originals) for c in pages]
    html_bytes = sum(len(r.body) for r in responses)
    warc_bytes = sum(f.stat().st_size for f in files)

    def plain() -> None:
        for response in responses:
            extract_response(response)

    def from_warc() -> None:
        found, digests = index_files(files)
        wanted = {(c.record.warc_file, c.record.warc_offset) for c in pages}
        for capture in found:
            if (capture.record.warc_file, capture.record.warc_offset) in wanted:
                extract_response(load_response(capture, digests))

    rounds = []
    for _ in range(2):  # interleaved, best of each
        rounds.append((best_of(1, plain), best_of(1, from_warc)))
    plain_s = min(r[0] for r in rounds)
    warc_s = min(r[1] for r in rounds)

    def full() -> None:
        db = work / f"rebuilt-{time.monotonic_ns()}.sqlite3"
        engine = open_archive(resolve_db_url(str(db)))
        report = reparse(engine, files)
        engine.dispose()
        assert report.ok, report.problems

    full_s = best_of(1, full)
    n = len(pages)
    print(f"site: {articles} articles × 0–{comments} comments, {len(files)} WARC file(s)")
    print(f"pages (article + comment pages, HTML 200): {n}; responses archived: {len(captures)}")
    print(f"plain extraction (responses in memory):  {n / plain_s:8.1f} pages/s")
    print(f"WARC index + read + extraction:           {n / warc_s:8.1f} pages/s")
    print(f"ratio WARC / plain:                       {plain_s / warc_s:8.2f}   (target ≥ 0.8)")
    print(f"full reparse into an empty SQLite archive: {n / full_s:8.1f} pages/s "
          f"({plain_s / full_s:.2f} of plain extraction)")  # fmt: skip
    print(f"disk: {warc_bytes / len(captures):,.0f} WARC bytes per archived response, "
          f"{warc_bytes / n:,.0f} per HTML page (all records counted); "
          f"HTML itself {html_bytes / n:,.0f} bytes per page "
          f"({warc_bytes / html_bytes:.2f} of the raw HTML)")  # fmt: skip


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 300,
        int(sys.argv[2]) if len(sys.argv) > 2 else 80,
    )
