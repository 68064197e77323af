"""A generated folder of bad and strange files: each one is imported correctly or reported
with its reason, and the run goes on to the end."""

from __future__ import annotations

import json
import os
import random
import resource
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import newscli_exe, run_installed

from newscli.importers import MAX_TEXT_BYTES

MARKUP_TITLE = "[bold red]Loud[/bold red] [link=https://evil.example]click me[/link]"
ESCAPES_BODY = (
    "Plain start. \x1b[31mred\x1b[0m and \x1b]8;;https://evil.example\x1b\\a hyperlink"
    "\x1b]8;;\x1b\\ and \x1b]0;pwned title\x07 then\rOVERWRITE and \u202eevil\u202c bidi, "
    "bell\x07 backspace\x08 and \x9b31m C1 too."
)

# name -> (bytes, expected): expected is {"error": reason} or the stored fields to check.
CASES: dict[str, tuple[bytes, dict]] = {
    "empty.txt": (b"", {"error": "empty file"}),
    "blank-lines-only.txt": (b"\n \n\t\r\n\n", {"error": "empty file"}),
    "binary-random.txt": (
        bytes(random.Random(1).randrange(256) for _ in range(4096)) + b"\0",
        {"error": "binary file (contains NUL bytes)"},
    ),
    "png-named-txt.txt": (
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)),
        {"error": "binary file (contains NUL bytes)"},
    ),
    "nul-in-the-middle.txt": (
        b"Headline\n\nA body with a \0 NUL byte.\n",
        {"error": "binary file (contains NUL bytes)"},
    ),
    "utf16-without-bom.txt": (
        "Headline\n\nBody.\n".encode("utf-16-le"),
        {"error": "binary file (contains NUL bytes)"},
    ),
    "utf16-odd-length.txt": (b"\xff\xfeH\0e\0l", {"error": "invalid UTF-16 text"}),
    "date-line-only.txt": (
        b"14 May 2022\n",
        {"error": "no headline or text after the date line"},
    ),
    "huge-single-line.txt": (
        b"A line without end " * (50 * 1024 * 1024 // 19),
        {"error": f"too large for one article (over {MAX_TEXT_BYTES // 1024 // 1024} MB)"},
    ),
    "truncated-utf8.txt": (
        "Café society returns\n\nThe cafés of Kyiv reopened, coffee for 3 €".encode()[:-1],
        {"title": "Café society returns", "body": "The cafés of Kyiv reopened, coffee for 3 \ufffd"},
    ),
    "cp1252-ending-in-e-acute.txt": (
        "Night at the café\n\nWe met at the café".encode("cp1252"),
        {"title": "Night at the café", "body": "We met at the café"},
    ),
    "utf16-le-bom.txt": (
        "\ufeffКиїв прокидається\n\n3 March 2022\n\nТекст статті.\n".encode("utf-16-le"),
        {"title": "Київ прокидається", "published": "2022-03-03", "body": "Текст статті."},
    ),
    "utf16-be-bom.txt": (
        "\ufeffΑθήνα σήμερα\n\nΚείμενο.\n".encode("utf-16-be"),
        {"title": "Αθήνα σήμερα", "body": "Κείμενο."},
    ),
    "long-single-line.txt": (
        ("Opening sentence of a wall of text. " + "word " * 400_000).encode(),
        {"title": "Opening sentence of a wall of text.", "words": 7 + 400_000},
    ),
    "control-characters.txt": (
        b"Bell\x07 and backspace\x08 headline\n\nBody with \x01\x02\x7f inside.\n",
        {"title": "Bell\x07 and backspace\x08 headline", "body": "Body with \x01\x02\x7f inside."},
    ),
    "markup-and-escapes.txt": (
        f"{MARKUP_TITLE}\n\n2021-06-01\n\n{ESCAPES_BODY}\n".encode(),
        {
            "title": MARKUP_TITLE,
            "published": "2021-06-01",
            "body": ESCAPES_BODY.replace("\r", " "),
        },  # a lone CR ends a line (old Mac)
    ),
    "old-mac-cr-only.txt": (
        b"Mac headline\r\r5 June 2021\r\rFirst para.\r\rSecond para.\r",
        {"title": "Mac headline", "published": "2021-06-05", "body": "First para.\n\nSecond para."},
    ),
    "bidi-title.txt": (
        "\u202eevil\u202c \u2066isolate\u2069 title\n\nBody \u200fmark.\n".encode(),
        {"title": "\u202eevil\u202c \u2066isolate\u2069 title", "body": "Body \u200fmark."},
    ),
    "date-year-zero.txt": (
        b"Year zero\n\n0000-01-01\n\nBody of year zero.\n",
        {"title": "Year zero", "published": None, "body": "0000-01-01\n\nBody of year zero."},
    ),
    "date-year-one.txt": (
        b"Year one\n\n0001-01-01\n\nBody of year one.\n",
        {"title": "Year one", "published": "0001-01-01"},
    ),
    "date-9999-12-31.txt": (
        b"Far future\n\n9999-12-31\n\nBody of the far future.\n",
        {"title": "Far future", "published": "9999-12-31"},
    ),
    "date-31-february.txt": (
        b"Impossible day\n\n31 February 2021\n\nBody.\n",
        {"title": "Impossible day", "published": None, "body": "31 February 2021\n\nBody."},
    ),
    "date-29-february-non-leap.txt": (
        b"Not a leap year\n\n29 February 2021\n\nBody.\n",
        {"title": "Not a leap year", "published": None},
    ),
    "date-29-february-leap.txt": (
        b"A leap year\n\n29 February 2024\n\nBody.\n",
        {"title": "A leap year", "published": "2024-02-29"},
    ),
    "date-1e309.txt": (
        b"Overflowing float\n\n1e309\n\nBody.\n",
        {"title": "Overflowing float", "published": None, "body": "1e309\n\nBody."},
    ),
    "date-month-13.txt": (
        b"Month thirteen\n\n2021-13-01\n\nBody.\n",
        {"title": "Month thirteen", "published": None},
    ),
    b"latin1-name-\xe9t\xe9.txt".decode(errors="surrogateescape"): (
        b"Summer headline\n\nSummer body.\n",
        {"title": "Summer headline", "path_ends": "latin1-name-\\xe9t\\xe9.txt"},
    ),
    "escape-\x1b]0;pwned\x07-in-name.txt": (b"", {"error": "empty file"}),
}


