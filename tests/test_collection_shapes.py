"""The shapes real collections come in (issue 13): every record is imported right, or reported.

Each test imports fixtures written after a public shape (a folder of one-article CNN JSON
files, a wire service's JSON Lines, Finnish and French CSV exports, Hugo and Jekyll posts,
saved pages) into a real archive and checks what was stored.
"""

import json

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
