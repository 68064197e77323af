"""How many matching articles were published per day, ISO week, month or year.

SQLite does the counting: one GROUP BY over the publication day of the matching articles
(the date index when there is no query) per series, so only one row per day with articles
reaches Python, which adds the days up into the chosen periods and fills the empty ones
with 0. A chart can hold more series than the main query: other queries (`compare`), the
values of one field (`split`), and the share of all articles of each period (`share`, one
more GROUP BY over the filters alone); `find_peaks` marks the periods where a series jumps
well above its own recent level.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from newscli.errors import NewscliError
from newscli.filters import Filters
from newscli.search import (
    CompiledQuery,
    SearchRequest,
    compile_request,
    fetch_all,
    matching_sql,
    resolve_plan,
    rows_by_halves,
)

PERIODS = ("day", "week", "month", "year")
MAX_ROWS = 60  # the most rows an automatically chosen period gives, if it can
MAX_PERIODS = 20_000  # a chart longer than this is a mistake (e.g. --by day --since 1900)
PERIOD_COLUMNS = ("period", "start", "end", "count")
LIST_COLUMNS = ("period", "published", "id", "title", "source", "url")
PEAK_COLUMNS = ("series", "period", "start", "end", "count", "z", "headlines")
SPLIT_FIELDS = ("source", "tag", "author", "lang")
DEFAULT_TOP = 6  # --split: the values with most matching articles, the rest as OTHER
OTHER = "other"
ALL_ARTICLES = "all articles"  # the key of the main series when there is no query


class TimelineError(NewscliError, ValueError):
    """A timeline that cannot be drawn, told in one line."""


@dataclass
class Timeline:
    by: str
    periods: list[dict] = field(default_factory=list)  # PERIOD_COLUMNS, gaps included
    undated: int = 0  # matching articles without a (usable) publication date
    first: str | None = None  # the first and last publication day among the matches
    last: str | None = None
    # With compare, split or share: the keys of each row's `counts` (and `shares`), in
    # order, the main query first (not with split); empty for a chart of one query.
    series: list[str] = field(default_factory=list)
    share: bool = False  # rows have `total` (all articles of the period) and `shares`
    split: str | None = None
    matched: int = 0  # articles matched by any series, dated or not
    requests: dict[str, SearchRequest | None] = field(default_factory=dict)  # per series key
    peaks: list[dict] = field(default_factory=list)  # find_peaks, when asked for
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


@dataclass
class _Counts:
    """One series: matching articles per publication day, and those without a date."""

    per_day: dict[date, int] = field(default_factory=dict)
    undated: int = 0

    def add(self, text: str | None, n: int) -> None:
        self.add_many([(text or "", n)])

    def add_many(self, counted: Iterable[tuple[str, int]]) -> None:
        """`n` articles for each (text, n), on the day `text` begins with (as _day reads
        it), else undated: in one loop, a day's parse not a call deeper."""
        per_day, fromisoformat = self.per_day, date.fromisoformat
        for text, n in counted:
            try:
                day = fromisoformat(text[:10])
            except ValueError:
                self.undated += n
                continue
            per_day[day] = per_day.get(day, 0) + n

    def per_period(self, by: str) -> dict[date, int]:
        totals: dict[date, int] = {}
        # Each month's or year's first day made once, not once per day: date.replace is
        # slow (9,094 days by year: 16 ms per day, 3 ms once per year).
        starts: dict[date | int, date] = {}
        for day, n in self.per_day.items():
            key: date | int = day
            if by in ("month", "year"):
                key = day.year * 16 + day.month if by == "month" else day.year
            start = starts.get(key)
            if start is None:
                start = starts[key] = period_start(day, by)
            totals[start] = totals.get(start, 0) + n
        return totals


