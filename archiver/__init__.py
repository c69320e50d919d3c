"""archiver: a faithful, queryable archive of Japanese news/blog articles and their comment threads.

The Python API is the product; the `archiver` command is a thin layer over it:

    from archiver import Archive, scrape
    result = scrape("https://grandfleet.info/european-region/some-article/", db="gf.sqlite3")
    with Archive.read("gf.sqlite3") as archive:
        thread = archive.thread(result.articles[0].url)

Names are loaded on first use, so `import archiver` costs nothing (docs/python-api.md).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from archiver._version import __version__

if TYPE_CHECKING:
    from archiver.api import RunResult, crawl, export_wacz, import_warc, reparse, scrape
    from archiver.archive import Archive
    from archiver.parse.dates import parse_date
    from archiver.parse.extraction import extract_page
    from archiver.runstats import RunCounts

# Each public name and the module it lives in.
_HOMES = {
    "Archive": "archiver.archive",
    "RunCounts": "archiver.runstats",
    "RunResult": "archiver.api",
    "crawl": "archiver.api",
    "export_wacz": "archiver.api",
    "extract_page": "archiver.parse.extraction",
    "import_warc": "archiver.api",
    "parse_date": "archiver.parse.dates",
    "reparse": "archiver.api",
    "scrape": "archiver.api",
}
__all__ = [
    "Archive",
    "RunCounts",
    "RunResult",
    "__version__",
    "crawl",
    "export_wacz",
    "extract_page",
    "import_warc",
    "parse_date",
    "reparse",
    "scrape",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'archiver' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
