"""The one place that finds, opens, creates and migrates the archive database.

Writers open it through sqlite-utils (`open_archive`), which also applies the migrations.
Read-only commands use `connect_readonly`, a plain sqlite3 connection, so that `search`
and `show` do not pay for importing sqlite-utils at start-up.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import sqlite_utils

FTS_TABLE = "articles_fts"
FTS_COLUMNS = ("title", "subtitle", "body")
TOKENIZE = "porter unicode61 remove_diacritics 2"
BUSY_TIMEOUT_MS = 30_000
# Articles of a few KB fill 4 KB pages one row each, wasting a third of the file; 16 KB
# pages hold several rows each, so the database stays under twice the size of its text.
PAGE_SIZE = 16384


class ArchiveError(Exception):
    """A problem with the database file, told in one line."""

    exit_code = 2


def default_db_path() -> Path:
    """`NEWSCLI_DB`, else `$XDG_DATA_HOME/newscli/news.db`, else `~/.local/share/newscli/news.db`."""
    if os.environ.get("NEWSCLI_DB"):
        return Path(os.environ["NEWSCLI_DB"]).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(data_home) / "newscli" / "news.db"


def resolve_db_path(option: str | os.PathLike[str] | None) -> Path:
    return Path(option).expanduser() if option else default_db_path()


# Migrations: applied in order, each once; their names are kept in _newscli_migrations and
# their count in PRAGMA user_version (cheap to read for the read-only commands).
MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = []


def migration(fn: Callable[[sqlite_utils.Database], None]):
    MIGRATIONS.append((fn.__name__, fn))
    return fn


FTS_TRIGGERS = {
    "articles_ai": f"""
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
  INSERT INTO {FTS_TABLE} (rowid, title, subtitle, body)
  VALUES (new.rowid, new.title, new.subtitle, new.body);
END""",
    "articles_ad": f"""
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
  INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, subtitle, body)
  VALUES ('delete', old.rowid, old.title, old.subtitle, old.body);
END""",
    "articles_au": f"""
CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
  INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, subtitle, body)
  VALUES ('delete', old.rowid, old.title, old.subtitle, old.body);
  INSERT INTO {FTS_TABLE} (rowid, title, subtitle, body)
  VALUES (new.rowid, new.title, new.subtitle, new.body);
END""",
}


@migration
def m001_articles(db: sqlite_utils.Database) -> None:
    # `seq` is an explicit INTEGER PRIMARY KEY so that VACUUM never renumbers the rowids
    # the external-content FTS index points at.
    db.execute(
        """
        CREATE TABLE articles (
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
        )"""
    )
    db.execute("CREATE INDEX idx_articles_published ON articles (published)")
    db.execute("CREATE INDEX idx_articles_source ON articles (source)")
    # The same shape sqlite-utils' enable_fts makes, so `sqlite-utils search` and Datasette
    # find and use the index.
    db.execute(
        f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING FTS5 (
    title, subtitle, body,
    tokenize='{TOKENIZE}',
    content="articles"
)"""
    )
    for sql in FTS_TRIGGERS.values():
        db.execute(sql)


@migration
def m002_tags_extra(db: sqlite_utils.Database) -> None:
    # Structured inputs (JSON, CSV, front matter, web pages) carry tags, and fields no column
    # holds; both are JSON text so that older rows read as "no tags, nothing extra".
    db.execute("ALTER TABLE articles ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'")
    db.execute("ALTER TABLE articles ADD COLUMN extra TEXT NOT NULL DEFAULT '{}'")


# Ids an article had under an earlier id scheme (see models.ID_SCHEME), so that ids quoted in
# notes, scripts and exports made before still find it.
OLD_IDS_TABLE = "article_old_ids"


