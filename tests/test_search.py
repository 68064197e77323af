"""`newscli search` on the fixture articles: every syntax element, filter, sort, format and
exit code, with the ids and order of the results asserted."""

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ARTICLES, SEED_ID, import_quietly, req, run_installed

from newscli.archive import connect_readonly
from newscli.cli import cli
from newscli.filters import Filters
from newscli.matching import MARK_END, MARK_START
from newscli.query import QueryError
from newscli.search import SearchRequest, count_matches, search_articles

# The fixture articles the tests find, by what they are.
SEED = SEED_ID  # 2022-05-14, Kharkiv in title and body, "withdrawing" in the title
IZIUM = "696ef6b9ed9c7240"  # 2022-09-11T23:10:00+00:00, Kharkiv in title and body
RESIDENTS = "559ab0d1ff065d8d"  # 2024-12-09, Kharkiv in title and body (short)
REFUGEES = "89a3ce03469f797e"  # 2022-05-16, Kharkiv and Kyiv in the body only
VICTORY = "e143de9c627a289d"  # 2022-05-09, "withdraw" in the body
MARIUPOL = "3b3fbc12ec501e96"  # 2022-05-18, Azovstal in subtitle and body
KYIV_SCHOOLS = "dfa67f9ef621b32e"  # 2021-11-03, Kyiv in the title
CAFE_SOCIETY = "64281d8657765daa"  # 2021-03-14, “Café society”
CAFE_OWNERS = "ef92c5d1cf858833"  # undated, Café, "Don't"
MAY_I_HELP = "6abc8a5c2ebf4403"  # undated, "border town"
MARKUP = "29184ab7206a62f9"  # 2020-03-10, Rich markup and escapes in the title
KHARKIV_BY_RANK = [IZIUM, RESIDENTS, SEED, REFUGEES]


@pytest.fixture(scope="module")
def search_db(tmp_path_factory):
    """All fixture articles; three of them imported first with a source."""
    db = tmp_path_factory.mktemp("search") / "news.db"
    import_quietly(db, ARTICLES / "kharkiv-in-body-only.txt", "--source", "Reuters")
    import_quietly(db, ARTICLES / "iso-datetime-late-evening.txt", "--source", "BBC")
    import_quietly(db, ARTICLES / "date-before-headline.txt", "--source", "bbc")
    import_quietly(db, ARTICLES)
    return db


@pytest.fixture
def search(search_db):
    def invoke(*args, env=None):
        return CliRunner().invoke(cli, ["--db", str(search_db), "search", *map(str, args)],
                                  env=env, catch_exceptions=False)  # fmt: skip

    return invoke


def ids(result):
    assert result.exit_code in (0, 1), result.stderr
    return [line for line in result.stdout.splitlines() if line]


# --- the query language ------------------------------------------------------------------

SYNTAX = [
    ("kharkiv", KHARKIV_BY_RANK),  # title matches above the body-only one
    ("KHARKIV", KHARKIV_BY_RANK),
    ("kharkiv izium", [IZIUM]),  # all words must match
    ("kharkiv AND izium", [IZIUM]),
    ("kharkiv, izium!", [IZIUM]),  # punctuation is not syntax
    ("withdraw", [SEED, VICTORY]),  # stemming: withdraw finds withdrawing
    ("withdrawing", [SEED, VICTORY]),
    ("cafe", [CAFE_OWNERS, CAFE_SOCIETY]),  # accent folding; owners says it twice
    ("café", [CAFE_OWNERS, CAFE_SOCIETY]),
    ('"russian forces"', [SEED]),
    ('"forces russian"', []),
    ("kyiv OR mariupol", [MARIUPOL, KYIV_SCHOOLS, REFUGEES, SEED]),
    ("kyiv or mariupol", []),  # lower-case or is a word
    ("kharkiv -withdraw", [IZIUM, RESIDENTS, REFUGEES]),
    ("kharkiv NOT withdraw", [IZIUM, RESIDENTS, REFUGEES]),
    ("-withdraw kharkiv", [IZIUM, RESIDENTS, REFUGEES]),
    ('kharkiv -"russian forces"', [IZIUM, RESIDENTS, REFUGEES]),
    ("kharkiv -(izium OR withdraw)", [RESIDENTS, REFUGEES]),
    ("withdr*", [SEED, VICTORY]),
    ("izi*", [IZIUM]),
    ("(kyiv OR kharkiv) refugees", [REFUGEES]),
    ("kyiv OR kharkiv refugees", [REFUGEES, KYIV_SCHOOLS, SEED]),  # AND binds tighter
    # One title hit each: equal scores (a headline's length does not count), newest first.
    ("title:kharkiv", [RESIDENTS, IZIUM, SEED]),
    ("body:kharkiv", [IZIUM, REFUGEES, RESIDENTS, SEED]),
    ("title:significant", []),
    ("subtitle:significant", [SEED]),
    ("subtitle:azovstal", [MARIUPOL]),
    ('title:"russian forces"', [SEED]),
    ("title:(kharkiv OR mariupol)", [MARIUPOL, RESIDENTS, IZIUM, SEED]),
    # what else people type
    ("don't", [CAFE_OWNERS]),
    ("Kharkiv-based", []),
    ('"foo:kharkiv"', []),
    ("Харків", []),
    ("kharkiv AND", KHARKIV_BY_RANK),
    ("OR kharkiv", KHARKIV_BY_RANK),
    ("kharkiv AND AND izium", [IZIUM]),
    ("2,000", [MARIUPOL]),
    ("bold", [MARKUP]),  # markup in an article is text like any other
    ("OR", []),
    ("word " * 2000, []),
]


