"""The shapes real collections come in (issue 13): every record is imported right, or reported.

Each test imports fixtures written after a public shape (a folder of one-article CNN JSON
files, a wire service's JSON Lines, Finnish and French CSV exports, Hugo and Jekyll posts,
saved pages) into a real archive and checks what was stored.
"""

import json
import sqlite3

from conftest import FIXTURES, rows

JSON = FIXTURES / "json"


def stored(db_path) -> list[dict]:
    """Every stored article in import order, with the JSON columns decoded."""
    found = rows(db_path, "SELECT * FROM articles ORDER BY seq")
    for row in found:
        for name in ("authors", "tags", "extra"):
            row[name] = json.loads(row[name])
    return found


def import_json(run, *args, code=0) -> dict:
    result = run("import", *args, "--json")
    assert result.exit_code == code, result.stderr
    return json.loads(result.stdout)


# The blocker: a JSON file holding one article with lists of objects.


def test_one_article_json_with_lists_of_objects_is_one_article(run, db_path):
    summary = import_json(run, JSON / "cnn-style-one-article-with-links.json")
    assert (summary["imported"], summary["failed"]) == (1, 0)
    [article] = stored(db_path)
    assert article["title"] == "Takeaways from the former president's testimony in his civil fraud trial"
    assert article["body"].startswith("The former president took the witness stand on Monday")
    assert article["authors"] == ["Kara Scannell", "Lauren del Valle"]
    assert article["published"] == "2023-11-06T20:03:00+00:00"
    assert article["source"] is None  # the headline is not mistaken for a feed's name
    assert [link["text"] for link in article["extra"]["links"]] == [
        "civil fraud trial began", "the judge ruled in September", "Kara Scannell",
    ]  # fmt: skip
    assert article["extra"]["images"][0]["caption"] == "The witness stand in the Manhattan courtroom."


def test_a_folder_of_one_article_files_gives_one_article_each(run, db_path, tmp_path):
    template = json.loads((JSON / "cnn-style-one-article-with-links.json").read_text())
    for n in range(40):
        record = {**template, "title": f"Story number {n}", "text": f"Body of story {n}."}
        (tmp_path / f"cnn-{n:04}.json").write_text(json.dumps(record))
    summary = import_json(run, tmp_path)
    assert (summary["files"], summary["imported"], summary["failed"]) == (40, 40, 0)
    assert rows(db_path, "SELECT count(*) n FROM articles WHERE title LIKE 'Story number %'")[0]["n"] == 40


def test_which_objects_are_lists_of_articles(run, db_path, tmp_path):
    shapes = {
        # An article whose body comes as blocks of text, and one whose links sit under a
        # container-like key after its text: each is one article.
        "blocks.json": {"headline": "Budget passes", "content": [{"type": "p", "text": "MPs voted."},
                                                                  {"type": "p", "text": "It passed."}]},
        "items-after-text.json": {"title": "Fair opens", "text": "The fair opened.",
                                  "items": [{"url": "https://a.example", "text": "tickets"}]},
        # A search answer: its only substantial member is a list of articles.
        "hits.json": {"status": "ok", "hits": [{"headline": "Port strike ends", "body": "Back on Monday."},
                                               {"headline": "Ferry fares rise", "body": "Up 4%."}],
                      "took_ms": 12},
    }  # fmt: skip
    for name, content in shapes.items():
        (tmp_path / name).write_text(json.dumps(content))
    # A minified feed on one line (with its newline) is JSON, not one JSON Lines record.
    (tmp_path / "minified.json").write_text(
        json.dumps({"title": "Wire", "items": [{"title": "Minified item", "body": "b"}]}) + "\n"
    )
    summary = import_json(run, tmp_path)
    assert (summary["imported"], summary["failed"]) == (5, 0)
    by_title = {a["title"]: a for a in stored(db_path)}
    assert by_title["Budget passes"]["body"] == "MPs voted.\n\nIt passed."
    assert by_title["Fair opens"]["extra"] == {"items": [{"url": "https://a.example", "text": "tickets"}]}
    assert {"Port strike ends", "Ferry fares rise"} <= set(by_title)
    assert by_title["Minified item"]["source"] == "Wire"


# The language an input names, for the search index to choose its analysis by.