def write_cases(folder):
    folder.mkdir()
    for name, (data, _) in CASES.items():
        with open(os.path.join(os.fsencode(folder), os.fsencode(name)), "wb") as f:
            f.write(data)
    os.mkfifo(folder / "named-pipe.txt")
    os.symlink(folder / "gone.txt", folder / "dangling-link.txt")
    return {
        **{str(folder / n): e for n, (_, e) in CASES.items()},
        str(folder / "named-pipe.txt"): {"error": "not a regular file (a pipe, socket or device)"},
        str(folder / "dangling-link.txt"): {"error": "No such file or directory"},
    }


def test_every_hostile_file_is_imported_or_reported_and_the_run_goes_on(tmp_path, db_path, record_property):
    expected = write_cases(tmp_path / "hostile")
    done = run_installed("--db", db_path, "import", tmp_path / "hostile", "--json", timeout=300)
    err = done.stderr.decode()
    assert done.returncode == 1, err
    assert "Traceback" not in err
    summary = json.loads(done.stdout)

    want_errors = {
        p.encode(errors="surrogateescape").decode(errors="backslashreplace"): e["error"]
        for p, e in expected.items()
        if "error" in e
    }
    assert {e["path"]: e["error"] for e in summary["errors"]} == want_errors
    assert summary["files"] == len(expected) - 1  # the pipe is not counted as a file read
    imported = {p: e for p, e in expected.items() if "error" not in e}
    assert summary["imported"] == len(imported)

    # The human messages on stderr: one line each, no escape sequence reaching the terminal.
    lines = err.splitlines()
    assert len(lines) == len(want_errors) + 1
    assert all(line.startswith("error: ") for line in lines[:-1])
    assert "\x1b" not in err and "\x07" not in err
    assert any(r"escape-\x1b]0;pwned\x07-in-name.txt: empty file" in line for line in lines)

    from conftest import rows

    stored = {r["title"]: r for r in rows(db_path, "SELECT * FROM articles")}
    for path, want in imported.items():
        article = stored[want["title"]]
        for key in ("body", "published", "words"):
            if key in want:
                assert article[key] == want[key], (path, key)
        if "path_ends" in want:
            assert article["path"].endswith(want["path_ends"])
    record_property("bad_files_tried", len(expected))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_named_on_the_command_line_is_still_read(tmp_path, db_path):
    """Only pipes met while walking a folder are refused: `import <(cat a.txt)` must work."""
    fifo = tmp_path / "stream.txt"
    os.mkfifo(fifo)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    import threading

    def feed():
        with open(fifo, "wb") as f:
            f.write(b"Piped headline\n\nPiped body.\n")

    writer = threading.Thread(target=feed)
    writer.start()
    done = run_installed("--db", db_path, "import", fifo, "--json")
    writer.join(timeout=30)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["imported"] == 1


@pytest.fixture
def edge_dates_db(tmp_path, run, db_path):
    folder = tmp_path / "edges"
    folder.mkdir()
    for name in ("date-year-one.txt", "date-9999-12-31.txt", "date-29-february-leap.txt"):
        (folder / name).write_bytes(CASES[name][0])
    assert run("import", folder, "--quiet").exit_code == 0
    return db_path


