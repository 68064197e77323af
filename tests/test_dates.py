import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscli.dates import parse_date, parse_date_line


@pytest.mark.parametrize(
    "line,expected",
    [
        ("Monday, 9th December 2024", "2024-12-09"),
        ("Saturday, 14th May 2022", "2022-05-14"),
        ("9 December 2024", "2024-12-09"),
        ("December 9, 2024", "2024-12-09"),
        ("Dec. 9, 2024", "2024-12-09"),
        ("Sept. 1, 2020", "2020-09-01"),
        ("Tue 3rd of March 2020", "2020-03-03"),
        ("2024-12-09", "2024-12-09"),
        ("  2024-12-09  ", "2024-12-09"),
        ("2020-03-10T14:02:00Z", "2020-03-10T14:02:00+00:00"),
        ("2020-03-10 14:02", "2020-03-10T14:02:00"),
        ("14 May 2022 10:30 GMT", "2022-05-14T10:30:00+00:00"),
        ("Sept. 1, 2020, 4:05 pm", "2020-09-01T16:05:00"),
        ("May I help", None),
        ("50 kilometres", None),
        ("May 2022", None),
        ("31 February 2022", None),
        ("2022-13-01", None),
        ("On 14 May 2022 the army said", None),
        ("14 May 2022 was a Saturday", None),
        ("", None),
        # Labels, zones by name, numeric dates that can be read one way only (issue 13).
        ("Published 11 July 2022, 14:05 BST", "2022-07-11T14:05:00+01:00"),
        ("Updated: July 11, 2022", "2022-07-11"),
        ("First published on Wed 13 Jul 2022 18.30 BST", "2022-07-13T18:30:00+01:00"),
        ("Last modified on 3 May 2021 at 09:15 CEST", "2021-05-03T09:15:00+02:00"),
        ("14 May 2022 10:30 GMT+3", "2022-05-14T10:30:00+03:00"),
        ("16/05/2021", "2021-05-16"),
        ("05/16/2021", "2021-05-16"),
        ("11.07.2022", "2022-07-11"),
        ("Published: 11.07.2022 14:05", "2022-07-11T14:05:00"),
        ("05/06/2021", None),  # day and month either way round: a date line, not read
        ("Published quarterly since 1998", None),
        ("Updated 50 times", None),
    ],
)
def test_parse_date_line(line, expected):
    assert parse_date_line(line) == expected


