"""Japanese (and English/ISO) date text → an exact UTC instant, local date and precision.

`parse_date` tries compiled patterns for the forms Japanese sites use; only text none of them
match goes to dateparser, imported lazily because it costs 0.15 s to load and ~400x more per call.
It never raises: text with no valid date gives None.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from archiver.clock import as_utc

PRECISIONS = ("day", "hour", "minute", "second")
MAX_TEXT = 200  # longer text is not a date field; only its start is looked at

ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911, "明治": 1867}
ERA_LETTERS = {"R": "令和", "H": "平成", "S": "昭和", "T": "大正", "M": "明治"}  # R3.12.23, H31年
# First day of each era: an era date before it does not exist (平成元年1月7日 was 昭和64年).
ERA_STARTS = {
    "令和": date(2019, 5, 1),
    "平成": date(1989, 1, 8),
    "昭和": date(1926, 12, 25),
    "大正": date(1912, 7, 30),
    "明治": date(1868, 1, 25),
}
ERA_ENDS = {"平成": date(2019, 4, 30), "昭和": date(1989, 1, 7), "大正": date(1926, 12, 24)}
MONTHS = {
    m[:3].lower(): i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}

# Month names of the European languages whose pages we read (full and abbreviated, lower case),
# beside the English ones above: German, French, Spanish, Portuguese, Italian, Dutch, Indonesian.
MONTH_WORDS = {
    word: number
    for number, words in enumerate(
        [
            "januar jänner janvier enero janeiro gennaio januari jan janv ene gen",
            "februar février fevrier febrero fevereiro febbraio februari feb févr fevr fév",
            "märz maerz mars marzo março marco maart maret mär mrz",
            "april avril abril aprile apr avr abr",
            "mai mayo maio maggio mei",
            "juni juin junio junho giugno jun",
            "juli juillet julio julho luglio jul juil",
            "august août aout agosto augustus agustus aug ago agu",
            "september septembre septiembre setiembre setembro settembre sep sept set",
            "oktober octobre octubre outubro ottobre okt oct ott",
            "november novembre noviembre novembro nov",
            "dezember décembre decembre diciembre dezembro dicembre december desember dez déc dec dic des",
        ],
        start=1,
    )
    for word in words.split()
}
_MONTH_WORD = "|".join(sorted(map(re.escape, MONTH_WORDS), key=len, reverse=True))

# A machine-readable date and time (ISO 8601 or its space-separated variant), as attributes hold.
ISO_DATETIME = re.compile(r"\s*\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
# What a text that shows a date has, whatever its form: a four-digit year, a month's name,
# 年/月/日, a numeric day and month, or a relative phrase. Finds the date among a comment's
# other texts (its author, "Reply"); parse_date decides whether it is one.
DATE_SHAPE = re.compile(
    rf"(?<![^\W_])\d{{4}}(?!\d)|(?<![^\W\d_])(?:{_MONTH_WORD})(?![^\W\d_])|\d\s*[年月日]|\d{{1,2}}\s*[./-]\s*\d{{1,2}}"
    r"|\bago\b|\d\s*(?:秒|分|時間|日|週間|週|か月|ヶ月|年)\s*前|\bvor\b|\bhace\b|\bil y a\b|\byesterday\b|昨日|今日|\d{1,2}:\d{2}",
    re.IGNORECASE,
)

_ERA_NAMES = "|".join(ERAS)
_ERA = (
    rf"(?P<era>{_ERA_NAMES}|(?<![A-Za-z])[{''.join(ERA_LETTERS)}](?=\s*(?:\d|元)))"
    r"\s*(?P<eyear>\d{1,2}|元)"
)
_MONTH_AND_DAY = r"(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"
_YMD_JA = re.compile(rf"(?<!\d)(?:{_ERA}|(?P<year>\d{{4}}))\s*年\s*(?:の\s*)?{_MONTH_AND_DAY}")
# An era year with separators: 令和3/12/23, R3.12.23, H31・4・30.
_ERA_NUM = re.compile(
    rf"{_ERA}\s*(?P<sep>[-/.・])\s*(?P<month>\d{{1,2}})\s*(?P=sep)\s*(?P<day>\d{{1,2}})(?!\d)"
)
_ERA_NAME = re.compile(_ERA_NAMES)
_YEAR_SHOWN = re.compile(r"\d\s*年")
# Digits only, as URLs and feeds write them: 20170901, 201709011234, 20170901123456.
_COMPACT = re.compile(
    r"^(?P<year>(?:19|20)\d\d)(?P<month>\d\d)(?P<day>\d\d)(?:T?(?P<clock>\d{4}|\d{6}))?"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?$"
)
# ISO 8601 week and ordinal dates: 2021-W51-4, 2021W514, 2021-357.
_ISO_WEEK = re.compile(r"^(?P<year>\d{4})-?W(?P<week>\d{2})-?(?P<weekday>[1-7])$")
_ISO_ORDINAL = re.compile(r"^(?P<year>\d{4})-(?P<yday>\d{3})$")
# Year-less numbers and month names: 12/23(木) 10:15, 12/9の16:00, Jun 20th at 2:41 am.
_MD_NUM = re.compile(r"^(?P<first>\d{1,2})\s*/\s*(?P<second>\d{1,2})(?![\d/])")
_MD_WORD = re.compile(
    rf"^(?P<mword>{_MONTH_WORD})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?![\d.:/])"
    rf"|^(?P<day2>\d{{1,2}})(?:\.|st|nd|rd|th)?\s+(?:de\s+)?(?P<mword2>{_MONTH_WORD})(?![^\W\d_])\.?",
    re.IGNORECASE,
)
_MD_JA = re.compile(rf"(?<![\d年]){_MONTH_AND_DAY}")
_YMD_NUM = re.compile(
    r"(?<!\d)(?P<year>\d{4})\s*(?P<sep>[-/.])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<day>\d{1,2})(?!\d)"
)
_MDY_EN = re.compile(
    r"(?P<mname>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})",
    re.IGNORECASE,
)
_DMY_EN = re.compile(
    r"(?<!\d)(?P<day>\d{1,2})\s+(?P<mname>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(?P<year>\d{4})",
    re.IGNORECASE,
)
# "29. März 2020", "26 de abril de 2022", "21. Jan. 2015"; "März 21, 2014"; "17.10.2019".
_DMY_WORD = re.compile(
    rf"(?<![\d\w])(?P<day>\d{{1,2}})(?:\.|er|st|nd|rd|th)?\s*(?:de\s+)?(?P<mword>{_MONTH_WORD})\.?,?\s*"
    r"(?:de\s+)?(?P<year>\d{4})(?!\d)",
    re.IGNORECASE,
)
_MDY_WORD = re.compile(
    rf"(?<!\w)(?P<mword>{_MONTH_WORD})\.?\s+(?P<day>\d{{1,2}})\.?,?\s+(?P<year>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_DMY_DOTS = re.compile(r"(?<![\d.])(?P<day>\d{1,2})\. ?(?P<month>\d{1,2})\. ?(?P<year>\d{4})(?!\d)")
# "18/02/2020", "02/18/2020", "12.29.14", "9-6-2020": day or month first by the page's language
# (`order`); either way when one of the two is over 12. Where dates run year first (ja, zh, ko),
# two digits at the end are a day: old 2ch's `21/12/23` is YY/MM/DD.
_NUMERIC = re.compile(
    r"(?<![\w/.\-])(?P<first>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<second>\d{1,2})\s*(?P=sep)\s*"
    r"(?P<year>\d{4}|\d{2})(?![\d/.\-]?\d)"
)
# Zone abbreviations with one meaning, in minutes east of UTC (CST and IST name several zones:
# they are left to the site's zone). A name or offset in the text wins over the site's zone.
ZONE_NAMES = {
    "EST": -300, "EDT": -240, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
    "AKST": -540, "AKDT": -480, "HST": -600, "WET": 0, "WEST": 60, "BST": 60, "CET": 60,
    "CEST": 120, "MEZ": 60, "MESZ": 120, "EET": 120, "EEST": 180, "MSK": 180, "JST": 540,
    "KST": 540,
}  # fmt: skip
# A zone as a text writes it: an offset, UTC/GMT with or without one, or a name of ZONE_NAMES.
_ZONE = (
    r"[+-]\d{2}:?\d{2}(?!\d)"
    r"|(?-i:(?:UTC|GMT|UT)(?:\s*[+-]\d{1,2}(?::?\d{2})?(?!\d))?)(?![A-Za-z])"
    rf"|(?-i:{'|'.join(ZONE_NAMES)})(?![A-Za-z])"
)
# What stands between a date and its time: "at", "um … Uhr", "a las", "à", "alle", "om", "/", "//",
# の, 、, a weekday (木曜日, (木)); then the time, with 午前/午後 or a part of the day (朝7時, 夜8時).
_TIME = re.compile(
    r"^[\s,、]*(?:\([^)]{1,4}\)|[月火水木金土日]曜日?)?[\s,、の]*"
    r"(?:(?:at|um|a\s+las|a\s+la|à|às|as|alle|om|kl\.?|pukul|[-/|·•@]{1,2})\s+|(?P<iso>T))?"
    r"(?P<ampm_ja>午前|午後|早朝|上午|下午|早上|晚上|中午|凌晨|朝|深夜|未明|夜|晩|晚|夕方|夕|昼)?\s*"
    r"(?:(?P<hour>\d{1,2})\s*(?:(?P<sep>時|:(?=\s*\d)|h(?=\s*\d)|\.(?=\d{2}(?![\d.])))\s*(?:(?P<minute>\d{1,2})(?!\d|\s*秒)\s*分?|(?P<half>半))?"
    r"(?:\s*:?\s*(?P<second>\d{1,2})(?:\.\d+)?\s*秒?)?)?\s*(?P<ampm>[ap]\.?m\.?)?"
    r"|(?P<noon>noon|正午))(?:\s*uhr\b)?"
    rf"(?:\s*(?P<tz>Z(?!\w)|{_ZONE}))?",
    re.IGNORECASE,
)
# Parts of the day that say which half an hour is in (深夜 and 未明 before dawn, 夜 after dusk).
_DAY_PARTS = {"午前": "am", "早朝": "am", "朝": "am", "深夜": "night", "未明": "am", "午後": "pm",
              "夜": "pm", "晩": "pm", "晚": "pm", "夕方": "pm", "夕": "pm", "昼": "pm",
              "上午": "am", "早上": "am", "凌晨": "am", "下午": "pm", "晚上": "pm", "中午": "pm"}  # fmt: skip
# A time written before its date: "10:06am Dec 11, 2014", "14:30, 3. März 2020".
_TIME_BEFORE = re.compile(
    r"^\s*(?P<time>\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)\s*(?:,|on)?\s*$", re.IGNORECASE
)
# `3日前`, `1時間30分前`, `1時間半後`, `半日前`: amounts of units before or after now. Not after a
# clock hour: `8時3分前` is 7:57, no 3 minutes ago.
_UNIT = r"(?:秒|分|時間|日|週間|週|か月|ヶ月|ケ月|カ月|年)"
_RELATIVE = re.compile(
    rf"(?<![\d時])(?P<parts>(?:(?:\d+|半)\s*{_UNIT}\s*半?\s*)+)"
    r"(?:くらい|ぐらい|ほど|程度|程|近く)?\s*(?P<dir>前|後)"
)
_RELATIVE_PART = re.compile(rf"(?P<n>\d+|半)\s*(?P<unit>{_UNIT})\s*(?P<half>半)?")
_RELATIVE_UNITS = {  # unit: (precision, step, precision of a half of it)
    "秒": ("second", timedelta(seconds=1), "second"),
    "分": ("minute", timedelta(minutes=1), "second"),
    "時間": ("hour", timedelta(hours=1), "minute"),
    "日": ("day", timedelta(days=1), "hour"),
    "週間": ("day", timedelta(weeks=1), "day"),
    "週": ("day", timedelta(weeks=1), "day"),
}
_MONTH_UNITS = {"か月": 1, "ヶ月": 1, "ケ月": 1, "カ月": 1, "年": 12}
_RELATIVE_EN = re.compile(
    r"(?<![\w.])(?P<n>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s*"
    r"(?P<unit>second|sec|minute|min|hour|hr|day|week)s?\s+ago\b",
    re.IGNORECASE,
)
# "ago" in the other languages of the pages we read, unit words → the units above: vor 2 Stunden,
# il y a 3 jours, hace una hora, há 3 dias, 3 horas atrás, 3 hari yang lalu, 2 uur geleden,
# 3 giorni fa, 3天前.
_WORLD_UNITS = {
    **dict.fromkeys(["sekunde", "sekunden", "seconde", "secondes", "segundo", "segundos", "detik", "seconden", "secondo", "secondi"], "秒"),
    **dict.fromkeys(["minute", "minuten", "minutes", "minuto", "minutos", "menit", "minuti", "分钟"], "分"),
    **dict.fromkeys(["stunde", "stunden", "heure", "heures", "hora", "horas", "jam", "uur", "ora", "ore", "小时", "小時"], "時間"),
    **dict.fromkeys(["tag", "tagen", "jour", "jours", "día", "días", "dia", "dias", "hari", "dag", "dagen", "giorno", "giorni", "天"], "日"),
    **dict.fromkeys(["woche", "wochen", "semaine", "semaines", "semana", "semanas", "minggu", "week", "weken", "settimana", "settimane", "周", "星期"], "週"),
}  # fmt: skip
_WORLD_UNIT = "|".join(sorted(map(re.escape, _WORLD_UNITS), key=len, reverse=True))
_RELATIVE_WORLD = re.compile(
    rf"(?:\bvor|\bil y a|\bhace|\bhá|\bha)\s+(?P<n>\d+|einer|einem|une|un|una|uma|um)\s+(?P<unit>{_WORLD_UNIT})\b"
    rf"|(?P<n2>\d+)\s*(?P<unit2>{_WORLD_UNIT})\s*(?:atrás|yang\s+lalu|lalu|geleden|fa|前)(?![^\W\d_])",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ],
        1,
    )
} | {"a": 1, "an": 1}
_RELATIVE_EN_UNITS = {
    "second": "秒", "sec": "秒", "minute": "分", "min": "分", "hour": "時間", "hr": "時間",
    "day": "日", "week": "週",
}  # fmt: skip
# Days before today (after it where negative). Longest first where one holds another: "the day
# before yesterday" holds "yesterday", 一昨昨日 holds 一昨日.
_NAMED_DAYS = {
    "一昨昨日": 3, "一昨々日": 3, "さきおととい": 3, "the day before yesterday": 2, "一昨日": 2,
    "おととい": 2, "昨日": 1, "きのう": 1, "前日": 1, "the day after tomorrow": -2, "明後日": -2,
    "あさって": -2, "明日": -1, "あした": -1, "翌日": -1, "tomorrow": -1, "今日": 0, "きょう": 0,
    "本日": 0, "今朝": 0, "今夜": 0, "今晩": 0, "昨夜": 1, "昨晩": 1, "明朝": -1, "yesterday": 1,
    "today": 0,
}  # fmt: skip
_IMPLIED_PART = {"今朝": "朝", "今夜": "夜", "今晩": "夜", "昨夜": "夜", "昨晩": "夜", "明朝": "朝"}
# Now as a whole text (たった今 and 今さっき count anywhere in it, in `_relative`).
_NOW_WORDS = frozenset({"今", "現在", "さっき", "ついさっき", "just now", "right now", "now"})
_NAMED_DATES = {"大晦日": (12, 31), "元日": (1, 1), "元旦": (1, 1)}
# A day of this (or the previous) month: 18日, 23日 10:15, 今月10日, 先月30日.
_MONTH_DAY = re.compile(
    r"^(?P<which>今月|先月|前月)?\s*(?P<day>\d{1,2})\s*日(?!\s*(?:前|後|間|半|以|ぶり|ほど|目))"
)
# This year's date, last year's: 今年7月27日, 去年12月3日.
_YEAR_WORD = re.compile(rf"(?P<which>今年|本年|去年|昨年|来年)\s*{_MONTH_AND_DAY}")
_YEAR_OFFSETS = {"今年": 0, "本年": 0, "去年": -1, "昨年": -1, "来年": 1}
_WEEKDAYS_JA = "月火水木金土日"
_WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A weekday alone: the latest such day by today; of this or last week with 今週の/先週の.
# A Japanese weekday as pages write one: (木), 木曜, 木曜日.
_WEEKDAY_JA = rf"(?:\((?P<a>[{_WEEKDAYS_JA}])\)|(?P<b>[{_WEEKDAYS_JA}])曜日?)"
_WEEKDAY_ONLY = re.compile(
    rf"^(?:(?P<week>今週|先週)の?)?\s*{_WEEKDAY_JA}$"
    rf"|^(?:(?P<last>last)\s+)?(?P<en>{'|'.join(_WEEKDAYS_EN)}|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?$",
    re.IGNORECASE,
)
# A weekday after a date, to check it against the date: (木), 木曜日, Thursday.
_WEEKDAY_AFTER = re.compile(rf"^\s*{_WEEKDAY_JA}")


# What dateparser must not turn into a date: a duration, a time to come, a bare epoch (read
# here), and the time a text shows (its hour must be the one dateparser returns).
_DURATION = re.compile(
    r"^\s*\d+\s*(?:秒|分|時間|時|日|週間|週|か月|ヶ月|カ月|ケ月|年|s|secs?|seconds?|m|mins?|minutes?"
    r"|h|hrs?|hours?|d|days?|w|wks?|weeks?|months?|y|yrs?|years?)\.?\s*"
    r"(?:間|で|ほど|くらい|ぐらい|程度|近く|以内|目)?\s*$",
    re.IGNORECASE,
)
# A time with no date (`12:00 h`, `9:30 Uhr`): dateparser would put it on the fetch day.
_TIME_ALONE = re.compile(
    r"^\s*\d{1,2}\s*[:時]\s*\d{2}(?::\d{2})?\s*(?:h|uhr|hrs?)?\.?\s*$", re.IGNORECASE
)
# Digits with separators and units, no word: every field of a date must be among its numbers.
_NUMBERS_ONLY = re.compile(r"^[\d\s/.\-:年月日時分秒()火水木金土曜]+$")
_WEEKDAY_NAMED = re.compile(
    rf"(?<![^\W\d_])(?P<en>{'|'.join(_WEEKDAYS_EN)})(?![^\W\d_])|(?P<ja>[{_WEEKDAYS_JA}])曜",
    re.IGNORECASE,
)
_LATER = re.compile(r"後\s*$|\blater\b|\bfrom now\b|^in\s+\d", re.IGNORECASE)
_EPOCH = re.compile(r"^\d{10}$|^\d{13}$")
_SHOWN_TIME = re.compile(
    r"(?<!\d)(?P<hour>\d{1,2})\s*(?::|時)\s*"
    r"(?:(?P<minute>\d{2})\s*分?\s*(?:(?::\s*)?(?P<second>\d{2})\s*秒?)?)?"
    r"|(?<!\d)(?P<hour12>\d{1,2})\s*[ap]\.?m\b|(?P<noon>\bnoon\b|正午)",
    re.IGNORECASE,
)
_ZONE_IN_TEXT = re.compile(rf"(?<![A-Za-z])(?:{_ZONE})")


class ParsedDate(NamedTuple):
    """A date as stored: UTC instant (local midnight for day precision), local date, precision."""

    utc: datetime
    local_date: date
    precision: str
    raw: str
    future: bool = False


# An absolute form that names an impossible date (2月30日, 平成31年5月1日): no date, and no guess.
_INVALID = ("invalid",)


def parse_date(
    text: str | None,
    *,
    tz: str = "Asia/Tokyo",
    now: datetime | None = None,
    reference: datetime | date | None = None,
    formats: tuple[str, ...] = (),
    order: str | None = None,
    languages: tuple[str, ...] = (),
) -> ParsedDate | None:
    """Parse a date shown on a page.

    `now` is the fetch time (relative forms resolve against it; default: the current time);
    `reference` is the earliest plausible date, used to give a year-less `1月2日` its year;
    `formats` are a site profile's own `strptime` forms, tried first (a day-first site, say);
    `order` is how the page's numeric dates run (`date_order` of its language; None: unknown);
    `languages` are the page's (`<html lang>`, the profile's): the only ones dateparser tries
    for the long tail (default: Japanese and English).
    Returns None when the text holds no valid date; never raises on any text.
    """
    if not text or not isinstance(text, str) or not isinstance(tz, str):
        return None
    now = as_utc(now) if now is not None else datetime.now(UTC)
    try:
        result = _hinted(text, tz, formats) if formats else None
        if result is None:
            result = _absolute(text, tz, order)
        if result is None:  # not an absolute form: what it means depends on now and reference
            result = _dependent(text, tz, now, reference, order, _base_languages(languages))
    except (ValueError, OverflowError, TypeError, ArithmeticError, ZoneInfoNotFoundError):
        return None
    if result is None or result is _INVALID:
        return None
    utc, local, precision = result
    return ParsedDate(utc, local, precision, text, utc > now + _ONE_DAY)


_ONE_DAY = timedelta(days=1)
_MIDNIGHT = time()
# The finest strptime directive a format holds decides the precision.
_FORMAT_PRECISION = (("%S", "second"), ("%M", "minute"), ("%H", "hour"), ("%I", "hour"))


def _hinted(text: str, tz: str, formats: tuple[str, ...]) -> tuple | None:
    normalized = _normalize(text)
    for form in formats:
        try:
            parsed = datetime.strptime(normalized, form)
        except ValueError:
            continue
        precision = next((p for d, p in _FORMAT_PRECISION if d in form), "day")
        zone = _zone(tz)
        local = parsed.replace(tzinfo=parsed.tzinfo or zone)
        if precision == "day":
            local = datetime.combine(local.date(), _MIDNIGHT, zone)
        return local.astimezone(UTC), local.date(), precision
    return None


@lru_cache(maxsize=4096)
def _dependent(
    text: str, tz: str, now: datetime, reference, order: str | None, languages: tuple[str, ...]
) -> tuple | None:
    """Forms read against now and the reference (relative, year-less, the long tail); cached,
    since one page's comments share both and repeat their `3日前`."""
    zone = _zone(tz)
    normalized = _normalize(text)
    return _relative_forms(normalized, zone, now, reference, order) or _fallback(
        normalized, zone, now, languages
    )


