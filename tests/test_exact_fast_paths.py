"""The faster ways of ranking and counting give exactly what the plain SQL gives.

search_articles ranks a large archive in two rowid halves on two connections at once and
merges them: it must return the same ids, order and scores as the straightforward query
(and the timeline the same counts as a plain join), here on a generated
archive of a few thousand articles (with ties, undated articles and filters) and on the
fixtures. No timing is asserted: speed is measured by benchmarks/run.py.
"""

import random
import sqlite3

import pytest
from conftest import req

from newscli import search
from newscli.archive import connect_readonly, insert_batch, open_archive
from newscli.search import compile_request, count_matches, search_articles
from newscli.timeline import build_timeline

WORDS = ["said", "government", "minister", "election", "elected", "electronic", "interest",
         "rates", "river", "flood", "market", "price", "school", "city", "council", "vote"]  # fmt: skip
N = 3000


@pytest.fixture(scope="module")
def generated_db(tmp_path_factory):
    """N articles from a seeded generator: Zipf-ish words, every date form, some undated,
    some in two sources, and identical texts (equal scores) to exercise the tie-break."""
    path = tmp_path_factory.mktemp("gen") / "gen.db"
    rng = random.Random(7)
    db = open_archive(path, create=True)
    rows = []
    for n in range(N):
        words = rng.choices(WORDS, weights=[1 / (i + 1) for i in range(len(WORDS))],
                            k=rng.randint(5, 60))  # fmt: skip
        if n % 97 == 0:
            words = ["said", "council", "vote"]  # many articles share this exact text...
        body = " ".join(words)
        title = " ".join(rng.sample(WORDS, 3)) if n % 97 else "same title"
        year = 2000 + n % 25
        published = (None if n % 41 == 0 else f"{year}-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
                     + ("T10:30:00+00:00" if n % 5 == 0 else ""))  # fmt: skip
        source = ("BBC", "Reuters", None)[n % 3]
        # ...and a unique id each, as distinct articles with equal text would have.
        rows.append(
            (
                f"{n:016x}",
                title,
                None,
                body,
                published,
                None,
                source,
                None,
                "[]",
                None,
                len(words),
                "2026-01-01T00:00:00+00:00",
            )
        )
    for start in range(0, N, 500):
        insert_batch(db.conn, [r + ("[]", "{}") if _has_tags(db.conn) else r
                               for r in rows[start : start + 500]])  # fmt: skip
    db.conn.close()
    return path


def _has_tags(conn: sqlite3.Connection) -> bool:
    return "tags" in {r[1] for r in conn.execute("PRAGMA table_info(articles)")}


QUERIES = [
    ("said", {}),
    ("government minister", {}),
    ("elect*", {}),
    ('"interest rates"', {}),
    ("council OR vote", {}),
    ("said", {"since": "2005-01-01", "until": "2010-12-31"}),
    ("election", {"source": "BBC"}),
    ("zzznothing", {}),
]


def _both(conn, monkeypatch, query, **kw):
    monkeypatch.setattr(search, "_second_core_free", lambda: True)  # whatever the load
    monkeypatch.setattr(search, "PARALLEL_MIN_ARTICLES", 10**12)
    single = search_articles(conn, req(query, **kw))
    monkeypatch.setattr(search, "PARALLEL_MIN_ARTICLES", 1)
    calls = []
    ranked_in_parts = search._rank_in_parts
    monkeypatch.setattr(search, "_rank_in_parts", lambda *a: calls.append(a) or ranked_in_parts(*a))
    split = search_articles(conn, req(query, **kw))
    assert calls  # the two-part ranking did run
    return single, split


@pytest.mark.parametrize("query,filters", QUERIES)
def test_ranking_in_two_parts_equals_one_ranking(generated_db, monkeypatch, query, filters):
    conn = connect_readonly(generated_db)
    for limit, offset in [(20, 0), (7, 13), (50, 2990), (1, 0)]:
        single, split = _both(conn, monkeypatch, query, limit=limit, offset=offset, **filters)
        assert split == single, (query, limit, offset)
    conn.close()


