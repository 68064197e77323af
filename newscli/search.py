"""Full-text search over the archive: ranked or dated results, filters, paging, snippets.

A search arrives as one `SearchRequest` (query text, filters, sort, page). `compile_request`
reads the query (newscli.query), looks up the stored forms of its unquoted words
(`search_forms`) and gives the FTS5 expression over `search_index` and the filters, the
query's own fields merged in.

Ranking is BM25F (newscli.ranking): FTS5's bm25 picks the candidates, BM25F, which
normalises the title, subtitle and body each by its own length, orders them, so that
headline-only flashes do not crowd out stories. Equal scores go newest first. The score
given to users is BM25F (higher is better); it compares results of one query, not of
different queries.

Copies of one story (newscli.stories) are one result, the best-placed copy, with the
number of other matching copies and the story's key; `all_copies` lists each.

The matches are filtered, ordered and cut to the requested page first, and only the rows
of that page are read and get a snippet (newscli.matching), so a word found in 100,000
articles costs one ranking pass, not 100,000 snippets. A query matching many articles meets
its filters and date order through the date index (see choose_plan). One search reads one
snapshot of the archive, whatever another process commits meanwhile.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newscli.filters import Filters, filter_sql
from newscli.ranking import CANDIDATE_BM25

if TYPE_CHECKING:  # pragma: no cover
    from newscli.ranking import BM25F
from newscli.query import Node, ParsedQuery, QueryError, Term, parse_query, positive_terms, render

SORTS = ("rank", "newest", "oldest")
HIGHLIGHT_MARKER = "**"
RESULT_COLUMNS = ("id", "title", "published", "source", "url", "snippet", "score", "story", "copies")
SEARCH_TABLE = "search_index"

_BM25 = CANDIDATE_BM25
# ORDER BY per sort, over the page's columns ({p} is the table prefix); ties go by import
# order so that consecutive pages never overlap or skip.
_ORDER = {
    "rank": "{p}bm25_rank, {p}seq",
    "newest": "{p}published IS NULL, {p}published DESC, {p}seq DESC",
    "oldest": "{p}published IS NULL, {p}published ASC, {p}seq ASC",
}
SQLITE_MAX_INT = 2**63 - 1


@dataclass(frozen=True)
class SearchRequest:
    """One search, as the command line asked for it. `query` None (or only fields that
    filter) means every article that passes the filters. `limit` None or 0: no limit."""

    query: str | None = None
    filters: Filters = field(default_factory=Filters)
    sort: str = "rank"
    limit: int | None = 20
    offset: int = 0
    raw: bool = False
    all_copies: bool = False  # every copy of a story, not one result per story


@dataclass
class CompiledQuery:
    """A request's query as the index reads it: the MATCH expression (None: no words, every
    article passing the filters), the filters (options and query fields together), the
    words to mark in snippets, and notes on readings that may surprise."""

    expression: str | None
    filters: Filters
    terms: list[Term] = field(default_factory=list)
    forms: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    parsed: ParsedQuery | None = None

    def lookup(self, word: str) -> list[str]:
        return self.forms.get(word, [])


# --- forms of unquoted words --------------------------------------------------------------


def stored_forms(conn: sqlite3.Connection, words: Sequence[str]) -> dict[str, list[str]]:
    """For each word as typed, the stored words filed under its stems, in any language with
    a stemmer (only the languages of the archive's articles have entries)."""
    from newscli.analysis import STEMMERS, stem_keys

    found: dict[str, list[str]] = {}
    for word in dict.fromkeys(words):
        keys = sorted(set().union(*(stem_keys(word, lang) for lang in STEMMERS)))
        if not keys:
            found[word] = []
            continue
        rows = conn.execute(
            "SELECT DISTINCT word FROM search_forms WHERE key IN (SELECT value FROM json_each(?)) "
            "ORDER BY word",
            (json.dumps(keys),),
        )
        found[word] = [w for (w,) in rows]
    return found


def _stemmed_words(node: Node | None) -> list[str]:
    from newscli.query import terms_of

    return [t.text for t in terms_of(node) if not t.exact and not t.words.prefix and len(t.words.words) == 1]


def compile_request(conn: sqlite3.Connection, request: SearchRequest) -> CompiledQuery:
    """The request's query read, its words' forms looked up. QueryError if it cannot be
    searched."""
    filters = request.filters
    if request.query is None:
        return CompiledQuery(None, filters)
    if request.raw:
        raw = raw_expression(request.query)
        check_raw_expression(conn, raw)
        return CompiledQuery(raw, filters)
    parsed = parse_query(request.query)
    forms = stored_forms(conn, _stemmed_words(parsed.node))
    expression = None if parsed.node is None else render(parsed.node, lambda w: forms.get(w, []))
    return CompiledQuery(
        expression,
        filters.merged(parsed.filters),
        positive_terms(parsed.node),
        forms,
        parsed.notes,
        parsed,
    )


# --- --raw ----------------------------------------------------------------------------------

_RAW_TOKEN = re.compile(r'"(?:[^"]|"")*"|[(){}:*^+,]|\s+|[^\s(){}:*^+,"]+|"')
_RAW_KEYWORDS = frozenset({"AND", "OR", "NOT", "NEAR"})


def raw_expression(text: str) -> str:
    """An FTS5 expression typed by the user (--raw), its words analysed as the index's are:
    operators, column names, NEAR and its distance, `*` and `^` are kept as written."""
    if not text.strip():
        raise QueryError("empty query")
    from newscli.analysis import query_words

    pieces = _RAW_TOKEN.findall(text)
    out = []
    for n, piece in enumerate(pieces):
        following = next((p for p in pieces[n + 1 :] if not p.isspace()), "")
        before = next((p for p in reversed(pieces[:n]) if not p.isspace()), "")
        if piece.isspace() or piece in "(){}:*^+," or piece in _RAW_KEYWORDS:
            out.append(piece)
        elif following == ":" or before == "{" or (before not in ("(", "") and _in_braces(pieces, n)):
            out.append(piece)  # a column name
        elif before == "," and piece.isdigit():
            out.append(piece)  # NEAR's distance
        elif piece == '"':
            out.append(piece)  # unbalanced: FTS5 says so
        else:
            inner = piece[1:-1].replace('""', '"') if piece.startswith('"') else piece
            words = query_words(inner).words
            out.append('"' + " ".join(words).replace('"', '""') + '"')
    return "".join(out)


def _in_braces(pieces: list[str], n: int) -> bool:
    for p in reversed(pieces[:n]):
        if p == "{":
            return True
        if p in ("}", "(", ")", ":"):
            return False
    return False


def check_raw_expression(conn: sqlite3.Connection, expression: str) -> None:
    """Let SQLite parse a --raw expression once, so that its errors are reported as the
    query's fault in one line rather than as database errors."""
    try:
        conn.execute(
            f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ? LIMIT 1", (expression,)
        ).fetchall()
    except sqlite3.OperationalError as e:
        reason = str(e).removeprefix("fts5: ")
        if reason == 'syntax error near ""':
            reason = "syntax error at the end of the query"
        # SQLite quotes the query's own text, which may hold line breaks: one line, always.
        reason = "".join(c if c.isprintable() else repr(c)[1:-1] for c in reason).strip()
        raise QueryError(f"invalid FTS5 query: {reason}") from None


# --- which rows match --------------------------------------------------------------------

# How matches meet the filters. With few matches, each is looked up in `articles` ("join").
# With many, that costs a row read per match (the row holds the body), so the date index is
# scanned instead and each entry is checked against the set of matching rowids ("scan"):
# for `--sort newest` that stops after one page. SCAN_FRACTION of the archive is the switch.
# When the filters are a date range holding fewer articles than that while the matches are
# more, the smaller side makes the set: the range's articles, each match checked against
# it as FTS5 reads the query's doclist ("within"; `election` in one month of 1,000,000
# articles, 341,208 matches, 1,134 in the month: counted in 130 ms against 185 on the
# standard library's SQLite, 60 against 130 on apsw's).
SCAN_FRACTION = 0.02
PLANS = ("join", "scan", "within")


def choose_plan(conn: sqlite3.Connection, expression: str, filters: Filters | None = None) -> str:
    """'scan' when `expression` matches more than SCAN_FRACTION of the articles, else 'join';
    'within' instead of 'scan' when `filters` are a date range (nothing else) holding fewer
    than that fraction."""
    total = conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
    if total == 0:
        return "join"
    # A count over the index alone; capped, so that it never reads more than needed.
    cap = int(total * SCAN_FRACTION) + 1
    matches = conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ? LIMIT ?)",
        (expression, cap),
    ).fetchone()[0]
    if matches < cap:
        return "join"
    if filters and filters.only_dates():
        where, params = filter_sql(conn, filters)
        in_range = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM articles a INDEXED BY idx_articles_published "
            f"WHERE 1{where} LIMIT ?)",
            [*params, cap],
        ).fetchone()[0]
        if in_range < cap:
            return "within"
    return "scan"