@migration
def m003_article_ids_from_text_not_date_form(db: sqlite_utils.Database) -> None:
    # Id scheme 2: recompute every id from the stored text; keep the old one beside it.
    # Rows are read and rewritten a chunk at a time (little memory at any size); the update
    # triggers (the search index's) are dropped meanwhile, as only ids change, and made again.
    from newscli.models import make_article_id

    conn = db.conn
    conn.execute(
        f"CREATE TABLE {OLD_IDS_TABLE} (old_id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID"
    )
    # The update triggers, as this file has them, are made again just as they were.
    on_update = [
        (name, sql)
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles'"
        )
        if " UPDATE " in sql.split("BEGIN", 1)[0].upper().replace("\n", " ")
    ]
    for name, _ in on_update:
        conn.execute(f'DROP TRIGGER "{name}"')
    last = 0
    while True:
        chunk = conn.execute(
            "SELECT seq, id, title, subtitle, body, published FROM articles WHERE seq > ? "
            "ORDER BY seq LIMIT 5000",
            (last,),
        ).fetchall()
        if not chunk:
            break
        last = chunk[-1][0]
        for seq, old, title, subtitle, body, published in chunk:
            new = make_article_id(title or "", published, body or "", subtitle)
            if new == old:
                continue
            # Two rows that scheme 2 finds the same article (one headline and body stored on
            # two dates): the later keeps its old id, so that nothing is lost.
            if conn.execute("SELECT 1 FROM articles WHERE id = ?", (new,)).fetchone():
                continue
            conn.execute("UPDATE articles SET id = ? WHERE seq = ?", (new, seq))
            conn.execute(f"INSERT OR IGNORE INTO {OLD_IDS_TABLE} VALUES (?, ?)", (old, seq))
    for _, sql in on_update:
        conn.execute(sql)


def _user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _check_sqlite(conn: sqlite3.Connection, path: Path) -> int:
    try:
        version = _user_version(conn)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as e:
        if getattr(e, "sqlite_errorname", "") in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
            raise ArchiveError(f"{path}: not a newscli database ({e})") from None
        raise ArchiveError(f"cannot open {path}: {_why_not_written(path, e)}") from None
    if version > len(MIGRATIONS):
        raise ArchiveError(
            f"{path}: made by a newer version of newscli (schema {version}, this one knows "
            f"{len(MIGRATIONS)}); upgrade newscli"
        )
    return version


def _missing(path: Path) -> ArchiveError:
    return ArchiveError(f"no database at {path}; create one with `newscli --db {path} import PATH...`")


def _folder_of(path: Path) -> Path:
    return path.absolute().parent


def read_only_reason(path: Path) -> str | None:
    """Why the archive file at `path` (or its folder) cannot be written, or None if it can.

    Asks the kernel rather than the permission bits, so a read-only mount or an immutable
    file is seen even by root. SQLite also needs the folder, for its -wal and -shm files.
    """
    if path.exists():
        try:
            os.close(os.open(path, os.O_RDWR))
        except OSError as e:
            return f"the file is read-only ({e.strerror or e})"
    folder = _folder_of(path)
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"its folder {folder} is read-only (SQLite writes its -wal and -shm files there)"
    return None


def write_error(path: Path | str, e: sqlite3.Error) -> ArchiveError:
    """SQLite failing to write, told in one line without SQLite's own words where we can."""
    path = Path(path)
    return ArchiveError(f"cannot write to {path}: {_why_not_written(path, e)}")


def _why_not_written(path: Path, e: sqlite3.Error) -> str:
    name = getattr(e, "sqlite_errorname", "") or ""
    if name == "SQLITE_FULL":
        return "the disk is full"
    if name.startswith("SQLITE_IOERR"):
        return "disk I/O error (is the disk full or gone?)"
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")):
        return read_only_reason(path) or str(e)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return f"another program kept it locked for {BUSY_TIMEOUT_MS / 1000:g} s; try again when it is done"
    return str(e)