def _base_languages(languages: tuple[str, ...]) -> tuple[str, ...]:
    """BCP 47 tags as dateparser names its languages: `de-DE` → `de`, `zh-Hant-TW` → `zh`."""
    bases = (tag.strip().replace("_", "-").split("-")[0].lower() for tag in languages if tag)
    return tuple(dict.fromkeys(base for base in bases if base))


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _normalize(text: str) -> str:
    normalized = unicodedata.normalize("NFKC", text[:MAX_TEXT]).strip()
    if _KANJI_NUMBER.search(normalized):
        normalized = _KANJI_NUMBER.sub(_arabic, normalized)
    return normalized


# Kanji numerals before a unit of date or time: 二〇二一年, 十二月二十三日, 午後五時三〇分, 三日前;
# positional (一九八九, 一三) or with 十/百/千 (二千八, 三十七). Elsewhere kanji stay words.
_KANJI_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                 "七": 7, "八": 8, "九": 9}  # fmt: skip
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = re.compile(
    r"[〇○零一二三四五六七八九十百千]+(?=\s*(?:年|月|日|時|分|秒|か月|ヶ月|カ月|ケ月|週))"
)


def _arabic(match: re.Match) -> str:
    run = match.group(0)
    if not any(ch in _KANJI_UNITS for ch in run):
        return "".join(str(_KANJI_DIGITS[ch]) for ch in run)
    total, digit = 0, None
    for ch in run:
        if ch in _KANJI_UNITS:
            total += (1 if digit is None else digit) * _KANJI_UNITS[ch]
            digit = None
        else:
            digit = (digit or 0) * 10 + _KANJI_DIGITS[ch]
    return str(total + (digit or 0))


