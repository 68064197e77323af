"""Where the archive lives, how it is made, and how it refuses files it should not touch."""

import sqlite3

import pytest
from conftest import ARTICLES, rows
from generated_corpus import check_archive

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
    """A migration this newscli does not know is what a newer one left: the file is refused."""
    conn = sqlite3.connect(fixtures_db)
    conn.execute("INSERT INTO _newscli_migrations VALUES ('m999_from_the_future', '2030-01-01')")
    conn.commit()
    conn.close()
    for args in (("import", ARTICLES), ("show", "79019f60")):
        result = run(*args)
        assert result.exit_code == 2
        assert result.stderr == (
            f"error: {fixtures_db}: made by a newer version of newscli (it has migration "
            "m999_from_the_future, which this one does not know); upgrade newscli\n"
        )


def test_open_archive_errors_are_archive_errors(tmp_path):
    with pytest.raises(ArchiveError, match="is a folder"):
        open_archive(tmp_path, create=True)


def test_migrations_are_known_by_their_names_for_ever():
    """Files record the names of the migrations they had: the first ones must never change,
    and no two may share a name."""
    names = [name for name, _ in archive.MIGRATIONS]
    assert names[:2] == ["m001_articles", "m002_tags_extra"]
    assert len(set(names)) == len(names)
    with pytest.raises(ValueError, match="two migrations named m001_articles"):
        archive.migration(archive.m001_articles)


def test_user_version_mirrors_the_migrations_table_and_decides_nothing(run, fixtures_db):
    conn = sqlite3.connect(fixtures_db)
    names = [r[0] for r in conn.execute("SELECT name FROM _newscli_migrations ORDER BY rowid")]
    assert names == [name for name, _ in archive.MIGRATIONS]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(names)
    conn.execute("PRAGMA user_version = 0")  # what another tool may do: the names still say
    conn.close()
    assert run("show", "79019f60", "--json").exit_code == 0
    assert run("import", ARTICLES / "date-before-headline.txt").exit_code == 0
    assert rows(fixtures_db, "SELECT count(*) AS n FROM _newscli_migrations") == [{"n": len(names)}]


def _with_migration(monkeypatch, fn):
    monkeypatch.setattr(archive, "MIGRATIONS", [*archive.MIGRATIONS, (fn.__name__, fn)])


def test_a_failed_migration_reports_its_own_error_and_changes_nothing(run, fixtures_db, monkeypatch):
    """SQLite itself may end the transaction a migration fails in (RAISE(ROLLBACK), a full
    disk): rolling back again must not replace the migration's error by its own."""

    def m900_add_note(db):
        db["articles"].add_column("note", str)
        db.execute(
            "CREATE TEMP TRIGGER refuse BEFORE UPDATE ON articles "
            "BEGIN SELECT RAISE(ROLLBACK, 'notes cannot be filled in here'); END"
        )
        db.execute("UPDATE articles SET note = ''")

    before = rows(fixtures_db, "SELECT * FROM articles ORDER BY seq")
    _with_migration(monkeypatch, m900_add_note)
    for args in (("import", ARTICLES / "date-before-headline.txt"), ("show", "79019f60")):
        result = run(*args)
        assert result.exit_code == 2
        assert result.stderr == (
            f"error: cannot upgrade {fixtures_db}: migration m900_add_note failed: notes cannot be "
            "filled in here\n"
        )
    assert rows(fixtures_db, "SELECT * FROM articles ORDER BY seq") == before  # no `note` column
    assert "m900_add_note" not in archive.applied_migrations(sqlite3.connect(fixtures_db))


class CtrlCAfterFirstCommit(sqlite3.Connection):
    """A connection on which Ctrl-C lands just as the first COMMIT has returned."""

    interrupted = False

    def execute(self, sql, *args):
        cursor = super().execute(sql, *args)
        if sql == "COMMIT" and not self.interrupted:
            self.interrupted = True
            raise KeyboardInterrupt
        return cursor


def test_ctrl_c_just_after_a_migration_commits_is_an_interrupt_not_a_rollback_error(db_path):
    import sqlite_utils

    conn = sqlite3.connect(db_path, isolation_level=None, factory=CtrlCAfterFirstCommit)
    with pytest.raises(KeyboardInterrupt):
        archive.migrate(sqlite_utils.Database(conn))
    assert archive.applied_migrations(conn) == ["m001_articles"]  # committed before the signal
    conn.close()
    open_archive(db_path).conn.close()  # and the next run goes on from there
    assert archive.applied_migrations(sqlite3.connect(db_path)) == [n for n, _ in archive.MIGRATIONS]


def test_a_migration_that_rebuilds_the_table_keeps_the_index_in_step(run, fixtures_db, monkeypatch):
    """sqlite-utils' transform() copies `articles` into a new table, dropping its triggers:
    migrate() puts them back, or edits by other tools would no longer reach the FTS index."""

    def m900_words_last(db):
        columns = list(db["articles"].columns_dict)
        columns.remove("words")
        db["articles"].transform(column_order=[*columns, "words"])

    _with_migration(monkeypatch, m900_words_last)
    assert run("show", "79019f60", "--json").exit_code == 0  # migrates
    conn = sqlite3.connect(fixtures_db)
    assert [r[1] for r in conn.execute("PRAGMA table_info(articles)")][-1] == "words"
    assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")} == {
        "articles_ai", "articles_ad", "articles_au",
        "search_pending_ai", "search_pending_ad", "search_pending_au",
    }  # fmt: skip
    conn.execute("UPDATE articles SET title = 'Zanzibar ferry' WHERE id = '79019f60b33598f4'")
    conn.execute("DELETE FROM articles WHERE title LIKE 'Heatwave%'")
    conn.commit()
    conn.close()
    assert run("search", "zanzibar", "--format", "ids").stdout == "79019f60b33598f4\n"
    assert run("search", "heatwave", "--count").stdout == "0\n"
    assert run("import", ARTICLES / "date-before-headline.txt").exit_code == 0
    assert check_archive(fixtures_db)["integrity"] == "ok"  # the FTS integrity-check passes too
