"""m002_tags_extra on a database file made by the foundation's version (only m001, whose
SQL that version wrote by hand: files made so are in the wild, and must keep working)."""

import json
import sqlite3

from conftest import ARTICLES, rows

from newscli import archive

FOUNDATION_SCHEMA = [
    """CREATE TABLE articles (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        subtitle TEXT,
        body TEXT NOT NULL,
        published TEXT,
        retrieved TEXT,
        source TEXT,
        url TEXT,
        authors TEXT NOT NULL DEFAULT '[]',
        path TEXT,
        words INTEGER NOT NULL DEFAULT 0,
        imported_at TEXT NOT NULL
    )""",
    "CREATE INDEX idx_articles_published ON articles (published)",
    "CREATE INDEX idx_articles_source ON articles (source)",
    """CREATE VIRTUAL TABLE articles_fts USING FTS5 (
        title, subtitle, body, tokenize='porter unicode61 remove_diacritics 2', content="articles"
    )""",
    """CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
      INSERT INTO articles_fts (rowid, title, subtitle, body)
      VALUES (new.rowid, new.title, new.subtitle, new.body);
    END""",
    """CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
      INSERT INTO articles_fts (articles_fts, rowid, title, subtitle, body)
      VALUES ('delete', old.rowid, old.title, old.subtitle, old.body);
    END""",
    """CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
      INSERT INTO articles_fts (articles_fts, rowid, title, subtitle, body)
      VALUES ('delete', old.rowid, old.title, old.subtitle, old.body);
      INSERT INTO articles_fts (rowid, title, subtitle, body)
      VALUES (new.rowid, new.title, new.subtitle, new.body);
    END""",
    "CREATE TABLE _newscli_migrations (name TEXT PRIMARY KEY, applied_at TEXT)",
    "INSERT INTO _newscli_migrations VALUES ('m001_articles', '2024-01-01 00:00:00')",
    "PRAGMA user_version = 1",
]


def make_foundation_db(path) -> None:
    """The file the previous version made: its schema, one article inserted its way."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA page_size = 16384")
    conn.execute("PRAGMA journal_mode = wal")
    for sql in FOUNDATION_SCHEMA:
        conn.execute(sql)
    conn.execute(
        "INSERT INTO articles (id, title, body, published, authors, words, imported_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        ("00aa11bb22cc33dd", "Old zanzibar article", "Body from the old version.",
         "2020-01-02", '["Old Author"]', 4, "2024-01-01T00:00:00+00:00"),
    )  # fmt: skip
    conn.close()


def test_old_file_gets_tags_and_extra_and_keeps_its_rows(tmp_path, run):
    path = tmp_path / "old.db"
    make_foundation_db(path)
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
    again = run("import", ARTICLES / "date-before-headline.txt", db=path)  # its UNIQUE id column
    assert again.stderr.startswith("Imported 0 articles from 1 file: 1 duplicate")


def shape(path) -> dict:
    """What a schema does, whatever the words of its SQL: columns, indexes, FTS, triggers."""
    conn = sqlite3.connect(path)
    try:
        indexes = {}
        for _, name, unique, *_ in conn.execute("PRAGMA index_list(articles)"):
            columns = tuple(r[2] for r in conn.execute(f"PRAGMA index_info('{name}')"))
            indexes[columns] = bool(unique)
        fts = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()[0]
        triggers = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {
            "columns": [r[1:] for r in conn.execute("PRAGMA table_info(articles)")],
            "indexes": indexes,
            "fts": " ".join(fts.replace('"', "").replace("[", "").replace("]", "").split()),
            "triggers": sorted(name for (name,) in triggers),
        }
    finally:
        conn.close()


def test_a_new_file_has_the_shape_of_a_migrated_foundation_file(tmp_path, run):
    """m001/m002 now go through sqlite-utils' table API: what they make must be what the
    hand-written SQL made (the unique index on id has a name now; that is all)."""
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    make_foundation_db(old)
    archive.open_archive(old).conn.close()
    archive.open_archive(new, create=True).conn.close()
    assert shape(new) == shape(old)