# Languages whose pages write a numeric date month first; the year-first ones (their dates
# with a four-digit year first are read whatever the language).
_MONTH_FIRST = frozenset({"en", "en-us", "en-ph", "en-ca"})
_YEAR_FIRST = frozenset({"ja", "zh", "ko", "hu", "lt"})


def date_order(language: str | None) -> str | None:
    """How a page in `language` (a BCP 47 tag) writes numeric dates: "mdy", "ymd" or "dmy"."""
    if not language:
        return None
    tag = language.strip().lower().replace("_", "-")
    if tag in _MONTH_FIRST:
        return "mdy"
    return "ymd" if tag.split("-")[0] in _YEAR_FIRST else "dmy"


@lru_cache(maxsize=8192)
def _absolute(text: str, tz: str, order: str | None = None) -> tuple | None:
    """Forms that name a full date, whatever the fetch time; cached, since threads repeat them.

    Returns (utc, local_date, precision), `_INVALID` for an impossible date, None for other text.
    """
    normalized = _normalize(text)
    week = _ISO_WEEK.match(normalized) or _ISO_ORDINAL.match(normalized)
    if week:
        try:
            if week.re is _ISO_WEEK:
                day = date.fromisocalendar(
                    int(week["year"]), int(week["week"]), int(week["weekday"])
                )
            else:
                day = date(int(week["year"]), 1, 1) + timedelta(days=int(week["yday"]) - 1)
                if day.year != int(week["year"]) or week["yday"] == "000":
                    raise ValueError("no such day of the year")
            return _with_time(day, "", _zone(tz))
        except ValueError:
            return _INVALID
    compact = _COMPACT.match(normalized)
    if compact:
        clock = compact["clock"] or ""
        shown = ":".join(clock[i : i + 2] for i in range(0, len(clock), 2)) + (
            compact["zone"] or ""
        )
        try:
            return _with_time(_calendar_date(compact), shown, _zone(tz))
        except ValueError:
            return _INVALID
    for pattern in (_YMD_JA, _ERA_NUM, _YMD_NUM, _MDY_EN, _DMY_EN, _DMY_WORD, _MDY_WORD, _DMY_DOTS):
        match = pattern.search(normalized)
        if match:
            try:
                day = _calendar_date(match)
                rest = normalized[match.end() :]
                if _shown_time(rest) is None:  # "10:06am Dec 11, 2014": the time before it
                    before = _TIME_BEFORE.search(normalized[: match.start()])
                    rest = before.group("time") if before else rest
                return _with_time(day, rest, _zone(tz))
            except ValueError:
                return _INVALID
    match = _NUMERIC.search(normalized)
    if match is None:
        return None
    try:
        day = _numeric_date(match, order)
        return _with_time(day, normalized[match.end() :], _zone(tz))
    except ValueError:
        return _INVALID


