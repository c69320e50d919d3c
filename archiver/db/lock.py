"""One crawl per site and archive at a time: a scheduled run that finds the last one still going
leaves instead of crawling the same site twice."""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from archiver.config import describe_db


class CrawlLocked(RuntimeError):
    """Another run holds the crawl lock of this site on this archive."""


class LockLost(RuntimeError):
    """The database session holding a crawl's locks ended (PostgreSQL): the run must stop
    writing, since another crawl of its sites may now hold them."""


@dataclass(frozen=True)
class Fence:
    """PostgreSQL session locks, as a writer checks them in its own transaction: the backend
    holding them and their keys. A write whose fence check fails is never committed."""

    pid: int
    keys: tuple[int, ...]

    def check(self, connection: Connection) -> None:
        """Raise LockLost unless the locks are still held by their backend (pg_locks shows an
        advisory bigint key as classid = high 32 bits, objid = low 32 bits, objsubid = 1)."""
        held = connection.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND pid = :pid AND objsubid = 1 AND (classid::bigint << 32 | objid::bigint) "
                "= ANY(:keys)"
            ),
            {"pid": self.pid, "keys": list(self.keys)},
        ).scalar()
        if held != len(self.keys):
            raise LockLost("the database session holding this crawl's locks has ended; "
                           "another crawl may hold them now, so nothing more is written")  # fmt: skip

    def as_setting(self) -> dict:
        return {"pid": self.pid, "keys": list(self.keys)}

    @classmethod
    def from_setting(cls, value: dict | None) -> Fence | None:
        return cls(int(value["pid"]), tuple(value["keys"])) if value else None


@contextmanager
def crawl_lock(engine: Engine, domains: list[str]) -> Iterator[Fence | None]:
    """Hold the crawl locks of `domains` (sorted, so two runs never deadlock) or raise CrawlLocked.

    SQLite: a `flock` on a file beside the archive per site; the kernel drops it when the
    process dies, kill -9 included. PostgreSQL: session advisory locks, dropped with the
    session; the Fence it yields lets writers check, in each transaction, that they still hold.
    """
    with _locks(engine, sorted(set(domains))) as fence:
        yield fence


@contextmanager
def _locks(engine: Engine, domains: list[str]) -> Iterator[Fence | None]:
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        handles = []
        try:
            for domain in domains:
                path = Path(f"{url.database}.crawl-{_safe(domain)}.lock")
                handle = path.open("w")
                handles.append(handle)
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise CrawlLocked(_message(engine, domain)) from None
            yield None
        finally:
            for handle in handles:
                handle.close()  # closing releases the flock
        return
    if url.get_backend_name() == "postgresql":
        with engine.connect() as connection:
            taken = []
            try:
                for domain in domains:
                    key = _key(domain)
                    got = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})
                    if not got.scalar():
                        raise CrawlLocked(_message(engine, domain))
                    taken.append(key)
                pid: int = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
                connection.commit()
                yield Fence(pid, tuple(taken))
            finally:
                try:
                    for key in taken:
                        connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    connection.commit()
                except SQLAlchemyError:  # the session has ended, and its locks with it
                    connection.invalidate()
        return
    yield None


def _key(domain: str) -> int:
    # A signed 64-bit key from the domain; the prefix keeps it apart from the schema lock's.
    digest = hashlib.sha256(f"archiver-crawl:{domain}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _safe(domain: str) -> str:
    return "".join(c if c.isalnum() or c in ".-" else "_" for c in domain)


def _message(engine: Engine, domain: str) -> str:
    return (
        f"another archiver crawl of {domain} is running on {describe_db(engine.url)}; "
        "this run leaves it alone"
    )
