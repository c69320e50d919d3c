"""Benchmark: peak memory of `archiver reparse` over a WARC holding a 1 GiB-inflating record
(issue 18, item 6), against the same reparse without it, measured in the same run.

A loopback server sends one article page and one gzip bomb (1 GiB of spaces, ~1 MB on the
wire); `archiver scrape` refuses the bomb at fetch and keeps its record in the WARC as sent.
Each reparse runs in its own process under a small wrapper that reports its children's peak
RSS. Target: under 300 MB with the bomb.

Run: .venv/bin/python bench/bench_bomb.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.sitegen.loopback import LocalSite, Page  # noqa: E402
from tests.family_markup import SPRING, page  # noqa: E402

INFLATED = 1 << 30
ARCHIVER = str(Path(sys.executable).with_name("archiver"))
PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def bomb() -> bytes:
    """gzip of INFLATED spaces, made a chunk at a time (never 1 GiB in memory)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b" " * (1 << 20)
    parts = [packer.compress(chunk) for _ in range(INFLATED // len(chunk))]
    return b"".join(parts) + packer.flush()


def server(bomb_body: bytes) -> LocalSite:
    bomb = Page(bomb_body, headers=(("Content-Encoding", "gzip"),))
    return LocalSite({"/fine/": Page(page(SPRING, "legacy-walker").encode()), "/bomb/": bomb})


def peak_reparse_kib(paths: list[str], work: Path, name: str) -> int:
    crawled, rebuilt = work / f"{name}-crawled", work / f"{name}-rebuilt"
    crawled.mkdir()
    rebuilt.mkdir()
    env = {"ARCHIVER_HOME": str(work / "home"), "PATH": "/usr/bin:/bin"}
    with server(BOMB) as site:
        subprocess.run([ARCHIVER, "scrape", *(site.url(p) for p in paths), "--db",
                        str(crawled / "archive.sqlite3"), "-s", "DOWNLOAD_DELAY=0", "-s",
                        "AUTOTHROTTLE_ENABLED=False"], capture_output=True, env=env, check=False)  # fmt: skip
    (rebuilt / "warc").symlink_to(crawled / "warc")
    done = subprocess.run(
        [sys.executable, "-c", PEAK, ARCHIVER, "reparse", "--db", str(rebuilt / "archive.sqlite3")],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    return int(done.stdout.strip())


BOMB = bomb()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        plain = peak_reparse_kib(["/fine/"], work, "plain")
        with_bomb = peak_reparse_kib(["/fine/", "/bomb/"], work, "bomb")
    print(f"bomb: {INFLATED / 2**30:.0f} GiB inflated from {len(BOMB) / 2**20:.1f} MiB on the wire")
    print(f"reparse peak RSS without the bomb {plain / 1024:8.1f} MB")
    print(f"reparse peak RSS with the bomb    {with_bomb / 1024:8.1f} MB   (target < 300 MB)")
    print(f"ratio                             {with_bomb / plain:8.2f}x")


if __name__ == "__main__":
    main()
