"""`newscli show`: by id or prefix, readable or JSON, article text always literal."""

import json

from conftest import SEED_ID

SEED_JSON_KEYS = [
    "id", "title", "subtitle", "body", "published", "retrieved", "source", "url",
    "authors", "path", "words", "imported_at", "tags", "extra", "lang",
]  # fmt: skip


def test_show_by_prefix_renders_the_article(run, fixtures_db):
    result = run("show", SEED_ID[:6])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Ukraine claims Russian forces withdrawing from Kharkiv"
    assert "Published: 2022-05-14" in lines
    assert "Retrieved: 2024-12-09" in lines
    assert f"Id: {SEED_ID}" in lines
    assert "After months of severe warfare" in result.stdout


def test_show_json_fields(run, fixtures_db):
    result = run("show", SEED_ID, "--json")
    article = json.loads(result.stdout)
    assert list(article) == SEED_JSON_KEYS
    assert article["id"] == SEED_ID
    assert article["published"] == "2022-05-14"
    assert article["retrieved"] == "2024-12-09"
    assert article["authors"] == []
    assert article["url"] is None
    assert article["tags"] == [] and article["extra"] == {}


def test_show_several_ids_as_json_array(run, fixtures_db):
    other = json.loads(run("show", SEED_ID, "--json").stdout)
    result = run("show", SEED_ID[:8], SEED_ID.upper(), "--json")
    assert [a["id"] for a in json.loads(result.stdout)] == [SEED_ID, SEED_ID]
    assert other["title"].startswith("Ukraine")


def test_unknown_short_and_ambiguous_ids(run, fixtures_db):
    result = run("show", "ffffffff")
    assert (result.exit_code, result.stderr) == (1, "error: no article with id 'ffffffff'\n")
    result = run("show", "28d")
    assert result.exit_code == 1
    assert result.stderr == "error: id prefix '28d' is too short: give at least 4 characters\n"
    result = run("show", "x' OR '1'='1")
    assert result.exit_code == 1 and "no article with id" in result.stderr


def test_ambiguous_prefix(run, db_path, fixtures_db):
    import sqlite3

    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO articles (id, title, body, imported_at) VALUES (?, 'Twin', 'x', 'now')",
        (SEED_ID[:6] + "0000000000",),
    )
    conn.commit()
    result = run("show", SEED_ID[:6])
    assert result.exit_code == 1
    assert "is ambiguous" in result.stderr
    assert run("show", SEED_ID[:7]).exit_code == 0


def test_markup_and_escapes_are_shown_literally(run, fixtures_db):
    ids = run("show", "--json", "29184ab7").stdout
    article = json.loads(ids)
    # JSON keeps the text byte for byte ...
    assert "\x1b[31mcolour\x1b[0m" in article["title"]
    # ... the terminal gets it without escapes and without markup interpretation.
    out = run("show", "29184ab7").stdout
    assert "\x1b" not in out and "\x07" not in out
    assert out.splitlines()[0] == "Report on [bold]markup[/bold] and colour in titles"
    assert "[link=https://example.com]text[/link]" in out
