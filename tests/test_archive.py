"""Where the archive lives, how it is made, and how it refuses files it should not touch."""

import sqlite3

import pytest
from conftest import ARTICLES, rows

from newscli import archive
from newscli.archive import ArchiveError, open_archive


def test_db_option_wins(run, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSCLI_DB", str(tmp_path / "env.db"))
    result = run("import", ARTICLES / "date-before-headline.txt", db=tmp_path / "opt.db")
    assert result.exit_code == 0
    assert (tmp_path / "opt.db").exists() and not (tmp_path / "env.db").exists()


def test_env_var_then_xdg_then_home(run, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSCLI_DB", str(tmp_path / "env" / "news.db"))
    assert run("import", ARTICLES / "date-before-headline.txt", db=None).exit_code == 0
    assert (tmp_path / "env" / "news.db").exists()

    monkeypatch.delenv("NEWSCLI_DB")
    assert run("import", ARTICLES / "date-before-headline.txt", db=None).exit_code == 0
    assert (tmp_path / "xdg" / "newscli" / "news.db").exists()

    monkeypatch.delenv("XDG_DATA_HOME")
    assert run("import", ARTICLES / "date-before-headline.txt", db=None).exit_code == 0
    assert (tmp_path / "home" / ".local" / "share" / "newscli" / "news.db").exists()


def test_reading_a_missing_database_creates_nothing(run, tmp_path):
    missing = tmp_path / "sub" / "none.db"
    result = run("show", "79019f60", db=missing)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: no database at {missing}; create one with `newscli --db {missing} import PATH...`\n"
    )
    assert not missing.exists() and not missing.parent.exists()


def test_schema(fixtures_db):
    conn = sqlite3.connect(fixtures_db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(archive.MIGRATIONS)
    fts_sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()[0]
    assert "porter unicode61 remove_diacritics 2" in fts_sql
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "idx_articles_published" in indexes
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize(
    "query,title",
    [
        ("withdraw", "Ukraine claims Russian forces withdrawing from Kharkiv"),
        ("cafe", "Café owners count the cost of the cold snap"),
        ("naive", "\u201cCaf\u00e9 society\u201d returns to the capital\u2019s streets"),
    ],
)
def test_fts_stems_and_folds_accents(fixtures_db, query, title):
    found = rows(
        fixtures_db,
        "SELECT a.title FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
        "WHERE articles_fts MATCH ?",
        (query,),
    )
    assert title in {r["title"] for r in found}


def test_fts_stays_in_sync_with_writes_by_other_tools(fixtures_db):
    conn = sqlite3.connect(fixtures_db)
    conn.execute("UPDATE articles SET title = 'Zanzibar ferry' WHERE id = '79019f60b33598f4'")
    conn.execute("DELETE FROM articles WHERE title LIKE 'Heatwave%'")
    conn.commit()
    match = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
    assert conn.execute(match, ("zanzibar",)).fetchone()[0] == 1
    assert conn.execute(match, ("heatwave",)).fetchone()[0] == 0
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")


def test_migrations_bring_an_old_file_up_to_date(tmp_path, monkeypatch):
    """A file made when only the first migration existed gets the later ones on open."""
    path = tmp_path / "old.db"
    first = archive.MIGRATIONS[:1]
    extra_ran = []

    def m999_add_column(db):
        extra_ran.append(True)
        db.execute("ALTER TABLE articles ADD COLUMN note TEXT")

    monkeypatch.setattr(archive, "MIGRATIONS", first)
    open_archive(path, create=True).conn.close()
    monkeypatch.setattr(archive, "MIGRATIONS", [*first, ("m999_add_column", m999_add_column)])
    db = open_archive(path)
    assert extra_ran == [True]
    assert "note" in db["articles"].columns_dict
    assert db.conn.execute("PRAGMA user_version").fetchone()[0] == 2
    db.conn.close()
    open_archive(path).conn.close()
    assert extra_ran == [True]  # applied once


def test_not_a_database_is_refused_untouched(run, tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not SQLite\n" * 100)
    before = path.read_bytes()
    result = run("import", ARTICLES, db=path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: not a newscli database")
    assert len(result.stderr.splitlines()) == 1
    assert path.read_bytes() == before


def test_other_sqlite_database_is_refused(run, tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE accounts (x)")
    conn.commit()
    conn.close()
    result = run("import", ARTICLES, db=path)
    assert result.exit_code == 2
    assert "not a newscli database" in result.stderr


def test_newer_schema_is_refused(run, fixtures_db):
    conn = sqlite3.connect(fixtures_db)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    for args in (("import", ARTICLES), ("show", "79019f60")):
        result = run(*args)
        assert result.exit_code == 2
        assert "made by a newer version of newscli" in result.stderr


def test_open_archive_errors_are_archive_errors(tmp_path):
    with pytest.raises(ArchiveError, match="is a folder"):
        open_archive(tmp_path, create=True)
