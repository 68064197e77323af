"""How many matching articles were published per day, ISO week, month or year.

SQLite does the counting: one GROUP BY over the publication day of the matching articles
(the date index when there is no query), so only one row per day with articles reaches
Python, which adds the days up into the chosen periods and fills the empty ones with 0.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta

from newscli.errors import NewscliError
from newscli.search import SearchRequest, compile_request, matching_sql

PERIODS = ("day", "week", "month", "year")
MAX_ROWS = 60  # the most rows an automatically chosen period gives, if it can
MAX_PERIODS = 20_000  # a chart longer than this is a mistake (e.g. --by day --since 1900)
PERIOD_COLUMNS = ("period", "start", "end", "count")
LIST_COLUMNS = ("period", "published", "id", "title", "source", "url")


class TimelineError(NewscliError, ValueError):
    """A timeline that cannot be drawn, told in one line."""


@dataclass
class Timeline:
    by: str
    periods: list[dict] = field(default_factory=list)  # PERIOD_COLUMNS, gaps included
    undated: int = 0  # matching articles without a (usable) publication date
    first: str | None = None  # the first and last publication day among the matches
    last: str | None = None
    stories: bool = False  # counts stories (each on its first matching day), not articles

    @property
    def dated(self) -> int:
        return sum(p["count"] for p in self.periods)

    @property
    def total(self) -> int:
        return self.dated + self.undated


# --- periods -------------------------------------------------------------------------


def period_start(day: date, by: str) -> date:
    if by == "day":
        return day
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_period(start: date, by: str) -> date | None:
    """The first day of the period after the one starting on `start`; None after 9999."""
    try:
        if by == "day":
            return start + timedelta(days=1)
        if by == "week":
            return start + timedelta(days=7)
        if by == "month":
            return date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return date(start.year + 1, 1, 1)
    except (OverflowError, ValueError):  # past date.max: the last period there is
        return None


def period_label(start: date, by: str) -> str:
    """2022-05-14, 2022-W19 (ISO week), 2022-05 or 2022."""
    if by == "day":
        return start.isoformat()
    if by == "week":
        year, week, _ = start.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if by == "month":
        return start.isoformat()[:7]
    return f"{start.year:04d}"  # ISO 8601: four digits, as in 0001-01-01


def count_periods(first: date, last: date, by: str) -> int:
    if by == "day":
        return (last - first).days + 1
    if by == "week":
        return (period_start(last, "week") - period_start(first, "week")).days // 7 + 1
    if by == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return last.year - first.year + 1


def choose_period(first: date, last: date) -> str:
    """The finest period that draws the span in at most MAX_ROWS rows (else years)."""
    for by in PERIODS:
        if count_periods(first, last, by) <= MAX_ROWS:
            return by
    return "year"


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


# --- counting ------------------------------------------------------------------------------


def build_timeline(
    conn: sqlite3.Connection,
    request: SearchRequest,
    *,
    by: str | None = None,
    plan: str | None = None,
    stories: bool = False,
) -> Timeline:
    """Counts of the articles matching the request's query (all articles if None) and
    filters per period; `stories`: of the stories they belong to, copies counted once, on
    the day of the story's first matching article (newscli.stories).

    The chart spans from the filters' `since` (else the first matching day) to `until`
    (else the last), every period in between included, with 0 where nothing was published.
    `by` None picks the period from that span (see choose_period). `plan` forces the search
    plan (search.matching_sql). Raises QueryError, TimelineError.
    """
    if by is not None and by not in PERIODS:
        raise ValueError(f"by must be one of {', '.join(PERIODS)}")
    compiled = compile_request(conn, request)
    since, until = compiled.filters.since, compiled.filters.until
    from_where, params = matching_sql(conn, compiled, plan)
    per_day: dict[date, int] = {}
    undated = 0
    sql = f"SELECT substr(a.published, 1, 10) AS day, count(*) {from_where} GROUP BY day"
    if stories:
        from newscli.stories import story_sql

        sql = (
            f"SELECT day, count(*) FROM (SELECT min(substr(a.published, 1, 10)) AS day {from_where} "
            f"GROUP BY {story_sql()}) GROUP BY day"
        )
    for text, n in conn.execute(sql, params):
        day = _day(text)
        if day is None:
            undated += n
        else:
            per_day[day] = per_day.get(day, 0) + n
    if not per_day:
        return Timeline(by=by or "month", undated=undated, stories=stories)
    first_match, last_match = min(per_day), max(per_day)
    first = _day(since) or first_match
    last = _day(until) or last_match
    by = by or choose_period(first, last)
    rows = count_periods(first, last, by)
    if rows > MAX_PERIODS:
        raise TimelineError(
            f"a chart by {by} from {first} to {last} would have {rows:,} rows; "
            "choose a longer period (--by) or a shorter span (--since/--until)"
        )
    totals: dict[date, int] = {}
    for day, n in per_day.items():
        period = period_start(day, by)
        totals[period] = totals.get(period, 0) + n
    periods = []
    start: date | None = period_start(first, by)
    while start is not None and start <= last:
        following = next_period(start, by)
        periods.append(
            {
                "period": period_label(start, by),
                "start": start.isoformat(),
                "end": (following - timedelta(days=1) if following else date.max).isoformat(),
                "count": totals.get(start, 0),
            }
        )
        start = following
    return Timeline(
        by=by,
        periods=periods,
        undated=undated,
        first=first_match.isoformat(),
        last=last_match.isoformat(),
        stories=stories,
    )


def list_articles(
    conn: sqlite3.Connection, request: SearchRequest, *, by: str | None = None
) -> tuple[str, list[dict]]:
    """The matching articles in publication order, each with the `period` it falls in
    (None for undated ones, which come last); returns (by, articles)."""
    compiled = compile_request(conn, request)
    since, until = compiled.filters.since, compiled.filters.until
    from_where, params = matching_sql(conn, compiled, "join")
    sql = (
        "SELECT a.published, a.id, a.title, a.source, a.url "
        f"{from_where} ORDER BY a.published IS NULL, a.published, a.seq"
    )
    articles = [dict(row) for row in conn.execute(sql, params)]
    days = [d for d in (_day(a["published"]) for a in articles) if d]
    if by is None:
        by = choose_period(_day(since) or min(days), _day(until) or max(days)) if days else "month"
    dated: list[dict] = []
    undated: list[dict] = []
    for article in articles:
        day = _day(article["published"])
        article["period"] = period_label(period_start(day, by), by) if day else None
        (dated if day else undated).append({c: article[c] for c in LIST_COLUMNS})
    return by, dated + undated
