"""The search index (newscli/index.py) stays right whatever writes the archive: rows that
other programs insert, edit or delete are indexed when newscli next opens the file, and
`search --explain` says how a query was read."""

import json
import sqlite3

import sqlite_utils
from conftest import SEED_ID, rows


def ids(result):
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout.split()


def integrity_ok(db):
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 1)")
    conn.close()


def test_rows_written_by_other_programs_are_searchable(run, fixtures_db):
    conn = sqlite3.connect(fixtures_db)
    conn.execute(f"UPDATE articles SET title = 'Zanzibar ferry resumes' WHERE id = '{SEED_ID}'")
    conn.execute("DELETE FROM articles WHERE title LIKE 'Heatwave%'")
    conn.commit()
    conn.close()
    db = sqlite_utils.Database(fixtures_db)
    db["articles"].insert(
        {"id": "added-by-hand-001", "title": "新闻自由指数发布", "body": "报告说，全球新闻自由状况继续恶化。",
         "authors": "[]", "words": 2, "imported_at": "2026-01-01T00:00:00+00:00"}
    )  # fmt: skip
    db.close()
    assert ids(run("search", "zanzibar", "--format", "ids")) == [SEED_ID]
    # The old title's words are gone from the index (the body still says Kharkiv).
    assert SEED_ID not in ids(run("search", "title:withdrawing", "--format", "ids"))
    assert ids(run("search", "heatwave", "--format", "ids")) == []
    assert ids(run("search", "自由", "--format", "ids")) == ["added-by-hand-001"]
    assert rows(fixtures_db, "SELECT lang FROM articles WHERE id = 'added-by-hand-001'")[0]["lang"] == "zh"
    assert rows(fixtures_db, "SELECT count(*) AS n FROM search_pending")[0]["n"] == 0
    integrity_ok(fixtures_db)
    # And the Porter index that sqlite-utils and Datasette search is in step too.
    db = sqlite_utils.Database(fixtures_db)
    assert [r["id"] for r in db["articles"].search("zanzibar")] == [SEED_ID]


def test_changing_a_date_or_language_does_not_reindex(run, fixtures_db):
    conn = sqlite3.connect(fixtures_db)
    conn.execute("UPDATE articles SET published = '2001-01-01', lang = 'de'")
    conn.commit()
    assert conn.execute("SELECT count(*) FROM search_pending").fetchone()[0] == 0
    conn.close()
    assert ids(run("search", '"withdrawing"', "--format", "ids")) == [SEED_ID]


def test_an_index_emptied_by_hand_is_rebuilt_from_the_queue(run, fixtures_db):
    conn = sqlite3.connect(fixtures_db)
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.execute("INSERT INTO search_pending (seq, op) SELECT seq, 'add' FROM articles")
    conn.commit()
    conn.close()
    assert ids(run("search", "kharkiv", "--format", "ids"))
    assert rows(fixtures_db, "SELECT count(*) AS n FROM search_index_docsize")[0]["n"] == total
    integrity_ok(fixtures_db)


def test_explain_reads_each_term(run, fixtures_db):
    result = run("search", "--explain", 'withdraw "russian forces" kharki* -izium source:bbc', "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    terms = {t["text"]: t for t in report["terms"]}
    assert terms["withdraw"]["reading"] == "word and its forms: withdraw"
    assert {f["word"] for f in terms["withdraw"]["forms"]} >= {"withdraw", "withdrawing"}
    assert terms["russian forces"]["reading"] == "exact phrase: russian forces"
    assert terms["kharki"]["prefix"] is True
    assert terms["izium"]["excluded"] is True
    assert report["filter_values"] == {"sources": ["bbc"]}
    assert report["matches"] == 0
    # The counts are what a search finds.
    for text, term in terms.items():
        if not term["excluded"]:
            exact = term["reading"].startswith("exact")
            query = f'"{text}"' if exact else text + ("*" if term["prefix"] else "")
            assert len(ids(run("search", query, "--format", "ids", "--limit", "0"))) == term["articles"], text


def test_explain_as_a_table_names_the_expression_and_notes(run, fixtures_db):
    result = run("search", "--explain", "kharkiv or kyiv")
    assert result.exit_code == 0, result.stderr
    assert "FTS5:" in result.stdout and "Matches:" in result.stdout
    assert "Note: 'or' is read as a word" in result.stdout  # part of the explanation