def _numeric_date(match: re.Match, order: str | None) -> date:
    """`A/B/C`, read as the page's order says, else the other way where that is no date (a
    number over 12 is a day). Where dates run year first, two digits at the end make it
    `YY/MM/DD`. With no order known, only a text that can mean one day is read."""
    a, b, c = int(match["first"]), int(match["second"]), int(match["year"])
    short = len(match["year"]) == 2
    readings = []  # (year, month, day), preferred first
    if short and order in (None, "ymd"):
        readings.append((a, b, c))
    if order == "dmy":
        readings += [(c, b, a), (c, a, b)]
    else:
        readings += [(c, a, b), (c, b, a)]
    days = []
    for year, month, day_of_month in readings:
        if year < 100:  # as strptime's %y: 69..99 → 1900s, 00..68 → 2000s
            year += 1900 if year >= 69 else 2000
        valid = _valid_date(year, month, day_of_month)
        if valid and valid not in days:
            days.append(valid)
    if not days or (order is None and len(days) > 1):
        raise ValueError(f"no one day in {match.group(0)!r}")
    return days[0]


def _relative_forms(
    text: str, zone: ZoneInfo, now: datetime, reference, order: str | None = None
) -> tuple | None:
    if _ERA_NAME.search(text):  # an era with no readable year (`令和 5月31日`): which year?
        return None
    today = now.astimezone(zone).date()
    match = _YEAR_WORD.search(text)
    if match:
        day = date(
            today.year + _YEAR_OFFSETS[match["which"]], int(match["month"]), int(match["day"])
        )
        return _checked_weekday(day, text[match.end() :], zone)
    match = _MD_JA.search(text)
    if match:
        if _YEAR_SHOWN.search(text[: match.start()]):
            return None  # a year we could not read (`'21年`, `1901年頃`): never this year
        day = _yearless(int(match["month"]), int(match["day"]), zone, now, reference)
        return _checked_weekday(day, text[match.end() :], zone)
    match = _MD_NUM.match(text)
    if match:
        month, day_of_month = int(match["first"]), int(match["second"])
        if order == "dmy" or (month > 12 and order != "mdy"):  # 29/2 can only be day first
            month, day_of_month = day_of_month, month
        rest = text[match.end() :]
        if rest.strip() and not (_WEEKDAY_AFTER.match(rest) or _shown_time(rest)):
            return None  # `1/2 cup`: two numbers and a word are no date
        day = _yearless(month, day_of_month, zone, now, reference)
        return _checked_weekday(day, rest, zone)
    match = _MD_WORD.match(text)
    if match:
        month = MONTH_WORDS[(match["mword"] or match["mword2"]).lower()]
        day = _yearless(month, int(match["day"] or match["day2"]), zone, now, reference)
        return _with_time(day, text[match.end() :], zone)
    match = _MONTH_DAY.match(text)
    if match:
        return _day_of_month(match, text[match.end() :], zone, today)
    for name, (month, day_of_month) in _NAMED_DATES.items():
        if text.startswith(name):
            day = _yearless(month, day_of_month, zone, now, reference)
            return _with_time(day, text[len(name) :], zone)
    return _time_only(text, zone, now) or _weekday(text, zone, today) or _relative(text, zone, now)


