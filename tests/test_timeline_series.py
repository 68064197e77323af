"""`newscli timeline` with more than one series: --compare, --share, --split, --peaks, --plot,
and --stories (an error until copies of one story are grouped). Each series is checked
against what the plain timeline (or a filter) says on its own, period by period."""

import csv
import io
import json
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, import_quietly, newscli_exe, req

from newscli.archive import connect_readonly
from newscli.cli import cli
from newscli.timeline import PEAK_Z, build_timeline, peak_scores


@pytest.fixture(scope="module")
def news_db(tmp_path_factory):
    """The fixture articles of every format, as `make demo` imports them."""
    db = tmp_path_factory.mktemp("series") / "news.db"
    import_quietly(db, FIXTURES / "articles")
    import_quietly(db, *(FIXTURES / name for name in ("json", "jsonl", "csv", "markdown", "html")))
    return db


@pytest.fixture
def timeline(news_db):
    def invoke(*args, env=None):
        return CliRunner().invoke(
            cli, ["--db", str(news_db), "timeline", *map(str, args)], env=env, catch_exceptions=False
        )

    return invoke


def run_python(code, *args):
    """A fresh interpreter running `code` with `args` as its command line."""
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, timeout=60
    )


def rows(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def by_period(result):
    """{period: count} of a plain timeline (none when nothing matched)."""
    if result.exit_code == 1 and result.stdout == "[]\n":
        return {}
    return {p["period"]: p["count"] for p in rows(result)}


# --- --compare ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        ["--by", "year"],
        ["--by", "month"],
        ["--by", "week", "--since", "2022", "--until", "2022"],
        ["--by", "month", "--source", "Water Watch"],
        ["--by", "day", "--since", "2022-05", "--until", "2022-06"],
    ],
)
def test_compare_counts_equal_the_separate_timelines(timeline, options):
    queries = ["kharkiv", "kyiv", "title:mariupol OR refugees", "water"]
    chart = rows(
        timeline(queries[0], *(a for q in queries[1:] for a in ("--compare", q)), *options, "--json")
    )
    assert [list(p["counts"]) for p in chart] == [queries] * len(chart)
    for query in queries:
        alone = by_period(timeline(query, *options, "--json")) if query != "water" or options else {}
        # Every period the query has on its own is on the common chart with the same count,
        # and the chart's other periods are 0 for it.
        for period in chart:
            assert period["counts"][query] == alone.get(period["period"], 0), (query, period)
        assert set(alone) - {p["period"] for p in chart} == set()
    assert all(p["count"] == p["counts"]["kharkiv"] for p in chart)
    assert sum(sum(p["counts"].values()) for p in chart) > 0


def test_compare_spans_every_series(timeline):
    # kharkiv alone starts in 2022; with kyiv (2021) the chart starts in 2021.
    assert list(by_period(timeline("kharkiv", "--by", "year", "--json")))[0] == "2022"
    chart = rows(timeline("kharkiv", "--compare", "kyiv", "--by", "year", "--json"))
    assert chart[0] == {
        "period": "2021",
        "start": "2021-01-01",
        "end": "2021-12-31",
        "count": 0,
        "counts": {"kharkiv": 0, "kyiv": 1},
    }


def test_compare_when_only_another_query_matches(timeline):
    result = timeline("zanzibar", "--compare", "kyiv", "--by", "year", "--json")
    assert [(p["count"], p["counts"]) for p in rows(result)] == [
        (0, {"zanzibar": 0, "kyiv": 1}),
        (0, {"zanzibar": 0, "kyiv": 3}),
    ]
    nothing = timeline("zanzibar", "--compare", "atlantis", "--json")
    assert (nothing.exit_code, nothing.stdout) == (1, "[]\n")


def test_compare_without_a_query_counts_all_articles(timeline):
    chart = rows(timeline("--compare", "kyiv", "--by", "year", "--json"))
    everything = by_period(timeline("--by", "year", "--json"))
    assert {p["period"]: p["counts"]["all articles"] for p in chart} == everything


