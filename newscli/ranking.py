"""Relevance: BM25F over the title, subtitle and body of the best candidates FTS5 finds.

FTS5's bm25() weights each column's hits but normalises them by the length of the whole
article. A wire flash (a headline with an empty body) is a few words long, so one title hit
in it counts as if the word filled a short document: with the title weighted 10 it
saturates BM25 and every flash outranks every story (on the labelled wire corpus of
benchmarks/ranking.py, 205 of 1,500 top-10 slots were flashes; 65 unweighted).

BM25F (Robertson, Zaragoza & Taylor 2004) normalises each field by its own average
length, adds the fields' weighted frequencies and saturates once: a headline counts as a
headline whether or not a body follows it, and a story whose headline and body both hold
the word outranks a flash holding it in the headline alone.

Ranking is in two stages. FTS5's unweighted bm25() picks the candidates (the best
`max(RESCORE_MIN, offset + limit)`, exactly: see search._rank_in_parts), and BM25F orders
them. BM25F needs each candidate's hits per column, one query per stored form of each
query word over the candidates, no text read or analysed (reading and analysing 100 bodies
in Python costs ~400 ms, this ~3 ms). Through apsw's newer SQLite an FTS5 auxiliary
function counts them (HITS_FUNCTION); the standard library's SQLite gives SQL no such
count, but its bm25() with one column weighted 1, then 2, gives them exactly (see _hits).
The statistics are the index's own: the number of articles, the length of each field of
each article (`search_index_docsize`) and their averages (`search_index_data`, its
averages record), and for each term how many articles hold it (one count over the index).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence

from newscli.query import Forms, Term, render_term

SEARCH_TABLE = "search_index"
K1 = 1.2
# Title, subtitle, body: weights of a hit, and how much each field's length matters (b).
# Headlines are all short, a flash's a little shorter: their length says nothing of what
# they are about, so a headline hit counts the same in a flash and in a story (b = 0).
# On benchmarks/ranking.py's corpus: 50 flashes in 1,500 top-10 slots, precision@10 0.833
# (b = 0.5 for titles: 58, 0.831).
FIELD_WEIGHTS = (3.0, 2.0, 1.0)
FIELD_B = (0.0, 0.5, 0.75)
# Candidates re-scored at least, whatever the page: enough that BM25F's best ten are
# among FTS5's best (overlap@10 with BM25F over every match: see benchmarks/ranking.py).
RESCORE_MIN = 100
# What ranks the candidates: FTS5's bm25 without weights.
CANDIDATE_BM25 = f"bm25({SEARCH_TABLE})"


def varints(blob: bytes) -> list[int]:
    """The SQLite varints of an FTS5 record (docsize, averages), in order."""
    out, n, at = [], 0, 0
    while at < len(blob):
        value = 0
        for i in range(9):
            byte = blob[at]
            at += 1
            if i == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        out.append(value)
        n += 1
    return out


def field_averages(conn: sqlite3.Connection) -> tuple[int, tuple[float, float, float], float]:
    """(articles indexed, average length in words of the title, subtitle and body (at least
    1 each, for BM25F), average length of a whole article as FTS5's bm25 has it)."""
    row = conn.execute(f"SELECT block FROM {SEARCH_TABLE}_data WHERE id = 1").fetchone()
    values = varints(row[0]) if row and row[0] else []
    if len(values) < 4 or values[0] == 0:
        return 0, (1.0, 1.0, 1.0), 1.0
    articles = values[0]
    averages = tuple(max(total / articles, 1.0) for total in values[1:4])
    return articles, averages, sum(values[1:]) / articles  # type: ignore[return-value]


def field_sizes(conn: sqlite3.Connection, seqs: Sequence[int]) -> dict[int, tuple[int, ...]]:
    """The length in words of each article's title, subtitle and body, as the index has them."""
    import json

    rows = conn.execute(
        f"SELECT id, sz FROM {SEARCH_TABLE}_docsize WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(seqs)),),
    )
    return {seq: tuple(varints(sz)[:3]) for seq, sz in rows}


# bm25() with one column weighted 1, then 2, the others 0: from the two values FTS5 gives,
# the number of hits in that column (see _hits).
_PER_COLUMN = ", ".join(
    f"bm25({SEARCH_TABLE}, {', '.join(str(w if c == f else 0) for c in range(3))})"
    for f in range(3)
    for w in (1, 2)
)
FTS5_K1 = 1.2
FTS5_B = 0.75


def _hits(one: float, two: float, norm: float) -> int:
    """Hits of a phrase in a column, from FTS5's bm25 of the article with that column
    weighted 1 (`one`) and 2 (`two`), the others 0. bm25 is idf * w*tf*(k1+1) / (w*tf + k1*B)
    (B the article's length normalisation, `norm`), so two / one = 2*(tf + k1*B) / (2*tf + k1*B),
    which gives tf whatever the idf."""
    if one <= 0 or two <= 0:
        return 0
    ratio = two / one
    if ratio >= 2:
        return 0
    return round(FTS5_K1 * norm * (2 - ratio) / (2 * (ratio - 1)))


class BM25F:
    """BM25F scores of articles for one query's positive terms, from the hits FTS5 counts
    in each column (no text is read)."""

    def __init__(
        self, conn: sqlite3.Connection, terms: Sequence[tuple[Term, str | None]], forms: Forms = None
    ) -> None:
        """`terms`: the query's positive terms, each with the field it is restricted to."""
        self.conn = conn
        self.articles, self.averages, whole = field_averages(conn)
        # Counted up to just over half the articles: from there on the idf is its floor
        # whatever the count (a word in 98 % of a million articles: 28 ms, not 56).
        cap = self.articles // 2 + 1
        holding = [
            conn.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ? LIMIT ?)",
                (_in_field(render_term(term, forms), field), cap),
            ).fetchone()[0]
            for term, field in terms
        ]
        # FTS5 normalises by the whole article against the average article (not the sum
        # of the fields' averages, each at least 1: with subtitles mostly empty, that would
        # read 22 hits as 21).
        self.average_length = whole or 1.0
        # (idf, articles holding the term (at most `cap`), its FTS5 phrases and whether
        # each is a prefix) per term
        self.terms: list[tuple[float, int, list[tuple[str, bool]]]] = [
            (self.idf(n), n, [(_in_field(p, field), prefix) for p, prefix in _phrases(term, forms)])
            for n, (term, field) in zip(holding, terms, strict=True)
        ]

    def idf(self, holding: int) -> float:
        """FTS5's idf (its floor too), so that scores stay on BM25's scale."""
        value = math.log((self.articles - holding + 0.5) / (holding + 0.5)) if self.articles else 0.0
        return max(value, 1e-6)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def scores(self, seqs: Sequence[int]) -> dict[int, float]:
        """{seq: BM25F score} of matching articles."""
        sizes = field_sizes(self.conn, seqs)
        totals = dict.fromkeys(sizes, 0.0)
        newer = _newer_hits_reader(self.conn)
        try:
            for idf, holding, phrases in self.terms:
                hits = {seq: [0, 0, 0] for seq in sizes}
                for phrase, prefix in phrases:
                    if newer is not None:
                        # A lookup per candidate costs ~60 µs, a pass over the doclist ~80 ns
                        # an article holding the word; a prefix re-expands at each lookup.
                        lookups = not prefix and holding > LOOKUP_RATIO * len(sizes)
                        found = _column_hits(newer, phrase, list(sizes), lookups)
                    else:
                        found = self._hits_by_bm25(phrase, sizes)
                    for seq, counts in found.items():
                        if seq in hits:
                            for f in range(3):
                                hits[seq][f] += counts[f]
                for seq, counts in hits.items():
                    tf = 0.0
                    for f, n in enumerate(counts):
                        if n:
                            norm = 1 - FIELD_B[f] + FIELD_B[f] * sizes[seq][f] / self.averages[f]
                            tf += FIELD_WEIGHTS[f] * n / norm
                    if tf:
                        totals[seq] += idf * tf * (K1 + 1) / (K1 + tf)
        finally:
            if newer is not None:
                newer.close()
        return totals

    def _hits_by_bm25(self, phrase: str, sizes: dict[int, tuple[int, ...]]) -> dict[int, list[int]]:
        """{seq: hits of `phrase` in the title, subtitle and body}, worked out from FTS5's
        bm25 (see _hits): what the standard library's SQLite can give."""
        import json

        # `+rowid`: one pass over the phrase's doclist, the candidates picked from it;
        # a rowid lookup per candidate re-reads the doclist each time, and bm25 counts
        # the articles holding the phrase again at each (a prefix such as elect*: 1.2 s
        # for 100 candidates at 100,000 articles, against 18 ms).
        rows = self.conn.execute(
            f"SELECT rowid, {_PER_COLUMN} FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ? "
            "AND +rowid IN (SELECT value FROM json_each(?))",
            (phrase, json.dumps(list(sizes))),
        )
        found = {}
        for seq, *values in rows:
            if seq in sizes:
                norm = 1 - FTS5_B + FTS5_B * sum(sizes[seq]) / self.average_length
                found[seq] = [_hits(-values[2 * f], -values[2 * f + 1], norm) for f in range(3)]
        return found