def _weekday_number(match: re.Match) -> int:
    """Monday 0 … Sunday 6 of a matched weekday: English (`en`) or Japanese (`a`, `b`, `ja`)."""
    groups = match.groupdict()
    if groups.get("en"):
        return next(
            i for i, name in enumerate(_WEEKDAYS_EN) if name.startswith(groups["en"][:3].lower())
        )
    return _WEEKDAYS_JA.index(groups.get("a") or groups.get("b") or groups["ja"])


def _checked_weekday(day: date, rest: str, zone: ZoneInfo) -> tuple:
    """The date with the time after it; a weekday shown beside it must be its own."""
    match = _WEEKDAY_AFTER.match(rest)
    if match and _weekday_number(match) != day.weekday():
        raise ValueError(f"{day} is no {match.group(0).strip()}")
    return _with_time(day, rest, zone)


def _day_of_month(match: re.Match, rest: str, zone: ZoneInfo, today: date) -> tuple | None:
    """`18日` alone is this month's 18th, `先月30日` last month's; a bare day after today is
    no date (which month?), 今月 says this month whatever the day."""
    first = _months_after(today, -1 if match["which"] in ("先月", "前月") else 0)
    day = first.replace(day=int(match["day"]))
    if match["which"] is None and day > today:
        return None
    return _checked_weekday(day, rest, zone)


