"""Date normalization: real-world forms exact to the instant, agreement with dateparser, no raise."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archiver.parse.dates import parse_date

DATA = Path(__file__).parent / "fixtures" / "dates"
NOW = datetime(2021, 12, 26, 3, 0, tzinfo=UTC)  # 2021-12-26 12:00 JST


@dataclass(frozen=True)
class Case:
    text: str
    local_date: date
    precision: str
    utc: datetime
    tz: str
    now: datetime
    reference: datetime | None

    def parse(self):
        return parse_date(self.text, tz=self.tz, now=self.now, reference=self.reference)


def load_cases() -> list[Case]:
    cases = []
    for line in (DATA / "cases.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        text, local, precision, utc, *rest = line.split("\t")
        tz, now, reference = ([*rest, "", "", ""])[:3]
        cases.append(
            Case(
                text=text,
                local_date=date.fromisoformat(local),
                precision=precision,
                utc=datetime.fromisoformat(utc),
                tz=tz or "Asia/Tokyo",
                now=datetime.fromisoformat(now) if now else NOW,
                reference=datetime.fromisoformat(reference) if reference else None,
            )
        )
    return cases


CASES = load_cases()
# Where dateparser 1.x answers differently, with the reason it is wrong (SPEC: dates).
KNOWN_DATEPARSER_ERRORS = {
    line.split("\t")[0]: line.split("\t")[1]
    for line in (DATA / "dateparser_disagreements.tsv").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
}


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 80
    assert len({c.tz for c in CASES}) >= 3


@pytest.mark.parametrize("case", CASES, ids=[c.text for c in CASES])
def test_real_world_forms(case: Case) -> None:
    result = case.parse()
    assert result is not None, case.text
    assert (result.local_date, result.precision, result.utc) == (
        case.local_date,
        case.precision,
        case.utc,
    )
    assert result.raw == case.text
    assert result.utc.tzinfo is UTC
    assert not result.future


@pytest.mark.parametrize("case", CASES, ids=[c.text for c in CASES])
def test_agrees_with_dateparser_where_it_answers(case: Case) -> None:
    from dateparser.date import DateDataParser

    parser = DateDataParser(
        languages=["ja", "en"],
        settings={
            "TIMEZONE": case.tz,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "RELATIVE_BASE": case.now.astimezone(ZoneInfo(case.tz)).replace(tzinfo=None),
            "PREFER_DATES_FROM": "past",
        },
    )
    theirs = parser.get_date_data(case.text).date_obj
    if theirs is None:
        return
    ours = case.parse()
    same_day = theirs.astimezone(ZoneInfo(case.tz)).date() == ours.local_date
    same_instant = ours.precision == "day" or _truncate(theirs, ours.precision) == ours.utc
    if case.text in KNOWN_DATEPARSER_ERRORS:
        assert not (same_day and same_instant), f"{case.text!r} now agrees: drop it from the list"
        return
    assert same_day, f"{case.text!r}: dateparser {theirs}, ours {ours.local_date}"
    assert same_instant, f"{case.text!r}: dateparser {theirs}, ours {ours.utc}"


def _truncate(value: datetime, precision: str) -> datetime:
    value = value.astimezone(UTC).replace(microsecond=0)
    if precision in ("minute", "hour"):
        value = value.replace(second=0)
    if precision == "hour":
        value = value.replace(minute=0)
    return value


@pytest.mark.parametrize(
    "text",
    ["2021年13月1日", "2021年2月30日", "99999年1月1日", "平成31年5月1日", "昭和64年1月8日",
     "令和0年1月1日", "2021-02-29", "2021/12/32", "2021年12月23日 25:00", "", "匿名", "返信"],
)  # fmt: skip
def test_impossible_dates_are_none(text: str) -> None:
    assert parse_date(text, now=NOW) is None


def test_future_dates_are_flagged() -> None:
    assert parse_date("2022年1月5日", now=NOW).future
    assert not parse_date("2021年12月26日", now=NOW).future  # later today is not the future


def test_every_table_form_is_on_the_fast_path() -> None:
    """No case of the table needs dateparser: it is never even imported."""
    code = (
        "import json, sys\n"
        "from datetime import datetime\n"
        "from archiver.parse.dates import parse_date\n"
        "for text, tz, now, ref in json.load(sys.stdin):\n"
        "    now, ref = datetime.fromisoformat(now), ref and datetime.fromisoformat(ref)\n"
        "    assert parse_date(text, tz=tz, now=now, reference=ref) is not None, text\n"
        "assert 'dateparser' not in sys.modules"
    )
    cases = [
        [c.text, c.tz, c.now.isoformat(), c.reference and c.reference.isoformat()] for c in CASES
    ]
    subprocess.run([sys.executable, "-c", code], input=json.dumps(cases), text=True, check=True)


@given(st.text(max_size=80))
def test_never_raises_on_junk(text: str) -> None:
    parse_date(text, now=NOW)


@given(st.from_regex(r"\A[0-9０-９年月日時分秒:/.\- 午前後()令和平成昭元ampAMP]{0,30}\Z"))
def test_never_raises_on_date_like_junk(text: str) -> None:
    result = parse_date(text, now=NOW)
    if result is not None:
        assert result.precision in ("day", "hour", "minute", "second")


FORMS = [
    lambda d: f"{d.year}年 {d.month}月 {d.day}日",
    lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日",
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    lambda d: d.isoformat(),
    lambda d: d.strftime("%B %d, %Y"),
    lambda d: f"{d.day} {d.strftime('%b')} {d.year}",
]
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@given(DATES, st.sampled_from(FORMS), st.sampled_from(["Asia/Tokyo", "UTC", "America/New_York"]))
def test_common_forms_parse_back_to_their_date(day: date, form, tz: str) -> None:
    result = parse_date(form(day), tz=tz, now=datetime(2100, 1, 1, tzinfo=UTC))
    assert result is not None and result.local_date == day and result.precision == "day"
    midnight = datetime.combine(day, datetime.min.time(), ZoneInfo(tz))
    assert result.utc == midnight.astimezone(UTC)


@given(DATES, st.sampled_from(FORMS), st.integers(0, 23), st.integers(0, 59))
def test_full_width_and_half_width_agree(day: date, form, hour: int, minute: int) -> None:
    text = f"{form(day)} {hour}:{minute:02d}"
    wide = "".join(_full_width(ch) for ch in text)
    assert unicodedata.normalize("NFKC", wide) == text
    now = datetime(2100, 1, 1, tzinfo=UTC)
    narrow_result, wide_result = parse_date(text, now=now), parse_date(wide, now=now)
    assert narrow_result is not None
    assert (narrow_result.utc, narrow_result.precision) == (wide_result.utc, wide_result.precision)


def _full_width(ch: str) -> str:
    if ch == " ":
        return "\u3000"
    if "!" <= ch <= "~":
        return chr(ord(ch) + 0xFEE0)
    return ch


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)))
def test_relative_hours_resolve_against_now(moment: datetime) -> None:
    now = moment.replace(tzinfo=UTC)
    result = parse_date("3時間前", now=now)
    assert result.utc == (now - timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)


def test_a_site_profile_date_form_is_tried_first() -> None:
    """A day-first site: 03/04/2021 is 3 April there, not 4 March."""
    plain = parse_date("03/04/2021 10:30", tz="Asia/Tokyo")
    hinted = parse_date("03/04/2021 10:30", tz="Asia/Tokyo", formats=("%d/%m/%Y %H:%M",))
    assert hinted is not None and hinted.local_date == date(2021, 4, 3)
    assert hinted.precision == "minute"
    assert hinted.utc == datetime(2021, 4, 3, 1, 30, tzinfo=UTC)
    assert plain is None or plain.local_date != hinted.local_date
    day = parse_date("2021.4.3", formats=("%Y.%m.%d",))
    assert day is not None and (day.precision, day.utc) == (
        "day",
        datetime(2021, 4, 2, 15, tzinfo=UTC),
    )
    # A form that does not fit falls through to the built-in ones.
    assert parse_date("2021年12月23日", formats=("%d/%m/%Y",)).local_date == date(2021, 12, 23)


def test_the_long_tail_keeps_a_time_the_text_shows_moved_by_the_zone_it_names() -> None:
    """A form only dateparser reads: the zone named after the time moves the hour it returns,
    which is then no mismatch with the hour shown."""
    now = datetime(2024, 6, 1, 3, tzinfo=UTC)
    named = parse_date("Wed Aug 05 12:00:00 EDT 2015", now=now)
    assert named is not None and (named.utc, named.precision) == (
        datetime(2015, 8, 5, 16, tzinfo=UTC), "second",
    )  # fmt: skip


@pytest.mark.parametrize(
    "text",
    ["3分間", "5分で", "1時間", "30分", "60秒", "12:00 h", "13/13", "13-1998", "23時59秒", "5時70分",
     "8日目", "8日目の蝉", "今晩", "令和 5月31日", "8時3分前", "1時間半後に始めます",
     "3rd Tuesday in March", "30日木曜日", "4 years ago", "十分です", "一時的", "3 min read",
     "夜2時", "1/2 cup", "12/24(木) 10:15", "25時"],
)  # fmt: skip
def test_durations_plans_and_malformed_times_are_no_date(text: str) -> None:
    """What names no point in time, or names one the text does not fix, gives None (raw kept
    by the caller), on the fast path and through dateparser alike."""
    assert parse_date(text, now=NOW) is None


@pytest.mark.parametrize(
    ("text", "local", "precision"),
    [("3日後", "2021-12-29T00:00", "day"), ("1時間後", "2021-12-26T13:00", "hour"),
     ("1時間半くらい後", "2021-12-26T13:30", "minute"), ("1分半後", "2021-12-26T12:01:30", "second"),
     ("明後日", "2021-12-28T00:00", "day"), ("10年後", "2031-12-26T00:00", "day"),
     ("2ヶ月後", "2022-02-26T00:00", "day"), ("tomorrow", "2021-12-27T00:00", "day")],
)  # fmt: skip
def test_times_to_come_are_dates_flagged_when_past_the_next_day(text, local, precision) -> None:
    result = parse_date(text, now=NOW)
    expected = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo("Asia/Tokyo"))
    assert result is not None and (result.utc, result.precision) == (
        expected.astimezone(UTC), precision,
    )  # fmt: skip
    assert result.future == (result.utc > NOW + timedelta(days=1))


def test_dateparser_tries_only_the_pages_languages() -> None:
    """`languages` (the page's, as BCP 47 tags) are the only ones the long tail reads."""
    german = parse_date("gestern um 10:15", tz="Europe/Berlin", now=NOW, languages=("de-DE",))
    assert german is not None and (german.utc, german.precision) == (
        datetime(2021, 12, 25, 9, 15, tzinfo=UTC), "minute",
    )  # fmt: skip
    assert parse_date("gestern um 10:15", now=NOW, languages=("ja",)) is None
    assert parse_date("ayer a las 10:15", now=NOW, languages=("de-DE",)) is None
    spanish = parse_date("ayer a las 10:15", tz="Europe/Madrid", now=NOW, languages=("es",))
    assert spanish is not None and spanish.local_date == date(2021, 12, 25)


@pytest.mark.parametrize(
    ("text", "tz", "local", "precision"),
    [("vor 2 Stunden", "Europe/Berlin", "2021-12-26T02:00", "hour"),
     ("vor einer Stunde", "Europe/Berlin", "2021-12-26T03:00", "hour"),
     ("il y a 3 jours", "Europe/Paris", "2021-12-23T00:00", "day"),
     ("hace 5 minutos", "Europe/Madrid", "2021-12-26T03:55", "minute"),
     ("há 3 dias", "America/Sao_Paulo", "2021-12-23T00:00", "day"),
     ("3 horas atrás", "America/Sao_Paulo", "2021-12-25T21:00", "hour"),
     ("3 hari yang lalu", "Asia/Jakarta", "2021-12-23T00:00", "day"),
     ("2 uur geleden", "Europe/Amsterdam", "2021-12-26T02:00", "hour"),
     ("3 giorni fa", "Europe/Rome", "2021-12-23T00:00", "day"),
     ("3小时前", "Asia/Shanghai", "2021-12-26T08:00", "hour"),
     ("23 décembre 2021 à 10 h 15", "Europe/Paris", "2021-12-23T10:15", "minute"),
     ("23 Desember 2021 pukul 10.15", "Asia/Jakarta", "2021-12-23T10:15", "minute"),
     ("2021年12月23日 下午3:15", "Asia/Shanghai", "2021-12-23T15:15", "minute")],
)  # fmt: skip
def test_other_languages_relative_forms_and_times_on_the_fast_path(
    text, tz, local, precision, monkeypatch
):
    """Ago in the real pages' languages at its unit's precision, and their ways of writing the
    time (10 h 15, pukul 10.15, 下午3:15), with no dateparser."""
    import archiver.parse.dates as dates

    def no_long_tail(*args: object) -> None:
        raise AssertionError(f"{text!r} went to dateparser")

    monkeypatch.setattr(dates, "_fallback", no_long_tail)
    result = parse_date(text, tz=tz, now=NOW)
    expected = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz))
    assert result is not None and (result.utc, result.precision) == (
        expected.astimezone(UTC), precision,
    )  # fmt: skip


