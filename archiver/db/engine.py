"""Engines for SQLite and PostgreSQL, tuned for a crawler writing while analysts read, and
schema upgrades through Alembic under a lock."""

from __future__ import annotations

import fcntl
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Any fixed 64-bit key: PostgreSQL advisory lock held while the schema is upgraded.
PG_SCHEMA_LOCK = 0x61726368697665


class ArchiveUnavailable(RuntimeError):
    """The archive database cannot be opened or written (bad URL, no server, no permission)."""


class SchemaOutOfDate(ArchiveUnavailable):
    """A reading command found an archive older than this version of archiver."""


def make_engine(url: URL, read_only: bool = False) -> Engine:
    """An engine on the archive; `read_only` (reading commands) never writes to the file, not
    even its journal mode (SQLite's `mode=ro`; PostgreSQL sessions that refuse writes)."""
    if url.get_backend_name() == "sqlite":
        timeout = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        if read_only and url.database and url.database != ":memory:":
            path = quote(str(Path(url.database).resolve()))
            readable = url.set(database=f"file:{path}?mode=ro", query={"uri": "true"})
            engine = create_engine(readable, connect_args=timeout)
            event.listen(engine, "connect", _sqlite_reading_pragmas)
            return engine
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args=timeout)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if read_only and url.get_backend_name() == "postgresql":
        options = {"options": "-c default_transaction_read_only=on"}
        return create_engine(url, pool_pre_ping=True, connect_args=options)
    return create_engine(url, pool_pre_ping=True)


def open_archive(url: URL) -> Engine:
    """An engine on an archive whose schema is current, for a writing command.

    Fails early with one clear message, before any page is fetched.
    """
    return _opened(url, upgrade)


def read_archive(url: URL) -> Engine:
    """An engine for a reading command: the archive must exist and be at this version's schema.

    Never creates or upgrades anything (a mistyped path must not become an empty archive).
    """
    from archiver.config import describe_db

    file = url.database if url.get_backend_name() == "sqlite" else None
    if file and file != ":memory:" and not Path(file).is_file():
        raise ArchiveUnavailable(
            f"no archive at {describe_db(url)}: give --db, or fill it with `archiver scrape`"
        )
    return _opened(url, require_current, read_only=True)


