"""What keeps the frequent commands fast, checked as facts rather than timings: the modules
a search loads, and the page size of a new archive (how close its size stays to its text)."""

import json
import sqlite3
import subprocess
import sys

from conftest import ARTICLES

from newscli.archive import PAGE_SIZE, open_archive

# Heavy or unrelated to searching: a search printing JSON must not load any of them.
NOT_FOR_SEARCH = ["rich", "sqlite_utils", "dateutil", "csv", "newscli.dates",
                  "newscli.timeline", "newscli.importers", "newscli.articles",
                  "concurrent.futures", "multiprocessing"]  # fmt: skip


def modules_loaded_by(args: list[str]) -> set[str]:
    code = (
        "import sys\n"
        "from newscli.cli import cli\n"
        "try:\n"
        f"    cli({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('\\n' + '\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return set(done.stderr.split("\n"))


def test_search_json_loads_nothing_it_does_not_need(fixtures_db):
    loaded = modules_loaded_by(["--db", str(fixtures_db), "search", "kharkiv", "--json"])
    assert "newscli.search" in loaded  # the search did run
    assert {m for m in NOT_FOR_SEARCH if m in loaded} == set()


def test_help_loads_no_library_module():
    loaded = modules_loaded_by(["--help"])
    assert "click" in loaded
    assert {m for m in loaded if m.startswith("newscli.")} <= {"newscli.cli", "newscli.render",
                                                                "newscli.interrupts"}  # fmt: skip
    assert {"sqlite3", "rich", "sqlite_utils", "dateutil"} & loaded == set()


def test_library_errors_still_map_to_one_line(fixtures_db, run):
    result = run("search", '"unclosed', "--raw")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_new_archive_has_large_pages_and_old_ones_keep_theirs(tmp_path):
    new = tmp_path / "new.db"
    open_archive(new, create=True).conn.close()
    conn = sqlite3.connect(new)
    assert conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 16384
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()

    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.execute("PRAGMA page_size = 4096")
    conn.execute("CREATE TABLE t (x)")  # the file now exists with 4 KB pages
    conn.execute("DROP TABLE t")
    conn.close()
    open_archive(old, create=True).conn.close()
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    conn.close()


def test_import_then_search_through_the_console_script(tmp_path):
    from conftest import run_installed

    db = tmp_path / "x.db"
    done = run_installed("--db", db, "import", ARTICLES, "--quiet")
    assert done.returncode == 0, done.stderr
    done = run_installed("--db", db, "search", "kharkiv", "--json")
    assert done.returncode == 0, done.stderr
    titles = [r["title"] for r in json.loads(done.stdout)]
    assert "Ukraine claims Russian forces withdrawing from Kharkiv" in titles