def test_ranking_in_two_parts_matches_naive_bm25(generated_db, monkeypatch):
    """The candidates ranked in two parts are the textbook query's best 100 (bm25, then
    import order), and the page is their best by BM25F, equal scores newest first."""
    conn = connect_readonly(generated_db)
    expression = compile_request(conn, req("said")).expression
    naive = conn.execute(
        "SELECT rowid, bm25(search_index) AS s FROM search_index WHERE search_index MATCH ? "
        "ORDER BY s, rowid LIMIT 100",
        (expression,),
    ).fetchall()
    monkeypatch.setattr(search, "_second_core_free", lambda: True)
    monkeypatch.setattr(search, "PARALLEL_MIN_ARTICLES", 1)
    assert search._candidates(conn, expression, "", [], 100, "join") == [tuple(r) for r in naive]
    single, split = _both(conn, monkeypatch, "said", limit=20)
    assert split == single
    scores = [r["score"] for r in split]
    assert scores == sorted(scores, reverse=True)
    candidates = {seq for seq, _ in naive}
    seqs = dict(conn.execute("SELECT id, seq FROM articles"))
    assert all(seqs[r["id"]] in candidates for r in split)
    for a, b in zip(split, split[1:], strict=False):
        if a["score"] == b["score"]:
            assert (a["published"] or "") >= (b["published"] or "")
    conn.close()


@pytest.mark.parametrize("query,filters", [*QUERIES, ("vote", {"author": "smith"})])
def test_a_newer_sqlite_ranks_as_the_standard_librarys(generated_db, monkeypatch, query, filters):
    """apsw's SQLite ranks (in one part and in two) exactly as the standard library's; a
    query calling newscli's own SQL functions (authors) stays on the standard library's."""
    from newscli import archive

    assert archive.newer_sqlite_version() > sqlite3.sqlite_version_info  # apsw is a dependency
    conn = connect_readonly(generated_db)
    used = []  # (whether the SQL ranks candidates, whether it went through the newer SQLite)
    newer_reader = search._newer_reader

    def recorded(c, sql):
        reader = newer_reader(c, sql)
        used.append(("bm25_rank" in sql, reader is not None))
        return reader

    monkeypatch.setattr(search, "_newer_reader", recorded)
    for parts in (False, True):
        monkeypatch.setattr(search, "_second_core_free", lambda parts=parts: parts)
        monkeypatch.setattr(search, "PARALLEL_MIN_ARTICLES", 1)
        monkeypatch.setenv("NEWSCLI_SQLITE", "stdlib")
        plain = search_articles(conn, req(query, limit=30, **filters))
        monkeypatch.delenv("NEWSCLI_SQLITE")
        used.clear()
        assert search_articles(conn, req(query, limit=30, **filters)) == plain, (query, parts)
        ranking = [newer for is_ranking, newer in used if is_ranking]
        assert ranking == [("author" not in filters)] * (2 if parts else 1)
    conn.close()


def test_a_newer_sqlite_is_not_used_when_an_import_committed_in_between(generated_db, tmp_path):
    """The newer connection must see what the search's own connection sees: if an import
    committed after that one's read began, ranking stays on the standard library's."""
    import shutil

    from newscli import archive

    path = tmp_path / "copy.db"
    shutil.copy(generated_db, path)
    conn = connect_readonly(path)
    sql = "SELECT rowid FROM search_index WHERE search_index MATCH ?"
    newer = search._newer_reader(conn, sql)
    assert newer is not None
    newer.close()
    conn.execute("BEGIN")
    search._state(conn)  # the read transaction has begun
    writer = open_archive(path)
    row = ("f" * 16, "said vote", None, "said vote council", "2024-01-01", None, "BBC", None, "[]", None, 3,
           "2026-01-01T00:00:00+00:00", "[]", "{}")  # fmt: skip
    assert insert_batch(writer.conn, [row])[0] == 1
    writer.conn.close()
    assert search._newer_reader(conn, sql) is None
    conn.execute("COMMIT")
    newer = search._newer_reader(conn, sql)
    assert newer is not None and search._state(newer) == search._state(conn)
    newer.close()
    assert archive.reopen_newer(conn) is not None
    conn.close()


def test_ranking_in_two_parts_on_the_fixtures(fixtures_db, monkeypatch):
    conn = connect_readonly(fixtures_db)
    for query in ["kharkiv", "russian forces", "rates OR river", "k*"]:
        single, split = _both(conn, monkeypatch, query, limit=5)
        assert split == single and single, query
    conn.close()


def _in_parts(monkeypatch, engine: str, parts: int) -> list:
    """Read through `engine` ("stdlib" or "newer") in `parts` parts (1 or 2) whatever the
    machine; returns the list where each call of in_two_parts puts its halves."""
    if engine == "stdlib":
        monkeypatch.setenv("NEWSCLI_SQLITE", "stdlib")
    monkeypatch.setattr(search, "_second_core_free", lambda: parts == 2)
    monkeypatch.setattr(search, "PARALLEL_MIN_ARTICLES", 1)
    halves: list = []
    read_in_two_parts = search.in_two_parts
    monkeypatch.setattr(search, "in_two_parts", lambda *a: halves.append(read_in_two_parts(*a)) or halves[-1])
    return halves


