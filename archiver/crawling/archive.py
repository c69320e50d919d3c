"""The crawl's one engine on its archive, shared by its components: the store pipeline, the WARC
middleware, the spiders' locks, crawl state and zones. Made (the schema upgraded if it is
behind) by the first that asks, disposed once when the crawl's engine stops."""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from sqlalchemy import Engine

from archiver.config import resolve_db_url
from archiver.db.engine import open_archive

_ATTRIBUTE = "archiver_engine"  # where the crawler keeps it


def crawl_engine(crawler: Crawler) -> Engine:
    """The engine on the archive this crawl writes to (ARCHIVER_DB)."""
    engine: Engine | None = getattr(crawler, _ATTRIBUTE, None)
    if engine is None:
        engine = open_archive(resolve_db_url(crawler.settings.get("ARCHIVER_DB")))
        setattr(crawler, _ATTRIBUTE, engine)

        def dispose(**_: Any) -> None:
            engine.dispose()

        # Held strongly: a closure is gone as soon as this function returns otherwise.
        crawler.signals.connect(dispose, signal=signals.engine_stopped, weak=False)
    return engine
