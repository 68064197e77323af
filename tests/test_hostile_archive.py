"""Archives that cannot or must not be written: a read-only file or folder, a full disk, a
file that is not SQLite, a newer schema. One line, exit 2, the file untouched; and reading a
read-only archive still works."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import ARTICLES, SEED_ID, newscli_exe, rows, run_installed
from generated_corpus import check_archive, write_corpus
from read_only_paths import IS_ROOT, read_only


@pytest.fixture
def archive_copy(tmp_path):
    """An archive of the fixtures, closed cleanly (no -wal left), in its own folder."""
    folder = tmp_path / "archive"
    folder.mkdir()
    db = folder / "news.db"
    done = run_installed("--db", db, "import", ARTICLES, "--quiet")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["news.db"]
    return db


def assert_one_line_error(done, exit_code: int, starts: str) -> None:
    err = done.stderr.decode()
    assert done.returncode == exit_code, err
    assert err.startswith(f"error: {starts}"), err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert done.stdout == b""


def test_importing_into_a_read_only_file_fails_in_one_line_and_reading_works(archive_copy):
    before = archive_copy.read_bytes()
    with read_only(archive_copy):
        done = run_installed("--db", archive_copy, "import", ARTICLES / "date-before-headline.txt")
        assert_one_line_error(done, 2, f"cannot write to {archive_copy}: the file is read-only (")
        shown = run_installed("--db", archive_copy, "show", "--json", SEED_ID[:8])
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["id"] == SEED_ID
        readable = run_installed("--db", archive_copy, "show", SEED_ID[:8])
        assert readable.stdout.decode().startswith("Ukraine claims Russian forces withdrawing")
    assert archive_copy.read_bytes() == before


def test_a_read_only_folder_refuses_writes_and_still_serves_reads(archive_copy):
    folder = archive_copy.parent
    before = archive_copy.read_bytes()
    with read_only(folder):
        done = run_installed("--db", archive_copy, "import", ARTICLES / "date-before-headline.txt")
        assert_one_line_error(done, 2, f"cannot write to {archive_copy}: its folder {folder} is read-only")
        new = folder / "new.db"
        made = run_installed("--db", new, "import", ARTICLES)
        assert_one_line_error(made, 2, f"cannot create {new}: the folder {folder} is read-only")
        # No -shm can be made here: SQLite's ordinary open fails; newscli reads it anyway.
        shown = run_installed("--db", archive_copy, "show", "--json", SEED_ID[:8])
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["title"].startswith("Ukraine claims Russian forces")
        missing = run_installed("--db", archive_copy, "show", "ffffffff")
        assert_one_line_error(missing, 1, "no article with id 'ffffffff'")
    assert sorted(p.name for p in folder.iterdir()) == ["news.db"]
    assert archive_copy.read_bytes() == before


def _can_mount_tmpfs(where: Path) -> bool:
    if not IS_ROOT or not shutil.which("mount"):
        return False
    where.mkdir()
    return (
        subprocess.run(
            # Room for the 3,000 generated articles with their indexes and story bands
            # (5.7 MB) and a WAL, once the filler is gone.
            ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(where)],
            capture_output=True,
        ).returncode
        == 0
    )


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    return filler


COMMITTED = r"; (\d+) articles? of this import were committed before\n"


@pytest.mark.parametrize("room", [0, 300 * 1024], ids=["full-from-the-start", "fills-up"])
def test_a_full_disk_stops_the_import_in_one_line_and_keeps_what_was_stored(tmp_path, room):
    disk = tmp_path / "disk"
    if not _can_mount_tmpfs(disk):
        pytest.skip("cannot mount a small tmpfs here (needs root); see the RLIMIT_FSIZE test")
    try:
        corpus = tmp_path / "corpus"
        titles = write_corpus(corpus, 3000, seed=21)
        db = disk / "news.db"
        first = run_installed("--db", db, "import", ARTICLES, "--quiet")
        assert first.returncode == 0
        base = check_archive(db)["articles"]
        filler = _fill(disk)
        os.truncate(filler, max(filler.stat().st_size - room, 0))
        done = run_installed("--db", db, "import", corpus)
        err = done.stderr.decode()
        assert done.returncode == 2, err
        if room:
            match = re.fullmatch(
                rf"error: cannot write to {re.escape(str(db))}: the disk is full" + COMMITTED, err
            )
            assert match, err
            committed = int(match[1])
        else:  # SQLite cannot even make its -shm file: refused at the door
            assert re.fullmatch(
                rf"error: cannot (open|write to) {re.escape(str(db))}: (the disk is full|disk "
                r"I/O error \(is the disk full or gone\?\))\n",
                err,
            ), err
            committed = 0
        filler.unlink()
        assert check_archive(db) == {
            "integrity": "ok",
            "articles": base + committed,
            "indexed": base + committed,
        }
        again = run_installed("--db", db, "import", corpus, "--quiet")
        assert again.returncode == 0, again.stderr
        found = {r["title"] for r in rows(db, "SELECT title FROM articles")}
        assert set(titles) <= found and len(found) == base + len(titles)
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_file_size_limit_stops_the_import_in_one_line_and_keeps_what_was_stored(tmp_path):
    """The same failure where no filesystem can be mounted: RLIMIT_FSIZE (EFBIG)."""
    corpus = tmp_path / "corpus"
    titles = write_corpus(corpus, 3000, seed=22)
    db = tmp_path / "limited.db"
    assert run_installed("--db", db, "import", ARTICLES, "--quiet").returncode == 0
    base = check_archive(db)["articles"]

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (512 * 1024, 512 * 1024))

    done = subprocess.run(
        [newscli_exe(), "--db", str(db), "import", str(corpus)],
        capture_output=True,
        preexec_fn=limit_file_size,
        timeout=120,
    )
    err = done.stderr.decode()
    assert done.returncode == 2, err
    match = re.fullmatch(
        rf"error: cannot write to {re.escape(str(db))}: disk I/O error \(is the disk full or "
        r"gone\?\)" + COMMITTED,
        err,
    )
    assert match, err
    stored = check_archive(db)
    committed = int(match[1])
    assert stored == {"integrity": "ok", "articles": base + committed, "indexed": base + committed}
    again = run_installed("--db", db, "import", corpus, "--quiet")
    assert again.returncode == 0, again.stderr
    assert check_archive(db)["articles"] == base + len(titles)


def _newer_schema(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO _newscli_migrations VALUES ('m099_later', '2030-01-01 00:00:00')")
    conn.commit()
    conn.close()


def _not_sqlite(db: Path) -> None:
    db.write_bytes(b"SQLite format 2\0 but really a spreadsheet\n" + bytes(range(256)) * 40)


def _other_app(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE invoices (n INTEGER)")
    conn.execute("INSERT INTO invoices VALUES (1)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    "make,message",
    [
        (_newer_schema, "made by a newer version of newscli (it has migration m099_later, "),
        (_not_sqlite, "not a newscli database (file is not a database)"),
        (_other_app, "not a newscli database ("),
    ],
    ids=["newer-schema", "not-sqlite", "other-app"],
)
def test_files_newscli_must_not_touch_are_refused_byte_for_byte(archive_copy, make, message):
    db = archive_copy
    if make is not _newer_schema:
        db.unlink()
    make(db)
    before = db.read_bytes()
    for args in (("import", ARTICLES), ("show", SEED_ID[:8]), ("show", "--json", SEED_ID)):
        done = run_installed("--db", db, *args)
        assert_one_line_error(done, 2, f"{db}: {message}")
    assert db.read_bytes() == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_device_given_as_the_database_is_refused(run):
    result = run("import", ARTICLES / "date-before-headline.txt", db="/dev/full")
    assert result.exit_code == 2
    assert result.stderr == "error: /dev/full: not a regular file (a device, pipe or socket)\n"


def test_a_read_only_archive_too_old_to_read_says_so(tmp_path, monkeypatch, run):
    from newscli import archive

    folder = tmp_path / "old"
    folder.mkdir()
    db = folder / "news.db"
    everything = list(archive.MIGRATIONS)
    monkeypatch.setattr(archive, "MIGRATIONS", everything[:1])
    archive.open_archive(db, create=True).conn.close()
    monkeypatch.setattr(archive, "MIGRATIONS", everything)
    before = db.read_bytes()
    with read_only(folder):
        result = run("show", SEED_ID, db=db)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {db}: made by an older newscli and needs upgrading, but its folder {folder} "
        "is read-only (SQLite writes its -wal and -shm files there)\n"
    )
    assert db.read_bytes() == before