def _weekday(text: str, zone: ZoneInfo, today: date) -> tuple | None:
    match = _WEEKDAY_ONLY.match(text)
    if match is None:
        return None
    wanted = _weekday_number(match)
    if match["week"]:  # a week runs Monday to Sunday
        monday = today - timedelta(days=today.weekday() + (7 if match["week"] == "先週" else 0))
        day = monday + timedelta(days=wanted)
    else:  # the latest such day: today itself, or before it (strictly before for "last")
        back = (today.weekday() - wanted) % 7 or (7 if match["last"] else 0)
        day = today - timedelta(days=back)
    return _with_time(day, "", zone)


def _time_only(text: str, zone: ZoneInfo, now: datetime) -> tuple | None:
    """`15:30` or `午後3時` alone, as sites show today's comments: the latest such time by now."""
    match = _shown_time(text)
    if not match or match.end() != len(text) or match["noon"]:
        return None
    if match["second"] and not (match["minute"] or match["sep"] == ":"):
        return None  # 23時59秒: hours and seconds, no time of day
    if int(match["hour"]) >= 24:
        return None  # 25時 alone: the night after which day? (with its date it is read)
    today = now.astimezone(zone).date()
    result = _with_time(today, text, zone)
    if result[0] > now:  # later than the fetch: it was yesterday's
        result = _with_time(today - _ONE_DAY, text, zone)
    return result


def _calendar_date(match: re.Match) -> date:
    groups = match.groupdict()
    if groups.get("mname"):
        month = MONTHS[groups["mname"][:3].lower()]
    elif groups.get("mword"):
        month = MONTH_WORDS[groups["mword"].lower()]
    else:
        month = int(groups["month"])
    day_of_month = int(groups["day"])
    if groups.get("era"):
        era = ERA_LETTERS.get(groups["era"], groups["era"])
        era_year = 1 if groups["eyear"] == "元" else int(groups["eyear"])
        result = date(ERAS[era] + era_year, month, day_of_month)
        if era_year < 1 or not ERA_STARTS[era] <= result <= ERA_ENDS.get(era, date.max):
            raise ValueError(f"no such day in {era}")
        return result
    return date(int(groups["year"]), month, day_of_month)