def _kanji(number: int, positional: bool) -> str:
    digits = "〇一二三四五六七八九"
    if positional:
        return "".join(digits[int(ch)] for ch in str(number))
    text = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        count, number = divmod(number, value)
        if count:
            text += ("" if count == 1 else digits[count]) + unit
    return text + (digits[number] if number else "")


ERA_FORMS = [  # (era, first year, letter)
    ("令和", date(2019, 5, 1), "R"), ("平成", date(1989, 1, 8), "H"), ("昭和", date(1926, 12, 25), "S"),
]  # fmt: skip
NEW_FORMS = [
    lambda d: f"{_kanji(d.year, True)}年{_kanji(d.month, False)}月{_kanji(d.day, False)}日",
    lambda d: f"{_kanji(d.year, False)}年{_kanji(d.month, False)}月{_kanji(d.day, False)}日",
    lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}",
    lambda d: f"{d.year}年{d.month}月{d.day}日({'月火水木金土日'[d.weekday()]})",
    lambda d: f"{d.year}年{d.month}月{d.day}日{'月火水木金土日'[d.weekday()]}曜日",
]


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)), st.sampled_from(NEW_FORMS)
)
def test_new_forms_parse_back_to_their_date(day: date, form) -> None:
    result = parse_date(form(day), now=datetime(2100, 1, 1, tzinfo=UTC))
    assert result is not None and (result.local_date, result.precision) == (day, "day"), form(day)


