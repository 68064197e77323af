"""Reading stored articles back: by id or unique id prefix, as plain dicts."""

from __future__ import annotations

import json
import re
import sqlite3

from newscli.errors import NewscliError

MIN_PREFIX = 4
_HEX = re.compile(r"[0-9a-f]+")
# The fields of an article as `show --json` and `export` give them, in this order.
FIELDS = (
    "id", "title", "subtitle", "body", "published", "retrieved", "source", "url",
    "authors", "path", "words", "imported_at", "tags", "extra", "lang",
)  # fmt: skip


class IdError(NewscliError):
    """An unknown or ambiguous id, told in one line."""

    exit_code = 1


def article_dict(row: sqlite3.Row) -> dict:
    data = {name: row[name] for name in FIELDS if name in row.keys()}
    for name in ("authors", "tags"):
        if name in data:
            data[name] = json_list(data[name])
    if "extra" in data:
        data["extra"] = json_object(data["extra"])
    return data


def _json(text) -> tuple[bool, object]:
    try:
        return True, json.loads(text)
    except (TypeError, ValueError, RecursionError):
        return False, None


def json_list(text: str | None) -> list:
    """A `tags` or `authors` column as a list, however another tool left it: empty text is
    none, text that is not a JSON list is one item (as archive.json_list_sql reads it)."""
    if text is None or not str(text).strip():
        return []
    ok, value = _json(text)
    if not ok:
        return [text]
    return value if isinstance(value, list) else [value]


def json_object(text: str | None) -> dict:
    """The `extra` column as an object; anything else another tool left there is kept under
    the key `extra`."""
    if text is None or not str(text).strip():
        return {}
    ok, value = _json(text)
    if ok and isinstance(value, dict):
        return value
    return {"extra": value if ok else text}


def find_article(conn: sqlite3.Connection, given: str) -> dict:
    """The one article whose id is `given` or starts with it (at least 4 characters, like git)."""
    prefix = given.strip().lower()
    if len(prefix) < MIN_PREFIX:
        raise IdError(f"id prefix {given!r} is too short: give at least {MIN_PREFIX} characters")
    if not _HEX.fullmatch(prefix):
        raise IdError(f"no article with id {given!r}")
    # A range on the unique index instead of LIKE, which would not use it.
    rows = conn.execute(
        "SELECT * FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
        (prefix, prefix + "g"),
    ).fetchall()
    if not rows:
        # An id an earlier version of newscli gave (see models.ID_SCHEME).
        rows = conn.execute(
            "SELECT a.* FROM article_old_ids o JOIN articles a ON a.seq = o.seq "
            "WHERE o.old_id >= ? AND o.old_id < ? ORDER BY o.old_id LIMIT 2",
            (prefix, prefix + "g"),
        ).fetchall()
    if not rows:
        raise IdError(f"no article with id {given!r}")
    if len(rows) > 1:
        raise IdError(f"id prefix {given!r} is ambiguous: it matches {rows[0]['id']}, {rows[1]['id']}, ...")
    return article_dict(rows[0])
