"""Everything that turns data into what the user sees: Rich for people, JSON for scripts.

Article text is data, never markup: it goes through `clean` (no control or escape
characters reach the terminal) and into `rich.text.Text`, which does not parse markup.
Rich is imported inside the functions that draw, so commands printing JSON never load it.
"""

from __future__ import annotations

import json
import re
import sys
from typing import IO, Any

# ANSI/VT escape sequences (CSI, OSC, and two-character ESC forms), then any single control
# character left: C0 but tab and newline, DEL, C1, and the bidi overrides and isolates.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str | None, *, one_line: bool = False) -> str:
    """Text safe to print on a terminal: escapes and control characters removed."""
    if not text:
        return ""
    text = _CONTROLS.sub("", _ESCAPES.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    if one_line:
        text = " ".join(text.split())
    return text


def make_console(*, stderr: bool = False, no_color: bool = False, width: int | None = None):
    from rich.console import Console

    return Console(
        stderr=stderr,
        no_color=no_color or None,
        highlight=False,
        markup=False,
        emoji=False,
        width=width,
        soft_wrap=False,
    )


def write_json(data: Any, out: IO[str] | None = None) -> None:
    out = out or sys.stdout
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def render_article(console, article: dict) -> None:
    """An article for reading: headline, standfirst, dates and source, then the body."""
    from rich.text import Text

    console.print(Text(clean(article["title"], one_line=True), style="bold"))
    if article.get("subtitle"):
        console.print(Text(clean(article["subtitle"]), style="italic"))
    meta = []
    for label, key in (("Published", "published"), ("Retrieved", "retrieved"),
                       ("Source", "source"), ("URL", "url")):  # fmt: skip
        if article.get(key):
            meta.append((label, clean(str(article[key]), one_line=True)))
    if article.get("authors"):
        meta.append(("Authors", clean(", ".join(article["authors"]), one_line=True)))
    meta.append(("Id", article["id"]))
    console.print()
    for label, value in meta:
        line = Text()
        line.append(f"{label}: ", style="dim")
        line.append(value)
        console.print(line)
    console.print()
    for paragraph in clean(article["body"]).split("\n\n"):
        console.print(Text(paragraph))
        console.print()


class import_progress:
    """A spinner with a file count on stderr, for imports run from a terminal."""

    def __enter__(self):
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.completed} files"),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=make_console(stderr=True),
            transient=True,
        )
        self._progress.__enter__()
        self._task = self._progress.add_task("", total=None)
        return self.advance

    def advance(self, path: str) -> None:
        name = clean(path, one_line=True)
        self._progress.update(self._task, advance=1, description=name[-60:])

    def __exit__(self, *exc) -> None:
        self._progress.__exit__(*exc)