@given(st.dates(min_value=date(1927, 1, 1), max_value=date(2099, 12, 31)), st.booleans())
def test_era_dates_parse_back_to_their_date(day: date, letter: bool) -> None:
    era, start, short = next(form for form in ERA_FORMS if day >= form[1])
    year = day.year - start.year + 1
    text = (f"{short}{year}.{day.month}.{day.day}" if letter
            else f"{era}{_kanji(year, False)}年{day.month}月{day.day}日")  # fmt: skip
    result = parse_date(text, now=datetime(2100, 1, 1, tzinfo=UTC))
    assert result is not None and result.local_date == day, text


@given(st.from_regex(r"\A[0-9０-９年月日時分秒:/.\- ()木]{1,24}\Z"), st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)))  # fmt: skip
def test_no_field_is_invented(text: str, moment: datetime) -> None:
    """For text of digits and date units (no relative word), every field of a date it gives is
    in the text, or, where the text shows none, comes from now by the year-less rules."""
    now = moment.replace(tzinfo=UTC)
    result = parse_date(text, now=now)
    if result is None:
        return
    shown = unicodedata.normalize("NFKC", text)
    today = now.astimezone(ZoneInfo("Asia/Tokyo")).date()
    day = result.local_date
    if "日" not in shown and day in (today, today - timedelta(days=1)):
        return  # a time alone: today's, or yesterday's where it is later than now
    if shown.isdigit() and len(shown) in (10, 13):
        return  # seconds or milliseconds since 1970: an instant, every field from it
    assert str(day.day) in shown, (text, day)
    assert str(day.month) in shown or day.month in (today.month, (today.month - 2) % 12 + 1), text
    assert (
        str(day.year) in shown
        or f"{day.year % 100:02d}" in shown
        or (today.year - 8 <= day.year <= today.year)
    ), (text, day)


def test_old_2ch_years_first_on_a_japanese_page() -> None:
    """`21/12/23 10:15` is YY/MM/DD where dates run year first; with no order known it could be
    three days, so no date."""
    result = parse_date("21/12/23 10:15", now=NOW, order="ymd")
    assert result is not None and (result.utc, result.precision) == (
        datetime(2021, 12, 23, 1, 15, tzinfo=UTC), "minute",
    )  # fmt: skip
    assert parse_date("21/12/23 10:15", now=NOW) is None