@pytest.mark.parametrize("query,expected", SYNTAX, ids=[q[:30] for q, _ in SYNTAX])
def test_query_language(search, query, expected):
    result = search(query, "--format", "ids", "--limit", "0")
    assert ids(result) == expected
    assert result.exit_code == (0 if expected else 1)


def test_unquoted_exclusion_is_not_an_option(search):
    assert ids(search("kharkiv", "-withdraw", "--format", "ids")) == [IZIUM, RESIDENTS, REFUGEES]
    assert ids(search("--format", "ids", "-withdraw", "kharkiv")) == [IZIUM, RESIDENTS, REFUGEES]
    assert ids(search("kharkiv", "--", "--format", "ids")) == []  # after --, all words


@pytest.mark.parametrize(
    "args,message",
    [
        (['"kharkiv'], "error: unbalanced quote in query"),
        (["(kharkiv"], "error: unbalanced parenthesis in query"),
        (["kharkiv)"], "error: unbalanced parenthesis in query"),
        (["!!!"], "error: nothing to search for in query"),
        (["-"], "error: nothing to search for in query"),
        (["*"], "error: nothing to search for in query"),
        (["😀"], "error: nothing to search for in query"),
        (["-kharkiv"], "error: a query needs at least one word to search for, not only exclusions"),
        (["  "], "error: empty query"),
        (["--raw", "AND"], 'error: invalid FTS5 query: syntax error near "AND"'),
        (["--raw", "foo:bar"], "error: invalid FTS5 query: no such column: foo"),
        (["--raw", "(kharkiv"], "error: invalid FTS5 query: syntax error at the end of the query"),
        (["--raw", '"kharkiv'], "error: invalid FTS5 query: unterminated string"),
        (["kharkiv", "--since", "soon"], "error: --since: invalid date 'soon': use 2022, "),
        (["kharkiv", "--until", "05/06/2022"], "error: --until: ambiguous date '05/06/2022'"),
        (
            ["kharkiv", "--since", "2023", "--until", "2022"],
            "error: --since 2023-01-01 is after --until 2022-12-31: nothing can match",
        ),
    ],
)
def test_errors_are_one_line_exit_2(search, args, message):
    result = search(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert len(result.stderr.splitlines()) == 1
    assert "fts5:" not in result.stderr


def test_missing_database_is_exit_2(run, tmp_path):
    result = run("search", "kharkiv", db=tmp_path / "nope.db")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no database at ")


@pytest.mark.parametrize(
    "expression,expected",
    [
        ("kharkiv NOT withdraw", [IZIUM, RESIDENTS, REFUGEES]),
        ("title:kharkiv", [IZIUM, RESIDENTS, SEED]),
        ("NEAR(kharkiv izium, 3)", [IZIUM]),
        ("{title subtitle}: significant OR azovstal", [MARIUPOL, SEED]),
    ],
)
def test_raw_fts5_expressions(search, expression, expected):
    assert ids(search("--raw", expression, "--format", "ids")) == expected


# --- filters, order, paging --------------------------------------------------------------

FILTERS = [
    (["kharkiv", "--since", "2022-09"], [IZIUM, RESIDENTS]),
    (["kharkiv", "--until", "2022-09-11"], [IZIUM, SEED, REFUGEES]),  # 23:10 that day counts
    (["kharkiv", "--until", "2022-09-10"], [SEED, REFUGEES]),
    (["kharkiv", "--since", "2022-09-11", "--until", "2022-09-11"], [IZIUM]),
    (["kharkiv", "--since", "2022-05", "--until", "2022-05"], [SEED, REFUGEES]),
    (["kharkiv", "--since", "2022", "--until", "2022"], [IZIUM, SEED, REFUGEES]),
    (["kharkiv", "--since", "15 May 2022", "--until", "Sept 2022"], [IZIUM, REFUGEES]),
    (["kharkiv", "--since", "2025"], []),
    (["cafe"], [CAFE_OWNERS, CAFE_SOCIETY]),  # undated articles count without a date filter
    (["cafe", "--since", "2000"], [CAFE_SOCIETY]),  # and are left out with one
    (["cafe", "--until", "2030"], [CAFE_SOCIETY]),
    (["kharkiv", "--source", "BBC"], [IZIUM, RESIDENTS]),  # any case
    (["kharkiv", "--source", "reuters"], [REFUGEES]),
    (["kharkiv", "--source", "bbc", "--source", "Reuters"], [IZIUM, RESIDENTS, REFUGEES]),
    (["kharkiv", "--source", "BBC", "--until", "2023"], [IZIUM]),
    (["kharkiv", "--source", "Nobody"], []),
]


@pytest.mark.parametrize("args,expected", FILTERS, ids=[" ".join(a) for a, _ in FILTERS])
def test_filters(search, args, expected):
    result = search(*args, "--format", "ids")
    assert ids(result) == expected
    assert result.exit_code == (0 if expected else 1)
    count = search(*args, "--count")
    assert count.stdout == f"{len(expected)}\n"
    assert count.exit_code == (0 if expected else 1)


def test_relative_dates(search):
    # Everything in the fixtures is years old; 30 days back from today finds nothing,
    # 100 years back finds every dated Kharkiv article.
    assert ids(search("kharkiv", "--since", "30d", "--format", "ids")) == []
    assert ids(search("kharkiv", "--since", "100y", "--format", "ids")) == KHARKIV_BY_RANK
    assert ids(search("kharkiv", "--until", "yesterday", "--format", "ids")) == KHARKIV_BY_RANK


SORTS = [
    (["kharkiv", "--sort", "rank"], KHARKIV_BY_RANK),
    (["kharkiv", "--sort", "newest"], [RESIDENTS, IZIUM, REFUGEES, SEED]),
    (["kharkiv", "--sort", "oldest"], [SEED, REFUGEES, IZIUM, RESIDENTS]),
    (["cafe", "--sort", "newest"], [CAFE_SOCIETY, CAFE_OWNERS]),  # undated last
    (["cafe", "--sort", "oldest"], [CAFE_SOCIETY, CAFE_OWNERS]),
    (["kharkiv", "--limit", "2"], [IZIUM, RESIDENTS]),
    (["kharkiv", "--limit", "2", "--offset", "2"], [SEED, REFUGEES]),
    (["kharkiv", "--limit", "3", "--offset", "3"], [REFUGEES]),
    (["kharkiv", "--offset", "4"], []),
    (["kharkiv", "--sort", "oldest", "--limit", "1", "--offset", "1"], [REFUGEES]),
    (["kharkiv", "--limit", "0"], KHARKIV_BY_RANK),
]


@pytest.mark.parametrize("args,expected", SORTS, ids=[" ".join(a) for a, _ in SORTS])
def test_sort_and_paging(search, args, expected):
    result = search(*args, "--format", "ids")
    assert ids(result) == expected
    assert result.exit_code == (0 if expected else 1)


def test_default_limit_is_20(search):
    assert len(ids(search("the", "--format", "ids"))) == 14
    assert len(ids(search("the", "--format", "ids", "--limit", "5"))) == 5


# --- output formats ------------------------------------------------------------------------


def test_json(search):
    result = search("izium", "--json")
    assert result.exit_code == 0
    [item] = json.loads(result.stdout)
    assert list(item) == ["id", "title", "published", "source", "url", "snippet", "score", "story", "copies"]
    assert item["id"] == IZIUM
    assert item["title"] == "Kharkiv counteroffensive retakes Izium"
    assert item["published"] == "2022-09-11T23:10:00+00:00"
    assert (item["source"], item["url"]) == ("BBC", None)
    assert item["snippet"] == (
        "Ukrainian forces retook the city of **Izium** in the Kharkiv region late on Sunday, as Russian…"
    )
    assert isinstance(item["score"], float) and item["score"] > 0
    assert result.stdout == search("izium", "--format", "json").stdout


def test_score_is_higher_for_better_matches(search):
    scores = [r["score"] for r in json.loads(search("kharkiv", "--json").stdout)]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0


def test_json_keeps_text_as_stored(search):
    [item] = json.loads(search("markup", "--json").stdout)
    assert item["title"] == "Report on [bold]markup[/bold] and \x1b[31mcolour\x1b[0m in titles"


def test_json_no_match_is_empty_list_exit_1(search):
    result = search("zanzibar", "--json")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "[]\n", "")


