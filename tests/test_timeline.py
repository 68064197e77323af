"""`newscli timeline` on the fixture articles: counts per period size, gaps, undated
articles, filters, --list and each format, with the counts asserted.

Dated fixture articles: 2019-08-15, 2020-03-10, 2020-06-01, 2021-03-14, 2021-11-03,
2022-05-09, 2022-05-14 (the seed), 2022-05-16, 2022-05-18, 2022-09-11T23:10:00+00:00,
2023-03-01, 2023-12-09, 2024-12-09 (two); two more are undated.
"""

import csv
import io
import json
import subprocess
import sys
from datetime import date

import pytest
from click.testing import CliRunner
from conftest import ARTICLES, SEED_ID, import_quietly, req

from newscli.archive import connect_readonly
from newscli.cli import cli
from newscli.render import bar
from newscli.timeline import build_timeline, choose_period, period_label

IZIUM = "696ef6b9ed9c7240"
RESIDENTS = "559ab0d1ff065d8d"
REFUGEES = "89a3ce03469f797e"
CAFE_SOCIETY = "64281d8657765daa"
CAFE_OWNERS = "ef92c5d1cf858833"


@pytest.fixture(scope="module")
def timeline_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("timeline") / "news.db"
    import_quietly(db, ARTICLES / "iso-datetime-late-evening.txt", "--source", "BBC")
    import_quietly(db, ARTICLES / "date-before-headline.txt", "--source", "bbc")
    import_quietly(db, ARTICLES)
    return db


@pytest.fixture
def timeline(timeline_db):
    def invoke(*args, env=None):
        return CliRunner().invoke(cli, ["--db", str(timeline_db), "timeline", *map(str, args)],
                                  env=env, catch_exceptions=False)  # fmt: skip

    return invoke


def counts(result):
    assert result.exit_code == 0, result.stderr
    return [(p["period"], p["count"]) for p in json.loads(result.stdout)]


def nonzero(result):
    return [(period, n) for period, n in counts(result) if n]


# --- period sizes and gaps ---------------------------------------------------------------


def test_all_articles_by_year_is_chosen_for_a_long_span(timeline):
    result = timeline("--json")
    assert counts(result) == [
        ("2019", 1), ("2020", 2), ("2021", 2), ("2022", 5), ("2023", 2), ("2024", 2),
    ]  # fmt: skip
    first = json.loads(result.stdout)[0]
    assert first == {"period": "2019", "start": "2019-01-01", "end": "2019-12-31", "count": 1}
    assert result.stderr == ("2 matching articles have no publication date and are not on the chart\n")


def test_by_month_fills_the_gaps_with_zero(timeline):
    result = timeline("kharkiv", "--json")  # 2022-05-14 to 2024-12-09: 32 months
    periods = json.loads(result.stdout)
    assert len(periods) == 32
    assert periods[0] == {"period": "2022-05", "start": "2022-05-01", "end": "2022-05-31",
                          "count": 2}  # fmt: skip
    assert periods[21] == {"period": "2024-02", "start": "2024-02-01", "end": "2024-02-29",
                           "count": 0}  # fmt: skip
    assert nonzero(result) == [("2022-05", 2), ("2022-09", 1), ("2024-12", 1)]
    assert sum(n for _, n in counts(result)) == 4
    assert [p["period"] for p in periods[:6]] == [
        "2022-05", "2022-06", "2022-07", "2022-08", "2022-09", "2022-10",
    ]  # fmt: skip


def test_by_week_uses_iso_weeks(timeline):
    result = timeline("--by", "week", "--since", "2022-05", "--until", "2022-05", "--json")
    assert counts(result) == [
        ("2022-W17", 0), ("2022-W18", 0), ("2022-W19", 2), ("2022-W20", 2), ("2022-W21", 0),
        ("2022-W22", 0),
    ]  # fmt: skip
    week = json.loads(result.stdout)[2]
    assert (week["start"], week["end"]) == ("2022-05-09", "2022-05-15")  # Monday to Sunday


