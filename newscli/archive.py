"""The one place that finds, opens, creates and migrates the archive database.

Writers open it through sqlite-utils (`open_archive`), which also applies the migrations.
Read-only commands use `connect_readonly`, a plain sqlite3 connection, so that `search`
and `show` do not pay for importing sqlite-utils at start-up.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from newscli.errors import NewscliError

if TYPE_CHECKING:  # pragma: no cover
    import sqlite_utils

FTS_TABLE = "articles_fts"
FTS_COLUMNS = ("title", "subtitle", "body")
TOKENIZE = "porter unicode61 remove_diacritics 2"
BUSY_TIMEOUT_MS = 30_000
# Articles of a few KB fill 4 KB pages one row each, wasting a third of the file; 16 KB
# pages hold several rows each, so the database stays under twice the size of its text.
PAGE_SIZE = 16384


class ArchiveError(NewscliError):
    """A problem with the database file, told in one line."""


def default_db_path() -> Path:
    """`NEWSCLI_DB`, else `$XDG_DATA_HOME/newscli/news.db`, else `~/.local/share/newscli/news.db`."""
    if os.environ.get("NEWSCLI_DB"):
        return Path(os.environ["NEWSCLI_DB"]).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(data_home) / "newscli" / "news.db"


def resolve_db_path(option: str | os.PathLike[str] | None) -> Path:
    return Path(option).expanduser() if option else default_db_path()


# Migrations, the way llm keeps its own: functions registered in order with @migration,
# each applied once in its own transaction and recorded by name in _newscli_migrations.
# That table is what a file has: a name this newscli does not know means a newer newscli
# made it. PRAGMA user_version mirrors it (the number of migrations applied, set in the same
# transaction) for other tools to read; nothing here decides by it.
Migration = Callable[["sqlite_utils.Database"], None]
MIGRATIONS: list[tuple[str, Migration]] = []
MIGRATIONS_TABLE = "_newscli_migrations"
DATES_BY_SEQ = "idx_articles_seq_published"
STORY_COPIES = "idx_stories_copies"


def migration(fn: Migration) -> Migration:
    """Register a migration; its function name is its name for ever (files record it):
    never rename one, never change the schema it makes; append a new one instead."""
    if any(name == fn.__name__ for name, _ in MIGRATIONS):
        raise ValueError(f"two migrations named {fn.__name__}")
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_articles(db: sqlite_utils.Database) -> None:
    # `seq` is an explicit INTEGER PRIMARY KEY so that VACUUM never renumbers the rowids
    # the external-content FTS index points at.
    articles = db.table("articles").create(
        {"seq": int, "id": str, "title": str, "subtitle": str, "body": str, "published": str,
         "retrieved": str, "source": str, "url": str, "authors": str, "path": str, "words": int,
         "imported_at": str},
        pk="seq",
        not_null={"id", "title", "body", "authors", "words", "imported_at"},
        defaults={"authors": "[]", "words": 0},
    )  # fmt: skip
    articles.create_index(["id"], index_name="idx_articles_id", unique=True)
    articles.create_index(["published"], index_name="idx_articles_published")
    articles.create_index(["source"], index_name="idx_articles_source")
    # sqlite-utils' own FTS table and triggers, so that `sqlite-utils search` and Datasette
    # find and use the index.
    articles.enable_fts(FTS_COLUMNS, tokenize=TOKENIZE, create_triggers=True)


@migration
def m002_tags_extra(db: sqlite_utils.Database) -> None:
    # Structured inputs (JSON, CSV, front matter, web pages) carry tags, and fields no column
    # holds; both are JSON text so that older rows read as "no tags, nothing extra".
    db.table("articles").add_column("tags", str, not_null_default="[]")
    db.table("articles").add_column("extra", str, not_null_default="{}")


# Ids an article had under an earlier id scheme (see models.ID_SCHEME), so that ids quoted in
# notes, scripts and exports made before still find it.
OLD_IDS_TABLE = "article_old_ids"


@migration
def m003_article_ids_from_text_not_date_form(db: sqlite_utils.Database) -> None:
    # Id scheme 2: recompute every id from the stored text; keep the old one beside it.
    # Rows are read and rewritten a chunk at a time (little memory at any size); the update
    # triggers (the search index's) are dropped meanwhile, as only ids change, and made again.
    # The table is made through sqlite-utils like the others; the rewrite itself is plain SQL
    # on the same connection, one keyed statement per changed row.
    from newscli.models import make_article_id

    conn = db.conn
    db.table(OLD_IDS_TABLE).create({"old_id": str, "seq": int}, pk="old_id", not_null={"seq"})
    # The update triggers, as this file has them, are made again just as they were.
    on_update = [
        trigger
        for trigger in db.table("articles").triggers
        if " UPDATE " in trigger.sql.split("BEGIN", 1)[0].upper().replace("\n", " ")
    ]
    for trigger in on_update:
        conn.execute(f'DROP TRIGGER "{trigger.name}"')
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
    for trigger in on_update:
        conn.execute(trigger.sql)


# The Porter index holds only the three text fields: an update of another column (a date
# filled in, the language) need not re-index the article there.
_PORTER_ON_UPDATE = f"""
CREATE TRIGGER articles_au AFTER UPDATE OF title, subtitle, body ON articles BEGIN
  INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, subtitle, body)
  VALUES ('delete', old.rowid, old.title, old.subtitle, old.body);
  INSERT INTO {FTS_TABLE} (rowid, title, subtitle, body)
  VALUES (new.rowid, new.title, new.subtitle, new.body);
