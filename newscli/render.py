"""Everything that turns data into what the user sees: Rich for people, JSON for scripts.

Article text is data, never markup: it goes through `clean` (no control or escape
characters reach the terminal) and into `rich.text.Text`, which does not parse markup.
Rich is imported inside the functions that draw, so commands printing JSON never load it.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from typing import IO, Any


@functools.cache
def _unsafe_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """ANSI/VT escape sequences (CSI, OSC, and two-character ESC forms), then any single
    control character left: C0 but tab and newline, DEL, C1, and the bidi overrides and
    isolates. Compiled on first use: commands printing JSON never need them."""
    escapes = re.compile(
        r"\x1b\[[0-?]*[ -/]*[@-~]"
        r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
        r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
        r"|\x1b[@-Z\\-_]?"
        r"|\x9b[0-?]*[ -/]*[@-~]"
    )
    controls = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
    return escapes, controls


def clean(text: str | None, *, one_line: bool = False) -> str:
    """Text safe to print on a terminal: escapes and control characters removed."""
    if not text:
        return ""
    escapes, controls = _unsafe_patterns()
    text = controls.sub("", escapes.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    if one_line:
        text = " ".join(text.split())
    return text


_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def one_line_message(text: str) -> str:
    """A message for stderr that may quote what the user gave (a file name, a query): its
    control, escape and bidi characters are written visibly (\\x1b, \\u202e), so it stays one
    line, cannot drive the terminal, and still says which input was meant."""
    return _NOT_ONE_LINE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


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


def escape_markers(text: str) -> str:
    """Text where `**` marks matches: its own asterisks and backslashes backslash-escaped,
    as Markdown reads them, so that every unescaped `**` is a marker."""
    return text.replace("\\", "\\\\").replace("*", "\\*")


def marked_text(text: str, *, terminal: bool, style: str | None = None):
    """Cleaned text holding MARK_START/MARK_END (newscli.matching) as rich Text: the matches
    in reverse video on a terminal, else between `**` with the text's own `*` escaped."""
    from rich.text import Text

    from newscli.matching import parts

    out = Text(style=style or "")
    for part, is_match in parts(text):
        if terminal:
            out.append(part, style=MATCH_STYLE if is_match else None)
        else:
            out.append(f"**{escape_markers(part)}**" if is_match else escape_markers(part))
    return out


def render_article(console, article: dict, matcher=None, copies: list[dict] | None = None) -> None:
    """An article for reading: headline, standfirst, dates and source, then the body; with
    a matcher, its matches marked (see marked_text); the other copies of its story listed."""
    from rich.text import Text

    def text(value: str, *, one_line: bool = False, style: str | None = None):
        if matcher is None:
            return Text(clean(value, one_line=one_line), style=style or "")
        from newscli.matching import highlight

        found, _ = highlight(value, matcher)
        return marked_text(clean(found, one_line=one_line), terminal=console.is_terminal, style=style)

    console.print(text(article["title"], one_line=True, style="bold"))
    if article.get("subtitle"):
        console.print(text(article["subtitle"], style="italic"))
    meta = []
    for label, key in (("Published", "published"), ("Retrieved", "retrieved"),
                       ("Source", "source"), ("URL", "url")):  # fmt: skip
        if article.get(key):
            meta.append((label, clean(str(article[key]), one_line=True)))
    for label, key in (("Authors", "authors"), ("Tags", "tags")):
        # Lists as stored; another tool may have put numbers or lists in them.
        names = [_list_item(item) for item in article.get(key) or [] if item not in (None, "", [])]
        if names:
            meta.append((label, clean(", ".join(names), one_line=True)))
    meta.append(("Id", article["id"]))
    console.print()
    for label, value in meta:
        line = Text()
        line.append(f"{label}: ", style="dim")
        line.append(value)
        console.print(line)
    if copies:
        line = Text()
        line.append(f"Copies: {len(copies)} other {'article' if len(copies) == 1 else 'articles'} "
                    "of this story", style="dim")  # fmt: skip
        console.print(line)
        for copy in copies:
            line = Text("  ")
            line.append(copy["id"][:8])
            line.append("  " + ((copy["published"] or "")[:10] or "undated"), style="dim")
            if copy.get("source"):
                line.append("  " + clean(copy["source"], one_line=True), style="dim")
            line.append("  " + clean(copy["title"], one_line=True))
            console.print(line)
    console.print()
    for paragraph in (text(article["body"]) if matcher else Text(clean(article["body"]))).split("\n\n"):
        console.print(paragraph)
        console.print()