def _count(
    conn: sqlite3.Connection, compiled: CompiledQuery, plan: str | None, stories: bool = False
) -> _Counts:
    """The matching articles per publication day, read in one statement (with `stories`,
    the matching stories, each on the first day one of its articles matches)."""
    counts = _Counts()
    if stories:
        from newscli.stories import story_sql

        from_where, params = matching_sql(conn, compiled, plan, dates_only=True)
        sql = (
            f"SELECT day, count(*) FROM (SELECT min(substr(a.published, 1, 10)) AS day {from_where} "
            f"GROUP BY {story_sql()}) GROUP BY day"
        )
        for text, n in fetch_all(conn, sql, params):
            counts.add(text, n)
        return counts
    # Articles count apart, so each half of the seqs is counted at once on its own core
    # (search.in_two_parts: `timeline government` at 1,000,000 articles, 495,000 matches,
    # 366 ms against 497, whole process, median of 5).
    plan = resolve_plan(conn, compiled, plan)  # once for both statements
    halves, params = matching_sql(conn, compiled, plan, dates_only=True, seq_range=True)
    whole, _ = matching_sql(conn, compiled, plan, dates_only=True)
    for days, undated in rows_by_halves(conn, DAYS_SQL.format(halves), DAYS_SQL.format(whole), params):
        _add_days(counts, days)
        counts.add(None, undated)
    return counts


# A match's day as `GROUP BY substr(a.published, 1, 10)` would give it, its commas (the
# separator) made semicolons: a date holds neither, so a value stays a date or not a date.
_DAY_KEY = "replace(substr(a.published, 1, 10), ',', ';')"
# The days of the matches FROM/WHERE `{}` joined in one string, and how many are undated:
# SQLite's GROUP BY would sort every match first (100,000 articles, `government`: 67 -> 42
# ms a pass), Counter counts the string (_add_days).
DAYS_SQL = f"SELECT group_concat({_DAY_KEY}, ','), count(*) - count(a.published) {{}}"
_PIECE = 1 << 20  # characters of joined days split at once (a bounded list, not one per match)


def _add_days(counts: _Counts, joined: str | None) -> None:
    """Add the days of `joined` (comma-separated, None for none) to `counts`."""
    if joined is None:
        return
    from collections import Counter

    # One Counter over all the pieces: each distinct day is parsed once, not once a piece
    # (every article of 1,000,000, for --share: 22 pieces of ~9,000 days each).
    days: Counter[str] = Counter()
    start = 0
    while True:
        end = joined.find(",", start + _PIECE) if start + _PIECE < len(joined) else -1
        piece = joined[start:] if end < 0 else joined[start:end]
        days.update(piece.split(","))
        if end < 0:
            break
        start = end + 1
    counts.add_many(days.items())


# The value(s) of each split field as SQL over the articles `a`; tags and authors are lists.
_SPLIT_VALUE = {"source": "a.source", "lang": "a.lang"}
_SPLIT_LIST = {"tag": "a.tags", "author": "a.authors"}
_LIST_VALUE = "CASE t.type WHEN 'text' THEN t.value WHEN 'object' THEN json_extract(t.value, '$.name') END"
_FOLD = {"source": str.casefold, "tag": str.lower, "author": str.casefold, "lang": str.lower}


