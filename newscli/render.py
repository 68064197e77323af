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
    if article.get("tags"):
        meta.append(("Tags", clean(", ".join(article["tags"]), one_line=True)))
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


_NO_MAPPING = {
    "text": "plain-text layout (headline, dates, body)",
    "markdown": "Markdown: heading and text, no front matter",
    "html": "extracted from the page (title, date, authors, site, canonical url, main text)",
}


def render_dry_run(console, previews) -> None:
    """What `import --dry-run` found: per file, its format, field mapping and first records."""
    from rich.text import Text

    def line(label: str, value: str, indent: int = 2, width: int = 11) -> None:
        text = Text(" " * indent)
        text.append(f"{label:<{width}}", style="dim")
        text.append(value)
        console.print(text)

    for n, preview in enumerate(previews):
        if n:
            console.print()
        header = Text(clean(preview.path, one_line=True), style="bold")
        if preview.format:
            header.append(f"  ({preview.format})", style="dim")
        console.print(header)
        if preview.mapping is not None:
            for field, column in preview.mapping.items():
                line(field, "← " + clean(column, one_line=True))
            if preview.format == "markdown":
                line("body", "← the text after the front matter")
            if preview.extra_fields:
                line("extra", "← " + clean(", ".join(preview.extra_fields), one_line=True))
        elif preview.format in _NO_MAPPING and preview.records:
            line("fields", _NO_MAPPING[preview.format])
        for number, record in enumerate(preview.records, start=1):
            console.print(Text(f"  record {number}", style="bold"))
            for key in ("title", "subtitle", "published", "retrieved", "source", "url"):
                if record.get(key):
                    line(key, clean(str(record[key]), one_line=True), indent=4)
            for key in ("authors", "tags"):
                if record.get(key):
                    line(key, clean(", ".join(record[key]), one_line=True), indent=4)
            if record.get("extra"):
                extra = json.dumps(record["extra"], ensure_ascii=False)
                line("extra", clean(extra if len(extra) <= 200 else extra[:199] + "…", one_line=True),
                     indent=4)  # fmt: skip
            line("body", clean(record["body"], one_line=True), indent=4)
        for problem in preview.problems:
            console.print(Text("  error: " + clean(str(problem), one_line=True)))