# With a newer SQLite (apsw), the hits of each column are counted by an FTS5 auxiliary
# function (its phrase_locations), not worked out from bm25, which would count the articles
# holding the phrase first: so the candidates can be looked up one by one where the
# phrase's doclist is long. Looked up when the phrase is in more than LOOKUP_RATIO articles
# per candidate (`said` at 1,000,000 articles: 7 ms for 100 candidates, against 104 ms for
# the pass over its 980,000 articles).
LOOKUP_RATIO = 1000
HITS_FUNCTION = "column_hits"


def _newer_hits_reader(conn: sqlite3.Connection):
    """A connection through the newer SQLite, seeing what `conn` sees, with HITS_FUNCTION
    registered; None when there is none."""
    from newscli.search import _newer_reader

    newer = _newer_reader(conn, "")
    if newer is not None:
        newer.register_fts5_function(HITS_FUNCTION, _count_column_hits)
    return newer


def _count_column_hits(api, *_args) -> str:
    """The hits of the query's phrases in the title, subtitle and body of the current row."""
    counts = [0, 0, 0]
    for phrase in range(api.phrase_count):
        for column, offsets in enumerate(api.phrase_locations(phrase)[:3]):
            counts[column] += len(offsets)
    return f"{counts[0]} {counts[1]} {counts[2]}"


