"""Reading dates as people and feeds write them, and writing them as ISO 8601."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from newscli.errors import NewscliError

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
# The order of day and month in numeric dates such as 05/06/2021.
DAY_FIRST, MONTH_FIRST = "dmy", "mdy"
# Time zones as feeds and papers write them by name, in hours from UTC. A name used for
# several zones takes the meaning news uses most (IST: India; AST: Atlantic).
TZ_OFFSETS = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "IST": 5.5,
    "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "MSD": 4,
    "TRT": 3, "EAT": 3, "CAT": 2, "SAST": 2, "WAT": 1, "GST": 4, "PKT": 5, "NPT": 5.75,
    "ICT": 7, "WIB": 7, "HKT": 8, "SGT": 8, "PHT": 8, "AWST": 8, "CST": -6, "JST": 9,
    "KST": 9, "ACST": 9.5, "ACDT": 10.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
    "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
    "ART": -3, "BRT": -3,
}  # fmt: skip
_ZONE_NAMES = "|".join(sorted(TZ_OFFSETS, key=len, reverse=True))
_OFFSET = re.compile(
    r"^(?:UTC|GMT)?\s?(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$", re.IGNORECASE
)


def zone_offset(zone: str) -> str | None:
    """`+HH:MM` for a zone written by name (`BST`), as an offset (`+0100`, `-05`, `+05:30`) or
    as UTC/GMT with one (`GMT+1`); None if it is none of these."""
    zone = zone.strip()
    hours = TZ_OFFSETS.get(zone.upper())
    if hours is not None:
        minutes = round(hours * 60)
        sign = "-" if minutes < 0 else "+"
        return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    match = _OFFSET.match(zone)
    if not match:
        return None
    hh, mm = int(match["hours"]), int(match["minutes"] or 0)
    if hh > 23 or mm > 59:
        return None
    return f"{match['sign']}{hh:02d}:{mm:02d}"


_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_ZONE = r"(?P<tz>(?:utc|gmt)?\s?[+-]\d{1,2}(?::?\d{2})?|" + _ZONE_NAMES + r")"
_TIME = (
    r"(?:,?\s+(?:at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?(?:\s*" + _ZONE + r"\b)?)?"
)
_DATE_LINES = [
    re.compile(r"^\s*" + order + _TIME + r"\s*$", re.IGNORECASE)
    for order in (
        _WEEKDAY + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR,
        _WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR,
    )
]
# 16/05/2021, 05/16/2021, 11.07.2022 (dots: day first, as everywhere they are written).
_NUMERIC_LINE = re.compile(
    r"^\s*" + _WEEKDAY + r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)" + _YEAR + _TIME + r"\s*$",
    re.IGNORECASE,
)
# What a date line may start with: "Published 11 July 2022", "Updated: July 11, 2022",
# "First published on Mon 11 Jul 2022 14.05 BST".
_LABEL = re.compile(
    r"^\s*(?P<label>(?:(?:first|originally|last)\s+)?(?:published|posted|updated|modified|created"
    r"|dated|date|issued))(?:\s+(?:on|at))?\s*:?\s+",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")  # the patterns below need one; faster than any(c.isdigit())
_ISO = re.compile(
    r"^\s*(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?\s*$",
    re.IGNORECASE,
)


def _format(match: re.Match[str], month: int, day_number: int | None = None) -> str | None:
    groups = match.groupdict()
    try:
        day = date(int(groups["year"]), month, day_number or int(groups["day"]))
    except ValueError:
        return None
    if groups.get("hour") is None:
        return day.isoformat()
    hour, minute = int(groups["hour"]), int(groups["minute"])
    ampm = (groups.get("ampm") or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    second = int(groups.get("second") or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    text = f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}"
    if groups.get("tz"):
        offset = zone_offset(groups["tz"])
        if offset is None:
            return None
        text += offset
    return text


@dataclass(frozen=True)
class DateLine:
    """A line of a text article that is a date: its ISO form (None when day and month could be
    either way round and no order is known), what its label says it is ("published" or
    "updated"; None when it has none), and what it proves about the order of day and month."""

    iso: str | None
    label: str | None = None
    ambiguous: bool = False
    proves: str | None = None
    text: str = ""


def _label_kind(label: str | None) -> str | None:
    if not label:
        return None
    lowered = label.lower()
    return "updated" if "updated" in lowered or "modified" in lowered or "last" in lowered else "published"


def read_date_line(line: str, order: str | None = None) -> DateLine | None:
    """The date a line of text is, or None when it is not a date and nothing else.

    Strict on purpose: a line like 'May I help' or '50 kilometres' is text, not a date. A
    line may start with a label (`Published`, `Updated:`, `First published on`) and end with
    a time and zone (`14:05 BST`). A numeric date is read when it can be read one way only
    (16/05/2021; dotted dates are day first), or in `order` (DAY_FIRST or MONTH_FIRST).
    """
    if len(line) > 80 or not _DIGIT.search(line):
        return None
    label = _LABEL.match(line)
    kind = _label_kind(label["label"]) if label else None
    rest = line[label.end() :] if label else line
    text = line.strip()
    match = _ISO.match(rest)
    if match:
        iso = _format(match, int(match["month"]))
        return DateLine(iso, kind, text=text) if iso else None
    for pattern in _DATE_LINES:
        match = pattern.match(rest)
        if match:
            iso = _format(match, MONTHS[match["month"].lower()])
            return DateLine(iso, kind, text=text) if iso else None
    match = _NUMERIC_LINE.match(rest)
    if match:
        day, month, proves, ambiguous = _day_and_month(int(match["a"]), int(match["b"]), match["sep"], order)
        if ambiguous:
            return DateLine(None, kind, ambiguous=True, text=text)
        iso = _format(match, month, day)
        return DateLine(iso, kind, proves=proves, text=text) if iso else None
    return None


def parse_date_line(line: str) -> str | None:
    """The ISO date of a line that is a date and nothing else, e.g. 'Monday, 9th December 2024'
    (see read_date_line); None also when its day and month could be either way round."""
    found = read_date_line(line)
    return found.iso if found else None


def _day_and_month(a: int, b: int, sep: str, order: str | None) -> tuple[int, int, str | None, bool]:
    """(day, month, the order this date proves or None, whether it is ambiguous) for the
    numbers `a` and `b` of a numeric date written a/b/year (`sep` between them)."""
    if sep == ".":
        return a, b, None, False  # 11.07.2022: day first wherever dots are written
    if a > 12 >= b:
        return a, b, DAY_FIRST, False
    if b > 12 >= a:
        return b, a, MONTH_FIRST, False
    if a == b or a > 12:
        return a, b, None, False
    if order == MONTH_FIRST:
        return b, a, None, False
    if order == DAY_FIRST:
        return a, b, None, False
    return a, b, None, True


# Structured data (JSON, CSV, front matter, feeds): any of the forms such data uses.
_ISO_VALUE = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$",
    re.IGNORECASE,
)
_COMPACT_DATE = re.compile(r"^(?P<year>1[89]\d{2}|20\d{2})(?P<month>\d{2})(?P<day>\d{2})$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_RFC2822_HINT = re.compile(r"\d{1,2}\s+[a-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}", re.IGNORECASE)
# Epoch values: seconds from 1973-03-03 (10**8) up to year 5138 (10**11), milliseconds above
# that up to 10**14. Smaller numbers are not dates: `12` or `-5` in a date column is noise.
_EPOCH_MIN = 100_000_000
_EPOCH_MS_FROM = 100_000_000_000
_EPOCH_MAX_MS = 100_000_000_000_000
# A numeric date with day and month in either order, at the start or anywhere in a text.
_NUMERIC_DATE = re.compile(
    r"^(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?=$|[\sT,])"
)
_NUMERIC_ANYWHERE = re.compile(r"\b(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?:\d{4}|\d{2})\b")
MAX_DATE_TEXT = 100


def _iso_value(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    try:
        day = date(int(groups["year"]), int(groups["month"]), int(groups["day"]))
    except ValueError:
        return None
    if groups.get("hour") is None:
        return day.isoformat()
    hour, minute, second = int(groups["hour"]), int(groups["minute"]), int(groups["second"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    text = f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}"
    tz = (groups.get("tz") or "").upper()
    if tz in ("Z", "UTC", "GMT"):
        return text + "+00:00"
    if tz:
        digits = tz[1:].replace(":", "").ljust(4, "0")
        if int(digits[:2]) > 23 or int(digits[2:]) > 59:
            return None
        return f"{text}{tz[0]}{digits[:2]}:{digits[2:]}"
    return text


@dataclass(frozen=True)
class DateReading:
    """What a date value gave: its ISO form or None; `whole` is false when only a leading part
    of it was read (trailing words, or a zone name we do not know, were left out), `ambiguous`
    when it is a numeric day/month that either order reads, and `proves` the order
    (DAY_FIRST or MONTH_FIRST) a numeric date can be read in only."""

    iso: str | None = None
    whole: bool = True
    ambiguous: bool = False
    proves: str | None = None


NOT_A_DATE = DateReading()


def _from_datetime(value) -> str | None:
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None


def _from_epoch(number: float) -> str | None:
    from datetime import UTC

    if not _EPOCH_MIN <= number < _EPOCH_MAX_MS:
        return None
    seconds = number / 1000 if abs(number) >= _EPOCH_MS_FROM else number
    try:
        return datetime.fromtimestamp(int(seconds), UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def _from_number(number: float) -> str | None:
    # A bare four-digit number is a year, which is not a date; 20220514 is a compact date.
    if number == int(number) and 1000 <= number <= 2999:
        return None
    match = _COMPACT_DATE.match(str(int(number))) if number == int(number) else None
    if match:
        try:
            return date(int(match["year"]), int(match["month"]), int(match["day"])).isoformat()
        except ValueError:
            pass
    return _from_epoch(number)


def _not_in_future(iso: str | None, text: str) -> str | None:
    """A date read from a two-digit year (`1 Jan 60`, `05/06/68`) that would be in the future
    is a century earlier: news archives are written about the past."""
    if not iso or iso[:4] in text:
        return iso
    if date.fromisoformat(iso[:10]).toordinal() <= date.today().toordinal() + 1:
        return iso
    year = int(iso[:4]) - 100
    try:
        date(year, int(iso[5:7]), int(iso[8:10]))
    except ValueError:  # 29 February in a year that has none
        return None
    return f"{year:04d}{iso[4:]}"


_ZONE_AT_END = re.compile(r"\b(?P<zone>[A-Za-z]{1,5})\s*(?:\([^)]*\))?\s*$")


def _rfc2822(text: str) -> DateReading:
    from email.utils import parsedate_to_datetime

    try:
        found = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return NOT_A_DATE
    iso = _from_datetime(found)
    if iso and found.tzinfo is None:
        # The email parser knows only the North American zone names: others by our table.
        zone = _ZONE_AT_END.search(text)
        if zone and zone["zone"].upper() not in ("AM", "PM"):
            offset = zone_offset(zone["zone"])
            return DateReading(iso + offset) if offset else DateReading(iso, whole=False)
    return DateReading(_not_in_future(iso, text))


def _numeric(match: re.Match[str], text: str, order: str | None) -> DateReading:
    """A date written 16/05/2021, 05/16/21 or 11.07.2022, maybe with a time after it."""
    day, month, proves, ambiguous = _day_and_month(int(match["a"]), int(match["b"]), match["sep"], order)
    if ambiguous:
        return DateReading(ambiguous=True)
    year = int(match["year"]) + (2000 if len(match["year"]) == 2 else 0)
    try:
        written = date(year, month, day).isoformat()
    except ValueError:
        return NOT_A_DATE
    iso = _not_in_future(written, text)
    rest = text[match.end() :].lstrip(" ,T").rstrip()
    if not iso or not rest:
        return DateReading(iso, proves=proves)
    timed = _ISO_VALUE.match(f"{iso}T{rest}")
    found = _iso_value(timed) if timed else _dateutil(f"{iso} {rest}", None).iso
    if found and found[:10] == iso:
        return DateReading(found, proves=proves)
    return DateReading(iso, whole=False, proves=proves)


def _dateutil(text: str, order: str | None) -> DateReading:
    """dateutil as the last resort, accepted only when the text names a full day.

    It fills what is missing from a default date, so the text is parsed against two
    different defaults: any part that changes with the default was not in the text.
    """
    import warnings

    from dateutil import parser

    numeric = _NUMERIC_ANYWHERE.search(text)
    dayfirst = False
    if numeric:
        _, _, proves, ambiguous = _day_and_month(int(numeric["a"]), int(numeric["b"]), numeric["sep"], order)
        if ambiguous:
            return DateReading(ambiguous=True)
        dayfirst = numeric["sep"] == "." or proves == DAY_FIRST or (not proves and order != MONTH_FIRST)
    tzinfos = {name: int(hours * 3600) for name, hours in TZ_OFFSETS.items()}
    a, b = datetime(2000, 1, 1, 0, 0, 0), datetime(2001, 2, 2, 1, 1, 1)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            first = parser.parse(text, default=a, tzinfos=tzinfos, dayfirst=dayfirst)
            second = parser.parse(text, default=b, tzinfos=tzinfos, dayfirst=dayfirst)
    except (ValueError, OverflowError, TypeError, ArithmeticError, LookupError):
        return NOT_A_DATE
    if first.date() != second.date():
        return NOT_A_DATE
    # A zone name dateutil does not know is dropped with a warning: the time is kept, naive.
    whole = not any(w.category.__name__ == "UnknownTimezoneWarning" for w in caught)
    if first.hour != second.hour:
        iso = first.date().isoformat()
    else:
        iso = first.replace(microsecond=0).isoformat()
    return DateReading(_not_in_future(iso, text), whole=whole)


# A time with letters glued to its end that are not am/pm (`02:17:09.88T`): the letters go.
_GLUED_TIME = re.compile(r"^(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?![ap]\.?m\.?$)[A-Za-z]+$", re.IGNORECASE)
# How many leading words a date with trailing words can have (`May 14, 2022 10:00 AM EDT`).
MAX_LEADING_WORDS = 8


def _read_whole(text: str, order: str | None) -> DateReading:
    """The date that all of `text` is, trying the forms from the cheapest."""
    match = _ISO_VALUE.match(text)
    if match:
        return DateReading(_iso_value(match))
    if _NUMBER.match(text):
        try:
            return DateReading(_from_number(float(text) if "." in text else int(text)))
        except (ValueError, OverflowError):
            return NOT_A_DATE
    match = _NUMERIC_DATE.match(text)
    if match:
        return _numeric(match, text, order)
    if _RFC2822_HINT.search(text):
        found = _rfc2822(text)
        if found.iso:
            return found
    line = read_date_line(text, order)
    if line and line.iso:
        return DateReading(line.iso, proves=line.proves)
    return _dateutil(text, order)


@functools.lru_cache(maxsize=4096)
def _read_text(text: str, order: str | None) -> DateReading:
    found = _read_whole(text, order)
    if found.iso or found.ambiguous:
        return found
    # A clear date followed by other words (`27-MAR-1987 02:17:09.88T C`, `May 14, 2022
    # 10:00 AM EDT Updated`): the longest leading part that is a whole date.
    words = text.split()
    for count in range(min(len(words) - 1, MAX_LEADING_WORDS), 0, -1):
        head = words[:count]
        head[-1] = _GLUED_TIME.sub(r"\1", head[-1]).rstrip(",;|-–—")
        leading = " ".join(head)
        if not _DIGIT.search(leading):
            break
        found = _read_whole(leading, order)
        if found.ambiguous:
            return found
        if found.iso:
            return replace(found, whole=False)
    return NOT_A_DATE


def read_date(value: object, order: str | None = None) -> DateReading:
    """What a date value from structured data gives (see parse_date); `order` (DAY_FIRST or
    MONTH_FIRST) reads numeric dates whose day and month could be either way round."""
    if value is None or isinstance(value, bool):
        return NOT_A_DATE
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            return NOT_A_DATE
        return DateReading(_from_number(value))
    converted = _from_datetime(value)
    if converted or not isinstance(value, str):
        return DateReading(converted)
    text = value.strip()
    if not text or len(text) > MAX_DATE_TEXT or not _DIGIT.search(text):
        return NOT_A_DATE
    return _read_text(text, order)


def parse_date(value: object, order: str | None = None) -> str | None:
    """The ISO 8601 form of a date value from structured data, or None if it is not one.

    Reads ISO 8601 (with or without time and zone), RFC 2822 (`Tue, 10 Mar 2020 14:02:00
    GMT`), Unix epoch seconds or milliseconds (numbers or digit strings), `datetime`/`date`
    objects (YAML and TOML give those), the text forms of `read_date_line`, numeric dates
    that can be read one way only (16/05/2021, 11.07.2022) or in `order`, and whatever else
    dateutil can read as a full day; zones written by name (BST, CET, MSK, EST...) are kept as
    offsets, two-digit years are never in the future, and a clear date followed by other
    words is read from its leading part. A date keeps its time and zone when it had them; a
    date alone stays `YYYY-MM-DD`. A year alone or a month alone is not a date. Never raises.
    """
    return read_date(value, order).iso


# --- dates typed by users in --since/--until ---------------------------------------------


class DateFilterError(NewscliError, ValueError):
    """A --since/--until value that is not a date we can read, told in one line."""


FILTER_DATE_FORMS = "2022, 2022-05, 2022-05-14, 14 May 2022, 14.05.2022, May 2022, 30d, 2w, 6m, 1y, yesterday"
_YEAR_ONLY = re.compile(r"^(?P<year>\d{4})$")
_YEAR_MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$")
_MONTH_YEAR = re.compile(r"^" + _MONTH + r",?\s+" + _YEAR + r"$", re.IGNORECASE)
_RELATIVE = re.compile(
    r"^(?P<n>\d{1,6})\s*(?P<unit>d|days?|w|wks?|weeks?|m|mos?|months?|y|yrs?|years?)"
    r"(?:\s+ago)?$",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<year>\d{2}|\d{4})$")


def _add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError
    return date(year, month + 1, min(day.day, _month_end(year, month + 1).day))


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date.fromordinal(date(year, month + 1, 1).toordinal() - 1)


def _relative(match: re.Match[str], today: date) -> date:
    n, unit = int(match["n"]), match["unit"][0].lower()
    if unit == "d":
        return date.fromordinal(today.toordinal() - n)
    if unit == "w":
        return date.fromordinal(today.toordinal() - 7 * n)
    return _add_months(today, -n if unit == "m" else -12 * n)


def _month_range(year: int, month: int, end: bool) -> date:
    return _month_end(year, month) if end else date(year, month, 1)


def _with_dateutil(text: str) -> date | None:
    """Other full dates (2022/05/14, 14-May-2022, 20220514...); None if not a whole date."""
    from dateutil import parser

    # Parsed with two different defaults: a date that comes out different lacks a part
    # (day, month or year) that dateutil would otherwise fill in silently.
    try:
        first = parser.parse(text, default=datetime(2000, 1, 1))
        second = parser.parse(text, default=datetime(2001, 2, 2))
    except (ValueError, OverflowError, TypeError, ArithmeticError):
        return None
    if first.date() != second.date():
        return None
    return first.date()


def parse_filter_date(text: str, *, end: bool, today: date | None = None) -> str:
    """The ISO date (YYYY-MM-DD) a user means by `text` in --since (`end=False`) or --until
    (`end=True`): a year or month stands for its first day, or its last day when `end`.

    Relative forms count back from `today`: `30d`, `2w`, `6m` (months), `1y`, `today`,
    `yesterday`. Raises DateFilterError with a one-line message for anything else.
    """
    given = " ".join(str(text).split())
    today = today or date.today()
    problem = f"invalid date {given!r}: use {FILTER_DATE_FORMS}"
    if not given or len(given) > 60:
        raise DateFilterError(problem)
    lowered = given.lower()
    try:
        if lowered == "today":
            return today.isoformat()
        if lowered == "yesterday":
            return date.fromordinal(today.toordinal() - 1).isoformat()
        if match := _RELATIVE.match(given):
            return _relative(match, today).isoformat()
        if match := _YEAR_ONLY.match(given):
            year = int(match["year"])
            return (date(year, 12, 31) if end else date(year, 1, 1)).isoformat()
        if match := _YEAR_MONTH.match(given):
            return _month_range(int(match["year"]), int(match["month"]), end).isoformat()
        if match := _MONTH_YEAR.match(given):
            return _month_range(int(match["year"]), MONTHS[match["month"].lower()], end).isoformat()
        if line := parse_date_line(given):
            return line[:10]
        if _NUMERIC.match(given):
            # 14/05/2022, 05/14/22, 14.05.2022 (dots: day first); 05/06/2022 is refused.
            found = read_date(given)
            if found.ambiguous:
                raise DateFilterError(
                    f"ambiguous date {given!r}: is it day/month or month/day? "
                    "Write it as 2022-05-14, 14 May 2022 or 14.05.2022"
                )
            if found.iso:
                return found.iso[:10]
        if any(c.isdigit() for c in given) and (day := _with_dateutil(given)):
            return day.isoformat()
    except (ValueError, OverflowError) as e:
        if isinstance(e, DateFilterError):
            raise
        raise DateFilterError(problem) from None
    raise DateFilterError(problem)
