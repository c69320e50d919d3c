"""Date normalization: the forms our pages show, exact to the instant, and never a raise."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archiver.dates import parse_date

NOW = datetime(2021, 12, 26, 3, 0, tzinfo=UTC)  # 2021-12-26 12:00 JST

# (text, local date, precision, UTC instant)
CASES = [
    ("2021年 12月 23日", "2021-12-23", "day", "2021-12-22T15:00:00"),
    ("2021年12月23日 10:15", "2021-12-23", "minute", "2021-12-23T01:15:00"),
    ("2021年12月23日(木) 10時15分", "2021-12-23", "minute", "2021-12-23T01:15:00"),
    ("2021年12月23日（木） 10時15分30秒", "2021-12-23", "second", "2021-12-23T01:15:30"),
    ("２０２１年１２月２３日", "2021-12-23", "day", "2021-12-22T15:00:00"),
    ("2021年12月23日 午後3時", "2021-12-23", "hour", "2021-12-23T06:00:00"),
    ("令和3年12月23日", "2021-12-23", "day", "2021-12-22T15:00:00"),
    ("平成31年4月30日", "2019-04-30", "day", "2019-04-29T15:00:00"),
    ("令和元年5月1日", "2019-05-01", "day", "2019-04-30T15:00:00"),
    ("昭和64年1月7日", "1989-01-07", "day", "1989-01-06T15:00:00"),
    ("平成元年1月8日", "1989-01-08", "day", "1989-01-07T15:00:00"),
    ("2021/12/23 10:15", "2021-12-23", "minute", "2021-12-23T01:15:00"),
    ("2021.12.23", "2021-12-23", "day", "2021-12-22T15:00:00"),
    ("2021-12-23T10:15:00+09:00", "2021-12-23", "second", "2021-12-23T01:15:00"),
    ("2021-12-23T01:15:00Z", "2021-12-23", "second", "2021-12-23T01:15:00"),
    ("December 23, 2021 at 10:15 am", "2021-12-23", "minute", "2021-12-23T01:15:00"),
    ("2021年 12月 23日 at 9:41 pm", "2021-12-23", "minute", "2021-12-23T12:41:00"),
    ("3日前", "2021-12-23", "day", "2021-12-22T15:00:00"),
    ("2時間前", "2021-12-26", "hour", "2021-12-26T01:00:00"),
    ("5分前", "2021-12-26", "minute", "2021-12-26T02:55:00"),
    ("昨日", "2021-12-25", "day", "2021-12-24T15:00:00"),
    ("一昨日", "2021-12-24", "day", "2021-12-23T15:00:00"),
    ("12月23日", "2021-12-23", "day", "2021-12-22T15:00:00"),
]


@pytest.mark.parametrize(("text", "local", "precision", "utc"), CASES)
def test_known_forms(text: str, local: str, precision: str, utc: str) -> None:
    result = parse_date(text, now=NOW)
    assert result is not None, text
    assert (str(result.local_date), result.precision) == (local, precision)
    assert result.utc == datetime.fromisoformat(utc).replace(tzinfo=UTC)
    assert result.raw == text and not result.future


@pytest.mark.parametrize(
    "text",
    [
        "2021年13月1日",
        "2021年2月30日",
        "99999年1月1日",
        "平成31年5月1日",
        "令和0年1月1日",
        "",
        "匿名",
    ],
)
def test_impossible_dates_are_none(text: str) -> None:
    assert parse_date(text, now=NOW) is None


def test_yearless_date_takes_the_year_of_its_article() -> None:
    reference = datetime(2021, 12, 30, tzinfo=UTC)
    now = datetime(2022, 1, 5, tzinfo=UTC)
    assert parse_date("1月2日", now=now, reference=reference).local_date == date(2022, 1, 2)
    assert parse_date("12月31日", now=now, reference=reference).local_date == date(2021, 12, 31)


def test_other_timezones() -> None:
    result = parse_date("2021-12-23 10:15", tz="Europe/Berlin", now=NOW)
    assert result.utc == datetime(2021, 12, 23, 9, 15, tzinfo=UTC)


def test_future_dates_are_flagged() -> None:
    assert parse_date("2022年1月5日", now=NOW).future


@given(st.text(max_size=80))
def test_never_raises_on_junk(text: str) -> None:
    parse_date(text, now=NOW)


@given(st.from_regex(r"\A[0-9０-９年月日時分秒:/.\- 午前後()令和平成元]{0,30}\Z"))
def test_never_raises_on_date_like_junk(text: str) -> None:
    result = parse_date(text, now=NOW)
    if result is not None:
        assert result.precision in ("day", "hour", "minute", "second")