# --- --share -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        ["--by", "year"],
        ["--by", "month", "--lang", "en"],
        ["--by", "week", "--since", "2022-05", "--until", "2022-09"],
    ],
)
def test_share_is_count_over_all_articles_of_the_period(timeline, options):
    chart = rows(timeline("kharkiv", "--compare", "kyiv", "--share", *options, "--json"))
    everything = by_period(timeline(*options, "--json"))
    assert sum(p["total"] for p in chart) > 0
    for period in chart:
        assert period["total"] == everything.get(period["period"], 0)
        for query in ("kharkiv", "kyiv"):
            n, total = period["counts"][query], period["total"]
            assert period["shares"][query] == (n / total if total else None)
            assert period["shares"][query] is None or 0 <= period["shares"][query] <= 1


def test_share_of_one_query_keys_it_by_its_text(timeline):
    chart = rows(timeline("kharkiv", "--share", "--by", "year", "--json"))
    assert chart[0] == {
        "period": "2022",
        "start": "2022-01-01",
        "end": "2022-12-31",
        "count": 4,
        "counts": {"kharkiv": 4},
        "total": 17,
        "shares": {"kharkiv": 4 / 17},
    }


def test_share_total_keeps_the_filters(timeline):
    chart = rows(timeline("water", "--share", "--by", "year", "--source", "water watch", "--json"))
    alone = by_period(timeline("--by", "year", "--source", "water watch", "--json"))
    assert sum(p["count"] for p in chart) > 0 and any(p["total"] > p["count"] for p in chart)
    assert [(p["period"], p["total"]) for p in chart] == [
        (k, alone.get(k, 0)) for k in (p["period"] for p in chart)
    ]


# --- --split -----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["source", "lang"])
@pytest.mark.parametrize("top", ["1", "3", "0"])
def test_split_of_one_valued_fields_sums_to_the_count(timeline, field, top):
    chart = rows(timeline("--split", field, "--top", top, "--by", "year", "--json"))
    assert all(sum(p["counts"].values()) == p["count"] for p in chart)
    assert [p["count"] for p in chart] == list(by_period(timeline("--by", "year", "--json")).values())
    keys = list(chart[0]["counts"])
    named = [k for k in keys if k != "other" and not k.startswith("(no ")]
    available = len(json.loads(timeline("--split", field, "--top", "0", "--json").stdout)[0]["counts"])
    if top != "0":
        assert len(named) == min(int(top), available)


def test_split_by_source_counts_each_source_as_the_filter_does(timeline):
    chart = rows(timeline("--split", "source", "--top", "3", "--by", "year", "--json"))
    keys = list(chart[0]["counts"])
    assert keys[-2:] == ["other", "(no source)"]
    for source in keys[:3]:
        alone = by_period(timeline("--source", source, "--by", "year", "--json"))
        assert {p["period"]: p["counts"][source] for p in chart if p["counts"][source]} == {
            k: n for k, n in alone.items() if n
        }


def test_split_by_tag_counts_each_article_under_each_of_its_tags(timeline):
    chart = rows(timeline("--split", "tag", "--top", "3", "--by", "year", "--json"))
    tags = [k for k in chart[0]["counts"] if k != "other" and not k.startswith("(no ")]
    assert len(tags) == 3
    for tag in tags:
        alone = by_period(timeline("--tag", tag, "--by", "year", "--json"))
        assert {p["period"]: p["counts"][tag] for p in chart if p["counts"][tag]} == {
            k: n for k, n in alone.items() if n
        }
    untagged = rows(timeline("--split", "tag", "--top", "0", "--by", "year", "--json"))
    # With every tag shown, each article with a tag is in at least one series, once per tag.
    assert all(sum(p["counts"].values()) >= p["count"] for p in untagged)
    assert "other" not in untagged[0]["counts"]


def test_split_of_a_query_keeps_the_query(timeline):
    chart = rows(timeline("kharkiv", "--split", "source", "--by", "year", "--json"))
    assert [p["count"] for p in chart] == [4, 0, 1]
    assert all(sum(p["counts"].values()) == p["count"] for p in chart)


# --- --peaks -----------------------------------------------------------------------------