def test_by_day_within_a_month(timeline):
    result = timeline("--since", "2022-05", "--until", "2022-05", "--json")  # 31 days: by day
    periods = json.loads(result.stdout)
    assert [p["period"] for p in (periods[0], periods[-1])] == ["2022-05-01", "2022-05-31"]
    assert len(periods) == 31
    assert nonzero(result) == [
        ("2022-05-09", 1), ("2022-05-14", 1), ("2022-05-16", 1), ("2022-05-18", 1),
    ]  # fmt: skip
    assert periods[13] == {"period": "2022-05-14", "start": "2022-05-14", "end": "2022-05-14",
                           "count": 1}  # fmt: skip


def test_a_late_evening_article_counts_on_its_own_date(timeline):
    result = timeline("kharkiv", "--by", "day", "--since", "2022-09-10", "--until", "2022-09-12", "--json")
    assert counts(result) == [("2022-09-10", 0), ("2022-09-11", 1), ("2022-09-12", 0)]


@pytest.mark.parametrize(
    "by,expected",
    [
        ("year", [("2022", 1), ("2023", 0), ("2024", 1)]),
        ("month", [("2022-09", 1), ("2022-10", 0)]),  # head of 28 rows
        ("week", [("2022-W36", 1), ("2022-W37", 0)]),
        ("day", [("2022-09-11", 1), ("2022-09-12", 0)]),
    ],
)
def test_each_period_size(timeline, by, expected):
    periods = counts(timeline("title:kharkiv", "--source", "BBC", "--by", by, "--json"))
    assert periods[: len(expected)] == expected
    assert sum(n for _, n in periods) == 2


def test_the_seed_is_in_2022_05_not_2024_12(timeline):
    result = timeline("title:withdrawing", "--by", "month", "--json")
    assert json.loads(result.stdout) == [
        {"period": "2022-05", "start": "2022-05-01", "end": "2022-05-31", "count": 1}
    ]
    assert nonzero(timeline("withdraw", "--by", "month", "--json")) == [("2022-05", 2)]


@pytest.mark.parametrize(
    "first,last,expected",
    [
        ("2022-05-14", "2022-05-14", "day"),
        ("2022-05-01", "2022-06-29", "day"),  # 60 days
        ("2022-05-01", "2022-06-30", "week"),  # 61 days, 10 weeks
        ("2022-01-01", "2022-12-31", "week"),  # 53 ISO weeks
        ("2022-01-01", "2023-03-31", "month"),
        ("2019-01-01", "2023-12-31", "month"),  # 60 months
        ("2019-01-01", "2024-01-01", "year"),  # 61 months
    ],
)
def test_choose_period(first, last, expected):
    assert choose_period(date.fromisoformat(first), date.fromisoformat(last)) == expected


@pytest.mark.parametrize(
    "day,by,label",
    [
        ("2024-12-30", "week", "2025-W01"),  # ISO week year differs from the calendar year
        ("2021-01-03", "week", "2020-W53"),
        ("2022-05-14", "week", "2022-W19"),
        ("2022-05-14", "month", "2022-05"),
        ("2022-05-14", "year", "2022"),
        ("2022-05-14", "day", "2022-05-14"),
    ],
)
def test_period_labels(day, by, label):
    assert period_label(date.fromisoformat(day), by) == label


def test_weeks_across_the_new_year(timeline):
    periods = json.loads(
        timeline("--by", "week", "--since", "2024-12-01", "--until", "2025-01-06", "--json").stdout
    )
    assert [(p["period"], p["start"], p["end"], p["count"]) for p in periods] == [
        ("2024-W48", "2024-11-25", "2024-12-01", 0), ("2024-W49", "2024-12-02", "2024-12-08", 0),
        ("2024-W50", "2024-12-09", "2024-12-15", 2), ("2024-W51", "2024-12-16", "2024-12-22", 0),
        ("2024-W52", "2024-12-23", "2024-12-29", 0), ("2025-W01", "2024-12-30", "2025-01-05", 0),
        ("2025-W02", "2025-01-06", "2025-01-12", 0),
    ]  # fmt: skip


# --- undated articles, filters, errors ----------------------------------------------------


def test_undated_articles_are_counted_apart(timeline):
    result = timeline("cafe", "--json")
    assert counts(result) == [("2021-03-14", 1)]
    assert result.stderr == "1 matching article has no publication date and is not on the chart\n"
    table = timeline("cafe")
    assert table.stdout.splitlines()[-1] == (
        "1 matching article has no publication date and is not on the chart"
    )


