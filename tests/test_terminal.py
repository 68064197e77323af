"""On a real terminal (a pseudo-terminal here): colours, NO_COLOR, --no-color, the pager."""

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios

import pytest
from conftest import SEED_ID, newscli_exe, run_installed

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

SGR = re.compile(r"\x1b\[([0-9;]*)m")


def colour_codes(text: str) -> set[str]:
    """The colour parameters (foreground/background) in the text's SGR sequences."""
    found = set()
    for params in SGR.findall(text):
        parts = params.split(";")
        found.update(p for p in parts if re.fullmatch(r"3[0-9]|4[0-9]|9[0-7]|10[0-7]", p))
    return found


def run_in_terminal(*args, env=None, columns=100, timeout=60) -> str:
    """Run the installed newscli with stdin, stdout and stderr on a pseudo-terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, columns, 0, 0))
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    full_env.update({"TERM": "xterm-256color", **(env or {})})
    proc = subprocess.Popen(
        [newscli_exe(), *map(str, args)], stdin=slave, stdout=slave, stderr=slave, env=full_env
    )
    os.close(slave)
    chunks = []
    try:
        while select.select([master], [], [], timeout)[0]:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the other end has closed
                break
            if not data:
                break
            chunks.append(data)
        assert proc.wait(timeout=timeout) == 0
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.fixture
def sourced_db(tmp_path):
    db = tmp_path / "term.db"
    from conftest import ARTICLES

    done = run_installed("--db", db, "import", "-q", "--source", "BBC", ARTICLES)
    assert done.returncode == 0
    return db


def test_colours_on_a_terminal_and_none_with_no_color(sourced_db):
    coloured = run_in_terminal("--db", sourced_db, "stats")
    assert "Articles   16 (14 dated, 2 undated)" in SGR.sub("", coloured)
    assert colour_codes(coloured)  # the table headings are coloured on a terminal
    for env, args in (({"NO_COLOR": "1"}, []), ({}, ["--no-color"])):
        plain = run_in_terminal("--db", sourced_db, *args, "stats", env=env)
        assert colour_codes(plain) == set()
        assert SGR.sub("", plain) == SGR.sub("", coloured)


def test_terminal_width_is_honoured(sourced_db):
    for columns in (50, 100):
        out = SGR.sub("", run_in_terminal("--db", sourced_db, "--no-color", "show", "--no-pager",
                                          SEED_ID, columns=columns))  # fmt: skip
        widths = [len(line) for line in out.splitlines()]
        assert max(widths) <= columns and max(widths) > columns - 15


def test_show_goes_through_the_pager_on_a_terminal(sourced_db, tmp_path):
    paged = tmp_path / "paged.txt"
    pager = {"PAGER": f"sh -c 'cat > {paged}'"}
    out = run_in_terminal("--db", sourced_db, "show", SEED_ID, env=pager)
    text = SGR.sub("", paged.read_text())
    assert text.startswith("Ukraine claims Russian forces withdrawing from Kharkiv\n")
    assert f"Id: {SEED_ID}" in text and "After months of severe warfare" in text
    assert "After months" not in out  # the pager had it, not the terminal directly
    paged.unlink()
    # --no-pager: straight to the terminal
    out = run_in_terminal("--db", sourced_db, "show", "--no-pager", SEED_ID, env=pager)
    assert not paged.exists()
    assert "After months of severe warfare" in SGR.sub("", out)


def test_never_paged_when_output_is_not_a_terminal(sourced_db, tmp_path):
    paged = tmp_path / "paged.txt"
    done = run_installed("--db", sourced_db, "show", SEED_ID,
                         env={"PAGER": f"sh -c 'cat > {paged}'"})  # fmt: skip
    assert done.returncode == 0 and not paged.exists()
    assert done.stdout.decode().startswith("Ukraine claims Russian forces withdrawing from Kharkiv\n")
    assert "\x1b" not in done.stdout.decode()


@pytest.mark.parametrize("command", [["search", "kharkiv"], ["timeline", "--by", "year"]])
def test_no_color_reaches_every_command(sourced_db, command):
    coloured = run_in_terminal("--db", sourced_db, *command)
    assert SGR.search(coloured)  # styled on a terminal (search: bold and reverse only)
    plain = run_in_terminal("--db", sourced_db, "--no-color", *command)
    assert colour_codes(plain) == set()
    assert SGR.sub("", plain) == SGR.sub("", coloured)
