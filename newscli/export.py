"""Reading stored articles back in full, in import order, for `newscli export`.

A generator over one cursor: articles are read and written one at a time, so exporting an
archive of any size takes the memory of one article.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from newscli.articles import FIELDS, article_dict
from newscli.search import check_raw_expression, filter_sql, match_expression


def export_columns(conn: sqlite3.Connection) -> list[str]:
    """The article fields this archive has, in FIELDS order (later migrations add some)."""
    have = {row[1] for row in conn.execute("SELECT * FROM pragma_table_info('articles')")}
    return [name for name in FIELDS if name in have]


def iter_articles(
    conn: sqlite3.Connection,
    query: str | None = None,
    *,
    since=None,
    until=None,
    source=None,
    tag=None,
    raw: bool = False,
) -> Iterator[dict]:
    """The articles matching `query` (all if None) and the filters of `search`, in the order
    they were imported, as `show --json` gives them. QueryError for a bad query, raised
    before anything is yielded."""
    where, params = filter_sql(conn, since=since, until=until, source=source, tag=tag, table="a")
    if query is not None:
        expression = match_expression(query, raw=raw)
        if raw:
            check_raw_expression(conn, expression)
        sql = (
            "SELECT a.* FROM articles a WHERE a.seq IN "
            f"(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?){where} ORDER BY a.seq"
        )
        params = [expression, *params]
    else:
        sql = f"SELECT a.* FROM articles a WHERE 1{where} ORDER BY a.seq"
    return _rows(conn.execute(sql, params))


def _rows(cursor: sqlite3.Cursor) -> Iterator[dict]:
    for row in cursor:
        yield article_dict(row)
