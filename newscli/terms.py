"""The words (or two-word phrases) that characterise a set of articles: `newscli terms`.

The statistic is Dunning's log-likelihood G² over articles: for each word, the 2×2 table
(matching articles holding it or not) × (other articles of the archive holding it or not),
G² = 2 Σ O ln(O/E). Only words more frequent in the matching articles than in the rest are
kept, highest G² first. Counting articles rather than occurrences keeps one article that
repeats a name forty times from outweighing forty articles that name it once.

What the matching articles hold is read from their text with the index's own analysis
(stopwords of each article's language and numbers left out); what the whole archive holds
from the index (an fts5vocab table over `search_index` for words, an FTS5 phrase count
for phrases), a look-up per candidate, never a pass over the archive. When more than
SAMPLE articles match, an even sample of them is read and its counts scaled to all of
them (said on stderr).
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newscli import analysis
from newscli.search import SEARCH_TABLE, CompiledQuery, matching_sql, one_snapshot

TERMS_COLUMNS = ("term", "articles", "count", "score")
DEFAULT_LIMIT = 25
SAMPLE = 250  # matching articles read at most (and articles of the archive, to compare)
REFERENCE = 200  # articles of a larger archive read to pick the candidates
CANDIDATES = 60
PHRASE_CANDIDATES = 25  # words (phrases) of the matching articles looked up in the archive
COMMON_SHARE = 0.1
_READ_BATCH = 500


@dataclass
class KeyTerms:
    """The rows (dicts with TERMS_COLUMNS), how many articles matched and were read, and
    the archive's size."""

    rows: list[dict] = field(default_factory=list)
    matched: int = 0
    read: int = 0
    archive: int = 0


def _xlogx(x: float) -> float:
    return x * math.log(x) if x > 0 else 0.0


def log_likelihood(k1: float, n1: float, k2: float, n2: float) -> float:
    """G² of k1 of n1 against k2 of n2 (Dunning 1993, in its entropy form)."""
    return 2 * (
        _xlogx(k1) + _xlogx(n1 - k1) + _xlogx(k2) + _xlogx(n2 - k2)
        + _xlogx(n1 + n2) - _xlogx(k1 + k2) - _xlogx(n1 + n2 - k1 - k2) - _xlogx(n1) - _xlogx(n2)
    )  # fmt: skip


def _terms_of(texts: Iterable[str | None], phrases: bool) -> list[str]:
    """The words (or pairs of consecutive words) of one article, in order; filtered later,
    once per distinct term (see _kept), which costs far less than once per occurrence."""
    found: list[str] = []
    for text in texts:
        words = analysis.words(text)
        found.extend(map(" ".join, zip(words, words[1:], strict=False)) if phrases else words)
    return found


def _kept(term: str, stop: frozenset[str], phrases: bool) -> bool:
    from newscli.stopwords import is_content_word

    parts = term.split(" ") if phrases else (term,)
    return all(part not in stop and is_content_word(part) for part in parts)


def _read_terms(
    conn: sqlite3.Connection, seqs: list[int], phrases: bool, *, filtered: bool = True, least: int = 1
) -> tuple[Counter[str], Counter[str]]:
    """How many of the articles `seqs` hold each term, and how often they use it; stopwords
    of each article's language, numbers and short words left out (unless not `filtered`:
    for a reference, where only some terms are looked up)."""
    import json

    from newscli.stopwords import stopwords

    by_lang: dict[str | None, tuple[Counter[str], Counter[str]]] = {}
    for start in range(0, len(seqs), _READ_BATCH):
        for lang, title, subtitle, body in conn.execute(
            "SELECT lang, title, subtitle, body FROM articles WHERE seq IN (SELECT value FROM json_each(?))",
            (json.dumps(seqs[start : start + _READ_BATCH]),),
        ):
            found = _terms_of((title, subtitle, body), phrases)
            holding, counts = by_lang.setdefault(lang, (Counter(), Counter()))
            holding.update(set(found))  # iterables are counted in C, mappings in Python
            counts.update(found)
    holding_all: Counter[str] = Counter()
    counts_all: Counter[str] = Counter()
    if not filtered:
        for holding, counts in by_lang.values():
            holding_all.update(holding)
            counts_all.update(counts)
        return holding_all, counts_all
    for lang, (holding, counts) in by_lang.items():
        stop = stopwords(lang)
        for term, n in holding.items():
            if n >= least and _kept(term, stop, phrases):
                holding_all[term] += n
                counts_all[term] += counts[term]
    return holding_all, counts_all