def resolve_plan(conn: sqlite3.Connection, compiled: CompiledQuery, plan: str | None = None) -> str | None:
    """The plan matching_sql reads `compiled` by, chosen once for callers that build its SQL
    more than once: `plan` when given, else choose_plan's when there are words and filters,
    else None (there is no choice to make)."""
    if plan or compiled.expression is None or not compiled.filters:
        return plan
    return choose_plan(conn, compiled.expression, compiled.filters)


def _within(where: str) -> str:
    """The condition of the "within" plan: the index's row among the articles passing the
    filters (`+`: a set made once, not an FTS5 lookup per article)."""
    return f" AND +{SEARCH_TABLE}.rowid IN (SELECT a.seq FROM articles a WHERE 1{where})"


def matching_sql(
    conn: sqlite3.Connection,
    compiled: CompiledQuery,
    plan: str | None = None,
    *,
    dates_only: bool = False,
    seq_range: bool = False,
) -> tuple[str, list]:
    """FROM/WHERE of the matching articles as `a` (all that pass the filters when there are
    no words), and its parameters. `plan` 'scan' reads the date index and checks each entry
    against the matching rowids, 'join' reads the row of each match, 'within' reads the
    matches against the set of articles passing the filters; None chooses.
    `dates_only`: the caller reads no column of `a` but seq and published, so when the
    filters are at most a date range, the join reads each match's date from the (seq,
    published) index instead of its row (SQLite's planner takes the row, by rowid, unless
    told: see archive.m006_dates_by_seq for what that saves). `seq_range`: the SQL ends
    with a condition on the seqs, `BETWEEN ? AND ?`, whose two parameters the caller adds."""
    where, params = filter_sql(conn, compiled.filters)
    in_range = " AND a.seq BETWEEN ? AND ?" if seq_range else ""
    if compiled.expression is None:
        return f"FROM articles a WHERE 1{where}{in_range}", params
    if where:
        plan = plan or choose_plan(conn, compiled.expression, compiled.filters)
    if where and plan == "scan":
        return (
            "FROM articles a INDEXED BY idx_articles_published "
            f"WHERE +a.seq IN ({_MATCHING_ROWIDS}){where}{in_range}",
            [compiled.expression, *params],
        )
    covering = ""
    if dates_only and compiled.filters.only_dates():
        from newscli.archive import DATES_BY_SEQ

        covering = f" INDEXED BY {DATES_BY_SEQ}"
    if seq_range:  # on the index's rowids, so that FTS5 reads only that part of each doclist
        in_range = f" AND {SEARCH_TABLE}.rowid BETWEEN ? AND ?"
    if where and plan == "within":  # each match read against the set of filtered articles
        where = _within(where)
    return (
        f"FROM {SEARCH_TABLE} JOIN articles a{covering} ON a.seq = {SEARCH_TABLE}.rowid "
        f"WHERE {SEARCH_TABLE} MATCH ?{where}{in_range}",
        [compiled.expression, *params],
    )


