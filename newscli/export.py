"""Reading stored articles back in full, in import order, for `newscli export`.

A generator over one cursor: articles are read and written one at a time, so exporting an
archive of any size takes the memory of one article.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from newscli.articles import FIELDS, article_dict
from newscli.search import SearchRequest, compile_request, matching_sql


def export_columns(conn: sqlite3.Connection) -> list[str]:
    """The article fields this archive has, in FIELDS order (later migrations add some)."""
    have = {row[1] for row in conn.execute("SELECT * FROM pragma_table_info('articles')")}
    return [name for name in FIELDS if name in have]


def iter_articles(conn: sqlite3.Connection, request: SearchRequest) -> Iterator[dict]:
    """The articles matching the request's query (all if None) and filters, in the order
    they were imported, as `show --json` gives them. QueryError for a bad query, raised
    before anything is yielded."""
    compiled = compile_request(conn, request)
    from_where, params = matching_sql(conn, compiled, "join")
    return _rows(conn.execute(f"SELECT a.* {from_where} ORDER BY a.seq", params))


def _rows(cursor: sqlite3.Cursor) -> Iterator[dict]:
    for row in cursor:
        yield article_dict(row)
