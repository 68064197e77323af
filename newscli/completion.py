"""Shell completion of values from the archive: sources, tags and article ids.

Click calls these while the user presses TAB, so they must be quick, must never fail
(anything going wrong means "no suggestions") and must never create or migrate a
database: the archive is opened read-only through an SQLite URI, and only if it exists.
Only click is imported at module level; cli.py imports this module at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable

from newscli.archive import json_list_sql

MAX_SUGGESTIONS = 200


def _archive_path(ctx):
    """The archive the command line being completed would use: --db, NEWSCLI_DB or default."""
    from newscli.archive import resolve_db_path

    root = ctx.find_root()
    return resolve_db_path(root.params.get("db_path"))


def _query(ctx, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of (value, help) from the archive; [] if there is none or anything fails."""
    import sqlite3
    from urllib.parse import quote

    try:
        path = _archive_path(ctx)
        if not path.is_file():
            return []
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=1)
        try:
            return [tuple(row) for row in conn.execute(sql, params) if isinstance(row[0], str)]
        finally:
            conn.close()
    except Exception:  # completion must never print a traceback into the user's shell
        return []


def _for_bash(value: str) -> str:
    """bash inserts a suggestion as typed: `The Guardian` must come as `The\\ Guardian`.
    (zsh and fish quote suggestions themselves.)"""
    import os
    import re

    if os.environ.get("_NEWSCLI_COMPLETE") != "bash_complete":
        return value
    return re.sub(r"([^\w@%+=:,./-])", r"\\\1", value)


def _matching(rows: Iterable[tuple], incomplete: str) -> list:
    from click.shell_completion import CompletionItem

    from newscli.render import clean

    wanted = incomplete.casefold()
    return [
        CompletionItem(_for_bash(row[0]), help=clean(row[1], one_line=True)[:60] if len(row) > 1 else None)
        for row in rows
        if row[0].casefold().startswith(wanted)
    ][:MAX_SUGGESTIONS]


def _one_per_spelling(rows: list[tuple]) -> list[tuple]:
    """`Weather` and `weather` are one value to `--tag` and `--source` (any case): offer one."""
    seen: dict[str, tuple] = {}
    for row in rows:
        seen.setdefault(row[0].casefold(), row)
    return list(seen.values())


def complete_sources(ctx, param, incomplete: str) -> list:
    """The source names in the archive (`--source`)."""
    return _matching(
        _one_per_spelling(
            _query(ctx, "SELECT DISTINCT source FROM articles WHERE source IS NOT NULL ORDER BY source")
        ),  # fmt: skip
        incomplete,
    )


def complete_tags(ctx, param, incomplete: str) -> list:
    """The tags in the archive (`--tag`), once articles carry tags."""
    return _matching(
        _one_per_spelling(
            _query(
                ctx,
                f"SELECT DISTINCT t.value FROM articles, json_each({json_list_sql('articles.tags')}) AS t"
                " WHERE t.type = 'text' ORDER BY t.value",
            )
        ),  # fmt: skip
        incomplete,
    )


def complete_ids(ctx, param, incomplete: str) -> list:
    """Article ids starting with what was typed (at least one character), with their titles."""
    prefix = incomplete.strip().lower()
    if not prefix:
        return []
    return _matching(
        _query(
            ctx,
            "SELECT id, title FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
            (prefix, prefix + "\U0010ffff", MAX_SUGGESTIONS),
        ),
        prefix,
    )