@contextlib.contextmanager
def one_snapshot(conn: sqlite3.Connection):
    """Everything read inside reads the same state of the archive (one read transaction)."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def count_matches(
    conn: sqlite3.Connection,
    request: SearchRequest,
    compiled: CompiledQuery | None = None,
    *,
    stories: bool = False,
) -> int:
    """How many articles (`stories`: how many stories) match the request's query and filters."""
    compiled = compiled or compile_request(conn, request)
    if stories:
        return count_articles_and_stories(conn, request, compiled)[1]
    if compiled.expression is not None and not compiled.filters:  # the index alone
        whole, params = f"FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ?", [compiled.expression]
        halves = f"{whole} AND {SEARCH_TABLE}.rowid BETWEEN ? AND ?"
    else:
        plan = resolve_plan(conn, compiled)
        whole, params = matching_sql(conn, compiled, plan, dates_only=True)
        halves, _ = matching_sql(conn, compiled, plan, dates_only=True, seq_range=True)
    # Each half of the seqs counted at once, on its own core, when one is idle (as
    # timelines count: 1,000,000 articles, `said`: 138 -> 53 ms).
    return sum(
        n for (n,) in rows_by_halves(conn, f"SELECT count(*) {halves}", f"SELECT count(*) {whole}", params)
    )


def count_articles_and_stories(
    conn: sqlite3.Connection, request: SearchRequest, compiled: CompiledQuery | None = None
) -> tuple[int, int]:
    """How many articles and how many stories match. The stories are the matching articles
    less, for each story with more than one matching article, all but one of them: only
    stories with copies are looked at (found through archive.STORY_COPIES), never the story
    of every match (1,000,000 articles, `government`: 668 ms for that pass)."""
    compiled = compiled or compile_request(conn, request)
    articles = count_matches(conn, request, compiled)
    if not articles:
        return 0, 0
    from newscli.stories import STORIES_TABLE

    # The planner reads the partial index of the copies (archive.m007_story_copies).
    with_copies = {
        story for (story,) in conn.execute(f"SELECT DISTINCT story FROM {STORIES_TABLE} WHERE story != seq")
    }
    if not with_copies:
        return articles, articles
    matching = _matching_copies(conn, compiled, with_copies)
    return articles, articles - sum(n - 1 for n in matching.values() if n > 1)


