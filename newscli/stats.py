"""What is in the archive: counts, date span, sources, tags and the file itself.

Everything is counted by SQLite (aggregates on indexed columns), so `newscli stats` stays
quick on an archive of a million articles: no article is read into Python.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

DEFAULT_TOP = 10


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute("SELECT * FROM pragma_table_info(?)", (table,))}


def _size_on_disk(path: Path) -> int:
    """The database file plus its write-ahead log, if one is pending."""
    total = 0
    for name in (str(path), f"{path}-wal"):
        try:
            total += os.path.getsize(name)
        except OSError:
            pass
    return total


def archive_stats(conn: sqlite3.Connection, path: Path, *, top: int = DEFAULT_TOP) -> dict:
    """The archive in numbers, as a JSON-ready dict. `top` limits sources and tags (0: all)."""
    limit = top if top > 0 else -1  # SQLite: LIMIT -1 means no limit
    articles, dated, words, first, last, first_import, last_import = conn.execute(
        "SELECT count(*), count(published), coalesce(sum(words), 0), min(published),"
        " max(published), min(imported_at), max(imported_at) FROM articles"
    ).fetchone()
    source_count = conn.execute("SELECT count(DISTINCT source) FROM articles").fetchone()[0]
    sources = [
        {"source": source, "articles": n}
        for source, n in conn.execute(
            "SELECT source, count(*) AS n FROM articles GROUP BY source"
            " ORDER BY n DESC, source IS NULL, source LIMIT ?",
            (limit,),
        )
    ]
    stats = {
        "path": str(path.resolve()),
        "size_bytes": _size_on_disk(path),
        "articles": articles,
        "dated": dated,
        "undated": articles - dated,
        "first_published": first,
        "last_published": last,
        "words": words,
        "source_count": source_count,
        "sources": sources,
    }
    if "tags" in _columns(conn, "articles"):
        stats.update(_tag_stats(conn, limit))
    stats["first_imported"] = first_import
    stats["last_imported"] = last_import
    return stats


def _tag_stats(conn: sqlite3.Connection, limit: int) -> dict:
    """Tags are a JSON list per article; json_each unnests them in SQL."""
    usable = "json_valid(articles.tags) AND json_type(articles.tags) = 'array'"
    tag_count = conn.execute(
        f"SELECT count(DISTINCT t.value) FROM articles, json_each(articles.tags) AS t WHERE {usable}"
    ).fetchone()[0]
    tags = [
        {"tag": tag, "articles": n}
        for tag, n in conn.execute(
            "SELECT t.value AS tag, count(DISTINCT articles.seq) AS n"
            f" FROM articles, json_each(articles.tags) AS t WHERE {usable}"
            " GROUP BY t.value ORDER BY n DESC, tag LIMIT ?",
            (limit,),
        )
    ]
    return {"tag_count": tag_count, "tags": tags}


def human_size(n: int) -> str:
    """1536 -> '1.5 KB' (powers of 1024, as `ls -lh` and file managers show them)."""
    size = float(n)
    if n < 1024:
        return f"{n} bytes"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            break
    return f"{size:.1f} {unit}"
