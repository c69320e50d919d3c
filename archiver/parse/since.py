"""What a `--since` value given on the command line means: the instant from which rows count."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

JAPAN = ZoneInfo("Asia/Tokyo")


def as_instant(value: date | datetime) -> datetime:
    """A `--since` value as an instant: a date is the start of that day in Japan (JST), a
    datetime without an offset is Japan time, one with an offset is that instant."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=JAPAN)
    return datetime.combine(value, time(), JAPAN)
