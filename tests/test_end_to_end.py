"""The installed `newscli`, run in a subprocess as a user would."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
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


def _make(*args, timeout=300):
    import subprocess
    import sys

    from conftest import ROOT

    venv = Path(sys.executable).parent.parent
    return subprocess.run(
        # -o: use the venv running these tests as it is, never (re)install it
        ["make", "--no-print-directory", "-C", str(ROOT), "-o", f"{venv}/bin/newscli", f"VENV={venv}",
         *args],
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="no make here")


@needs_make
def test_make_demo_explains_its_duplicates_and_ends_with_a_command_that_works(tmp_path):
    import shlex
    import subprocess
    import sys

    demo_db = tmp_path / "demo.db"
    done = _make(f"DEMO_DB={demo_db}", "demo")
    assert done.returncode == 0, done.stderr
    assert "Imported 41 articles from 36 files: 15 duplicates" in done.stderr
    assert "# fixtures/gzip holds gzip-compressed copies of files in the other folders" in done.stdout
    lines = done.stdout.rstrip().splitlines()
    bin_dir = Path(sys.executable).parent
    assert f"run it as {bin_dir}/newscli, or first '. {bin_dir}/activate'" in lines[-4]
    assert lines[-2:] == ["", f"  {bin_dir}/newscli --db {demo_db} search 'kharkiv -crimea' --sort newest"]
    tried = subprocess.run(shlex.split(lines[-1]), capture_output=True, text=True, env={"COLUMNS": "100"})
    assert tried.returncode == 0 and "559ab0d1" in tried.stdout  # Kharkiv residents return ...
    assert tried.stderr == "4 matches\n"


@needs_make
def test_make_bench_installs_nothing_itself():
    planned = _make("-n", "bench")
    assert planned.returncode == 0, planned.stderr
    assert "apt-get" not in planned.stdout and "sudo" not in planned.stdout
    assert "ripgrep (rg) is not installed" in planned.stdout  # said, when rg is missing