def _list_item(item: Any) -> str:
    if isinstance(item, list):
        return ", ".join(_list_item(i) for i in item)
    return item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)


def show_articles(
    articles: list[dict],
    *,
    no_color: bool = False,
    pager: bool = True,
    matcher=None,
    copies: list[list[dict]] | None = None,
) -> None:
    """`newscli show`: through the user's pager when both ends are a terminal, else printed.

    less is given -FRX unless $LESS says otherwise (as git does): it keeps colours, quits
    at once when the text fits on one screen, and leaves the text on the screen after.
    """
    import os

    def draw(console) -> None:
        for n, article in enumerate(articles):
            if n:
                console.rule()
            render_article(console, article, matcher, copies[n] if copies else None)

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


class index_progress:
    """A progress bar on stderr while the search index is brought up to date (after an
    upgrade of an older archive, or changes made by another program): called with (done,
    total) after each batch; it appears on the first call and goes when done."""

    def __init__(self, *, no_color: bool = False):
        self._no_color = no_color
        self._progress: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._progress is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("Indexing articles for search"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=make_console(stderr=True, no_color=self._no_color),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("", total=total)
        self._progress.update(self._task, completed=done)
        if done >= total:
            self._progress.stop()


def render_explain(console, report: dict) -> None:
    """`search --explain` for people: each term with its forms and counts, the filters,
    the FTS5 expression, notes."""
    from rich.table import Table
    from rich.text import Text

    console.print(Text("Query: ", style="bold") + Text(clean(report["query"], one_line=True)))
    if report["terms"]:
        table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
        for name in ("Term", "Read as", "Where", "Articles", "Stored forms (articles)"):
            table.add_column(name, overflow="fold", justify="right" if name == "Articles" else "left")
        for term in report["terms"]:
            forms = ", ".join(f"{f['word']} ({f['articles']:,})" for f in term["forms"])
            where = term["field"] or "anywhere"
            if term["excluded"]:
                where = "not " + where
            table.add_row(
                Text(clean(term["text"], one_line=True)),
                Text(term["reading"]),
                Text(where),
                f"{term['articles']:,}",
                Text(clean(forms, one_line=True)),
            )
        console.print(table)
    for line in report["filters"]:
        console.print(Text("Filter: ", style="bold") + Text(clean(line, one_line=True)))
    if report["expression"]:
        console.print(Text("FTS5: ", style="bold") + Text(clean(report["expression"], one_line=True)))
    console.print(
        Text("Matches: ", style="bold") + Text(f"{report['matches']:,} of {report['articles']:,} articles")
    )
    for note in report["notes"]:
        console.print(Text("Note: ", style="bold") + Text(clean(note, one_line=True)))


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
    if "authors" in stats:
        rows.append(("Authors", f"{stats['author_count']:,}"))
    if stats.get("languages"):
        langs = [f"{item['lang'] or 'unknown'} {item['articles']:,}" for item in stats["languages"][:8]]
        more = len(stats["languages"]) - len(langs)
        rows.append(("Languages", ", ".join(langs) + (f" and {more} more" if more > 0 else "")))
    if stats["last_imported"]:
        first, last = (stats[k][:16].replace("T", " ") for k in ("first_imported", "last_imported"))
        rows.append(("Imported", first if first == last else f"{first} to {last}"))
    for heading, value in rows:
        line = Text(f"{heading:<10} ", style="bold")
        line.append(clean(value, one_line=True), style="")
        console.print(line)
    tables = [("source", "Source", stats["sources"], stats["source_count"])]
    if stats.get("tags"):
        tables.append(("tag", "Tag", stats["tags"], stats["tag_count"]))
    if stats.get("authors"):
        tables.append(("author", "Author", stats["authors"], stats["author_count"]))
    for key, heading, items, total in tables:
        if not items:
            continue
        table = Table(box=None, padding=(0, 1), pad_edge=False, show_edge=False)
        table.add_column(heading, header_style="bold cyan", overflow="fold")
        table.add_column("Articles", justify="right", header_style="bold cyan")
        for item in items:
            name = item[key]
            label = Text(clean(name, one_line=True)) if name is not None else Text(f"(no {key})", style="dim")
            table.add_row(label, f"{item['articles']:,}")
        shown = sum(1 for item in items if item[key] is not None)
        console.print()
        console.print(table)
        if shown < total:
            console.print(Text(f"... and {total - shown:,} more (--top 0 for all)", style="dim"))


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
            for key in ("title", "subtitle", "published", "retrieved", "source", "url", "lang"):
                if record.get(key):
                    line(key, clean(str(record[key]), one_line=True), indent=4)
            for key in ("authors", "tags"):
                if record.get(key):
                    line(key, clean(", ".join(record[key]), one_line=True), indent=4)
            if record.get("extra"):
                extra = json.dumps(record["extra"], ensure_ascii=False)
                line("extra", clean(extra if len(extra) <= 200 else extra[:199] + "…", one_line=True),
                     indent=4)  # fmt: skip
            line("body", clean(record["body"], one_line=True) or "(none: a title-only record)",
                 indent=4)  # fmt: skip
        for problem in preview.problems:
            # One line however long, as grep and the import's own errors have it.
            console.print(Text("  error: " + clean(str(problem), one_line=True)), soft_wrap=True)


# --- output formats shared by the listing commands (search, timeline, ...) ---------------

FORMATS = ("table", "json", "jsonl", "csv", "tsv", "ids")


def output_options(formats: tuple[str, ...] = FORMATS):
    """Decorator adding `--format` (one of `formats`, default the first) and `--json` to a
    command; the command receives the chosen one as `output_format`."""
    import functools

    import click

    def decorate(fn):
        @functools.wraps(fn)
        def command(*args, output_format: str | None, json_flag: bool, **kwargs):
            if json_flag and output_format not in (None, "json"):
                raise click.UsageError(f"--json contradicts --format {output_format}")
            chosen = "json" if json_flag else (output_format or formats[0])
            return fn(*args, output_format=chosen, **kwargs)

        command = click.option("--json", "json_flag", is_flag=True, help="Shortcut for --format json.")(
            command
        )
        return click.option(
            "--format",
            "output_format",
            type=click.Choice(formats, case_sensitive=False),
            default=None,
            help=f"Output format (default: {formats[0]}).",
        )(command)

    return decorate


def _cell(value: Any) -> str:
    """A value as text for CSV/TSV: None is empty, lists and dicts are JSON."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _tsv_cell(value: Any) -> str:
    # Linear TSV: backslash, tab and line breaks are escaped so each row stays one line.
    return _cell(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_rows(rows, columns: list[str] | tuple[str, ...], fmt: str,
               out: IO[str] | None = None) -> int:  # fmt: skip
    """Write rows (dicts) in a machine format: json (one array), jsonl (one object a line),
    csv (RFC 4180 quoting, header line), tsv (header line, \\t \\n \\\\ escaped) or ids (the
    `id` of each row). Text is written as stored. Returns the number of rows written."""
    out = out or sys.stdout
    count = 0
    if fmt == "json":
        # Streamed, byte for byte what write_json would print for the whole list.
        for row in rows:
            item = json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False, indent=2)
            out.write(("[\n  " if count == 0 else ",\n  ") + item.replace("\n", "\n  "))
            count += 1
        out.write("\n]\n" if count else "[]\n")
        return count
    if fmt not in ("jsonl", "csv", "tsv", "ids"):
        raise ValueError(f"not a machine format: {fmt}")
    if fmt == "csv":
        import csv

        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
    elif fmt == "tsv":
        out.write("\t".join(columns) + "\n")
    for row in rows:
        count += 1
        if fmt == "jsonl":
            out.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False) + "\n")
        elif fmt == "csv":
            writer.writerow([_cell(row.get(c)) for c in columns])
        elif fmt == "tsv":
            out.write("\t".join(_tsv_cell(row.get(c)) for c in columns) + "\n")
        else:
            out.write(f"{row['id']}\n")
    return count


MATCH_STYLE = "bold reverse"


def snippet_text(snippet: str):
    """A search snippet as rich Text: the article's words cleaned, matched terms styled."""
    from rich.text import Text

    from newscli.matching import parts

    text = Text()
    for part, is_match in parts(snippet):
        text.append(clean(part, one_line=False).replace("\n", " "),
                    style=MATCH_STYLE if is_match else None)  # fmt: skip
    return text


COMPACT_WIDTH = 100  # below this many columns the table stacks cells to leave room for text


def search_table(console, results: list[dict]) -> None:
    """Search results as a table that fits the console: date, id, title, source, snippet.

    On a narrow terminal the id goes under the date and the source under the title."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    with_source = any(r.get("source") for r in results)
    compact = console.width < COMPACT_WIDTH
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False)
    if compact:
        table.add_column("Published", no_wrap=True, min_width=10)
        table.add_column("Title", ratio=2, overflow="fold", min_width=10)
    else:
        table.add_column("Published", no_wrap=True, min_width=10)
        table.add_column("Id", no_wrap=True, min_width=8)
        table.add_column("Title", ratio=2, overflow="fold", min_width=12)
        if with_source:
            table.add_column("Source", ratio=1, overflow="fold", min_width=6, max_width=20)
    table.add_column("Snippet", ratio=3, overflow="fold", min_width=12)
    for r in results:
        published = (r.get("published") or "")[:10]
        date = Text(published or "undated", style="" if published else "dim")
        title = Text(clean(r.get("title"), one_line=True), style="bold")
        if r.get("copies"):
            title.append(f" +{r['copies']} {'copy' if r['copies'] == 1 else 'copies'}", style="dim")
        source = clean(r.get("source"), one_line=True)
        if compact:
            date.append("\n" + r["id"][:8], style="dim")
            if source:
                title.append("\n" + source, style="dim")
            cells = [date, title]
        else:
            cells = [date, Text(r["id"][:8]), title]
            if with_source:
                cells.append(Text(source))
        cells.append(snippet_text(r.get("snippet") or ""))
        table.add_row(*cells)
    console.print(table)


_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(count: int, largest: int, width: int) -> str:
    """A horizontal bar of `count` against `largest` over `width` cells, to 1/8 of a cell;
    any count above 0 shows at least a sliver."""
    return bar_fraction(count, largest, width)


def timeline_table(console, timeline, title: str) -> None:
    """A timeline for people: a header line, then period, count and a bar per row, the
    longest bar filling the terminal; the number of undated articles under it."""
    from rich.text import Text

    singular, plural = ("story", "stories") if timeline.stories else ("article", "articles")
    articles = singular if timeline.dated == 1 else plural
    column = "Stories" if timeline.stories else "Articles"
    header = Text()
    header.append(clean(title, one_line=True), style="bold")
    if timeline.periods:
        header.append(f"  ·  {timeline.dated} dated {articles}, {timeline.first} to "
                      f"{timeline.last}  ·  by {timeline.by}")  # fmt: skip
    console.print(header)
    if timeline.periods:
        largest = max(p["count"] for p in timeline.periods)
        period_width = max(len("Period"), *(len(p["period"]) for p in timeline.periods))
        count_width = max(len(column), len(str(largest)))
        # Between two columns: a space of padding each side and the box's blank divider.
        bar_width = max(10, console.width - period_width - count_width - 6)
        widths = (period_width, count_width, bar_width)
        if sum(widths) + 6 <= console.width:
            console.print(_timeline_lines(timeline.periods, column, widths, largest))
        else:  # a console too narrow for the bars: rich's Table fits the columns to it
            console.print(_timeline_rich_table(timeline.periods, column, widths, largest))
    if timeline.undated:
        console.print(Text(undated_note(timeline.undated, timeline.stories), style="dim"))


def _timeline_rich_table(periods, column: str, widths: tuple[int, int, int], largest: int):
    from rich import box
    from rich.table import Table
    from rich.text import Text

    period_width, count_width, bar_width = widths
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=False)
    table.add_column("Period", no_wrap=True, min_width=period_width)
    table.add_column(column, justify="right", no_wrap=True, min_width=count_width)
    table.add_column("", no_wrap=True, overflow="crop", width=bar_width)
    for p in periods:
        table.add_row(
            p["period"],
            Text(str(p["count"]), style="" if p["count"] else "dim"),
            Text(bar(p["count"], largest, bar_width), style="cyan"),
        )
    return table


def _timeline_lines(periods, column: str, widths: tuple[int, int, int], largest: int):
    """The table of _timeline_rich_table (box SIMPLE_HEAD, no edge) as one Text, for a
    console it fits: the same characters and styles, in a quarter of the time (Table
    measures every cell: 17 ms for 25 rows, against 4)."""
    from rich.text import Text

    period_width, count_width, bar_width = widths

    lines = Text(no_wrap=True, overflow="crop", end="\n")
    append = lines.append
    # The header row is bold, its cells' padding too; the blank dividers are not.
    append("Period".ljust(period_width) + " ", style="bold")
    append(" ")
    append(" " + column.rjust(count_width) + " ", style="bold")
    append(" ")
    append(" " + " " * bar_width, style="bold")
    append("\n" + "─" * (sum(widths) + 6) + "\n")
    for n, p in enumerate(periods):
        count = p["count"]
        if n:
            append("\n")
        append(p["period"].ljust(period_width) + "   ")
        append(str(count).rjust(count_width), style="" if count else "dim")
        append("   ")
        append(bar(count, largest, bar_width).ljust(bar_width), style="cyan")
    return lines


def undated_note(undated: int, stories: bool = False) -> str:
    noun = ("story", "stories") if stories else ("article", "articles")
    if undated == 1:
        return f"1 matching {noun[0]} has no publication date and is not on the chart"
    return f"{undated} matching {noun[1]} have no publication date and are not on the chart"


def timeline_list(console, articles: list[dict]) -> None:
    """Articles under their period headings (date, id prefix, title), one line each."""
    from rich.table import Table
    from rich.text import Text

    groups: dict[str | None, list[dict]] = {}
    for article in articles:
        groups.setdefault(article["period"], []).append(article)
    for n, (period, group) in enumerate(groups.items()):
        if n:
            console.print()
        heading = Text(period or "No publication date", style="bold")
        heading.append(f"  ({len(group)})", style="dim")
        console.print(heading)
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(no_wrap=True, min_width=12)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
        for a in group:
            table.add_row(
                "  " + ((a["published"] or "")[:10] or "undated"),
                Text(a["id"][:8], style="dim"),
                Text(clean(a["title"], one_line=True)),
            )
        console.print(table)


SERIES_COLOURS = ("cyan", "magenta", "yellow", "green", "blue", "red", "bright_cyan", "bright_magenta")
# Without colour each series draws with its own character (the first to 1/8 of a cell).
SERIES_MARKS = ("█", "░", "▒", "#", "=", "+", ":", "~")


def _series_bar(index: int, value: float, largest: float, width: int, plain: bool) -> str:
    if index == 0 or not plain:
        return bar_fraction(value, largest, width)
    if value <= 0 or largest <= 0:
        return ""
    return SERIES_MARKS[index % len(SERIES_MARKS)] * max(1, round(value / largest * width))


def bar_fraction(value: float, largest: float, width: int) -> str:
    """bar() for any non-negative number (a count or a share)."""
    if value <= 0 or largest <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value / largest * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def timeline_series_table(console, timeline, title: str) -> None:
    """A timeline of several series (--compare, --split, --share): a header line, a legend,
    then per period one count column and one bar per series, all bars on one scale. With
    share, the columns show each series' percentage of the period's articles (`All`)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    plain = console.no_color or console.color_system is None
    keys = timeline.series
    header = Text()
    header.append(clean(title, one_line=True), style="bold")
    if timeline.periods:
        header.append(f"  ·  {timeline.first} to {timeline.last}  ·  by {timeline.by}")
        if timeline.share:
            header.append("  ·  % of all articles")
    console.print(header)
    if not timeline.periods:
        if timeline.undated:
            console.print(Text(undated_note(timeline.undated), style="dim"))
        return
    legend = Text()
    names = [clean(key, one_line=True) for key in keys]
    for i, name in enumerate(names):
        if i:
            legend.append("   ")
        mark = SERIES_MARKS[i % len(SERIES_MARKS)] if plain else "█"
        legend.append(mark, style=SERIES_COLOURS[i % len(SERIES_COLOURS)])
        legend.append(" " + name)
    console.print(legend)

    def value(period: dict, key: str) -> float:
        if timeline.share:
            return period["shares"][key] or 0.0
        return period["counts"][key]

    def cell(period: dict, key: str) -> str:
        if not timeline.share:
            return str(period["counts"][key])
        share = period["shares"][key]
        return "–" if share is None else f"{share * 100:.1f}%"

    largest = max((value(p, k) for p in timeline.periods for k in keys), default=0)
    period_width = max(len("Period"), *(len(p["period"]) for p in timeline.periods))
    widths = [
        max(len(name), *(len(cell(p, key)) for p in timeline.periods))
        for name, key in zip(names, keys, strict=True)
    ]
    total_width = max(len("All"), *(len(str(p["total"])) for p in timeline.periods)) if timeline.share else 0
    columns = 1 + 2 * len(keys) + (1 if timeline.share else 0)
    spare = console.width - period_width - sum(widths) - total_width - 3 * (columns - 1)
    bar_width = spare // len(keys)
    bars = bar_width >= 3  # else too narrow a terminal for bars: the counts alone
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=False)
    table.add_column("Period", no_wrap=True, min_width=period_width)
    for i, (name, width) in enumerate(zip(names, widths, strict=True)):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        table.add_column(Text(name, style=colour), justify="right", no_wrap=True, min_width=width)
        if bars:
            table.add_column("", no_wrap=True, overflow="crop", width=bar_width)
    if timeline.share:
        table.add_column("All", justify="right", no_wrap=True, min_width=total_width)
    for p in timeline.periods:
        cells: list = [p["period"]]
        for i, key in enumerate(keys):
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            cells.append(Text(cell(p, key), style="" if value(p, key) else "dim"))
            if bars:
                cells.append(Text(_series_bar(i, value(p, key), largest, bar_width, plain), style=colour))
        if timeline.share:
            cells.append(Text(str(p["total"]), style="dim"))
        table.add_row(*cells)
    console.print(table)
    if timeline.undated:
        console.print(Text(undated_note(timeline.undated), style="dim"))


