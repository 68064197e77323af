"""Ranking: headline-only flashes do not crowd out stories (BM25F), topical precision does
not drop, equal scores go newest first, and the per-column hits behind BM25F are exact."""

import json
import sys

import pytest
from conftest import FIXTURES, ROOT, SHARED, needs_shared, req

from newscli.archive import connect_readonly, insert_batch, open_archive
from newscli.importers import import_paths
from newscli.search import compile_request, search_articles

WIRE = FIXTURES / "ranking" / "wire-flashes-and-stories.jsonl"
# Word, and the topic label of the stories it is about.
QUERIES = [("oil", "energy"), ("opec", "energy"), ("striker", "sport"), ("league", "sport")]
TOP = 5


@pytest.fixture(scope="module")
def wire(tmp_path_factory):
    path = tmp_path_factory.mktemp("wire") / "wire.db"
    db = open_archive(path, create=True)
    import_paths(db.conn, [str(WIRE)], parallel=False)
    db.conn.close()
    conn = connect_readonly(path)
    yield conn
    conn.close()


def labels(conn):
    return {seq: json.loads(tags) for seq, tags in conn.execute("SELECT seq, tags FROM articles")}


def fts5_top(conn, word, weights=""):
    expression = compile_request(conn, req(word)).expression
    rows = conn.execute(
        "SELECT rowid FROM search_index WHERE search_index MATCH ? "
        f"ORDER BY bm25(search_index{weights}), rowid LIMIT ?",
        (expression, TOP),
    )
    return [seq for (seq,) in rows]


def newscli_top(conn, word):
    seqs = dict(conn.execute("SELECT id, seq FROM articles"))
    return [seqs[r["id"]] for r in search_articles(conn, req(word, limit=TOP))]


def flashes(conn, rank):
    kinds = labels(conn)
    return sum(kinds[seq][1] == "flash" for word, _ in QUERIES for seq in rank(conn, word))


def test_flashes_do_not_crowd_out_stories(wire):
    weighted = flashes(wire, lambda c, w: fts5_top(c, w, ", 10, 5, 1"))
    unweighted = flashes(wire, fts5_top)
    ours = flashes(wire, newscli_top)
    assert weighted == 9  # title x10: flashes first, whatever the stories say
    assert ours <= unweighted < weighted


@pytest.mark.parametrize("word,label", QUERIES)
def test_a_story_holding_the_word_in_headline_and_body_outranks_a_flash(wire, word, label):
    kinds = labels(wire)
    texts = {seq: (t, b) for seq, t, b in wire.execute("SELECT seq, lower(title), lower(body) FROM articles")}
    seqs = dict(wire.execute("SELECT id, seq FROM articles"))
    ranked = [seqs[r["id"]] for r in search_articles(wire, req(word, limit=0))]
    stories = [s for s in ranked if kinds[s][1] == "story" and all(word in x for x in texts[s])]
    flash = [s for s in ranked if kinds[s][1] == "flash"]
    assert stories and flash
    assert max(map(ranked.index, stories)) < min(map(ranked.index, flash))


def test_per_column_hits_read_from_fts5_are_the_counts_in_the_text(wire):
    from newscli.analysis import spans
    from newscli.matching import Matcher
    from newscli.ranking import _PER_COLUMN, BM25F, FTS5_B, _hits, field_sizes

    compiled = compile_request(wire, req("league"))
    scorer = BM25F(wire, [(t, None) for t in compiled.terms], compiled.lookup)
    matcher = Matcher(compiled.terms, compiled.lookup)
    checked = 0
    for seq, title, subtitle, body in wire.execute("SELECT seq, title, subtitle, body FROM articles"):
        expected = [len(matcher.find(spans(text)[1])) if text else 0 for text in (title, subtitle, body)]
        size = sum(field_sizes(wire, [seq])[seq])
        norm = 1 - FTS5_B + FTS5_B * size / scorer.average_length
        got = [0, 0, 0]
        for phrase, _ in scorer.terms[0][2]:
            row = wire.execute(
                f"SELECT {_PER_COLUMN} FROM search_index WHERE search_index MATCH ? AND rowid = ?",
                (phrase, seq),
            ).fetchone()
            if row:
                got = [g + _hits(-row[2 * f], -row[2 * f + 1], norm) for f, g in enumerate(got)]
        assert got == expected, seq
        checked += any(expected)
    assert checked >= 8


def test_equal_scores_go_newest_first_then_last_imported(tmp_path):
    path = tmp_path / "ties.db"
    db = open_archive(path, create=True)
    rows = [
        ("a" * 16, "Zinc report alpha", None, "zinc smelters met in Lima", "2020-01-01"),
        ("b" * 16, "Zinc report gamma", None, "zinc traders met in Oslo", "2023-06-01"),
        ("c" * 16, "Zinc report delta", None, "zinc miners met in Perth", "2021-03-01"),
        ("d" * 16, "Zinc report omega", None, "zinc buyers met in Delhi", None),
        ("e" * 16, "Zinc report kappa", None, "zinc makers met in Cairo", "2023-06-01"),
    ]
    insert_batch(db.conn, [(*r, None, None, None, "[]", None, 5, "2024-01-01") for r in rows])
    db.conn.close()
    conn = connect_readonly(path)
    results = search_articles(conn, req("zinc", limit=0))
    assert len({r["score"] for r in results}) == 1
    assert [r["id"][0] for r in results] == ["e", "b", "c", "a", "d"]
    # Pages follow the same order.
    paged = [r["id"][0] for n in range(5) for r in search_articles(conn, req("zinc", limit=1, offset=n))]
    assert paged == ["e", "b", "c", "a", "d"]
    conn.close()


@needs_shared
@pytest.mark.slow
def test_on_the_labelled_wire_corpus_flashes_fall_and_precision_does_not_drop(tmp_path):
    """benchmarks/ranking.py's corpus: BBC stories by topic, with flashes made from them."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import ranking as bench
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    records = bench.wire_records(SHARED / "corpora" / "bbc")
    queries = bench.topical_words(records, 10)
    path = tmp_path / "wire.db"
    bench.build_archive(path, records)
    conn = connect_readonly(path)
    rows = {r["ranking"]: r for r in bench.evaluate(conn, queries)}
    conn.close()
    before, unweighted, ours = rows.values()
    assert ours["flashes"] <= unweighted["flashes"] < before["flashes"]
    assert ours["precision"] >= max(before["precision"], unweighted["precision"])