def test_jsonl_streams_one_object_a_line(search):
    result = search("kharkiv", "--format", "jsonl")
    lines = result.stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == KHARKIV_BY_RANK
    assert json.loads(lines[0]) == json.loads(search("kharkiv", "--json").stdout)[0]


def test_csv(search):
    result = search("kharkiv", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in table] == KHARKIV_BY_RANK
    assert list(table[0]) == [
        "id",
        "title",
        "published",
        "source",
        "url",
        "snippet",
        "score",
        "story",
        "copies",
    ]
    refugees = table[3]
    assert (refugees["source"], refugees["url"]) == ("Reuters", "")
    assert "**Kharkiv**" in refugees["snippet"]
    assert float(refugees["score"]) == json.loads(search("kharkiv", "--json").stdout)[3]["score"]


def test_tsv_escapes_tabs_and_line_breaks(search):
    result = search("kharkiv", "--format", "tsv")
    lines = result.stdout.splitlines()
    assert lines[0] == "id\ttitle\tpublished\tsource\turl\tsnippet\tscore\tstory\tcopies"
    assert [line.split("\t")[0] for line in lines[1:]] == KHARKIV_BY_RANK
    assert all(len(line.split("\t")) == 9 for line in lines)
    from newscli.render import write_rows

    out = io.StringIO()
    write_rows([{"id": "a", "title": "tab\there\nnew\\line"}], ["id", "title"], "tsv", out)
    assert out.getvalue() == "id\ttitle\na\ttab\\there\\nnew\\\\line\n"