def search_articles(
    conn: sqlite3.Connection, request: SearchRequest, *, plan: str | None = None
) -> list[dict]:
    """One page of the matching articles, as dicts with RESULT_COLUMNS."""
    return list(iter_search_articles(conn, request, plan=plan))


def iter_search_articles(
    conn: sqlite3.Connection,
    request: SearchRequest,
    compiled: CompiledQuery | None = None,
    *,
    plan: str | None = None,
) -> Iterator[dict]:
    """The matching articles, one page, as dicts with RESULT_COLUMNS, in the order asked for
    (`sort` 'rank', best first, equal scores newest first; 'newest' or 'oldest', undated
    articles last; then by import order, so pages never overlap), one per story unless
    `all_copies` (`copies`: how many other articles of its story match too; `story`: the
    story's key). The snippet is one line of the article's text around its matches (the
    body's when the body matches), matched words between MARK_START and MARK_END. Raises
    QueryError for a query that cannot be searched, before yielding. `plan` (one of PLANS)
    overrides choose_plan."""
    if request.sort not in _ORDER:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    compiled = compiled or compile_request(conn, request)
    with one_snapshot(conn):
        scorer = _scorer(conn, compiled)
        ranked = _ranked_page(conn, request, compiled, plan, scorer)
        yield from _results(conn, ranked, compiled, scorer)


def _scorer(conn: sqlite3.Connection, compiled: CompiledQuery) -> BM25F | None:
    """BM25F for the query's terms; None without words, or for --raw (FTS5's bm25 then)."""
    if compiled.expression is None or not compiled.terms:
        return None
    from newscli.ranking import BM25F

    node = compiled.parsed.node if compiled.parsed else None
    terms = [(term, field) for term, field, excluded, _ in _explained_terms(node) if not excluded]
    return BM25F(conn, terms, compiled.lookup)


def ranked_matches(
    conn: sqlite3.Connection, request: SearchRequest, compiled: CompiledQuery
) -> Iterable[tuple[int, float | None]]:
    """Every match of the request (its limit and offset ignored) as (seq, bm25 or None), in
    the request's order, as SQLite gives them: for commands that read the matching articles
    until they have enough (kwic). In date order no score is computed (None) and the rows
    stream from the date index. Call it inside `one_snapshot`."""
    from dataclasses import replace

    request = replace(request, limit=None, offset=0)
    if request.sort == "rank" or compiled.expression is None:
        return _ranked_page(conn, request, compiled)
    where, params = filter_sql(conn, compiled.filters)
    sql, binds = _dated_page_sql(
        request.sort, where, choose_plan(conn, compiled.expression, compiled.filters)
    )
    return ((seq, None) for seq, _ in conn.execute(sql, [*[compiled.expression, *params] * binds, -1, 0]))


def _page_bounds(request: SearchRequest) -> tuple[int, int]:
    page = -1 if not request.limit else min(int(request.limit), SQLITE_MAX_INT)
    offset = min(max(0, int(request.offset)), SQLITE_MAX_INT)
    return page, offset


def _one_per_story(
    conn: sqlite3.Connection, ranked: Iterable[tuple[int, float | None]], page: int, offset: int
) -> Iterator[tuple[int, float | None]]:
    """The page of `ranked` (seq, score) keeping the first article of each story."""
    from itertools import islice

    from newscli.stories import stories_of

    seen: set[int] = set()
    skipped = given = 0
    ranked = iter(ranked)
    while chunk := list(islice(ranked, READ_BATCH)):
        story = stories_of(conn, [seq for seq, _ in chunk])
        for seq, value in chunk:
            if story[seq] in seen:
                continue
            seen.add(story[seq])
            if skipped < offset:
                skipped += 1
                continue
            yield seq, value
            given += 1
            if given == page:
                return


