"""Does ranking let headline-only flashes crowd out stories? A labelled wire-like corpus.

    python benchmarks/ranking.py [--bbc ../shared/corpora/bbc] [--words 30] [--seed 7]

No labelled wire corpus installs through pip, so this one is made the way wire archives
are: the 2,095 BBC stories of ../shared/corpora/bbc (their folder is their topic label:
business, entertainment, politics, sport, tech), each dated on a day of 2004-2005, and
beside a share of them a flash dated the same day, an item with an empty body whose title
is the story's headline (FLASH_SHARE), or a short headline: its first words
(SHORT_FLASH_SHARE). A flash takes its story's label.

For each label, the queries are its 30 most common words among those of which most of
the stories holding them carry that label (df >= 10). For each query and ranking the
table gives the flashes in the top 10 (of all 10-result pages) and the topical
precision@10 (results carrying the query's label), for:

- FTS5 bm25 with the weights newscli used before (title 10, subtitle 5, body 1),
- FTS5 bm25 unweighted (what `sqlite-utils search` ranks by),
- newscli's ranking (newscli.search, BM25F: see newscli/ranking.py),

and the median time of one 10-result search in process.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.append(str(REPO_ROOT))

FLASH_SHARE = 0.4
SHORT_FLASH_SHARE = 0.2
SHORT_FLASH_WORDS = 4
MIN_DF = 10
TOPICAL_SHARE = 0.5
TOP = 10


def wire_records(bbc: Path, seed: int = 7) -> list[dict]:
    """The stories of the BBC corpus and the flashes made from them, as import records;
    `tags` holds the label and `story` or `flash`."""
    rng = random.Random(seed)
    first = date(2004, 1, 1)
    records = []
    for folder in sorted(p for p in bbc.iterdir() if p.is_dir()):
        label = folder.name
        for path in sorted(folder.glob("*.txt")):
            title, _, body = path.read_text(encoding="utf-8").partition("\n")
            title, body = title.strip(), body.strip()
            day = (first + timedelta(days=rng.randrange(730))).isoformat()
            records.append({"title": title, "body": body, "published": day, "tags": [label, "story"]})
            draw = rng.random()
            if draw < FLASH_SHARE:
                records.append({"title": title, "body": "", "published": day, "tags": [label, "flash"]})
            elif draw < FLASH_SHARE + SHORT_FLASH_SHARE:
                short = " ".join(title.split()[:SHORT_FLASH_WORDS])
                records.append({"title": short, "body": "", "published": day, "tags": [label, "flash"]})
    rng.shuffle(records)  # as a wire archive interleaves them
    return records


def topical_words(records: list[dict], per_label: int) -> dict[str, list[str]]:
    """For each label, its `per_label` most common words (by stories holding them) among
    those most of whose stories carry the label."""
    from newscli.analysis import words

    df: Counter[str] = Counter()
    by_label: dict[str, Counter[str]] = defaultdict(Counter)
    for r in records:
        if "story" not in r["tags"]:
            continue
        held = {w for w in words(r["title"] + " " + r["body"]) if w.isalpha() and len(w) > 2}
        df.update(held)
        by_label[r["tags"][0]].update(held)
    chosen = {}
    for label, counts in sorted(by_label.items()):
        candidates = [w for w, n in counts.items() if df[w] >= MIN_DF and n / df[w] > TOPICAL_SHARE]
        candidates.sort(key=lambda w: (-counts[w], w))
        chosen[label] = candidates[:per_label]
    return chosen


def build_archive(path: Path, records: list[dict]) -> None:
    from newscli.archive import open_archive
    from newscli.importers import import_paths

    source = path.with_suffix(".jsonl")
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    db = open_archive(path, create=True)
    try:
        import_paths(db.conn, [str(source)], parallel=False)
    finally:
        db.conn.close()


def sql_ranking(weights: tuple[float, ...] | None):
    """A ranking by FTS5's bm25 over search_index with these column weights (None: none),
    for the same expression newscli searches with."""

    def rank(conn, word: str) -> list[int]:
        from newscli.search import SearchRequest, compile_request

        compiled = compile_request(conn, SearchRequest(word))
        bm25 = "bm25(search_index" + "".join(f", {w}" for w in weights or ()) + ")"
        rows = conn.execute(
            f"SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY {bm25}, rowid LIMIT ?",
            (compiled.expression, TOP),
        )
        return [seq for (seq,) in rows]

    return rank


def newscli_ranking(conn, word: str) -> list[int]:
    from newscli.search import SearchRequest, search_articles

    results = search_articles(conn, SearchRequest(word, limit=TOP))
    ids = [r["id"] for r in results]
    seqs = dict(
        conn.execute(
            "SELECT id, seq FROM articles WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
        )
    )
    return [seqs[i] for i in ids]


RANKINGS = {
    "bm25 10/5/1 (before)": sql_ranking((10.0, 5.0, 1.0)),
    "bm25 unweighted": sql_ranking(None),
    "newscli (BM25F)": newscli_ranking,
}


def evaluate(conn, queries: dict[str, list[str]], rankings=RANKINGS) -> list[dict]:
    """Per ranking: flashes in the top 10s, mean topical precision@10, median ms per search."""
    labels = {}
    for seq, tags in conn.execute("SELECT seq, tags FROM articles"):
        label, kind = json.loads(tags)
        labels[seq] = (label, kind)
    rows = []
    for name, rank in rankings.items():
        flashes = slots = 0
        precisions, times = [], []
        for label, words in queries.items():
            for word in words:
                start = time.perf_counter()
                top = rank(conn, word)
                times.append(time.perf_counter() - start)
                slots += len(top)
                flashes += sum(labels[s][1] == "flash" for s in top)
                precisions.append(sum(labels[s][0] == label for s in top) / TOP)
        rows.append(
            {
                "ranking": name,
                "queries": len(precisions),
                "flashes": flashes,
                "slots": slots,
                "precision": statistics.mean(precisions),
                "ms": statistics.median(times) * 1000,
            }
        )
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| Ranking | Queries | Flashes in top 10s | Topical precision@10 | Median ms/search |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['ranking']} | {r['queries']} | {r['flashes']} of {r['slots']} | "
            f"{r['precision']:.3f} | {r['ms']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bbc", type=Path, default=REPO_ROOT.parent / "shared" / "corpora" / "bbc")
    parser.add_argument("--words", type=int, default=30, help="queries per label")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if not args.bbc.is_dir():
        print(f"error: no BBC corpus at {args.bbc}", file=sys.stderr)
        return 2
    from newscli.archive import connect_readonly

    records = wire_records(args.bbc, args.seed)
    queries = topical_words(records, args.words)
    flashes = sum("flash" in r["tags"] for r in records)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wire.db"
        build_archive(path, records)
        conn = connect_readonly(path)
        rows = evaluate(conn, queries)
        conn.close()
    print(
        f"Corpus: {len(records) - flashes} BBC stories (5 labels) and {flashes} flashes; "
        f"{sum(map(len, queries.values()))} one-word queries ({args.words} per label), seed {args.seed}"
    )
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