def test_a_records_language_field_becomes_an_iso_639_1_code(tmp_path):
    from newscli.importers import read_path

    path = tmp_path / "langs.jsonl"
    given = ["en-US", "fi_FI", "FRA", "Deutsch", "zh-Hans-CN", "iw", "klingon", None]
    path.write_text("".join(json.dumps({"title": f"T{n}", "body": "b", "language": value}) + "\n"
                            for n, value in enumerate(given)))  # fmt: skip
    found = list(read_path(str(path)))
    assert [a.lang for a in found] == ["en", "fi", "fr", "de", "zh", "he", None, None]
    assert [a.extra.get("language") for a in found] == [None] * 6 + ["klingon", None]
    # Other names for the field: schema.org, Dublin Core, newspaper4k, locales.
    path.write_text(json.dumps({"title": "x", "body": "b", "dc:language": "sv"}) + "\n"
                    + json.dumps({"title": "y", "body": "b", "inLanguage": "pt-BR"}) + "\n"
                    + json.dumps({"title": "z", "body": "b", "locale": "nb_NO"}) + "\n")  # fmt: skip
    assert [a.lang for a in read_path(str(path))] == ["sv", "pt", "nb"]


def test_a_saved_pages_language_comes_from_its_html_and_metadata(tmp_path):
    from newscli.importers import read_path

    body = "<p>" + "Ministers met on Monday to agree the budget for the coming year. " * 8 + "</p>"
    pages = {
        "html-lang.html": f'<html lang="fi-FI"><head><title>Budjetti</title></head><body><article>{body}'
                          "</article></body></html>",
        "og-locale.html": '<html><head><title>Budget</title><meta property="og:locale" content="fr_FR">'
                          f"</head><body><article>{body}</article></body></html>",
        "unknown.html": f'<html lang="tlh"><head><title>Budget</title></head><body><article>{body}'
                        "</article></body></html>",
    }  # fmt: skip
    for name, page in pages.items():
        (tmp_path / name).write_text(page)
    found = {name: next(read_path(str(tmp_path / name))) for name in pages}
    assert {name: a.lang for name, a in found.items()} == {
        "html-lang.html": "fi", "og-locale.html": "fr", "unknown.html": None,
    }  # fmt: skip
    assert found["unknown.html"].extra["language"] == "tlh"
    assert "language" not in found["html-lang.html"].extra


# A wire service's JSON Lines: bylines with agencies, titles with the site, empty records.

WIRE = FIXTURES / "wire" / "ap-style-wire-feed-with-empty-records.jsonl"


