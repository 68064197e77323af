"""Full-text search over the archive: ranked or dated results, filters, paging, snippets.

Ranking is FTS5's BM25 with the title weighted above the subtitle above the body
(`RANK_WEIGHTS`). The score given to users is the negated BM25 value, so higher is better;
it compares results of one query, not of different queries.

A search is two steps in one statement: the matches are filtered, ordered and cut to the
requested page first, and only the rows of that page get a snippet, so a word found in
100,000 articles costs one ranking pass, not 100,000 snippets. A query matching many
articles meets its filters and date order through the date index (see choose_plan).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from newscli.archive import json_list_sql
from newscli.query import QueryError, translate_query

SORTS = ("rank", "newest", "oldest")
RANK_WEIGHTS = (10.0, 5.0, 1.0)  # title, subtitle, body
SNIPPET_TOKENS = 16
# SQLite wraps the matched terms of a snippet in these two Unicode noncharacters, which no
# text meant for interchange contains; render.py turns them into styles (table) or into
# HIGHLIGHT_MARKER (machine formats).
MARK_START = "\ufdd0"
MARK_END = "\ufdd1"
HIGHLIGHT_MARKER = "**"
RESULT_COLUMNS = ("id", "title", "published", "source", "url", "snippet", "score")

_BM25 = "bm25(articles_fts, {}, {}, {})".format(*RANK_WEIGHTS)
# ORDER BY per sort, over the page's columns ({p} is the table prefix); ties go by import
# order so that consecutive pages never overlap or skip.
_ORDER = {
    "rank": "{p}bm25_rank, {p}seq",
    "newest": "{p}published IS NULL, {p}published DESC, {p}seq DESC",
    "oldest": "{p}published IS NULL, {p}published ASC, {p}seq ASC",
}


def match_expression(query: str, *, raw: bool = False) -> str:
    """The FTS5 MATCH expression for a user's query (QueryError if it cannot be one)."""
    if not raw:
        return translate_query(query)
    if not query.strip():
        raise QueryError("empty query")
    return query


def check_raw_expression(conn: sqlite3.Connection, expression: str) -> None:
    """Let SQLite parse a --raw expression once, so that its errors are reported as the
    query's fault in one line rather than as database errors."""
    try:
        conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1", (expression,)
        ).fetchall()
    except sqlite3.OperationalError as e:
        reason = str(e).removeprefix("fts5: ")
        if reason == 'syntax error near ""':
            reason = "syntax error at the end of the query"
        raise QueryError(f"invalid FTS5 query: {reason}") from None


SQLITE_MAX_INT = 2**63 - 1


def _day_after(iso: str) -> str:
    day = date.fromisoformat(iso[:10])
    if day == date.max:  # no day after 9999-12-31: a bound above any time on it instead
        return day.isoformat() + "\uffff"
    return (day + timedelta(days=1)).isoformat()


def source_names(conn: sqlite3.Connection, source) -> list[str]:
    """The source names stored in the archive that equal `source` (one name or several)
    in any case, so that the filter can use the source index with exact names."""
    wanted = {name.casefold() for name in ([source] if isinstance(source, str) else source)}
    rows = conn.execute("SELECT DISTINCT source FROM articles WHERE source IS NOT NULL")
    return [name for (name,) in rows if name.casefold() in wanted]


def filter_sql(conn: sqlite3.Connection, *, since=None, until=None, source=None, tag=None,
               table: str = "a") -> tuple[str, list]:  # fmt: skip
    """SQL conditions (each starting with ' AND ') and their bound parameters for the
    filters shared by search and timeline.

    `since`/`until` are ISO dates (or datetime.date); both are inclusive and compare with the
    date as written in the article, so `until='2022-05-14'` keeps '2022-05-14T23:10:00+00:00'.
    Articles without a publication date never pass a date filter. `source` is one name or
    several, matched without regard to case. `tag` is one tag or several, each of which the
    article must have (any case in ASCII; beyond it, as given or in lower, upper or title case).
    """
    sql, params = [], []
    if since is not None:
        sql.append(f" AND {table}.published >= ?")
        params.append(str(since))
    if until is not None:
        until = str(until)
        if len(until) == 10:  # a whole day: everything before the next one
            sql.append(f" AND {table}.published < ?")
            params.append(_day_after(until))
        else:
            sql.append(f" AND {table}.published <= ?")
            params.append(until)
    if source is not None and not isinstance(source, str) and not source:
        source = None
    if source is not None:
        names = source_names(conn, source)
        sql.append(f" AND {table}.source IN ({', '.join('?' * len(names))})")
        params.extend(names)
    if tag is not None:
        for name in [tag] if isinstance(tag, str) else list(tag):
            # NOCASE folds ASCII only: the usual casings of other letters are listed too.
            spellings = list(dict.fromkeys(
                (name, name.lower(), name.upper(), name.title(), name.capitalize())
            ))  # fmt: skip
            marks = ", ".join("?" * len(spellings))
            sql.append(
                f" AND EXISTS (SELECT 1 FROM json_each({json_list_sql(f'{table}.tags')}) "
                f"WHERE value COLLATE NOCASE IN ({marks}))"
            )
            params.extend(spellings)
    return "".join(sql), params