def _count_split(
    conn: sqlite3.Connection, compiled: CompiledQuery, plan: str | None, split: str, top: int
) -> tuple[dict[str, _Counts], list[str]]:
    """The matching articles per value of `split` and day, in one GROUP BY; values that
    differ only in case are one (as the filters match them), the `top` with most articles
    kept (0: all) and the rest summed as OTHER. An article counts under each of its tags or
    authors, and under `(no tag)` when it has none. Returns the series and the names of the
    values kept (for the headlines of peaks)."""
    from newscli.archive import json_list_sql
    from newscli.stats import _fold

    from_where, params = matching_sql(conn, compiled, plan)
    if split in _SPLIT_VALUE:
        sql = (
            f"SELECT substr(a.published, 1, 10) AS day, {_SPLIT_VALUE[split]} AS value, count(*) "
            f"{from_where} GROUP BY day, value"
        )
    else:
        matching = (
            f"(SELECT a.seq AS seq, substr(a.published, 1, 10) AS day, {_SPLIT_LIST[split]} AS list "
            f"{from_where}) AS m"
        )
        values = f"json_each({json_list_sql('m.list')}) AS t"
        sql = (
            f"SELECT m.day, {_LIST_VALUE} AS value, count(DISTINCT m.seq) FROM {matching} "
            f"LEFT JOIN {values} GROUP BY m.day, value"
        )
    rows = [(day, value if isinstance(value, str) and value.strip() else None, n)
            for day, value, n in conn.execute(sql, params)]  # fmt: skip
    totals: dict[str | None, int] = {}
    for _, value, n in rows:
        totals[value] = totals.get(value, 0) + n
    fold = _FOLD[split]
    named, _ = _fold([(v, n) for v, n in totals.items() if v is not None], key=fold)
    kept = [name for name, _ in (named[:top] if top > 0 else named)]
    other = f"({OTHER})" if OTHER in kept else OTHER
    names = {fold(name): name for name in kept}
    series: dict[str, _Counts] = {name: _Counts() for name in kept}
    none = f"(no {split})"
    for day, value, n in rows:
        key = none if value is None else names.get(fold(value), other)
        if key != other or split in _SPLIT_VALUE:
            series.setdefault(key, _Counts()).add(day, n)
    if split in _SPLIT_LIST and len(named) > len(kept):
        # An article with several tags beyond the top ones is one article of `other`.
        spellings = sorted({v for _, v, _ in rows if v is not None and fold(v) in names})
        sql = (
            f"SELECT m.day, count(*) FROM {matching} WHERE EXISTS (SELECT 1 FROM {values} "
            f"WHERE trim(coalesce({_LIST_VALUE}, '')) != '' "
            f"AND {_LIST_VALUE} NOT IN (SELECT value FROM json_each(?))) GROUP BY m.day"
        )
        series[other] = _Counts()
        for day, n in conn.execute(sql, [*params, json.dumps(spellings)]):
            series[other].add(day, n)
    ordered = {key: series[key] for key in (*kept, other, none) if key in series}
    return ordered, kept


def _split_request(request: SearchRequest, split: str, value: str, kept: list[str]) -> SearchRequest | None:
    """The request that finds the articles of one split series (for their headlines)."""
    if value.startswith("(no "):
        return None
    name = {"source": "sources", "tag": "tags", "author": "authors", "lang": "langs"}[split]
    names: dict[str, Any] = {name: (value,)} if value in kept else {f"exclude_{name}": tuple(kept)}
    extra = Filters(**names)
    return replace(request, filters=request.filters.merged(extra))


def _span(series: list[tuple[CompiledQuery, _Counts]]) -> tuple[date, date, date, date] | None:
    """(first, last) day of the chart and of the matches, over every series with matches:
    the filters' since/until where given, else the first/last matching day."""
    firsts, lasts, matches = [], [], []
    for compiled, counts in series:
        if counts.per_day:
            first_match, last_match = min(counts.per_day), max(counts.per_day)
            matches += [first_match, last_match]
            firsts.append(_day(compiled.filters.since) or first_match)
            lasts.append(_day(compiled.filters.until) or last_match)
    if not matches:
        return None
    return min(firsts), max(lasts), min(matches), max(matches)


