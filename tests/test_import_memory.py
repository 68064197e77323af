"""Memory stays flat with input size: the record readers stream.

Each check runs in a child process that reports its own peak RSS (resource.getrusage), so
the figure is the reader's alone. The input (64 MB) is larger than the growth allowed (40
MB): a reader that held the file, or the records, in memory could not pass. This is a
correctness bound, not a timing.
"""

import csv
import json
import subprocess
import sys

import pytest
from conftest import newscli_exe

INPUT_BYTES = 64 * 2**20
MAX_GROWTH_MB = 40
MAX_PEAK_MB = 200  # the bound for a whole import

CHILD = """
import resource, sys
from newscli.importers import read_path
from newscli.models import Article
import ijson  # loaded before the baseline, as the JSON reader loads it
def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
base = rss_mb()
count = 0
for item in read_path(sys.argv[1], sys.argv[2]):
    assert isinstance(item, Article), item
    count += 1
print(count, round(base, 1), round(rss_mb(), 1))
"""


# Large records (about 16 KB) keep the test quick; their number does not change the bound.
WORDS = " ".join(f"word{i % 997}" for i in range(2000))


def record(n: int) -> dict:
    return {"title": f"Generated article {n}", "body": f"Paragraph one of {n}. {WORDS}",
            "published": f"2021-{n % 12 + 1:02d}-{n % 28 + 1:02d}", "tags": ["generated"],
            "views": n}  # fmt: skip


def write_jsonl(path) -> int:
    n = size = 0
    with open(path, "w") as out:
        while size < INPUT_BYTES:
            line = json.dumps(record(n)) + "\n"
            out.write(line)
            size, n = size + len(line), n + 1
    return n


def write_json_array(path) -> int:
    n = size = 0
    with open(path, "w") as out:
        out.write('{"status": "ok", "articles": [\n')
        while size < INPUT_BYTES:
            text = ("," if n else "") + json.dumps(record(n), indent=1) + "\n"
            out.write(text)
            size, n = size + len(text), n + 1
        out.write("]}\n")
    return n


def write_csv(path) -> int:
    n = size = 0
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["title", "body", "published", "tags", "views"])
        while size < INPUT_BYTES:
            r = record(n)
            # Quoted multi-line bodies, the hard case for a streaming CSV reader.
            row = [r["title"], r["body"].replace(". ", ".\n\n", 1), r["published"], "generated", n]
            writer.writerow(row)
            size, n = size + sum(len(str(c)) for c in row) + 8, n + 1
    return n


@pytest.mark.slow
@pytest.mark.parametrize(
    "name,writer,fmt",
    [("big.jsonl", write_jsonl, "jsonl"), ("big.json", write_json_array, "json"),
     ("big.csv", write_csv, "csv")],
)  # fmt: skip
def test_reader_memory_is_flat(tmp_path, name, writer, fmt):
    path = tmp_path / name
    records = writer(path)
    assert path.stat().st_size >= INPUT_BYTES
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), fmt], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    count, base, peak = done.stdout.split()
    assert int(count) == records
    growth = float(peak) - float(base)
    assert growth < MAX_GROWTH_MB, f"{fmt}: peak {peak} MB, grew {growth:.1f} MB on a 64 MB input"


@pytest.mark.slow
def test_whole_gzip_import_stays_under_the_bound(tmp_path):
    """`newscli import` of a gzipped JSON Lines file bigger than the bound, end to end."""
    import gzip

    raw = tmp_path / "big.jsonl"
    records = write_jsonl(raw)
    packed = tmp_path / "big.jsonl.gz"
    with open(raw, "rb") as src, gzip.open(packed, "wb", compresslevel=1) as dst:
        while chunk := src.read(2**20):
            dst.write(chunk)
    raw.unlink()
    code = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:])\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(done.returncode, round(peak, 1))\n"
    )
    db = tmp_path / "big.db"
    done = subprocess.run(
        [sys.executable, "-c", code, newscli_exe(), "--db", str(db), "import", "--quiet", str(packed)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    returncode, peak = done.stdout.split()
    assert returncode == "0", done.stderr
    assert float(peak) < MAX_PEAK_MB, f"peak {peak} MB"
    import sqlite3

    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == records
    conn.close()
