"""The real corpora in ../shared (skipped when a clone does not have it)."""

import json

from conftest import SHARED, needs_shared, rows


@needs_shared
def test_seed_folder(run, db_path):
    result = run("import", SHARED / "seeds", "--json")
    assert result.exit_code == 0
    [seed] = rows(db_path, "SELECT title, published, retrieved FROM articles")
    assert seed == {
        "title": "Ukraine claims Russian forces withdrawing from Kharkiv",
        "published": "2022-05-14",
        "retrieved": "2024-12-09",
    }


@needs_shared
def test_bbc_corpus_headline_then_body(run, db_path):
    result = run("import", SHARED / "corpora" / "bbc" / "tech", "--json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    files = len(list((SHARED / "corpora" / "bbc" / "tech").glob("*.txt")))
    assert summary["failed"] == 0
    assert summary["imported"] + summary["duplicates"] == files
    assert summary["undated"] == summary["imported"]  # the BBC files carry no dates
    [ipod] = rows(
        db_path,
        "SELECT title, body FROM articles WHERE path LIKE '%apple-ipod-family-expands-market.txt'",
    )
    assert ipod["title"] == "Apple iPod family expands market"
    assert ipod["body"].startswith("Apple has expanded its iPod family")
    assert "£40" in ipod["body"]
    assert rows(db_path, "SELECT max(length(title)) n FROM articles")[0]["n"] < 120