def timeline_peaks(console, peaks: list[dict], several: bool) -> None:
    """The peaks under a timeline: period, series (when several), count, how far above the
    recent level, and the best-ranked headlines of that period."""
    from rich.table import Table
    from rich.text import Text

    console.print()
    if not peaks:
        console.print(Text("No peaks: no period stands well above the ones before it.", style="dim"))
        return
    console.print(Text("Peaks", style="bold"))
    for peak in peaks:
        line = Text("  ")
        line.append(peak["period"], style="bold")
        if several:
            line.append("  " + clean(peak["series"], one_line=True))
        line.append(f"  {peak['count']} articles")
        if "share" in peak and peak["share"] is not None:
            line.append(f" ({peak['share'] * 100:.1f}%)")
        line.append(f"  ·  z {peak['z']}", style="dim")
        console.print(line)
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
        for headline in peak["headlines"]:
            table.add_row(
                Text("    " + headline["id"][:8], style="dim"), Text(clean(headline["title"], one_line=True))
            )
        console.print(table)


# --- the reading tools: kwic, terms, count (issue 15) ----------------------------------


def _fit_cells(text: str, cells: int, *, keep_end: bool) -> str:
    """`text` cut to at most `cells` terminal columns (wide characters count two), keeping
    its end (left context) or its start (right context)."""
    from rich.cells import cell_len

    while text and cell_len(text) > cells:
        text = text[1:] if keep_end else text[:-1]
    return text


