"""Article text, sources and queries holding Rich markup, ANSI/OSC escapes, carriage returns
and bidi controls: shown literally or stripped in every human output, kept byte-for-byte in
JSON."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from newscli.cli import cli

MARKUP_TITLE = "[bold red]Loud[/bold red] \x1b[7m[link=https://evil.example]click[/link]\x1b[0m quake\u202e!"
TITLE_SHOWN = "[bold red]Loud[/bold red] [link=https://evil.example]click[/link] quake!"
BODY = (
    "Quake report. \x1b[31mred\x1b[0m and \x1b]8;;https://evil.example\x1b\\a hyperlink"
    "\x1b]8;;\x1b\\ and \x1b]0;pwned title\x07 then \x1b[2J\x1b[H cleared, "
    "\u202eevil\u202c bidi, bell\x07 backspace\x08 and \x9b31m C1 quake."
)
SOURCE = "\x1b[5mBlink\x1b[0m [italic]Wire[/italic] \u202eesrever"
SUBTITLE = "Standfirst with \x1b]52;c;cGF5bG9hZA==\x07 a clipboard write"
# What must never reach a terminal from the data (our own colours may use plain SGR).
HOSTILE = re.compile(
    "\x1b\\]|\x07|\x08|\x9b|\r|\x1b\\[2J|\x1b\\[H|\x1b\\[5m|\x1b\\[31mred|\x1b\\[7m"
    "|[\u202a-\u202e\u2066-\u2069]"
)


@pytest.fixture
def hostile_db(tmp_path, db_path):
    article = tmp_path / "hostile.txt"
    article.write_text(f"{MARKUP_TITLE}\n\n{SUBTITLE}\n\n2021-06-01\n\n{BODY}\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--db", str(db_path), "import", str(article), "--source", SOURCE, "--json"]
    )
    assert json.loads(result.stdout)["imported"] == 1, result.output
    return db_path


def human(db_path, *args, color: bool):
    env = {"COLUMNS": "200"}
    env.update({"FORCE_COLOR": "1", "TERM": "xterm-256color", "NO_COLOR": ""} if color
               else {"NO_COLOR": "1"})  # fmt: skip
    result = CliRunner(env=env).invoke(cli, ["--db", str(db_path), *args])
    assert result.exit_code == 0, result.output
    for stream in (result.stdout, result.stderr):
        assert not HOSTILE.search(stream), (args, HOSTILE.search(stream), stream)
    if color:  # really drawn in colour: our own styles are there
        assert "\x1b[" in result.stdout + result.stderr
    else:
        assert "\x1b" not in result.stdout + result.stderr
    return result.stdout


HUMAN_COMMANDS = [
    ("show", "--", "quake"),  # replaced by the id below
    ("search", "quake"),
    ("search", "hyperlink", "--source", SOURCE),
    ("timeline", "quake", "--list"),
    ("timeline", "quake", "--by", "month"),
    ("timeline", "\x1b]0;pwned\x07quake", "--by", "month"),
]


@pytest.mark.parametrize("color", [False, True], ids=["no-color", "forced-color"])
@pytest.mark.parametrize(
    "args",
    HUMAN_COMMANDS,
    ids=["show", "search", "search-source", "timeline-list", "timeline-chart", "timeline-escaped-query"],
)
def test_human_output_shows_markup_literally_and_no_escapes(hostile_db, args, color):
    from conftest import rows

    (stored,) = rows(hostile_db, "SELECT id FROM articles")
    if args[0] == "show":
        args = ("show", stored["id"])
    out = human(hostile_db, *args, color=color)
    if args[0] == "show":
        plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
        lines = plain.splitlines()
        assert lines[0] == TITLE_SHOWN  # markup printed as text, not interpreted
        assert "Source: Blink [italic]Wire[/italic] esrever" in lines
        assert any(line.startswith("Quake report. red and a hyperlink and  then  cleared") for line in lines)
    elif args[0] == "search" or "--list" in args:
        plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
        assert "[bold red]Loud[/bold red]" in plain


def test_json_keeps_every_byte(hostile_db):
    from conftest import rows

    (stored,) = rows(hostile_db, "SELECT * FROM articles")
    assert (stored["title"], stored["subtitle"], stored["body"], stored["source"]) == (
        MARKUP_TITLE,
        SUBTITLE,
        BODY,
        SOURCE,
    )
    runner = CliRunner(env={"NO_COLOR": "1"})
    shown = json.loads(runner.invoke(cli, ["--db", str(hostile_db), "show", "--json", stored["id"]]).stdout)
    assert (shown["title"], shown["subtitle"], shown["body"], shown["source"]) == (
        MARKUP_TITLE,
        SUBTITLE,
        BODY,
        SOURCE,
    )
    found = json.loads(runner.invoke(cli, ["--db", str(hostile_db), "search", "quake", "--json"]).stdout)
    assert [(f["title"], f["source"]) for f in found] == [(MARKUP_TITLE, SOURCE)]
    lines = runner.invoke(cli, ["--db", str(hostile_db), "search", "quake", "--format", "jsonl"]).stdout
    assert json.loads(lines.splitlines()[0])["title"] == MARKUP_TITLE
    listed = json.loads(
        runner.invoke(cli, ["--db", str(hostile_db), "timeline", "quake", "--list", "--json"]).stdout
    )
    assert [(a["title"], a["source"]) for a in listed] == [(MARKUP_TITLE, SOURCE)]
