"""One crawl per site and archive at a time: a scheduled run that finds the last one still going
leaves instead of crawling the same site twice."""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from archiver.config import describe_db


class CrawlLocked(RuntimeError):
    """Another run holds the crawl lock of this site on this archive."""


@contextmanager
def crawl_lock(engine: Engine, domains: list[str]) -> Iterator[None]:
    """Hold the crawl locks of `domains` (sorted, so two runs never deadlock) or raise CrawlLocked.

    SQLite: a `flock` on a file beside the archive per site; the kernel drops it when the
    process dies, kill -9 included. PostgreSQL: session advisory locks, dropped with the session.
    """
    with _locks(engine, sorted(set(domains))):
        yield


@contextmanager
def _locks(engine: Engine, domains: list[str]) -> Iterator[None]:
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
            yield
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
                connection.commit()
                yield
            finally:
                for key in taken:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                connection.commit()
        return
    yield


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
