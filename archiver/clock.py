"""The time a crawl believes it is: the real clock, or `$ARCHIVER_NOW` for tests and replays.

Revisit policies are about days and weeks; tests move the clock instead of sleeping. Every
time the archive records (fetches, runs, revisit due dates, WARC-Date) comes from here.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

ENVIRONMENT = "ARCHIVER_NOW"


# Where the process's clock was set, and when by the monotonic clock: it advances from there.
_started: tuple[str, datetime, float] | None = None


def now() -> datetime:
    """Aware UTC now. `$ARCHIVER_NOW` (ISO 8601, naive means UTC) sets where the clock starts:
    the first reading is that instant, and the clock then advances in real time, so the
    records of one run (WARC-Date, fetched_at, first_seen_at) keep their order and spacing."""
    global _started
    fixed = os.environ.get(ENVIRONMENT)
    if not fixed:
        return datetime.now(UTC)
    if _started is None or _started[0] != fixed:
        try:
            value = datetime.fromisoformat(fixed)
        except ValueError:
            raise ValueError(f"${ENVIRONMENT}={fixed!r} is not an ISO 8601 date and time") from None
        _started = (fixed, as_utc(value), time.monotonic())
        return _started[1]
    _, start, at = _started
    return start + timedelta(seconds=time.monotonic() - at)


def as_utc(value: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is taken as UTC already."""
    if value.tzinfo is UTC:
        return value
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
