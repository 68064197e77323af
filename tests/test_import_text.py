"""`newscli import` on plain-text articles: every layout, encoding and bad input."""

import json

import pytest
from conftest import ARTICLES, BAD, SEED_ID, rows

from newscli.importers.text import parse_byline, parse_text_article

LAYOUTS = [
    # file, title, subtitle (start), published, retrieved, authors
    ("seed-two-dates-standfirst.txt", "Ukraine claims Russian forces withdrawing from Kharkiv",
     "It is a significant city, Ukraine's second-largest", "2022-05-14", "2024-12-09", []),
    ("standfirst-two-paragraphs.txt", "Mariupol steelworks defenders surrender",
     "The last Ukrainian fighters left the Azovstal plant", "2022-05-18", "2022-05-20", []),
    ("date-before-headline.txt", "Kharkiv residents return as power is restored",
     None, "2024-12-09", None, []),
    ("date-after-headline.txt", "Grain corridor reopens for Black Sea shipping",
     None, "2023-12-09", None, []),
    ("headline-then-body-undated.txt", "Café owners count the cost of the cold snap",
     None, None, None, []),
    ("iso-date-and-byline.txt", "Central bank raises interest rates for the ninth time",
     None, "2023-03-01", None, ["Jane Doe", "John van der Berg"]),
    ("abbreviated-date-hard-wrapped.txt", "Parliament debates the future of local newspapers",
     None, "2024-12-09", None, []),
    ("text-that-looks-like-dates.txt", "May I help you find a home?", None, None, None, []),
    ("cp1252-curly-quotes.txt", "\u201cCaf\u00e9 society\u201d returns to the capital\u2019s streets",
     None, "2021-03-14", None, []),
    ("utf8-bom-crlf.txt", "Schools in Kyiv switch to remote lessons", None, "2021-11-03", None, []),
    ("old-mac-cr-line-endings.txt", "River levels fall after record floods",
     None, "2020-06-01", None, []),
    ("no-extension-article", "Heatwave sets new temperature record", None, "2019-08-15", None, []),
]  # fmt: skip


@pytest.mark.parametrize("name,title,subtitle,published,retrieved,authors", LAYOUTS)
def test_each_layout_is_read(run, db_path, name, title, subtitle, published, retrieved, authors):
    result = run("import", ARTICLES / name)
    assert result.exit_code == 0, result.stderr
    [article] = rows(db_path, "SELECT * FROM articles")
    assert article["title"] == title
    if subtitle:
        assert article["subtitle"].startswith(subtitle)
    else:
        assert article["subtitle"] is None
    assert article["published"] == published
    assert article["retrieved"] == retrieved
    assert json.loads(article["authors"]) == authors
    assert article["path"] == str((ARTICLES / name).resolve())
    assert article["body"] and "\n\n\n" not in article["body"]
    assert article["words"] == len(article["body"].split())


def test_seed_article_fields(fixtures_db):
    [seed] = rows(fixtures_db, "SELECT * FROM articles WHERE id = ?", (SEED_ID,))
    assert seed["title"] == "Ukraine claims Russian forces withdrawing from Kharkiv"
    assert seed["subtitle"] == (
        "It is a significant city, Ukraine's second-largest, with a population of 1.4 million "
        "people before the war"
    )
    assert seed["published"] == "2022-05-14"
    assert seed["retrieved"] == "2024-12-09"
    assert seed["body"].startswith("After months of severe warfare")
    assert seed["body"].endswith("returning is dangerous.")
    assert seed["body"].count("\n\n") == 8  # nine paragraphs, breaks kept
    assert seed["words"] == 321


def test_hard_wrapped_lines_join_into_paragraphs(fixtures_db):
    [article] = rows(fixtures_db, "SELECT body FROM articles WHERE title LIKE 'Parliament%'")
    assert article["body"] == (
        "MPs debated a report on the decline of local newspapers on Monday. The report found "
        "that more than 300 titles had closed in a decade.\n\n"
        "Campaigners called for tax relief for publishers of public-interest news."
    )


def test_cp1252_text_is_decoded(fixtures_db):
    [article] = rows(fixtures_db, "SELECT body FROM articles WHERE published = '2021-03-14'")
    assert "Sunday \u2013 and na\u00efve hopes" in article["body"]
    assert article["body"].endswith("\u201cWe\u2019ve waited a year for this,\u201d said one waiter.")


