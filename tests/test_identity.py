"""Identity and provenance (issue 13): one article has one id however its date is written
and whichever parser read it; archives made before keep working and their ids still find
their articles; --source and --source-override; CSV and TSV exports read back losslessly."""

import gzip
import json
import sqlite3

from conftest import ARTICLES, FIXTURES, rows, run_installed

from newscli.models import ID_SCHEME, make_article_id

OLD_ARCHIVE = FIXTURES / "archives" / "made-by-newscli-0.1.0.db.gz"


def write_jsonl(path, records) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def test_one_instant_in_any_form_gives_one_id(run, db_path, tmp_path):
    article = {"title": "Late vote in Ottawa", "body": "Parliament voted just before midnight."}
    forms = [
        "Tue, 10 Mar 2020 23:30:00 -0500",  # RFC 2822, as RSS writes it
        1583901000,  # epoch seconds
        "2020-03-11T04:30:00Z",  # ISO 8601 in UTC: the next day as written
        "2020-03-11 05:30 CET",  # a zone by name
        "sometime in March 2020",  # what an older parser could not read
    ]
    write_jsonl(tmp_path / "forms.jsonl", [{**article, "date": form} for form in forms])
    result = run("import", tmp_path / "forms.jsonl", "--json")
    summary = json.loads(result.stdout)
    assert (summary["imported"], summary["duplicates"]) == (1, 4)
    [stored] = rows(db_path, "SELECT id, published FROM articles")
    assert stored == {"id": make_article_id(article["title"], None, article["body"]),
                      "published": "2020-03-10T23:30:00-05:00"}  # fmt: skip


def test_a_headline_without_body_is_one_article_per_day_in_utc(run, db_path, tmp_path):
    records = [
        {"title": "Weather update", "date": "2020-03-10T23:30:00-05:00"},
        {"title": "Weather update", "date": "2020-03-11T04:30:00Z"},  # the same instant
        {"title": "Weather update", "date": "2020-03-12"},  # another day
    ]
    write_jsonl(tmp_path / "headlines.jsonl", records)
    summary = json.loads(run("import", tmp_path / "headlines.jsonl", "--json").stdout)
    assert (summary["imported"], summary["duplicates"]) == (2, 1)