def test_only_undated_matches(timeline):
    result = timeline("don't", "--json")
    assert (result.exit_code, result.stdout) == (0, "[]\n")
    table = timeline("don't")
    assert table.exit_code == 0
    assert table.stdout == ("don't\n1 matching article has no publication date and is not on the chart\n")


def test_date_filters_exclude_undated_articles(timeline):
    result = timeline("cafe", "--since", "2000", "--by", "year", "--json")
    assert nonzero(result) == [("2021", 1)]
    assert result.stderr == ""


@pytest.mark.parametrize(
    "args,expected",
    [
        (["--source", "bbc", "--by", "year"], [("2022", 1), ("2023", 0), ("2024", 1)]),
        (["--source", "Nobody"], []),
        (
            ["kharkiv", "--since", "2022", "--until", "2022", "--by", "month"],
            [
                ("2022-01", 0),
                ("2022-02", 0),
                ("2022-03", 0),
                ("2022-04", 0),
                ("2022-05", 2),
                ("2022-06", 0),
                ("2022-07", 0),
                ("2022-08", 0),
                ("2022-09", 1),
                ("2022-10", 0),
                ("2022-11", 0),
                ("2022-12", 0),
            ],
        ),
        (["kharkiv", "-withdraw", "--by", "year"], [("2022", 2), ("2023", 0), ("2024", 1)]),
        (["--raw", "kharkiv NOT withdraw", "--by", "year"], [("2022", 2), ("2023", 0), ("2024", 1)]),
        (["kyiv OR mariupol", "--by", "year"], [("2021", 1), ("2022", 3)]),
    ],
)
def test_query_and_filters(timeline, args, expected):
    result = timeline(*args, "--json")
    if expected:
        assert counts(result) == expected
    else:
        assert (result.exit_code, result.stdout, result.stderr) == (1, "[]\n", "")


@pytest.mark.parametrize(
    "request_, covering",
    [
        (req("kharkiv"), True),
        (req("kharkiv", since="2022-01-01", until="2022-12-31"), True),
        (req("kharkiv", source="BBC"), False),  # the row is read for its source anyway
        (req("kharkiv", lang="en"), False),
    ],
)
def test_a_timeline_reads_dates_from_the_seq_published_index(timeline_db, request_, covering):
    """Without filters but dates, the dates of the matches come from (seq, published), not
    from the articles' rows; the counts are those of the plain join either way."""
    from newscli.search import compile_request, matching_sql

    conn = connect_readonly(timeline_db)
    compiled = compile_request(conn, request_)
    counted = []
    for dates_only in (True, False):
        from_where, params = matching_sql(conn, compiled, "join", dates_only=dates_only)
        sql = f"SELECT substr(a.published, 1, 10) AS day, count(*) {from_where} GROUP BY day"
        plan = " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
        assert ("COVERING INDEX idx_articles_seq_published" in plan) == (covering and dates_only)
        counted.append([tuple(row) for row in conn.execute(sql, params)])
    assert counted[0] == counted[1] and counted[0]


def test_no_match_is_exit_1(timeline):
    result = timeline("zanzibar")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "no matches\n")
    result = timeline("zanzibar", "--list")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "no matches\n")


@pytest.mark.parametrize(
    "args,message",
    [
        (['"kharkiv'], "error: unbalanced quote in query"),
        (["--raw", "AND"], 'error: invalid FTS5 query: syntax error near "AND"'),
        (["--since", "whenever"], "error: --since: invalid date 'whenever'"),
        (
            ["--by", "day", "--since", "1900"],
            "error: a chart by day from 1900-01-01 to "
            "2024-12-09 would have 45,634 rows; choose a longer period (--by) or a shorter span",
        ),
        (["--format", "ids"], "error: --format ids lists articles: use it with --list"),
    ],
)
def test_errors(timeline, args, message):
    result = timeline(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.splitlines()) == 1


# --- output ------------------------------------------------------------------------------


