"""Concordance lines (KWIC, "key word in context"): every place the query's words occur in
the matching articles, with the text on either side.

The places are found as search finds snippets (newscli.matching.Matcher over
newscli.analysis.spans): a stemmed word by its stored forms, a quoted word exactly, a
prefix by its start, a phrase as one stretch of consecutive words, in every script. The
articles come in the order asked for (newest first, or best match first) and are read a
batch at a time until `limit` lines are found, so a word in 100,000 articles costs one
page of them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from newscli.archive import rows_by_seq
from newscli.search import CompiledQuery, SearchRequest, one_snapshot, ranked_matches

KWIC_COLUMNS = ("id", "published", "title", "left", "match", "right")
DEFAULT_WIDTH = 40
FIELDS = ("title", "subtitle", "body")
_BATCH = 50  # articles read at a time


@dataclass(frozen=True)
class Concordance:
    """The lines found (as dicts with KWIC_COLUMNS), from how many articles, and whether
    the limit cut them short."""

    lines: list[dict]
    articles: int
    more: bool


def one_line(text: str) -> str:
    """Text with every run of white space (line breaks too) as one space."""
    return " ".join(text.split())


def _left(text: str, width: int) -> str:
    flat = one_line(text)
    if text[-1:].isspace() and flat:
        flat += " "  # the space before the match stays: it shows where the word starts
    return flat[-width:] if width else ""


def _right(text: str, width: int) -> str:
    flat = one_line(text)
    if text[:1].isspace() and flat:
        flat = " " + flat
    return flat[:width] if width else ""


def lines_in(text: str | None, matcher, width: int) -> Iterator[tuple[str, str, str]]:
    """(left, match, right) for every match in `text`, in order: `width` characters of
    context on each side (white space made single spaces). Matches that overlap (a prefix
    and a word, the pairs of a Chinese phrase) are one line."""
    if not text:
        return
    from newscli.analysis import spans

    text, words = spans(text)
    stretches: list[list[int]] = []
    for m in sorted(matcher.find(words), key=lambda m: (words[m.first].start, -words[m.last].end)):
        start, end = words[m.first].start, words[m.last].end
        if stretches and start < stretches[-1][1]:
            stretches[-1][1] = max(stretches[-1][1], end)
        else:
            stretches.append([start, end])
    for start, end in stretches:
        yield (
            _left(text[max(0, start - 4 * width - 1) : start], width),
            one_line(text[start:end]),
            _right(text[end : end + 4 * width + 1], width),
        )


def concordance(
    conn: sqlite3.Connection,
    request: SearchRequest,
    compiled: CompiledQuery,
    *,
    width: int = DEFAULT_WIDTH,
    limit: int | None = None,
) -> Concordance:
    """The concordance of the request's query: lines in article order (request.sort 'rank',
    'newest' or 'oldest'), and within an article in reading order (title, subtitle, body).
    `limit` None or 0: every line."""
    from newscli.matching import Matcher

    matcher = Matcher(compiled.terms, compiled.lookup)
    lines: list[dict] = []
    articles = 0
    more = False
    if not matcher:
        return Concordance(lines, 0, False)
    with one_snapshot(conn):
        ranked = iter(ranked_matches(conn, request, compiled))
        while chunk := [seq for seq, _ in islice(ranked, _BATCH)]:
            rows = rows_by_seq(conn, "id, published, title, subtitle, body", chunk)
            for seq in chunk:
                if seq not in rows:
                    continue  # deleted by another program since it was indexed
                _, id_, published, title, subtitle, body = rows[seq]
                found = False
                for text in (title, subtitle, body):
                    for left, match, right in lines_in(text, matcher, width):
                        if limit and len(lines) == limit:
                            return Concordance(lines, articles, True)
                        found = True
                        lines.append(
                            {"id": id_, "published": published, "title": title,
                             "left": left, "match": match, "right": right}
                        )  # fmt: skip
                articles += found
    return Concordance(lines, articles, more)