def test_wire_feed_bylines_titles_and_grouped_problems(run, db_path):
    result = run("import", WIRE, "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert (summary["imported"], summary["failed"]) == (4, 6)
    # --json keeps every problem ...
    assert [(e["line"], e["error"]) for e in summary["errors"]] == [
        (3, "title and body are empty"),
        (5, "title and body are empty"),
        (6, "title and body are empty"),
        (7, "no title or body field (fields: itemid, slug, priority)"),
        (9, "title and body are empty"),
        (10, "no title or body field (fields: itemid, slug, priority)"),
    ]
    # ... stderr has one line per kind, with its count and where, then the summary.
    assert result.stderr.splitlines()[:-1] == [
        f"error: {WIRE}: 4 records: title and body are empty — lines 3, 5, 6, 9",
        f"error: {WIRE}: 2 records: no title or body field (fields: itemid, slug, priority) — lines 7, 10",
    ]
    by_title = {a["title"]: a for a in stored(db_path)}
    storm = by_title["Storm reaches the Gulf coast"]  # "| AP News" went: the source says it
    assert (storm["authors"], storm["extra"]["agencies"]) == (["Jonathan Landrum, Jr."], ["AP"])
    grain = by_title["Grain ship leaves Odesa"]
    assert (grain["authors"], grain["extra"]["agencies"]) == (
        ["Ana Lima", "Joe Bloggs"],
        ["Associated Press"],
    )
    markets = by_title["Markets open higher"]  # page words are not authors
    assert (markets["authors"], markets["extra"]["authors_raw"]) == ([], ["Submitted", "Log in"])
    assert by_title["Heat advisory for the Southwest"]["published"] == "2022-08-01T15:00:00-07:00"


def test_many_problems_show_the_first_places_and_the_json_keeps_them_all(run, tmp_path):
    path = tmp_path / "blanks.jsonl"
    path.write_text('{"title": "", "body": ""}\n' * 737 + '{"title": "One good", "body": "b"}\n')
    result = run("import", path, "--json")
    assert len(json.loads(result.stdout)["errors"]) == 737
    assert result.stderr.splitlines()[:-1] == [
        f"error: {path}: 737 records: title and body are empty — lines 1, 2, 3, 4, 5, …"
    ]
    # In a JSON array, problems are told by record number.
    array = tmp_path / "blanks.json"
    array.write_text(json.dumps([{"title": "", "body": ""}] * 3 + [{"title": "ok", "body": "b"}]))
    result = run("import", array)
    assert (
        result.stderr.splitlines()[0]
        == f"error: {array}: 3 records: title and body are empty — records 1, 2, 3"
    )


def test_map_is_offered_only_for_a_field_that_could_hold_the_text(run, tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text('{"id": 7, "views": 12}\n{"headline_text": "Port strike ends after pay deal", "n": 1}\n')
    errors = [e["error"] for e in json.loads(run("import", path, "--json").stdout)["errors"]]
    assert errors == [
        "no title or body field (fields: id, views)",
        "no title or body field (fields: headline_text, n); if headline_text holds the text: "
        "--map title=headline_text or --map body=headline_text",
    ]


# Saved pages.

HTML = FIXTURES / "html"


def test_a_page_drawn_by_scripts_is_its_title_and_standfirst(run, db_path):
    summary = json.loads(
        run("import", HTML / "script-rendered-page-title-and-description.html", "--json").stdout
    )
    assert (summary["imported"], summary["failed"]) == (1, 0)
    [page] = stored(db_path)
    assert page["title"] == "Port of Rotterdam handles record container traffic"
    assert page["subtitle"].startswith("Europe's largest port moved 15.3 million containers")
    assert (page["body"], page["words"]) == ("", 0)  # not "You need to enable JavaScript"
    assert (page["published"], page["source"]) == ("2024-02-08T07:30:00+01:00", "Harbour Gazette")
    assert page["authors"] == ["Pieter de Vries"]


def test_a_page_drawn_by_scripts_with_json_ld_has_its_article_body(run, db_path, tmp_path):
    page = (HTML / "script-rendered-page-title-and-description.html").read_text()
    ld = {"@type": "NewsArticle", "headline": "Port of Rotterdam handles record container traffic",
          "articleBody": "Europe's largest port moved 15.3 million containers.\n"
                         "Automation helped."}  # fmt: skip
    page = page.replace("</head>", f'<script type="application/ld+json">{json.dumps(ld)}</script></head>')
    (tmp_path / "with-ld.html").write_text(page)
    run("import", tmp_path / "with-ld.html")
    [stored_page] = stored(db_path)
    assert stored_page["body"] == "Europe's largest port moved 15.3 million containers.\n\nAutomation helped."


def test_a_copyright_year_is_not_a_publication_date(run, db_path, tmp_path):
    run("import", HTML / "copyright-year-only-page.html")
    [page] = stored(db_path)
    assert page["published"] is None  # not 2013-01-01
    assert page["body"].startswith("A group of thirty volunteers")  # the headline is not repeated
    # A page that does give the day keeps it.
    dated = (
        (HTML / "copyright-year-only-page.html")
        .read_text()
        .replace("<h1>", '<p class="date">Published 1 January 2013</p><h1>')
    )
    (tmp_path / "dated.html").write_text(dated)
    other = tmp_path / "other.db"
    run("import", tmp_path / "dated.html", db=other)
    assert rows(other, "SELECT published FROM articles") == [{"published": "2013-01-01"}]


# Blogs: Hugo's TOML front matter, Jekyll's dated file names.

MARKDOWN = FIXTURES / "markdown"


def test_hugo_toml_front_matter(run, db_path):
    run("import", MARKDOWN / "hugo-toml-front-matter.md")
    [post] = stored(db_path)
    assert post["title"] == "Harbour festival returns after two years"
    assert post["published"] == "2022-06-18T09:30:00+02:00"
    assert post["subtitle"] == "Thousands came back to the quays for the first festival since 2019."
    assert (post["authors"], post["tags"]) == (["Mia Jensen"], ["festival", "harbour", "Local"])
    assert post["extra"] == {"draft": False, "params": {"photographer": "Ole Berg"}}
    assert post["body"].startswith("Thousands of visitors filled the quays")


def test_bad_toml_front_matter_names_its_line(run, tmp_path):
    path = tmp_path / "bad.md"
    path.write_text('+++\ntitle = "Unclosed\ndate = 2021-01-01\n+++\n\nBody.\n')
    [error] = json.loads(run("import", path, "--json").stdout)["errors"]
    assert (error["line"], error["error"]) == (2, "bad TOML front matter: Illegal character '\\n'")


def test_a_jekyll_post_is_dated_by_its_file_name(run, db_path, tmp_path):
    run("import", MARKDOWN / "2021-03-04-jekyll-post-dated-by-its-file-name.md")
    [post] = stored(db_path)
    assert (post["published"], post["extra"]["published_from"]) == ("2021-03-04", "file name")
    assert post["tags"] == ["transport", "islands"]  # Jekyll's words, one category each
    # A date in the front matter wins over the name.
    named = tmp_path / "2021-03-04-with-its-own-date.md"
    named.write_text("---\ntitle: Own date\ndate: 2021-03-05\n---\n\nBody.\n")
    other = tmp_path / "other.db"
    run("import", named, db=other)
    assert rows(other, "SELECT published, extra FROM articles") == [
        {"published": "2021-03-05", "extra": "{}"}
    ]


# Deeply nested records are reported, and the rest of the file imported.


def test_deeply_nested_records_are_reported_not_fatal(run, db_path, tmp_path):
    nested = "leaf"
    for _ in range(500):
        nested = {"a": nested}
    (tmp_path / "deep.jsonl").write_text(
        json.dumps({"title": "Before", "body": "b"}) + "\n"
        + json.dumps({"title": "Deep", "body": "b", "x": nested}) + "\n"
        + json.dumps({"title": "After", "body": "b"}) + "\n"
    )  # fmt: skip
    (tmp_path / "deep.md").write_text("---\ntitle: Deep\nx: " + "[" * 3000 + "]" * 3000 + "\n---\n\nBody.\n")
    (tmp_path / "deep-toml.md").write_text(
        "+++\ntitle = 'Deep'\nx = " + "[" * 3000 + "]" * 3000 + "\n+++\nB\n"
    )
    result = run("import", tmp_path, "--json")
    summary = json.loads(result.stdout)
    assert [(e["path"].rsplit("/", 1)[1], e["line"], e["error"]) for e in summary["errors"]] == [
        ("deep-toml.md", 1, "front matter nested deeper than 64 levels"),
        ("deep.jsonl", 2, "record nested deeper than 64 levels"),
        ("deep.md", 1, "front matter nested deeper than 64 levels"),
    ]
    assert sorted(a["title"] for a in stored(db_path)) == ["After", "Before"]


# Columns other tools are invited to edit.


def test_hand_edited_tags_authors_and_extra_never_make_reading_fail(run, db_path):
    run("import", JSON / "array-of-articles.json")
    conn = sqlite3.connect(db_path)
    conn.execute(
        "UPDATE articles SET tags = 'crude, oil', authors = 'Jane Doe', extra = 'checked' WHERE seq = 1"
    )
    conn.execute("UPDATE articles SET tags = '', authors = '\"Solo Writer\"', extra = '[1, 2]' WHERE seq = 2")
    conn.commit()
    conn.close()
    [first, second, third] = [json.loads(line) for line in run("export").stdout.splitlines()]
    assert (first["tags"], first["authors"], first["extra"]) == (
        ["crude, oil"],
        ["Jane Doe"],
        {"extra": "checked"},
    )
    assert (second["tags"], second["authors"], second["extra"]) == ([], ["Solo Writer"], {"extra": [1, 2]})
    assert third["tags"] == []  # untouched
    shown = run("show", first["id"])
    assert shown.exit_code == 0 and "Tags: crude, oil" in shown.stdout
    for command in (["search", "the", "--tag", "crude, oil", "--format", "ids"],
                    ["timeline", "--tag", "CRUDE, OIL", "--json"],
                    ["export", "--tag", "crude, oil", "--format", "ids"],
                    ["stats", "--json"], ["export", "--format", "csv"]):  # fmt: skip
        result = run(*command)
        assert result.exit_code == 0, (command, result.stderr)
    assert run("search", "the", "--tag", "crude, oil", "--format", "ids").stdout.split() == [first["id"]]
    tags = {t["tag"] for t in json.loads(run("stats", "--json", "--top", "0").stdout)["tags"]}
    assert "crude, oil" in tags


def test_csv_cells_that_say_null_are_empty(run, db_path, tmp_path):
    # As data-frame and JSON-to-CSV tools write missing values (the fi-news corpus does).
    path = tmp_path / "headlines.csv"
    path.write_text("paivamaara,otsikko,tiivistelma,kuva\n"
                    "2020-12-19T00:00:01Z,Horoskooppi,null,null\n"
                    "2020-12-21T00:04:02Z,Horoskooppi,null,NaN\n")  # fmt: skip
    summary = json.loads(run("import", path, "--json").stdout)
    assert (summary["imported"], summary["duplicates"]) == (2, 0)  # two days, two articles
    assert [(a["body"], a["extra"]) for a in stored(db_path)] == [("", {}), ("", {})]