def kwic_table(console, lines: list[dict], width: int) -> None:
    """Concordance lines with the matches in one column: the left context right-aligned
    against it, the right context after it; each side cut to fit the console."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    matches = [clean(line["match"], one_line=True) for line in lines]
    match_width = max(cell_len(m) for m in matches)
    compact = console.width < COMPACT_WIDTH
    fixed = (0 if compact else 10 + 1 + 8 + 1) + match_width + 2 + 1
    side = max(8, min(width, (console.width - fixed) // 2))
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
    if not compact:
        table.add_column("Published", no_wrap=True, style="dim", width=10)
        table.add_column("Id", no_wrap=True, style="dim", width=8)
    table.add_column("Left", justify="right", no_wrap=True, overflow="crop", width=side)
    table.add_column("Match", justify="left", no_wrap=True, width=match_width)
    table.add_column("Right", justify="left", no_wrap=True, overflow="crop", width=side)
    for line, match in zip(lines, matches, strict=True):
        # The columns' padding stands for the space on either side of the match.
        left = _fit_cells(clean(line["left"], one_line=True), side, keep_end=True)
        right = _fit_cells(clean(line["right"], one_line=True), side, keep_end=False)
        cells = [] if compact else [(line["published"] or "undated")[:10], line["id"][:8]]
        table.add_row(*cells, Text(left), Text(match, style=MATCH_STYLE), Text(right))
    console.print(table)


def count_table(console, rows: list[dict]) -> None:
    """`newscli count`: each query with its number of articles and first and last date."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, padding=(0, 2), pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("Query", overflow="fold")
    table.add_column("Articles", justify="right")
    table.add_column("First", no_wrap=True)
    table.add_column("Last", no_wrap=True)
    for row in rows:
        table.add_row(
            Text(clean(row["query"], one_line=True)),
            f"{row['count']:,}",
            (row["first"] or "")[:10],
            (row["last"] or "")[:10],
        )
    console.print(table)


def terms_table(console, rows: list[dict]) -> None:
    """`newscli terms`: each term with the articles holding it, its count and its G²."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, padding=(0, 2), pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("Term", overflow="fold")
    table.add_column("Articles", justify="right")
    table.add_column("Count", justify="right")
    table.add_column("G²", justify="right")
    for row in rows:
        table.add_row(Text(clean(row["term"], one_line=True)), f"{row['articles']:,}", f"{row['count']:,}",
                      f"{row['score']:,.1f}")  # fmt: skip
    console.print(table)