# parse_date: dates in structured data (JSON, CSV, front matter, feeds).
@pytest.mark.parametrize(
    "value,expected",
    [
        # ISO 8601, with and without time and zone; the zone is kept.
        ("2020-03-10", "2020-03-10"),
        ("2020-03-10T14:02:00Z", "2020-03-10T14:02:00+00:00"),
        ("2020-03-10T14:02:00.123+0530", "2020-03-10T14:02:00+05:30"),
        ("2020-03-10 14:02 +01", "2020-03-10T14:02:00+01:00"),
        ("2020-03-10T14:02:00-05:00", "2020-03-10T14:02:00-05:00"),
        ("2020-03-10T14:02", "2020-03-10T14:02:00"),
        # RFC 2822, as in RSS pubDate.
        ("Tue, 10 Mar 2020 14:02:00 GMT", "2020-03-10T14:02:00+00:00"),
        ("Wed, 11 Mar 2020 09:30:00 -0500", "2020-03-11T09:30:00-05:00"),
        ("Tue, 10 Mar 2020 14:02:00 EST", "2020-03-10T14:02:00-05:00"),
        # Epoch seconds and milliseconds, as numbers or digit strings (UTC).
        (1583848920, "2020-03-10T14:02:00+00:00"),
        (1583848920.75, "2020-03-10T14:02:00+00:00"),
        (1583848920123, "2020-03-10T14:02:00+00:00"),
        ("1583848920", "2020-03-10T14:02:00+00:00"),
        ("1583848920123", "2020-03-10T14:02:00+00:00"),
        (946684800, "2000-01-01T00:00:00+00:00"),
        # A year is not an epoch, nor a date; a compact date is a date.
        (2022, None),
        ("2022", None),
        ("20220514", "2022-05-14"),
        (20030219, "2003-02-19"),
        # The plain-text importer's forms, and what dateutil reads as a whole day.
        ("Monday, 9th December 2024", "2024-12-09"),
        ("14 May 2022", "2022-05-14"),
        ("Sept. 1, 2020, 4:05 pm", "2020-09-01T16:05:00"),
        ("March 10th, 2020 2:02 PM EST", "2020-03-10T14:02:00-05:00"),
        ("2020/03/10", "2020-03-10"),
        ("13/03/2020", "2020-03-13"),
        # Not dates: partial, ambiguous, impossible, or noise.
        ("03/04/2020", None),
        ("May 2022", None),
        ("2022-05", None),
        ("yesterday", None),
        ("2020-02-30", None),
        ("2020-03-10T25:00:00", None),
        ("2020-03-10T14:02:00+25:00", None),
        ("Mon, 32 Mar 2020 14:02:00 GMT", None),
        ("12", None),
        (-5, None),
        (float("nan"), None),
        (float("inf"), None),
        (True, None),
        (None, None),
        ("", None),
        ([2020, 3, 10], None),
        ("sometime in the spring of '62", None),
        # Zones written by name are kept as offsets, whatever the form (issue 13).
        ("Wed, 13 Jul 2022 23:30:00 BST", "2022-07-13T23:30:00+01:00"),
        ("Tue, 10 Mar 2020 14:02:00 CET", "2020-03-10T14:02:00+01:00"),
        ("Mon, 06 Nov 2023 15:00:00 AEDT", "2023-11-06T15:00:00+11:00"),
        ("01.03.2023 10:00 MSK", "2023-03-01T10:00:00+03:00"),
        ("2023-03-13 07:00 CET", "2023-03-13T07:00:00+01:00"),
        ("16/05/2021 14:30 CET", "2021-05-16T14:30:00+01:00"),
        # A clear date followed by other words: its leading part.
        ("27-MAR-1987 02:17:09.88T C", "1987-03-27T02:17:09"),
        ("May 14, 2022 10:00 AM EDT Updated", "2022-05-14T10:00:00-04:00"),
        ("12 May 2022 to 14 May 2022", "2022-05-12"),
        # Two-digit years are never in the future.
        ("20 Jul 69", "1969-07-20"),
        ("1 Jan 60", "1960-01-01"),
        ("16/05/21", "2021-05-16"),
        ("Tue, 10 Mar 20 14:02:00 GMT", "2020-03-10T14:02:00+00:00"),
        # Dots are day first; slashes are read when one number is over 12.
        ("11.07.2022", "2022-07-11"),
        ("3.8.2022", "2022-08-03"),
        ("08/21/2021", "2021-08-21"),
        ("Tuesday 05/06/2021", None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value,order,expected",
    [
        ("05/06/2021", "dmy", "2021-06-05"),
        ("05/06/2021", "mdy", "2021-05-06"),
        ("05/06/21 14:00", "dmy", "2021-06-05T14:00:00"),
        ("Tuesday 05/06/2021", "mdy", "2021-05-06"),
        ("16/05/2021", "mdy", "2021-05-16"),  # an order never overrules what a date proves
        ("11.07.2022", "mdy", "2022-07-11"),
    ],
)
def test_an_order_reads_numeric_dates_either_way_round(value, order, expected):
    assert parse_date(value, order) == expected


def test_what_a_date_reading_tells():
    from newscli.dates import read_date

    assert read_date("05/06/2021").ambiguous and read_date("05/06/2021").iso is None
    assert read_date("16/05/2021").proves == "dmy" and read_date("05/16/2021").proves == "mdy"
    assert read_date("11.07.2022").proves is None  # dots say nothing about slashes
    assert read_date("May 14, 2022 10:00 AM EDT Updated").whole is False
    assert read_date("Mon, 06 Nov 2023 15:00:00 XYZT").whole is False  # a zone we do not know
    assert read_date("Wed, 13 Jul 2022 23:30:00 BST").whole is True


def test_two_digit_years_are_the_latest_not_in_the_future():
    this_year = date.today().year % 100
    next_year = (this_year + 1) % 100
    assert parse_date(f"1 Jan {this_year:02d}")[:4] == str(date.today().year)
    assert parse_date(f"31 Dec {next_year:02d}")[:2] == str(date.today().year - 99)[:2]


def test_parse_date_reads_yaml_dates():
    assert parse_date(date(2021, 9, 30)) == "2021-09-30"
    tz = timezone(timedelta(hours=3))
    assert parse_date(datetime(2022, 5, 14, 10, 30, 5, 999, tzinfo=tz)) == "2022-05-14T10:30:05+03:00"


def test_iso_dates_do_not_import_dateutil():
    code = (
        "import sys; from newscli.dates import parse_date; "
        "assert parse_date('2020-03-10T14:02:00Z'); assert parse_date(1583848920); "
        "assert parse_date('Tue, 10 Mar 2020 14:02:00 GMT'); "
        "print('dateutil' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=80),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.from_regex(r"\d{1,4}[-/ .]\d{1,2}[-/ .]\d{1,4}( \d{1,2}:\d{2}( [A-Z]{3})?)?", fullmatch=True),
        st.none(),
        st.booleans(),
    )
)
def test_parse_date_never_raises(value):
    result = parse_date(value)
    assert result is None or (isinstance(result, str) and result[:4].isdigit() and result[4] == "-")


# --- parse_filter_date: what users type after --since/--until ----------------------------

import re  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from newscli.dates import DateFilterError, parse_filter_date  # noqa: E402

TODAY = date(2024, 3, 31)


@pytest.mark.parametrize(
    "text,since,until",
    [
        ("2022", "2022-01-01", "2022-12-31"),
        ("2022-05", "2022-05-01", "2022-05-31"),
        ("2022-5", "2022-05-01", "2022-05-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2023-02", "2023-02-01", "2023-02-28"),
        ("2022-12", "2022-12-01", "2022-12-31"),
        ("2022-05-14", "2022-05-14", "2022-05-14"),
        ("  2022-05-14 ", "2022-05-14", "2022-05-14"),
        ("2022-05-14T23:10:00+00:00", "2022-05-14", "2022-05-14"),
        ("14 May 2022", "2022-05-14", "2022-05-14"),
        ("May 14, 2022", "2022-05-14", "2022-05-14"),
        ("Saturday, 14th May 2022", "2022-05-14", "2022-05-14"),
        ("May 2022", "2022-05-01", "2022-05-31"),
        ("sept. 2020", "2020-09-01", "2020-09-30"),
        ("14/05/2022", "2022-05-14", "2022-05-14"),
        ("05/14/2022", "2022-05-14", "2022-05-14"),
        ("14.05.2022", "2022-05-14", "2022-05-14"),
        ("05.06.2022", "2022-06-05", "2022-06-05"),  # dotted: day first
        ("14/05/22", "2022-05-14", "2022-05-14"),
        ("2022/05/14", "2022-05-14", "2022-05-14"),
        ("14-May-2022", "2022-05-14", "2022-05-14"),
        ("20220514", "2022-05-14", "2022-05-14"),
        ("today", "2024-03-31", "2024-03-31"),
        ("Yesterday", "2024-03-30", "2024-03-30"),
        ("30d", "2024-03-01", "2024-03-01"),
        ("30 days", "2024-03-01", "2024-03-01"),
        ("2w", "2024-03-17", "2024-03-17"),
        ("3 weeks ago", "2024-03-10", "2024-03-10"),
        ("1m", "2024-02-29", "2024-02-29"),  # clamped to the shorter month
        ("6m", "2023-09-30", "2023-09-30"),
        ("1y", "2023-03-31", "2023-03-31"),
        ("0d", "2024-03-31", "2024-03-31"),
    ],
)
def test_parse_filter_date(text, since, until):
    assert parse_filter_date(text, end=False, today=TODAY) == since
    assert parse_filter_date(text, end=True, today=TODAY) == until


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "invalid date ''"),
        ("soon", "invalid date 'soon'"),
        ("May", "invalid date 'May'"),
        ("14 May", "invalid date '14 May'"),
        ("2022-13", "invalid date '2022-13'"),
        ("2022-02-30", "invalid date '2022-02-30'"),
        ("0000", "invalid date '0000'"),
        ("5000y", "invalid date '5000y'"),
        ("12", "invalid date '12'"),
        ("05/06/2022", "ambiguous date '05/06/2022': is it day/month or month/day?"),
        ("x" * 100, "invalid date 'xxxx"),
    ],
)
def test_parse_filter_date_errors(text, message):
    with pytest.raises(DateFilterError) as caught:
        parse_filter_date(text, end=False, today=TODAY)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_dateutil_is_imported_only_for_unusual_forms():
    import subprocess
    import sys

    code = (
        "import sys; from newscli.dates import parse_filter_date as p; "
        "[p(t, end=True) for t in ('2022', '2022-05', '14 May 2022', 'May 2022', '6m')]; "
        "print('dateutil' in sys.modules); p('2022/05/14', end=True); "
        "print('dateutil' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


@given(st.text(max_size=40), st.booleans())
def test_any_text_is_an_iso_date_or_our_error(text, end):
    try:
        result = parse_filter_date(text, end=end, today=TODAY)
    except DateFilterError as e:
        assert "\n" not in str(e)
    else:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", result)
        date.fromisoformat(result)


@given(st.dates(min_value=date(1000, 1, 1)), st.booleans())
def test_every_iso_date_reads_back(day, end):
    assert parse_filter_date(day.isoformat(), end=end) == day.isoformat()
    assert parse_filter_date(f"{day.day} {day:%B %Y}", end=end) == day.isoformat()


@given(st.integers(min_value=1000, max_value=9999), st.integers(min_value=1, max_value=12))
def test_month_spans_first_to_last_day(year, month):
    first = date.fromisoformat(parse_filter_date(f"{year}-{month:02d}", end=False))
    last = date.fromisoformat(parse_filter_date(f"{year}-{month:02d}", end=True))
    assert first.day == 1 and (last.month, last.year) == (month, year)
    if last != date.max:
        assert date.fromordinal(last.toordinal() + 1).day == 1


@given(st.text(alphabet="0123456789/-.:+ ,TZdwmyMayDecago", max_size=24), st.booleans())
def test_date_like_text_is_an_iso_date_or_our_error(text, end):
    test_any_text_is_an_iso_date_or_our_error.hypothesis.inner_test(text, end)


def test_property_tests_have_no_deadline_on_a_busy_machine():
    """The four tests above ran under Hypothesis's default 200 ms deadline per example."""
    assert settings.default.deadline is None