END"""


@migration
def m004_search_index(db: sqlite_utils.Database) -> None:
    # The index that reads words as newscli.analysis does (exact words, true prefixes,
    # every script, stems per language): see newscli/index.py. Every article is queued
    # for it here; open_archive then indexes them in batches (index.sync), with a progress
    # bar on a terminal. The Porter index (articles_fts) stays for sqlite-utils and Datasette.
    from newscli import index

    articles = db.table("articles")
    articles.add_column("lang", str)
    articles.create_index(["lang"], index_name="idx_articles_lang")
    for sql in index.SCHEMA:
        db.execute(sql)
    for sql in index.PENDING_TRIGGERS.values():
        db.execute(sql)
    db.execute("DROP TRIGGER IF EXISTS articles_au")
    db.execute(_PORTER_ON_UPDATE)
    db.execute(f"INSERT INTO {index.PENDING_TABLE} (seq, op) SELECT seq, 'add' FROM articles ORDER BY seq")


@migration
def m005_stories(db: sqlite_utils.Database) -> None:
    # Copies of one story (re-sent, syndicated) share a story: see newscli/stories.py.
    # Articles already stored are filed under their stories by index.sync, in batches with
    # a progress bar, as m004 had them indexed: queued here in import order, so that the
    # first of each story names it.
    from newscli import index, stories

    table = db.table(stories.STORIES_TABLE).create({"seq": int, "story": int}, pk="seq", not_null={"story"})
    table.create_index(["story"], index_name=f"idx_{stories.STORIES_TABLE}_story")
    db.execute(stories.BANDS_SCHEMA)
    db.execute(f"INSERT INTO {index.PENDING_TABLE} (seq, op) SELECT seq, 'story' FROM articles ORDER BY seq")


@migration
def m006_dates_by_seq(db: sqlite_utils.Database) -> None:
    # The publication date of an article by its seq, without reading its row (a body of
    # kilobytes): timelines and counts of a query with at most a date range read the dates
    # of their matches from this index (newscli.search.matching_sql, `dates_only`).
    # 100,000 articles: `timeline government` (47k matches) 84 -> 33 ms for the GROUP BY,
    # `said` (98k) 177 -> 113 ms, for 2.3 MB.
    db.execute(f"CREATE INDEX IF NOT EXISTS {DATES_BY_SEQ} ON articles (seq, published)")


@migration
def m007_story_copies(db: sqlite_utils.Database) -> None:
    # The articles filed under an earlier article's story (the copies), without a pass over
    # every article's row in `stories`: a count of matching stories is the count of matching
    # articles less the copies matching beside another article of their story
    # (search.count_articles_and_stories). 1,000,000 articles, `government` (495,435
    # matches): 668 ms for a distinct count over the stories of every match. A partial
    # index: it holds the copies alone (none in an archive without any).
    from newscli.stories import STORIES_TABLE

    db.execute(f"CREATE INDEX IF NOT EXISTS {STORY_COPIES} ON {STORIES_TABLE} (story) WHERE story != seq")


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    """The names of the migrations this file has had, in the order they were applied."""
    if not conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
    ).fetchone():
        return []
    return [name for (name,) in conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY rowid")]


def _check_sqlite(conn: sqlite3.Connection, path: Path) -> list[str]:
    """Check that the file is SQLite, and not made by a newer newscli; return the names of
    the migrations it has had."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        applied = applied_migrations(conn)
    except sqlite3.DatabaseError as e:
        if getattr(e, "sqlite_errorname", "") in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
            raise ArchiveError(f"{path}: not a newscli database ({e})") from None
        raise ArchiveError(f"cannot open {path}: {_why_not_written(path, e)}") from None
    known = {name for name, _ in MIGRATIONS}
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise ArchiveError(
            f"{path}: made by a newer version of newscli (it has migration {unknown[0]}, which "
            "this one does not know); upgrade newscli"
        )
    return applied


