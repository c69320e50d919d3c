"""Benchmark: the generated test site. Generation time of 1,000 articles × 50 comments, and its
serving speed against `scrapy bench`'s own server (scrapy.utils.benchserver), same client.

Both servers run in their own process on 127.0.0.1; the client is the same Scrapy crawl (16
concurrent requests, no delays) fetching a fixed list of URLs from each, in a process of its own.
Our pages are full article pages (≈15 KB, comment threads); the bench server's are ≈1 KB link
lists, so both pages/s and MB/s are printed. Target (issue 4): generation < 60 s; ours serves at
least as many pages/s as the bench server.

Run: .venv/bin/python bench/bench_testsite.py [PAGES]
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.sitegen.expected import expected_articles  # noqa: E402
from archiver.sitegen.layout import page_count  # noqa: E402
from archiver.sitegen.model import generate  # noqa: E402
from archiver.sitegen.render import article_page, comment_page_path  # noqa: E402

ARTICLES, COMMENTS, SEED = 1000, 50, 1
BENCH_PORT = 8998  # scrapy.utils.benchserver's fixed port


def measure_generation() -> None:
    start = time.perf_counter()
    state = generate(ARTICLES, COMMENTS, seed=SEED)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    rows = sum(len(a.comments) for a in expected_articles(state).values())
    expected = time.perf_counter() - start
    start = time.perf_counter()
    pages = sum(
        len(article_page(state, a, "http://127.0.0.1:1", p))
        for a in state.articles.values()
        for p in range(1, page_count(state, a) + 1)
    )
    rendered = time.perf_counter() - start
    print(
        f"generate {ARTICLES:,} articles × {COMMENTS} comments: {generated:.2f} s (target < 60 s)"
    )
    print(f"expected rows ({rows:,} comments): {expected:.2f} s")
    print(f"render every page once: {rendered:.2f} s, {pages / 1e6:.0f} MB")


def our_urls(base: str, limit: int) -> list[str]:
    # The served site is `python -m archiver.sitegen ARTICLES COMMENTS SEED`: same generator, same seed.
    state = generate(ARTICLES, (0, 2 * COMMENTS), seed=SEED)
    urls = []
    for article in state.articles.values():
        urls.append(base + article.path)
        urls += [base + comment_page_path(article, p) for p in range(1, page_count(state, article))]
    return urls[:limit]


def start_server(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)


def crawl(urls: list[str]) -> dict:
    """The same client for both servers: a Scrapy crawl in its own process."""
    code = """
import json, sys, time
import scrapy
from scrapy.crawler import AsyncCrawlerProcess
urls = json.loads(sys.stdin.read())
result = {}
class Fetch(scrapy.Spider):
    name = "fetch"
    async def start(self):
        result["start"] = time.perf_counter()
        for url in urls:
            yield scrapy.Request(url, dont_filter=True)
    def parse(self, response):
        result["bytes"] = result.get("bytes", 0) + len(response.body)
        result["pages"] = result.get("pages", 0) + 1
        result["end"] = time.perf_counter()
process = AsyncCrawlerProcess({"LOG_LEVEL": "WARNING", "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "DOWNLOAD_DELAY": 0, "ROBOTSTXT_OBEY": False,
    "AUTOTHROTTLE_ENABLED": False, "TELNETCONSOLE_ENABLED": False})
process.crawl(Fetch)
process.start()
print(json.dumps(result))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(urls), capture_output=True, text=True,
        check=True, cwd=ROOT,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["seconds"] = result["end"] - result["start"]
    return result


HAMMER = """
import http.client, json, sys, threading, time
from urllib.parse import urlsplit
urls = json.loads(sys.stdin.read())
lock, queue, done = threading.Lock(), list(reversed(urls)), [0, 0]
def worker():
    connection = None
    while True:
        with lock:
            if not queue:
                break
            parts = urlsplit(queue.pop())
        if connection is None:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        connection.request("GET", parts.path + ("?" + parts.query if parts.query else ""))
        response = connection.getresponse()
        body = response.read()
        if response.will_close:
            connection.close()
            connection = None
        with lock:
            done[0] += 1
            done[1] += len(body)
start = time.perf_counter()
threads = [threading.Thread(target=worker) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"pages": done[0], "bytes": done[1], "seconds": time.perf_counter() - start}))
"""


def hammer(urls: list[str]) -> dict:
    """Server capacity without Scrapy: 8 keep-alive connections of plain http.client."""
    done = subprocess.run(
        [sys.executable, "-c", HAMMER], input=json.dumps(urls), capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def measure_serving(pages: int) -> None:
    ours = start_server(
        [sys.executable, "-m", "archiver.sitegen", str(ARTICLES), str(COMMENTS), str(SEED)]
    )
    theirs = start_server([sys.executable, "-u", "-m", "scrapy.utils.benchserver"])
    try:
        base = (ours.stdout.readline() if ours.stdout else "").strip()
        if theirs.stdout:
            theirs.stdout.readline()
        urls = our_urls(base, pages)
        bench_urls = [
            f"http://127.0.0.1:{BENCH_PORT}/follow?total=100000&show=20&n={n}"
            for n in range(len(urls))
        ]
        results = {
            "scrapy bench server": crawl(bench_urls),
            # First visit: each page rendered on request. Second: answered from the page cache.
            "generated site, cold": crawl(urls),
            "generated site, warm": crawl(urls),
        }
        capacity = {"scrapy bench server": hammer(bench_urls)}
        ours.kill()
        ours.wait()
        ours = start_server(
            [sys.executable, "-m", "archiver.sitegen", str(ARTICLES), str(COMMENTS), str(SEED)]
        )
        base = (ours.stdout.readline() if ours.stdout else "").strip()
        capacity["generated site, cold"] = hammer(our_urls(base, pages))
        capacity["generated site, warm"] = hammer(our_urls(base, pages))
    finally:
        for process in (ours, theirs):
            process.kill()
            process.wait()
    rates = {}
    for name, result in results.items():
        rates[name] = result["pages"] / result["seconds"]
        print(
            f"{name:<22} {result['pages']:>6,} pages in {result['seconds']:.2f} s: "
            f"{rates[name]:>7,.0f} pages/s, {result['bytes'] / result['seconds'] / 1e6:6.1f} MB/s"
        )
    for name in ("generated site, cold", "generated site, warm"):
        ratio = rates[name] / rates["scrapy bench server"]
        print(f"ratio {name} / bench server (pages/s): {ratio:.2f} (target >= 1)")
    print("server capacity, plain http.client, 8 keep-alive connections (no Scrapy):")
    for name, result in capacity.items():
        print(
            f"  {name:<22} {result['pages'] / result['seconds']:>7,.0f} pages/s, "
            f"{result['bytes'] / result['seconds'] / 1e6:6.1f} MB/s"
        )


if __name__ == "__main__":
    measure_generation()
    measure_serving(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
