"""The search index: what it stores for each article, and keeping it in step with `articles`.

`search_index` is a contentless FTS5 table (it keeps no copy of the text) holding each
article's title, subtitle and body as newscli.analysis reads them: folded words, pairs for
scripts without spaces. Its tokenizer only splits on spaces, so FTS5 stores exactly the
words the analysis made, and a query analysed the same way finds them.

`search_forms` files every stored word under its stems (`en:elect` → election, elected,
...), for the language of each article that holds it: an unquoted query word is looked up
there to find the stored words it stands for.

Other programs (sqlite-utils, Datasette, plain SQL) may add, change or delete articles:
triggers note each change in `search_pending` (with the old text of a changed or deleted
article, which a contentless index needs to remove its words), and `sync` brings the index
up to date the next time newscli opens the archive.

The older `articles_fts` index (Porter stemmer, external content) is kept as it was, so
that `sqlite-utils search` and Datasette's search box keep working on the same file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from newscli import analysis

SEARCH_TABLE = "search_index"
FORMS_TABLE = "search_forms"
PENDING_TABLE = "search_pending"
INDEXED_FIELDS = ("title", "subtitle", "body")

SCHEMA = (
    f"""CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5(
    title, subtitle, body,
    content='',
    tokenize="{analysis.INDEX_TOKENIZE}"
)""",
    f"""CREATE TABLE {FORMS_TABLE} (
    key TEXT NOT NULL,
    word TEXT NOT NULL,
    PRIMARY KEY (key, word)
) WITHOUT ROWID""",
    # op 'add': index the article's current text; op 'remove': take out the words of the
    # text given (what the article held before another program changed or deleted it).
    f"""CREATE TABLE {PENDING_TABLE} (
    n INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    op TEXT NOT NULL,
    title TEXT,
    subtitle TEXT,
    body TEXT
)""",
)

PENDING_TRIGGERS = {
    "search_pending_ai": f"""
CREATE TRIGGER search_pending_ai AFTER INSERT ON articles BEGIN
  INSERT INTO {PENDING_TABLE} (seq, op) VALUES (new.seq, 'add');
END""",
    "search_pending_ad": f"""
CREATE TRIGGER search_pending_ad AFTER DELETE ON articles BEGIN
  INSERT INTO {PENDING_TABLE} (seq, op, title, subtitle, body)
  VALUES (old.seq, 'remove', old.title, old.subtitle, old.body);
END""",
    "search_pending_au": f"""
CREATE TRIGGER search_pending_au AFTER UPDATE OF title, subtitle, body ON articles BEGIN
  INSERT INTO {PENDING_TABLE} (seq, op, title, subtitle, body)
  VALUES (old.seq, 'remove', old.title, old.subtitle, old.body);
  INSERT INTO {PENDING_TABLE} (seq, op) VALUES (new.seq, 'add');
