"""`newscli kwic`: one line per occurrence, the match between its contexts, words matched as
search matches them (inflections, exact words, prefixes, phrases, scripts without spaces)."""

import json
import re

import pytest
from conftest import FIXTURES, check_hostile_queries, rows

MULTILINGUAL = FIXTURES / "multilingual"


@pytest.fixture
def archive(fixtures_db, run):
    assert run("import", MULTILINGUAL, FIXTURES / "jsonl" / "articles.jsonl", "--quiet").exit_code == 0
    return fixtures_db


def kwic(run, *args):
    result = run("kwic", *args, "--json")
    return result, (json.loads(result.stdout) if result.stdout else [])


def flat(text):
    return " ".join((text or "").split())


def test_a_quoted_word_gives_one_line_per_occurrence_in_every_field(archive, run):
    result, lines = kwic(run, '"kharkiv"', "--limit", "0")
    assert result.exit_code == 0
    occurrences = sum(
        len(
            re.findall(
                r"(?<![^\W_])kharkiv(?![^\W_])", flat(f"{r['title']}\n{r['subtitle']}\n{r['body']}"), re.I
            )
        )
        for r in rows(archive, "SELECT title, subtitle, body FROM articles")
    )
    assert len(lines) == occurrences > 5
    assert list(lines[0]) == ["id", "published", "title", "left", "match", "right"]
    assert {line["match"].casefold() for line in lines} == {"kharkiv"}


def test_left_match_right_read_as_the_text_and_keep_to_the_width(archive, run):
    _, lines = kwic(run, "kharkiv", "--width", "25", "--limit", "0")
    texts = {
        r["id"]: flat(f"{r['title']} {r['subtitle'] or ''} {r['body']}")
        for r in rows(archive, "SELECT * FROM articles")
    }
    for line in lines:
        assert len(line["left"]) <= 25 and len(line["right"]) <= 25
        assert line["left"] + line["match"] + line["right"] in texts[line["id"]]


def test_an_unquoted_word_matches_its_inflections_and_a_prefix_its_start(archive, run):
    _, lines = kwic(run, "withdraw", "--limit", "0")
    assert {line["match"].lower() for line in lines} >= {"withdraw", "withdrawing"}
    _, exact = kwic(run, '"withdraw"', "--limit", "0")
    assert {line["match"].lower() for line in exact} == {"withdraw"}
    _, prefix = kwic(run, "withdr*", "--limit", "0")
    assert all(line["match"].lower().startswith("withdr") for line in prefix)
    assert len(prefix) >= len(lines)


def test_a_phrase_is_one_match(archive, run):
    _, lines = kwic(run, '"russian forces"', "--limit", "0")
    assert lines and {line["match"].lower() for line in lines} == {"russian forces"}


@pytest.mark.parametrize(
    "query, match",
    [
        ("東京", "東京"),
        ("東京都", "東京都"),
        ("人工智能", "人工智能"),
        ("กรุงเทพ", "กรุงเทพ"),
        ("helsinki", "Helsingin"),
    ],
)
def test_scripts_without_spaces_and_inflected_languages(archive, run, query, match):
    _, lines = kwic(run, query, "--limit", "0")
    assert match in {line["match"] for line in lines}


def test_limit_counts_lines_and_newest_come_first(archive, run):
    _, lines = kwic(run, "kharkiv", "--limit", "4")
    assert len(lines) == 4
    _, every = kwic(run, "kharkiv", "--limit", "0")
    assert lines == every[:4]
    dates = [line["published"] for line in every if line["published"]]
    assert dates == sorted(dates, reverse=True)
    _, oldest = kwic(run, "kharkiv", "--limit", "0", "--sort", "oldest")
    assert [line["published"] for line in oldest if line["published"]] == sorted(dates)


def test_sort_rank_follows_search(archive, run):
    best = json.loads(run("search", "kharkiv", "--json").stdout)[0]["id"]
    _, lines = kwic(run, "kharkiv", "--sort", "rank")
    assert lines[0]["id"] == best


def test_filters_apply(archive, run):
    _, lines = kwic(run, "kharkiv", "--since", "2022-05-14", "--until", "2022-05-14", "--limit", "0")
    assert lines and {line["published"][:10] for line in lines} == {"2022-05-14"}
    _, none = kwic(run, "kharkiv", "--author", "nobody-of-that-name")
    assert none == []


def test_the_table_aligns_the_matches(archive, run):
    result = run("kwic", "kharkiv", "--limit", "6")
    lines = result.stdout.splitlines()
    assert len(lines) == 6 and "6 lines from" in result.stderr
    starts = {line.lower().index("kharkiv", 30) for line in lines}
    assert len(starts) == 1


def test_no_match_exits_1_and_hostile_queries_give_one_line_errors(archive, run):
    result = run("kwic", "zzyzzyx")
    assert result.exit_code == 1 and result.stderr.strip() == "no matches"
    assert run("kwic", "zzyzzyx", "--json").stdout.strip() == "[]"
    check_hostile_queries(run, "kwic")
    assert rows(archive, "SELECT count(*) AS n FROM articles")[0]["n"] > 0


def test_control_characters_never_reach_the_terminal(run, tmp_path):
    source = tmp_path / "escape.jsonl"
    source.write_text(json.dumps({"title": "Escapes", "body": "before \x1b[2J kharkiv \x07 after"}) + "\n")
    run("import", source, "--quiet")
    result = run("kwic", "kharkiv")
    assert result.exit_code == 0 and "\x1b" not in result.stdout and "\x07" not in result.stdout
