"""Benchmark: `archiver crawl` on a loopback site — rate vs a bare Scrapy spider, memory at 1k vs
10k articles, and what an unchanged recrawl costs against the first crawl.

The generated site is served from this process (a thread per connection); each crawler runs in
a process of its own. Every page is rendered once before timing starts, so neither side pays
for the server's first render. Politeness is off on both sides (16 concurrent requests, no
delay, no AutoThrottle, no robots.txt).

- rate: pages/s of `archiver crawl` (discovery, parsing, dates, thread building, storing in
  SQLite) vs a bare Scrapy spider fetching the same article and comment pages and discarding
  them, same run. Target (issue 8) ≥ 0.5.
- memory: peak RSS (VmHWM) of the crawling process, 1,000 vs 10,000 articles. Target ≤ +20%.
- recrawl: requests and body bytes the server sent for a recrawl with nothing due, and for one
  with every thread due (conditional GETs), vs the first crawl. Target ≤ 5%.

Run: .venv/bin/python bench/bench_crawl.py [ARTICLES] [COMMENTS]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_testsite import crawl as bare_crawl  # noqa: E402

from archiver.sitegen.layout import page_count  # noqa: E402
from archiver.sitegen.model import generate  # noqa: E402
from archiver.sitegen.render import comment_page_path  # noqa: E402
from archiver.sitegen.server import GeneratedSite  # noqa: E402

UNPOLITE = [
    "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=False",
]  # fmt: skip
ARCHIVER = str(Path(sys.executable).parent / "archiver")


def warm(site: GeneratedSite) -> list[str]:
    """Render every article and comment page once; return their URLs."""
    state = site.state
    paths = []
    for article in state.live_articles():
        paths.append(article.path)
        paths += [comment_page_path(article, p) for p in range(1, page_count(state, article))]
    for path in paths:
        site._cached_answer(path)
    return [site.url(p) for p in paths]


def run_crawl(
    site: GeneratedSite, db: Path, now_shift: timedelta = timedelta(0), *extra: str
) -> dict:
    """`archiver crawl` in its own process; wall time and peak RSS, polled from /proc."""
    environment = {**os.environ, "ARCHIVER_NOW": (site.state.now + now_shift).isoformat()}
    command = [ARCHIVER, "crawl", site.base_url + "/", "--db", str(db), *UNPOLITE, *extra]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    peak = 0
    while process.poll() is None:
        peak = max(peak, _vm_hwm(process.pid))
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    out, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"archiver crawl failed ({process.returncode}):\n{out}\n{err}")
    pages = next(int(line.split(",")[1].split()[0]) for line in out.splitlines()
                 if line.strip().startswith("run:"))  # fmt: skip
    return {"seconds": seconds, "peak_mb": peak / 1024, "pages": pages}


def _vm_hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def served(site: GeneratedSite) -> tuple[int, int]:
    with site.lock:
        return sum(site.requests.values()), sum(site.bytes_sent.values())


def main() -> None:
    articles = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    comments = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        state = generate(articles, comments, seed=1)
        with GeneratedSite(state) as site:
            urls = warm(site)
            print(f"site: {articles:,} articles × {comments} comments, {len(urls):,} article "
                  f"and comment pages")  # fmt: skip
            first_served = served(site)
            ours = run_crawl(site, base / "rate.sqlite3")
            first_requests, first_bytes = (
                a - b for a, b in zip(served(site), first_served, strict=True)
            )
            bare = bare_crawl(urls)
            our_rate = ours["pages"] / ours["seconds"]
            bare_rate = bare["pages"] / bare["seconds"]
            print(f"bare Scrapy spider     {bare_rate:7.1f} pages/s ({bare['pages']:,} pages, "
                  f"{bare['seconds']:.1f} s)")  # fmt: skip
            print(f"archiver crawl         {our_rate:7.1f} pages/s ({ours['pages']:,} pages, "
                  f"{ours['seconds']:.1f} s, process start included)  "
                  f"ratio {our_rate / bare_rate:.2f} (target >= 0.5)")  # fmt: skip

            no_warc = run_crawl(
                site, base / "no-warc.sqlite3", timedelta(0), "-s", "ARCHIVER_WARC=False"
            )
            no_warc_rate = no_warc["pages"] / no_warc["seconds"]
            print(f"archiver crawl, no WARC {no_warc_rate:7.1f} pages/s: the raw page archive "
                  f"costs {1 - our_rate / no_warc_rate:.0%} of the rate")  # fmt: skip

            for label, shift in (("nothing due", timedelta(hours=0)),
                                 ("every thread due", timedelta(days=60))):  # fmt: skip
                before = served(site)
                run_crawl(site, base / "rate.sqlite3", shift)
                requests, sent = (a - b for a, b in zip(served(site), before, strict=True))
                print(f"unchanged recrawl, {label:<16}: {requests:,} requests "
                      f"({requests / first_requests:.1%}), {sent / 1e6:.2f} MB "
                      f"({sent / first_bytes:.1%} of the first crawl's {first_requests:,} "
                      f"requests, {first_bytes / 1e6:.1f} MB; target <= 5%)")  # fmt: skip

        memory = {}
        for count in (articles, articles * 10):
            with GeneratedSite(generate(count, 10, seed=2)) as site:
                warm(site)
                memory[count] = run_crawl(site, base / f"memory-{count}.sqlite3")
        low, high = memory[articles], memory[articles * 10]
        print(f"peak RSS, {articles:,} → {articles * 10:,} articles × 10 comments: "
              f"{low['peak_mb']:.0f} MB → {high['peak_mb']:.0f} MB "
              f"({high['peak_mb'] / low['peak_mb'] - 1:+.0%}, target <= +20%)")  # fmt: skip


if __name__ == "__main__":
    main()
