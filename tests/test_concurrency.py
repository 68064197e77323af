"""Reading while another process imports, and two imports into one file at once: no
`database is locked`, consistent answers, nothing corrupted or lost."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ARTICLES, newscli_exe, rows, run_installed
from generated_corpus import check_archive, write_corpus

from newscli.importers.text import decode_text, parse_text_article

HERE = Path(__file__).resolve().parent


def article_ids(files: list[Path]) -> dict[str, str]:
    found = {}
    for path in files:
        article = parse_text_article(decode_text(path.read_bytes()))
        found[article.id] = article.title
    return found


def wait_for_schema(db: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None or proc.returncode == 0
        if db.exists():
            conn = sqlite3.connect(db, timeout=30)
            try:
                if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchone():
                    return
            finally:
                conn.close()
        time.sleep(0.02)
    raise AssertionError("the import never made the schema")


READER_LOOPS = 10  # each: 4 shows, 2 searches, a timeline, a snapshot


def wait_for_first_batch(db: Path, proc: subprocess.Popen, total: int) -> int:
    """Wait until the import has committed some articles but not all; return how many."""
    conn = sqlite3.connect(db, timeout=30)
    try:
        while proc.poll() is None:
            stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            if 0 < stored < total:
                return stored
            time.sleep(0.002)
    finally:
        conn.close()
    raise AssertionError("the import ended before a batch of it could be seen")


def wait_for_loops(progress: Path, reader: subprocess.Popen, loops: int) -> None:
    while progress.stat().st_size < loops:
        assert reader.poll() is None, reader.communicate()[1].decode()
        time.sleep(0.01)


@pytest.mark.slow
def test_reading_while_another_process_imports(tmp_path, record_property):
    corpus = tmp_path / "corpus"
    titles = write_corpus(corpus, 6000, seed=5)
    files = sorted(corpus.rglob("*.txt"))
    # Ids from the first batch, the middle and the very end of the import.
    watched = article_ids([files[0], files[1999], files[3000], files[-1]])
    expected_file = tmp_path / "expected.json"
    expected_file.write_text(json.dumps({**watched, "total": len(titles)}))
    db = tmp_path / "busy.db"
    stop = tmp_path / "stop"

    progress = tmp_path / "reader-loops"
    progress.touch()

    importer = subprocess.Popen(
        [newscli_exe(), "--db", str(db), "import", str(corpus), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_for_schema(db, importer)
    reader = subprocess.Popen(
        [sys.executable, str(HERE / "concurrent_reader.py"), str(db), str(stop), str(expected_file),
         str(progress)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    # However busy the machine, the reader gets its loops in while the import is under way:
    # once a first batch is committed, the importer is stopped (in the middle of its work,
    # maybe inside a transaction) until the reader has been round READER_LOOPS times.
    stored = wait_for_first_batch(db, importer, total=len(titles))
    importer.send_signal(signal.SIGSTOP)
    try:
        wait_for_loops(progress, reader, READER_LOOPS)
    finally:
        importer.send_signal(signal.SIGCONT)
    # Meanwhile, the installed command in its own processes: `show` and a second, small import.
    installed_shows = second_imports = 0
    first_id = next(iter(watched))
    seen_first = False
    while importer.poll() is None:
        shown = run_installed("--db", db, "show", "--json", first_id)
        installed_shows += 1
        if shown.returncode == 1 and not seen_first:  # its batch is not committed yet
            assert shown.stderr == f"error: no article with id {first_id!r}\n".encode()
        else:
            assert shown.returncode == 0, shown.stderr
            assert json.loads(shown.stdout)["title"] == watched[first_id]
            seen_first = True
        again = run_installed("--db", db, "import", ARTICLES / "date-before-headline.txt", "--json")
        assert again.returncode == 0, again.stderr
        summary = json.loads(again.stdout)
        assert summary["imported"] + summary["duplicates"] == 1
        assert b"locked" not in again.stderr
        second_imports += 1
    out, err = importer.communicate(timeout=120)
    assert importer.returncode == 0, err.decode()
    stop.touch()
    reader_out, reader_err = reader.communicate(timeout=120)
    assert reader.returncode == 0, reader_err.decode()
    figures = json.loads(reader_out)

    assert figures["problems"] == []
    assert 0 < stored < len(titles)
    assert figures["shows"] >= 40 and figures["snapshots"] >= 10 and figures["searches"] >= 20
    assert figures["found"] > 0
    assert installed_shows >= 1
    summary = json.loads(out)
    assert summary["imported"] + summary["duplicates"] == len(titles)
    assert check_archive(db) == {"integrity": "ok", "articles": len(titles) + 1, "indexed": len(titles) + 1}
    record_property("concurrent_shows", figures["shows"] + installed_shows)
    record_property("concurrent_snapshots", figures["snapshots"])
    record_property("concurrent_searches", figures["searches"])
    record_property("concurrent_timelines", figures["timelines"])
    record_property("concurrent_second_imports", second_imports)


@pytest.mark.slow
def test_two_imports_at_once_into_a_new_file_both_finish(tmp_path, record_property):
    corpus = tmp_path / "corpus"
    titles = write_corpus(corpus, 3000, seed=9, per_folder=250)
    parts = sorted(corpus.iterdir())
    first, second = parts[:8], parts[4:]  # 1,000 articles in both
    for round_ in range(2):
        db = tmp_path / f"both-{round_}.db"
        procs = [
            subprocess.Popen(
                [newscli_exe(), "--db", str(db), "import", *map(str, half), "--json"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for half in (first, second)
        ]
        outs = [p.communicate(timeout=120) for p in procs]
        for proc, (_out, err) in zip(procs, outs, strict=True):
            assert proc.returncode == 0, err.decode()
            assert b"locked" not in err
        summaries = [json.loads(out) for out, _ in outs]
        assert sum(s["imported"] for s in summaries) == len(titles)
        assert sum(s["duplicates"] for s in summaries) == 1000
        found = rows(db, "SELECT title FROM articles")
        assert sorted(r["title"] for r in found) == sorted(titles)
        assert check_archive(db) == {"integrity": "ok", "articles": len(titles), "indexed": len(titles)}
    # Many starts at the same moment into a new file, where both processes make the schema.
    alone = run_installed("--db", tmp_path / "alone.db", "import", ARTICLES, "--json")
    fixture_articles = json.loads(alone.stdout)["imported"]
    files = fixture_articles + json.loads(alone.stdout)["duplicates"]
    for round_ in range(8):
        db = tmp_path / f"new-{round_}.db"
        procs = [
            subprocess.Popen(
                [newscli_exe(), "--db", str(db), "import", str(ARTICLES), "--json"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
        summaries = [json.loads(out) for out, _ in outs]
        assert sum(s["imported"] for s in summaries) == fixture_articles
        assert sum(s["duplicates"] for s in summaries) == 2 * files - fixture_articles
        assert check_archive(db) == {
            "integrity": "ok",
            "articles": fixture_articles,
            "indexed": fixture_articles,
        }
    record_property("simultaneous_import_rounds", 10)


def test_a_second_process_migrating_the_same_new_file_waits_and_skips(db_path):
    """Two imports creating one file: the second one's migration starts only after the
    first committed it; it must notice, not run CREATE TABLE again."""
    import sqlite_utils

    from newscli import archive

    late = sqlite3.connect(db_path, isolation_level=None, timeout=30)
    first_begin = []

    def other_process_migrates_first(sql: str) -> None:
        if sql.startswith("BEGIN") and not first_begin:
            first_begin.append(sql)
            try:
                archive.open_archive(db_path, create=True).conn.close()
            except Exception as e:  # SQLite would swallow it: keep it for the assert
                first_begin.append(e)

    late.set_trace_callback(other_process_migrates_first)
    assert archive.migrate(sqlite_utils.Database(late)) == []
    late.set_trace_callback(None)
    assert first_begin == ["BEGIN IMMEDIATE"]
    assert late.execute("PRAGMA user_version").fetchone()[0] == len(archive.MIGRATIONS)
    names = [r[0] for r in late.execute("SELECT name FROM _newscli_migrations")]
    assert names == [name for name, _ in archive.MIGRATIONS]


@pytest.mark.parametrize(
    "args",
    [("show", "79019f60"), ("search", "kharkiv"), ("import", str(ARTICLES / "date-before-headline.txt"))],
)
def test_an_archive_locked_by_another_program_is_a_one_line_error(run, fixtures_db, monkeypatch, args):
    """Another program holding the file locked longer than the wait: told in our words."""
    from newscli import archive

    monkeypatch.setattr(archive, "BUSY_TIMEOUT_MS", 300)
    other = sqlite3.connect(fixtures_db, isolation_level=None)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    try:
        result = run(*args)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: cannot open {fixtures_db}: another program kept it locked for 0.3 s; try again "
        "when it is done\n"
    )


def test_an_import_waiting_too_long_for_another_writer_stops_in_one_line(run, fixtures_db, monkeypatch):
    from newscli import archive

    monkeypatch.setattr(archive, "BUSY_TIMEOUT_MS", 300)
    other = sqlite3.connect(fixtures_db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer, in the middle of a long transaction
    try:
        shown = run("show", "--json", "79019f60")  # reading is not held up
        result = run("import", ARTICLES / "date-before-headline.txt")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert shown.exit_code == 0 and json.loads(shown.stdout)["id"].startswith("79019f60")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: cannot write to {fixtures_db}: another program kept it locked for 0.3 s; try "
        "again when it is done; 0 articles of this import were committed before\n"
    )


def _open_new_archive(path: str, start, results) -> None:
    from newscli.archive import open_archive

    start.wait()
    try:
        open_archive(Path(path), create=True).conn.close()
        results.put("ok")
    except Exception as e:  # noqa: BLE001 - sent to the test, which asserts on it
        results.put(f"{Path(path).name}: {e}")


def test_opening_one_new_file_from_several_processes_at_once(tmp_path):
    """SQLite refuses a journal-mode change at once (no busy handler) when another
    process holds a lock on the new file: opening the archive must wait instead."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    outcomes = []
    for round_ in range(100):
        start, results = ctx.Barrier(2), ctx.Queue()
        procs = [
            ctx.Process(target=_open_new_archive, args=(str(tmp_path / f"{round_}.db"), start, results))
            for _ in range(2)
        ]
        for p in procs:
            p.start()
        outcomes += [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join()
    assert [o for o in outcomes if o != "ok"] == []
    assert len(outcomes) == 200
