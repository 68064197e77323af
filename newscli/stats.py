"""What is in the archive: counts, date span, sources, tags and the file itself.

Everything is counted by SQLite (aggregates on indexed columns), so `newscli stats` stays
quick on an archive of a million articles: no article is read into Python.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newscli.archive import json_list_sql

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
    limit = top
    articles, dated, words, first, last, first_import, last_import = conn.execute(
        "SELECT count(*), count(published), coalesce(sum(words), 0), min(published),"
        " max(published), min(imported_at), max(imported_at) FROM articles"
    ).fetchone()
    named, unnamed = _fold(
        conn.execute("SELECT source, count(*) FROM articles GROUP BY source").fetchall(),
        key=str.casefold,  # as --source matches names
    )
    sources: list[dict[str, Any]] = [{"source": name, "articles": n} for name, n in named]
    if unnamed:
        sources.append({"source": None, "articles": unnamed})
    # most articles first; on a tie, named sources before the unlabelled, then by name
    sources.sort(key=lambda s: (-s["articles"], s["source"] is None, s["source"] or ""))
    source_count = len(named)
    sources = sources[:limit] if limit > 0 else sources
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
    stats.update(_author_stats(conn, limit))
    if "lang" in _columns(conn, "articles"):
        stats["languages"] = [
            {"lang": lang, "articles": n}
            for lang, n in conn.execute(
                "SELECT lang, count(*) AS n FROM articles GROUP BY lang ORDER BY n DESC, lang IS NULL, lang"
            )
        ]
    stats["first_imported"] = first_import
    stats["last_imported"] = last_import
    return stats


def _tag_stats(conn: sqlite3.Connection, limit: int) -> dict:
    """Tags are a JSON list per article; json_each unnests them in SQL."""
    named, _ = _fold(
        conn.execute(
            "SELECT t.value, count(DISTINCT articles.seq) FROM articles, "
            f"json_each({json_list_sql('articles.tags')}) AS t WHERE t.type = 'text' GROUP BY t.value"
        ).fetchall(),
        key=str.lower,  # --tag matches the usual casings of any letters, not only ASCII
    )
    tags = [{"tag": name, "articles": n} for name, n in named]
    return {"tag_count": len(tags), "tags": tags[:limit] if limit > 0 else tags}


def _author_stats(conn: sqlite3.Connection, limit: int) -> dict:
    """Authors, as --author matches them (any case): the names of the `authors` lists."""
    named, _ = _fold(
        conn.execute(
            "SELECT t.value, count(DISTINCT articles.seq) FROM articles, "
            f"json_each({json_list_sql('articles.authors')}) AS t "
            "WHERE t.type = 'text' AND trim(t.value) != '' GROUP BY t.value"
        ).fetchall(),
        key=str.casefold,
    )
    authors = [{"author": name, "articles": n} for name, n in named]
    return {"author_count": len(authors), "authors": authors[:limit] if limit > 0 else authors}


def _fold(
    counts: list[tuple[str | None, int]], key: Callable[[str], str]
) -> tuple[list[tuple[str, int]], int]:
    """Counts per name taken together when `key` makes them equal (without regard to case,
    as `--source` and `--tag` match them), each shown in its most used spelling; most
    articles first, then by name. Also the count for no name (None)."""
    groups: dict[str, list[tuple[str, int]]] = {}
    unnamed = 0
    for name, n in counts:
        if name is None:
            unnamed += n
        else:
            groups.setdefault(key(name), []).append((name, n))
    named = [
        (min(spellings, key=lambda s: (-s[1], s[0]))[0], sum(n for _, n in spellings))
        for spellings in groups.values()
    ]
    named.sort(key=lambda item: (-item[1], item[0]))
    return named, unnamed


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
