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


def test_the_id_scheme_is_versioned():
    assert ID_SCHEME == 2
    # The version is part of what is hashed: no id of scheme 2 is an id of scheme 1.
    from newscli.models import make_article_id_v1

    assert make_article_id("T", "2020-01-01", "b") != make_article_id_v1("T", "2020-01-01", "b")


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
    assert triggers == {"articles_ai", "articles_ad", "articles_au"}
    assert json.loads(run("search", "kharkiv", "--json", db=path).stdout)[0]["id"] in {
        r["id"] for r in after.values()
    }  # fmt: skip
    summary = json.loads(run("import", ARTICLES, "--json", db=path).stdout)
    assert (summary["imported"], summary["duplicates"]) == (0, 17)
    migrations = [r["name"] for r in rows(path, "SELECT name FROM _newscli_migrations ORDER BY name")]
    assert migrations[:3] == ["m001_articles", "m002_tags_extra", "m003_article_ids_from_text_not_date_form"]


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
