"""A reader run in its own process by test_concurrency.py while another process imports.

    python concurrent_reader.py DB STOP_FILE EXPECTED_JSON PROGRESS_FILE

EXPECTED_JSON maps article ids to titles, and "total" to the number of generated articles
being imported. Until STOP_FILE exists, it loops over (through the real CLI code, in this
process): `show --json` of each id, `search generated --count` and `search --json`, a
`timeline --json`, and one snapshot read of the table and its FTS index. Every search and
timeline must see whole batches only, never fewer articles than before. It adds a byte to
PROGRESS_FILE after each loop, and at the end prints one JSON line of figures and every
problem seen.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from click.testing import CliRunner

from newscli.cli import cli
from newscli.importers import BATCH_ARTICLES


def main(db: str, stop_file: str, expected_file: str, progress_file: str) -> None:
    expected: dict[str, str] = json.loads(Path(expected_file).read_text())
    total = int(expected.pop("total"))
    runner = CliRunner()
    seen: set[str] = set()
    figures = {"shows": 0, "found": 0, "searches": 0, "timelines": 0, "snapshots": 0,
               "problems": []}  # fmt: skip
    problems = figures["problems"]
    last_count = 0

    def run(*args: str):
        result = runner.invoke(cli, ["--db", db, *args])
        text = result.stdout + result.stderr
        if result.exception and not isinstance(result.exception, SystemExit):
            problems.append(f"{args}: {result.exception!r}")
        if "locked" in text or "Traceback" in text or "database error" in text:
            problems.append(f"{args}: {text.strip()[:300]}")
        if result.exit_code not in (0, 1):
            problems.append(f"{args}: exit {result.exit_code}: {text.strip()[:300]}")
        return result

    def whole_batches(what: str, count: int) -> None:
        nonlocal last_count
        if count < last_count or (count % BATCH_ARTICLES and count != total):
            problems.append(f"{what}: {count} generated articles after {last_count}")
        last_count = max(last_count, count)

    stop = Path(stop_file)
    ids = sorted(expected)
    while not stop.exists():
        for id_ in ids:
            result = runner.invoke(cli, ["--db", db, "show", "--json", id_])
            figures["shows"] += 1
            text = result.stdout + result.stderr
            if result.exception and not isinstance(result.exception, SystemExit):
                problems.append(f"show {id_}: {result.exception!r}")
            if "locked" in text or "Traceback" in text or "database error" in text:
                problems.append(f"show {id_}: {text.strip()[:300]}")
            if result.exit_code == 0:
                title = json.loads(result.stdout)["title"]
                if title != expected[id_]:
                    problems.append(f"show {id_}: title {title!r}")
                seen.add(id_)
                figures["found"] += 1
            elif result.exit_code == 1 and id_ in seen:
                problems.append(f"show {id_}: gone after being shown ({text.strip()})")
            elif result.exit_code not in (0, 1):
                problems.append(f"show {id_}: exit {result.exit_code}: {text.strip()[:300]}")
        counted = run("search", "generated", "--count")
        figures["searches"] += 1
        whole_batches("search --count", int(counted.stdout.strip() or 0))
        found = run("search", "generated", "report", "--json", "--limit", "0")
        figures["searches"] += 1
        if found.exit_code == 0:
            hits = json.loads(found.stdout)
            whole_batches("search --json", len(hits))
            if len({h["id"] for h in hits}) != len(hits):
                problems.append("search --json: an article twice")
        chart = run("timeline", "generated", "--by", "year", "--json")
        figures["timelines"] += 1
        if chart.exit_code == 0:
            whole_batches("timeline", sum(p["count"] for p in json.loads(chart.stdout)))
        # One read transaction sees the table and its index agree, whatever the writer does.
        conn = sqlite3.connect(db, timeout=30, isolation_level=None)
        try:
            conn.execute("BEGIN")
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            indexed = conn.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0]
            conn.execute("COMMIT")
            figures["snapshots"] += 1
            if articles != indexed:
                problems.append(f"snapshot: {articles} articles but {indexed} indexed")
        except sqlite3.Error as e:
            problems.append(f"snapshot: {e}")
        finally:
            conn.close()
        with open(progress_file, "ab") as progress:
            progress.write(b".")
    print(json.dumps(figures))


if __name__ == "__main__":
    main(*sys.argv[1:5])
