"""An archive opened from Python: its threads, search, exports and figures, as the reading
commands give them.

    with Archive.read("data/gf.sqlite3") as archive:
        thread = archive.thread("https://grandfleet.info/…/some-article/")
        hits = archive.search("交渉", since=date(2021, 12, 1))

`Archive.read` never writes and refuses what is no current archive of ours; `Archive.open` makes
or upgrades one first (as any writing command does). Both dispose of their connections on
leaving the `with` block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from archiver.config import describe_db, resolve_db_url, warc_dir
from archiver.db.engine import open_archive, read_archive
from archiver.read.export import Dataset, Filters, Format
from archiver.read.export import export as export_dataset
from archiver.read.search import SearchHit
from archiver.read.search import search as search_archive
from archiver.read.stats import ArchiveStats, archive_stats
from archiver.read.thread import Thread, find_article, load_thread
from archiver.warc.wacz import WaczFilters, WaczReport, export_wacz


class Archive:
    """One archive (a SQLite file or a PostgreSQL database) and its WARC directory."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self.engine = engine
        self.url = url
        self.warc_dir: Path = warc_dir(url)

    @classmethod
    def read(cls, db: str | None = None) -> AbstractContextManager[Archive]:
        """The archive at `db` (default: $ARCHIVER_DB, else the data home's), read only."""
        return cls._opened(db, read_archive)

    @classmethod
    def open(cls, db: str | None = None) -> AbstractContextManager[Archive]:
        """The archive at `db`, made or upgraded to this version's schema first."""
        return cls._opened(db, open_archive)

    @classmethod
    @contextmanager
    def _opened(cls, db: str | None, opener: Callable[[URL], Engine]) -> Iterator[Archive]:
        url = resolve_db_url(db)
        engine = opener(url)
        try:
            yield cls(engine, url)
        finally:
            engine.dispose()

    def __repr__(self) -> str:
        return f"Archive({describe_db(self.url)!r})"

    def thread(self, article: str | int, *, include_deleted: bool = False) -> Thread:
        """An article's comments as a tree in display order (its URL or id); raises
        ArticleNotFound."""
        return load_thread(self.engine, find_article(self.engine, article),
                           include_deleted=include_deleted)  # fmt: skip

    def search(
        self,
        text: str,
        *,
        within: Literal["comments", "articles"] = "comments",
        since: date | datetime | None = None,
        site: str | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        """Newest first, what contains `text` (any substring; width variants match)."""
        return search_archive(self.engine, text, within=within, since=since, site=site,
                              limit=limit)  # fmt: skip

    def export(
        self,
        dataset: Dataset,
        output: str | Path,
        *,
        format: Format = "csv",
        since: date | datetime | None = None,
        site: str | None = None,
        up_to_run: int | None = None,
        bom: bool = False,
    ) -> int:
        """Write articles, comments or threads to `output` (csv, jsonl, parquet); the rows
        written."""
        filters = Filters(since=since, site=site, up_to_run=up_to_run)
        return export_dataset(self.engine, dataset, format, output, filters=filters, bom=bom)

    def export_wacz(
        self, output: str | Path, *, site: str | None = None, since: date | datetime | None = None
    ) -> WaczReport:
        """Pack the raw captures (of `site`, of articles published since `since`) as WACZ."""
        return export_wacz(self.engine, self.warc_dir, Path(output), WaczFilters(site, since))

    def stats(self, *, site: str | None = None, days: int = 14, top: int = 10) -> ArchiveStats:
        """Sizes, comments per day, busiest threads and the health of recent runs."""
        return archive_stats(self.engine, site=site, days=days, top=top)
