"""Property-based fuzzing of what users type: search queries, --since/--until values and the
ids given to show, through the real CLI. Never a traceback, never SQLite's own words, never
a control character sent to the terminal in an error line."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from conftest import ARTICLES, SEED_ID
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newscli.cli import cli

SYNTAX = ['"', "(", ")", "*", "-", ":", "^", "+", "{", "}", " AND ", " OR ", " NOT ", " NEAR ",
          "NEAR(", "title:", "body:", "subtitle:", "foo:", "'", ";", "--", "/*", "\\", "\x00",
          "\x1b[31m", "\u202e", "é", "кий", "東京", "🙂", " ", "  ", "\t", "\n"]  # fmt: skip
WORDS = ["kharkiv", "withdraw", "russia", "café", "ukraine", "forces", "a", "the", "x", "1"]
query_text = st.one_of(
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=12).map("".join),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
)
DATE_BITS = ["2022", "-", "05", "14", "May", "may", "31", "02", "30d", "2w", "6m", "1y", "0",
             "9999", "0000", "1e309", "-1", "today", "yesterday", " ", "/", ".", "W19",
             "T", "12:00", "+00:00", "99999999999999999999", "Feb", "29", "nan", "inf"]  # fmt: skip
date_text = st.one_of(st.lists(st.sampled_from(DATE_BITS), max_size=6).map("".join), st.text(max_size=20))
id_text = st.one_of(
    st.text(alphabet="0123456789abcdefABCDEF", max_size=20),
    st.text(max_size=20),
    st.sampled_from(
        [
            SEED_ID,
            SEED_ID[:4],
            SEED_ID.upper(),
            f" {SEED_ID} ",
            "x' OR '1'='1",
            "' OR 1=1 --",
            "%",
            "_",
            "79019f60%",
            "*",
            "\x00",
            "\u202e28d4",
        ]
    ),
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
COUNTS: dict[str, int] = {}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    db = tmp_path_factory.mktemp("fuzz") / "news.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(ARTICLES), "--quiet"])
    assert result.exit_code == 0, result.output
    return str(db)


def invoke(archive: str, *args: str, raw: bool = False):
    COUNTS[args[0]] = COUNTS.get(args[0], 0) + 1
    result = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100"}).invoke(cli, ["--db", archive, *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # shows the traceback a user would have seen
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    err = result.stderr
    assert "Traceback" not in result.output
    # SQLite's words, unless they are the user's own, quoted back in the message.
    ours = err.lower()
    for arg in sorted(args, key=len, reverse=True):
        for form in (arg, " ".join(arg.split()), repr(arg)[1:-1], arg.strip().lower()):
            if form.strip():
                ours = ours.replace(form.lower(), "")
    assert "sqlite" not in ours and "database error" not in ours, (args, err)
    if not raw:  # with --raw the user writes FTS5 and its errors may name it
        assert "fts5" not in ours, (args, err)
    assert not CONTROL.search(err), (args, err)
    if result.exit_code == 2:
        assert err.startswith("error: ") or err.startswith("Usage:"), (args, err)
    return result


FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(query=query_text)
@example(query='"unbalanced')
@example(query="NEAR(a b")
@example(query="title:")
@example(query="\udcff")
@example(query="((((((((((((((((((((((((((((((((((((((((a")
def test_search_queries_never_break(archive, query):
    result = invoke(archive, "search", "--", query)
    if result.exit_code == 0:
        assert result.stdout
    invoke(archive, "search", "--count", "--", query)
    invoke(archive, "timeline", "--by", "year", "--", query)


@FUZZ
@given(query=query_text)
@example(query="a AND")
@example(query='"')
@example(query="NEAR(")
@example(query="title:x OR")
def test_raw_fts5_expressions_fail_in_one_line(archive, query):
    result = invoke(archive, "search", "--raw", "--", query, raw=True)
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1
        assert "fts5:" not in result.stderr.lower()


@FUZZ
@given(since=date_text, until=date_text)
@example(since="9999-12-31", until="9999-12-31")
@example(since="0001", until="0001-01-01")
@example(since="1e309", until="")
@example(since="99999d", until="today")
def test_since_and_until_never_break(archive, since, until):
    invoke(archive, "search", "kharkiv", "--since", since, "--until", until)
    invoke(archive, "timeline", "--since", since, "--until", until, "--json")
    invoke(archive, "timeline", "--since", since, "--list", "--format", "ids")


@FUZZ
@given(
    source=st.text(max_size=30),
    tag=st.text(max_size=30),
    limit=st.sampled_from(["0", "1", "-1", "1e9", "99999999999999999999", "x", ""]),
)
@example(source="x' OR '1'='1", tag="%", limit="0")
def test_sources_tags_and_limits_never_break(archive, source, tag, limit):
    invoke(archive, "search", "kharkiv", "--source", source, "--tag", tag)
    invoke(archive, "search", "kharkiv", "--limit", limit, "--offset", limit)
    invoke(archive, "timeline", "--source", source, "--tag", tag, "--list")


@FUZZ
@given(ids=st.lists(id_text, min_size=1, max_size=3))
def test_ids_given_to_show_never_break(archive, ids):
    result = invoke(archive, "show", "--json", "--", *ids)
    if result.exit_code == 0:
        assert result.stdout.startswith(("{", "["))
    invoke(archive, "show", "--", *ids)


def test_fuzzing_ran_the_commands(record_property):
    """Runs last in this module: the figures of the fuzzing above."""
    if not COUNTS:
        pytest.skip("run with the fuzz tests above to count them")
    record_property("fuzzed_cli_runs", sum(COUNTS.values()))
    for command, runs in sorted(COUNTS.items()):
        record_property(f"fuzzed_{command}_runs", runs)
    assert COUNTS.get("search", 0) >= 360 and COUNTS.get("show", 0) >= 240