def test_peak_scores():
    assert peak_scores([1, 1]) == [None, None]
    scores = peak_scores([2, 2, 2, 2, 2, 9, 2])
    assert scores[:3] == [None, None, None]
    assert scores[3] == scores[4] == 0
    assert scores[5] == pytest.approx((9 - 2) / 2**0.5)  # the spread is at least sqrt(mean)
    assert scores[6] < 0
    flat = peak_scores([0, 0, 0, 0, 3])
    assert flat[-1] == 3.0  # from nothing: the spread is at least 1
    window = peak_scores([50] * 5 + [0] * 8 + [4])
    assert window[-1] == 4.0  # only the 8 periods before count


def test_peaks_json_has_the_best_ranked_headlines(timeline, news_db):
    result = timeline("--by", "month", "--since", "2022", "--until", "2022", "--peaks", "--json")
    data = rows(result)
    assert set(data) == {"periods", "peaks"}
    assert [(p["period"], p["count"]) for p in data["peaks"]] == [("2022-05", 6)]
    [peak] = data["peaks"]
    assert peak["z"] >= PEAK_Z
    assert set(peak) >= {"period", "count", "headlines"}
    # No query, nothing to rank by: the newest of the period first, as `search` has it.
    month = rows(timeline("--since", "2022-05", "--until", "2022-05", "--list", "--json"))
    newest = [{"id": a["id"], "title": a["title"]} for a in reversed(month)][:3]
    assert peak["headlines"] == newest
    assert len(peak["headlines"]) == 3


def test_peaks_of_a_query_rank_its_headlines(timeline, news_db):
    data = rows(
        timeline(
            "kyiv",
            "--compare",
            "kharkiv",
            "--by",
            "month",
            "--since",
            "2021-06",
            "--until",
            "2022-12",
            "--peaks",
            "--json",
        )
    )
    # kyiv has 3 in 2022-05 too, but after 1 in 2021-11: z 2.9, not a peak.
    assert [(p["series"], p["period"], p["count"]) for p in data["peaks"]] == [("kharkiv", "2022-05", 3)]
    search = CliRunner().invoke(
        cli,
        [
            "--db",
            str(news_db),
            "search",
            "kharkiv",
            "--since",
            "2022-05",
            "--until",
            "2022-05",
            "--limit",
            "3",
            "--json",
        ],
    )
    assert [h["id"] for h in data["peaks"][0]["headlines"]] == [r["id"] for r in json.loads(search.stdout)]


def test_peaks_table_and_rows(timeline):
    lines = timeline(
        "--by", "month", "--since", "2022", "--until", "2022", "--peaks", env={"COLUMNS": "100"}
    ).stdout.splitlines()
    at = lines.index("Peaks")
    assert lines[at + 1].startswith("  2022-05  6 articles  ·  z ")
    assert lines[at + 2].split()[0] == "69dc9a77"
    csv_rows = list(
        csv.DictReader(
            io.StringIO(
                timeline(
                    "--by", "month", "--since", "2022", "--until", "2022", "--peaks", "--format", "csv"
                ).stdout
            )
        )
    )
    assert [(r["series"], r["period"], r["count"]) for r in csv_rows] == [("all articles", "2022-05", "6")]
    assert len(json.loads(csv_rows[0]["headlines"])) == 3
    quiet = timeline("kharkiv", "--by", "year", "--peaks", env={"COLUMNS": "100"}).stdout
    assert "No peaks: no period stands well above the ones before it." in quiet


# --- the table and the machine formats ---------------------------------------------------


def test_compare_table_without_colour_draws_each_series_in_its_own_character(timeline):
    result = timeline("kharkiv", "--compare", "kyiv", "--by", "year", env={"COLUMNS": "80"})
    lines = result.stdout.splitlines()
    assert lines[0] == "kharkiv vs kyiv  ·  2021-11-03 to 2024-12-09  ·  by year"
    assert lines[1] == "█ kharkiv   ░ kyiv"
    assert lines[2].split() == ["Period", "kharkiv", "kyiv"]
    row_2022 = next(line for line in lines if line.startswith("2022"))
    assert row_2022.split()[:2] == ["2022", "4"] and "█" in row_2022 and "░" in row_2022
    assert all(len(line) <= 80 for line in lines)
    assert "\x1b" not in result.stdout


