"""Reading dates as people and feeds write them, and writing them as ISO 8601."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

_WEEKDAY = (
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
)
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
_DIGIT = re.compile(r"\d")
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
