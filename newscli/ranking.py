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
them. FTS5 gives SQL no per-column hit counts, but its bm25() with one column weighted 1,
then 2, gives them exactly (see _hits): one query per stored form of each query word over
the candidates, no text read or analysed (reading and analysing 100 bodies in Python costs
~400 ms, this ~3 ms). The statistics are the index's own: the number of articles, the
length of each field of each article (`search_index_docsize`) and their averages
(`search_index_data`, its averages record), and for each term how many articles hold it
(one count over the index).
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


def field_averages(conn: sqlite3.Connection) -> tuple[int, tuple[float, float, float]]:
    """(articles indexed, average length in words of the title, subtitle and body)."""
    row = conn.execute(f"SELECT block FROM {SEARCH_TABLE}_data WHERE id = 1").fetchone()
    values = varints(row[0]) if row and row[0] else []
    if len(values) < 4 or values[0] == 0:
        return 0, (1.0, 1.0, 1.0)
    articles = values[0]
    return articles, tuple(max(total / articles, 1.0) for total in values[1:4])  # type: ignore[return-value]


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
        holding = [
            conn.execute(
                f"SELECT count(*) FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ?",
                (_in_field(render_term(term, forms), field),),
            ).fetchone()[0]
            for term, field in terms
        ]
        self.articles, self.averages = field_averages(conn)
        # FTS5 normalises by the whole article against the average article.
        self.average_length = sum(self.averages) if self.articles else 1.0
        # (idf, the FTS5 phrases it is) per term
        self.terms: list[tuple[float, list[str]]] = [
            (self.idf(n), [_in_field(p, field) for p in _phrases(term, forms)])
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
        import json

        from newscli.search import fetch_all

        sizes = field_sizes(self.conn, seqs)
        wanted = json.dumps(list(seqs))
        totals = dict.fromkeys(sizes, 0.0)
        for idf, phrases in self.terms:
            hits = {seq: [0, 0, 0] for seq in sizes}
            for phrase in phrases:
                # `+rowid`: one pass over the phrase's doclist, the candidates picked from it;
                # a rowid lookup per candidate re-reads the doclist each time (a prefix such
                # as elect*: 1.2 s for 100 candidates at 100,000 articles, against 18 ms).
                rows = fetch_all(
                    self.conn,
                    f"SELECT rowid, {_PER_COLUMN} FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ? "
                    "AND +rowid IN (SELECT value FROM json_each(?))",
                    (phrase, wanted),
                )
                for seq, *values in rows:
                    if seq not in hits:
                        continue
                    norm = 1 - FTS5_B + FTS5_B * sum(sizes[seq]) / self.average_length
                    for f in range(3):
                        hits[seq][f] += _hits(-values[2 * f], -values[2 * f + 1], norm)
            for seq, counts in hits.items():
                tf = 0.0
                for f, n in enumerate(counts):
                    if n:
                        norm = 1 - FIELD_B[f] + FIELD_B[f] * sizes[seq][f] / self.averages[f]
                        tf += FIELD_WEIGHTS[f] * n / norm
                if tf:
                    totals[seq] += idf * tf * (K1 + 1) / (K1 + tf)
        return totals


def _in_field(expression: str, field: str | None) -> str:
    return expression if field is None else f"{field} : ({expression})"


def _phrases(term: Term, forms: Forms) -> list[str]:
    """The FTS5 phrases a term stands for, one by one: each stored form of an unquoted
    word, else the term itself (a phrase, a prefix)."""
    from newscli.query import term_alternatives

    alternatives = term_alternatives(term, forms)
    if len(term.words.words) == 1 and not term.words.prefix and alternatives:
        return [render_term(Term(w, term.words._replace(words=(w,)), exact=True), None) for w in alternatives]
    return [render_term(term, forms)]
