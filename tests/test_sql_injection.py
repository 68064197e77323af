"""Values that look like SQL reach SQLite as bound parameters: they match nothing, or match
themselves literally, and never change a statement."""

from __future__ import annotations

import json

import pytest
from conftest import ARTICLES, SEED_ID, rows, run_installed
from read_only_paths import read_only

INJECTIONS = [
    "x' OR '1'='1",
    'x" OR "1"="1',
    "'; DROP TABLE articles; --",
    "1 OR 1=1",
    "%",
    "_",
    "*",
    "79019f60' --",
    "') UNION SELECT * FROM sqlite_master --",
]


@pytest.mark.parametrize("given", INJECTIONS)
def test_ids_that_look_like_sql_find_nothing(run, fixtures_db, given):
    result = run("show", given)
    assert result.exit_code == 1
    assert result.stderr in (
        f"error: no article with id {given!r}\n",
        f"error: id prefix {given!r} is too short: give at least 4 characters\n",
    )
    assert result.stdout == ""


@pytest.mark.parametrize("given", INJECTIONS)
def test_sources_that_look_like_sql_filter_to_nothing(run, fixtures_db, given):
    for args in (("search", "kharkiv"), ("timeline", "kharkiv"), ("timeline", "--list")):
        result = run(*args, "--source", given, "--json")
        assert result.exit_code == 1, (args, result.output)
        assert "error" not in result.stderr


def test_a_source_that_looks_like_sql_is_stored_and_found_literally(run, db_path):
    source = "x' OR '1'='1"
    assert run("import", ARTICLES / "date-before-headline.txt", "--source", source).exit_code == 0
    assert run("import", ARTICLES / "iso-date-and-byline.txt", "--source", "Other").exit_code == 0
    assert [r["source"] for r in rows(db_path, "SELECT source FROM articles ORDER BY seq")] == [
        source,
        "Other",
    ]
    found = run("search", "--source", source, "--json", "--", "the")
    titles = [r["title"] for r in json.loads(found.stdout)]
    (only,) = rows(db_path, "SELECT title FROM articles WHERE source = ?", (source,))
    assert titles == [only["title"]]
    assert rows(db_path, "SELECT count(*) AS n FROM sqlite_master WHERE name = 'articles'") == [{"n": 1}]


@pytest.mark.parametrize("query", ["x' OR '1'='1", "'; DROP TABLE articles; --", "title:'x OR 1=1"])
def test_queries_that_look_like_sql_are_searched_as_words(run, fixtures_db, query):
    result = run("search", "--json", "--", query)
    assert result.exit_code in (0, 1)
    assert "error" not in result.stderr
    assert rows(fixtures_db, "SELECT count(*) AS n FROM articles")[0]["n"] > 0


def test_a_database_path_with_quotes_and_uri_characters_works_read_only(tmp_path):
    """connect_readonly builds a file: URI for read-only archives: ', ?, #, % and spaces in
    the path must stay part of the name."""
    folder = tmp_path / "it's #1 100% ?odd"
    folder.mkdir()
    db = folder / "news?mode=rw#.db"
    assert run_installed("--db", db, "import", ARTICLES, "--quiet").returncode == 0
    with read_only(folder):
        shown = run_installed("--db", db, "show", "--json", SEED_ID)
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["id"] == SEED_ID
        refused = run_installed("--db", db, "import", ARTICLES)
        assert refused.returncode == 2
    assert sorted(p.name for p in folder.iterdir()) == ["news?mode=rw#.db"]