def test_compare_table_in_colour_has_a_legend_and_coloured_bars(news_db):
    from rich.console import Console

    from newscli.render import make_console, timeline_series_table

    chart = build_timeline(connect_readonly(news_db), req("kharkiv"), by="year", compare=("kyiv",))
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system="standard", no_color=False, width=80)
    timeline_series_table(console, chart, "kharkiv vs kyiv")
    text = out.getvalue()
    assert "\x1b[36m█" in text and "\x1b[35m█" in text  # cyan and magenta, the same full blocks
    assert "░" not in text
    plain = io.StringIO()
    timeline_series_table(make_console(file=plain, force_terminal=True, width=80, no_color=True), chart, "k")
    assert "░" in plain.getvalue()  # NO_COLOR / --no-color: characters tell the series apart


def test_share_table_shows_percentages_and_all(timeline):
    lines = timeline("kharkiv", "--share", "--by", "year", env={"COLUMNS": "80"}).stdout.splitlines()
    assert lines[0].endswith("·  % of all articles")
    assert lines[2].split() == ["Period", "kharkiv", "All"]
    assert lines[4].split()[:2] == ["2022", "23.5%"] and lines[4].split()[-1] == "17"


def test_csv_and_tsv_have_a_column_per_series(timeline):
    args = ("kharkiv", "--compare", "kyiv", "--share", "--by", "year")
    table = list(csv.DictReader(io.StringIO(timeline(*args, "--format", "csv").stdout)))
    assert list(table[1]) == [
        "period",
        "start",
        "end",
        "count",
        "kharkiv",
        "kyiv",
        "total",
        "share:kharkiv",
        "share:kyiv",
    ]
    assert table[1] == {
        "period": "2022",
        "start": "2022-01-01",
        "end": "2022-12-31",
        "count": "4",
        "kharkiv": "4",
        "kyiv": "3",
        "total": "17",
        "share:kharkiv": str(4 / 17),
        "share:kyiv": str(3 / 17),
    }
    tsv = timeline(*args, "--format", "tsv").stdout.splitlines()
    assert tsv[0].split("\t") == list(table[1])
    jsonl = [json.loads(line) for line in timeline(*args, "--format", "jsonl").stdout.splitlines()]
    assert jsonl == rows(timeline(*args, "--json"))


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,message",
    [
        (["--stories", "--split", "tag"], "error: --stories and --split cannot be combined yet"),
        (["kyiv", "--compare", "kyiv"], "error: --compare 'kyiv': that query is on the chart already"),
        (["kyiv", "--compare", "kiev", "--split", "tag"], "error: --split and --compare draw different"),
        (["--top", "3"], "error: --top N chooses the values of --split"),
        (["kyiv", "--list", "--compare", "kiev"], "error: --list lists articles; --compare goes with"),
        (["kyiv", "--plot", "chart.jpg"], "error: --plot chart.jpg: the file name must end in .svg, .png"),
        (["kyiv", "--compare", '"kiev'], "error: unbalanced quote in query"),
        (["--split", "colour"], "Error: Invalid value for '--split'"),
    ],
)
def test_errors(timeline, args, message):
    result = timeline(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_plot_without_matplotlib_names_the_install_command(news_db, tmp_path):
    code = (
        "import sys\nsys.modules['matplotlib'] = None  # as if it were not installed\n"
        "from newscli.__main__ import main\nsys.argv[0] = 'newscli'\nmain()"
    )
    done = run_python(code, "--db", str(news_db), "timeline", "kyiv", "--plot", str(tmp_path / "chart.svg"))
    assert done.returncode == 2
    assert done.stderr == (
        "error: --plot needs matplotlib, which is not installed: pip install 'newscli[plot]'\n"
    )
    assert not (tmp_path / "chart.svg").exists()


# --- --plot ----------------------------------------------------------------------------------


@pytest.fixture
def plotting():
    pytest.importorskip("matplotlib", reason="matplotlib (the plot extra) is not installed")


def test_plot_svg_is_valid_and_says_what_it_counts(timeline, tmp_path, plotting):
    target = tmp_path / "kyiv.svg"
    result = timeline(
        "kyiv",
        "--compare",
        "kharkiv",
        "--lang",
        "en",
        "--compare",
        "$x_1$",
        "--by",
        "month",
        "--plot",
        target,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"wrote {target}\n"
    root = ET.parse(target).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert float(root.get("width").removesuffix("pt")) == 720  # 10 inches at 72 points
    # Text is drawn as paths, and each piece of it is named in a comment: the title, the
    # filter, the archive, the legend (a query's `$` is not read as a formula).
    comments = re.findall(r"<!-- (.*?) -->", target.read_text(encoding="utf-8"))
    assert "kyiv vs kharkiv vs $x_1$" in comments
    assert "language: en · per month · archive: news.db" in comments
    assert {"kyiv", "kharkiv", "$x_1$", "articles per month", "2022"} <= set(comments)
    again = tmp_path / "again.svg"
    timeline(
        "kyiv", "--compare", "kharkiv", "--lang", "en", "--compare", "$x_1$", "--by", "month", "--plot", again
    )
    assert again.read_bytes() == target.read_bytes()  # no date or random ids in the file


def test_plot_png_and_pdf(timeline, tmp_path, plotting):
    png = tmp_path / "chart.png"
    result = timeline("--split", "source", "--share", "--by", "year", "--peaks", "--plot", png, "--json")
    assert result.exit_code == 0, result.stderr
    assert set(json.loads(result.stdout)) == {"periods", "peaks"}  # stdout as without --plot
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (1500, 720)  # 10 x 4.8 inches at 150 dpi
    assert len(data) > 10_000
    pdf = tmp_path / "chart.PDF"
    assert timeline("kharkiv", "--plot", pdf).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.read_bytes().rstrip().endswith(b"%%EOF")


def test_plot_into_a_missing_folder_is_one_line(timeline, tmp_path, plotting):
    result = timeline("kharkiv", "--plot", tmp_path / "no" / "such" / "chart.png")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: cannot write {tmp_path / 'no' / 'such' / 'chart.png'}: ")
    assert len(result.stderr.splitlines()) == 1


# --- counting in SQL, light start-up, the installed command -----------------------------------


def test_one_counting_statement_per_series(news_db, monkeypatch):
    monkeypatch.setenv("NEWSCLI_SQLITE", "stdlib")  # traced on the standard library's SQLite
    conn = connect_readonly(news_db)
    statements = []
    conn.set_trace_callback(statements.append)
    chart = build_timeline(conn, req("kharkiv"), by="month", compare=("kyiv", "mariupol"), share=True)
    counting = [s for s in statements if "articles a" in s]
    assert len(counting) == 4  # three queries and the total
    assert all("group_concat" in s and "count(*)" in s for s in counting)
    assert sum(p["counts"]["kyiv"] for p in chart.periods) == 4


def test_compare_json_does_not_load_rich_or_matplotlib(news_db):
    code = (
        "import sys\nfrom newscli.cli import cli\ntry:\n    cli(sys.argv[1:])\n"
        "except SystemExit:\n    pass\n"
        "print(','.join(m for m in ('rich', 'matplotlib', 'numpy') if m in sys.modules), file=sys.stderr)"
    )
    done = run_python(
        code, "--db", str(news_db), "timeline", "kharkiv", "--compare", "kyiv", "--share", "--peaks", "--json"
    )
    assert done.stderr.splitlines()[-1] == ""
    assert json.loads(done.stdout)["periods"]


def test_installed_command_compares(news_db):
    done = subprocess.run(
        [
            newscli_exe(),
            "--db",
            str(news_db),
            "timeline",
            "kharkiv",
            "--compare",
            "kyiv",
            "--by",
            "year",
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:3] == [
        "period,start,end,count,kharkiv,kyiv",
        "2021,2021-01-01,2021-12-31,0,0,1",
        "2022,2022-01-01,2022-12-31,4,4,3",
    ]
