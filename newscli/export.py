"""Reading every stored article back, in import order, for `newscli export`.

A generator over one cursor: articles are read and written one at a time, so exporting an
archive of any size takes the memory of one article.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from newscli.articles import FIELDS, article_dict


def export_columns(conn: sqlite3.Connection) -> list[str]:
    """The article fields this archive has, in FIELDS order (later migrations add some)."""
    have = {row[1] for row in conn.execute("SELECT * FROM pragma_table_info('articles')")}
    return [name for name in FIELDS if name in have]


def iter_articles(conn: sqlite3.Connection) -> Iterator[dict]:
    """Every article as `show --json` gives it, in the order they were imported."""
    cursor = conn.execute("SELECT * FROM articles ORDER BY seq")
    for row in cursor:
        yield article_dict(row)