def open_archive(path: Path, *, create: bool = False) -> sqlite_utils.Database:
    """Open (and, if `create`, make) the archive for writing, migrated to the current schema."""
    import sqlite_utils

    if not path.exists():
        if not create:
            raise _missing(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ArchiveError(f"cannot create {path.parent}: {e.strerror or e}") from None
        if not os.access(_folder_of(path), os.W_OK | os.X_OK):
            raise ArchiveError(f"cannot create {path}: the folder {_folder_of(path)} is read-only")
    elif path.is_dir():
        raise ArchiveError(f"{path}: is a folder, not a database file")
    elif not path.is_file():
        raise ArchiveError(f"{path}: not a regular file (a device, pipe or socket)")
    elif why := read_only_reason(path):
        raise ArchiveError(f"cannot write to {path}: {why}")
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as e:
        raise ArchiveError(f"cannot open {path}: {e}") from None
    # One read snapshot for these checks: another import may be creating this very file,
    # and its first migration committing between two reads would look like foreign tables.
    conn.execute("BEGIN")
    try:
        version = _check_sqlite(conn, path)
        newscli_tables, any_tables = _is_newscli(conn), _has_tables(conn)
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    if version and not newscli_tables:
        raise ArchiveError(f"{path}: not a newscli database (no articles table)")
    if version == 0 and any_tables:
        raise ArchiveError(f"{path}: not a newscli database (it holds other tables)")
    db = sqlite_utils.Database(conn)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if version == 0 and not any_tables:
            # Only a new, empty file can take it (WAL fixes it): see PAGE_SIZE.
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        _use_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(db)
    except sqlite3.OperationalError as e:
        conn.close()
        raise write_error(path, e) from None
    return db


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL, waiting for other connections as the busy timeout would.

    SQLite answers a journal-mode change that meets another process's lock with an
    immediate "database is locked", without calling the busy handler: two imports creating
    the same new file at once would make one of them fail.
    """
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = wal")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _has_tables(conn: sqlite3.Connection) -> bool:
    # Our own bookkeeping table alone is what an import killed while creating the file leaves.
    return (
        conn.execute("SELECT count(*) FROM sqlite_master WHERE tbl_name != '_newscli_migrations'").fetchone()[
            0
        ]
        > 0
    )


def _is_newscli(conn: sqlite3.Connection) -> bool:
    return bool(
        conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'").fetchone()
    )


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations this file has not had yet; return their names."""
    conn = db.conn
    if _user_version(conn) >= len(MIGRATIONS):
        return []
    applied = []
    for name, fn in MIGRATIONS:
        # Each migration reads what is done inside its own write transaction: another
        # process (a second import started at the same moment) may have just applied it.
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS _newscli_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
            )
            done = {row[0] for row in conn.execute("SELECT name FROM _newscli_migrations")}
            if name in done:
                conn.execute("COMMIT")
                continue
            fn(db)
            conn.execute("INSERT INTO _newscli_migrations VALUES (?, datetime('now'))", (name,))
            conn.execute(f"PRAGMA user_version = {len(done) + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A plain connection for commands that only read; fails in one line if there is no archive."""
    if not path.exists():
        raise _missing(path)
    if path.is_dir():
        raise ArchiveError(f"{path}: is a folder, not a database file")
    read_only = read_only_reason(path)
    try:
        conn = _connect_read_only(path) if read_only else _connect(path)
    except sqlite3.Error as e:
        raise ArchiveError(f"cannot open {path}: {e}") from None
    version = _check_sqlite(conn, path)
    if version == 0 or not _is_newscli(conn):
        raise ArchiveError(f"{path}: not a newscli database (no articles table)")
    if version < len(MIGRATIONS):
        conn.close()
        if read_only:
            raise ArchiveError(f"{path}: made by an older newscli and needs upgrading, but {read_only}")
        # An older file: bring it up to date once, then read.
        open_archive(path).conn.close()
        conn = _connect(path)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.row_factory = sqlite3.Row
    return conn


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Reading an archive we may not write (a read-only copy, mount or folder).

    `mode=ro` still sees another process's writes, but needs the -shm file of a WAL database
    to exist or be creatable; where it cannot be, `immutable=1` reads the file as it is (an
    archive closed cleanly has everything in the file itself).
    """
    from urllib.parse import quote

    uri = "file:" + quote(str(path.absolute()), safe="/")
    conn = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.DatabaseError:
        conn.close()
    return sqlite3.connect(uri + "?immutable=1", uri=True, isolation_level=None)


def json_list_sql(column: str) -> str:
    """SQL for a column that holds a JSON list (`tags`, `authors`) as other tools may have
    left it: a list as it is, empty text as none, and anything else (`crude, oil` typed by
    hand, a JSON string) as a list of that one value, so that json_each never fails on it.
    articles.article_dict reads the columns the same way."""
    return (
        f"(CASE WHEN {column} IS NULL OR trim({column}) = '' THEN '[]' "
        f"WHEN NOT json_valid({column}) THEN json_array({column}) "
        f"WHEN json_type({column}) = 'array' THEN {column} "
        f"ELSE json_array(json_extract({column}, '$')) END)"
    )


ARTICLE_COLUMNS = (
    "id", "title", "subtitle", "body", "published", "retrieved", "source", "url",
    "authors", "path", "words", "imported_at", "tags", "extra",
)  # fmt: skip
_INSERT = (
    f"INSERT OR IGNORE INTO articles ({', '.join(ARTICLE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))})"
)


# Page cache for bulk loads, in KiB (negative cache_size): the id and date indexes take
# random inserts, and SQLite's default 2 MB cache makes each one a read at 1M articles.
BULK_CACHE_KIB = 32 * 1024


@contextlib.contextmanager
def bulk_load(conn: sqlite3.Connection):
    """Settings for a long run of insert_batch calls, restored after; durability unchanged
    (WAL with synchronous=NORMAL, every batch its own transaction)."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    conn.execute("PRAGMA temp_store = MEMORY")
    try:
        yield conn
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before)}")
        conn.execute("PRAGMA temp_store = DEFAULT")


