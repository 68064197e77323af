"""Generate a reproducible benchmark corpus of news-like articles.

The corpus is written twice, as one JSON Lines file and as one ``.txt`` file per article,
so that both import paths of newscli can be measured on the same articles. Writing is
streamed (one article in memory at a time), so N=1,000,000 (~2.5 GB per copy) works.

The vocabulary and its frequencies come from the BBC corpus in ``../shared/corpora/bbc``
when it exists next to the repository, otherwise from generated pseudo-words with Zipf
frequencies. The terms the benchmark queries for are controlled by the generator so
that their hits are known: see ``QUERIES`` and the ``manifest.json`` written last.

Usage: python benchmarks/corpus.py --n 5000 [--seed 42] [--force]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import re
import shutil
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

GENERATOR_VERSION = 1
DEFAULT_SEED = 42

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / "data"
BBC_DIR = REPO_ROOT.parent / "shared" / "corpora" / "bbc"

FILES_PER_FOLDER = 1000
TARGET_BODY_BYTES = 2500

# Invented words (never in the BBC text nor the pseudo vocabulary), each put into a
# handful of articles: the "rare term" queries have a known, tiny set of hits.
RARE_WORDS = {"zorbulent": 5, "quillifax": 3, "brontavel": 7}
# Removed from the natural vocabulary, then put into this share of the articles.
COMMON_WORD = "said"
COMMON_SHARE = 0.98
# Put as an exact phrase into this share of the articles; both words also occur alone.
PHRASE = ("interest", "rates")
PHRASE_SHARE = 0.01

# The queries run.py measures: kind -> (query as typed by a user, since, until).
# Query syntax is FTS5's, which newscli's query language is expected to accept as is.
QUERIES: dict[str, dict] = {
    "rare term": {"query": "zorbulent", "since": None, "until": None},
    "two terms": {"query": "government minister", "since": None, "until": None},
    "phrase": {"query": '"interest rates"', "since": None, "until": None},
    "prefix": {"query": "elect*", "since": None, "until": None},
    "very common term": {"query": COMMON_WORD, "since": None, "until": None},
    "term + date filter": {"query": "election", "since": "2010-01-01", "until": "2012-12-31"},
}
# Queries over words every corpus has (ANCHOR_WORDS) and dates alone: nothing is put into
# the articles for them, so run.py measures them on corpora made before they were added.
FILTER_QUERIES: dict[str, dict] = {
    "term + one month": {"query": "election", "since": "2021-03-01", "until": "2021-03-31"},
}
QUERIES.update(FILTER_QUERIES)
# Word for `newscli timeline WORD`.
TIMELINE_WORD = "government"

# Words the queries rely on; the pseudo vocabulary gets them at these Zipf ranks so
# that the queries mean the same thing without ../shared.
ANCHOR_WORDS = {
    "government": 120,
    "minister": 180,
    "election": 300,
    "elections": 900,
    "elected": 1100,
    "electoral": 2500,
    "electronic": 1600,
    "electricity": 3000,
    "interest": 400,
    "rates": 350,
    "people": 60,
    "year": 40,
}

SOURCES = [
    "The Daily Ledger",
    "Northern Chronicle",
    "Harbour Times",
    "Evening Courier",
    "Valley Gazette",
    "Metro Observer",
    "Coastal Herald",
    "Capital Post",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
FIRST_DAY = dt.date(2000, 1, 1)
DAYS = (dt.date(2024, 12, 31) - FIRST_DAY).days + 1

WORD_RE = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


@dataclass
class Vocabulary:
    """Words in display form with cumulative weights for fast weighted sampling."""

    words: list[str]
    cum_weights: list[float]
    origin: str

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=k)


def bbc_vocabulary(folder: Path) -> Vocabulary:
    """Word frequencies of the BBC corpus; proper nouns keep their usual capital."""
    surface: Counter[str] = Counter()
    for path in sorted(folder.rglob("*.txt")):
        surface.update(WORD_RE.findall(path.read_text(encoding="utf-8", errors="replace")))
    by_lower: dict[str, Counter[str]] = {}
    for word, count in surface.items():
        by_lower.setdefault(word.lower(), Counter())[word] += count
    excluded = {COMMON_WORD, *RARE_WORDS}
    items = []
    for lower, forms in by_lower.items():
        if lower in excluded or (len(lower) == 1 and lower not in "ai"):
            continue
        total = sum(forms.values())
        # A word capitalised at least 80% of the time (mostly names) stays capitalised;
        # otherwise lower case, since sentence starts are capitalised by the generator.
        shown = forms.most_common(1)[0][0]
        if forms[lower] >= 0.2 * total:
            shown = lower
        items.append((total, shown))
    items.sort(key=lambda item: (-item[0], item[1]))
    counts = [count for count, _ in items]
    return Vocabulary([w for _, w in items], list(itertools.accumulate(counts)), "bbc")


def pseudo_vocabulary(seed: int, size: int = 50_000, exponent: float = 1.07) -> Vocabulary:
    """Pronounceable pseudo-words with Zipf weights, plus the words the queries need."""
    rng = random.Random(seed)
    onsets = [
        "",
        "b",
        "br",
        "c",
        "ch",
        "d",
        "dr",
        "f",
        "g",
        "gr",
        "h",
        "j",
        "k",
        "l",
        "m",
        "n",
        "p",
        "pl",
        "r",
        "s",
        "sh",
        "st",
        "t",
        "th",
        "tr",
        "v",
        "w",
        "z",
    ]
    vowels = ["a", "e", "i", "o", "u", "ea", "ou", "ai"]
    codas = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck"]
    excluded = {COMMON_WORD, *RARE_WORDS, *ANCHOR_WORDS}
    seen: set[str] = set()
    words: list[str] = []
    while len(words) < size:
        syllables = 1 + min(3, int(rng.expovariate(1.0)))
        word = "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables))
        if word in seen or word in excluded or word.startswith("elect"):
            continue
        seen.add(word)
        words.append(word)
    for word, rank in sorted(ANCHOR_WORDS.items(), key=lambda item: item[1]):
        words.insert(rank - 1, word)
    weights = [1.0 / (rank**exponent) for rank in range(1, len(words) + 1)]
    return Vocabulary(words, list(itertools.accumulate(weights)), "pseudo-zipf")


def load_vocabulary(seed: int) -> Vocabulary:
    if BBC_DIR.is_dir() and any(BBC_DIR.rglob("*.txt")):
        return bbc_vocabulary(BBC_DIR)
    return pseudo_vocabulary(seed)


def corpus_dir(n: int, seed: int) -> Path:
    return DATA_DIR / f"corpus-n{n}-s{seed}"


def _date_line(day: dt.date, long_form: bool) -> str:
    if not long_form:
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    suffix = "th" if 11 <= day.day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{WEEKDAYS[day.weekday()]}, {day.day}{suffix} {MONTHS[day.month - 1]} {day.year}"


def _sentence(words: list[str]) -> str:
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]]) + "."


class ArticleWriter:
    """Generates article i after article i-1 from one seeded random stream."""

    def __init__(self, n: int, seed: int, vocab: Vocabulary):
        self.n = n
        self.vocab = vocab
        self.rng = random.Random(seed)
        picker = random.Random(seed + 1)
        self.rare_in: dict[int, list[str]] = {}
        for word, count in RARE_WORDS.items():
            for index in picker.sample(range(n), min(count, n)):
                self.rare_in.setdefault(index, []).append(word)
        self.counts = Counter()

    def _paragraphs(self, inserts: list[str]) -> list[list[list[str]]]:
        rng = self.rng
        target = max(1000, min(5000, int(rng.gauss(TARGET_BODY_BYTES, 400))))
        paragraphs: list[list[list[str]]] = []
        size = 0
        pool = self.vocab.sample(rng, 600)
        pos = 0
        while size < target:
            paragraph = []
            for _ in range(rng.randint(2, 4)):
                length = rng.randint(8, 24)
                if pos + length > len(pool):
                    pool = self.vocab.sample(rng, 600)
                    pos = 0
                words = pool[pos : pos + length]
                pos += length
                paragraph.append(words)
                size += sum(len(w) for w in words) + length + 1
                if size >= target:
                    break
            paragraphs.append(paragraph)
        sentences = [s for p in paragraphs for s in p]
        for insert in inserts:
            sentence = rng.choice(sentences)
            sentence.insert(rng.randint(1, len(sentence)), insert)
        return paragraphs

    def article(self, index: int) -> dict:
        rng = self.rng
        inserts: list[str] = []
        if rng.random() < COMMON_SHARE:
            inserts += [COMMON_WORD] * rng.randint(1, 3)
            self.counts[COMMON_WORD] += 1
        if rng.random() < PHRASE_SHARE:
            inserts.append(" ".join(PHRASE))
            self.counts[" ".join(PHRASE)] += 1
        for word in self.rare_in.get(index, []):
            inserts.append(word)
            self.counts[word] += 1
        paragraphs = self._paragraphs(inserts)
        title_words = self.vocab.sample(rng, rng.randint(5, 10))
        title = title_words[0][:1].upper() + title_words[0][1:] + " " + " ".join(title_words[1:])
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        source = SOURCES[rng.randrange(len(SOURCES))]
        slug = "-".join(w.lower() for w in title_words[:5])
        slug = re.sub(r"[^a-z0-9-]", "", slug)
        body = "\n\n".join(" ".join(_sentence(s) for s in p) for p in paragraphs)
        return {
            "title": title,
            "published": day.isoformat(),
            "source": source,
            "url": (f"https://news.example.org/{source.split()[-1].lower()}/{day:%Y/%m/%d}/{slug}-{index}"),
            "body": body,
            "_date_line": _date_line(day, long_form=rng.random() < 0.5),
            "_slug": slug,
        }


def generate(n: int, seed: int = DEFAULT_SEED, force: bool = False, log=print) -> Path:
    """Write the corpus for (n, seed) unless a complete one is already there."""
    out = corpus_dir(n, seed)
    manifest_path = out / "manifest.json"
    if manifest_path.exists() and not force:
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("generator_version") == GENERATOR_VERSION:
            return out
    if out.exists():
        shutil.rmtree(out)
    tmp = out.with_name(out.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    (tmp / "txt").mkdir(parents=True)
    vocab = load_vocabulary(seed)
    log(
        f"generating {n:,} articles (vocabulary: {vocab.origin}, {len(vocab.words):,} words) into {out}",
        file=sys.stderr,
    )
    writer = ArticleWriter(n, seed, vocab)
    jsonl_bytes = txt_bytes = 0
    folder = None
    with open(tmp / "articles.jsonl", "w", encoding="utf-8", newline="\n") as jsonl:
        for index in range(n):
            article = writer.article(index)
            date_line = article.pop("_date_line")
            slug = article.pop("_slug")
            line = json.dumps(article, ensure_ascii=False) + "\n"
            jsonl.write(line)
            jsonl_bytes += len(line.encode("utf-8"))
            if index % FILES_PER_FOLDER == 0:
                folder = tmp / "txt" / f"{index // FILES_PER_FOLDER:04d}"
                folder.mkdir()
            text = f"{date_line}\n\n{article['title']}\n\n{article['body']}\n"
            data = text.encode("utf-8")
            (folder / f"{index:07d}-{slug[:60]}.txt").write_bytes(data)
            txt_bytes += len(data)
            if index and index % 100_000 == 0:
                log(f"  {index:,} articles written", file=sys.stderr)
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "n": n,
        "seed": seed,
        "vocabulary": vocab.origin,
        "vocabulary_size": len(vocab.words),
        "jsonl": "articles.jsonl",
        "jsonl_bytes": jsonl_bytes,
        "txt_dir": "txt",
        "txt_bytes": txt_bytes,
        "queries": QUERIES,
        "timeline_word": TIMELINE_WORD,
        "controlled_terms": {
            "rare_words": {w: writer.counts[w] for w in RARE_WORDS},
            "common_word": {COMMON_WORD: writer.counts[COMMON_WORD]},
            "phrase": {" ".join(PHRASE): writer.counts[" ".join(PHRASE)]},
        },
        "rare_word_articles": {
            w: sorted(i for i, ws in writer.rare_in.items() if w in ws) for w in RARE_WORDS
        },
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(tmp, out)
    return out


def load_manifest(path: Path) -> dict:
    return json.loads((path / "manifest.json").read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="number of articles")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="regenerate even if present")
    args = parser.parse_args(argv)
    path = generate(args.n, args.seed, force=args.force)
    manifest = load_manifest(path)
    print(path)
    print(json.dumps(manifest["controlled_terms"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
