"""An import killed (SIGKILL) or interrupted (Ctrl-C, SIGINT) at any moment leaves a sound
archive, and running it again completes it with every article exactly once."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from conftest import ARTICLES, newscli_exe, rows
from generated_corpus import check_archive, write_corpus

KILLS = 20


def start_import(db, corpus, *extra):
    return subprocess.Popen(
        [newscli_exe(), "--db", str(db), "import", str(corpus), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def assert_complete(db, titles):
    found = rows(db, "SELECT title, count(*) AS n FROM articles GROUP BY title")
    assert {r["title"] for r in found} == set(titles)
    assert max(r["n"] for r in found) == 1
    state = check_archive(db)
    assert state == {"integrity": "ok", "articles": len(titles), "indexed": len(titles)}


def kill_while_writing(proc: subprocess.Popen, wal: Path, rng: random.Random) -> None:
    """SIGKILL as soon as the process writes to the WAL: inside a batch's commit."""

    def stamp():
        try:
            return wal.stat().st_mtime_ns
        except FileNotFoundError:
            return None

    before = stamp()
    deadline = time.monotonic() + 30
    while proc.poll() is None and time.monotonic() < deadline:
        now = stamp()
        if now is not None and now != before:
            time.sleep(rng.uniform(0, 0.003))
            break
        time.sleep(0.0005)
    proc.send_signal(signal.SIGKILL)


def check_copy(db: Path, into: Path) -> dict:
    """Check a copy of the killed archive (file and WAL), so that the next import, not this
    check, is the one that has to recover what the kill left."""
    into.mkdir(exist_ok=True)
    for suffix in ("", "-wal"):
        source = Path(f"{db}{suffix}")
        target = into / f"copy.db{suffix}"
        target.unlink(missing_ok=True)
        if source.exists():
            shutil.copyfile(source, target)
    return check_archive(into / "copy.db")


@pytest.mark.slow
def test_sigkill_at_random_points_never_corrupts_or_loses(tmp_path, record_property):
    corpus = tmp_path / "corpus"
    titles = write_corpus(corpus, 6000)
    db = tmp_path / "killed.db"
    wal = Path(f"{db}-wal")
    rng = random.Random(20261125)
    # How long a whole import takes on this machine now, so that the kills spread over it.
    started = time.monotonic()
    full = start_import(tmp_path / "timing.db", corpus, "--quiet")
    assert full.wait(timeout=120) == 0
    whole = time.monotonic() - started
    kills = {"random": 0, "while writing": 0}
    kills_with_articles = 0
    runs = 0
    deadline = time.monotonic() + 150
    while sum(kills.values()) < KILLS or kills["while writing"] < 6:
        assert time.monotonic() < deadline, f"only {kills} kills landed"
        runs += 1
        proc = start_import(db, corpus, "--quiet")
        if runs % 3 == 0:
            mode = "while writing"
            kill_while_writing(proc, wal, rng)
        else:
            # Some kills aim at start-up (creating the file, migrating), the others anywhere
            # in the import: reading files or inside a batch's transaction.
            mode = "random"
            time.sleep(rng.uniform(0.0, 0.6) if runs % 3 == 1 else rng.uniform(0.15, 1.0) * whole)
            proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
        if proc.returncode != -signal.SIGKILL:
            assert proc.returncode == 0, err.decode()
            continue  # it finished before the signal: not a kill
        kills[mode] += 1
        if not db.exists():
            continue
        state = check_copy(db, tmp_path / "check")
        assert state["integrity"] == "ok", (kills, state)
        assert state["indexed"] == state["articles"], (kills, state)
        kills_with_articles += state["articles"] > 0

    done = subprocess.run(
        [newscli_exe(), "--db", str(db), "import", str(corpus), "--json"],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    summary = json.loads(done.stdout)
    before = len(titles) - summary["imported"]
    assert summary["duplicates"] == before
    assert_complete(db, titles)
    assert kills_with_articles >= 5  # the kills did land after batches were committed
    record_property("sigkill_kills_survived", sum(kills.values()))
    record_property("sigkill_kills_while_writing", kills["while writing"])
    record_property("sigkill_kills_with_articles_stored", kills_with_articles)
    record_property("sigkill_articles_lost", 0)


INTERRUPTED = re.compile(r"interrupted: (\d+) articles? (?:was|were) committed")


@pytest.mark.slow
def test_sigint_stops_at_a_batch_boundary_and_says_what_was_kept(tmp_path, record_property):
    corpus = tmp_path / "corpus"
    titles = write_corpus(corpus, 6000, seed=11)
    db = tmp_path / "interrupted.db"
    rng = random.Random(130)
    interrupts = 0
    stored = 0
    for _ in range(6):
        proc = start_import(db, corpus)
        time.sleep(rng.uniform(0.4, 1.6))
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        err = err.decode()
        assert "Traceback" not in err
        if proc.returncode == 0:
            continue
        interrupts += 1
        assert proc.returncode == 130, err
        match = INTERRUPTED.fullmatch(err.strip().splitlines()[-1])
        assert match, err
        now = check_archive(db)
        assert now["integrity"] == "ok" and now["indexed"] == now["articles"]
        # The count said is exactly what this run added.
        assert now["articles"] - stored == int(match[1])
        stored = now["articles"]
    assert interrupts >= 3
    done = start_import(db, corpus, "--quiet")
    assert done.wait(timeout=120) == 0
    assert_complete(db, titles)
    record_property("sigint_interrupts", interrupts)


def test_a_file_killed_while_being_created_is_finished_by_the_next_import(run, db_path, tmp_path):
    # The state a kill leaves between creating the migrations table and the first migration.
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("CREATE TABLE _newscli_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    conn.close()
    result = run("import", ARTICLES / "date-before-headline.txt")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Imported 1 article from 1 file")
    assert check_archive(db_path) == {"integrity": "ok", "articles": 1, "indexed": 1}


def _sigint_on(statement_start: str, conn: sqlite3.Connection, batch: int):
    """Send ourselves SIGINT while SQLite runs the first statement starting so in the given
    batch (a real signal, arriving while SQLite's C code runs)."""
    begun = []

    def trace(sql: str) -> None:
        sql = sql.lstrip().upper()
        if sql.startswith("BEGIN"):
            begun.append(False)
        elif len(begun) == batch and not begun[-1] and sql.startswith(statement_start):
            begun[-1] = True
            os.kill(os.getpid(), signal.SIGINT)

    conn.set_trace_callback(trace)


@pytest.mark.parametrize(
    "statement", ["INSERT OR IGNORE INTO ARTICLES", "INSERT INTO ARTICLES_FTS", "COMMIT"]
)
def test_sigint_inside_sqlite_stops_after_the_batch_with_an_exact_count(
    tmp_path, db_path, monkeypatch, statement
):
    from newscli import importers
    from newscli.archive import open_archive

    corpus = tmp_path / "corpus"
    titles = write_corpus(corpus, 50, seed=3)
    monkeypatch.setattr(importers, "BATCH_ARTICLES", 10)
    db = open_archive(db_path, create=True)
    _sigint_on(statement, db.conn, batch=2)
    summary = importers.import_paths(db.conn, [str(corpus)])
    db.conn.close()
    assert summary.interrupted
    stored = rows(db_path, "SELECT title FROM articles ORDER BY title")
    # The batch the signal arrived in is committed whole, then the import stops.
    assert summary.imported == len(stored) == 20
    assert [r["title"] for r in stored] == sorted(titles)[:20]
    assert check_archive(db_path) == {"integrity": "ok", "articles": 20, "indexed": 20}