def _pending(applied: list[str]) -> list[str]:
    return [name for name, _ in MIGRATIONS if name not in applied]


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


Progress = Callable[[int, int], None]


def open_archive(
    path: Path, *, create: bool = False, progress: Progress | None = None
) -> sqlite_utils.Database:
    """Open (and, if `create`, make) the archive for writing, migrated to the current schema,
    its search index up to date (`progress(done, total)` is told how that goes, when there
    is work to do: after an upgrade, or changes made by other programs)."""
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
        conn = _connect(path)
    except sqlite3.Error as e:
        raise ArchiveError(f"cannot open {path}: {e}") from None
    # One read snapshot for these checks: another import may be creating this very file,
    # and its first migration committing between two reads would look like foreign tables.
    conn.execute("BEGIN")
    try:
        applied = _check_sqlite(conn, path)
        newscli_tables, any_tables = _is_newscli(conn), _has_tables(conn)
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    if applied and not newscli_tables:
        raise ArchiveError(f"{path}: not a newscli database (no articles table)")
    if not applied and any_tables:
        raise ArchiveError(f"{path}: not a newscli database (it holds other tables)")
    db = sqlite_utils.Database(conn)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not applied and not any_tables:
            # Only a new, empty file can take it (WAL fixes it): see PAGE_SIZE.
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        _use_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(db)
        _sync_index(conn, progress)
    except sqlite3.OperationalError as e:
        conn.close()
        raise write_error(path, e) from None
    except BaseException:
        conn.close()
        raise
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
    other = conn.execute("SELECT count(*) FROM sqlite_master WHERE tbl_name != ?", (MIGRATIONS_TABLE,))
    return other.fetchone()[0] > 0


