"""Copies of one story: a wire story re-sent the next day, a syndicated reprint.

Every article belongs to a story, named by the `seq` of its first article (`stories`
table; an article without a row there is a story of its own). An article is a copy of an
earlier one when their bodies are the same or nearly (a few words changed, a paragraph
added): their sets of 4-word shingles overlap by a Jaccard similarity of about 0.7 or more.

That is found at import without comparing texts. Each body of at least MIN_WORDS words gets
a MinHash signature of HASHES values (the smallest of each hash function over its
shingles; two bodies agree on a value with probability equal to their Jaccard similarity),
cut into BANDS bands of ROWS values. `story_bands` files each band under the stories that
have it; a new article is a copy of the story sharing the most bands with it, if at least
MIN_SHARED (16 bands of 2: similarity 0.9 shares 8 or more with probability 0.998, 0.8:
0.93, 0.6: 0.15, 0.5: 0.03). Headline-only flashes and other short texts are stories of
their own: a few words say too little to call two items one story.

During an import the signature is worked out by the writing process from the analysed body
the parsing process sends (that one has the language and stems to work out); filing it
costs one query and a few index rows.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import zlib
from collections.abc import Iterable, Sequence

STORIES_TABLE = "stories"
BANDS_TABLE = "story_bands"
SHINGLE = 4
HASHES = 32
ROWS = 2
BANDS = HASHES // ROWS
MIN_SHARED = 8
MIN_WORDS = 12

# sqlite-utils' create() makes no WITHOUT ROWID table: this one is 16 rows an article,
# each only its key, so it is made in SQL (half the size of a rowid table and its index).
BANDS_SCHEMA = f"""CREATE TABLE {BANDS_TABLE} (
    band INTEGER NOT NULL,
    story INTEGER NOT NULL,
    PRIMARY KEY (band, story)
) WITHOUT ROWID"""


def _constant(name: str, n: int) -> int:
    """A fixed 64-bit number (files keep band keys made with it: never change one)."""
    import hashlib

    return int.from_bytes(hashlib.blake2b(f"newscli-stories-{name}-{n}".encode(), digest_size=8).digest())


@functools.cache
def _hash_functions():
    """Multipliers (odd) and offsets of the HASHES hash functions, and the multipliers that
    mix a shingle's word hashes into one."""
    import numpy as np

    multipliers = np.array([_constant("multiplier", n) | 1 for n in range(HASHES)], dtype=np.uint64)
    offsets = np.array([_constant("offset", n) for n in range(HASHES)], dtype=np.uint64)
    mix = np.array([_constant("mix", n) | 1 for n in range(SHINGLE)], dtype=np.uint64)
    return multipliers, offsets, mix


def body_band_keys(indexed_body: str) -> tuple[int, ...]:
    """The band keys of a body as the index stores it (index_text: words and spaces)."""
    return band_keys(indexed_body.split())


def band_keys(words: Sequence[str]) -> tuple[int, ...]:
    """The BANDS band keys of a body given as its indexed words; none for a short body."""
    if len(words) < MIN_WORDS:
        return ()
    import numpy as np

    multipliers, offsets, mix = _hash_functions()
    hashed = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    n = len(words) - SHINGLE + 1
    shingles = hashed[:n] * mix[0]
    for k in range(1, SHINGLE):
        shingles = shingles + hashed[k : k + n] * mix[k]
    shingles ^= shingles >> np.uint64(29)
    with np.errstate(over="ignore"):
        signature = (shingles[:, None] * multipliers + offsets).min(axis=0)
    values = signature.reshape(BANDS, ROWS)
    keys = []
    for band, row in enumerate(values):
        # A 31-bit key per band, its number mixed in (4 bytes in SQLite's records, where 63
        # bits take 8: a quarter of the table). Two different bands meeting by chance is
        # one in 2**31 a lookup, and a copy needs MIN_SHARED of them.
        keys.append(zlib.crc32(row.tobytes(), band) & (2**31 - 1))
    return tuple(keys)


def assign(conn: sqlite3.Connection, articles: Iterable[tuple[int, Sequence[int]]]) -> None:
    """File new articles, (seq, band keys) in import order, under their stories: the story
    sharing the most bands (at least MIN_SHARED), else their own. Inside the caller's
    transaction; each sees those filed before it, in the same batch too."""
    find = (
        f"SELECT story, count(*) AS shared FROM {BANDS_TABLE} "
        "WHERE band IN (SELECT value FROM json_each(?)) "
        "GROUP BY story HAVING shared >= ? ORDER BY shared DESC, story LIMIT 1"
    )
    filed = []
    for seq, keys in articles:
        story = seq
        if keys:
            found = conn.execute(find, (json.dumps(list(keys)), MIN_SHARED)).fetchone()
            if found:
                story = found[0]
            conn.executemany(
                f"INSERT OR IGNORE INTO {BANDS_TABLE} (band, story) VALUES (?, ?)", ((k, story) for k in keys)
            )
        filed.append((seq, story))
    conn.executemany(f"INSERT OR REPLACE INTO {STORIES_TABLE} (seq, story) VALUES (?, ?)", filed)


STORY_OF = f"coalesce((SELECT s.story FROM {STORIES_TABLE} s WHERE s.seq = {{seq}}), {{seq}})"


def story_sql(seq: str = "a.seq") -> str:
    """SQL for the story (its first article's seq) of the article whose seq is `seq`."""
    return STORY_OF.format(seq=seq)


def stories_of(conn: sqlite3.Connection, seqs: Iterable[int]) -> dict[int, int]:
    """{seq: story} for articles (a story is the seq of its first article)."""
    rows = conn.execute(
        f"SELECT j.value, {story_sql('j.value')} FROM json_each(?) j", (json.dumps(list(seqs)),)
    )
    return dict(rows)


def story_keys(conn: sqlite3.Connection, stories: Iterable[int]) -> dict[int, str]:
    """{story: key}: a story's key is the id of its first article."""
    from newscli.archive import rows_by_seq

    return {seq: id_ for seq, id_ in rows_by_seq(conn, "id", stories).values()}


def copies(conn: sqlite3.Connection, article_id: str) -> list[dict]:
    """The other articles of the story of the article `article_id` (id, published, source,
    title), in import order."""
    row = conn.execute("SELECT seq FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        return []
    seq = row[0]
    story = stories_of(conn, [seq])[seq]
    rows = conn.execute(
        f"SELECT a.id, a.published, a.source, a.title FROM articles a WHERE a.seq != ? AND a.seq IN "
        f"(SELECT seq FROM {STORIES_TABLE} WHERE story = ? UNION SELECT ?) ORDER BY a.seq",
        (seq, story, story),
    )
    return [dict(zip(("id", "published", "source", "title"), r, strict=True)) for r in rows]
