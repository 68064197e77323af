"""`newscli export`: every article, every field, streamed as JSON Lines or CSV."""

import csv
import io
import json
import subprocess

import pytest
from conftest import SEED_ID, SHARED, needs_shared, newscli_exe, rows, run_installed

from newscli.articles import FIELDS
from newscli.render import write_rows


def exported(run, *args):
    result = run("export", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_jsonl_has_every_article_in_import_order_with_all_fields(run, fixtures_db):
    lines = exported(run).splitlines()
    articles = [json.loads(line) for line in lines]
    assert [a["id"] for a in articles] == [
        r["id"] for r in rows(fixtures_db, "SELECT id FROM articles ORDER BY seq")
    ]
    assert len(articles) == rows(fixtures_db, "SELECT count(*) AS n FROM articles")[0]["n"] == 16
    stored_columns = {r["name"] for r in rows(fixtures_db, "PRAGMA table_info(articles)")}
    assert list(articles[0]) == [f for f in FIELDS if f in stored_columns]
    # the same fields and values as `show --json`
    for article in articles:
        assert article == json.loads(run("show", "--json", article["id"]).stdout)


def test_jsonl_keeps_the_text_byte_for_byte(run, fixtures_db):
    by_id = {json.loads(line)["id"]: line for line in exported(run).splitlines()}
    markup = json.loads(by_id["29184ab7206a62f9"])
    stored = rows(fixtures_db, "SELECT title, body FROM articles WHERE id = '29184ab7206a62f9'")[0]
    assert (markup["title"], markup["body"]) == (stored["title"], stored["body"])
    assert "\x1b[31m" in markup["title"]
    assert "\\u001b[31m" in by_id["29184ab7206a62f9"]  # escaped by JSON, one line per article
    curly = json.loads(by_id["64281d8657765daa"])
    assert "“" in by_id["64281d8657765daa"] and "“" in curly["title"]  # UTF-8, not \u201c


def test_csv_header_and_cells(run, fixtures_db):
    text = exported(run, "--format", "csv")
    table = list(csv.DictReader(io.StringIO(text, newline="")))
    tsv = exported(run, "--format", "tsv").splitlines()
    assert len(tsv) == 1 + len(table)  # one line per article: newlines are escaped
    assert tsv[0].split("\t") == list(table[0])
    assert len(table) == 16
    assert list(table[0]) == list(json.loads(exported(run).splitlines()[0]))
    seed = next(row for row in table if row["id"] == SEED_ID)
    stored = rows(fixtures_db, "SELECT * FROM articles WHERE id = ?", (SEED_ID,))[0]
    assert seed["body"] == stored["body"]  # newlines kept inside the quoted cell
    assert (seed["published"], seed["retrieved"], seed["words"]) == (
        "2022-05-14", "2024-12-09", str(stored["words"]),
    )  # fmt: skip
    assert seed["url"] == "" and seed["authors"] == "[]"
    byline = next(row for row in table if row["id"] == "1a58f6470c1f20bf")
    assert json.loads(byline["authors"]) == json.loads(
        rows(fixtures_db, "SELECT authors FROM articles WHERE id = '1a58f6470c1f20bf'")[0]["authors"]
    )


def test_export_of_an_empty_archive(run, db_path):
    from newscli.archive import open_archive

    open_archive(db_path, create=True).conn.close()
    assert exported(run) == ""
    assert exported(run, "--format", "csv").splitlines() == [",".join(
        f for f in FIELDS if f in {r["name"] for r in rows(db_path, "PRAGMA table_info(articles)")}
    )]  # fmt: skip


def test_export_without_database_creates_nothing(run, db_path):
    result = run("export")
    assert result.exit_code == 2 and result.stderr.startswith("error: no database at ")
    assert not db_path.exists()


@pytest.mark.parametrize(
    ("fmt", "written"),
    [("jsonl", '{"id": "a", "authors": ["X"], "url": null}\n'),
     ("csv", 'id,authors,url\na,"[""X""]",\n'),
     ("json", '[\n  {\n    "id": "a",\n    "authors": [\n      "X"\n    ],\n    "url": null\n  }')],
)  # fmt: skip
def test_writers_write_each_row_as_it_comes(fmt, written):
    def rows_then_failure():
        yield {"id": "a", "authors": ["X"], "url": None}
        raise RuntimeError("reader failed after the first row")

    out = io.StringIO()
    with pytest.raises(RuntimeError):
        write_rows(rows_then_failure(), ["id", "authors", "url"], fmt, out)
    assert out.getvalue() == written


def test_json_is_the_jsonl_objects_in_one_array(run, fixtures_db):
    as_json = json.loads(exported(run, "--json"))
    assert as_json == [json.loads(line) for line in exported(run).splitlines()]
    assert exported(run, "--format", "json").startswith('[\n  {\n    "id": ')
    assert exported(run, "nosuchwordanywhere", "--json") == "[]\n"


def test_query_and_filters_as_in_search(run, fixtures_db):
    def ids(*args):
        return exported(run, *args, "--format", "ids").split()

    searched = json.loads(run("search", "kharkiv", "--limit", "0", "--json").stdout)
    in_import_order = [r["id"] for r in rows(fixtures_db, "SELECT id FROM articles ORDER BY seq")]
    assert ids("kharkiv") == [i for i in in_import_order if i in {r["id"] for r in searched}]
    assert SEED_ID in ids("kharkiv") and len(ids("kharkiv")) == len(searched) >= 3
    assert SEED_ID not in ids("kharkiv", "-russian")  # unquoted exclusion, as in search
    may_2022 = rows(fixtures_db, "SELECT id FROM articles WHERE published >= '2022-05' AND "
                    "published < '2022-06' AND body LIKE '%kharkiv%' ORDER BY seq")  # fmt: skip
    assert ids("kharkiv", "--since", "2022-05", "--until", "2022-05") == [r["id"] for r in may_2022]
    assert SEED_ID in [r["id"] for r in may_2022] and len(may_2022) == 2
    assert ids("--until", "2019") == ["9c79e9ca4e97fb2e"]
    assert ids("--source", "nobody") == []
    assert ids("title:russian") == [SEED_ID]
    assert ids("--raw", "NEAR(russian withdrawing, 2)") == [SEED_ID]
    full = [json.loads(line) for line in exported(run, "kharkiv", "--until", "2022").splitlines()]
    assert [a["id"] for a in full] == ids("kharkiv", "--until", "2022")
    assert all(a["body"] and a["published"] <= "2022-12-31" for a in full)


@pytest.mark.parametrize(
    ("args", "message"),
    [(['"unbalanced'], "error: unbalanced quote in query\n"),
     (["--raw", "AND AND"], "error: invalid FTS5 query: syntax error near \"AND\"\n"),
     (["--since", "someday"], None)],
)  # fmt: skip
def test_bad_query_or_date_is_one_line_and_writes_nothing(run, fixtures_db, args, message):
    result = run("export", *args, "--format", "csv")
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ")
    if message:
        assert result.stderr == message


def big_archive(path, n=3000):
    from datetime import UTC, datetime

    from newscli.archive import ARTICLE_COLUMNS, insert_batch, open_archive

    db = open_archive(path, create=True)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    defaults = {"authors": "[]", "tags": "[]", "extra": "{}", "words": 200, "imported_at": now}
    insert_batch(db.conn, [
        tuple({**defaults, "id": f"{i:016x}", "title": f"Title {i}", "body": "word " * 200,
               "published": "2024-01-01"}.get(c) for c in ARTICLE_COLUMNS)
        for i in range(n)
    ])  # fmt: skip
    db.conn.close()


def test_export_into_a_closed_pipe_stops_quietly(tmp_path):
    db = tmp_path / "big.db"
    big_archive(db)
    export = subprocess.Popen(
        [newscli_exe(), "--db", str(db), "export"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    head = export.stdout.readline()
    export.stdout.close()  # the reader goes away, like `| head -1`
    stderr = export.stderr.read()
    assert export.wait(timeout=60) == 141
    assert json.loads(head)["id"] == "0000000000000000"
    assert stderr == b""


def _import_demo(db):
    """The archive `make demo` makes: every fixture folder the Makefile's demo imports."""
    from conftest import ROOT
    from test_readme import demo_imports

    for args in demo_imports():
        done = run_installed("--db", db, "import", "--quiet", *(ROOT / a for a in args))
        assert done.returncode == 0, done.stderr


def _articles(db) -> dict[str, dict]:
    done = run_installed("--db", db, "export")
    assert done.returncode == 0
    return {a["id"]: a for a in map(json.loads, done.stdout.decode().splitlines())}


def _round_trip(original, copy) -> None:
    """`newscli --db original export | newscli --db copy import -`, as two processes."""
    export = subprocess.Popen([newscli_exe(), "--db", str(original), "export"], stdout=subprocess.PIPE)
    imported = subprocess.run(
        [newscli_exe(), "--db", str(copy), "import", "-", "--json"],
        stdin=export.stdout, capture_output=True, timeout=300,
    )  # fmt: skip
    export.stdout.close()
    assert export.wait(timeout=60) == 0
    assert imported.returncode == 0, imported.stderr
    summary = json.loads(imported.stdout)
    assert (summary["failed"], summary["duplicates"]) == (0, 0)


def test_export_then_import_reproduces_every_article(tmp_path):
    original, copy = tmp_path / "original.db", tmp_path / "copy.db"
    _import_demo(original)
    _round_trip(original, copy)
    before, after = _articles(original), _articles(copy)
    assert list(after) == list(before)  # the same ids, in the same order
    assert len(before) > 40
    for article_id, article in before.items():
        copied = after[article_id]
        assert copied["imported_at"] >= article["imported_at"]
        article.pop("imported_at"), copied.pop("imported_at")
        assert copied == article, article_id
    # what makes this test worth having: the fixtures carry all of these
    fields = {k for a in before.values() for k, v in a.items() if v not in (None, [], {}, "")}
    assert {"subtitle", "retrieved", "source", "url", "authors", "tags", "extra", "path"} <= fields
    assert any(":" in (a["published"] or "") for a in before.values())  # date-times with offsets
    assert any("\x1b" in a["title"] for a in before.values())  # escapes kept byte for byte
    # and the copy searches like the original
    for db in (original, copy):
        found = run_installed("--db", db, "search", "kharkiv", "--format", "ids").stdout.split()
        assert found and found == run_installed(
            "--db", original, "search", "kharkiv", "--format", "ids").stdout.split()  # fmt: skip


def test_a_second_round_trip_adds_nothing(tmp_path):
    original, copy = tmp_path / "original.db", tmp_path / "copy.db"
    _import_demo(original)
    _round_trip(original, copy)
    export = run_installed("--db", original, "export").stdout
    again = run_installed("--db", copy, "import", "-", "--json", input=export)
    summary = json.loads(again.stdout)
    assert (summary["imported"], summary["duplicates"]) == (0, len(export.splitlines()))


@needs_shared
def test_bbc_corpus_round_trip(tmp_path):
    original, copy = tmp_path / "original.db", tmp_path / "copy.db"
    assert run_installed("--db", original, "import", "-q", SHARED / "corpora" / "bbc").returncode == 0
    _round_trip(original, copy)
    before, after = _articles(original), _articles(copy)
    assert len(before) > 2000 and list(after) == list(before)
    for article_id, article in before.items():
        article.pop("imported_at"), after[article_id].pop("imported_at")
        assert after[article_id] == article


def test_own_records_keep_their_lists_extra_and_path(run, db_path, tmp_path):
    record = {
        "id": "0000000000000000", "title": "Edited title", "subtitle": None, "body": "Text.",
        "published": "2022-05-14", "retrieved": None, "source": "BBC", "url": None,
        "authors": ["Smith, John", "Marks and Spencer"], "path": "/old/place/article.txt",
        "words": 1, "imported_at": "2020-01-01T00:00:00+00:00", "tags": ["a, b", "c"],
        "extra": {"section": "World", "id": "theirs"},
    }  # fmt: skip
    assert run("import", "-", "--format", "jsonl", input=json.dumps(record) + "\n").exit_code == 0
    [stored] = json.loads(run("export", "--json").stdout)
    assert stored["authors"] == ["Smith, John", "Marks and Spencer"]  # not split at commas/"and"
    assert stored["tags"] == ["a, b", "c"]
    assert stored["path"] == "/old/place/article.txt"  # from standard input: the record's
    assert stored["imported_at"] != record["imported_at"] and stored["words"] == 1
    # the id follows from the text; the record's own (stale) id is kept, its extra is the extra
    assert stored["id"] != record["id"]
    assert stored["extra"] == {"section": "World", "id": "theirs", "previous_id": "0000000000000000"}
    # from a file, the path is that file's
    saved = tmp_path / "saved.jsonl"
    saved.write_text(json.dumps({**record, "body": "Other text."}) + "\n")
    assert run("import", saved).exit_code == 0
    assert json.loads(run("export", "other", "--json").stdout)[0]["path"] == str(saved.resolve())


def test_tag_filter_as_in_search(run, db_path):
    records = [
        {"title": "A", "body": "kharkiv one", "tags": ["Ukraine", "war"]},
        {"title": "B", "body": "kharkiv two", "tags": ["ukraine"]},
        {"title": "C", "body": "three", "tags": ["weather"]},
    ]
    lines = "".join(json.dumps(r) + "\n" for r in records)
    assert run("import", "-", "--format", "jsonl", input=lines).exit_code == 0

    def titles(*args):
        return [a["title"] for a in map(json.loads, run("export", *args).stdout.splitlines())]

    assert titles("--tag", "UKRAINE") == ["A", "B"]
    assert titles("--tag", "ukraine", "--tag", "war") == ["A"]
    assert titles("kharkiv", "--tag", "weather") == []
    searched = json.loads(run("search", "kharkiv", "--tag", "ukraine", "--json").stdout)
    assert sorted(r["title"] for r in searched) == titles("kharkiv", "--tag", "ukraine")
