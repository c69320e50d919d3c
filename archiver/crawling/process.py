"""One Scrapy crawl run to its end: in this process while its reactor is unused, else in a
spawned child process (Twisted's reactor cannot run twice in one process).

So the API's `scrape` and `crawl` can be called any number of times in one program: the first
call runs here (what the `archiver` command does: one call, no child to start), later calls in
`python -m archiver.crawling.process`, a child that dies with its parent (PR_SET_PDEATHSIG on
Linux) and hands back the crawl's stats. A child that dies without them (killed, out of memory)
is a failed run saying how it ended.
"""

from __future__ import annotations

import ctypes
import logging
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from scrapy import Spider
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

from archiver import runstats
from archiver import settings as archiver_settings

logger = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
T = TypeVar("T")


def run_spider(
    spider: type[Spider], spider_arguments: dict[str, Any], settings: dict[str, Any]
) -> dict[str, Any]:
    """Run one spider with archiver's settings and `settings` over them; its stats."""
    if not _reactor_ran():
        return _run_here(spider, spider_arguments, settings)
    return _run_in_child(spider, spider_arguments, settings)


def _reactor_ran() -> bool:
    reactor = sys.modules.get("twisted.internet.reactor")
    return bool(reactor is not None and getattr(reactor, "_startedBefore", False))


def _run_here(
    spider: type[Spider], spider_arguments: dict[str, Any], settings: dict[str, Any]
) -> dict[str, Any]:
    crawl_settings = Settings()
    crawl_settings.setmodule(archiver_settings, priority="project")
    # Logging belongs to the caller (the CLI configures it); a library must not.
    crawl_settings.update({"LOG_INSTALL_ROOT_HANDLER": False, **settings}, priority="cmdline")
    process = AsyncCrawlerProcess(crawl_settings)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **spider_arguments)
    process.start()
    return crawler.stats.get_stats()


def _run_in_child(
    spider: type[Spider], spider_arguments: dict[str, Any], settings: dict[str, Any]
) -> dict[str, Any]:
    """The crawl in `python -m archiver.crawling.process`: a fresh interpreter (a fresh reactor)
    that imports nothing of the caller's program; the work goes in on its stdin, the stats
    come back on a pipe of their own (Scrapy's output keeps stdout and stderr)."""
    reading, writing = os.pipe()
    root = logging.getLogger()
    logs = root.getEffectiveLevel() if root.handlers else None  # None: Python's last resort
    work = pickle.dumps((spider, spider_arguments, settings, logs))
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", __name__, str(writing)], stdin=subprocess.PIPE,
            pass_fds=(writing,),
        )  # fmt: skip
    finally:
        os.close(writing)
    with os.fdopen(reading, "rb") as answers:
        assert child.stdin is not None
        child.stdin.write(work)
        child.stdin.close()
        answer = _despite_interrupts(answers.read)
    code = _despite_interrupts(child.wait)
    try:
        return pickle.loads(answer)
    except (pickle.UnpicklingError, EOFError):
        logger.error("the crawl's child process died (exit %s) before it ended the run", code)
        return {runstats.STATUS: "failed", runstats.CHILD_EXIT: code, "log_count/ERROR": 1}


def _despite_interrupts(call: Callable[[], T]) -> T:
    """`call()`, again after each Ctrl-C: the child got it too (one process group) and ends
    its crawl as an interrupted run, whose stats are still to come."""
    while True:
        try:
            return call()
        except KeyboardInterrupt:
            continue


def _child_main(answer_fd: int) -> None:
    _die_with_parent()
    spider, spider_arguments, settings, log_level = pickle.load(sys.stdin.buffer)
    if log_level is not None:  # the caller logs: here to stderr, at its level
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(log_level)
        handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
        logging.getLogger().addHandler(handler)
    stats = _run_here(spider, spider_arguments, settings)
    with os.fdopen(answer_fd, "wb") as answer:
        pickle.dump(stats, answer)


def _die_with_parent() -> None:
    """Linux: the kernel kills this process when its parent dies (kill -9 included)."""
    if sys.platform != "linux":
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl: the child outlives a killed parent
        pass


if __name__ == "__main__":
    _child_main(int(sys.argv[1]))
