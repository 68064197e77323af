"""Corpora written by the reliability tests themselves: many small, distinct text articles.

Each article has its own headline ("Generated report NNNNN ..."), a date line and a body, so
the set of titles in the archive says exactly which articles arrived, once each.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

WORDS = (
    "minister said council river storm election vote court police school health market "
    "bank report city harbour bridge railway strike budget museum archive drought flood "
    "festival hospital farmers border talks ceasefire inquiry verdict reform"
).split()


def write_corpus(folder: Path, count: int, *, seed: int = 7, per_folder: int = 250) -> list[str]:
    """Write `count` articles as .txt files under `folder`; return their headlines."""
    rng = random.Random(seed)
    titles = []
    for n in range(count):
        sub = folder / f"part{n // per_folder:03d}"
        if n % per_folder == 0:
            sub.mkdir(parents=True, exist_ok=True)
        title = f"Generated report {n:05d} on the {rng.choice(WORDS)} {rng.choice(WORDS)}"
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 160)))
        day = rng.randint(1, 28)
        (sub / f"article-{n:05d}.txt").write_text(
            f"{title}\n\n{day} March 2021\n\nArticle {n}. {body}.\n", encoding="utf-8"
        )
        titles.append(title)
    return titles


def check_archive(db: Path) -> dict:
    """What a crash could have broken, read with plain sqlite3 (not newscli).

    Returns {"integrity": ..., "articles": n, "indexed": n}; raises AssertionError when the
    FTS index disagrees with the table.
    """
    conn = sqlite3.connect(db, timeout=60)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        has_articles = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'articles'").fetchone()[
            0
        ]
        if not has_articles:
            return {"integrity": integrity, "articles": 0, "indexed": 0}
        # Raises sqlite3.DatabaseError ("database disk image is malformed") on a bad index.
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        # One docsize row per indexed document: the index's own count, not the content table's.
        indexed = conn.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0]
        return {"integrity": integrity, "articles": articles, "indexed": indexed}
    finally:
        conn.close()