def _opened(url: URL, prepare: Callable[[Engine], None], read_only: bool = False) -> Engine:
    """`make_engine` then `prepare` (upgrade, or check), any failure as one ArchiveUnavailable.
    A SQLite file that is not an archive is refused first, before anything touches it."""
    from archiver.config import describe_db

    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ArchiveUnavailable(f"{describe_db(url)}: archiver keeps its archive in SQLite (a "
                                 f"file path) or PostgreSQL (postgresql://…), not {backend}")  # fmt: skip
    if backend == "sqlite" and (not url.database or url.database == ":memory:"):
        raise ArchiveUnavailable("sqlite:// is a database in memory, gone when the command "
                                 "ends: give --db a file path")  # fmt: skip
    try:
        if backend == "sqlite":
            _recognise_sqlite(Path(str(url.database)), describe_db(url))
            if not read_only:
                _writable_sqlite(Path(str(url.database)), describe_db(url))
        engine = make_engine(url, read_only=read_only)
        prepare(engine)
    except ImportError as error:  # the backend's driver is not installed
        raise ArchiveUnavailable(f"{describe_db(url)} needs its driver ({error.name}): pip "
                                 "install 'comment-thread-archiver[postgres]'") from error  # fmt: skip
    except (OSError, SQLAlchemyError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise ArchiveUnavailable(f"cannot open the archive {describe_db(url)}: {reason}") from error
    return engine


class NotAnArchive(ArchiveUnavailable):
    """A database that holds another application's data: nothing of ours goes into it."""


def _recognise_sqlite(path: Path, described: str) -> None:
    """Refuse a SQLite file that holds tables and is no archive of ours (another program's
    file), reading it read-only: an empty or new file is a new archive for a writer."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
        try:
            tables = [row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]  # fmt: skip
            version = None
            if "alembic_version" in tables:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                version = row[0] if row else None
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        if "malformed" in str(error):
            raise ArchiveUnavailable(damaged(described, error)) from error
        reason = f"{described} is not an archive ({error}); nothing was written to it"
        raise NotAnArchive(f"{reason}: give --db another path") from error
    if not tables or version in _revisions():
        return
    raise _foreign(described, version, tables)


def _refuse_foreign(engine: Engine, version: str | None) -> None:
    """Refuse a database holding tables but no archiver version (PostgreSQL's, SQLite's being
    refused before it is opened at all): nothing of ours is created beside another's data."""
    from archiver.config import describe_db

    if version is not None and version not in _revisions():
        raise _foreign(describe_db(engine.url), version, [])
    if version is None and (tables := sorted(inspect(engine).get_table_names())):
        raise _foreign(describe_db(engine.url), None, tables)


def _foreign(described: str, version: str | None, tables: list[str]) -> NotAnArchive:
    """The refusal of another program's database, by its Alembic version or its tables."""
    shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
    what = f"alembic version {version!r} is none of archiver's" if version else f"tables {shown}"
    return NotAnArchive(f"{described} is another program's database ({what}); nothing was "
                        "written to it: give --db another path")  # fmt: skip


def damaged(described: str, error: BaseException) -> str:
    """The one line for an archive whose file is damaged."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    return (f"{described} is damaged ({reason}): `archiver db check` says where; restore it "
            "from a backup, or rebuild it from its WARC files with `archiver reparse`")  # fmt: skip


def _writable_sqlite(path: Path, described: str) -> None:
    """Refuse, before anything is fetched, an archive a writer cannot write (an immutable
    file, a read-only mount, another owner's file): SQLite would open it read-only without a
    word and the first insert, deep in a crawl, would fail."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        connection = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        try:
            connection.isolation_level = None
            connection.execute("BEGIN IMMEDIATE")
            # A write that changes nothing, undone: SQLite refuses it where the file cannot be
            # written (it opened it read-only without a word).
            tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" in tables:
                connection.execute("UPDATE alembic_version SET version_num = version_num")
            connection.execute("ROLLBACK")
        finally:
            connection.close()
    except sqlite3.OperationalError as error:
        if "readonly" not in str(error) and "read-only" not in str(error):
            raise
        raise ArchiveUnavailable(f"{described} cannot be written ({error}): a writing command "
                                 "needs write access to it and its folder") from error  # fmt: skip


def _revisions() -> set[str]:
    return {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }


def _sqlite_reading_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers never block the crawler and never see a half-written transaction.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across crashes in WAL mode
    cursor.close()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("archiver.db") / "migrations"))
    return config


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads: {heads}")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision: only writing commands call this.

    All or nothing, on SQLite too: every revision runs in one transaction, so an upgrade that
    fails (a table in the way, a full disk, a kill) leaves the archive as it was, and running
    it again succeeds once the cause is gone."""
    found = current_revision(engine)
    if found == head_revision():
        return
    _refuse_foreign(engine, found)
    sqlite = engine.url.get_backend_name() == "sqlite"
    upgrading = _transactional_sqlite(engine.url) if sqlite else engine
    try:
        with _schema_lock(engine), upgrading.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            logger.info("upgrading the archive schema to %s", head_revision())
            command.upgrade(config, "head")
    finally:
        if upgrading is not engine:
            upgrading.dispose()


def _transactional_sqlite(url: URL) -> Engine:
    """An engine whose transactions hold DDL too. Python's sqlite3 commits before each DDL
    statement on its own; here it leaves transactions alone and SQLAlchemy's begin issues
    BEGIN IMMEDIATE (the SQLAlchemy documentation's recipe for SQLite transactional DDL)."""
    engine = make_engine(url)

    @event.listens_for(engine, "connect")
    def _driver_leaves_transactions(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def require_current(engine: Engine) -> None:
    """For reading commands: refuse an archive whose schema is not this version's."""
    found = current_revision(engine)
    if found != head_revision():
        _refuse_foreign(engine, found)
        raise SchemaOutOfDate(
            f"the archive schema is at {found or 'nothing'}, this archiver needs {head_revision()}: "
            "run `archiver db upgrade` (or any writing command) first"
        )


@contextmanager
def _schema_lock(engine: Engine) -> Iterator[None]:
    url = engine.url
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            yield
            return
        with open(f"{url.database}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    if url.get_backend_name() == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_SCHEMA_LOCK})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_SCHEMA_LOCK})
        return
    yield
