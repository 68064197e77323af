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
from conftest import ARTICLES, newscli_exe, rows, running_children, wait_until_ended
from generated_corpus import check_archive, write_corpus

from newscli.importers import _can_fork

KILLS = 20
MAX_RUNS = 200  # the kills must land within this many imports (a bound on runs, not on time)


def start_import(db, *args, new_session=False):
    return subprocess.Popen(
        [newscli_exe(), "--db", str(db), "import", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=new_session,
    )


def assert_complete(db, titles):
    found = rows(db, "SELECT title, count(*) AS n FROM articles GROUP BY title")
    assert {r["title"] for r in found} == set(titles)
    assert max(r["n"] for r in found) == 1
    state = check_archive(db)
    assert state == {"integrity": "ok", "articles": len(titles), "indexed": len(titles)}


def wait_for_a_commit(proc: subprocess.Popen, wal: Path) -> None:
    """Wait until the process writes to the WAL (a batch's commit), or ends."""

    def stamp():
        try:
            return wal.stat().st_mtime_ns
        except FileNotFoundError:
            return None

    before = stamp()
    while proc.poll() is None:
        now = stamp()
        if now is not None and now != before:
            return
        time.sleep(0.0005)


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
    while sum(kills.values()) < KILLS or kills["while writing"] < 6:
        assert runs < MAX_RUNS, f"only {kills} kills landed in {runs} imports"
        runs += 1
        proc = start_import(db, corpus, "--quiet")
        if runs % 3 == 0:
            mode = "while writing"
            wait_for_a_commit(proc, wal)
            time.sleep(rng.uniform(0, 0.003))
        else:
            # Some kills aim at start-up (creating the file, migrating), the others anywhere
            # in the import: reading files or inside a batch's transaction.
            mode = "random"
            time.sleep(rng.uniform(0.0, 0.6) if runs % 3 == 1 else rng.uniform(0.15, 1.0) * whole)
        parsing = running_children(proc.pid) if proc.poll() is None else []
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
        # The parsing process (when the import had started it) goes with the import.
        assert all(wait_until_ended(child) for child in parsing), "a parsing process outlived its import"
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
    wal = Path(f"{db}-wal")
    rng = random.Random(130)
    interrupts = 0
    stored = 0
    runs = 0
    while interrupts < 4:
        assert runs < 20, f"only {interrupts} interrupts landed in {runs} imports"
        runs += 1
        proc = start_import(db, corpus)
        # Once a batch is written the import is under way (every run writes a batch, even
        # of duplicates): the signal lands somewhere in the rest of it.
        wait_for_a_commit(proc, wal)
        time.sleep(rng.uniform(0, 0.4))
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
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
    done = start_import(db, corpus, "--quiet")
    assert done.wait(timeout=120) == 0
    assert_complete(db, titles)
    record_property("sigint_interrupts", interrupts)


# A frame in one of newscli's own modules (the console script, bin/newscli, is not one).
OUR_FRAME = re.compile(r'File "[^"]*/newscli/[^"/]+\.py"')
START_UP_POINTS = 24


@pytest.mark.slow
@pytest.mark.parametrize("sent_to", ["the process", "its process group"])
def test_ctrl_c_at_any_moment_of_start_up_is_one_line_and_status_130(tmp_path, sent_to, record_property):
    """Ctrl-C while Python imports click and our modules, parses the command line, opens and
    creates the archive, forks the parsing process or imports: one line, status 130.

    Signals that land before the first line of newscli runs (the interpreter starting,
    `site` loading the installed packages) are Python's to handle: it either dies of the
    signal or prints its own KeyboardInterrupt, with no newscli code in it. They are counted,
    not failed; any traceback through newscli's code fails.
    """
    # How long a whole import of the fixtures takes here and now, to spread the signals over.
    started = time.monotonic()
    assert start_import(tmp_path / "timing.db", ARTICLES, "--quiet").wait(timeout=120) == 0
    whole = time.monotonic() - started
    outcomes: dict[str, int] = {}
    for n in range(START_UP_POINTS):
        proc = start_import(tmp_path / f"{n}.db", ARTICLES, new_session=True)
        time.sleep(whole * n / START_UP_POINTS)
        if sent_to == "the process":
            proc.send_signal(signal.SIGINT)
        else:  # as a terminal's Ctrl-C: the import and its parsing process alike
            os.killpg(proc.pid, signal.SIGINT)
        _, err_bytes = proc.communicate(timeout=120)
        err = err_bytes.decode()
        if ("Traceback" in err or "Exception ignored" in err) and not OUR_FRAME.search(err):
            outcome = "in Python's own start-up"
        elif proc.returncode == -signal.SIGINT and not err:
            outcome = "before Python handled signals"
        elif proc.returncode == 0:
            assert err.startswith("Imported 16 articles from 17 files"), err
            assert len(err.splitlines()) == 1, err
            outcome = "finished first"
        else:
            assert proc.returncode == 130, err
            assert err in ("interrupted\n",) or INTERRUPTED.fullmatch(err.strip()), err
            outcome = "interrupted"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes.get("interrupted", 0) >= START_UP_POINTS // 4, outcomes
    for outcome, count in outcomes.items():
        record_property(f"start_up_sigint_{sent_to.replace(' ', '_')}_{outcome.replace(' ', '_')}", count)


needs_parsing_process = pytest.mark.skipif(
    not (_can_fork() and os.path.isdir("/proc")), reason="no parsing process (one core, or no fork)"
)


def parsing_process(proc: subprocess.Popen) -> int:
    """The pid of the import's parsing process, once it has started."""
    while proc.poll() is None:
        children = running_children(proc.pid)
        if children:
            return children[0]
        time.sleep(0.001)
    raise AssertionError(f"the import ended (status {proc.returncode}) without a parsing process")


@needs_parsing_process
@pytest.mark.parametrize("reading", ["a named pipe nobody writes to", "a folder of files"])
def test_a_killed_import_takes_its_parsing_process_with_it(tmp_path, reading):
    """A parsing process blocked on its input, or busy reading, ends with the import that
    forked it: it must not hold the archive's files open (and the pipe) for ever."""
    if reading == "a folder of files":
        source = tmp_path / "corpus"
        write_corpus(source, 3000, seed=17)
    else:
        source = tmp_path / "pipe"
        os.mkfifo(source)
    proc = start_import(tmp_path / "killed.db", source, "--quiet")
    child = parsing_process(proc)
    proc.kill()
    proc.wait()
    assert wait_until_ended(child), "the parsing process outlived the import that was killed"


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
