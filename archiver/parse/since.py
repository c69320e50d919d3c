"""What a `--since` value given on the command line (or to the API) means: one rule for every
command. A bare date is that day in each site's own zone; a date and time without an offset is
that wall time in each site's zone; one with an offset is that instant, everywhere."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from archiver.parse.profiles import load_profile

SINCE_HELP = (
    "YYYY-MM-DD is that day in each site's own time zone; YYYY-MM-DDTHH:MM:SS that time there; "
    "with an offset (…+09:00, …Z) that instant."
)


def read_since(text: str) -> date | datetime:
    """A `--since` as given (`-a since=…` from Scrapyd too): a date, or a date and time."""
    text = text.strip().replace("Z", "+00:00")
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text)


def is_instant(value: date | datetime) -> bool:
    """An instant everywhere (an aware datetime), not a local day or time."""
    return isinstance(value, datetime) and value.tzinfo is not None


def since_start(value: date | datetime, zone: str | ZoneInfo) -> datetime:
    """Where `value` starts for a site whose dates are in `zone` (an aware datetime)."""
    where = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=where)
    return datetime.combine(value, time(), where)


def site_since(value: date | datetime, domain: str, zones: Mapping[str, str]) -> datetime:
    """Where `value` starts for the site `domain`: in the zone the archive keeps for it
    (`zones`, by site key), else its profile's (Japan for a site nobody described)."""
    return since_start(value, zones.get(domain) or load_profile(domain).timezone)