def build_timeline(
    conn: sqlite3.Connection,
    request: SearchRequest,
    *,
    by: str | None = None,
    plan: str | None = None,
    compare: tuple[str, ...] = (),
    share: bool = False,
    split: str | None = None,
    top: int = DEFAULT_TOP,
    stories: bool = False,
) -> Timeline:
    """Counts of the articles matching the request's query (all articles if None) and
    filters per period; `stories`: of the stories they belong to, copies counted once, on
    the day of the story's first matching article (newscli.stories).

    The chart spans from the filters' `since` (else the first matching day) to `until`
    (else the last), every period in between included, with 0 where nothing was published.
    `by` None picks the period from that span (see choose_period). `plan` forces the search
    plan (search.matching_sql).

    `compare`: more queries (same filters), one series each. `split`: one series per value
    of that field (SPLIT_FIELDS) among the main query's matches. `share`: each row also
    gets the number of all articles of the period passing the filters (`total`) and each
    series' fraction of it (`shares`). With any of them, rows get `counts` keyed by each
    series' name (the query's text, or the field's value). Raises QueryError, TimelineError.
    """
    if by is not None and by not in PERIODS:
        raise ValueError(f"by must be one of {', '.join(PERIODS)}")
    if split is not None and split not in SPLIT_FIELDS:
        raise ValueError(f"split must be one of {', '.join(SPLIT_FIELDS)}")
    if stories and split:
        raise TimelineError("--stories and --split cannot be combined yet: use one of them")
    if split and compare:
        raise TimelineError("--split and --compare draw different series: use one of them")
    main_key = request.query if request.query is not None else ALL_ARTICLES
    requests: dict[str, SearchRequest | None] = {main_key: request}
    for query in compare:
        if query in requests:
            raise TimelineError(f"--compare {query!r}: that query is on the chart already")
        requests[query] = replace(request, query=query)
    compiled = {key: compile_request(conn, r) for key, r in requests.items() if r is not None}
    counted = {key: _count(conn, c, plan, stories) for key, c in compiled.items()}
    main = counted[main_key]
    series = counted if compare or share else {}
    if split:
        series, kept = _count_split(conn, compiled[main_key], plan, split, top)
        requests = {main_key: request}
        requests.update({key: _split_request(request, split, key, kept) for key in series})
    matched = max(sum(c.per_day.values()) + c.undated for c in (*counted.values(), *series.values()))
    span = _span([(compiled[key], counted[key]) for key in compiled])
    if span is None:
        return Timeline(by=by or "month", undated=main.undated, series=list(series), share=share,
                        split=split, matched=matched, requests=requests, stories=stories)  # fmt: skip
    first, last, first_match, last_match = span
    by = by or choose_period(first, last)
    rows = count_periods(first, last, by)
    if rows > MAX_PERIODS:
        raise TimelineError(
            f"a chart by {by} from {first} to {last} would have {rows:,} rows; "
            "choose a longer period (--by) or a shorter span (--since/--until)"
        )
    totals: dict[date, int] = {}
    if share:
        # All articles of the chart's whole periods that pass the filters: the date index, no query.
        following = next_period(period_start(last, by), by)
        end = following - timedelta(days=1) if following else date.max
        span_filters = Filters(since=period_start(first, by).isoformat(), until=end.isoformat())
        everything = compile_request(conn, SearchRequest(None, request.filters.merged(span_filters)))
        totals = _count(conn, everything, plan, stories).per_period(by)
    main_per_period = main.per_period(by)
    per_period = {key: counts.per_period(by) for key, counts in series.items()}
    periods = []
    start: date | None = period_start(first, by)
    while start is not None and start <= last:
        following = next_period(start, by)
        row: dict = {
            "period": period_label(start, by),
            "start": start.isoformat(),
            "end": (following - timedelta(days=1) if following else date.max).isoformat(),
            "count": main_per_period.get(start, 0),
        }
        if series:
            row["counts"] = {key: counts.get(start, 0) for key, counts in per_period.items()}
        if share:
            total = totals.get(start, 0)
            row["total"] = total
            row["shares"] = {key: (n / total if total else None) for key, n in row["counts"].items()}
        periods.append(row)
        start = following
    return Timeline(
        by=by,
        periods=periods,
        undated=main.undated,
        first=first_match.isoformat(),
        last=last_match.isoformat(),
        series=list(series),
        share=share,
        split=split,
        matched=matched,
        requests=requests,
        stories=stories,
    )


def machine_rows(timeline: Timeline) -> tuple[list[dict], tuple[str, ...]]:
    """The rows and columns for CSV and TSV: one column per series (named by it), then
    `total` and one `share:NAME` column per series with share."""
    if not timeline.series:
        return timeline.periods, PERIOD_COLUMNS
    columns = [*PERIOD_COLUMNS, *timeline.series]
    if timeline.share:
        columns += ["total", *(f"share:{key}" for key in timeline.series)]
    rows = []
    for period in timeline.periods:
        row = {c: period[c] for c in PERIOD_COLUMNS}
        row.update(period["counts"])
        if timeline.share:
            row["total"] = period["total"]
            row.update({f"share:{key}": value for key, value in period["shares"].items()})
        rows.append(row)
    return rows, tuple(columns)