# How matches meet the filters. With few matches, each is looked up in `articles` ("join").
# With many, that costs a row read per match (the row holds the body), so the date index is
# scanned instead and each entry is checked against the set of matching rowids ("scan"):
# for `--sort newest` that stops after one page. SCAN_FRACTION of the archive is the switch.
SCAN_FRACTION = 0.02


def choose_plan(conn: sqlite3.Connection, expression: str) -> str:
    """'scan' when `expression` matches more than SCAN_FRACTION of the articles, else 'join'."""
    total = conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
    if total == 0:
        return "join"
    # A count over the index alone; capped, so that it never reads more than needed.
    cap = int(total * SCAN_FRACTION) + 1
    matches = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)",
        (expression, cap),
    ).fetchone()[0]
    return "scan" if matches >= cap else "join"


_MATCHING_ROWIDS = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"


def _matches_sql(where: str, columns: str, plan: str = "join") -> str:
    """Matching rows of articles_fts, filtered by `where` on articles `a`."""
    if not where:
        return f"SELECT {columns} FROM articles_fts WHERE articles_fts MATCH ?"
    if plan == "scan":
        # The FTS match drives; `+` keeps SQLite from running it once per candidate, which
        # come from the index. Parameters stay in the order (expression, *filter params).
        return (
            f"SELECT {columns} FROM articles_fts WHERE articles_fts MATCH ? "
            f"AND +articles_fts.rowid IN (SELECT a.seq FROM articles a WHERE 1{where})"
        )
    return (
        f"SELECT {columns} FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
        f"WHERE articles_fts MATCH ?{where}"
    )


def _dated_page_sql(sort: str, where: str, plan: str) -> tuple[str, int]:
    """SQL for one page by date (seq, published), and how many times it binds the
    expression and filter parameters."""
    columns = "a.seq AS seq, a.published AS published"
    if plan == "join":
        inner = (
            f"SELECT {columns} FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            f"WHERE articles_fts MATCH ?{where}"
        )
        return f"{inner} ORDER BY {_ORDER[sort].format(p='')} LIMIT ? OFFSET ?", 1
    scan = (
        f"SELECT {columns} FROM articles a INDEXED BY idx_articles_published "
        f"WHERE +a.seq IN ({_MATCHING_ROWIDS}){where}"
    )
    if sort == "newest":  # the index read backwards; undated (NULL) entries come last
        return f"{scan} ORDER BY a.published DESC, a.seq DESC LIMIT ? OFFSET ?", 1
    # Oldest: the dated entries in index order, then the undated ones.
    return (
        f"SELECT seq, published FROM ({scan} AND a.published IS NOT NULL "
        "ORDER BY a.published, a.seq) "
        f"UNION ALL SELECT seq, published FROM ({scan} AND a.published IS NULL ORDER BY a.seq) "
        "LIMIT ? OFFSET ?",
        2,
    )


def search_articles(
    conn: sqlite3.Connection,
    query: str,
    *,
    since=None,
    until=None,
    source=None,
    tag=None,
    sort: str = "rank",
    limit: int | None = 20,
    offset: int = 0,
    raw: bool = False,
    plan: str | None = None,
) -> list[dict]:
    """One page of the articles matching `query`, as dicts with RESULT_COLUMNS (see
    iter_search_articles)."""
    return list(
        iter_search_articles(
            conn,
            query,
            since=since,
            until=until,
            source=source,
            tag=tag,
            sort=sort,
            limit=limit,
            offset=offset,
            raw=raw,
            plan=plan,
        )  # fmt: skip
    )


