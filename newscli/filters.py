"""Which articles a command looks at: dates, sources, tags, authors, languages.

A `Filters` value is built once, from the command's options and the fields written in the
query (`source:bbc`, `date:2022-05`), and passed down unchanged to search, timeline,
export and count; `filter_sql` turns it into SQL conditions on the articles table.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from typing import Any

from newscli.errors import NewscliError


class FilterError(NewscliError, ValueError):
    """A filter value that cannot be used (a bad date), told in one line."""


@dataclass(frozen=True)
class Filters:
    """Dates are ISO (a day, or a day and time) and inclusive. An article must come from one
    of `sources`, be written in one of `langs`, and have every one of `tags` and `authors`;
    the `exclude_` ones leave out articles with any of theirs. Names match without regard
    to case (authors also by part: `smith` is Mary Smith)."""

    since: str | None = None
    until: str | None = None
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    exclude_sources: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    exclude_authors: tuple[str, ...] = ()
    exclude_langs: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def only_dates(self) -> bool:
        """No filter but (at most) a date range."""
        return self == Filters(since=self.since, until=self.until)

    def merged(self, other: Filters) -> Filters:
        """Both sets of filters at once: the later `since`, the earlier `until`, and the
        names of both (as if all had been given as options)."""
        values: dict[str, Any] = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if f.name == "since":
                values[f.name] = max(d for d in (mine, theirs) if d) if mine or theirs else None
            elif f.name == "until":
                values[f.name] = min(d for d in (mine, theirs) if d) if mine or theirs else None
            else:
                values[f.name] = tuple(dict.fromkeys((*mine, *theirs)))
        return replace(self, **values)

    def describe(self) -> list[str]:
        """The filters in words, one per line, for --explain and chart titles."""
        out = []
        if self.since and self.until:
            out.append(f"published {self.since} to {self.until}")
        elif self.since:
            out.append(f"published on or after {self.since}")
        elif self.until:
            out.append(f"published on or before {self.until}")
        for name, label in (("sources", "source"), ("langs", "language")):
            if getattr(self, name):
                out.append(f"{label}: " + " or ".join(getattr(self, name)))
        for name, label in (("tags", "tag"), ("authors", "author")):
            out.extend(f"{label}: {value}" for value in getattr(self, name))
        for name, label in (("exclude_sources", "source"), ("exclude_langs", "language"),
                            ("exclude_tags", "tag"), ("exclude_authors", "author")):  # fmt: skip
            out.extend(f"not {label}: {value}" for value in getattr(self, name))
        return out


def date_range(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """--since/--until (or the since:/until: fields) as ISO days: a year or month spans all its
    days. FilterError for a date that cannot be read or a range that cannot match."""
    if since is None and until is None:
        return None, None
    days = []
    for text, end in ((since, False), (until, True)):
        days.append(None if text is None else _iso_day(text) or _filter_date(text, end))
    if days[0] and days[1] and days[0] > days[1]:
        raise FilterError(f"since {days[0]} is after until {days[1]}: nothing can match")
    return days[0], days[1]


def _iso_day(text: str) -> str | None:
    """`text` if it is a day written as ISO (2022-05-14), the commonest form; None for any
    other, which newscli.dates reads (its patterns take ~30 ms to load)."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isascii():
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    return None


def _filter_date(text: str, end: bool) -> str:
    from newscli.dates import DateFilterError, parse_filter_date

    try:
        return parse_filter_date(text, end=end)
    except DateFilterError as e:
        raise FilterError(str(e)) from None


def day_after(iso: str) -> str:
    return (date.fromisoformat(iso[:10]) + timedelta(days=1)).isoformat()


def day_before(iso: str) -> str:
    return (date.fromisoformat(iso[:10]) - timedelta(days=1)).isoformat()


def _next_day_bound(iso: str) -> str:
    day = date.fromisoformat(iso[:10])
    if day == date.max:  # no day after 9999-12-31: a bound above any time on it instead
        return day.isoformat() + "\uffff"
    return (day + timedelta(days=1)).isoformat()


