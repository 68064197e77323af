"""README.md keeps its word: every `$ ...` example in it is run, and prints what it shows.

A fenced code block whose first line starts with `$ ` is an example: each `$ ` line is a
shell command, the lines up to the next one are what it prints (stdout and stderr, as on a
terminal). A last line of `...` means "and more": only the lines above it are compared.

Each block runs in a fresh folder holding `fixtures` (a link to the repository's) and
`demo.db`: the archive `make demo` makes (its import lines are read from the Makefile), or
no archive at all when the block starts by importing. `NEWSCLI_DB` is `demo.db`, output is
100 columns wide without colour. What varies from run to run is normalised: the folder (shown as
/home/you/newscli), today's import times (shown as 2025-01-06 09:30:00) and, when
comparing only, database sizes.

To rewrite the outputs in README.md from a real run: `python tests/test_readme.py --update`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SHOWN_ROOT = "/home/you/newscli"
SHOWN_TIME = ("2025-01-06", "09:30", "00")
COLUMNS = "100"
BIN = Path(sys.executable).parent


class Example:
    def __init__(self, start: int, commands: list[tuple[str, list[str]]]):
        self.start = start  # the line number of the block's first command in README.md
        self.commands = commands  # (command, expected output lines)

    @property
    def id(self) -> str:
        return f"line{self.start + 1}: {self.commands[0][0]}"[:80]


def read_examples(text: str) -> list[Example]:
    examples = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("```") and i + 1 < len(lines) and lines[i + 1].startswith("$ "):
            j = i + 1
            commands: list[tuple[str, list[str]]] = []
            while not lines[j].startswith("```"):
                if lines[j].startswith("$ "):
                    commands.append((lines[j][2:], []))
                else:
                    commands[-1][1].append(lines[j])
                j += 1
            examples.append(Example(i + 1, commands))
            i = j
        i += 1
    return examples


def demo_imports() -> list[list[str]]:
    """The `newscli ... import` lines of the Makefile's `demo` target, as argument lists."""
    import shlex

    lines = (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n")[1:]
    commands = []
    for line in lines:
        if not line.startswith("\t"):
            break
        words = shlex.split(line)
        if words and words[0].endswith("/newscli") and "import" in words:
            commands.append(words[words.index("import") + 1 :])
    assert commands, "the Makefile's demo target imports nothing"
    return commands


def _demo_archive(cache: Path) -> Path:
    """demo.db as `make demo` makes it."""
    db = cache / "demo.db"
    if not db.exists():
        cache.mkdir(parents=True, exist_ok=True)
        for args in demo_imports():
            done = subprocess.run(
                [str(BIN / "newscli"), "--db", str(db), "import", "--quiet", *args],
                cwd=ROOT, capture_output=True, timeout=120,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
    return db


def run_example(example: Example, workdir: Path, demo_db: Path) -> list[list[str]]:
    """Run the block's commands in `workdir`; the output lines of each, normalised."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "fixtures").symlink_to(ROOT / "fixtures")
    if not re.search(r"\bnewscli\b[^|]*\bimport\b", example.commands[0][0].split("|")[0]):
        shutil.copy(demo_db, workdir / "demo.db")
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "NEWSCLI_DB": "demo.db",
        "NO_COLOR": "1",
        "COLUMNS": COLUMNS,
        "PYTHONUNBUFFERED": "1",  # stdout and stderr interleaved as on a terminal
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
    }
    outputs = []
    for command, _ in example.commands:
        done = subprocess.run(
            ["bash", "-c", command], cwd=workdir, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=120,
        )  # fmt: skip
        outputs.append(shown(done.stdout.decode(), workdir))
    return outputs


def shown(output: str, workdir: Path) -> list[str]:
    """The output as README.md shows it: stable folder and import times, no trailing blanks."""
    for folder in {str(workdir.resolve()), str(workdir), str(ROOT)}:
        output = output.replace(folder, SHOWN_ROOT)
    now = datetime.now(UTC)
    for day in {(now - timedelta(days=d)).date().isoformat() for d in (0, 1)}:
        output = re.sub(
            rf"{day}([T ])\d\d:\d\d(:\d\d)?",
            lambda m: f"{SHOWN_TIME[0]}{m[1]}{SHOWN_TIME[1]}" + (f":{SHOWN_TIME[2]}" if m[2] else ""),
            output,
        )
    # imports made a minute apart show as one time, as imports in one minute do
    shown_minute = f"{SHOWN_TIME[0]} {SHOWN_TIME[1]}"
    output = output.replace(f"{shown_minute} to {shown_minute}", shown_minute)
    return [line.rstrip() for line in output.splitlines()]


def comparable(lines: list[str]) -> list[str]:
    """Database sizes depend on SQLite's version: compared as 'SIZE'."""
    text = "\n".join(lines)
    text = re.sub(r'"size_bytes": \d+', '"size_bytes": SIZE', text)
    text = re.sub(r"\(\d+(\.\d)? (bytes|KB|MB|GB)\)", "(SIZE)", text)
    return text.split("\n")


def expected_and_actual(expected: list[str], actual: list[str]) -> tuple[list[str], list[str]]:
    if expected and expected[-1] == "...":
        return comparable(expected[:-1]), comparable(actual[: len(expected) - 1])
    return comparable(expected), comparable(actual)


EXAMPLES = read_examples(README.read_text(encoding="utf-8"))


def test_readme_has_examples_of_every_command():
    from newscli.cli import cli

    commands = {c for example in EXAMPLES for c, _ in example.commands}
    for name in cli.commands:
        assert any(re.search(rf"\bnewscli\b[^|]*\b{name}\b", c) for c in commands), name


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_readme_example(example, tmp_path_factory):
    if any(re.search(r"\bjq\b", c) for c, _ in example.commands) and not shutil.which("jq"):
        pytest.skip("jq is not installed")
    demo_db = _demo_archive(tmp_path_factory.getbasetemp() / "readme-demo")
    outputs = run_example(example, tmp_path_factory.mktemp("readme"), demo_db)
    for (command, expected), actual in zip(example.commands, outputs, strict=True):
        want, got = expected_and_actual(expected, actual)
        assert got == want, f"README.md line {example.start + 1}: $ {command}"


def update() -> None:
    """Rewrite README.md's example outputs from a real run (keeping `...` cut-offs)."""
    import tempfile

    text = README.read_text(encoding="utf-8")
    lines = text.splitlines()
    with tempfile.TemporaryDirectory() as tmp:
        demo_db = _demo_archive(Path(tmp) / "demo")
        for n, example in reversed(list(enumerate(read_examples(text)))):
            outputs = run_example(example, Path(tmp) / f"ex{n}", demo_db)
            block = []
            for (command, expected), actual in zip(example.commands, outputs, strict=True):
                if expected and expected[-1] == "...":
                    actual = actual[: len(expected) - 1] + ["..."]
                block += [f"$ {command}", *actual]
            end = example.start + sum(1 + len(e) for _, e in example.commands)
            lines[example.start : end] = block
    README.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(__doc__)
    update()