def _sample(seqs: Sequence[int], size: int) -> list[int]:
    """`size` of the seqs, evenly spread (all of them when there are no more)."""
    if len(seqs) <= size:
        return list(seqs)
    step = len(seqs) / size
    return [seqs[int(i * step)] for i in range(size)]


def _phrase_frequencies(conn: sqlite3.Connection, phrases: Iterable[str]) -> dict[str, int]:
    found = {}
    for phrase in phrases:
        found[phrase] = conn.execute(
            f"SELECT count(*) FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ?", ('"' + phrase + '"',)
        ).fetchone()[0]
    return found


def key_terms(
    conn: sqlite3.Connection,
    compiled: CompiledQuery,
    *,
    phrases: bool = False,
    limit: int = DEFAULT_LIMIT,
    sample: int = SAMPLE,
) -> KeyTerms:
    """The words (phrases) most over-represented in the articles matching `compiled`
    against the whole archive, by G²; `limit` 0: all that are over-represented."""
    from newscli.index import document_frequencies

    result = KeyTerms()
    with one_snapshot(conn):
        result.archive = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        from_where, params = matching_sql(conn, compiled)
        if compiled.expression is not None and not compiled.filters:
            # the index alone, in rowid order: no article row is read
            from_where = f"FROM {SEARCH_TABLE} a WHERE {SEARCH_TABLE} MATCH ?"
            params, order = [compiled.expression], "a.rowid"
        else:
            order = "a.seq"
        cursor = conn.cursor()
        cursor.row_factory = None  # plain tuples: 100,000 of them in a few milliseconds
        seqs = [seq for (seq,) in cursor.execute(f"SELECT {order} {from_where} ORDER BY {order}", params)]
        result.matched = len(seqs)
        chosen = _sample(seqs, sample)
        result.read = len(chosen)
        least = 2 if result.read >= 20 else 1  # a term of one article in many says little
        holding, counts = _read_terms(conn, chosen, phrases, least=least)
        if not holding:
            return result
        scale = result.matched / result.read
        n1, n2 = result.matched, result.archive - result.matched
        candidates = [term for term, n in holding.most_common() if n >= least]
        # The archive is read as the matching articles are: an even sample of it, which for
        # an archive of at most `sample` articles is all of it (exact counts, no look-up).
        low, high = conn.execute("SELECT min(seq), max(seq) FROM articles").fetchone()
        read_all = high - low + 1 <= sample
        # (a smaller sample when it only picks the candidates to look up)
        reference = _sample(range(low, high + 1), sample if read_all else REFERENCE)
        in_reference, _ = _read_terms(conn, reference, phrases, filtered=read_all)
        ref_scale = (high - low + 1) / len(reference)  # articles per one read

        def estimate(term: str) -> float:
            k1 = holding[term] * scale
            k2 = max(0.0, max(in_reference[term], 1) * ref_scale - k1)
            return log_likelihood(k1, n1, k2, n2) if n2 > 0 and k1 / n1 > k2 / n2 else 0.0

        in_archive: dict[str, float] = {}
        if read_all:
            in_archive = {term: in_reference[term] for term in candidates}
        else:
            # Looking a term up in the index reads its entries there, milliseconds for a
            # common word: only the best CANDIDATES by the estimate are looked up, and of
            # those only the ones in at most COMMON_SHARE of the sample (a common word's
            # estimate is close, its look-up the dearest).
            best = PHRASE_CANDIDATES if phrases else CANDIDATES  # a phrase costs two words' reads
            candidates = sorted(candidates, key=estimate, reverse=True)[:best]
            rare = [t for t in candidates if in_reference[t] <= COMMON_SHARE * len(reference)]
            looked_up = _phrase_frequencies(conn, rare) if phrases else document_frequencies(conn, rare)
            in_archive = {t: looked_up.get(t, in_reference[t] * ref_scale) for t in candidates}
    rows: list[dict] = []
    for term in candidates:
        k1 = holding[term] * scale
        k2 = max(0.0, in_archive[term] - k1)
        if n2 > 0 and k1 / n1 <= k2 / n2:
            continue  # not over-represented
        score = log_likelihood(k1, n1, k2, n2) if n2 > 0 else 0.0
        rows.append({"term": term, "articles": round(k1), "count": round(counts[term] * scale),
                     "score": round(score, 2)})  # fmt: skip
    rows.sort(key=lambda r: (-r["score"], -r["articles"], r["term"]))
    result.rows = rows[:limit] if limit else rows
    return result