def _timeline_by_join(conn, query, since=None, until=None):
    """Per-day counts the plain way: every match joined to its article row."""
    sql = ("SELECT substr(a.published, 1, 10), count(*) FROM search_index "
           "JOIN articles a ON a.seq = search_index.rowid WHERE search_index MATCH ?")  # fmt: skip
    params = [compile_request(conn, req(query)).expression]
    if since:
        sql += " AND a.published >= ?"
        params.append(since)
    if until:
        sql += " AND a.published < ?"
        params.append(until)
    return dict(conn.execute(sql + " GROUP BY 1", params).fetchall())


@pytest.mark.parametrize("query,since,until", [
    ("said", None, None), ("government", None, None), ("elect*", "2003-01-01", "2007-12-31"),
    ("zzznothing", None, None),
])  # fmt: skip
@pytest.mark.parametrize("engine", ["stdlib", "newer"])
@pytest.mark.parametrize("parts", [1, 2])
def test_timeline_counts_equal_the_plain_join(generated_db, monkeypatch, query, since, until, engine, parts):
    """Counted through apsw's SQLite (the default) or the standard library's, in one part
    or in two (each half of the seqs on its own core), the same."""
    halves = _in_parts(monkeypatch, engine, parts)
    conn = connect_readonly(generated_db)
    expected = _timeline_by_join(conn, query, since, until and "2008-01-01")
    timeline = build_timeline(conn, req(query, since=since, until=until), by="year")
    undated = expected.pop(None, 0)
    assert timeline.undated == undated
    per_year: dict[str, int] = {}
    for day, n in expected.items():
        per_year[day[:4]] = per_year.get(day[:4], 0) + n
    counted = {p["period"]: p["count"] for p in timeline.periods if p["count"]}
    assert counted == per_year
    if query == "said":
        assert undated > 0 and sum(per_year.values()) > 1000
    assert [h is not None for h in halves] == [parts == 2]
    if parts == 2 and query != "zzznothing":
        assert all(halves[0])  # both halves of the seqs hold matches
    conn.close()


def test_timeline_share_counts_every_article_in_two_parts(generated_db, monkeypatch):
    """The denominators of --share (every article, no query) counted in two parts equal
    one count of the articles per year."""
    conn = connect_readonly(generated_db)
    per_year: dict[str, int] = {}
    for (published,) in conn.execute("SELECT published FROM articles WHERE published IS NOT NULL"):
        per_year[published[:4]] = per_year.get(published[:4], 0) + 1
    for parts in (False, True):
        monkeypatch.setattr(search, "_second_core_free", lambda parts=parts: parts)
        monkeypatch.setattr(search, "PARALLEL_MIN_ARTICLES", 1)
        timeline = build_timeline(conn, req(None), by="year")
        assert {p["period"]: p["count"] for p in timeline.periods if p["count"]} == per_year
    conn.close()


@pytest.mark.parametrize("query,filters", [*QUERIES, ("title:said", {}), ("elected OR elect*", {})])
def test_hits_counted_by_lookups_or_a_pass_score_as_bm25_says(generated_db, monkeypatch, query, filters):
    """BM25F's hits per column, counted through apsw by an FTS5 function (a lookup per
    candidate, or one pass over the doclist) or worked out from the standard library's
    bm25, give the same scores."""
    from newscli import ranking

    conn = connect_readonly(generated_db)
    monkeypatch.setenv("NEWSCLI_SQLITE", "stdlib")
    plain = search_articles(conn, req(query, limit=30, **filters))
    monkeypatch.delenv("NEWSCLI_SQLITE")
    counted = []
    column_hits = ranking._column_hits
    monkeypatch.setattr(ranking, "_column_hits", lambda *a: counted.append(a[3]) or column_hits(*a))
    for ratio in (0, 10**12):  # every phrase looked up; every phrase in one pass
        monkeypatch.setattr(ranking, "LOOKUP_RATIO", ratio)
        counted.clear()
        assert search_articles(conn, req(query, limit=30, **filters)) == plain, (query, ratio)
        if plain:  # a prefix is never looked up (it would expand again at each lookup)
            lookups = {False} if ratio or query == "elect*" else {True, False} if "*" in query else {True}
            assert set(counted) == lookups, (query, ratio)
    conn.close()


def test_any_limit_binds_a_fixed_number_of_variables(generated_db, monkeypatch):
    """Ranked in two parts or not, a page of any length binds a few SQL variables, not some
    per result: with SQLite's variable limit lowered to 8, `--limit 0` still returns all."""
    conn = connect_readonly(generated_db)
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 8)
    everything = count_matches(conn, req("said"))
    assert everything > 100
    single, split = _both(conn, monkeypatch, "said", limit=everything)
    assert len(single) == len(split) == everything
    assert len(search_articles(conn, req("said", limit=0))) == everything
    assert [r["id"] for r in split] == [r["id"] for r in single]
    by_date = search_articles(conn, req("said", sort="newest", limit=0))
    assert len(by_date) == everything
    conn.close()


