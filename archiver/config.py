"""Where data lives: the data home and the database URL, by SPEC's rules."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from archiver.home import data_home

__all__ = ["DEFAULT_DB_NAME", "data_home", "describe_db", "resolve_db_url", "warc_dir"]

DEFAULT_DB_NAME = "archive.sqlite3"


def resolve_db_url(db: str | None = None) -> URL:
    """A SQLAlchemy URL from `--db` (file path or URL), else `$ARCHIVER_DB`, else the default file."""
    value = db or os.environ.get("ARCHIVER_DB") or str(data_home() / DEFAULT_DB_NAME)
    if "://" not in value:
        return URL.create("sqlite", database=str(Path(value).expanduser().resolve()))
    url = make_url(value)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")  # psycopg 3, our one PostgreSQL driver
    return url


def describe_db(url: URL) -> str:
    """What a summary prints: the absolute file path, or the URL without its password."""
    database = url.database
    if url.get_backend_name() == "sqlite" and database and database != ":memory:":
        return str(Path(database).resolve())
    return url.render_as_string(hide_password=True)


def warc_dir(db_url: URL) -> Path:
    """Where an archive's raw pages go: `warc/` beside the default SQLite archive
    (`data/warc/`), `warc-<name>/` beside any other (two archives in one folder never share
    their pages), else `<data home>/warc`; `$ARCHIVER_WARC_DIR` overrides all."""
    if os.environ.get("ARCHIVER_WARC_DIR"):
        return Path(os.environ["ARCHIVER_WARC_DIR"]).expanduser().resolve()
    database = db_url.database
    if db_url.get_backend_name() == "sqlite" and database and database != ":memory:":
        path = Path(database).resolve()
        return path.parent / ("warc" if path.name == DEFAULT_DB_NAME else f"warc-{path.stem}")
    return data_home() / "warc"
