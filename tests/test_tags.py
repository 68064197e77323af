"""`--tag NAME` on search and timeline: tags come from structured inputs (JSON, CSV, front
matter, web pages) and filter without regard to case; several must all be present."""

import json

import pytest
from conftest import FIXTURES, rows


@pytest.fixture
def tagged_db(run, db_path):
    folders = [FIXTURES / name for name in ("json", "jsonl", "csv", "markdown", "html")]
    result = run("import", *folders, "--quiet")
    assert result.exit_code == 0, result.stderr
    return db_path


def ids_titled(db_path, *titles):
    found = rows(db_path, "SELECT id, title FROM articles")
    by_title = {r["title"]: r["id"] for r in found}
    return [by_title[t] for t in titles]


def test_search_tag_any_case(run, tagged_db):
    result = run("search", "the", "--tag", "UKRAINE", "--sort", "oldest", "--format", "ids")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ids_titled(
        tagged_db,
        "Ceasefire talks resume in Istanbul",
        "Kharkiv metro reopens after months as a shelter",
    )


def test_search_several_tags_must_all_be_present(run, tagged_db):
    result = run("search", "the", "--tag", "ukraine", "--tag", "kharkiv", "--format", "ids")
    assert result.stdout.split() == ids_titled(tagged_db, "Kharkiv metro reopens after months as a shelter")
    assert run("search", "the", "--tag", "ukraine", "--tag", "kharkiv", "--count").stdout == "1\n"
    assert run("search", "the", "--tag", "ukraine", "--count").stdout == "2\n"


def test_search_tag_with_other_filters_and_no_match(run, tagged_db):
    result = run("search", "the", "--tag", "ukraine", "--source", "the daily ledger",
                 "--since", "2022-05", "--json")  # fmt: skip
    assert [r["title"] for r in json.loads(result.stdout)] == [
        "Kharkiv metro reopens after months as a shelter"
    ]
    stored = rows(tagged_db, "SELECT count(*) n FROM articles")[0]["n"]
    result = run("search", "the", "--tag", "O'Brien; DROP TABLE articles")
    assert (result.exit_code, result.stderr) == (1, "no matches\n")
    assert rows(tagged_db, "SELECT count(*) n FROM articles")[0]["n"] == stored > 30


def test_timeline_tag(run, tagged_db):
    result = run("timeline", "--tag", "transport", "--by", "year", "--json")
    assert result.exit_code == 0, result.stderr
    counts = {p["period"]: p["count"] for p in json.loads(result.stdout)}
    # The ferry strike (2020), the Jekyll post's night ferry (2021), the TSV's tram and bus
    # stories and the ferry timetable (2023).
    assert counts == {"2020": 1, "2021": 1, "2022": 0, "2023": 3}
    listed = run("timeline", "--tag", "Transport", "--list", "--json")
    assert [a["title"] for a in json.loads(listed.stdout)] == [
        "Ferry strike ends after pay deal",
        "Night ferry returns to the island timetable",
        "Tram line extension opens",
        "New bus timetable criticised",
        "Ferry timetable changes for winter",
    ]


def test_timeline_query_and_tag(run, tagged_db):
    result = run("timeline", "ferry", "--tag", "transport", "--list", "--format", "ids")
    assert result.stdout.split() == ids_titled(
        tagged_db, "Ferry strike ends after pay deal", "Night ferry returns to the island timetable",
        "Ferry timetable changes for winter",
    )  # fmt: skip
    result = run("timeline", "ferry", "--tag", "weather")
    assert (result.exit_code, result.stderr) == (1, "no matches\n")


def test_tags_beyond_ascii_match_in_their_usual_casings(run, db_path, tmp_path):
    path = tmp_path / "uk.jsonl"
    path.write_text(json.dumps({"title": "Новини", "body": "Текст.", "tags": ["Київ", "ÉNERGIE"]}) + "\n")
    assert run("import", path).exit_code == 0
    for given in ("київ", "КИЇВ", "Київ", "énergie", "Énergie", "ÉNERGIE"):
        result = run("search", "текст", "--tag", given, "--count")
        assert result.stdout == "1\n", given
    assert run("search", "текст", "--tag", "київ", "--tag", "Energie", "--count").stdout == "0\n"