def iter_search_articles(
    conn: sqlite3.Connection,
    query: str,
    *,
    since=None,
    until=None,
    source=None,
    tag=None,
    sort: str = "rank",
    limit: int | None = 20,
    offset: int = 0,
    raw: bool = False,
    plan: str | None = None,
) -> Iterator[dict]:
    """The articles matching `query`, one page, as dicts with RESULT_COLUMNS, as SQLite
    gives them (so that `--limit 0 --format jsonl` starts writing at once).

    `sort` is 'rank' (best first), 'newest' or 'oldest' (undated articles last); ties are
    broken by import order so pages never overlap. `limit=None` or 0 means no limit.
    The snippet keeps the article's text as stored, one line, matched terms between
    MARK_START and MARK_END. `plan` ('join' or 'scan') overrides choose_plan.
    Raises QueryError for a query that cannot be searched.
    """
    if sort not in _ORDER:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    expression = match_expression(query, raw=raw)
    if raw:
        check_raw_expression(conn, expression)
    where, params = filter_sql(conn, since=since, until=until, source=source, tag=tag)
    plan = plan or (choose_plan(conn, expression) if where or sort != "rank" else "join")
    binds = 1
    page = -1 if not limit else min(int(limit), SQLITE_MAX_INT)
    offset = min(max(0, int(offset)), SQLITE_MAX_INT)
    if sort == "rank" and 0 < page <= SQLITE_MAX_INT - offset:
        ranked = _rank_in_parts(conn, expression, where, params, page + offset, plan)
        if ranked is not None:
            yield from _page_rows(conn, expression, ranked[offset : offset + page])
            return
    if sort == "rank":
        inner = _matches_sql(where, f"articles_fts.rowid AS seq, {_BM25} AS bm25_rank", plan)
        page_sql = f"{inner} ORDER BY {_ORDER[sort].format(p='')} LIMIT ? OFFSET ?"
    else:
        page_sql, binds = _dated_page_sql(sort, where, plan)
    # bm25() in the second step would recount the whole index for each row (FTS5 forgets
    # its statistics between rowid lookups), so the rank sort reuses the first step's value.
    sql = (
        f"WITH page AS MATERIALIZED ({page_sql}) "
        "SELECT a.id, a.title, a.published, a.source, a.url, "
        f"{'page.bm25_rank' if sort == 'rank' else _BM25} AS bm25_rank, "
        f"snippet(articles_fts, -1, ?, ?, '…', {SNIPPET_TOKENS}) AS snippet "
        "FROM page CROSS JOIN articles_fts ON articles_fts.rowid = page.seq "
        "JOIN articles a ON a.seq = page.seq "
        "WHERE articles_fts MATCH ? "
        f"ORDER BY {_ORDER[sort].format(p='page.')}"
    )
    # SQLite integers stop at 2**63 - 1; a larger --limit or --offset means "no end".
    bound = [*[expression, *params] * binds, page, offset, MARK_START, MARK_END, expression]
    for row in conn.execute(sql, bound):
        yield _result(row)


def _result(row: sqlite3.Row) -> dict:
    return {
        "id": row["id"],
        "title": row["title"],
        "published": row["published"],
        "source": row["source"],
        "url": row["url"],
        "snippet": _one_line(row["snippet"]),
        "score": score(row["bm25_rank"]),
    }


# --- ranking a large archive in two parts at once -------------------------------------------
#
# BM25 costs about a microsecond per matching article (FTS5 reads each one's length), so a
# word found in most of a large archive takes most of a search's time. FTS5's BM25 takes
# its statistics (article count, average length, articles per term) from the whole table
# whatever rowid range is asked for, so the best `k` of each half of the rowids, merged by
# (score, seq), are exactly the best `k` of the whole: two connections rank one half each,
# in two threads (SQLite runs without holding Python's lock).
PARALLEL_MIN_ARTICLES = 50_000


def _second_core_free() -> bool:
    """Whether a second core is idle (1-minute load average below cores - 1): the second
    half only runs in parallel then; on a busy machine it would just double the work."""
    import os

    cores = os.cpu_count() or 1
    if cores < 2:
        return False
    try:
        return os.getloadavg()[0] <= cores - 1
    except (AttributeError, OSError):  # no load average on this platform
        return True