END""",
}


@dataclass(frozen=True)
class Prepared:
    """What the index needs of one article, worked out where the article is read (in the
    parsing process, during an import): its language, its fields as the index stores them,
    and the written words to file under stems."""

    lang: str | None
    fields: tuple[str, str, str]
    stemmed: frozenset[str]


def prepare(title: str | None, subtitle: str | None, body: str | None, lang: str | None = None) -> Prepared:
    """Analyse one article; its language is detected when not given. Its story band keys
    are worked out by the writer from `fields` (stories.body_band_keys): during an import
    that process has less to do than the parsing one (language, stems)."""
    if lang is None:
        from newscli.languages import detect_language

        lang = detect_language(title, subtitle, body)
    fields = (analysis.index_text(title), analysis.index_text(subtitle), analysis.index_text(body))
    stemmed = frozenset(analysis.stemmed_words((title, subtitle, body), lang, fields))
    return Prepared(lang, fields, stemmed)


class FormsSeen:
    """The (key, word) pairs already written or sent during one import, so each is sent
    once; bounded, so memory stays flat on any archive (a pair sent twice is harmless)."""

    def __init__(self, limit: int = 300_000) -> None:
        self.limit = limit
        self.seen: dict[str, set[str]] = {}  # language: written words
        self.size = 0

    def new_forms(self, prepared: Prepared) -> list[tuple[str, str]]:
        if not prepared.stemmed or prepared.lang is None:
            return []
        lang = prepared.lang
        seen = self.seen.setdefault(lang, set())
        new = prepared.stemmed - seen  # in C: most words of an article were seen before
        if not new:
            return []
        if self.size + len(new) > self.limit:
            self.seen, self.size = {lang: set()}, 0
            seen = self.seen[lang]
        seen |= new
        self.size += len(new)
        out: list[tuple[str, str]] = []
        for written in new:
            out.extend(analysis.word_forms(written, lang))
        return out


def add(conn: sqlite3.Connection, items: Iterable[tuple[int, Sequence[str]]]) -> None:
    """Index articles: (seq, fields as `prepare` gives them)."""
    conn.executemany(
        f"INSERT INTO {SEARCH_TABLE} (rowid, title, subtitle, body) VALUES (?, ?, ?, ?)",
        ((seq, *fields) for seq, fields in items),
    )


def add_forms(conn: sqlite3.Connection, forms: Iterable[tuple[str, str]]) -> None:
    conn.executemany(f"INSERT OR IGNORE INTO {FORMS_TABLE} (key, word) VALUES (?, ?)", forms)


def _indexed(conn: sqlite3.Connection, seq: int) -> bool:
    # The docsize table has one row per indexed article: the index's own record.
    return conn.execute(f"SELECT 1 FROM {SEARCH_TABLE}_docsize WHERE id = ?", (seq,)).fetchone() is not None


def _remove(conn: sqlite3.Connection, seq: int, title, subtitle, body) -> None:
    fields = (analysis.index_text(title), analysis.index_text(subtitle), analysis.index_text(body))
    conn.execute(
        f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rowid, title, subtitle, body) "
        "VALUES ('delete', ?, ?, ?, ?)",
        (seq, *fields),
    )


def pending(conn: sqlite3.Connection) -> int:
    """How many changes made by other programs wait to be indexed (0 on a current archive)."""
    try:
        return conn.execute(f"SELECT count(*) FROM {PENDING_TABLE}").fetchone()[0]
    except sqlite3.OperationalError:  # an archive from before the search index
        return 0


SYNC_BATCH = 500


def sync(
    conn: sqlite3.Connection,
    progress: Callable[[int, int], None] | None = None,
    *,
    batch: int = SYNC_BATCH,
) -> int:
    """Index what other programs changed (and, after the migration that made the index,
    every article): in batches, each its own transaction, so an interrupted run keeps its
    work and the next one goes on. Returns how many articles were (re)indexed.

    `progress(done, total)` is called after each batch.
    """
    total = pending(conn)
    if not total:
        return 0
    done = indexed = 0
    seen = FormsSeen()
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            rows = conn.execute(
                f"SELECT n, seq, op, title, subtitle, body FROM {PENDING_TABLE} ORDER BY n LIMIT ?", (batch,)
            ).fetchall()
            if not rows:
                conn.execute("COMMIT")
                break
            indexed += _apply(conn, rows, seen)
            conn.execute(f"DELETE FROM {PENDING_TABLE} WHERE n <= ?", (rows[-1][0],))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        done += len(rows)
        if progress:
            progress(min(done, total), total)
    return indexed


def _apply(conn: sqlite3.Connection, rows: list, seen: FormsSeen) -> int:
    """Apply one batch of pending changes, article by article, in the order they were made:
    index what changed, and file the articles without a story under theirs."""
    from newscli import stories

    removals: dict[int, tuple] = {}  # the oldest text of each article: what the index holds
    to_add: list[int] = []
    to_file: list[int] = []
    for _, seq, op, title, subtitle, body in rows:
        if op == "remove":
            removals.setdefault(seq, (title, subtitle, body))
        elif op == "story":
            to_file.append(seq)
        elif seq not in to_add:
            to_add.append(seq)
            to_file.append(seq)
    for seq, texts in removals.items():
        if _indexed(conn, seq):
            _remove(conn, seq, *texts)
    added = 0
    bands: dict[int, tuple[int, ...]] = {}
    for seq in to_add:
        if _indexed(conn, seq):
            continue  # already indexed and unchanged since
        row = conn.execute(
            "SELECT title, subtitle, body, lang FROM articles WHERE seq = ?", (seq,)
        ).fetchone()
        if row is None:
            continue  # deleted since
        title, subtitle, body, lang = row
        prepared = prepare(title, subtitle, body, lang)
        if lang is None and prepared.lang is not None:
            conn.execute("UPDATE articles SET lang = ? WHERE seq = ?", (prepared.lang, seq))
        add(conn, [(seq, prepared.fields)])
        add_forms(conn, seen.new_forms(prepared))
        bands[seq] = stories.body_band_keys(prepared.fields[2])
        added += 1
    filed = []
    for seq in dict.fromkeys(to_file):
        if conn.execute(f"SELECT 1 FROM {stories.STORIES_TABLE} WHERE seq = ?", (seq,)).fetchone():
            continue  # filed already (a changed article stays in its story)
        if seq not in bands:
            row = conn.execute("SELECT body FROM articles WHERE seq = ?", (seq,)).fetchone()
            if row is None:
                continue
            bands[seq] = stories.body_band_keys(analysis.index_text(row[0]))
        filed.append((seq, bands[seq]))
    stories.assign(conn, filed)
    return added


# --- what the index says about words ----------------------------------------------------

VOCAB_TABLE = "temp.search_vocab"


def vocabulary(conn: sqlite3.Connection) -> str:
    """The name of an fts5vocab table ('row': term, articles holding it, occurrences) over
    the search index, made once per connection in the temp schema (a read-only archive
    stays untouched)."""
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB_TABLE} USING fts5vocab(main, {SEARCH_TABLE}, 'row')"
    )
    return VOCAB_TABLE


def document_frequencies(conn: sqlite3.Connection, words) -> dict[str, int]:
    """How many articles hold each word (0 for none), each looked up on its own in the
    index's vocabulary (a lookup reads one term's entries, never the whole index)."""
    table = vocabulary(conn)
    found = {}
    for word in words:
        row = conn.execute(f"SELECT doc FROM {table} WHERE term = ?", (word,)).fetchone()
        found[word] = row[0] if row else 0
    return found