def scheme_1_id(title: str, published: str | None, body: str) -> str:
    """The id newscli 0.1 gave: the date as written was part of it."""
    import hashlib

    from newscli.models import normalise_for_id

    key = "\x1f".join((normalise_for_id(title), (published or "")[:10], normalise_for_id(body)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def test_the_id_scheme_is_versioned(tmp_path):
    assert ID_SCHEME == 2
    # The version is part of what is hashed: no id of scheme 2 is an id of scheme 1.
    assert make_article_id("T", "2020-01-01", "b") != scheme_1_id("T", "2020-01-01", "b")
    # The archive made by 0.1.0 holds scheme 1 ids.
    path = old_archive(tmp_path)
    stored = rows(path, "SELECT id, title, published, body FROM articles")
    assert all(r["id"] == scheme_1_id(r["title"], r["published"], r["body"]) for r in stored)


def old_archive(tmp_path):
    path = tmp_path / "old.db"
    path.write_bytes(gzip.decompress(OLD_ARCHIVE.read_bytes()))
    return path


def test_an_archive_made_by_0_1_0_is_migrated_and_its_old_ids_still_resolve(run, tmp_path):
    path = old_archive(tmp_path)
    before = rows(path, "SELECT seq, id, title, published, body FROM articles ORDER BY seq")
    assert len(before) == 26 and rows(path, "PRAGMA user_version")[0]["user_version"] == 2
    # Any command migrates it; `show` takes the ids the old version gave, in full or prefix.
    shown = json.loads(run("show", "28d491dff761c035", "--json", db=path).stdout)
    assert shown["title"] == "Ukraine claims Russian forces withdrawing from Kharkiv"
    assert shown["id"] == make_article_id(shown["title"], None, shown["body"])
    assert json.loads(run("show", "28d491df", "--json", db=path).stdout)["id"] == shown["id"]
    after = {r["seq"]: r for r in rows(path, "SELECT seq, id, title FROM articles")}
    assert len(after) == 26  # nothing lost
    old_ids = {r["old_id"]: r["seq"] for r in rows(path, "SELECT * FROM article_old_ids")}
    for row in before:
        current = after[row["seq"]]["id"]
        assert current == row["id"] or old_ids[row["id"]] == row["seq"]
        assert json.loads(run("show", row["id"], "--json", db=path).stdout)["id"] == current
    # One headline and body stored on two days is one article to scheme 2: the later keeps
    # its old id, so that both stay and both ids find them.
    markets = [r for r in before if r["title"] == "Markets close flat"]
    assert [after[r["seq"]]["id"] == r["id"] for r in markets] == [False, True]
    # The search index is untouched and right; a new import of the same files adds nothing.
    assert rows(path, "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)") == []
    triggers = {r["name"] for r in rows(path, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers == {"articles_ai", "articles_ad", "articles_au",
                        "search_pending_ai", "search_pending_ad", "search_pending_au"}  # fmt: skip
    # The new search index (m004) holds every article, each with its language.
    assert rows(path, "SELECT count(*) AS n FROM search_index_docsize")[0]["n"] == 26
    assert rows(path, "SELECT count(*) AS n FROM search_pending")[0]["n"] == 0
    assert rows(path, "SELECT count(*) AS n FROM articles WHERE lang = 'en'")[0]["n"] >= 20
    assert [r["id"] for r in json.loads(run("search", '"withdrawing"', "--json", db=path).stdout)] == [
        shown["id"]
    ]
    assert json.loads(run("search", "kharkiv", "--json", db=path).stdout)[0]["id"] in {
        r["id"] for r in after.values()
    }  # fmt: skip
    summary = json.loads(run("import", ARTICLES, "--json", db=path).stdout)
    assert (summary["imported"], summary["duplicates"]) == (0, 17)
    migrations = [r["name"] for r in rows(path, "SELECT name FROM _newscli_migrations ORDER BY name")]
    assert migrations == [
        "m001_articles", "m002_tags_extra", "m003_article_ids_from_text_not_date_form", "m004_search_index",
        "m005_stories", "m006_dates_by_seq", "m007_story_copies",
    ]  # fmt: skip
    indexes = {r["name"] for r in rows(path, "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"idx_articles_seq_published", "idx_stories_copies"} <= indexes
    # Every article of the old archive was filed under a story when it was opened.
    assert rows(path, "SELECT count(*) AS n FROM stories")[0]["n"] == len(after)


def test_old_ids_resolve_for_the_installed_command_too(tmp_path):
    path = old_archive(tmp_path)
    done = run_installed("--db", path, "show", "--no-pager", "b46a4cda")
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().splitlines()[0] == "Late vote in Ottawa"
    conn = sqlite3.connect(path)  # the standard library opens the migrated file as before
    assert conn.execute("SELECT count(*) FROM article_old_ids").fetchone()[0] > 0
    conn.close()


def test_importing_again_with_a_date_dates_what_was_stored_undated(run, db_path, tmp_path):
    path = tmp_path / "feed.jsonl"
    write_jsonl(path, [{"title": "Ferry strike ends", "body": "Crews return.", "date": "in the spring"}])
    run("import", path)
    write_jsonl(path, [{"title": "Ferry strike ends", "body": "Crews return.", "date": "2020-03-10"}])
    summary = json.loads(run("import", path, "--json").stdout)
    assert (summary["imported"], summary["duplicates"], summary["dated"]) == (0, 1, 1)
    assert rows(db_path, "SELECT published FROM articles") == [{"published": "2020-03-10"}]
    # A date already stored is never changed by another import.
    write_jsonl(path, [{"title": "Ferry strike ends", "body": "Crews return.", "date": "2021-01-01"}])
    summary = json.loads(run("import", path, "--json").stdout)
    assert summary["dated"] == 0
    assert rows(db_path, "SELECT published FROM articles") == [{"published": "2020-03-10"}]


# Exports read back: CSV and TSV as losslessly as JSON Lines.

AWKWARD = [
    {"title": '"Crude" prices\tslide',
     "body": "Oil fell.\n\nA line with a back\\slash, a tab\t and \"quotes\".",
     "date": "2022-03-08T09:00:00+01:00", "tags": ["crude", "Markets, energy"],
     "authors": ["Jonathan Landrum, Jr.", "Ana Lima"], "summary": "Brent fell 9%.",
     "guid": {"id": 7, "seen": [1, 2]}, "source": "Wire A"},
    {"title": "Crude stocks rise", "body": "Stocks rose for a third week.", "tags": ["crude"],
     "date": "in the spring"},
    {"title": "Wheat harvest", "body": "A good year.", "tags": ["wheat"]},
]  # fmt: skip
COMPARED = ("id", "title", "subtitle", "body", "published", "retrieved", "source", "url",
            "authors", "words", "tags", "extra")  # fmt: skip


def stored_articles(db) -> list[dict]:
    return rows(db, f"SELECT {', '.join(COMPARED)}, path FROM articles ORDER BY seq")


def test_csv_and_tsv_exports_read_back_losslessly(run, db_path, tmp_path):
    write_jsonl(tmp_path / "awkward.jsonl", AWKWARD)
    assert run("import", tmp_path / "awkward.jsonl").exit_code == 0
    original = stored_articles(db_path)
    before = run("search", "oil", "--tag", "crude", "--format", "ids").stdout
    for fmt in ("csv", "tsv", "jsonl"):
        exported = run("export", "--format", fmt).stdout
        # Through standard input, sniffed without --format: every field as it was, path too.
        copy = tmp_path / f"copy-{fmt}.db"
        result = run("import", "-", input=exported.encode(), db=copy)
        assert result.exit_code == 0, (fmt, result.stderr)
        assert stored_articles(copy) == original, fmt
        assert run("search", "oil", "--tag", "crude", "--format", "ids", db=copy).stdout == before
        # From a file: the same, but the path is the export's.
        (tmp_path / f"export.{fmt}").write_text(exported, encoding="utf-8")
        from_file = tmp_path / f"file-{fmt}.db"
        assert run("import", tmp_path / f"export.{fmt}", db=from_file).exit_code == 0
        for got, want in zip(stored_articles(from_file), original, strict=True):
            assert {**got, "path": None} == {**want, "path": None}, fmt
    assert json.loads(original[0]["authors"]) == ["Jonathan Landrum, Jr.", "Ana Lima"]
    assert json.loads(original[0]["extra"])["guid"] == {"id": 7, "seen": [1, 2]}


def test_standard_input_is_sniffed_like_a_file(run, db_path):
    data = (FIXTURES / "csv" / "articles.tsv").read_bytes()
    summary = json.loads(run("import", "-", "--json", input=data).stdout)
    assert (summary["imported"], summary["failed"]) == (2, 0)
    assert rows(db_path, "SELECT published FROM articles ORDER BY seq") == [
        {"published": "2023-05-12"}, {"published": "2023-05-13"},
    ]  # fmt: skip
    csv = (FIXTURES / "csv" / "quoted-multiline-fields.csv").read_bytes()
    assert json.loads(run("import", "-", "--json", input=csv).stdout)["imported"] == 2


def test_map_for_an_input_without_fields_is_an_error(run, db_path):
    result = run("import", "-", "--map", "title=headline", input=b"Storm hits the coast\n\nBody.\n")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "error: <stdin>: --map names fields of JSON, CSV, TSV or front matter records, and this is "
        "plain text (give --format if it is one of those)"
    )
    assert rows(db_path, "SELECT count(*) n FROM articles") == [{"n": 0}]
    # The same text without --map is an article.
    assert run("import", "-", input=b"Storm hits the coast\n\nBody.\n").exit_code == 0


def test_the_upgrade_indexes_an_old_archive_with_a_progress_report(tmp_path):
    from newscli.archive import open_archive

    path = old_archive(tmp_path)
    seen = []
    open_archive(path, progress=lambda done, total: seen.append((done, total))).conn.close()
    # 26 articles to index, and the same 26 to file under their stories (m005).
    assert seen and seen[-1][0] == seen[-1][1] >= 26
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    # Opening it again has nothing left to index.
    again = []
    open_archive(path, progress=lambda done, total: again.append((done, total))).conn.close()
    assert again == []


def test_the_upgrade_shows_a_progress_bar_on_a_terminal(tmp_path):
    """The bar goes to stderr only when stderr is a terminal: run under a pseudo-terminal."""
    import os
    import pty
    import subprocess

    from conftest import newscli_exe

    path = old_archive(tmp_path)
    leader, follower = pty.openpty()
    done = subprocess.run(
        [newscli_exe(), "--db", str(path), "stats", "--json"],
        stdout=subprocess.PIPE, stderr=follower, timeout=120,
    )  # fmt: skip
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert done.returncode == 0
    assert b"Indexing articles for search" in shown
    assert json.loads(done.stdout)["articles"] == 26
