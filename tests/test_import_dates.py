"""Dates as real collections write them (issue 13), imported into a real archive: numeric
dates day or month first, proven by their column or file or said by --dayfirst/--monthfirst;
date lines in text files; zones by name; trailing words; two-digit years."""

import json

import pytest
from conftest import FIXTURES, rows

DATES = FIXTURES / "dates"


def imported(run, db_path, *args, code=0) -> tuple[dict, dict]:
    """The --json summary, and the stored articles by title (extra decoded)."""
    result = run("import", *args, "--json")
    assert result.exit_code == code, result.stderr
    found = {r["title"]: r for r in rows(db_path, "SELECT * FROM articles")}
    for row in found.values():
        row["extra"] = json.loads(row["extra"])
    return json.loads(result.stdout), found


def published(found: dict) -> dict[str, str | None]:
    return {title: row["published"] for title, row in found.items()}


def test_a_value_that_proves_the_order_decides_its_column(run, db_path):
    # French: 05/06 and 06/07 could be either; 16/05 can only be day first, further down.
    summary, found = imported(run, db_path, DATES / "french-export-day-first-proven-later.csv")
    assert summary["ambiguous_dates"] == 0
    assert published(found) == {
        "Grève des contrôleurs aériens": "2021-06-05",
        "Le Tour de France part de Brest": "2021-07-06",
        "Canicule : alerte orange dans le Sud": "2021-05-16",
    }
    assert found["Grève des contrôleurs aériens"]["authors"] == '["Claire Martin"]'  # auteur
    assert all(row["extra"] == {} for row in found.values())
    # The rows kept their order in the file.
    assert [r["title"] for r in rows(db_path, "SELECT title FROM articles ORDER BY seq")][0] == (
        "Grève des contrôleurs aériens"
    )


def test_month_first_is_proven_the_same_way(run, db_path):
    _, found = imported(run, db_path, DATES / "us-export-month-first-proven-later.tsv")
    assert published(found) == {
        "Storm closes schools in Ohio": "2021-03-04",
        "Senate passes infrastructure bill": "2021-08-10",
        "Flooding in Tennessee": "2021-08-21",
    }


def test_dotted_dates_are_day_first(run, db_path):
    _, found = imported(run, db_path, DATES / "finnish-export-dotted-dates.csv")
    assert published(found) == {
        "Helsingin metro seisoi tunnin": "2022-07-11T14:05:00",
        "Oulussa satoi ennätysmäärä": "2022-08-03",
    }


def test_a_file_that_proves_nothing_keeps_the_refusal_and_says_so(run, db_path):
    files = (DATES / "undecided-day-and-month.csv", DATES / "undecided-date-line.txt")
    summary, found = imported(run, db_path, *files)
    assert (summary["imported"], summary["undated"], summary["ambiguous_dates"]) == (3, 3, 3)
    assert {r["extra"]["published_raw"] for r in found.values()} == {"05/06/2021", "07/08/2021"}
    # The undecided date line is a date, not glued into the headline.
    assert "Library extends its opening hours" in found
    result = run("import", *files)
    assert result.stderr.strip().endswith(
        "0 failed; 3 dates could be day/month or month/day and were left unread: "
        "import again with --dayfirst or --monthfirst"
    )
    # Importing again with the order dates the articles stored without a date.
    summary, found = imported(run, db_path, *files, "--dayfirst")
    assert (summary["imported"], summary["duplicates"], summary["dated"]) == (0, 3, 3)
    assert published(found) == {
        "Council meeting moves to the town hall": "2021-06-05",
        "Bridge closed for repairs": "2021-08-07",
        "Library extends its opening hours": "2021-06-05",
    }
    assert run("import", *files, "--dayfirst").stderr.strip() == (
        "Imported 0 articles from 2 files: 3 duplicates, 0 undated, 0 failed"
    )


@pytest.mark.parametrize("option,day", [("--dayfirst", "2021-06-05"), ("--monthfirst", "2021-05-06")])
def test_dayfirst_and_monthfirst(run, db_path, option, day):
    summary, found = imported(run, db_path, DATES / "undecided-day-and-month.csv", option)
    assert summary["ambiguous_dates"] == 0
    assert found["Council meeting moves to the town hall"]["published"] == day
    assert found["Council meeting moves to the town hall"]["extra"] == {}


def test_dayfirst_and_monthfirst_together_is_a_usage_error(run, db_path):
    result = run("import", DATES, "--dayfirst", "--monthfirst")
    assert result.exit_code == 2
    assert result.stderr == "error: --dayfirst and --monthfirst cannot both be given\n"
    assert not db_path.exists()