def _ranked_page(
    conn: sqlite3.Connection,
    request: SearchRequest,
    compiled: CompiledQuery,
    plan: str | None = None,
    scorer: BM25F | None = None,
) -> Iterable[tuple[int, float | None]]:
    """The page as (seq, score), in order; the score None where it is still to be worked
    out (a page in date order)."""
    page, offset = _page_bounds(request)
    sort = request.sort
    grouped = not request.all_copies
    if compiled.expression is None:
        if sort == "rank":
            sort = "newest"  # nothing to rank by: the newest first
        from_where, params = matching_sql(conn, compiled)
        order = _ORDER[sort].format(p="a.")
        sql = f"SELECT a.seq, NULL, a.published {from_where} ORDER BY {order} LIMIT ? OFFSET ?"
        if grouped:
            rows = conn.execute(sql, [*params, -1, 0])
            return _one_per_story(conn, (r[:2] for r in rows), page, offset)
        return (r[:2] for r in conn.execute(sql, [*params, page, offset]))
    where, params = filter_sql(conn, compiled.filters)
    plan = plan or (
        choose_plan(conn, compiled.expression, compiled.filters) if where or sort != "rank" else "join"
    )
    if sort == "rank":
        return _best(conn, request, compiled, where, params, plan, scorer)
    sql, binds = _dated_page_sql(sort, where, plan)
    bound = [compiled.expression, *params] * binds
    if grouped:
        rows = conn.execute(sql, [*bound, -1, 0])
        return _one_per_story(conn, ((seq, None) for seq, _ in rows), page, offset)
    return [(seq, None) for seq, _ in conn.execute(sql, [*bound, page, offset])]


def _best(
    conn: sqlite3.Connection,
    request: SearchRequest,
    compiled: CompiledQuery,
    where: str,
    params: list,
    plan: str,
    scorer: BM25F | None,
) -> list[tuple[int, float | None]]:
    """The page ranked: FTS5's best candidates (at least RESCORE_MIN, more while copies of
    one story leave the page short), ordered by BM25F, ties newest first."""
    from newscli.ranking import RESCORE_MIN

    assert compiled.expression is not None
    page, offset = _page_bounds(request)
    want = offset + page if page > 0 else None
    n = -1 if want is None else min(max(RESCORE_MIN, want), SQLITE_MAX_INT)
    while True:
        candidates = _candidates(conn, compiled.expression, where, params, n, plan)
        ranked = _rescored(conn, candidates, scorer)
        if not request.all_copies:
            seen: set[int] = set()
            ranked = [r for r in ranked if not (r[2] in seen or seen.add(r[2]))]  # type: ignore[func-returns-value]
        if want is None or len(candidates) < n or len(ranked) >= want or n == SQLITE_MAX_INT:
            break
        n = min(n * 4, SQLITE_MAX_INT)
    end = None if page < 0 else offset + page
    return [(seq, value) for seq, value, _ in ranked[offset:end]]


def _candidates(
    conn: sqlite3.Connection, expression: str, where: str, params: list, n: int, plan: str
) -> list[tuple[int, float]]:
    """The best `n` (all: -1) matches by FTS5's bm25, as (seq, bm25), best first."""
    if n > 0:
        ranked = _rank_in_parts(conn, expression, where, params, n, plan)
        if ranked is not None:
            return ranked
    inner = _matches_sql(where, f"{SEARCH_TABLE}.rowid AS seq, {_BM25} AS bm25_rank", plan)
    sql = f"{inner} ORDER BY bm25_rank, seq LIMIT ?"
    return fetch_all(conn, sql, [expression, *params, n])  # type: ignore[return-value]


def fetch_all(conn: sqlite3.Connection, sql: str, params: Sequence) -> list[tuple]:
    """The rows of a query that only reads, through a newer SQLite when there is one
    (_newer_reader), else on `conn`."""
    newer = _newer_reader(conn, sql)
    if newer is not None:
        import apsw

        try:
            return [tuple(r) for r in newer.execute(sql, params)]
        except apsw.Error:
            pass  # the standard library's SQLite says what is wrong, as everywhere else
        finally:
            newer.close()
    return [tuple(r) for r in conn.execute(sql, params)]


def _rescored(
    conn: sqlite3.Connection, candidates: list[tuple[int, float]], scorer: BM25F | None
) -> list[tuple[int, float, int]]:
    """The candidates as (seq, score, story), best first: by BM25F (by FTS5's bm25 for
    --raw), equal scores (as shown, to 6 digits) newest first, then the last imported."""
    from newscli.archive import rows_by_seq
    from newscli.stories import story_sql

    scored = []
    for start in range(0, len(candidates), READ_BATCH):
        chunk = candidates[start : start + READ_BATCH]
        rows = rows_by_seq(conn, f"published, {story_sql('articles.seq')}", [seq for seq, _ in chunk])
        values = scorer.scores([seq for seq, _ in chunk]) if scorer else {}
        for seq, bm25 in chunk:
            row = rows.get(seq)
            if row is None:
                continue  # deleted by another program since it was indexed
            value = values.get(seq, 0.0) if scorer else -bm25
            scored.append((seq, score(value), row[2], row[1] or ""))
    scored.sort(key=lambda r: r[0], reverse=True)
    scored.sort(key=lambda r: r[3], reverse=True)  # undated ("") last
    scored.sort(key=lambda r: r[1], reverse=True)
    return [(seq, value, story) for seq, value, story, _ in scored]


