import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from newscli.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
ARTICLES = FIXTURES / "articles"
BAD = FIXTURES / "bad"
SHARED = ROOT.parent / "shared"
SEED_ID = "79019f60b33598f4"


# Property tests check what is true of their inputs, never how fast: on a busy machine
# (two cores shared by several developers) one example may take seconds.
settings.register_profile("newscli", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("newscli")

PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>


def pytest_configure(config):
    """Make this process the reaper of every process the suite starts: a process orphaned by
    a test (its parent killed) becomes our child, so that no_process_left_behind sees it."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _proc_stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[0], int(fields[1])


def running_children(pid: int) -> list[int]:
    """The processes whose parent is `pid` and that still run (zombies have ended)."""
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(child) for child in f.read().split()]
        except OSError:
            pass
    return [child for child in found if (_proc_stat(child) or ("Z",))[0] not in ("Z", "X")]


def wait_until_ended(pid: int, bound: float = 60) -> bool:
    """Wait for a process that is not our child to end (or become a zombie); False if it
    still runs after `bound` seconds (a bound for a failing test, not a timing)."""
    give_up = time.monotonic() + bound
    while time.monotonic() < give_up:
        stat = _proc_stat(pid)
        if stat is None or stat[0] in ("Z", "X"):
            return True
        time.sleep(0.01)
    return False


@pytest.fixture(autouse=True)
def no_process_left_behind():
    """A test that leaves a process of its own running fails (and the process is killed).

    The suite reaps orphans (see pytest_configure), so this sees a parsing child whose
    import was killed as well as a server a test forgot to stop.
    """
    yield
    if not os.path.exists(f"/proc/{os.getpid()}/task"):
        return
    left = [pid for pid in running_children(os.getpid()) if not wait_until_ended(pid, bound=10)]
    if left:
        described = []
        for pid in left:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    command = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            except OSError:
                command = "?"
            described.append(f"{pid} ({command})")
            os.kill(pid, signal.SIGKILL)
        pytest.fail("processes left running after the test: " + "; ".join(described))


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


def req(query, *, since=None, until=None, source=(), tag=(), author=(), lang=(), sort="rank", limit=20,
        offset=0, raw=False, all_copies=False):  # fmt: skip
    """A SearchRequest as the command line makes one, from the options' values."""
    from newscli.filters import Filters
    from newscli.search import SearchRequest

    def names(value):
        return (value,) if isinstance(value, str) else tuple(value)

    filters = Filters(since=since and str(since), until=until and str(until), sources=names(source),
                      tags=names(tag), authors=names(author), langs=names(lang))  # fmt: skip
    return SearchRequest(
        query, filters, sort=sort, limit=limit, offset=offset, raw=raw, all_copies=all_copies
    )


needs_shared = pytest.mark.skipif(not (SHARED / "corpora").is_dir(), reason="../shared corpora not present")


BAD_QUERIES = ('"unclosed', "(((", "-only", "nosuchfield:x")
ODD_QUERIES = ("'; DROP TABLE articles; --", "title:", "NEAR(", "*", "\x1b[31mred", "AND OR NOT")


def check_hostile_queries(run, command: str, *args) -> None:
    """Queries that cannot be read give one `error:` line and exit 2; odd ones results, no
    results or such an error; none a traceback, and the terminal sees no escape."""
    for query in BAD_QUERIES:
        result = run(command, query, *args)
        assert result.exit_code == 2, query
        assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1, query
    for query in ODD_QUERIES:
        result = run(command, query, *args)
        assert result.exit_code in (0, 1, 2), query
        assert "Traceback" not in result.stderr and "\x1b" not in result.stdout
