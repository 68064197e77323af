"""The articles most like one article ("more like this"): `newscli similar`.

An article's distinctive terms are its words weighted by tf-idf against the archive: how
often the article uses a word (title words count three times, subtitle words twice) times
log(articles / articles holding the word), the latter read from the index itself (an
fts5vocab table over `search_index`, nothing re-read). Stopwords of the article's language,
numbers, one-letter words and words no other article holds are left out. The best
`TERMS` of them, as an OR query over `search_index`, are ranked by BM25 as a search is.

The article itself and its copies (`copies_of`: the same text re-sent under another
headline or date) are never among the results.
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from dataclasses import dataclass, field

from newscli import analysis
from newscli.filters import Filters
from newscli.index import document_frequencies
from newscli.search import SEARCH_TABLE

TERMS = 25
FIELD_WEIGHTS = (3, 2, 1)  # title, subtitle, body
COPY_PROBES = 4  # words of a body looked up to find its copies
MAX_LOOKUPS = 80  # words of an article whose frequency in the archive is looked up
# Words in more than this share of the articles weigh little in BM25 but cost the most to
# rank (every article holding them is scored): they are not searched for, in an archive
# large enough for the share to say something.
COMMON_SHARE = 0.2
COMMON_MIN_ARTICLES = 1000


def normalised_body(body: str | None) -> str:
    """The body as the index reads it (words folded, punctuation and spacing dropped): two
    articles with the same one are copies of each other."""
    return " ".join(analysis.words(body))


def copies_of(conn: sqlite3.Connection, seq: int) -> list[int]:
    """The seqs of the article `seq` and of every article with the same normalised body (a
    story re-sent with another headline or date) or filed in its story at import
    (newscli.stories: near-identical bodies), in import order. Candidates come from
    the index (the articles holding the body's longest words, which are seldom common),
    so this costs one index query, not a pass over the archive. The one place to extend
    what counts as a copy."""
    row = conn.execute("SELECT body FROM articles WHERE seq = ?", (seq,)).fetchone()
    if row is None:
        return []
    body = normalised_body(row[0])
    if not body:
        return [seq]
    longest = sorted(set(body.split()), key=lambda w: (-len(w), w))[:COPY_PROBES]
    expression = " AND ".join('body : "' + w.replace('"', '""') + '"' for w in longest)
    found = [
        candidate
        for candidate, text in conn.execute(
            f"SELECT a.seq, a.body FROM {SEARCH_TABLE} JOIN articles a ON a.seq = {SEARCH_TABLE}.rowid "
            f"WHERE {SEARCH_TABLE} MATCH ? ORDER BY a.seq",
            (expression,),
        )
        if candidate == seq or normalised_body(text) == body
    ]
    found = found if seq in found else sorted([seq, *found])
    # And the articles filed in the same story at import (re-sent or lightly edited copies).
    from newscli.stories import STORIES_TABLE, stories_of

    story = stories_of(conn, [seq]).get(seq)
    if story is not None:
        members = [r[0] for r in conn.execute(f"SELECT seq FROM {STORIES_TABLE} WHERE story = ?", (story,))]
        found = sorted({*found, *members, story})
    return found


@dataclass
class Similar:
    """What `newscli similar` found: the article, its terms (word, weight), its copies'
    ids, and the results (dicts like search's, with `score`)."""

    article: dict
    terms: list[tuple[str, float]]
    copies: list[str]
    results: list[dict] = field(default_factory=list)


def distinctive_terms(
    conn: sqlite3.Connection, texts: tuple[str | None, str | None, str | None], lang: str | None,
    copies: int = 1, n: int = TERMS,
) -> list[tuple[str, float]]:  # fmt: skip
    """The `n` words of an article (title, subtitle, body) with the highest tf-idf, best
    first; words that only the article and its `copies` hold find nothing else and are
    left out."""
    from newscli.stopwords import is_content_word, stopwords

    stop = stopwords(lang)
    counts: Counter[str] = Counter()
    for weight, text in zip(FIELD_WEIGHTS, texts, strict=True):
        for word in analysis.words(text):
            if word not in stop and is_content_word(word):
                counts[word] += weight
    if not counts:
        return []
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0] or 1
    # Each look-up reads the word's entries in the index: only the most used words (and of
    # those the longest, which are seldom common) are looked up.
    looked_up = sorted(counts, key=lambda w: (-counts[w], -len(w), w))[:MAX_LOOKUPS]
    frequencies = document_frequencies(conn, looked_up)
    weighted = [
        (word, counts[word] * math.log(total / frequencies[word]))
        for word in looked_up
        if copies < frequencies[word]
        and (total < COMMON_MIN_ARTICLES or frequencies[word] <= total * COMMON_SHARE)
    ]
    weighted.sort(key=lambda item: (-item[1], item[0]))
    return [(word, round(weight, 3)) for word, weight in weighted[:n]]


def similar_articles(
    conn: sqlite3.Connection, given: str, filters: Filters, *, limit: int = 10, n_terms: int = TERMS
) -> Similar:
    """The articles most like the one with id (or id prefix) `given`, best first, those
    passing `filters` only. Raises articles.IdError for an unknown id."""
    from newscli.articles import find_article
    from newscli.search import SearchRequest, compile_request, iter_search_articles, one_snapshot

    with one_snapshot(conn):
        article = find_article(conn, given)
        seq, lang = conn.execute("SELECT seq, lang FROM articles WHERE id = ?", (article["id"],)).fetchone()
        copies = copies_of(conn, seq)
        copy_ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM articles WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY seq",
                (str(copies),),
            )
        ]
        texts = (article.get("title"), article.get("subtitle"), article.get("body"))
        terms = distinctive_terms(conn, texts, lang, len(copies), n_terms)
        found = Similar(article, terms, [c for c in copy_ids if c != article["id"]])
        if not terms:
            return found
        query = " OR ".join('"' + word + '"' for word, _ in terms)
        wanted = limit + len(copies) if limit else None
        request = SearchRequest(query, filters, sort="rank", limit=wanted)
        excluded = set(copy_ids)
        results = [
            r
            for r in iter_search_articles(conn, request, compile_request(conn, request))
            if r["id"] not in excluded
        ]
        found.results = results[:limit] if limit else results
        return found