def _bm25_scores(conn: sqlite3.Connection, expression: str, seqs: list[int]) -> dict[int, float]:
    """FTS5's bm25 of some matching articles, in one FTS5 query (the expression expanded
    once, not once per row)."""
    return dict(
        conn.execute(
            f"SELECT rowid, {_BM25} FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ? "
            f"AND rowid IN (SELECT value FROM json_each(?))",
            (expression, json.dumps(seqs)),
        )
    )


def _matches_sql(where: str, columns: str, plan: str = "join") -> str:
    """Matching rows of the index, filtered by `where` on articles `a`."""
    base = f"SELECT {columns} FROM {SEARCH_TABLE}"
    if not where:
        return f"{base} WHERE {SEARCH_TABLE} MATCH ?"
    if plan in ("scan", "within"):
        # The FTS match drives; `+` keeps SQLite from running it once per candidate, which
        # come from the index. Parameters stay in the order (expression, *filter params).
        return f"{base} WHERE {SEARCH_TABLE} MATCH ?{_within(where)}"
    return f"{base} JOIN articles a ON a.seq = {SEARCH_TABLE}.rowid WHERE {SEARCH_TABLE} MATCH ?{where}"


_MATCHING_ROWIDS = f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ?"


def _dated_page_sql(sort: str, where: str, plan: str) -> tuple[str, int]:
    """SQL for one page by date (seq, published), and how many times it binds the
    expression and filter parameters."""
    columns = "a.seq AS seq, a.published AS published"
    if plan in ("join", "within"):
        inner = (
            f"SELECT {columns} FROM {SEARCH_TABLE} JOIN articles a ON a.seq = {SEARCH_TABLE}.rowid "
            f"WHERE {SEARCH_TABLE} MATCH ?{_within(where) if plan == 'within' else where}"
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


# --- the page's rows and snippets -----------------------------------------------------------

READ_BATCH = 500  # rows read by one statement (one bound parameter, a JSON list of seqs)


def _matching_copies(conn: sqlite3.Connection, compiled: CompiledQuery, stories: set[int]) -> dict[int, int]:
    """{story: how many of its articles match the query and filters}, for the stories that
    have more than one article (most have one: they cost one look-up in the story index)."""
    from newscli.stories import STORIES_TABLE

    members = conn.execute(
        f"SELECT seq, story FROM {STORIES_TABLE} WHERE story IN "
        f"(SELECT story FROM {STORIES_TABLE} WHERE story IN (SELECT value FROM json_each(?)) "
        "GROUP BY story HAVING count(*) > 1)",
        (json.dumps(sorted(stories)),),
    ).fetchall()
    if not members:
        return {}
    story_of = dict(members)
    where, params = filter_sql(conn, compiled.filters)
    matching = ""
    if compiled.expression is not None:
        # One pass over the query's matches, the members picked from it (`+`: no look-up
        # per member, no table of every match).
        matching = (
            f" AND a.seq IN (SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ? "
            "AND +rowid IN (SELECT value FROM json_each(?)))"
        )
        params = [compiled.expression, json.dumps(list(story_of)), *params]
    found = conn.execute(
        f"SELECT a.seq FROM articles a WHERE a.seq IN (SELECT value FROM json_each(?)){matching}{where}",
        [json.dumps(list(story_of)), *params],
    )
    counts: dict[int, int] = {}
    for (seq,) in found:
        counts[story_of[seq]] = counts.get(story_of[seq], 0) + 1
    return counts


def _results(
    conn: sqlite3.Connection,
    ranked: Iterable[tuple[int, float | None]],
    compiled: CompiledQuery,
    scorer: BM25F | None = None,
) -> Iterator[dict]:
    """The rows of the ranked (seq, score) page, read READ_BATCH at a time as they come."""
    from itertools import islice

    from newscli.archive import rows_by_seq
    from newscli.matching import Matcher, opening, snippet
    from newscli.stories import stories_of, story_keys

    matcher = Matcher(compiled.terms, compiled.lookup)
    ranked = iter(ranked)
    while chunk := list(islice(ranked, READ_BATCH)):
        seqs = [seq for seq, _ in chunk]
        rows = rows_by_seq(conn, "id, title, published, source, url, subtitle, body", seqs)
        story = stories_of(conn, seqs)
        keys = story_keys(conn, set(story.values()))
        copies = _matching_copies(conn, compiled, set(story.values()))
        unscored = [seq for seq, value in chunk if value is None]
        values: dict = {}
        bm25: dict = {}
        if unscored and scorer:
            values = scorer.scores(unscored)
        elif unscored and compiled.expression is not None:
            bm25 = _bm25_scores(conn, compiled.expression, unscored)
        for seq, value in chunk:
            row = rows.get(seq)
            if row is None:
                continue  # deleted by another program since it was indexed
            _, id_, title, published, source, url, subtitle, body = row
            if value is None and scorer:
                value = score(values.get(seq, 0.0))
            elif value is None and seq in bm25:
                value = score(-bm25[seq])
            text = None
            if matcher:
                text = snippet(body, matcher) or snippet(subtitle, matcher) or snippet(title, matcher)
            yield {
                "id": id_,
                "title": title,
                "published": published,
                "source": source,
                "url": url,
                "snippet": text or opening(body or subtitle),
                "score": value,
                "story": keys.get(story[seq], id_),
                "copies": max(copies.get(story[seq], 1) - 1, 0),
            }


def score(value: float) -> float:
    """A score as shown (higher is better), to 6 significant digits."""
    return float(f"{value:.6g}") + 0.0  # + 0.0 turns -0.0 into 0.0


# --- ranking a large archive in two parts at once -------------------------------------------
#
# BM25 costs about a microsecond per matching article (FTS5 reads each one's length), so a
# word found in most of a large archive takes most of a search's time. FTS5's BM25 takes
# its statistics (article count, average length, articles per term) from the whole table
# whatever rowid range is asked for, so the best `k` of each half of the rowids, merged by
# (score, seq), are exactly the best `k` of the whole: two connections rank one half each,
# in two threads (SQLite runs without holding Python's lock). Both read the same snapshot:
# the second is checked to see the index as the first does, else ranking is done in one.
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


def _state(conn) -> tuple:
    """What identifies the archive's state for a search: the index's structure record
    (FTS5 rewrites it on every change) and the last article."""
    sql = f"SELECT (SELECT block FROM {SEARCH_TABLE}_data WHERE id = 10), (SELECT max(seq) FROM articles)"
    return tuple(next(iter(conn.execute(sql))))


def _newer_reader(conn: sqlite3.Connection, sql: str):
    """A connection through a newer SQLite (archive.reopen_newer) in a read transaction that
    sees what `conn` sees, for ranking `sql`; None when there is none, or `sql` calls one of
    the functions registered on `conn` alone (filters.py), or an import committed between
    the two reads (the caller then ranks on `conn`)."""
    from newscli.archive import reopen_newer

    if "newscli_" in sql:
        return None
    newer = reopen_newer(conn)
    if newer is None:
        return None
    import apsw

    try:
        newer.execute("BEGIN")
        if _state(newer) == _state(conn):
            return newer
    except apsw.Error:
        pass
    newer.close()
    return None


def _rank_in_parts(
    conn: sqlite3.Connection,
    expression: str,
    where: str,
    params: list,
    k: int,
    plan: str = "join",
) -> list[tuple[int, float]] | None:
    """The best `k` (seq, bm25) of the matches, ranked in two parts; None when ranking in
    one part is as good (small archive, no idle core, no second connection)."""
    sql = (
        _matches_sql(where, f"{SEARCH_TABLE}.rowid AS seq, {_BM25} AS bm25_rank", plan)
        + f" AND {SEARCH_TABLE}.rowid BETWEEN ? AND ? ORDER BY bm25_rank, seq LIMIT ?"
    )
    parts = in_two_parts(conn, sql, lambda low, high: [expression, *params, low, high, k])
    if parts is None:
        return None
    rows = [*parts[0], *parts[1]]
    rows.sort(key=lambda r: (r[1], r[0]))
    return rows[:k]


def rows_by_halves(conn: sqlite3.Connection, halves: str, whole: str, params: list) -> list[tuple]:
    """The rows of `whole` (which only reads), or, when in_two_parts reads in two, the rows
    of `halves` (the same ending with the seqs' `BETWEEN ? AND ?`) for the lower half of the
    seqs, then for the upper half."""
    parts = in_two_parts(conn, halves, lambda low, high: [*params, low, high])
    if parts is not None:
        return [*parts[0], *parts[1]]
    return fetch_all(conn, whole, params)


def in_two_parts(
    conn: sqlite3.Connection, sql: str, bind: Callable[[int, int], list]
) -> tuple[list[tuple], list[tuple]] | None:
    """The rows of `sql` (which only reads) for the lower and the upper half of the seqs,
    read at once in two threads, from one snapshot; `bind(low, high)` gives its parameters
    for the seqs low..high. None when reading in one part is as good (small archive, no
    idle core, no second connection): the caller then reads in one."""
    if not _second_core_free():
        return None
    low, high = conn.execute(
        "SELECT (SELECT min(seq) FROM articles), (SELECT max(seq) FROM articles)"
    ).fetchone()
    if low is None or high - low + 1 < PARALLEL_MIN_ARTICLES:
        return None
    import threading

    from newscli.archive import newer_sqlite_errors, reopen

    # Both halves through a newer SQLite when there is one, else `conn` and a second
    # connection of the standard library's.
    lower, upper = _newer_reader(conn, sql), _newer_reader(conn, sql)
    if lower is None or upper is None:
        for reader in (lower, upper):
            if reader is not None:
                reader.close()
        lower, upper = conn, reopen(conn)
        if upper is None:
            return None
        from newscli.filters import register_functions

        register_functions(upper)
    try:
        if lower is conn:
            upper.execute("BEGIN")
            if _state(upper) != _state(conn):  # an import committed in between: not one snapshot
                return None
        middle = (low + high) // 2
        upper_rows: list = []
        failure: list[BaseException] = []

        def read_upper_half() -> None:
            try:
                upper_rows.extend(tuple(r) for r in upper.execute(sql, bind(middle + 1, high)))
            except BaseException as e:  # re-raised in the calling thread
                failure.append(e)

        worker = threading.Thread(target=read_upper_half, daemon=True)
        worker.start()
        try:
            rows = [tuple(r) for r in lower.execute(sql, bind(low, middle))]
        except newer_sqlite_errors():  # read again by the caller, on the standard library's SQLite
            return None
        finally:
            worker.join()
        if failure:
            if isinstance(failure[0], newer_sqlite_errors()):
                return None
            raise failure[0]
    finally:
        upper.close()
        if lower is not conn:
            lower.close()
    return rows, upper_rows


# --- --explain -------------------------------------------------------------------------------

# A word in more than this share of the articles gets almost no weight from BM25.
COMMON_SHARE = 0.5


def _count(conn: sqlite3.Connection, expression: str) -> int:
    return conn.execute(
        f"SELECT count(*) FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ?", (expression,)
    ).fetchone()[0]


def _reading(term: Term, near: int | None) -> str:
    words = term.words
    if near is not None:
        kind = f"within {near} words"
    elif words.prefix:
        kind = "words starting with"
    elif len(words.words) > 1:
        kind = "exact phrase"
    elif term.exact:
        kind = "exact word"
    else:
        kind = "word and its forms"
    shown = " ".join(words.words) + ("*" if words.prefix else "")
    return f"{kind}: {shown}"


def _explained_terms(node, field: str | None = None, excluded: bool = False, near: int | None = None):
    from newscli.query import And, Field, Near, Or

    if node is None:
        return
    if isinstance(node, Term):
        yield node, field, excluded, near
    elif isinstance(node, Near):
        for term in node.terms:
            yield term, field, excluded, node.distance
    elif isinstance(node, Field):
        yield from _explained_terms(node.child, node.name, excluded, near)
    elif isinstance(node, Or):
        for branch in node.branches:
            yield from _explained_terms(branch, field, excluded, near)
    elif isinstance(node, And):
        for child in node.pos:
            yield from _explained_terms(child, field, excluded, near)
        for child in node.neg:
            yield from _explained_terms(child, field, not excluded, near)


def explain(conn: sqlite3.Connection, request: SearchRequest, compiled: CompiledQuery) -> dict:
    """How the request was read, as a JSON-ready dict: each term with its reading, the
    stored words it stands for and how many articles hold each, the filters, the FTS5
    expression, how many articles match, and notes."""
    from newscli.query import render_term

    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    notes = list(compiled.notes)
    terms = []
    parsed = compiled.parsed
    for term, field_name, excluded, near in _explained_terms(parsed.node if parsed else None):
        expression = render_term(term, compiled.lookup)
        holding = _count(conn, expression)
        forms = []
        if not term.exact and not term.words.prefix and len(term.words.words) == 1:
            from newscli.query import term_alternatives

            for word in term_alternatives(term, compiled.lookup):
                forms.append({"word": word, "articles": _count(conn, _quoted(word))})
        terms.append(
            {
                "text": term.text,
                "reading": _reading(term, near),
                "field": field_name,
                "excluded": excluded,
                "words": list(term.words.words),
                "prefix": term.words.prefix,
                "forms": forms,
                "articles": holding,
                "expression": expression,
            }
        )
        if articles and holding / articles > COMMON_SHARE and not excluded:
            notes.append(
                f"'{term.text}' is in {holding / articles:.0%} of the articles: BM25 gives such a word "
                "almost no weight, so it ranks mostly by length; add a rarer word or a date range"
            )
    matches = count_matches(conn, request, compiled)
    from dataclasses import asdict

    return {
        "query": request.query or "",
        "raw": request.raw,
        "terms": terms,
        "filters": compiled.filters.describe(),
        "filter_values": {k: v for k, v in asdict(compiled.filters).items() if v},
        "expression": compiled.expression,
        "matches": matches,
        "articles": articles,
        "notes": list(dict.fromkeys(notes)),
    }


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'
