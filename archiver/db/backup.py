"""`archiver db backup DEST`: a consistent copy of a SQLite archive while crawls go on writing
it (SQLite's online backup), with its WARC files beside the copy."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from archiver.config import resolve_db_url, warc_dir
from archiver.db.engine import SQLITE_BUSY_TIMEOUT_MS


@dataclass(frozen=True)
class Backup:
    database: Path
    warc_directory: Path
    warc_files: int  # copied this time (the others were there already, complete)
    warc_bytes: int


def backup_sqlite(source: URL, destination: Path) -> Backup:
    """Copy the archive at `source` to `destination` page by page, each step a consistent
    snapshot (a crawl writing meanwhile is not blocked), then its WARC files: first the
    database, so every capture the copy names was written before it was taken."""
    destination = destination.resolve()
    if destination.is_dir():
        raise IsADirectoryError(f"{destination} is a directory: give the backup's file name")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    partial.unlink(missing_ok=True)
    timeout = SQLITE_BUSY_TIMEOUT_MS / 1000
    reading = sqlite3.connect(f"file:{Path(str(source.database)).resolve()}?mode=ro", uri=True,
                              timeout=timeout)  # fmt: skip
    try:
        copy = sqlite3.connect(partial)
        try:
            reading.backup(copy, pages=1024)  # steps between which writers go on
        finally:
            copy.close()
    finally:
        reading.close()
    partial.replace(destination)
    copied, size = 0, 0
    source_warcs = warc_dir(source)
    target_warcs = warc_dir(resolve_db_url(str(destination)))
    if source_warcs.is_dir():
        target_warcs.mkdir(parents=True, exist_ok=True)
        for path in sorted(source_warcs.iterdir()):
            if not path.is_file():
                continue
            target = target_warcs / path.name
            if target.is_file() and target.stat().st_size == path.stat().st_size:
                continue  # a closed file copied by an earlier backup
            shutil.copyfile(path, target.with_name(target.name + ".part"))
            target.with_name(target.name + ".part").replace(target)
            copied, size = copied + 1, size + target.stat().st_size
    return Backup(destination, target_warcs, copied, size)
