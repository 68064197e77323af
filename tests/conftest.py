import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newscli.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
ARTICLES = FIXTURES / "articles"
BAD = FIXTURES / "bad"
SHARED = ROOT.parent / "shared"
SEED_ID = "79019f60b33598f4"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """No test reads or writes the user's real archive."""
    monkeypatch.delenv("NEWSCLI_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "news.db"


@pytest.fixture
def run(db_path):
    """Run newscli in-process against the test database: run('search', 'kharkiv')."""

    def invoke(*args, input=None, db=db_path, env=None):
        runner = CliRunner()
        argv = ["--db", str(db), *map(str, args)] if db is not None else [*map(str, args)]
        return runner.invoke(cli, argv, input=input, env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def fixtures_db(run, db_path):
    """An archive holding every good fixture article."""
    result = run("import", ARTICLES, "--quiet")
    assert result.exit_code == 0, result.stderr
    return db_path


def rows(db_path, sql, params=()):
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def import_quietly(db, *args):
    """Import into `db` in-process (for module-scoped archives, which cannot use `run`)."""
    result = CliRunner().invoke(cli, ["--db", str(db), "import", "--quiet", *map(str, args)])
    assert result.exit_code == 0, result.output


def newscli_exe() -> str:
    exe = Path(sys.executable).parent / "newscli"
    return str(exe) if exe.exists() else shutil.which("newscli")


def run_installed(*args, input=None, env=None, timeout=120):
    """Run the installed `newscli` console script in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [newscli_exe(), *map(str, args)],
        input=input,
        capture_output=True,
        env=full_env,
        timeout=timeout,
    )


needs_shared = pytest.mark.skipif(not (SHARED / "corpora").is_dir(), reason="../shared corpora not present")
