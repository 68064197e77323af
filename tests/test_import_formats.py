"""`newscli import` on JSON, JSON Lines, CSV/TSV, front matter, saved web pages and gzip:
the values each fixture gives, the problems bad records give, and the import options."""

import gzip
import json
import os

import pytest
from conftest import FIXTURES, rows
from hypothesis import given, settings
from hypothesis import strategies as st

from newscli.importers import detect_format, is_importable, read_path
from newscli.models import normalise_for_id

JSON = FIXTURES / "json"
JSONL = FIXTURES / "jsonl"
CSV = FIXTURES / "csv"
MARKDOWN = FIXTURES / "markdown"
HTML = FIXTURES / "html"
GZIP = FIXTURES / "gzip"
MAP = FIXTURES / "map"
BAD_RECORDS = FIXTURES / "bad-records"


def articles(db_path) -> dict[str, dict]:
    """Every stored article by title, with the JSON columns decoded."""
    found = {}
    for row in rows(db_path, "SELECT * FROM articles"):
        for name in ("authors", "tags", "extra"):
            row[name] = json.loads(row[name])
        found[row["title"]] = row
    return found


def imported(run, db_path, *paths, code=0):
    result = run("import", *paths)
    assert result.exit_code == code, result.stderr
    return articles(db_path)