def test_same_marker_in_every_machine_format(search):
    snippets = {
        "json": json.loads(search("refugees", "--json").stdout)[0]["snippet"],
        "jsonl": json.loads(search("refugees", "--format", "jsonl").stdout)["snippet"],
        "csv": next(csv.DictReader(io.StringIO(search("refugees", "--format", "csv").stdout)))["snippet"],
        "tsv": search("refugees", "--format", "tsv").stdout.splitlines()[1].split("\t")[5],
    }
    assert set(snippets.values()) == {snippets["json"]}
    assert snippets["json"].startswith("**Refugees** queue for days")
    assert MARK_START not in snippets["json"] and MARK_END not in snippets["json"]


def test_json_and_format_must_agree(search):
    result = search("kharkiv", "--json", "--format", "csv")
    assert result.exit_code == 2
    assert "--json contradicts --format csv" in result.stderr


def test_table(search):
    result = search("kharkiv", env={"COLUMNS": "160"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Published", "Id", "Title", "Source", "Snippet"]
    assert lines[2].startswith("2022-09-11   696ef6b9   Kharkiv counteroffensive retakes Izium")
    assert "BBC" in lines[2]
    assert "\x1b" not in result.stdout  # no colour: not a terminal, and NO_COLOR is set
    assert all(len(line) <= 160 for line in lines)
    assert result.stderr == "4 matches\n"


def test_table_fits_narrow_terminals(search):
    result = search("kharkiv", env={"COLUMNS": "60"})
    lines = result.stdout.splitlines()
    assert all(len(line) <= 60 for line in lines)
    assert "696ef6b9" in result.stdout and "Refugees queue" in result.stdout


def test_table_shows_article_text_literally(search):
    result = search("markup", env={"COLUMNS": "200"})
    assert "Report on [bold]markup[/bold] and colour in titles" in result.stdout
    assert "[link=https://example.com]text[/link]" in result.stdout
    assert "\x1b" not in result.stdout and "pwned" not in result.stdout.split("escape")[0]


def test_table_without_source_column_when_no_result_has_one(search):
    lines = search("cafe").stdout.splitlines()
    assert lines[0].split() == ["Published", "Id", "Title", "Snippet"]
    assert "undated" in lines[-1] or "undated" in "".join(lines)


def test_table_page_notes_on_stderr(search):
    assert search("kharkiv", "--limit", "2").stderr == ("results 1–2 of 4 matches; next page: --offset 2\n")
    assert search("kharkiv", "--limit", "2", "--offset", "2").stderr == "results 3–4 of 4 matches\n"
    result = search("kharkiv", "--offset", "9")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "no results after --offset 9: there are 4 matches\n"
    result = search("zanzibar")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "no matches\n")


def test_matched_terms_are_styled_in_the_table():
    from newscli.render import snippet_text

    text = snippet_text(f"fled {MARK_START}Kharkiv{MARK_END} and \x1b[31m{MARK_START}Kyiv{MARK_END}")
    assert text.plain == "fled Kharkiv and Kyiv"
    styled = [text.plain[s.start : s.end] for s in text.spans if s.style]
    assert styled == ["Kharkiv", "Kyiv"]


def test_colour_on_a_terminal(search_db):
    from rich.console import Console

    from newscli.render import search_table

    conn = connect_readonly(search_db)
    console = Console(force_terminal=True, color_system="standard", width=120,
                      record=True, markup=False, highlight=False)  # fmt: skip
    search_table(console, search_articles(conn, req("izium")))
    assert "\x1b[1;7mIzium\x1b[0m" in console.export_text(styles=True)


def test_count(search):
    assert (search("kharkiv", "--count").stdout, search("kharkiv", "--count").exit_code) == ("4\n", 0)
    result = search("zanzibar", "--count")
    assert (result.stdout, result.exit_code) == ("0\n", 1)


# --- the library function (the benchmark calls it directly) --------------------------------


def test_search_articles_api(search_db):
    conn = connect_readonly(search_db)
    results = search_articles(conn, req("kharkiv", since="2022-05-01", until="2022-09-11", limit=2))
    assert [r["id"] for r in results] == [IZIUM, SEED]
    assert count_matches(conn, req("kharkiv", since="2022-05-01", until="2022-09-11")) == 3
    assert count_matches(conn, req("kharkiv", source="bbc")) == 2
    from datetime import date

    assert [r["id"] for r in search_articles(conn, req("kharkiv", until=date(2022, 9, 10)))] == [
        SEED, REFUGEES,
    ]  # fmt: skip
    assert [r["id"] for r in search_articles(conn, req("kharkiv", until="2022-09-11T12:00"))] == [
        SEED, REFUGEES,
    ]  # fmt: skip
    with pytest.raises(QueryError):
        search_articles(conn, req('"kharkiv'))
    with pytest.raises(ValueError, match="sort must be one of rank, newest, oldest"):
        search_articles(conn, req("kharkiv", sort="best"))


# --- start-up cost and the installed command -----------------------------------------------

_MODULES = """
import sys
from newscli.cli import cli
try:
    cli(sys.argv[1:])
except SystemExit:
    pass
print(",".join(m for m in ("rich", "sqlite_utils", "dateutil") if m in sys.modules),
      file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args,loaded",
    [
        (["kharkiv", "--json"], ""),
        (["kharkiv", "--format", "ids", "--since", "2022-05", "--until", "30d"], ""),
        (["kharkiv", "--count", "--since", "14 May 2022"], ""),
        (["kharkiv", "--json", "--since", "2022/05/14"], "dateutil"),
        (["kharkiv"], "rich"),
    ],
)
def test_search_loads_only_what_it_needs(search_db, args, loaded):
    done = subprocess.run([sys.executable, "-c", _MODULES, "--db", str(search_db), "search",
                           *args], capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.stderr.splitlines()[-1] == loaded


def test_ids_pipe_into_show(search_db):
    found = run_installed("--db", search_db, "search", "kharkiv", "-withdraw", "--format", "ids")
    assert found.returncode == 0
    found_ids = found.stdout.decode().split()
    assert found_ids == [IZIUM, RESIDENTS, REFUGEES]
    shown = run_installed("--db", search_db, "show", *found_ids, "--json")
    assert [a["id"] for a in json.loads(shown.stdout)] == found_ids
    none = run_installed("--db", search_db, "search", "zanzibar", "--json")
    assert (none.returncode, none.stdout) == (1, b"[]\n")


# --- both query plans give the same answers ------------------------------------------------


@pytest.mark.parametrize("sort", ["rank", "newest", "oldest"])
@pytest.mark.parametrize(
    "query,filters",
    [
        ("kharkiv", {}),
        ("the", {}),  # most articles, undated ones too
        ("cafe", {}),
        ("the", {"since": "2021-01-01", "until": "2022-09-11"}),
        ("the", {"source": ["bbc", "REUTERS"]}),
        ("kharkiv", {"source": "bbc", "until": "2023-12-31"}),
        ("zanzibar", {"since": "2020-01-01"}),
    ],
)
def test_join_and_scan_plans_agree(search_db, query, filters, sort):
    from newscli.search import PLANS

    conn = connect_readonly(search_db)
    pages = {}
    for plan in PLANS:
        full = search_articles(conn, req(query, sort=sort, limit=0, **filters), plan=plan)
        paged = [r for offset in range(0, 16, 3)
                 for r in search_articles(conn, req(query, sort=sort, limit=3, offset=offset, **filters),
                                          plan=plan)]  # fmt: skip
        assert [r["id"] for r in paged] == [r["id"] for r in full]
        pages[plan] = full
    assert pages["join"] == pages["scan"] == pages["within"]
    counted = {}
    for plan in PLANS:  # what a count reads, under each plan
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr("newscli.search.choose_plan", lambda *_args, plan=plan: plan)
            request = req(query, sort=sort, all_copies=True, **filters)
            counted[plan] = count_matches(conn, request)
    every = search_articles(conn, req(query, sort=sort, limit=0, all_copies=True, **filters))
    assert counted == dict.fromkeys(PLANS, len(every))


def test_the_plan_follows_the_share_of_matching_articles(search_db, monkeypatch):
    from newscli import search as search_module

    conn = connect_readonly(search_db)
    assert search_module.choose_plan(conn, '"the"') == "scan"  # 14 of 16 articles
    assert search_module.choose_plan(conn, '"izium"') == "scan"  # 1 of 16 is above 2%
    monkeypatch.setattr(search_module, "SCAN_FRACTION", 0.5)
    assert search_module.choose_plan(conn, '"izium"') == "join"
    assert search_module.choose_plan(conn, '"the"') == "scan"


def test_a_short_date_range_is_the_set_matches_are_read_against(search_db, monkeypatch):
    """'within' when the matches are many (2 % of the archive and more) and the date range
    holds fewer: the range's articles make the set, not the matches."""
    from newscli import search as search_module

    conn = connect_readonly(search_db)
    monkeypatch.setattr(search_module, "SCAN_FRACTION", 0.25)  # 16 articles: the switch at 5
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    in_2022 = conn.execute("SELECT count(*) FROM articles WHERE published LIKE '2022%'").fetchone()[0]
    assert total == 16 and 5 <= in_2022 and (total - in_2022) >= 5
    may_2022 = Filters(since="2022-05-01", until="2022-05-31")
    assert conn.execute("SELECT count(*) FROM articles WHERE published LIKE '2022-05%'").fetchone()[0] < 5
    assert search_module.choose_plan(conn, '"the"', may_2022) == "within"
    assert search_module.choose_plan(conn, '"the"', Filters(since="2022-01-01", until="2022-12-31")) == "scan"
    assert search_module.choose_plan(conn, '"the"', Filters(until="2099-01-01")) == "scan"
    assert search_module.choose_plan(conn, '"izium"', may_2022) == "join"  # few matches
    # Not for filters that no index counts (a source, a tag): those keep the set of matches.
    assert search_module.choose_plan(conn, '"the"', Filters(since="2022-05-01", until="2022-05-31",
                                                             sources=("bbc",))) == "scan"  # fmt: skip
    results = search_articles(conn, req("the", since="2022-05-01", until="2022-05-31", limit=0))
    assert results and all(r["published"].startswith("2022-05") for r in results)


# --- any text a user can type ----------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TYPED = st.lists(
    st.one_of(
        st.sampled_from(['"', "(", ")", "-", "*", ":", " ", "AND", "OR", "NOT", "NEAR", "title:",
                         "body:", "kharkiv", "the", "café"]),
        st.text(max_size=3),
    ),
    max_size=12,
).map("".join)  # fmt: skip


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(text=_TYPED, raw=st.booleans(), sort=st.sampled_from(["rank", "newest", "oldest"]))
def test_any_query_gives_results_or_a_query_error(search_db, text, raw, sort):
    conn = connect_readonly(search_db)
    try:
        results = search_articles(conn, req(text, raw=raw, sort=sort, since="2000", limit=5))
        count = count_matches(conn, req(text, raw=raw, since="2000"))
    except QueryError as e:
        assert "\n" not in str(e) and str(e)
    else:
        assert len(results) == min(count, 5)