def _column_hits(newer, phrase: str, seqs: list[int], lookups: bool) -> dict[int, list[int]]:
    """{seq: hits of `phrase` in the title, subtitle and body} of those of `seqs` that hold
    it, through the newer SQLite: a lookup per seq, or one pass over the phrase's doclist."""
    import json

    rowid = "rowid" if lookups else "+rowid"
    rows = newer.execute(
        f"SELECT rowid, {HITS_FUNCTION}({SEARCH_TABLE}) FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ? "
        f"AND {rowid} IN (SELECT value FROM json_each(?))",
        (phrase, json.dumps(seqs)),
    )
    return {seq: [int(n) for n in counts.split()] for seq, counts in rows}


def _in_field(expression: str, field: str | None) -> str:
    return expression if field is None else f"{field} : ({expression})"


def _phrases(term: Term, forms: Forms) -> list[tuple[str, bool]]:
    """The FTS5 phrases a term stands for, one by one, each with whether it is a prefix:
    each stored form of an unquoted word, else the term itself (a phrase, a prefix)."""
    from newscli.query import term_alternatives

    alternatives = term_alternatives(term, forms)
    if len(term.words.words) == 1 and not term.words.prefix and alternatives:
        exact = [Term(w, term.words._replace(words=(w,)), exact=True) for w in alternatives]
        return [(render_term(t, None), False) for t in exact]
    return [(render_term(term, forms), term.words.prefix)]