def _rank_in_parts(
    conn: sqlite3.Connection,
    expression: str,
    where: str,
    params: list,
    k: int,
    plan: str = "join",
) -> list[tuple[int, float]] | None:
    """The best `k` (seq, bm25) of the matches, ranked in two parts; None when ranking in
    one part is as good (small archive, no idle core, no file for a second connection)."""
    if not _second_core_free():
        return None
    # Two subqueries: min() and max() in one SELECT would scan the whole table.
    low, high = conn.execute(
        "SELECT (SELECT min(seq) FROM articles), (SELECT max(seq) FROM articles)"
    ).fetchone()
    if low is None or high - low + 1 < PARALLEL_MIN_ARTICLES:
        return None
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    if not path:
        return None
    import threading
    from pathlib import Path

    sql = (
        _matches_sql(where, f"articles_fts.rowid AS seq, {_BM25} AS bm25_rank", plan)
        + " AND articles_fts.rowid BETWEEN ? AND ? ORDER BY bm25_rank, seq LIMIT ?"
    )
    middle = (low + high) // 2
    other = sqlite3.connect(Path(path).as_uri() + "?mode=ro", uri=True, check_same_thread=False)
    other_rows: list = []
    failure: list[BaseException] = []

    def rank_upper_half() -> None:
        try:
            other_rows.extend(other.execute(sql, [expression, *params, middle + 1, high, k]))
        except BaseException as e:  # re-raised in the calling thread
            failure.append(e)

    worker = threading.Thread(target=rank_upper_half, daemon=True)
    worker.start()
    try:
        rows = [tuple(r) for r in conn.execute(sql, [expression, *params, low, middle, k])]
    finally:
        worker.join()
        other.close()
    if failure:
        raise failure[0]
    rows.extend(tuple(r) for r in other_rows)
    rows.sort(key=lambda r: (r[1], r[0]))
    return rows[:k]


def _page_rows(conn: sqlite3.Connection, expression: str, ranked) -> list[dict]:
    """The result rows (with snippets) of an already ranked page of (seq, bm25)."""
    if not ranked:
        return []
    values = ", ".join("(?, ?, ?)" for _ in ranked)
    sql = (
        f"WITH page(seq, bm25_rank, place) AS (VALUES {values}) "
        "SELECT a.id, a.title, a.published, a.source, a.url, page.bm25_rank, "
        f"snippet(articles_fts, -1, ?, ?, '…', {SNIPPET_TOKENS}) AS snippet "
        "FROM page CROSS JOIN articles_fts ON articles_fts.rowid = page.seq "
        "JOIN articles a ON a.seq = page.seq "
        "WHERE articles_fts MATCH ? ORDER BY page.place"
    )
    bound = [v for n, (seq, rank) in enumerate(ranked) for v in (seq, rank, n)]
    return [_result(row) for row in conn.execute(sql, [*bound, MARK_START, MARK_END, expression])]


def count_matches(
    conn: sqlite3.Connection,
    query: str,
    *,
    since=None,
    until=None,
    source=None,
    tag=None,
    raw=False,
) -> int:
    """How many articles match `query` with these filters (the same ones as search_articles)."""
    expression = match_expression(query, raw=raw)
    if raw:
        check_raw_expression(conn, expression)
    where, params = filter_sql(conn, since=since, until=until, source=source, tag=tag)
    sql = _matches_sql(where, "count(*)", choose_plan(conn, expression) if where else "join")
    return conn.execute(sql, [expression, *params]).fetchone()[0]


def score(rank: float) -> float:
    """BM25 as a score where higher is better, to 6 significant digits."""
    return float(f"{-rank:.6g}") + 0.0  # + 0.0 turns -0.0 into 0.0


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def marked_snippet(snippet: str, marker: str = HIGHLIGHT_MARKER) -> str:
    """The snippet with its matched terms between `marker`s (`**term**`), for machine output."""
    return snippet.replace(MARK_START, marker).replace(MARK_END, marker)


def snippet_parts(snippet: str) -> Iterable[tuple[str, bool]]:
    """(text, is_match) pieces of a snippet, for drawing the matched terms in a style."""
    for n, chunk in enumerate(snippet.split(MARK_START)):
        if n == 0:
            if chunk:
                yield chunk.replace(MARK_END, ""), False
            continue
        term, _, rest = chunk.partition(MARK_END)
        if term:
            yield term, True
        if rest:
            yield rest.replace(MARK_END, ""), False
