"""A site's time zone from its page: the zone of the page language's region that agrees with every
UTC offset the page's own datetime attributes show at their dates (so daylight saving holds),
else a fixed `Etc/GMT±N` zone, else the site's profile, else the language's usual zone.

Pure: the page's `lang` and its `<time datetime>` values in, an IANA name out.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

# The zones of a language's region, the usual one first. A language tag with a region
# (`de-AT`) looks there first, then under the bare language.
LANGUAGE_ZONES: dict[str, tuple[str, ...]] = {
    "ja": ("Asia/Tokyo",),
    "de": ("Europe/Berlin",),
    "de-at": ("Europe/Vienna",),
    "de-ch": ("Europe/Zurich",),
    "en": ("America/New_York", "Europe/London", "America/Chicago", "America/Denver",
           "America/Los_Angeles", "America/Phoenix", "Australia/Sydney", "Asia/Singapore"),
    "en-us": ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
              "America/Phoenix", "America/Anchorage", "Pacific/Honolulu"),
    "en-gb": ("Europe/London",),
    "en-au": ("Australia/Sydney", "Australia/Perth", "Australia/Brisbane", "Australia/Adelaide"),
    "en-ca": ("America/Toronto", "America/Vancouver", "America/Edmonton", "America/Winnipeg"),
    "fr": ("Europe/Paris", "America/Montreal"),
    "es": ("Europe/Madrid", "America/Mexico_City", "America/Havana", "America/Bogota",
           "America/Argentina/Buenos_Aires", "America/Santiago", "America/Lima"),
    "pt": ("Europe/Lisbon", "America/Sao_Paulo"),
    "pt-br": ("America/Sao_Paulo", "America/Manaus", "America/Fortaleza"),
    "it": ("Europe/Rome",),
    "nl": ("Europe/Amsterdam",),
    "ko": ("Asia/Seoul",),
    "zh": ("Asia/Shanghai", "Asia/Taipei", "Asia/Hong_Kong"),
    "zh-tw": ("Asia/Taipei",),
    "zh-hk": ("Asia/Hong_Kong",),
    "id": ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"),
    "ru": ("Europe/Moscow",),
    "pl": ("Europe/Warsaw",),
}  # fmt: skip
_OFFSET_TIME = re.compile(
    r"^\s*(\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)\s*(Z|[+-]\d\d:?\d\d)\s*$"
)


def page_timezone(
    language: str | None,
    datetimes: list[str],
    profile_zone: str | None,
    default: str,
    site_zone: str | None = None,
) -> str:
    """The zone a page's dates are in (see the module's doc): what its own offsets show, else
    `usual_zone`."""
    shown = zone_from_offsets(language, datetimes)
    return shown or usual_zone(language, profile_zone, default, site_zone)


def usual_zone(
    language: str | None, profile_zone: str | None, default: str, site_zone: str | None = None
) -> str:
    """The zone of a page that shows no offsets: `site_zone`, the zone the archive knows for the
    site, where it is one of the language's zones (a site's pages share a zone; pages of another
    language are another site's); else `profile_zone`, the site's own profile's (None: it has
    none); else the language's usual zone; else `default`, the last resort."""
    candidates = _language_zones(language)
    if site_zone and (not candidates or site_zone in candidates):
        return site_zone
    if profile_zone:
        return profile_zone
    return candidates[0] if candidates else default


def zone_from_offsets(language: str | None, datetimes: list[str]) -> str | None:
    """The zone the page's own offsets show: its language's zone that agrees with every one of
    them at its date, else a fixed `Etc/GMT±N` where they all agree; None where they show none."""
    instants = [parsed for text in datetimes if (parsed := _offset_time(text)) is not None]
    if not instants:
        return None
    for name in _language_zones(language):
        if all(_offset_in(name, local, offset) for local, offset in instants):
            return name
    offsets = {offset for _, offset in instants}
    return _fixed_zone(offsets.pop()) if len(offsets) == 1 else None


def _language_zones(language: str | None) -> tuple[str, ...]:
    tag = (language or "").strip().lower().replace("_", "-")
    if not tag:
        return ()
    base = tag.split("-", 1)[0]
    zones = LANGUAGE_ZONES.get(tag, ()) + LANGUAGE_ZONES.get(base, ())
    return tuple(dict.fromkeys(zones))


def _offset_time(text: str) -> tuple[datetime, timedelta] | None:
    match = _OFFSET_TIME.match(text or "")
    if match is None:
        return None
    try:
        moment = datetime.fromisoformat(f"{match.group(1).replace(' ', 'T')}{match.group(2)}")
    except ValueError:
        return None
    offset = moment.utcoffset()
    return (moment, offset) if offset is not None else None


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _offset_in(name: str, moment: datetime, offset: timedelta) -> bool:
    return moment.astimezone(_zone(name)).utcoffset() == offset


def _fixed_zone(offset: timedelta) -> str | None:
    """`Etc/GMT-9` is UTC+9 (POSIX signs); a fractional offset has no such zone (None)."""
    minutes = int(offset.total_seconds() // 60)
    if minutes % 60:
        return None
    hours = minutes // 60
    return "Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}"