@pytest.mark.parametrize(
    "args,shown",
    [
        (("timeline", "--by", "year", "--json"), '"period": "9999"'),
        (("timeline", "far", "--by", "day"), "9999-12-31          1   █"),
        (("timeline", "far", "--by", "week", "--since", "9999-12"), "9999-W52          1   █"),
        (("timeline", "far", "--by", "month", "--until", "9999-12-31"), "9999-12"),
        (("timeline", "year", "one", "--by", "week"), "0001-W01          1   █"),
        (("timeline", "--list", "--by", "week"), "0001-W01"),
        (("search", "body", "--since", "9999-12-31", "--until", "9999-12-31", "--format", "ids"), None),
        (("search", "body", "--until", "0001-01-01", "--format", "ids"), None),
        (("search", "body", "--sort", "newest", "--format", "ids"), None),
    ],
)
def test_dates_at_the_ends_of_the_calendar_do_not_break_search_or_timeline(run, edge_dates_db, args, shown):
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    if shown:
        assert shown in result.stdout
    else:
        ids = result.stdout.split()
        want = {
            "--since": ["far future"],
            "--until": ["year one"],
            "--sort": ["far future", "a leap year", "year one"],
        }[args[2]]
        titles = [run("show", "--json", i).stdout for i in ids]
        assert [json.loads(t)["title"].lower() for t in titles] == want


def test_a_chart_up_to_9999_ends_on_the_last_day_there_is(run, edge_dates_db):
    result = run("timeline", "--by", "year", "--json")
    periods = json.loads(result.stdout)
    assert periods[0] == {"period": "0001", "start": "0001-01-01", "end": "0001-12-31", "count": 1}
    assert periods[-1] == {"period": "9999", "start": "9999-01-01", "end": "9999-12-31", "count": 1}
    assert len(periods) == 9999 and sum(p["count"] for p in periods) == 3


FILE_BITS = [b"\n", b"\r\n", b"\r", b"\n\n", b" ", b"\t", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
             b"\x00", b"\xe9", b"\xc3", b"\xc3\xa9", b"\xe2\x82", b"\x1b[2J", b"\x1b]0;x\x07",
             b"14 May 2022", b"2022-05-14", b"31 February 2021", b"0000-01-01", b"9999-12-31",
             b"By Jane Doe", b"Headline", b"body text.", b"[bold]", b"\xe2\x80\xae", b"1e309"]  # fmt: skip


