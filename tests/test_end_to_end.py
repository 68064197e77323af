"""The installed `newscli`, run in a subprocess as a user would."""

import json
import sqlite3

from conftest import ARTICLES, BAD, SEED_ID, run_installed


def test_import_show_round_trip(tmp_path):
    db = tmp_path / "e2e.db"
    done = run_installed("--db", db, "import", ARTICLES, BAD, "--json")
    assert done.returncode == 1
    summary = json.loads(done.stdout)
    assert (summary["imported"], summary["duplicates"], summary["failed"]) == (16, 1, 4)
    assert b"Traceback" not in done.stderr

    shown = run_installed("--db", db, "show", SEED_ID[:8], env={"NO_COLOR": "1"})
    assert shown.returncode == 0
    assert shown.stdout.decode().startswith("Ukraine claims Russian forces withdrawing from Kharkiv")


def test_python_dash_m_and_stdin(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "m.db"
    text = (ARTICLES / "seed-two-dates-standfirst.txt").read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "newscli", "--db", str(db), "import", "-"],
        input=text,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode().strip() == (
        "Imported 1 article from 1 file: 0 duplicates, 0 undated, 0 failed"
    )
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT id FROM articles").fetchall() == [(SEED_ID,)]


def test_env_var_locates_database(tmp_path):
    db = tmp_path / "env.db"
    done = run_installed("import", ARTICLES / "date-before-headline.txt", env={"NEWSCLI_DB": str(db)})
    assert done.returncode == 0 and db.exists()


def test_errors_are_one_line_without_traceback(tmp_path):
    done = run_installed("--db", tmp_path / "missing.db", "show", "abcd")
    assert done.returncode == 2
    assert len(done.stderr.decode().splitlines()) == 1