def test_table(timeline):
    result = timeline("kharkiv", "--by", "year", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "kharkiv  ·  4 dated articles, 2022-05-14 to 2024-12-09  ·  by year"
    assert lines[1].split() == ["Period", "Articles"]
    assert lines[3] == "2022            3   " + "█" * 60
    assert lines[4].rstrip() == "2023            0"
    assert lines[5].rstrip() == "2024            1   " + "█" * 20
    assert all(len(line) <= 80 for line in lines)
    assert "\x1b" not in result.stdout


def test_table_for_all_articles_reports_undated(timeline):
    lines = timeline(env={"COLUMNS": "80"}).stdout.splitlines()
    assert lines[0].startswith("All articles  ·  14 dated articles, 2019-08-15 to 2024-12-09")
    assert [line.split()[:2] for line in lines[3:9]] == [
        ["2019", "1"], ["2020", "2"], ["2021", "2"], ["2022", "5"], ["2023", "2"], ["2024", "2"],
    ]  # fmt: skip
    assert lines[-1] == "2 matching articles have no publication date and are not on the chart"


@pytest.mark.parametrize(
    "count,largest,width,expected",
    [(5, 5, 10, "█" * 10), (1, 8, 8, "█"), (1, 16, 8, "▌"), (1, 1000, 10, "▏"), (0, 5, 10, ""),
     (3, 8, 10, "███▊")],
)  # fmt: skip
def test_bar(count, largest, width, expected):
    assert bar(count, largest, width) == expected


def test_jsonl_csv_tsv(timeline):
    args = ("kharkiv", "--by", "year")
    jsonl = [json.loads(line) for line in timeline(*args, "--format", "jsonl").stdout.splitlines()]
    assert jsonl == json.loads(timeline(*args, "--json").stdout)
    assert jsonl[0] == {"period": "2022", "start": "2022-01-01", "end": "2022-12-31", "count": 3}
    rows = list(csv.DictReader(io.StringIO(timeline(*args, "--format", "csv").stdout)))
    assert rows == [
        {"period": "2022", "start": "2022-01-01", "end": "2022-12-31", "count": "3"},
        {"period": "2023", "start": "2023-01-01", "end": "2023-12-31", "count": "0"},
        {"period": "2024", "start": "2024-01-01", "end": "2024-12-31", "count": "1"},
    ]
    assert timeline(*args, "--format", "tsv").stdout == (
        "period\tstart\tend\tcount\n2022\t2022-01-01\t2022-12-31\t3\n"
        "2023\t2023-01-01\t2023-12-31\t0\n2024\t2024-01-01\t2024-12-31\t1\n"
    )


# --- --list --------------------------------------------------------------------------------


def test_list_table(timeline):
    result = timeline("kharkiv", "--list", env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "2022-05  (2)",
        "  2022-05-14  79019f60  Ukraine claims Russian forces withdrawing from Kharkiv",
        "  2022-05-16  89a3ce03  Refugees queue for days at the Polish border",
        "",
        "2022-09  (1)",
        "  2022-09-11  696ef6b9  Kharkiv counteroffensive retakes Izium",
        "",
        "2024-12  (1)",
        "  2024-12-09  559ab0d1  Kharkiv residents return as power is restored",
    ]


def test_list_table_narrow_truncates_titles(timeline):
    lines = timeline("kharkiv", "--list", env={"COLUMNS": "40"}).stdout.splitlines()
    assert all(len(line) <= 40 for line in lines)
    assert lines[1].rstrip() == "  2022-05-14  79019f60  Ukraine claims …"


def test_list_json_has_period_and_puts_undated_last(timeline):
    result = timeline("cafe", "--list", "--json")
    assert json.loads(result.stdout) == [
        {"period": "2021-03-14", "published": "2021-03-14", "id": CAFE_SOCIETY,
         "title": "\u201cCaf\u00e9 society\u201d returns to the capital\u2019s streets",
         "source": None, "url": None},
        {"period": None, "published": None, "id": CAFE_OWNERS,
         "title": "Caf\u00e9 owners count the cost of the cold snap", "source": None, "url": None},
    ]  # fmt: skip
    lines = timeline("cafe", "--list").stdout.splitlines()
    assert [line.rstrip() for line in lines[-2:]] == [
        "No publication date  (1)",
        "  undated     ef92c5d1  Café owners count the cost of the cold snap",
    ]


def test_list_by_week_and_formats(timeline):
    args = ("kharkiv", "--list", "--by", "week")
    items = json.loads(timeline(*args, "--json").stdout)
    assert [(a["period"], a["id"]) for a in items] == [
        ("2022-W19", SEED_ID), ("2022-W20", REFUGEES), ("2022-W36", IZIUM),
        ("2024-W50", RESIDENTS),
    ]  # fmt: skip
    assert timeline(*args, "--format", "ids").stdout.split() == [SEED_ID, REFUGEES, IZIUM,
                                                                  RESIDENTS]  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(timeline(*args, "--format", "csv").stdout)))
    assert list(rows[2].items()) == [
        ("period", "2022-W36"), ("published", "2022-09-11T23:10:00+00:00"), ("id", IZIUM),
        ("title", "Kharkiv counteroffensive retakes Izium"), ("source", "BBC"), ("url", ""),
    ]  # fmt: skip
    jsonl = timeline(*args, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in jsonl] == items


