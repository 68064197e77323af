"""Reference importers that newscli's import is measured against (stdlib only).

Run as a child process by run.py so that its time and peak memory are measured the same
way as newscli's:

    python benchmarks/refimport.py floor DB INPUT   # executemany into a plain table
    python benchmarks/refimport.py fts DB INPUT     # same, then external-content FTS5 rebuild

INPUT is a JSON Lines file or a folder of ``.txt`` articles (date line, title, body).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

BATCH = 1000
MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
DATE_RE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\s+(\d{4})")

SCHEMA = """
CREATE TABLE articles (
    id TEXT UNIQUE NOT NULL,
    title TEXT,
    subtitle TEXT,
    body TEXT,
    published TEXT,
    source TEXT,
    url TEXT
);
"""
# content="articles" (double quotes) is the spelling sqlite-utils' detect_fts() finds.
FTS_SCHEMA = """
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, subtitle, body,
    content="articles",
    tokenize='porter unicode61 remove_diacritics 2'
);
"""

Row = tuple[str, str, None, str, str | None, str | None, str | None]


def _row(title: str, body: str, published: str | None, source: str | None, url: str | None) -> Row:
    key = url or f"{title}\n{published}\n{body[:200]}"
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    return (digest, title, None, body, published, source, url)


def rows_from_jsonl(path: Path) -> Iterator[Row]:
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                item = json.loads(line)
                yield _row(
                    item["title"], item["body"], item.get("published"), item.get("source"), item.get("url")
                )


def txt_files(folder: Path) -> Iterator[Path]:
    """Every .txt file under folder, sorted, one folder listing in memory at a time."""
    entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    for entry in entries:
        if entry.is_dir():
            yield from txt_files(Path(entry.path))
        elif entry.name.endswith(".txt"):
            yield Path(entry.path)


def rows_from_txt(folder: Path) -> Iterator[Row]:
    for path in txt_files(folder):
        text = path.read_text(encoding="utf-8")
        date_line, _, rest = text.partition("\n\n")
        title, _, body = rest.partition("\n\n")
        published = None
        match = DATE_RE.search(date_line)
        if match and match.group(2).lower() in MONTHS:
            day, month, year = match.groups()
            published = f"{year}-{MONTHS[month.lower()]:02d}-{int(day):02d}"
        yield _row(title.strip(), body.strip(), published, None, None)


def import_rows(db: Path, source: Path, with_fts: bool) -> int:
    rows = rows_from_txt(source) if source.is_dir() else rows_from_jsonl(source)
    conn = sqlite3.connect(db)
    conn.executescript(SCHEMA + (FTS_SCHEMA if with_fts else ""))
    count = 0
    insert = "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)"
    with conn:
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                conn.executemany(insert, batch)
                count += len(batch)
                batch.clear()
        conn.executemany(insert, batch)
        count += len(batch)
        if with_fts:
            conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    conn.close()
    return count


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in ("floor", "fts"):
        print(__doc__, file=sys.stderr)
        return 2
    count = import_rows(Path(argv[1]), Path(argv[2]), with_fts=argv[0] == "fts")
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
