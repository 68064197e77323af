"""The fast paths of the importer give exactly what the plain ones give.

Import speed is measured by benchmarks/run.py, never here: these tests only check that the
shortcuts (whitespace fast paths, folder-resolving cache, parsing in a child process) do
not change a single stored value.
"""

import os
import re
import sqlite3
from pathlib import Path

import pytest
from conftest import ARTICLES, BAD, rows
from hypothesis import given, settings
from hypothesis import strategies as st

from newscli import importers
from newscli.archive import open_archive
from newscli.dates import parse_date_line
from newscli.importers import ImportWorkerError, import_paths, resolved_path
from newscli.importers.text import HEADER_BLOCKS, split_paragraphs
from newscli.models import collapse_whitespace, count_words, normalise_for_id

# Text made of the characters whose handling differs between the fast and the plain paths.
ALPHABET = ["a", "B", "7", " ", "  ", "\n", "\n\n", "\t", "\r", "\r\n", "\x0c", "\x1c",
            "\u00a0", "\u2028", "é", "May", "14 May 2022", "2022-05-14"]  # fmt: skip
texts = st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join)


def reference_split_paragraphs(text: str) -> list[tuple[int, str]]:
    """split_paragraphs as first written (regex collapsing, every line stripped)."""
    space = re.compile(r"[^\S\n]+")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0

    def flush() -> None:
        if current:
            blocks.append((start, space.sub(" ", " ".join(current)).strip()))
            current.clear()

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            flush()
        elif len(blocks) < HEADER_BLOCKS + 2 and parse_date_line(line):
            flush()
            blocks.append((number, line))
        else:
            if not current:
                start = number
            current.append(line)
    flush()
    return blocks


@settings(max_examples=400, deadline=None)
@given(texts)
def test_whitespace_fast_paths_equal_split_and_join(text):
    assert collapse_whitespace(text) == " ".join(text.split())
    assert count_words(text) == len(text.split())
    assert normalise_for_id(text) == re.sub(r"\s+", " ", text).strip().casefold() or (
        not text.isascii()  # NFKC may change non-ASCII text; ASCII text it leaves alone
    )


@settings(max_examples=400, deadline=None)
@given(texts)
def test_split_paragraphs_equals_the_plain_version(text):
    assert split_paragraphs(text) == reference_split_paragraphs(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("a b\n\nc d", "a b c d"),  # tidy: returned as is, paragraph breaks as spaces
        ("a  b\n\n\nc", "a b c"),
        (" a\tb ", "a b"),
        ("caf\u00e9\u00a0au lait", "caf\u00e9 au lait"),
        ("", ""),
    ],
)
def test_collapse_whitespace_examples(text, expected):
    assert collapse_whitespace(text) == expected


def test_resolved_path_equals_path_resolve(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.txt").write_text("x")
    (tmp_path / "link").symlink_to(real)
    (real / "b.txt").symlink_to(real / "a.txt")
    os.chdir(tmp_path)
    for name in [
        "link/a.txt",
        str(tmp_path / "link" / "a.txt"),
        "real/b.txt",
        "link/b.txt",
        "./real/../real/a.txt",
    ]:
        assert resolved_path(name) == str(Path(name).resolve()), name


def _import(db: Path, paths, parallel: bool):
    conn = open_archive(db, create=True).conn
    seen_files, problems = [], []
    try:
        summary = import_paths(
            conn, paths, parallel=parallel, on_file=seen_files.append, on_problem=problems.append
        )
    finally:
        conn.close()
    return summary, seen_files, [str(p) for p in problems]


COLUMNS = "seq, id, title, subtitle, body, published, retrieved, source, url, authors, path, words"


def test_parallel_and_serial_imports_store_the_same(tmp_path):
    inputs = [str(ARTICLES), str(BAD), str(tmp_path / "missing.txt"), str(ARTICLES)]
    serial = _import(tmp_path / "serial.db", inputs, parallel=False)
    parallel = _import(tmp_path / "parallel.db", inputs, parallel=True)
    assert parallel[0].as_dict() == serial[0].as_dict()
    assert parallel[1:] == serial[1:]
    good = [f for f in ARTICLES.iterdir() if not f.name.startswith(".")]
    assert serial[0].imported + serial[0].duplicates == 2 * len(good)
    assert serial[0].imported > 10
    bad = [f for f in BAD.iterdir() if not f.name.startswith(".")]
    assert len(serial[2]) == len(bad) + 1  # each bad file and the missing path
    sql = f"SELECT {COLUMNS} FROM articles ORDER BY seq"
    assert rows(tmp_path / "parallel.db", sql) == rows(tmp_path / "serial.db", sql)
    # The index was filled for every row in both.
    fts = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'kharkiv' ORDER BY rowid"
    assert rows(tmp_path / "parallel.db", fts) == rows(tmp_path / "serial.db", fts) != []


def test_parallel_import_of_many_files_keeps_their_order(tmp_path):
    folder = tmp_path / "many"
    for n in range(1200):  # several chunks of events
        sub = folder / f"{n // 500:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{n:05d}.txt").write_text(f"{n % 28 + 1} May 2021\n\nTitle {n}\n\nBody {n}.\n")
    summary, files, _ = _import(tmp_path / "many.db", [str(folder)], parallel=True)
    assert summary.imported == 1200 and files == sorted(files)
    stored = rows(tmp_path / "many.db", "SELECT title, published FROM articles ORDER BY seq")
    assert [r["title"] for r in stored] == [f"Title {n}" for n in range(1200)]
    assert stored[27]["published"] == "2021-05-28"
    conn = sqlite3.connect(tmp_path / "many.db")
    assert conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'title'").fetchone() == (
        1200,
    )
    conn.close()


def _broken_reader(stream, path, *rest):
    raise RuntimeError("reader bug")


def test_a_failing_parser_process_is_one_error(tmp_path, monkeypatch):
    monkeypatch.setitem(importers.READERS, "text", _broken_reader)
    with pytest.raises(ImportWorkerError, match="the parsing process failed: .*reader bug"):
        _import(tmp_path / "x.db", [str(ARTICLES)], parallel=True)


def test_cli_reports_a_failing_parser_process_in_one_line(run, monkeypatch):
    monkeypatch.setattr(importers, "_can_fork", lambda: True)
    monkeypatch.setitem(importers.READERS, "text", _broken_reader)
    result = run("import", ARTICLES)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: the parsing process failed:")
    assert "reader bug" in result.stderr and "Traceback" not in result.stderr