def test_folder_import_summary_skips_hidden_and_counts_duplicates(run, db_path):
    result = run("import", ARTICLES)
    assert result.exit_code == 0
    # 17 visible files; the Windows copy of the seed is the same article.
    assert result.stderr.strip() == ("Imported 16 articles from 17 files: 1 duplicate, 2 undated, 0 failed")
    titles = {r["title"] for r in rows(db_path, "SELECT title FROM articles")}
    assert "Hidden draft" not in titles and "Cached copy" not in titles
    assert rows(db_path, "SELECT count(*) n FROM articles WHERE id = ?", (SEED_ID,))[0]["n"] == 1


def test_reimport_changes_nothing(run, db_path):
    run("import", ARTICLES)
    before = rows(db_path, "SELECT * FROM articles ORDER BY id")
    result = run("import", ARTICLES, "--json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["imported"] == 0
    assert summary["duplicates"] == 17
    assert rows(db_path, "SELECT * FROM articles ORDER BY id") == before


def test_bad_files_are_reported_and_the_rest_imported(run, db_path):
    result = run("import", BAD, ARTICLES / "date-before-headline.txt", "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["imported"] == 1 and summary["failed"] == 4
    errors = {e["path"].rsplit("/", 1)[-1]: e for e in summary["errors"]}
    assert errors["empty.txt"]["error"] == "empty file"
    assert errors["blank-lines-only.txt"]["error"] == "empty file"
    assert errors["binary-with-nul.txt"]["error"] == "binary file (contains NUL bytes)"
    assert errors["date-line-only.txt"] == {
        "path": str(BAD / "date-line-only.txt"),
        "line": 1,
        "record": None,
        "error": "no headline or text after the date line",
    }
    assert f"error: {BAD / 'empty.txt'}: empty file" in result.stderr.splitlines()
    assert rows(db_path, "SELECT count(*) n FROM articles")[0]["n"] == 1


def test_missing_path_is_an_error_but_others_import(run, db_path, tmp_path):
    result = run("import", tmp_path / "nope.txt", ARTICLES / "date-before-headline.txt")
    assert result.exit_code == 1
    assert f"error: {tmp_path / 'nope.txt'}: no such file or folder" in result.stderr
    assert rows(db_path, "SELECT count(*) n FROM articles")[0]["n"] == 1


def test_glob_and_source_label(run, db_path):
    result = run("import", str(ARTICLES / "date-*.txt"), "--source", "Wire")
    assert result.exit_code == 0, result.stderr
    got = rows(db_path, "SELECT title, source FROM articles ORDER BY title")
    assert [r["title"] for r in got] == [
        "Grain corridor reopens for Black Sea shipping",
        "Kharkiv residents return as power is restored",
    ]
    assert {r["source"] for r in got} == {"Wire"}


def test_glob_matching_nothing(run):
    result = run("import", str(ARTICLES / "*.nothing"))
    assert result.exit_code == 1
    assert "no files match this pattern" in result.stderr


def test_stdin(run, db_path):
    text = (ARTICLES / "seed-two-dates-standfirst.txt").read_bytes()
    result = run("import", "-", input=text)
    assert result.exit_code == 0, result.stderr
    [article] = rows(db_path, "SELECT id, path FROM articles")
    assert article["id"] == SEED_ID


def test_quiet_prints_nothing(run):
    result = run("import", ARTICLES, "--quiet")
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""


def test_same_article_same_id_whatever_the_spacing():
    a = parse_text_article("Title here\n\n14 May 2022\n\nSome   body\ntext.")
    b = parse_text_article("Title   here\r\n14 May 2022\r\n\r\nSome body text.\r\n")
    assert a.id == b.id
    assert len(a.id) == 16 and int(a.id, 16) >= 0


def test_article_without_headline_gets_first_sentence():
    long_paragraph = "This is the first sentence of a body. " + "More text follows here. " * 20
    article = parse_text_article(long_paragraph)
    assert article.title == "This is the first sentence of a body."
    assert article.body.startswith("This is the first sentence")


@pytest.mark.parametrize(
    "line,names",
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("BY: Anna Smith, Bob Jones", ["Anna Smith", "Bob Jones"]),
        ("By any measure, New Yorker Dick Morris", []),
        ("By early 2005 the net could have two new domain names.", []),
        ("By Jonathan Landrum, Jr., AP", ["Jonathan Landrum, Jr."]),
        ("By Ana Lima and Joe Bloggs, Reuters", ["Ana Lima", "Joe Bloggs"]),
    ],
)
def test_byline(line, names):
    byline = parse_byline(line)
    assert (byline.authors if byline else []) == names


def test_a_bylines_agency_is_kept_apart_from_its_authors():
    article = parse_text_article(
        "Storm hits the coast\n\nBy Jonathan Landrum, Jr., AP\n\nThe storm came ashore."
    )
    assert article.authors == ["Jonathan Landrum, Jr."]
    assert article.extra == {"agencies": ["AP"]}
    assert article.body == "The storm came ashore."