def _yearless(month: int, day_of_month: int, zone, now: datetime, reference) -> date:
    """First year on or after `reference` whose date is not after `now` (SPEC: dates);
    without a reference, the latest such date not after `now`."""
    today = now.astimezone(zone).date()
    if reference is None:
        for year in range(today.year, today.year - 8, -1):  # Feb 29 may be years back
            candidate = _valid_date(year, month, day_of_month)
            if candidate and candidate <= today:
                return candidate
        raise ValueError("no such day")
    if isinstance(reference, datetime):
        reference = reference.astimezone(zone).date() if reference.tzinfo else reference.date()
    for year in range(reference.year, reference.year + 9):
        candidate = _valid_date(year, month, day_of_month)
        if candidate and candidate >= reference:
            return candidate
    raise ValueError("no such day")


def _valid_date(year: int, month: int, day_of_month: int) -> date | None:
    try:
        return date(year, month, day_of_month)
    except ValueError:
        return None


def _shown_time(rest: str) -> re.Match | None:
    """The time at the start of `rest`, if it shows one (a bare number is no time)."""
    match = _TIME.match(rest) if rest else None
    return match if match and (match["sep"] or match["ampm"] or match["noon"]) else None


def _with_time(day: date, rest: str, zone: ZoneInfo) -> tuple:
    match = _shown_time(rest)
    if match is None:  # a day
        return datetime.combine(day, _MIDNIGHT, zone).astimezone(UTC), day, "day"
    hour = 12 if match["noon"] else int(match["hour"])
    marker = (
        _DAY_PARTS.get(match["ampm_ja"] or "") or (match["ampm"] or "").replace(".", "").lower()
    )
    if marker == "night":  # 深夜11時 is 23:00, 深夜2時 is 2:00
        marker = "pm" if hour >= 6 else "am"
    if marker:
        if hour > 12:
            if marker == "am" or match["ampm_ja"] == "午後" or match["ampm"]:
                raise ValueError("am/pm with an hour over 12")
            marker = ""  # 夜20時: the hour says it already
        elif marker == "pm" and hour < 12:
            if match["ampm_ja"] in ("夜", "晩", "晚") and hour < 4:
                raise ValueError("夜 with an hour before dawn: which night?")
            hour += 12
        elif marker == "am" and hour == 12:
            hour = 0
    minute = 30 if match["half"] else int(match["minute"]) if match["minute"] else 0
    second = int(match["second"]) if match["second"] else 0
    precision = (
        "second" if match["second"] else "minute" if match["minute"] or match["half"] else "hour"
    )
    if hour == 24 and minute == 0 and second == 0:  # 24:00 is the next midnight
        local = datetime.combine(day + timedelta(days=1), time())
    elif 24 <= hour < 30 and match["sep"] == "時" and not marker:  # 25時: the next day's 1:00
        local = datetime.combine(day + timedelta(days=1), time(hour - 24, minute, second))
    else:
        local = datetime.combine(day, time(hour, minute, second))
    tz = match["tz"]
    # `10:15-11:00` is a range, not 10:15 at UTC-11: a bare offset joined to a time counts only
    # in ISO form (T, or seconds) or with its sign apart from the time.
    spaced = match.start("tz") > 0 and match.string[match.start("tz") - 1].isspace()
    joined = tz and tz[0] == "-" and not spaced and not (match["iso"] or match["second"])
    if tz and not joined:
        return _instant(local, _offset(tz), precision, keep_local=zone)
    return _instant(local, zone, precision)


def _offset(text: str) -> timezone:
    """`Z`, `+09:00`, `-0500`, `UTC`, `GMT+2`, `UTC-09:30`, `EDT` as a fixed offset."""
    name = text.upper()
    if name == "Z":
        return UTC
    if name in ZONE_NAMES:
        return timezone(timedelta(minutes=ZONE_NAMES[name]))
    for prefix in ("UTC", "GMT", "UT"):
        if name.startswith(prefix):
            text = text[len(prefix) :].strip()
            if not text:
                return UTC
            break
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if ":" in digits:
        hours_text, minutes_text = digits.split(":", 1)
    elif len(digits) > 2:
        hours_text, minutes_text = digits[:-2], digits[-2:]
    else:
        hours_text, minutes_text = digits, "0"
    hours, minutes = int(hours_text), int(minutes_text)
    if hours > 23 or minutes > 59:
        raise ValueError("bad UTC offset")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _instant(local: datetime, zone, precision: str, keep_local: ZoneInfo | None = None) -> tuple:
    utc = local.replace(tzinfo=zone).astimezone(UTC)
    local_date = utc.astimezone(keep_local).date() if keep_local else local.date()
    return utc, local_date, precision


def _relative(text: str, zone: ZoneInfo, now: datetime) -> tuple | None:
    local_now = now.astimezone(zone)
    lowered = text.lower()
    if lowered in _NOW_WORDS:
        return _truncate(local_now, "minute", zone)
    for word, days in _NAMED_DAYS.items():
        if word in lowered:
            day = local_now.date() - timedelta(days=days)
            rest = text[lowered.index(word) + len(word) :]
            if word in _IMPLIED_PART:  # 今夜 says which half of the day an hour is in, no more
                return (
                    _with_time(day, _IMPLIED_PART[word] + rest, zone) if _shown_time(rest) else None
                )
            return _with_time(day, rest, zone)
    if "たった今" in text or "今さっき" in text:
        return _truncate(local_now, "minute", zone)
    world = _RELATIVE_WORLD.search(text)
    if world:
        number = world["n"] or world["n2"]
        unit = _WORLD_UNITS[(world["unit"] or world["unit2"]).lower()]
        return _shifted(local_now, [(number if number.isdigit() else "1", unit, None)], -1, zone)
    match = _RELATIVE.search(text)
    if match and match["dir"] == "後" and text[match.end() :].strip(" 。.!！"):
        return None  # `1時間半後に始めます`: a plan in a sentence, no date shown
    if match:
        parts = [
            (part["n"], part["unit"], part["half"])
            for part in _RELATIVE_PART.finditer(match["parts"])
        ]
        sign = -1 if match["dir"] == "前" else 1
    else:
        match = _RELATIVE_EN.search(text)
        if not match:
            return None
        number = match["n"].lower()
        parts = [
            (
                str(_NUMBER_WORDS.get(number, number)),
                _RELATIVE_EN_UNITS[match["unit"].lower()],
                None,
            )
        ]
        sign = -1
    return _shifted(local_now, parts, sign, zone)