def json_columns(timeline: Timeline) -> tuple[str, ...]:
    """The keys of each row in JSON and JSON Lines."""
    columns: tuple[str, ...] = PERIOD_COLUMNS
    if timeline.series:
        columns += ("counts",)
    if timeline.share:
        columns += ("total", "shares")
    return columns


def chart_title(timeline: Timeline, query: str | None) -> str:
    """What the chart counts, in a few words: `kyiv vs kiev`, `ukraine by source`."""
    main = query if query is not None else "All articles"
    if timeline.split:
        return f"{main} by {timeline.split}"
    if len(timeline.series) > 1:
        return " vs ".join(timeline.series)
    return main


def chart_details(timeline: Timeline, request: SearchRequest, archive) -> list[str]:
    """The line under a plot's title: the filters, the period, the archive."""
    details = list(request.filters.describe())
    details.append(f"per {timeline.by}" + (", share of all articles" if timeline.share else ""))
    details.append(f"archive: {Path(archive).name}")
    return details


# --- peaks ----------------------------------------------------------------------------------

PEAK_WINDOW = 8  # the periods before that make a series' recent level
PEAK_HISTORY = 3  # no peak before this many periods of history
PEAK_Z = 3.0  # how far above the recent level, in its spread, a peak is
PEAK_MIN_COUNT = 3  # a peak has at least this many articles
HEADLINES = 3


def peak_scores(counts: list[int]) -> list[float | None]:
    """For each period, how far its count stands above the PEAK_WINDOW periods before it:
    (count - mean) / spread, the spread being their standard deviation, or the square root
    of their mean if larger (counts of independent events vary that much by chance) and at
    least 1. None for the first PEAK_HISTORY periods, which have too little history."""
    scores: list[float | None] = []
    for i, count in enumerate(counts):
        history = counts[max(0, i - PEAK_WINDOW) : i]
        if len(history) < PEAK_HISTORY:
            scores.append(None)
            continue
        mean = sum(history) / len(history)
        deviation = math.sqrt(sum((n - mean) ** 2 for n in history) / len(history))
        scores.append((count - mean) / max(deviation, math.sqrt(mean), 1.0))
    return scores


def find_peaks(conn: sqlite3.Connection, timeline: Timeline) -> list[dict]:
    """The periods where a series jumps well above its own recent level (peak_scores at
    least PEAK_Z, and at least PEAK_MIN_COUNT articles), in date order, each with the
    HEADLINES best-ranked headlines of that series in that period."""
    from newscli.search import iter_search_articles

    keys = timeline.series or [next(iter(timeline.requests))]
    peaks = []
    for key in keys:
        counts = [p["counts"][key] if timeline.series else p["count"] for p in timeline.periods]
        for period, n, z in zip(timeline.periods, counts, peak_scores(counts), strict=True):
            if z is None or z < PEAK_Z or n < PEAK_MIN_COUNT:
                continue
            headlines: list[dict] = []
            request = timeline.requests.get(key)
            if request is not None:
                within = Filters(since=period["start"], until=period["end"])
                found = replace(request, filters=request.filters.merged(within), limit=HEADLINES, offset=0)
                headlines = [{"id": a["id"], "title": a["title"]} for a in iter_search_articles(conn, found)]
            peak = {"series": key, "period": period["period"], "start": period["start"],
                    "end": period["end"], "count": n, "z": round(z, 1), "headlines": headlines}  # fmt: skip
            if timeline.share:
                peak["share"] = period["shares"][key]
            peaks.append(peak)
    peaks.sort(key=lambda peak: (peak["start"], keys.index(peak["series"])))
    return peaks


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
