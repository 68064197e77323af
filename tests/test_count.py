"""`newscli count`: the number of matching articles per query, from arguments or a file of
queries, with the first and last date; a bad line is told by its number, the rest still run."""

import json

from conftest import check_hostile_queries, run_installed


def counts(run, *args):
    result = run("count", *args, "--json")
    return result, json.loads(result.stdout or "[]")


def test_each_argument_is_one_query_counted_as_search_counts_it(fixtures_db, run):
    result, found = counts(run, "kharkiv", "kyiv OR kiev", '"russian forces"')
    assert result.exit_code == 0
    assert [row["query"] for row in found] == ["kharkiv", "kyiv OR kiev", '"russian forces"']
    for row in found:
        searched = json.loads(run("search", row["query"], "--limit", "0", "--json").stdout)
        assert row["count"] == len(searched) > 0
        dates = sorted(r["published"] for r in searched if r["published"])
        assert (row["first"], row["last"]) == (dates[0], dates[-1])
    assert list(found[0]) == ["query", "count", "first", "last"]


def test_filters_apply_to_every_query(fixtures_db, run):
    _, found = counts(run, "kharkiv", "kyiv", "--since", "2022-05-15")
    for row in found:
        assert row["first"] is None or row["first"] >= "2022-05-15"
    _, everything = counts(run, "kharkiv", "kyiv")
    assert [r["count"] for r in found] < [r["count"] for r in everything]
    _, none = counts(run, "kharkiv", "--author", "nobody-of-that-name")
    assert none == [{"query": "kharkiv", "count": 0, "first": None, "last": None}]


def test_a_file_of_queries_with_comments_and_a_bad_line(fixtures_db, run, tmp_path):
    names = tmp_path / "names.txt"
    names.write_text(
        '# places\nkharkiv\n\n  kyiv  \n"unclosed\nzzyzzyx\nsource:bbc-nowhere\n', encoding="utf-8"
    )
    result, found = counts(run, "--queries", names)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {names}:5: unbalanced quote in query"
    assert [(r["query"], r["count"] > 0) for r in found] == [
        ("kharkiv", True), ("kyiv", True), ("zzyzzyx", False), ("source:bbc-nowhere", False)
    ]  # fmt: skip


def test_queries_from_stdin_and_csv(fixtures_db, run):
    result = run("count", "--queries", "-", "--format", "csv", input="kharkiv\nzzyzzyx\n")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "query,count,first,last" and lines[1].startswith("kharkiv,4,")
    assert lines[2] == "zzyzzyx,0,,"


def test_nothing_matched_exits_1_and_no_query_is_a_usage_error(fixtures_db, run):
    result = run("count", "zzyzzyx", "qqxqqx")
    assert result.exit_code == 1 and "zzyzzyx" in result.stdout
    assert run("count").exit_code == 2


def test_hostile_queries_give_a_count_or_a_one_line_error(fixtures_db, run):
    check_hostile_queries(run, "count")
    result = run("count", "(((", "kharkiv", "--json")
    assert result.exit_code == 2 and json.loads(result.stdout)[0]["query"] == "kharkiv"


def test_the_table_for_people_and_the_installed_command(fixtures_db):
    done = run_installed("--db", fixtures_db, "count", "kharkiv", "kyiv", env={"COLUMNS": "100"})
    assert done.returncode == 0
    lines = done.stdout.decode().splitlines()
    assert lines[0].split() == ["Query", "Articles", "First", "Last"]
    assert lines[1].split()[:3] == ["kharkiv", "4", "2022-05-14"]