def _shifted(
    local_now: datetime, parts: list[tuple[str, str, str | None]], sign: int, zone
) -> tuple:
    """Now moved by each amount (`1時間30分`, `1週間半`, `半日`), at the finest unit's precision
    (a half moves it one finer: `1分半後` is to the second)."""
    months, delta, precision = 0, timedelta(), "day"
    for number, unit, half in parts:
        whole = 0 if number == "半" else int(number)
        halves = (number == "半") + bool(half)
        if unit in _MONTH_UNITS:
            months += (whole * 2 + halves) * _MONTH_UNITS[unit] // 2
            finest = "day"
        else:
            unit_precision, step, half_precision = _RELATIVE_UNITS[unit]
            delta += whole * step + halves * step / 2
            finest = half_precision if halves else unit_precision
        if PRECISIONS.index(finest) > PRECISIONS.index(precision):
            precision = finest
    moved = local_now
    if months:
        first = _months_after(moved.date(), sign * months)
        moved = moved.replace(
            year=first.year, month=first.month, day=min(moved.day, _month_length(first))
        )
    return _truncate(moved + sign * delta, precision, zone)


def _months_after(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s (before it where negative)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_length(day: date) -> int:
    return (_months_after(day, 1) - timedelta(days=1)).day


def _truncate(local: datetime, precision: str, zone: ZoneInfo) -> tuple:
    naive = local.replace(tzinfo=None)
    if precision == "day":
        naive = datetime.combine(naive.date(), time())
    elif precision == "hour":
        naive = naive.replace(minute=0, second=0, microsecond=0)
    elif precision == "minute":
        naive = naive.replace(second=0, microsecond=0)
    else:
        naive = naive.replace(microsecond=0)
    return _instant(naive, zone, precision)


def _invented(text: str, value: datetime) -> bool:
    """dateparser's answer holds what the text does not say: a weekday other than the one
    named (`3rd Tuesday in March` → a Sunday), or, for digits and units alone, a day or month
    none of them is (`13/13` → July, `-0日` → today)."""
    named = _WEEKDAY_NAMED.search(text)
    if named and value.weekday() != _weekday_number(named):
        return True
    if _NUMBERS_ONLY.match(text):
        numbers = [int(n) for n in re.findall(r"\d+", text)]
        if value.day not in numbers or value.month not in numbers:
            return True
        # A year it may take from now only where the text has none (`8/5`).
        return len(numbers) > 2 and value.year not in numbers and value.year % 100 not in numbers
    return False


def _fallback(
    text: str, zone: ZoneInfo, now: datetime, languages: tuple[str, ...] = ()
) -> tuple | None:
    """The long tail: dateparser, only for short text with a digit (it guesses wildly on words).

    Its answer stands only where it cannot be a guess: never for a duration (`30分`, `2 min`),
    a time to come (`1分後`), or a day of the month alone (`30日`); a time it returns only where
    the text shows one, with the hour the text shows, at the precision shown."""
    if len(text) > 64 or not any(ch.isdigit() for ch in text):
        return None
    if _EPOCH.match(text):
        moment = datetime.fromtimestamp(int(text) / (1000 if len(text) == 13 else 1), UTC)
        if not 1995 <= moment.year <= now.year:
            return None
        return moment, moment.astimezone(zone).date(), "second"
    if _DURATION.match(text) or _LATER.search(text) or _TIME_ALONE.match(text):
        return None
    # Lazy: 0.15 s to import. RELATIVE_BASE is the fetch time, so a parser per call (rare path).
    from dateparser.date import DateDataParser

    parser = DateDataParser(
        languages=list(languages) or ["ja", "en"],
        settings={
            "TIMEZONE": str(zone),
            "PREFER_DATES_FROM": "past",
            "RELATIVE_BASE": now.astimezone(zone).replace(tzinfo=None),
        },
    )
    data = parser.get_date_data(text)
    if data is None or data.date_obj is None or data.period not in ("day", "time"):
        return None
    value = data.date_obj
    if not 1900 <= value.year <= now.year + 1 or _invented(text, value):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    local = value.astimezone(zone).replace(tzinfo=None)
    shown = _SHOWN_TIME.search(text)
    if shown is None:
        if data.period == "day":
            return _truncate(local, "day", zone)
        return _truncate(local, "second" if local.second else "minute", zone)
    hour = 12 if shown["noon"] else int(shown["hour"] or shown["hour12"])
    # The hour it returns must be the one shown (晚8:00 is no midnight), unless the text names
    # a zone: then dateparser has moved the time into the site's.
    if _ZONE_IN_TEXT.search(text) is None and local.hour % 12 != hour % 12:
        return None
    precision = "second" if shown["second"] else "minute" if shown["minute"] else "hour"
    return _truncate(local, precision, zone)