# Per fixture: title -> the values it must have ("body" is checked as a prefix).
EXPECTED = {
    JSON / "array-of-articles.json": {
        "Ceasefire talks resume in Istanbul": {
            "body": "Negotiators from both sides met in Istanbul on Tuesday",
            "published": "2022-03-29T10:30:00+03:00",
            "authors": ["Ayse Demir", "Tom Bright"],
            "source": "The Daily Ledger",
            "url": "https://www.dailyledger.example/world/ceasefire-talks-istanbul",
            "tags": ["Ukraine", "Turkey", "diplomacy"],
            # the source object had more than its name: kept whole in extra
            "extra": {"id": "ledger-0001", "views": 10412,
                      "source": {"id": "ledger", "name": "The Daily Ledger"}},
        },
        "Wheat prices fall as shipping lanes reopen": {
            "body": "Wheat futures fell sharply on Monday after the first cargo ships left Odesa.",
            "published": "2022-08-01",
            "authors": ["Priya Natarajan"],
            "source": "Farm Markets Weekly",
            "url": "https://farmmarkets.example/wheat-prices-fall",
            "tags": ["Markets"],
            "extra": {"id": "ledger-0002"},
        },
        "Librarians race to save digitised newspapers": {
            "body": "A volunteer group is copying decades",
            "subtitle": "Volunteers copy decades of local news before the servers go dark.",
            "published": "2021-11-03T08:15:00",
            "authors": ["Jane Doe", "John Roe"],
            "source": "Archive Notes",
            "url": None,
            "tags": [],
        },
    },
    JSON / "newsapi-object-with-articles-key.json": {
        "Harbour flood barrier passes its first winter test": {
            "body": "The harbour's new flood barrier closed eleven times",
            "subtitle": "The new barrier closed eleven times during the January storms.",
            "published": "2024-02-05T07:45:00+00:00",
            "authors": ["Maria Santos", "Li Wei"],
            "source": "Coastal Herald",
            "extra": {"urlToImage": "https://coastalherald.example/img/barrier.jpg"},
        },
        # No content: the description is the body.
        "Council approves new cycle lanes": {
            "body": "Twelve kilometres of protected lanes are planned by 2026.",
            "subtitle": None,
            "published": "2024-02-06T18:00:00+01:00",
            "authors": [],
            "source": "Valley Times",
        },
    },
    JSON / "feed-object-with-items-key.json": {
        "Power grid holds through the heatwave": {
            "body": "The national grid met record demand on Thursday",
            "source": "Night Desk",  # the feed's own title: the item names no source
            "published": "2023-05-18T22:10:00-04:00",
            "authors": ["Sam Okafor"],
            "url": "https://nightdesk.example/2023/05/power-grid",
            "tags": ["energy", "weather"],
            "extra": {"id": "https://nightdesk.example/2023/05/power-grid",
                      "authors": [{"name": "Sam Okafor", "url": "https://nightdesk.example/sam"}]},
        },
    },
    JSON / "object-with-data-key-epoch-seconds.json": {
        "Satellite launch delayed by high winds": {
            "published": "2020-03-10T14:02:00+00:00", "source": "Space Desk",
            "body": "The launch was postponed",
        },
        "Observatory records brightest meteor of the year": {
            "published": "2020-03-10T14:02:00+00:00",
        },
    },
    JSON / "object-with-entries-key-rss-fields.json": {
        "Ferry strike ends after pay deal": {
            "body": "Crews accepted a 6% rise over two years",
            "source": "Harbour Gazette",  # {"feed": "Harbour Gazette", "entries": [...]}
            "subtitle": None,
            "published": "2020-03-10T14:02:00+00:00",
            "url": "https://harbourgazette.example/ferry-strike-ends",
            "authors": ["Ewan MacLeod"],
            "tags": ["Transport", "Labour"],
            "extra": {"guid": "hg-2020-0310-ferry"},
        },
    },
    # HTML in feed fields: read as text paragraphs, the HTML kept in extra.
    JSON / "rss-converted-html-content.json": {
        "Lighthouse keeper's logbooks go online": {
            "body": "The logbooks kept at the Point lighthouse from 1890 to 1980 can now be read "
                    "online.\n\nVolunteers scanned 412 volumes over two winters. The originals "
                    "stay in the county archive.\n\nA page from 1911",
            "subtitle": "Ninety years of weather notes & shipwreck reports, scanned by volunteers.",
            "published": "2023-11-06T07:30:00+00:00",
            "authors": ["Ewan MacLeod"],
            "tags": ["History", "Archives"],
            "url": "https://harbourgazette.example/lighthouse-logbooks",
            "source": "Harbour Gazette",  # the channel's title
        },
    },
    JSON / "single-article-object.json": {
        "Museum returns looted bronzes": {
            "body": "The museum handed back 21 bronze sculptures",
            "published": "2022-10-14T11:00:00+01:00",
            "source": "Culture Wire",
            "tags": ["Arts"],
            "extra": {},
        },
    },
    JSON / "json-lines-saved-as-json.json": {
        "Rail strike called off": {"published": "2022-12-20"},
        "Bridge reopens to traffic": {"published": "2023-01-09"},
    },
    JSONL / "articles.jsonl": {
        "Drought forces water rationing in the south": {
            "published": "2022-08-15T06:00:00+00:00",
            "tags": ["drought", "water", "climate"],
            "source": "Water Watch",
        },
        "Solar farm approved despite objections": {
            "authors": ["Kim Lee", "Raj Patel"],
            "url": "https://waterwatch.example/solar-farm",
        },
        "Town marks 100 years of its lifeboat": {"published": "2022-09-10"},
    },
    JSONL / "newline-delimited-epoch-ms.ndjson": {
        "Exchange halts trading after glitch": {
            "published": "2020-03-10T14:02:00+00:00", "source": "Market Pulse",
        },
        "Bond yields climb to five-year high": {"published": "2020-03-10T14:02:00+00:00"},
    },
    JSONL / "rss-like-field-names.jsonl": {
        "Storm warning for the west coast": {
            "body": "Forecasters issued an amber warning",
            "published": "2020-03-10T14:02:00+00:00",
            "url": "https://weathernews.example/storm-warning",
            "authors": ["Ana Lima", "Joe Bloggs"],
            "tags": ["Weather"],
            "extra": {"guid": "wn-1"},
        },
        "Snow closes mountain passes": {"published": "2020-03-11T09:30:00-05:00"},
    },
    JSONL / "unparseable-date.jsonl": {
        "Archive photo shows the old market hall": {
            "published": None,
            "extra": {"published_raw": "sometime in the spring of '62"},
        },
        # Day and month could be either way round: not guessed, kept.
        "Bakery wins regional prize": {"published": None, "extra": {"published_raw": "03/04/2020"}},
    },
    JSONL / "body-without-title.jsonl": {
        "Police closed the ring road after a lorry shed its load of oranges.": {
            "body": "Police closed the ring road after a lorry shed its load of oranges. Drivers",
            "published": "2021-07-07",
        },
        "Summary-only item": {"body": "Only a summary is given for this item, so it is the body."},
    },
    CSV / "quoted-multiline-fields.csv": {
        "Heatwave: hospitals on alert": {
            "body": "Hospitals were told to prepare for a rise in admissions.\n\nDoctors urged "
                    "people to check on elderly neighbours, \"especially at night\".",
            "published": "2022-07-18T09:00:00+01:00",
            "authors": ["Sara Khan", "Ben Ford"],
            "source": "Health Daily",
            "url": "https://healthdaily.example/heatwave-alert",
            "tags": ["health", "weather"],
            "extra": {"wordcount": "25"},
        },
        "Water companies fined for leaks": {"published": "2022-07-19", "tags": ["regulation"]},
    },
    CSV / "articles.tsv": {
        "Tram line extension opens": {
            "body": "The extension adds four stops to the east of the city.",
            "published": "2023-05-12",
            "tags": ["Transport"],
        },
        "New bus timetable criticised": {"published": "2023-05-13"},
    },
    CSV / "semicolon-delimited-european.csv": {
        "Bürgerhaushalt beschlossen": {
            "body": "Der Stadtrat hat den Bürgerhaushalt für 2024 beschlossen.",
            "published": "2023-11-30",
            "extra": {"titel": "x"},
        },
    },
    MARKDOWN / "yaml-front-matter.md": {
        "Kyiv's cafés reopen: a photo essay": {
            "body": "Owners who fled the city in February are serving coffee again on "
                    "Khreshchatyk.\n\n*Photographs by the author.* One owner said:\n\n> We opened",
            "subtitle": "Owners who fled in February are serving coffee again.",
            "published": "2022-05-14T10:30:00+03:00",
            "authors": ["Iryna Shevchenko", "Paul Grant"],
            "source": "Field Notes",
            "url": "https://fieldnotes.example/kyiv-cafes",
            "tags": ["Kyiv", "food", "daily life"],
            "extra": {"layout": "post", "draft": False},
        },
    },
    MARKDOWN / "yaml-front-matter-heading-as-title.md": {
        "Notes on the regional press archive": {
            "body": "The regional press archive holds 212 titles on microfilm.\n\n- 48 are "
                    "digitised\n- 164 are not",
            "published": "2021-09-30",
            "source": "Lab Journal",
        },
    },
    MARKDOWN / "key-value-header-block.txt": {
        "Mayor announces free school meals": {
            "body": "The mayor announced on Monday that every primary school pupil",
            "published": "2024-12-09",
            "source": "City Bulletin",
            "url": "https://citybulletin.example/free-school-meals",
            "authors": ["Hana Novak"],
        },
    },
    MARKDOWN / "setext-heading-key-value.markdown": {
        "Ferry timetable changes for winter": {
            "published": "2023-10-29", "tags": ["transport", "islands"],
            "body": "The winter timetable cuts the last sailing to 6pm.",
        },
    },
    MARKDOWN / "heading-without-front-matter.md": {
        "Volunteers map every bus stop in the county": {
            "body": "Volunteers spent a year photographing and mapping 1,800 bus stops.",
            "published": None,
        },
    },
    HTML / "saved-news-page-with-metadata.html": {
        "Kharkiv metro reopens after months as a shelter": {
            "subtitle": "Trains run again under Ukraine's second city, where thousands "
                        "sheltered from shelling.",
            "body": "The metro in Kharkiv reopened on Tuesday for the first time since the "
                    "Russian invasion began",
            "published": "2022-05-24T09:15:00+03:00",
            "authors": ["Olena Kovalenko", "Mark Ellis"],
            "source": "The Daily Ledger",
            "url": "https://www.dailyledger.example/world/2022/may/24/kharkiv-metro-reopens",
            "tags": ["World news", "Ukraine", "Kharkiv"],
            "extra": {"modified": "2022-05-24T17:40:00+03:00", "hostname": "dailyledger.example",
                      "pagetype": "article"},
        },
    },
    # Metadata only in a JSON-LD @graph; the URL and the capture time from SingleFile's note.
    HTML / "singlefile-capture-json-ld-only.html": {
        "Library reopens after flood repairs": {
            "body": "The central library reopened its doors on Thursday, eighteen months after "
                    "floodwater filled its basement archive.\n\nVolunteers spent the summer",
            "published": "2023-11-30T08:05:00+00:00",
            "retrieved": "2023-12-02T16:45:10+01:00",
            "authors": ["Grace Huang"],
            "source": "Valley Times",
            "url": "https://www.valleytimes.example/news/2023/11/library-reopens",
            "extra": {"modified": "2023-11-30T12:00:00+00:00", "pagetype": "website"},
        },
    },
}  # fmt: skip