def test_the_second_ranking_connection_opens_a_read_only_archive_as_the_first(
    generated_db, tmp_path, monkeypatch
):
    """An archive that can only be read `immutable=1` (no -shm can be made beside it):
    the two-part ranking's second connection opens it the same way."""
    from read_only_paths import read_only

    folder = tmp_path / "ro"
    folder.mkdir()
    copy = folder / "news.db"
    source = sqlite3.connect(generated_db)
    source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    source.execute(f"VACUUM INTO '{copy}'")
    source.close()
    writable = connect_readonly(copy)
    expected = search_articles(writable, req("government", limit=10))
    writable.close()
    with read_only(folder):
        conn = connect_readonly(copy)
        assert "immutable=1" in conn.how[0][0] or "mode=ro" in conn.how[0][0]
        single, split = _both(conn, monkeypatch, "government", limit=10)
        assert split == single == expected
        conn.close()


@pytest.mark.parametrize("phrase", ['"said"', '"vote"', "elect*", '"interest rates"', 'title : ("said")'])
def test_hits_worked_out_from_bm25_equal_the_hits_fts5_counts(generated_db, phrase):
    """The standard library's way (hits worked out from bm25) gives each article's hits
    per column exactly as FTS5's phrase_locations counts them, many hits in a body and
    empty subtitles included (FTS5 normalises by the whole article's average length)."""
    from newscli import ranking

    conn = connect_readonly(generated_db)
    sql = "SELECT rowid FROM search_index WHERE search_index MATCH ?"
    seqs = [seq for (seq,) in conn.execute(sql, (phrase,))]
    scorer = ranking.BM25F(conn, [])
    newer = ranking._newer_hits_reader(conn)
    assert newer is not None
    counted = ranking._column_hits(newer, phrase, seqs, False)
    newer.close()
    worked_out = scorer._hits_by_bm25(phrase, ranking.field_sizes(conn, seqs))
    assert worked_out == counted and len(counted) == len(seqs) > 0
    if phrase == '"said"':
        assert max(hits[2] for hits in counted.values()) > 20
    conn.close()


@pytest.fixture(scope="module")
def copies_db(generated_db, tmp_path_factory):
    """The generated archive with stories of two and three articles: each article 7k and
    7k+1 filed under the story of article 7k-3 (as if found copies of it)."""
    import shutil

    path = tmp_path_factory.mktemp("copies") / "news.db"
    shutil.copy(generated_db, path)
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE stories SET story = seq - 3 WHERE seq % 7 = 0 AND seq > 3")
        raw.execute("UPDATE stories SET story = seq - 4 WHERE seq % 7 = 1 AND seq > 4")
    raw.close()
    return path


@pytest.mark.parametrize("query,filters", [*QUERIES, ("said", {"since": "2006-03-01", "until": "2006-03-31"}),
                                           (None, {"since": "2006-01-01"})])  # fmt: skip
@pytest.mark.parametrize("engine", ["stdlib", "newer"])
@pytest.mark.parametrize("parts", [1, 2])
def test_counts_equal_the_plain_join(copies_db, monkeypatch, query, filters, engine, parts):
    """count_matches (each half of the seqs on its own core, or one part; through apsw's
    SQLite or the standard library's) and the count of stories give what counting every
    matching article and its story gives, under each plan."""
    from newscli.search import PLANS, count_articles_and_stories
    from newscli.stories import story_sql

    halves = _in_parts(monkeypatch, engine, parts)
    conn = connect_readonly(copies_db)
    request = req(query, **filters)
    compiled = compile_request(conn, request)
    where, params = search.filter_sql(conn, compiled.filters)
    if query is None:
        sql, bound = f"FROM articles a WHERE 1{where}", params
    else:
        sql = (
            "FROM search_index JOIN articles a ON a.seq = search_index.rowid WHERE search_index MATCH ?"
            + where
        )
        bound = [compiled.expression, *params]
    expected = tuple(conn.execute(f"SELECT count(*), count(DISTINCT {story_sql()}) {sql}", bound).fetchone())
    for plan in PLANS if where and query else [None]:
        if plan:
            monkeypatch.setattr(search, "choose_plan", lambda *_a, plan=plan: plan)
        halves.clear()
        assert (count_matches(conn, request), count_articles_and_stories(conn, request)) == (
            expected[0],
            expected,
        )
        assert [h is not None for h in halves] == [parts == 2] * 2
    assert (expected[0] > 0) == (query != "zzznothing")
    if query == "said" and not filters:
        assert expected[1] < expected[0] - 100  # stories with several matching articles
    conn.close()