def test_random_bytes_become_an_article_or_a_reason(tmp_path):
    """Whatever bytes a .txt file holds, the text importer gives back an article that
    stores and reads back exactly, or a problem with a reason: never an exception."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from newscli.archive import open_archive
    from newscli.importers import ImportProblem, import_paths
    from newscli.models import Article

    db = open_archive(tmp_path / "random.db", create=True)
    tried = []

    @settings(max_examples=200, deadline=None)
    @given(
        data=st.one_of(
            st.binary(max_size=300), st.lists(st.sampled_from(FILE_BITS), max_size=14).map(b"".join)
        )
    )
    def one_file(data):
        path = tmp_path / f"random-{len(tried)}.txt"
        path.write_bytes(data)
        tried.append(path)
        from newscli.importers import read_path

        items = list(read_path(str(path)))
        assert len(items) == 1
        item = items[0]
        if isinstance(item, ImportProblem):
            assert item.error and item.path == str(path)
            return
        assert isinstance(item, Article) and item.title.strip() and item.id
        summary = import_paths(db.conn, [str(path)])
        assert summary.failed == 0 and summary.imported + summary.duplicates == 1
        stored = db.conn.execute(
            "SELECT title, body, published FROM articles WHERE id = ?", (item.id,)
        ).fetchone()
        if summary.imported:  # else the same article (by id: case, spacing) came earlier
            assert stored == (item.title, item.body, item.published)
        assert stored is not None

    one_file()
    db.conn.close()
    assert len(tried) >= 200


# Hostile JSON, JSON Lines and CSV: name -> (bytes, {"error": reason} or {title: fields}).
RECORD_CASES: dict[str, tuple[bytes, dict]] = {
    "deeply-nested-array.json": (
        b"[" * 100_000 + b"]" * 100_000,
        {"error": "malformed JSON: nested deeper than 64 levels"},
    ),
    "deeply-nested-field.json": (
        b'[{"title": "Fine", "body": "First record."}, {"title": '
        + b'{"a":' * 50_000
        + b"1"
        + b"}" * 50_000
        + b', "body": "x"}]',
        {
            "error": "malformed JSON after record 1: nested deeper than 64 levels",
            "Fine": {"body": "First record."},
        },
    ),
    "deeply-nested-line.jsonl": (
        b'{"title": "Before", "body": "Line one."}\n'
        + b"[" * 100_000
        + b"]" * 100_000
        + b'\n{"title": "After", "body": "Line three."}\n',
        {
            "error": "record nested deeper than 64 levels",
            "line": 2,
            "Before": {"body": "Line one."},
            "After": {"body": "Line three."},
        },
    ),
    "number-where-a-string-belongs.json": (
        json.dumps(
            [{"title": 12345, "body": "Numbered headline."}, {"title": "Pi body", "body": 3.14}]
        ).encode(),
        {"12345": {"body": "Numbered headline."}, "Pi body": {"body": "3.14"}},
    ),
    "lone-surrogate-escape.jsonl": (
        b'{"title": "Lone \\ud800 surrogate", "body": "Body \\udcff here.", "desk": "\\ud83d"}\n',
        {"Lone \ufffd surrogate": {"body": "Body \ufffd here."}},
    ),
    "lone-low-surrogate.json": (b'[{"title": "Low \\udcff alone", "body": "b"}]', {}),
    "float-overflow-date.jsonl": (
        b'{"title": "Overflowing date", "body": "b", "published": 1e309}\n',
        {"Overflowing date": {"published": None}},
    ),
    "dates-at-the-edges.jsonl": (
        b'{"title": "Year nine thousand", "body": "b", "published": "9999-12-31"}\n'
        b'{"title": "February 31", "body": "b", "published": "2021-02-31"}\n'
        b'{"title": "Year zero", "body": "b", "published": "0000-01-01"}\n',
        {"Year nine thousand": {"published": "9999-12-31"}},
    ),
    "nul-byte.csv": (
        b"title,body\nGood row,Body one.\nNUL\x00row,Body two.\nAfter the NUL,Body three.\n",
        {"Good row": {"body": "Body one."}, "After the NUL": {"body": "Body three."}},
    ),
    "huge-field.csv": (
        b"title,body\nBig field," + b"x" * 300_000 + b"\nNext,row\n",
        {"Big field": {"words": 1}, "Next": {"body": "row"}},
    ),
    "unterminated-quote.csv": (
        b'title,body\n"unterminated,body\nNext,row\n',
        {"error": "row has 1 field, the header has 2", "line": 2},
    ),
    "billion-laughs.md": (
        (
            "---\ntitle: Laughs\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
            + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9))
            + "---\n\nBody.\n"
        ).encode(),
        {"error": "bad YAML front matter: aliases (*name) are not read in front matter", "line": 4},
    ),
    "truncated.json": (b'[{"title": "x", "body": ', {"error": "malformed JSON: parse error: premature EOF"}),
}


def test_hostile_json_and_csv_are_imported_or_reported_record_by_record(tmp_path, db_path, record_property):
    folder = tmp_path / "records"
    folder.mkdir()
    for name, (data, _) in RECORD_CASES.items():
        (folder / name).write_bytes(data)

    def at_most_2_gb():  # a regression here once took 24 GB: fail, do not take the machine
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    done = subprocess.run(
        [newscli_exe(), "--db", str(db_path), "import", str(folder), "--json"],
        capture_output=True,
        timeout=300,
        preexec_fn=at_most_2_gb,
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode()[-2000:]
    assert done.returncode == 1, done.stderr.decode()
    summary = json.loads(done.stdout)
    errors = {(Path(e["path"]).name, e["line"]): e["error"] for e in summary["errors"]}
    for name, (_, want) in RECORD_CASES.items():
        if "error" in want:
            assert errors.get((name, want.get("line"))) == want["error"], (name, errors)
    from conftest import rows

    stored = {r["title"]: r for r in rows(db_path, "SELECT * FROM articles")}
    for name, (_, want) in RECORD_CASES.items():
        for title, fields in want.items():
            if title in ("error", "line"):
                continue
            assert title in stored, (name, title, sorted(stored))
            for key, value in fields.items():
                assert stored[title][key] == value, (name, title, key)
    # yajl (ijson's fast backend) cannot decode a lone low surrogate in an array file: the
    # file is reported; ijson's pure-Python backend decodes it, and it is stored as U+FFFD.
    low = (("lone-low-surrogate.json", None), "malformed JSON: invalid \\u escape (a lone surrogate)")
    assert (errors.get(low[0]) == low[1]) != ("Low \ufffd alone" in stored)
    nul = [t for t in stored if t.startswith("NUL")]
    assert nul == ["NUL\x00row"]  # kept as given; terminals never see it (render.clean)
    record_property("bad_record_files_tried", len(RECORD_CASES))
