"""A site's time zone from its page (archiver/parse/zones.py)."""

from __future__ import annotations

import pytest

from archiver.parse.zones import page_timezone


@pytest.mark.parametrize(
    ("language", "datetimes", "profile", "zone"),
    [
        # Offsets on both sides of daylight saving: the region's zone, not a fixed one.
        ("de-DE", ["2021-01-10T23:30:00+01:00", "2021-07-10T23:30:00+02:00"], None,
         "Europe/Berlin"),
        ("en-US", ["2014-09-17T13:01:26-05:00"], None, "America/Chicago"),
        ("en-US", ["2014-12-17T13:01:26-05:00", "2014-07-17T13:01:26-04:00"], None,
         "America/New_York"),
        ("ja", ["2021-12-23T09:00:00+09:00"], None, "Asia/Tokyo"),
        # No zone of the language fits: a fixed one (POSIX sign: Etc/GMT-9 is UTC+9).
        ("en", ["2021-12-23T09:00:00+09:00"], None, "Etc/GMT-9"),
        ("de", ["2021-12-23T09:00:00+00:00"], None, "Etc/GMT"),
        # No offsets: the site's profile, else the language's usual zone, else the default.
        ("de", [], "Europe/Vienna", "Europe/Vienna"),
        ("de", ["23.12.2021"], None, "Europe/Berlin"),
        (None, [], None, "Asia/Tokyo"),
        ("xx", ["2021-12-23T09:00:00+05:30"], None, "Asia/Tokyo"),  # no fixed zone for :30
    ],
)  # fmt: skip
def test_the_zone_agrees_with_every_offset_the_page_shows(language, datetimes, profile, zone):
    assert page_timezone(language, datetimes, profile, "Asia/Tokyo") == zone
