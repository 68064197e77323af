"""m002_tags_extra on a database file made by the foundation's version (only m001)."""

import json
import sqlite3

from conftest import ARTICLES, rows

from newscli import archive


def make_foundation_db(path, monkeypatch) -> None:
    """The file the previous version made: its schema, one article inserted its way."""
    with monkeypatch.context() as patch:
        patch.setattr(archive, "MIGRATIONS", archive.MIGRATIONS[:1])
        db = archive.open_archive(path, create=True)
        db.conn.execute(
            "INSERT INTO articles (id, title, body, published, authors, words, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            ("00aa11bb22cc33dd", "Old zanzibar article", "Body from the old version.",
             "2020-01-02", '["Old Author"]', 4, "2024-01-01T00:00:00+00:00"),
        )  # fmt: skip
        db.conn.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    columns = [r[1] for r in conn.execute("PRAGMA table_info(articles)")]
    assert "tags" not in columns and "extra" not in columns
    conn.close()


def test_old_file_gets_tags_and_extra_and_keeps_its_rows(tmp_path, monkeypatch, run):
    path = tmp_path / "old.db"
    make_foundation_db(path, monkeypatch)
    # A read-only command on the old file migrates it first.
    shown = json.loads(run("show", "00aa11bb", "--json", db=path).stdout)
    assert shown["title"] == "Old zanzibar article"
    assert (shown["tags"], shown["extra"], shown["authors"]) == ([], {}, ["Old Author"])
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(archive.MIGRATIONS)
    assert [r[0] for r in conn.execute("SELECT name FROM _newscli_migrations ORDER BY name")][:2] == [
        "m001_articles", "m002_tags_extra",
    ]  # fmt: skip
    columns = {r[1]: r for r in conn.execute("PRAGMA table_info(articles)")}
    assert columns["tags"][4] == "'[]'" and columns["extra"][4] == "'{}'"
    conn.close()
    # The full-text index still finds the old row, and new rows with tags go in beside it.
    result = run("import", ARTICLES / "date-before-headline.txt", db=path)
    assert result.exit_code == 0, result.stderr
    found = rows(path, "SELECT a.title, a.tags FROM articles_fts f JOIN articles a ON a.seq = f.rowid "
                       "WHERE articles_fts MATCH 'zanzibar OR kharkiv' ORDER BY a.seq")  # fmt: skip
    assert found == [
        {"title": "Old zanzibar article", "tags": "[]"},
        {"title": "Kharkiv residents return as power is restored", "tags": "[]"},
    ]
    integrity = rows(path, "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
    assert integrity == []