def test_the_dry_run_reads_dates_in_the_order_given(run):
    result = run("import", "--dry-run", "--json", DATES / "undecided-day-and-month.csv", "--monthfirst")
    [preview] = json.loads(result.stdout)
    assert [r["published"] for r in preview["records"]] == ["2021-05-06", "2021-07-08"]


def test_date_lines_in_text_files(run, db_path):
    files = ["published-and-updated-under-headline.txt", "guardian-style-first-published-line.txt",
             "day-first-date-line.txt", "dotted-date-under-headline.txt"]  # fmt: skip
    summary, found = imported(run, db_path, *(DATES / name for name in files))
    assert summary["failed"] == 0
    heatwave = found["Heatwave: trains cancelled across the south"]
    assert heatwave["published"] == "2022-07-11T14:05:00+01:00"
    assert heatwave["extra"] == {"modified": "2022-07-12"}
    assert heatwave["body"].startswith("Rail operators cancelled hundreds of services")
    assert published(found) | {"Heatwave: trains cancelled across the south": None} == {
        "Heatwave: trains cancelled across the south": None,
        "Lifeboat crews rescue 40 from stranded ferry": "2022-07-13T18:30:00+01:00",
        "Harbour festival returns after two years": "2021-05-16",
        "Helsinki trams run through the night": "2022-07-11",
    }


def test_an_update_line_alone_dates_the_article(run, db_path, tmp_path):
    path = tmp_path / "updated-only.txt"
    path.write_text("Ferry fares rise in April\nUpdated: March 2, 2023\n\nFares go up by 4%.\n")
    _, found = imported(run, db_path, path)
    [article] = found.values()
    assert (article["title"], article["published"], article["extra"]) == (
        "Ferry fares rise in April", "2023-03-02", {"modified": "2023-03-02"},
    )  # fmt: skip


def test_zones_by_name_trailing_words_and_two_digit_years(run, db_path):
    _, found = imported(run, db_path, DATES / "feed-dates-with-trailing-words-zones-and-short-years.jsonl")
    assert published(found) == {
        "Cocoa prices jump on export fears": "1987-03-27T02:17:09",
        "Storm reaches the Gulf coast": "2022-05-14T10:00:00-04:00",
        "Parliament sits past midnight": "2022-07-13T23:30:00+01:00",
        "Metro line opens in Moscow": "2023-03-01T10:00:00+03:00",
        "Airport strike grounds flights": "2023-03-13T07:00:00+01:00",
        "Moon landing remembered": "1969-07-20",
    }
    # What was read from a leading part keeps its whole text.
    raw = {title: row["extra"].get("published_raw") for title, row in found.items()}
    assert raw["Cocoa prices jump on export fears"] == "27-MAR-1987 02:17:09.88T C"
    assert raw["Storm reaches the Gulf coast"] == "May 14, 2022 10:00 AM EDT Updated"
    assert found["Parliament sits past midnight"]["extra"] == {}


@pytest.mark.parametrize("given,day", [("11.07.2022", "2022-07-11"), ("16/05/2021", "2021-05-16")])
def test_dotted_and_day_first_dates_in_since_and_until(run, db_path, given, day):
    import_files = [DATES / "dotted-date-under-headline.txt", DATES / "day-first-date-line.txt"]
    run("import", *import_files)
    result = run("search", "the", "--since", given, "--until", given, "--json")
    assert result.exit_code == 0, result.stderr
    assert [r["published"] for r in json.loads(result.stdout)] == [day]


def test_an_undecided_date_in_since_is_refused(run, fixtures_db):
    result = run("search", "kharkiv", "--since", "05/06/2022")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: --since: ambiguous date '05/06/2022': is it day/month or month/day? Write it as 2022-05-14"
    )


def test_what_waits_for_proof_is_bounded_and_keeps_its_order(monkeypatch, tmp_path):
    from newscli.importers import read_path, records

    monkeypatch.setattr(records, "MAX_HELD_ARTICLES", 3)
    path = tmp_path / "late-proof.csv"
    days = ["01/02/2021", "02/03/2021", "03/04/2021", "04/05/2021", "05/06/2021", "25/12/2021"]
    path.write_text("title,date\n" + "".join(f"T{n},{d}\n" for n, d in enumerate(days)))
    mapper = records.RecordMapper()
    found = list(read_path(str(path), mapper=mapper))
    assert [a.title for a in found] == [f"T{n}" for n in range(6)]
    # The first three were given up on before the proof came; the rest were read with it.
    assert [a.published for a in found] == [None, None, None, "2021-05-04", "2021-06-05", "2021-12-25"]
    assert mapper.dates.unsettled == 3
    # An article that waited has the id of its date (a headline without a body needs it).
    assert found[4].id == records.Article(title="T4", body="", published="2021-06-05").id
    assert found[4].id != records.Article(title="T4", body="", published=None).id