# --- counting happens in SQL -----------------------------------------------------------------


def test_counting_is_one_statement_in_sql(timeline_db, monkeypatch):
    # Traced on the standard library's SQLite (a newer one, when installed, runs the same SQL:
    # test_exact_fast_paths.py).
    monkeypatch.setenv("NEWSCLI_SQLITE", "stdlib")
    conn = connect_readonly(timeline_db)
    statements = []
    conn.set_trace_callback(statements.append)
    chart = build_timeline(conn, req("kharkiv"), by="month")
    assert chart.dated == 4 and chart.undated == 0
    [statement] = [s for s in statements if "articles a" in s]
    assert "group_concat" in statement and "count(*)" in statement  # the days, and the undated
    statements.clear()
    chart = build_timeline(conn, req(None), by="year")
    assert chart.dated == 14 and chart.undated == 2
    [statement] = [s for s in statements if "articles a" in s]
    assert "search_index" not in statement


def test_timeline_json_does_not_load_rich(timeline_db):
    code = (
        "import sys\nfrom newscli.cli import cli\ntry:\n    cli(sys.argv[1:])\n"
        "except SystemExit:\n    pass\n"
        "print(','.join(m for m in ('rich', 'sqlite_utils', 'dateutil') if m in sys.modules),"
        " file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code, "--db", str(timeline_db), "timeline",
                           "kharkiv", "--json"], capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.stderr.splitlines()[-1] == ""
    assert sum(p["count"] for p in json.loads(done.stdout)) == 4


@pytest.mark.parametrize(
    "query,options",
    [("the", {"by": "month"}), ("kharkiv", {"by": "week", "source": "BBC"}),
     ("the", {"since": "2021-01-01", "until": "2022-12-31"}), ("cafe", {"by": "year"})],
)  # fmt: skip
def test_join_and_scan_plans_count_the_same(timeline_db, query, options):
    conn = connect_readonly(timeline_db)
    by = options.pop("by", None)
    join = build_timeline(conn, req(query, **options), by=by, plan="join")
    assert join.total > 0
    for plan in ("scan", "within"):
        for stories in (False, True):
            other = build_timeline(conn, req(query, **options), by=by, plan=plan, stories=stories)
            expected = build_timeline(conn, req(query, **options), by=by, plan="join", stories=stories)
            assert (other.periods, other.undated) == (expected.periods, expected.undated)


def test_a_timeline_chooses_its_plan_once_a_query(timeline_db, monkeypatch):
    """Its two statements (the halves of the seqs, and the whole) share one plan: choose_plan
    reads the index, so it runs once for each query counted, not once a statement."""
    from newscli import search

    chosen = []
    choose = search.choose_plan
    monkeypatch.setattr(search, "choose_plan", lambda *a: chosen.append(choose(*a)) or chosen[-1])
    conn = connect_readonly(timeline_db)
    chart = build_timeline(conn, req("the", since="2021-01-01", until="2022-12-31"), by="year")
    assert chart.total > 0
    assert len(chosen) == 1
    build_timeline(conn, req("the"), by="year")  # no filters: no choice to make
    assert len(chosen) == 1


