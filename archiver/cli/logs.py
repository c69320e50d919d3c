"""How the command logs: one line per message on stderr, tracebacks only with --verbose."""

from __future__ import annotations

import logging
import sys

from archiver.cli.terminal import terminal_text

# Loggers whose errors another message already reports (our errback says why a fetch failed).
REPEATING_LOGGERS = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt")


class OneLineFormatter(logging.Formatter):
    """`error: message` on one line; tracebacks only with --verbose."""

    def __init__(self, verbose: bool) -> None:
        super().__init__()
        self.verbose = verbose

    def format(self, record: logging.LogRecord) -> str:
        # Never mutate the record: Scrapy's log counter reads the same one after us.
        line = f"{record.levelname.lower()}: {terminal_text(record.getMessage())}"
        if not self.verbose:
            return line.splitlines()[0]
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter(verbose))
    if not verbose:
        handler.addFilter(_quiet_filter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("archiver.crawling.progress").setLevel(logging.INFO)


def _quiet_filter(record: logging.LogRecord) -> bool:
    if record.name == "archiver.crawling.progress":  # a scheduled job's log shows how far a run got
        return True
    ours = record.name.split(".")[0] == "archiver"  # spiders and pipelines are archiver.*
    if ours:
        return record.levelno >= logging.WARNING
    return record.levelno >= logging.ERROR and not record.name.startswith(REPEATING_LOGGERS)