# --- fields in the query are the options -----------------------------------------------------


@pytest.fixture(scope="module")
def rich_db(tmp_path_factory):
    """Articles with sources, tags, authors, languages and dates, from several fixture folders."""
    db = tmp_path_factory.mktemp("fields") / "news.db"
    for folder in ("articles", "json", "jsonl", "csv", "markdown", "multilingual"):
        import_quietly(db, ARTICLES.parent / folder)
    return db


def _values(conn, sql):
    return sorted({v for (v,) in conn.execute(sql) if isinstance(v, str) and v.strip() and '"' not in v})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_field_in_the_query_gives_the_articles_of_its_option(rich_db, data):
    from newscli.filters import Filters

    conn = connect_readonly(rich_db)
    try:
        sources = _values(conn, "SELECT DISTINCT source FROM articles")
        tags = _values(conn, "SELECT DISTINCT t.value FROM articles, json_each(articles.tags) t")
        authors = _values(conn, "SELECT DISTINCT t.value FROM articles, json_each(articles.authors) t")
        langs = _values(conn, "SELECT DISTINCT lang FROM articles")
        typed_words = ["", "kharkiv", "the", "(oil OR prices)", '"russian forces"', "k*", "kharkiv -the"]
        words = data.draw(st.sampled_from(typed_words))
        field, value = data.draw(
            st.one_of(
                st.tuples(st.just("source"), st.sampled_from(sources)),
                st.tuples(st.just("tag"), st.sampled_from(tags)),
                st.tuples(st.just("author"), st.sampled_from(authors)),
                st.tuples(st.just("lang"), st.sampled_from(langs)),
                st.tuples(st.sampled_from(["since", "until", "date"]),
                          st.sampled_from(["2020", "2022-05", "2022-05-14", "2021-03-14"])),
            )
        )  # fmt: skip
        option = {
            "source": Filters(sources=(value,)), "tag": Filters(tags=(value,)),
            "author": Filters(authors=(value,)), "lang": Filters(langs=(value,)),
            "since": Filters(since=value), "until": Filters(until=value),
            "date": Filters(since=value, until=value),
        }[field]  # fmt: skip
        from newscli.filters import date_range

        if field in ("since", "until", "date"):
            first, last = date_range(option.since, option.until)
            option = Filters(
                since=first if field != "until" else None, until=last if field != "since" else None
            )
        quoted = f'"{value}"' if " " in value else value
        typed = f"{words} {field}:{quoted}".strip()
        by_field = search_articles(conn, req(typed, limit=0))
        by_option = search_articles(conn, SearchRequest(words or None, option, limit=0))
        assert [r["id"] for r in by_field] == [r["id"] for r in by_option], typed
    finally:
        conn.close()