@pytest.mark.parametrize("piece", [1, 3, 11, 1 << 20])
def test_days_handed_over_joined_count_as_a_group_by_would(tmp_path, piece, monkeypatch):
    """Dates written by other programs, commas and all, count as SQLite's GROUP BY of the
    day would count them, however the joined days are cut into pieces."""
    import sqlite3

    from newscli import timeline as timeline_module

    monkeypatch.setattr(timeline_module, "_PIECE", piece)
    db = tmp_path / "odd-dates.db"
    assert CliRunner().invoke(cli, ["--db", str(db), "import", str(ARTICLES)]).exit_code == 0
    odd = [
        "2021,0301",
        "2021-03-01T10:00",
        "",
        None,
        "20210301",
        "2021-03-0,",
        ",",
        ",,",
        "2021-W10-1",
        "2021-03-01",
    ]
    raw = sqlite3.connect(db)
    seqs = [seq for (seq,) in raw.execute("SELECT seq FROM articles ORDER BY seq")]
    with raw:
        for seq, value in zip(seqs, odd * 2, strict=False):
            raw.execute("UPDATE articles SET published = ? WHERE seq = ?", (value, seq))
    expected = timeline_module._Counts()
    for text, n in raw.execute("SELECT substr(published, 1, 10) AS day, count(*) FROM articles GROUP BY day"):
        expected.add(text, n)
    raw.close()
    conn = connect_readonly(db)
    counted = timeline_module._Counts()
    for days, undated in conn.execute(timeline_module.DAYS_SQL.format("FROM articles a")):
        timeline_module._add_days(counted, days)
        counted.add(None, undated)
    assert (counted.per_day, counted.undated) == (expected.per_day, expected.undated)
    assert expected.undated >= 8  # most odd ones are undated, on both sides
    chart = build_timeline(conn, req("the"), by="day")
    joined = build_timeline(conn, req("the"), by="day", plan="scan")
    assert (chart.periods, chart.undated) == (joined.periods, joined.undated)


@pytest.mark.parametrize("by", ["day", "week", "month", "year"])
def test_per_period_sums_each_day_under_its_period(by):
    from datetime import timedelta

    from newscli.timeline import _Counts, period_start

    counts = _Counts()
    day = date(2019, 12, 20)
    for n in range(800):  # every day from 2019-12-20, across three new years and a 29 February
        counts.per_day[day + timedelta(days=n)] = n % 7 + 1
    expected: dict[date, int] = {}
    for day, n in counts.per_day.items():
        expected[period_start(day, by)] = expected.get(period_start(day, by), 0) + n
    assert counts.per_period(by) == expected
    assert sum(counts.per_period(by).values()) == sum(counts.per_day.values())


def _styled_characters(ansi: str) -> list[tuple[str, str]]:
    """Each character written, with the SGR codes in force on it (how it looks)."""
    import re

    out, state = [], ""
    for m in re.finditer(r"\x1b\[([0-9;]*)m|(.)", ansi, re.S):
        if m.group(1) is not None:
            state = "" if m.group(1) in ("0", "") else f"{state};{m.group(1)}"
        else:
            out.append((m.group(2), state if m.group(2) != "\n" else ""))
    return out


@pytest.mark.parametrize("width", [80, 41, 24, 200])
@pytest.mark.parametrize("colour", [False, True])
@pytest.mark.parametrize("args", [("kharkiv", "year"), ("the", "month"), (None, "year"), ("kharkiv", "week")])
def test_the_table_drawn_as_text_looks_as_rich_draws_it(timeline_db, width, colour, args, monkeypatch):
    """timeline_table writes its rows as one Text where they fit: the same characters, in
    the same styles, as rich's Table of the same columns (what it drew before)."""
    from newscli import render

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    query, by = args
    conn = connect_readonly(timeline_db)
    chart = build_timeline(conn, req(query), by=by)
    drawn, tabled = io.StringIO(), io.StringIO()
    render.timeline_table(render.make_console(file=drawn, width=width, force_terminal=colour), chart, "q")
    console = render.make_console(file=tabled, width=width, force_terminal=colour)
    with monkeypatch.context() as patched:  # the same call, every table drawn by rich
        patched.setattr(render, "_timeline_lines", render._timeline_rich_table)
        render.timeline_table(console, chart, "q")
    assert len(chart.periods) > 1
    assert ("\x1b[" in drawn.getvalue()) == colour
    assert _styled_characters(drawn.getvalue()) == _styled_characters(tabled.getvalue())
    if colour:
        assert ("█", ";36") in _styled_characters(drawn.getvalue())
