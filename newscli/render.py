"""Everything that turns data into what the user sees: Rich for people, JSON for scripts.

Article text is data, never markup: it goes through `clean` (no control or escape
characters reach the terminal) and into `rich.text.Text`, which does not parse markup.
Rich is imported inside the functions that draw, so commands printing JSON never load it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
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


def make_console(
    *,
    stderr: bool = False,
    no_color: bool = False,
    width: int | None = None,
    file: IO[str] | None = None,
    force_terminal: bool | None = None,
):
    """A console for our output: no markup or highlighting of data; NO_COLOR, COLUMNS honoured."""
    from rich.console import Console

    return Console(
        file=file,
        force_terminal=force_terminal,
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


def show_articles(articles: list[dict], *, no_color: bool = False, pager: bool = True) -> None:
    """`newscli show`: through the user's pager when both ends are a terminal, else printed.

    less is given -FRX unless $LESS says otherwise (as git does): it keeps colours, quits
    at once when the text fits on one screen, and leaves the text on the screen after.
    """
    import os

    def draw(console) -> None:
        for n, article in enumerate(articles):
            if n:
                console.rule()
            render_article(console, article)

    if not (pager and sys.stdin.isatty() and sys.stdout.isatty()):
        draw(make_console(no_color=no_color))
        return
    import io

    import click

    buffer = io.StringIO()
    draw(make_console(no_color=no_color, file=buffer, force_terminal=True))
    os.environ.setdefault("LESS", "-FRX")
    click.echo_via_pager(buffer.getvalue())


class import_progress:
    """A spinner with a file count on stderr, for imports run from a terminal."""

    def __init__(self, *, no_color: bool = False):
        self._no_color = no_color

    def __enter__(self):
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.completed} files"),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=make_console(stderr=True, no_color=self._no_color),
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


def render_stats(console, stats: dict) -> None:
    """`newscli stats` for people: a summary, then sources and tags with their counts."""
    from rich.table import Table
    from rich.text import Text

    from newscli.stats import human_size

    rows = [
        ("Database", f"{stats['path']} ({human_size(stats['size_bytes'])})"),
        ("Articles", f"{stats['articles']:,} ({stats['dated']:,} dated, {stats['undated']:,} undated)"),
    ]
    if stats["first_published"]:
        rows.append(("Published", f"{stats['first_published']} to {stats['last_published']}"))
    rows.append(("Words", f"{stats['words']:,}"))
    rows.append(("Sources", f"{stats['source_count']:,}"))
    if "tags" in stats:
        rows.append(("Tags", f"{stats['tag_count']:,}"))
    if stats["last_imported"]:
        first, last = (stats[k][:16].replace("T", " ") for k in ("first_imported", "last_imported"))
        rows.append(("Imported", first if first == last else f"{first} to {last}"))
    for label, value in rows:
        line = Text(f"{label:<10} ", style="bold")
        line.append(clean(value, one_line=True), style="")
        console.print(line)
    tables = [("source", "Source", stats["sources"], stats["source_count"])]
    if stats.get("tags"):
        tables.append(("tag", "Tag", stats["tags"], stats["tag_count"]))
    for key, heading, items, total in tables:
        if not items:
            continue
        table = Table(box=None, padding=(0, 1), pad_edge=False, show_edge=False)
        table.add_column(heading, header_style="bold cyan", overflow="fold")
        table.add_column("Articles", justify="right", header_style="bold cyan")
        for item in items:
            name = item[key]
            label = Text(clean(name, one_line=True)) if name is not None else Text(
                f"(no {key})", style="dim"
            )
            table.add_row(label, f"{item['articles']:,}")
        shown = sum(1 for item in items if item[key] is not None)
        console.print()
        console.print(table)
        if shown < total:
            console.print(Text(f"... and {total - shown:,} more (--top 0 for all)", style="dim"))


def write_jsonl(rows: Iterable[dict], out: IO[str] | None = None) -> int:
    """One JSON object per line (JSON Lines), written as each row comes; returns the count.

    Text is kept byte for byte (non-ASCII as is, control characters escaped by JSON).
    """
    out = out or sys.stdout
    n = 0
    for n, row in enumerate(rows, 1):  # noqa: B007 (n is the count)
        out.write(json.dumps(row, ensure_ascii=False))
        out.write("\n")
    return n


def csv_value(value: Any) -> Any:
    """A field as a CSV cell: lists and objects as JSON text, None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(rows: Iterable[dict], columns: Sequence[str], out: IO[str] | None = None) -> int:
    """RFC 4180 CSV with a header row of `columns`, written as each row comes; returns the count."""
    import csv

    out = out or sys.stdout
    writer = csv.writer(out)
    writer.writerow(columns)
    n = 0
    for n, row in enumerate(rows, 1):  # noqa: B007 (n is the count)
        writer.writerow([csv_value(row.get(name)) for name in columns])
    return n
