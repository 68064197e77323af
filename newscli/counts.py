"""How many articles match each of many queries (a list of names, of topics), with the first
and last publication date of the matches: `newscli count`.

Each query is read and counted on its own, so a query that cannot be read is reported (with
its line number when it came from a file) and the others still run. Counting stays in
SQLite: the number from the index alone when no filter applies, the first and last date
from the date index (one entry each way), never a row per match.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from newscli.errors import NewscliError
from newscli.filters import Filters
from newscli.search import (
    SEARCH_TABLE,
    SearchRequest,
    choose_plan,
    compile_request,
    count_matches,
    one_snapshot,
)

COUNT_COLUMNS = ("query", "count", "first", "last")


@dataclass(frozen=True)
class QueryLine:
    """One query to count, and where it came from (a line number in a file, or None)."""

    text: str
    line: int | None = None


@dataclass(frozen=True)
class Counted:
    """A query's row, or the one-line reason it could not be counted (`error`)."""

    query: QueryLine
    count: int = 0
    first: str | None = None
    last: str | None = None
    error: str | None = None

    def row(self) -> dict:
        return {"query": self.query.text, "count": self.count, "first": self.first, "last": self.last}


def read_queries(lines: Iterable[str]) -> Iterator[QueryLine]:
    """The queries of a file: one a line; blank lines and lines starting with `#` skipped."""
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if text and not text.startswith("#"):
            yield QueryLine(text, number)


# Up to this many matches, their rows are read for the first and last date (one query);
# above, the date index is walked from each end (no row read, but a pass over the
# matches for each end).
READ_ROWS_UP_TO = 300


def _date_bounds(conn: sqlite3.Connection, compiled, total: int) -> tuple[str | None, str | None]:
    """The first and last publication date of the `total` matches."""
    from newscli.filters import filter_sql
    from newscli.search import matching_sql

    if total <= READ_ROWS_UP_TO or compiled.expression is None:
        from_where, params = matching_sql(conn, compiled, plan="join")
        row = conn.execute(f"SELECT min(a.published), max(a.published) {from_where}", params).fetchone()
        return row[0], row[1]
    where, params = filter_sql(conn, compiled.filters)
    plan = choose_plan(conn, compiled.expression, compiled.filters) if where else "scan"
    if plan != "scan":
        from_where, params = matching_sql(conn, compiled, plan=plan)
    else:
        # The date index read from one end, each entry checked against the set of
        # matches: it holds the dates, so no article row is read for the walk.
        from_where = (
            "FROM articles a INDEXED BY idx_articles_published "
            f"WHERE +a.seq IN (SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ?){where}"
        )
        params = [compiled.expression, *params]
    bounds = []
    for order in ("ASC", "DESC"):
        row = conn.execute(
            f"SELECT a.published {from_where} AND a.published IS NOT NULL "
            f"ORDER BY a.published {order} LIMIT 1",
            params,
        ).fetchone()
        bounds.append(row[0] if row else None)
    return bounds[0], bounds[1]


def count_query(conn: sqlite3.Connection, query: QueryLine, filters: Filters) -> Counted:
    """One query counted under `filters` (its own fields merged in)."""
    request = SearchRequest(query.text, filters)
    try:
        compiled = compile_request(conn, request)
    except NewscliError as e:
        return Counted(query, error=str(e))
    with one_snapshot(conn):
        total = count_matches(conn, request, compiled)
        if not total:
            return Counted(query)
        return Counted(query, total, *_date_bounds(conn, compiled, total))


def count_queries(
    conn: sqlite3.Connection, queries: Iterable[QueryLine], filters: Filters
) -> Iterator[Counted]:
    for query in queries:
        yield count_query(conn, query, filters)