def source_names(conn: sqlite3.Connection, wanted: tuple[str, ...]) -> list[str]:
    """The source names stored in the archive that equal one of `wanted` in any case, so
    that the filter can use the source index with exact names."""
    folded = {name.casefold() for name in wanted}
    rows = conn.execute("SELECT DISTINCT source FROM articles WHERE source IS NOT NULL")
    return [name for (name,) in rows if name.casefold() in folded]


def _tag_condition(table: str, name: str) -> tuple[str, list]:
    # NOCASE folds ASCII only: the usual casings of other letters are listed too. A column
    # that other tools left as something other than a JSON list is read as archive's
    # json_list_sql reads it.
    from newscli.archive import json_list_sql

    spellings = list(dict.fromkeys((name, name.lower(), name.upper(), name.title(), name.capitalize())))
    marks = ", ".join("?" * len(spellings))
    return (
        f"EXISTS (SELECT 1 FROM json_each({json_list_sql(f'{table}.tags')}) "
        f"WHERE value COLLATE NOCASE IN ({marks}))",
        spellings,
    )


def author_words(name: str) -> tuple[str, ...]:
    from newscli.analysis import words

    return tuple(words(name))


def _authors_match(authors: str | None, wanted: str) -> int:
    """Whether one of the article's authors is `wanted` or has its words in a row (any case,
    any accents): `smith` and `mary smith` are Mary Smith, `mar` is not."""
    from newscli.articles import json_list

    want = author_words(wanted)
    if not authors or not want:
        return 0
    for name in json_list(authors):
        if isinstance(name, dict):
            name = name.get("name")
        if not isinstance(name, str):
            continue
        have = author_words(name)
        for start in range(len(have) - len(want) + 1):
            if have[start : start + len(want)] == want:
                return 1
    return 0


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions filter_sql may call (another connection needs them too)."""
    conn.create_function("newscli_author", 2, _authors_match, deterministic=True)


def filter_sql(conn: sqlite3.Connection, filters: Filters | None, table: str = "a") -> tuple[str, list]:
    """SQL conditions (each starting with ' AND ') and their parameters for `filters` on
    the articles table as `table`.

    Dates compare with the date as written in the article, so `until='2022-05-14'` keeps
    '2022-05-14T23:10:00+00:00'; articles without a publication date never pass a date
    filter.
    """
    if not filters:
        return "", []
    sql: list[str] = []
    params: list = []
    if filters.since is not None:
        sql.append(f"{table}.published >= ?")
        params.append(str(filters.since))
    if filters.until is not None:
        until = str(filters.until)
        if len(until) == 10:  # a whole day: everything before the next one
            sql.append(f"{table}.published < ?")
            params.append(_next_day_bound(until))
        else:
            sql.append(f"{table}.published <= ?")
            params.append(until)
    for wanted, negate in ((filters.sources, False), (filters.exclude_sources, True)):
        if wanted:
            names = source_names(conn, wanted)
            inside = f"{table}.source IN ({', '.join('?' * len(names))})"
            sql.append(f"NOT coalesce({inside}, 0)" if negate else inside)
            params.extend(names)
    for wanted, negate in ((filters.langs, False), (filters.exclude_langs, True)):
        if wanted:
            codes = [code.lower() for code in wanted]
            inside = f"{table}.lang IN ({', '.join('?' * len(codes))})"
            sql.append(f"NOT coalesce({inside}, 0)" if negate else inside)
            params.extend(codes)
    for name, negate in [*((t, False) for t in filters.tags), *((t, True) for t in filters.exclude_tags)]:
        condition, values = _tag_condition(table, name)
        sql.append(f"NOT {condition}" if negate else condition)
        params.extend(values)
    authors = [*((n, False) for n in filters.authors), *((n, True) for n in filters.exclude_authors)]
    if authors:
        register_functions(conn)
    for name, negate in authors:
        sql.append(f"{'NOT ' if negate else ''}newscli_author({table}.authors, ?)")
        params.append(name)
    return "".join(f" AND {s}" for s in sql), params