def _is_newscli(conn: sqlite3.Connection) -> bool:
    return bool(
        conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'").fetchone()
    )


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations this file has not had yet; return their names.

    A migration that fails is rolled back whole and reported as itself (an ArchiveError
    naming it, with SQLite's reason), whatever the rollback meets.
    """
    conn = db.conn
    if not _pending(applied_migrations(conn)):
        return []
    done = []
    for name, fn in MIGRATIONS:
        # Each migration reads what is done inside its own write transaction: another
        # process (a second import started at the same moment) may have just applied it.
        conn.execute("BEGIN IMMEDIATE")
        try:
            db.table(MIGRATIONS_TABLE).create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
            if name in applied_migrations(conn):
                conn.execute("COMMIT")
                continue
            before = _tables_and_triggers(conn)
            fn(db)
            _restore_triggers_of_rebuilt_tables(conn, before)
            db.table(MIGRATIONS_TABLE).insert({"name": name, "applied_at": _now()})
            conn.execute(f"PRAGMA user_version = {len(applied_migrations(conn))}")
            conn.execute("COMMIT")
        except BaseException as e:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already
                    conn.execute("ROLLBACK")
            if isinstance(e, sqlite3.Error):
                path = Path(conn.execute("PRAGMA database_list").fetchone()[2])
                raise ArchiveError(
                    f"cannot upgrade {path}: migration {name} failed: {_why_not_written(path, e)}"
                ) from e
            raise
        done.append(name)
    return done


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _tables_and_triggers(conn: sqlite3.Connection) -> tuple[dict[str, int], dict[str, tuple[str, str]]]:
    """{table: rootpage} and {trigger: (table, sql)}."""
    rows = conn.execute(
        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master WHERE type IN ('table', 'trigger')"
    ).fetchall()
    tables = {name: rootpage for kind, name, _, rootpage, _ in rows if kind == "table"}
    triggers = {name: (table, sql) for kind, name, table, _, sql in rows if kind == "trigger"}
    return tables, triggers


def _restore_triggers_of_rebuilt_tables(
    conn: sqlite3.Connection, before: tuple[dict[str, int], dict[str, tuple[str, str]]]
) -> None:
    """Put back the triggers a migration lost by rebuilding their table.

    sqlite-utils' `transform()` copies a table into a new one and drops the old, and its
    triggers with it: for `articles` those keep the full-text index in step with other tools'
    writes. A table whose root page changed was rebuilt; its triggers that are gone were
    lost, not dropped on purpose (a migration that drops a trigger leaves its table alone).
    """
    tables_before, triggers_before = before
    tables, triggers = _tables_and_triggers(conn)
    for name, (table, sql) in triggers_before.items():
        rebuilt = table in tables and tables[table] != tables_before.get(table)
        if rebuilt and name not in triggers:
            conn.execute(sql)


def _sync_index(conn: sqlite3.Connection, progress: Progress | None) -> None:
    from newscli import index

    if index.pending(conn):
        index.sync(conn, progress)


def connect_readonly(path: Path, *, progress: Progress | None = None) -> sqlite3.Connection:
    """A plain connection for commands that only read; fails in one line if there is no archive.

    An archive from an older newscli is upgraded first, and changes other programs made
    to the articles are indexed (see index.sync), when the file can be written."""
    if not path.exists():
        raise _missing(path)
    if path.is_dir():
        raise ArchiveError(f"{path}: is a folder, not a database file")
    read_only = read_only_reason(path)
    try:
        conn = _connect_read_only(path) if read_only else _connect(path)
    except sqlite3.Error as e:
        raise ArchiveError(f"cannot open {path}: {e}") from None
    applied = _check_sqlite(conn, path)
    if not applied or not _is_newscli(conn):
        raise ArchiveError(f"{path}: not a newscli database (no articles table)")
    if _pending(applied):
        conn.close()
        if read_only:
            raise ArchiveError(f"{path}: made by an older newscli and needs upgrading, but {read_only}")
        # An older file: bring it up to date once, then read.
        open_archive(path, progress=progress).conn.close()
        conn = _connect(path)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not read_only:
        try:
            _sync_index(conn, progress)
        except sqlite3.OperationalError as e:
            raise write_error(path, e) from None
    conn.row_factory = sqlite3.Row
    return conn


class ArchiveConnection(sqlite3.Connection):
    """A connection that remembers how it was opened, so that a second one (for ranking in
    two threads) opens the archive the same way: read-write, `mode=ro` or `immutable=1`."""

    how: tuple[tuple, dict] | None = None


def _connect_as(*args, **kwargs) -> ArchiveConnection:
    conn = sqlite3.connect(*args, factory=ArchiveConnection, **kwargs)
    conn.how = (args, kwargs)
    return conn


def reopen(conn: sqlite3.Connection) -> sqlite3.Connection | None:
    """Another connection to the same archive, opened as `conn` was (None if unknown);
    usable from another thread."""
    if not isinstance(conn, ArchiveConnection) or conn.how is None:
        return None
    args, kwargs = conn.how
    other = sqlite3.connect(*args, **{**kwargs, "check_same_thread": False})
    other.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return other


def newer_sqlite_version() -> tuple[int, ...] | None:
    """The version of apsw's SQLite when apsw is installed and its SQLite is newer than the
    standard library's (and NEWSCLI_SQLITE is not `stdlib`), else None."""
    if os.environ.get("NEWSCLI_SQLITE", "").strip().lower() == "stdlib":
        return None
    try:
        import apsw
    except ImportError:
        return None
    version = tuple(int(part) for part in apsw.sqlite_lib_version().split(".")[:3])
    return version if version > sqlite3.sqlite_version_info else None


def newer_sqlite_errors() -> tuple[type[Exception], ...]:
    """The errors a connection of reopen_newer raises (none when apsw is not installed)."""
    try:
        import apsw
    except ImportError:
        return ()
    return (apsw.Error,)


def reopen_newer(conn: sqlite3.Connection):
    """Another connection to the archive `conn` reads, read-only, through apsw's newer SQLite
    (its FTS5 ranks a common word up to 3× faster than SQLite 3.40's: benchmarks/README.md);
    None when there is none (see newer_sqlite_version) or it cannot open the file. It only
    ever reads, so the archive stays what the standard library's SQLite writes and reads.
    Usable from another thread; its errors are apsw.Error, not sqlite3.Error."""
    if not isinstance(conn, ArchiveConnection) or conn.how is None or newer_sqlite_version() is None:
        return None
    import apsw

    args, kwargs = conn.how
    flags = apsw.SQLITE_OPEN_READONLY | (apsw.SQLITE_OPEN_URI if kwargs.get("uri") else 0)
    try:
        other = apsw.Connection(str(args[0]), flags=flags)
        other.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except apsw.Error:
        return None
    return other


def _connect(path: Path) -> sqlite3.Connection:
    return _connect_as(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Reading an archive we may not write (a read-only copy, mount or folder).

    `mode=ro` still sees another process's writes, but needs the -shm file of a WAL database
    to exist or be creatable; where it cannot be, `immutable=1` reads the file as it is (an
    archive closed cleanly has everything in the file itself).
    """
    from urllib.parse import quote

    uri = "file:" + quote(str(path.absolute()), safe="/")
    conn = _connect_as(uri + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.DatabaseError:
        conn.close()
    return _connect_as(uri + "?immutable=1", uri=True, isolation_level=None)


def rows_by_seq(conn: sqlite3.Connection, columns: str, seqs) -> dict[int, tuple]:
    """{seq: (seq, *columns)} of the articles whose seq is in `seqs` (those still there: another
    program may have deleted some). One bound parameter, a JSON list, whatever their number,
    so no SQL variable limit is ever met."""
    return {
        row[0]: tuple(row)
        for row in conn.execute(
            f"SELECT seq, {columns} FROM articles WHERE seq IN (SELECT value FROM json_each(?))",
            (json.dumps(list(seqs)),),
        )
    }


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
    "authors", "path", "words", "imported_at", "tags", "extra", "lang",
)  # fmt: skip


@functools.cache
def _insert_sql(width: int) -> str:
    """INSERT for rows holding the first `width` of ARTICLE_COLUMNS."""
    columns = ARTICLE_COLUMNS[:width]
    return f"INSERT OR IGNORE INTO articles ({', '.join(columns)}) VALUES ({', '.join('?' * width)})"


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
# The triggers that index one inserted row: insert_batch indexes a whole batch at once instead.
_INSERT_TRIGGERS = ("articles_ai", "search_pending_ai")


def insert_batch(
    conn: sqlite3.Connection,
    rows: list[tuple],
    prepared: list[tuple[str, str, str]] | None = None,
    forms: list[tuple[str, str]] | None = None,
) -> tuple[int, int, int]:
    """Insert rows (in ARTICLE_COLUMNS order) in one transaction; return (inserted, undated,
    dated): the rows inserted, those of them without a publication date, and the articles
    already stored without one that a row gave theirs.

    `prepared` holds each row's fields as the search index stores them, and `forms` the
    (stem key, word) pairs to file, as the import's parsing process works them out
    (index.prepare); both are worked out here when not given. Each body's story band keys,
    by which the new articles are filed under their stories (newscli.stories), are worked
    out here from `prepared`, before the write lock is taken: in the writer, which during an
    import has less to do than the parsing process (with the language read from 250
    characters, not 400: 20,000 articles in 19.9-21.1 s instead of 27.3-28.8 s). Rows whose id is already
    stored are skipped, but for that date: an article imported undated (its date
    unreadable, or day and month either way round) gets it when an import reads it
    (`--dayfirst`, a newer newscli). Both FTS indexes are filled once per batch from the
    new rows rather than by the per-row triggers, which are dropped and re-made (from their
    own stored SQL) inside the same transaction, so no other connection ever sees the table
    without them. Raw SQL rather than sqlite-utils' insert_all: this is the import's hot
    path, and one prepared statement run by executemany, with the index filled per batch, is
    faster (20,000 articles of 300 words: 0.84-0.89 s, against 1.11-1.27 s for insert_all in
    the same transactions, the index filled by the trigger).
    """
    from newscli import index, stories

    if prepared is None:
        rows, prepared, forms = _prepare_rows(rows)
    bands = [stories.body_band_keys(fields[2]) for fields in prepared]
    try:
        conn.execute("BEGIN IMMEDIATE")  # waits up to BUSY_TIMEOUT_MS for another writer
    except sqlite3.OperationalError as e:
        raise write_error(conn.execute("PRAGMA database_list").fetchone()[2], e) from None
    try:
        before = conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
        marks = ", ".join("?" * len(_INSERT_TRIGGERS))
        triggers = conn.execute(
            f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})", _INSERT_TRIGGERS
        ).fetchall()
        for name in _INSERT_TRIGGERS:
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        inserted = 0
        for width in sorted({len(row) for row in rows}):
            inserted += conn.executemany(_insert_sql(width), [r for r in rows if len(r) == width]).rowcount
        conn.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, subtitle, body) "
            "SELECT seq, title, subtitle, body FROM articles WHERE seq > ?",
            (before,),
        )
        new = dict(conn.execute("SELECT id, seq FROM articles WHERE seq > ?", (before,)).fetchall())
        added = [
            (new.pop(row[0]), fields, keys)
            for row, fields, keys in zip(rows, prepared, bands, strict=True)
            if row[0] in new
        ]
        index.add(conn, [(seq, fields) for seq, fields, _ in added])
        stories.assign(conn, [(seq, keys) for seq, _, keys in added])
        index.add_forms(conn, forms or ())
        undated = conn.execute(
            "SELECT count(*) FROM articles WHERE seq > ? AND published IS NULL", (before,)
        ).fetchone()[0]
        for (sql,) in triggers:
            conn.execute(sql)
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


def _prepare_rows(rows: list[tuple]) -> tuple[list[tuple], list, list]:
    """Rows given without their search index fields (by tests and tools): analysed here,
    their language filled in when the row leaves it out."""
    from newscli import index

    lang_at = ARTICLE_COLUMNS.index("lang")
    seen = index.FormsSeen()
    full, prepared, forms = [], [], []
    for row in rows:
        lang = row[lang_at] if len(row) > lang_at else None
        p = index.prepare(row[1], row[2], row[3], lang)
        if len(row) == len(ARTICLE_COLUMNS) - 1:
            row = (*row, p.lang)
        full.append(row)
        prepared.append(p.fields)
        forms.extend(seen.new_forms(p))
    return full, prepared, forms
