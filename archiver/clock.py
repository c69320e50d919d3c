"""The time a crawl believes it is: the real clock, or `$ARCHIVER_NOW` for tests and replays.

Revisit policies are about days and weeks; tests move the clock instead of sleeping. Every
time the archive records (fetches, runs, revisit due dates) comes from here.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

ENVIRONMENT = "ARCHIVER_NOW"


def now() -> datetime:
    """Aware UTC now; `$ARCHIVER_NOW` (ISO 8601, naive means UTC) overrides the real clock."""
    fixed = os.environ.get(ENVIRONMENT)
    if not fixed:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(fixed)
    except ValueError:
        raise ValueError(f"${ENVIRONMENT}={fixed!r} is not an ISO 8601 date and time") from None
    return as_utc(value)


def as_utc(value: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is taken as UTC already."""
    if value.tzinfo is UTC:
        return value
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