_FILL_DATE = "UPDATE articles SET published = ? WHERE id = ? AND published IS NULL AND seq <= ?"
_PUBLISHED = ARTICLE_COLUMNS.index("published")


def insert_batch(conn: sqlite3.Connection, rows: list[tuple]) -> tuple[int, int, int]:
    """Insert rows (in ARTICLE_COLUMNS order) in one transaction; return (inserted, undated,
    dated): the rows inserted, those of them without a publication date, and the articles
    already stored without one that a row gave theirs.

    Rows whose id is already stored are skipped, but for that date: an article imported
    undated (its date unreadable, or day and month either way round) gets it when an
    import reads it (`--dayfirst`, a newer newscli). The FTS index is filled once per batch
    from the new rows rather than by the per-row trigger, which is dropped and re-made
    inside the same transaction, so no other connection ever sees the table without it.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")  # waits up to BUSY_TIMEOUT_MS for another writer
    except sqlite3.OperationalError as e:
        raise write_error(conn.execute("PRAGMA database_list").fetchone()[2], e) from None
    try:
        before = conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
        conn.execute("DROP TRIGGER IF EXISTS articles_ai")
        inserted = conn.executemany(_INSERT, rows).rowcount
        conn.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, subtitle, body) "
            "SELECT seq, title, subtitle, body FROM articles WHERE seq > ?",
            (before,),
        )
        undated = conn.execute(
            "SELECT count(*) FROM articles WHERE seq > ? AND published IS NULL", (before,)
        ).fetchone()[0]
        conn.execute(FTS_TRIGGERS["articles_ai"])
        dated = 0
        if inserted < len(rows):
            fill = [(r[_PUBLISHED], r[0], before) for r in rows if r[_PUBLISHED]]
            dated = max(conn.executemany(_FILL_DATE, fill).rowcount, 0) if fill else 0
        conn.execute("COMMIT")
    except BaseException as e:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # SQLite already rolled back (a full disk can do that)
        if isinstance(e, sqlite3.OperationalError):
            raise write_error(conn.execute("PRAGMA database_list").fetchone()[2], e) from None
        raise
    return inserted, undated, dated