def check(article: dict, expected: dict) -> None:
    for key, value in expected.items():
        if key == "body":
            assert article["body"].startswith(value), article["body"]
        else:
            assert article[key] == value, key
    assert article["words"] == len(article["body"].split())


@pytest.mark.parametrize("path", list(EXPECTED), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_fixture_gives_its_values(run, db_path, path):
    found = imported(run, db_path, path)
    assert set(found) == set(EXPECTED[path])
    for title, expected in EXPECTED[path].items():
        check(found[title], expected)
        assert found[title]["path"] == str(path.resolve())


def test_saved_page_leaves_out_navigation_and_footer(run, db_path):
    page = imported(run, db_path, HTML)["Kharkiv metro reopens after months as a shelter"]
    for boilerplate in ("Subscribe", "cookies", "Most read", "Celebrity chef", "All rights",
                        "Privacy policy", "By Olena"):  # fmt: skip
        assert boilerplate not in page["body"]
    assert page["body"].count("\n\n") == 4  # five paragraphs
    assert page["body"].endswith("air raid sirens still sounded several times a day.")
    library = articles(db_path)["Library reopens after flood repairs"]
    for boilerplate in ("Log in", "Sport", "Advertise", "Cookie", "30 November 2023 ·"):
        assert boilerplate not in library["body"]


def test_browser_saved_from_note_gives_the_url(run, db_path, tmp_path):
    page = tmp_path / "page.htm"
    page.write_text(
        "<!DOCTYPE html>\n<!-- saved from url=(0038)https://example.org/news/2020/a-story -->\n"
        "<html><head><title>A story</title></head><body><article><p>Some text of a story that "
        "is long enough to be the main text of the page, officials said on Monday.</p>"
        "</article></body></html>"
    )
    [article] = imported(run, db_path, page).values()
    assert (article["title"], article["url"]) == ("A story", "https://example.org/news/2020/a-story")
    assert article["retrieved"] is None


@pytest.mark.parametrize(
    "name,original",
    [
        ("articles.jsonl.gz", JSONL / "articles.jsonl"),
        ("array-of-articles.json.gz", JSON / "array-of-articles.json"),
        ("quoted-multiline-fields.csv.gz", CSV / "quoted-multiline-fields.csv"),
        ("articles.tsv.gz", CSV / "articles.tsv"),
        ("yaml-front-matter.md.gz", MARKDOWN / "yaml-front-matter.md"),
        ("saved-news-page-with-metadata.html.gz", HTML / "saved-news-page-with-metadata.html"),
        ("date-before-headline.txt.gz", FIXTURES / "articles" / "date-before-headline.txt"),
        # No extension at all: gzip and JSON Lines are both recognised by content.
        ("jsonl-gzipped-without-extension", JSONL / "rss-like-field-names.jsonl"),
    ],
)
def test_gzip_reads_like_the_original(run, db_path, tmp_path, name, original):
    assert gzip.decompress((GZIP / name).read_bytes()) == original.read_bytes()
    run("import", original, db=tmp_path / "plain.db")
    expected = articles(tmp_path / "plain.db")
    found = imported(run, db_path, GZIP / name)
    assert found.keys() == expected.keys() and found
    for title, article in found.items():
        assert article["id"] == expected[title]["id"]
        assert article["path"] == str((GZIP / name).resolve())
        for key in ("body", "published", "authors", "source", "url", "tags", "extra"):
            assert article[key] == expected[title][key]


def test_whole_format_folders_import_cleanly(run, db_path):
    result = run("import", JSON, JSONL, CSV, MARKDOWN, HTML, GZIP, "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    files = [p for d in (JSON, JSONL, CSV, MARKDOWN, HTML, GZIP) for p in d.iterdir()]
    assert summary["files"] == len(files) == 36
    assert summary["failed"] == 0
    # Each gzip fixture repeats articles of the other folders.
    assert (summary["imported"], summary["duplicates"]) == (42, 14)
    assert rows(db_path, "SELECT count(*) n FROM articles")[0]["n"] == 42
    # One date is day and month either way round, and nothing in its file says which.
    assert summary["ambiguous_dates"] == 1


# Bad records: reported with path and line, the rest of the file imported.


def test_jsonl_bad_lines_are_reported_and_the_rest_imported(run, db_path):
    path = BAD_RECORDS / "jsonl-malformed-and-bad-lines.jsonl"
    result = run("import", path, "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["imported"] == 3 and summary["failed"] == 3
    assert [(e["line"], e["error"]) for e in summary["errors"]] == [
        (3, "malformed JSON: Expecting ',' delimiter (column 63)"),
        (4, "expected a JSON object, got an array"),
        (5, "no title or body field (fields: id, views)"),
    ]  # fmt: skip
    assert f"error: {path}:3: malformed JSON: Expecting ',' delimiter (column 63)" in (
        result.stderr.splitlines()
    )
    assert sorted(articles(db_path)) == ["First good record", "Last good record", "Second good record"]


def test_csv_rows_with_wrong_field_counts_are_reported_at_their_first_line(run, db_path):
    path = BAD_RECORDS / "csv-wrong-field-count.csv"
    result = run("import", path, "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert [(e["line"], e["error"]) for e in summary["errors"]] == [
        (3, "row has 4 fields, the header has 3"),
        (6, "row has 1 field, the header has 3"),
    ]
    found = articles(db_path)
    assert sorted(found) == ["Good row after the bad ones", "Good row one", "Multi-line good row"]
    assert found["Multi-line good row"]["body"] == "First line.\nSecond line."
    assert found["Good row after the bad ones"]["published"] == "2022-01-04"


def test_csv_without_title_or_body_column_is_one_error(run, db_path):
    result = run("import", BAD_RECORDS / "csv-no-known-columns.csv", "--json")
    assert result.exit_code == 1
    [error] = json.loads(result.stdout)["errors"]
    # No column holds words: no --map is offered.
    assert (error["line"], error["error"]) == (1, "no title or body column among: col_a, col_b, col_c")


def test_truncated_json_array_keeps_the_records_before_the_cut(run, db_path):
    result = run("import", BAD_RECORDS / "json-array-truncated.json", "--json")
    assert result.exit_code == 1
    [error] = json.loads(result.stdout)["errors"]
    assert error["error"].startswith("malformed JSON after record 1: ")
    assert list(articles(db_path)) == ["Complete record before the cut"]


def test_bad_yaml_front_matter_names_its_line(run, db_path):
    result = run("import", BAD_RECORDS / "yaml-front-matter-malformed.md", "--json")
    assert result.exit_code == 1
    [error] = json.loads(result.stdout)["errors"]
    assert error["line"] == 4
    assert error["error"].startswith("bad YAML front matter: expected ',' or ']'")


def test_corrupt_gzip_is_one_error_and_keeps_what_was_read(run, db_path, tmp_path):
    lines = [json.dumps({"title": f"Record {n}", "body": os.urandom(300).hex()}) for n in range(3000)]
    data = gzip.compress("\n".join(lines).encode(), mtime=0)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    result = run("import", path, "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    [error] = summary["errors"]
    assert (error["path"], error["line"]) == (str(path), None)
    assert error["error"] == (
        "corrupt gzip data: Compressed file ended before the end-of-stream marker was reached"
    )
    # What was read before the cut is kept, in order.
    assert 1000 < summary["imported"] < 1500
    stored = rows(db_path, "SELECT title FROM articles ORDER BY seq")
    assert [r["title"] for r in stored] == [f"Record {n}" for n in range(summary["imported"])]


def test_empty_structured_files(run, tmp_path):
    for name in ("empty.jsonl", "empty.json", "empty.csv"):
        (tmp_path / name).write_bytes(b"\n" if name != "empty.csv" else b"")
    result = run("import", tmp_path / "empty.jsonl", tmp_path / "empty.json", tmp_path / "empty.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        f"error: {tmp_path / 'empty.jsonl'}: empty file",
        f"error: {tmp_path / 'empty.json'}: empty file",
        f"error: {tmp_path / 'empty.csv'}: empty file",
    ]


def test_cp1252_csv_and_utf8_bom(run, db_path, tmp_path):
    (tmp_path / "legacy.csv").write_bytes(
        "title,body\r\nCaf\u00e9 \u201cprices\u201d,Na\u00efve body\r\n".encode("cp1252")
    )
    (tmp_path / "bom.jsonl").write_bytes(b'\xef\xbb\xbf{"title": "BOM first", "body": "x"}\n')
    found = imported(run, db_path, tmp_path / "legacy.csv", tmp_path / "bom.jsonl")
    assert found["Caf\u00e9 \u201cprices\u201d"]["body"] == "Na\u00efve body"
    assert "BOM first" in found


# Options: --format, --map, stdin, --dry-run.


def test_format_forces_a_reader(run, db_path, tmp_path):
    path = tmp_path / "export.dat"
    path.write_bytes((CSV / "articles.tsv").read_bytes())
    result = run("import", path, "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    assert articles(db_path)["Tram line extension opens"]["published"] == "2023-05-12"
    # Forced to plain text, the same file is one article (unforced, it is sniffed as TSV).
    other = tmp_path / "other.db"
    run("import", path, "--format", "text", db=other)
    [title] = articles(other)
    assert title.startswith("headline story date section Tram line")


def test_ndjson_is_an_alias_and_format_names_are_checked(run, db_path, tmp_path):
    path = tmp_path / "feed.txt"
    path.write_bytes((JSONL / "articles.jsonl").read_bytes())
    assert run("import", path, "--format", "NDJSON").exit_code == 0
    assert len(articles(db_path)) == 3
    result = run("import", path, "--format", "pdf")
    assert result.exit_code == 2
    assert "'pdf' is not one of" in result.stderr


def test_stdin_with_format(run, db_path):
    data = (CSV / "quoted-multiline-fields.csv").read_bytes()
    result = run("import", "-", "--format", "csv", input=data)
    assert result.exit_code == 0, result.stderr
    found = articles(db_path)
    assert found["Heatwave: hospitals on alert"]["tags"] == ["health", "weather"]
    assert found["Heatwave: hospitals on alert"]["path"] is None


def test_stdin_gzip_and_format_by_content(run, db_path):
    data = gzip.compress((JSON / "array-of-articles.json").read_bytes())
    result = run("import", "-", input=data)
    assert result.exit_code == 0, result.stderr
    assert len(articles(db_path)) == 3


def test_map_fills_fields_from_named_columns(run, db_path):
    result = run(
        "import", MAP / "abc-style-for-map.csv", "--map", "title=headline_text",
        "--map", "PUBLISHED=Publish_Date", "--source", "ABC",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    found = articles(db_path)
    assert sorted(found) == [
        "aba decides against community broadcasting licence",
        "act fire witnesses must be aware of defamation",
    ]
    article = found["aba decides against community broadcasting licence"]
    assert (article["published"], article["body"], article["source"]) == ("2003-02-19", "", "ABC")
    assert article["extra"] == {}


def test_map_on_json_records_and_dotted_paths(run, db_path):
    result = run(
        "import", MAP / "custom-field-names-for-map.jsonl", "--map", "title=heading_text",
        "--map", "body=copy", "--map", "published=when", "--map", "source=outlet",
        "--map", "tags=keywords",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    [article] = articles(db_path).values()
    assert article["title"] == "Port workers vote to strike"
    assert article["body"] == "Dock workers voted by 9 to 1 to strike over pay."
    assert (article["published"], article["source"]) == ("2023-06-01", "Harbour Gazette")
    assert article["tags"] == ["ports", "labour"]
    assert article["extra"] == {}
    # A dotted path reads into an object; an empty column leaves a field unfilled.
    other = db_path.parent / "other.db"
    run("import", JSON / "newsapi-object-with-articles-key.json", "--map", "source=source.id",
        "--map", "subtitle=", db=other)  # fmt: skip
    found = articles(other)
    assert found["Council approves new cycle lanes"]["source"] == "valley-times"
    assert found["Council approves new cycle lanes"]["extra"]["source"] == {
        "id": "valley-times", "name": "Valley Times"
    }  # fmt: skip
    barrier = found["Harbour flood barrier passes its first winter test"]
    assert barrier["subtitle"] is None
    assert barrier["extra"]["description"].startswith("The new barrier closed")


def test_map_errors(run, db_path):
    result = run("import", CSV, "--map", "headline")
    assert (result.exit_code, result.stderr) == (
        2, "error: --map 'headline': expected FIELD=COLUMN, e.g. title=headline\n"
    )  # fmt: skip
    result = run("import", CSV, "--map", "heading=x")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --map 'heading=x': unknown field 'heading'; fields: title,")
    assert not db_path.exists()
    result = run("import", CSV / "articles.tsv", "--map", "title=nope")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"error: {CSV / 'articles.tsv'}:1: --map title=nope: no such column "
        "(columns: headline, story, date, section)"
    )
    result = run("import", JSONL / "articles.jsonl", "--map", "url=permalink")
    assert result.exit_code == 1
    assert f"error: {JSONL / 'articles.jsonl'}: --map url=permalink: no record has this field" in (
        result.stderr
    )


def test_dry_run_prints_mapping_and_records_and_writes_nothing(run, db_path):
    result = run("import", "--dry-run", JSONL / "rss-like-field-names.jsonl")
    assert result.exit_code == 0, result.stderr
    assert not db_path.exists()
    assert result.stderr == "Dry run: nothing was imported.\n"
    assert result.stdout.splitlines() == [
        f"{JSONL / 'rss-like-field-names.jsonl'}  (jsonl)",
        "  title      ← title",
        "  subtitle   ← description",
        "  published  ← pubDate",
        "  url        ← link",
        "  authors    ← creator",
        "  tags       ← category",
        "  extra      ← guid",
        "  record 1",
        "    title      Storm warning for the west coast",
        "    published  2020-03-10T14:02:00+00:00",
        "    url        https://weathernews.example/storm-warning",
        "    authors    Ana Lima, Joe Bloggs",
        "    tags       Weather",
        '    extra      {"guid": "wn-1"}',
        "    body       Forecasters issued an amber warning for winds of up to 80mph.",
        "  record 2",
        "    title      Snow closes mountain passes",
        "    published  2020-03-11T09:30:00-05:00",
        "    url        https://weathernews.example/snow-passes",
        "    authors    Ana Lima",
        '    extra      {"guid": "wn-2"}',
        "    body       Three passes were closed overnight.",
    ]


def test_dry_run_json_with_map_and_problems(run, db_path):
    bad_file = BAD_RECORDS / "jsonl-malformed-and-bad-lines.jsonl"
    result = run("import", "--dry-run", "--json", MAP / "abc-style-for-map.csv", bad_file,
                 "--map", "title=headline_text")  # fmt: skip
    assert result.exit_code == 1
    assert not db_path.exists()
    abc, bad = json.loads(result.stdout)
    assert abc["format"] == "csv"
    assert abc["mapping"] == {"title": "headline_text", "published": "publish_date"}
    assert [r["title"] for r in abc["records"]] == [
        "aba decides against community broadcasting licence",
        "act fire witnesses must be aware of defamation",
    ]
    assert abc["records"][0]["published"] == "2003-02-19"
    assert abc["problems"] == []
    # The bad file lacks headline_text: the --map is reported, and the bad lines too.
    assert bad["format"] == "jsonl"
    assert [(p["line"], p["error"][:24]) for p in bad["problems"]] == [
        (3, "malformed JSON: Expectin"),
        (4, "expected a JSON object, "),
        (5, "no title or body field ("),
        (None, "--map title=headline_tex"),
    ]
    assert bad["problems"][-1]["error"] == ("--map title=headline_text: no such field in the records read")


def test_dry_run_stops_after_the_first_records(run, tmp_path):
    path = tmp_path / "many.jsonl"
    line = '{"title": "T%d", "body": "b"}\n'
    path.write_text("".join(line % n for n in range(10_000)) + "{broken\n")
    result = run("import", "--dry-run", "--json", path)
    assert result.exit_code == 0  # the broken last line is never reached
    [preview] = json.loads(result.stdout)
    assert [r["title"] for r in preview["records"]] == ["T0", "T1", "T2"]


def test_show_json_gives_tags_and_extra(run, db_path):
    run("import", JSONL / "rss-like-field-names.jsonl")
    [row] = rows(db_path, "SELECT id FROM articles WHERE title LIKE 'Storm%'")
    shown = json.loads(run("show", row["id"], "--json").stdout)
    assert shown["tags"] == ["Weather"] and shown["extra"] == {"guid": "wn-1"}
    text = run("show", row["id"]).stdout.splitlines()
    assert "Tags: Weather" in text and "Authors: Ana Lima, Joe Bloggs" in text


# Detection by ending and by content.


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("a.json", b"[]", "json"),
        ("a.JSONL", b"", "jsonl"),
        ("a.ndjson.gz", b"", "jsonl"),
        ("a.csv", b"", "csv"),
        ("a.tsv", b"", "tsv"),
        ("a.md", b"plain", "markdown"),
        ("a.htm", b"", "html"),
        ("a.txt", b"Headline\n\nBody.", "text"),
        ("a.txt", b"---\ntitle: x\n---\nbody", "markdown"),
        ("a.txt", b"Title: x\nDate: 2020-01-01\n\nbody", "markdown"),
        ("a.txt", b"Source: ministers say taxes will rise\n\nBody.", "text"),
        ("a.txt", b"[Updated] Headline\n\nBody.", "text"),
        ("noext", b'{"title": "x"}\n{"title": "y"}\n', "jsonl"),
        ("noext", b'{\n  "articles": []\n}', "json"),
        ("noext", b"  [\n {}", "json"),
        ("noext", b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        ("noext", b"\xef\xbb\xbf<html lang=en>", "html"),
        ("noext", b"<!-- saved from url=(0019)https://example.org -->\n<html><body>", "html"),
        ("noext", b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', "html"),
        ("noext", b"<!-- a comment -->\nHeadline\n\nBody.", "text"),
        ("noext", b"Plain headline\n\nBody.", "text"),
        ("dump.dat", b'{"title": "x"}\n{"title": "y"}\n', "jsonl"),
        # Tables with a header row of field names, and a row after it.
        ("export", b"title,date,body\nA,2020-01-01,b\n", "csv"),
        ("export", b"\xef\xbb\xbfTitel;Datum;Text\nA;1.2.2020;b\n", "csv"),
        ("export.txt", b"headline\tstory\nA\tb\n", "tsv"),
        ("noext", b"Date, time and place of the summit\n\nLeaders meet.", "text"),
        ("noext", b"Storm, floods\n\nBody.", "text"),
        ("noext", b"title,body\n", "csv"),
        ("noext", b"col_a,col_b\n1,2\n", "text"),
        ("minified.dat", b'{"items": [{"title": "x"}]}\n', "json"),
    ],
)
def test_detect_format(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(gzip.compress(content) if name.endswith(".gz") else content)
    assert detect_format(str(path)) == expected


def test_folder_walks_pick_up_every_known_ending(tmp_path):
    names = ["a.json", "b.jsonl.gz", "c.csv", "d.tsv", "e.md", "f.html", "g.txt", "h", "i.ndjson",
             "j.pdf", "k.docx", "l.tar.gz"]  # fmt: skip
    picked = [n for n in names if is_importable(tmp_path / n)]
    assert picked == ["a.json", "b.jsonl.gz", "c.csv", "d.tsv", "e.md", "f.html", "g.txt", "h",
                      "i.ndjson"]  # fmt: skip


def test_readers_are_generators_that_stream(tmp_path):
    """Reading the first record of a file does not read the whole file."""
    path = tmp_path / "big.jsonl"
    path.write_text('{"title": "first", "body": "b"}\n' + "{not json}\n" * 1000)
    items = read_path(str(path))
    first = next(items)
    assert first.title == "first"
    items.close()


WHITESPACE_AND_TEXT = st.sampled_from(
    [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u2003", "\u3000",
     "\u200b", "\ufeff", "a", "Ä", "ﬁ", "İ", "ß", "x\u0301"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(WHITESPACE_AND_TEXT, max_size=30).map("".join))
def test_id_normalisation_is_the_same_as_the_regex_form(text):
    """normalise_for_id joins str.split(); ids must stay what the \\s+ regex made them."""
    import re
    import unicodedata

    old = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()
    assert normalise_for_id(text) == old


def test_dry_run_with_a_dotted_map_lists_the_object_under_extra(run):
    result = run("import", "--dry-run", "--json", JSON / "newsapi-object-with-articles-key.json",
                 "--map", "source=source.id")  # fmt: skip
    [preview] = json.loads(result.stdout)
    assert preview["mapping"]["source"] == "source.id"
    assert preview["extra_fields"] == ["source", "urlToImage"]
    assert preview["records"][0]["source"] is None  # no id in the first record's source
    assert preview["records"][1]["source"] == "valley-times"


def test_dry_run_errors_stay_on_one_line(run):
    result = run("import", "--dry-run", MAP / "abc-style-for-map.csv")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{MAP / 'abc-style-for-map.csv'}  (csv)",
        "  published  ← publish_date",
        "  extra      ← headline_text",
        f"  error: {MAP / 'abc-style-for-map.csv'}:1: no title or body column among: publish_date, "
        "headline_text; if headline_text holds the text: --map title=headline_text "
        "or --map body=headline_text",
    ]


def test_page_without_article_text_is_reported(run, tmp_path):
    page = tmp_path / "nav-only.html"
    page.write_text("<!DOCTYPE html><html><head><title>Home</title><script>var x = 1;</script>"
                    "</head><body><img src='banner.png'></body></html>")  # fmt: skip
    result = run("import", page)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"error: {page}: no article text found in this page"


@pytest.mark.parametrize(
    "content,error",
    [
        (b"42", "expected an array or object of articles, got number"),
        (b'["just a string"]', "record 1: expected an object, got a string"),
        (b'{"articles": [{"title": "ok", "body": "b"}, 7]}', "record 2: expected an object, got a number"),
    ],
)
def test_json_shapes_that_are_not_articles(run, tmp_path, content, error):
    path = tmp_path / "odd.json"
    path.write_bytes(content)
    result = run("import", path, "--json")
    assert result.exit_code == 1
    [problem] = json.loads(result.stdout)["errors"]
    record = f"record {problem['record']}: " if problem["record"] else ""
    assert record + problem["error"] == error
    assert result.stderr.splitlines()[0] == f"error: {path}: {error}"


FORMATS = ["text", "markdown", "json", "jsonl", "csv", "tsv", "html"]
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["title", "body", "date", "tags", "authors", "source", "x"]), inner, max_size=5
        )
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(
    fmt=st.sampled_from(FORMATS),
    data=st.one_of(
        st.binary(max_size=300),
        JSONISH.map(lambda v: json.dumps(v).encode()),
        st.lists(JSONISH.map(json.dumps), max_size=4).map(lambda ls: "\n".join(ls).encode()),
        st.text(alphabet=',;\t"\n\r xab:-#', max_size=120).map(str.encode),
    ),
    gz=st.booleans(),
)
def test_any_input_gives_articles_or_problems_never_an_exception(tmp_path_factory, fmt, data, gz):
    from newscli.importers import ImportProblem
    from newscli.models import Article

    path = tmp_path_factory.mktemp("fuzz") / "input"
    path.write_bytes(gzip.compress(data) if gz else data)
    for item in read_path(str(path), fmt):
        assert isinstance(item, Article | ImportProblem)
        if isinstance(item, Article):
            assert item.title and isinstance(item.body, str) and len(item.id) == 16
            json.dumps(item.extra)
    for item in read_path(str(path)):  # detected
        assert isinstance(item, Article | ImportProblem)


def test_format_choices_are_the_readers():
    from newscli.cli import FORMAT_ALIASES, IMPORT_FORMATS
    from newscli.importers import READERS

    assert {FORMAT_ALIASES.get(f, f) for f in IMPORT_FORMATS} == set(READERS)


def test_html_fields_keep_their_html_in_extra(run, db_path):
    [article] = imported(run, db_path, JSON / "rss-converted-html-content.json").values()
    assert article["body"].endswith("A page from 1911")
    assert "track()" not in article["body"] and "<" not in article["body"]
    assert article["extra"]["body_html"].startswith("<p>The logbooks kept at the Point lighthouse")
    assert article["extra"]["subtitle_html"] == (
        "<p>Ninety years of weather notes &amp; shipwreck reports, scanned by volunteers.</p>"
    )
    assert set(article["extra"]) == {"body_html", "subtitle_html"}


@pytest.mark.parametrize(
    "text",
    ["Use the <p> tag for paragraphs.", "5 < 6 and 7 > 3", "<Reuters> Ministers met on Monday."],
)
def test_plain_text_that_mentions_tags_is_left_alone(text):
    from newscli.importers.markup import looks_like_html

    assert not looks_like_html(text)


def test_a_records_own_source_wins_over_the_feed_name(run, tmp_path, db_path):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"title": "Aggregator", "items": [
        {"title": "Own source", "body": "b", "source": {"name": "Wire A"}},
        {"title": "No source", "body": "b"},
    ]}))  # fmt: skip
    found = imported(run, db_path, path)
    assert (found["Own source"]["source"], found["No source"]["source"]) == ("Wire A", "Aggregator")
    # --source names the source of articles that name none (the feed names this one's), and
    # --source-override the source of all, keeping a record's own in extra.
    other, third = tmp_path / "other.db", tmp_path / "third.db"
    run("import", path, "--source", "Mine", db=other)
    assert {a["source"] for a in articles(other).values()} == {"Wire A", "Aggregator"}
    run("import", path, "--source-override", "Mine", db=third)
    found = articles(third)
    assert {a["source"] for a in found.values()} == {"Mine"}
    assert found["Own source"]["extra"]["original_source"] == "Wire A"
