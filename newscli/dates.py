"""Reading dates as people and feeds write them, and writing them as ISO 8601."""

from __future__ import annotations

import re
from datetime import date, datetime

from newscli.errors import NewscliError

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_TIME = (
    r"(?:,?\s+(?:at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?"
    r"(?:\s*(?P<tz>utc|gmt|z|[+-]\d{2}:?\d{2}))?)?"
)
_DATE_LINES = [
    re.compile(r"^\s*" + order + _TIME + r"\s*$", re.IGNORECASE)
    for order in (
        _WEEKDAY + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR,
        _WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR,
    )
]
_DIGIT = re.compile(r"\d")  # the patterns below need one; faster than any(c.isdigit())
_ISO = re.compile(
    r"^\s*(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?\s*$",
    re.IGNORECASE,
)


def _format(match: re.Match[str], month: int) -> str | None:
    groups = match.groupdict()
    try:
        day = date(int(groups["year"]), month, int(groups["day"]))
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
    tz = (groups.get("tz") or "").upper()
    if tz in ("UTC", "GMT", "Z"):
        text += "+00:00"
    elif tz:
        text += tz[:3] + ":" + tz[-2:]
    return text


def parse_date_line(line: str) -> str | None:
    """The ISO date of a line that is a date and nothing else, e.g. 'Monday, 9th December 2024'.

    Strict on purpose: a line like 'May I help' or '50 kilometres' is text, not a date.
    """
    if len(line) > 60 or not _DIGIT.search(line):
        return None
    match = _ISO.match(line)
    if match:
        return _format(match, int(match["month"]))
    for pattern in _DATE_LINES:
        match = pattern.match(line)
        if match:
            return _format(match, MONTHS[match["month"].lower()])
    return None


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
# 03/04/2020 is 3 April in Europe and March 4 in the US: such dates are not guessed.
_NUMERIC_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b")
# Zone abbreviations dateutil does not know by itself, as feeds use them.
_TZ_OFFSETS = {
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "IST": 5.5, "JST": 9,
}  # fmt: skip
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


def _from_datetime(value) -> str | None:
    from datetime import datetime

    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None


def _from_epoch(number: float) -> str | None:
    from datetime import UTC, datetime

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


def _rfc2822(text: str) -> str | None:
    from email.utils import parsedate_to_datetime

    try:
        return _from_datetime(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _dateutil(text: str) -> str | None:
    """dateutil as the last resort, accepted only when the text names a full day.

    It fills what is missing from a default date, so the text is parsed against two
    different defaults: any part that changes with the default was not in the text.
    """
    import warnings
    from datetime import datetime

    from dateutil import parser

    numeric = _NUMERIC_DMY.match(text)
    if numeric and numeric[1] != numeric[2] and int(numeric[1]) <= 12 and int(numeric[2]) <= 12:
        return None
    tzinfos = {name: int(hours * 3600) for name, hours in _TZ_OFFSETS.items()}
    a, b = datetime(2000, 1, 1, 0, 0, 0), datetime(2001, 2, 2, 1, 1, 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            first = parser.parse(text, default=a, tzinfos=tzinfos, dayfirst=bool(numeric))
            second = parser.parse(text, default=b, tzinfos=tzinfos, dayfirst=bool(numeric))
    except (ValueError, OverflowError, TypeError, ArithmeticError, LookupError):
        return None
    if first.date() != second.date():
        return None
    if first.hour != second.hour:
        return first.date().isoformat()
    return first.replace(microsecond=0).isoformat()


def parse_date(value: object) -> str | None:
    """The ISO 8601 form of a date value from structured data, or None if it is not one.

    Reads ISO 8601 (with or without time and zone), RFC 2822 (`Tue, 10 Mar 2020 14:02:00
    GMT`), Unix epoch seconds or milliseconds (numbers or digit strings), `datetime`/`date`
    objects (YAML gives those), the text forms of `parse_date_line`, and whatever else
    dateutil can read as a full day. A date keeps its time and zone when it had them;
    a date alone stays `YYYY-MM-DD`. A year alone or a month alone is not a date. Never raises.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return _from_number(value)
    converted = _from_datetime(value)
    if converted or not isinstance(value, str):
        return converted
    text = value.strip()
    if not text or len(text) > MAX_DATE_TEXT or not any(c.isdigit() for c in text):
        return None
    match = _ISO_VALUE.match(text)
    if match:
        return _iso_value(match)
    if _NUMBER.match(text):
        try:
            return _from_number(float(text) if "." in text else int(text))
        except (ValueError, OverflowError):
            return None
    if _RFC2822_HINT.search(text):
        found = _rfc2822(text)
        if found:
            return found
    found = parse_date_line(text)
    if found:
        return found
    return _dateutil(text)


# --- dates typed by users in --since/--until ---------------------------------------------


class DateFilterError(NewscliError, ValueError):
    """A --since/--until value that is not a date we can read, told in one line."""


FILTER_DATE_FORMS = "2022, 2022-05, 2022-05-14, 14 May 2022, May 2022, 30d, 2w, 6m, 1y, yesterday"
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
        if match := _NUMERIC.match(given):
            a, b = int(match["a"]), int(match["b"])
            if a <= 12 and b <= 12 and a != b:
                raise DateFilterError(
                    f"ambiguous date {given!r}: is it day/month or month/day? "
                    "Write it as 2022-05-14 or 14 May 2022"
                )
        if any(c.isdigit() for c in given) and (day := _with_dateutil(given)):
            return day.isoformat()
    except (ValueError, OverflowError) as e:
        if isinstance(e, DateFilterError):
            raise
        raise DateFilterError(problem) from None
    raise DateFilterError(problem)
