"""The command layer: parse options, call one library function, hand the result to render.

Only click is imported at start-up; each command imports what it needs when it runs.
"""

from __future__ import annotations

import sys

import click

from newscli import __version__
from newscli.completion import complete_ids, complete_sources


class CliError(click.ClickException):
    """One line on stderr, `error: ...`, and an exit code (2 unless said otherwise)."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class NewscliCommand(click.Command):
    """A command whose --help lists its options in sections (Filters, Output, ...).

    `@cli.command(sections={"Filters": ["since", "until"], "Output": ["as_json"]})`: each
    section names its options by parameter name, in the order given; options in no section
    are listed last, under "Options".
    """

    def __init__(self, *args, sections: dict[str, list[str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections or {}

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Argument):
                continue
            record = param.get_help_record(ctx)
            if record is not None:
                records[param.name] = record
        placed = set()
        for title, names in self.sections.items():
            rows = [records[name] for name in names if name in records]
            placed.update(names)
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
        rest = [record for name, record in records.items() if name not in placed]
        if rest:
            with formatter.section("Options"):
                formatter.write_dl(rest)


class NewscliGroup(click.Group):
    """Turns the library's own exceptions into one-line errors, never a traceback."""

    command_class = NewscliCommand

    def invoke(self, ctx: click.Context):
        import sqlite3

        from newscli.archive import ArchiveError
        from newscli.articles import IdError

        try:
            return super().invoke(ctx)
        except (ArchiveError, IdError) as e:
            raise CliError(str(e), e.exit_code) from None
        except sqlite3.Error as e:
            raise CliError(f"database error: {e}") from None
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # `newscli export | head`: the reader has gone; stop quietly, as a shell tool does.
            import os

            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(141)


@click.group(cls=NewscliGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    envvar="NEWSCLI_DB",
    show_envvar=True,
    help="The archive database file. Default: $XDG_DATA_HOME/newscli/news.db.",
)
@click.option(
    "--no-color",
    is_flag=True,
    help="No colours in the output (also: the NO_COLOR environment variable).",
)
@click.version_option(__version__, "-V", "--version", prog_name="newscli")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, no_color: bool) -> None:
    """Import news articles into one SQLite file and search them from the terminal.

    \b
    Examples:
      newscli import ~/articles/          load a folder of articles
      newscli search 'kharkiv -crimea'    find articles, best match first
      newscli show 28d491df               read one article
      newscli stats                       what the archive holds

    `newscli COMMAND --help` tells more about each command.
    """
    from pathlib import Path

    ctx.obj = {
        "db_path": Path(db_path).expanduser() if db_path else None,
        "no_color": no_color,
    }


def _db_path(ctx: click.Context):
    from newscli.archive import resolve_db_path

    return resolve_db_path(ctx.obj["db_path"])


def _console(ctx: click.Context, *, stderr: bool = False):
    """A Rich console honouring --no-color (NO_COLOR and COLUMNS are read by Rich itself)."""
    from newscli.render import make_console

    return make_console(stderr=stderr, no_color=ctx.obj["no_color"])


@cli.command(
    name="import",
    short_help="Load articles from files, folders or stdin.",
    sections={"Input": ["source"], "Output": ["quiet", "as_json"]},
)
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--source",
    help="Label every article of this run with this source name.",
    shell_complete=complete_sources,
)
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.pass_context
def import_(ctx: click.Context, paths: tuple[str, ...], source, quiet, as_json) -> None:
    """Import articles from files, folders (recursive), globs or - (stdin).

    Re-importing is safe: articles already in the archive are counted as duplicates.
    A file that cannot be read is reported as `error: PATH: reason` and skipped.

    \b
    Examples:
      newscli import ~/articles/
      newscli import 'dumps/*.txt' --source BBC
      cat article.txt | newscli import -

    \b
    Exit status: 0 all imported, 1 some inputs failed, 2 usage or database error,
    130 interrupted (what was committed is kept).
    """
    from newscli.archive import open_archive
    from newscli.importers import import_paths
    from newscli.render import write_json

    db = open_archive(_db_path(ctx), create=True)

    def on_problem(problem) -> None:
        click.echo(f"error: {problem}", err=True)

    progress = None
    if not quiet and sys.stderr.isatty():
        from newscli.render import import_progress

        progress = import_progress(no_color=ctx.obj["no_color"])
    try:
        if progress:
            with progress as on_file:
                summary = import_paths(
                    db.conn, paths, source=source, on_file=on_file, on_problem=on_problem
                )
        else:
            summary = import_paths(db.conn, paths, source=source, on_problem=on_problem)
    finally:
        db.conn.close()
    if as_json:
        from newscli.render import write_json

        write_json(summary.as_dict())
    if summary.interrupted:
        click.echo(f"interrupted: {summary.imported} articles were committed", err=True)
        sys.exit(130)
    if not quiet:
        click.echo(summary.describe(), err=True)
    sys.exit(1 if summary.failed else 0)


@cli.command(
    short_help="Read articles in full, by id or id prefix.",
    sections={"Output": ["as_json", "pager"]},
)
@click.argument("ids", nargs=-1, required=True, shell_complete=complete_ids)
@click.option("--json", "as_json", is_flag=True, help="Print the articles as JSON.")
@click.option(
    "--pager/--no-pager",
    default=True,
    help="Page long output through $PAGER (less) when on a terminal. [default: pager]",
)
@click.pass_context
def show(ctx: click.Context, ids: tuple[str, ...], as_json: bool, pager: bool) -> None:
    """Print articles in full, by id or by a unique id prefix (at least 4 characters).

    On a terminal the articles are shown through your pager ($PAGER, else `less`);
    piped or redirected output is never paged.

    \b
    Examples:
      newscli show 28d491df
      newscli show 28d491df --json | jq -r .body
      newscli search kharkiv --format ids | xargs newscli show --no-pager

    \b
    Exit status: 0 shown, 1 unknown or ambiguous id, 2 database error.
    """
    from newscli.archive import connect_readonly
    from newscli.articles import find_article

    conn = connect_readonly(_db_path(ctx))
    articles = [find_article(conn, given) for given in ids]
    if as_json:
        from newscli.render import write_json

        write_json(articles[0] if len(articles) == 1 else articles)
        return
    from newscli.render import show_articles

    show_articles(articles, no_color=ctx.obj["no_color"], pager=pager)


@cli.command(short_help="What the archive holds, in numbers.", sections={"Output": ["top", "as_json"]})
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="How many sources and tags to list, most articles first; 0 for all.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as one JSON object.")
@click.pass_context
def stats(ctx: click.Context, top: int, as_json: bool) -> None:
    """What the archive holds: articles, dates, sources, tags, and the file itself.

    Counts articles (dated and undated), the span of publication dates, words, the
    sources and tags with most articles, and the database's path and size on disk.

    \b
    Examples:
      newscli stats
      newscli stats --top 0 --json | jq -r '.sources[] | "\\(.articles) \\(.source)"'
      newscli --db research.db stats --json | jq .undated

    \b
    Exit status: 0 done, 2 no database or database error.
    """
    from newscli.archive import connect_readonly
    from newscli.stats import archive_stats

    path = _db_path(ctx)
    conn = connect_readonly(path)
    try:
        numbers = archive_stats(conn, path, top=top)
    finally:
        conn.close()
    if as_json:
        from newscli.render import write_json

        write_json(numbers)
        return
    from newscli.render import render_stats

    render_stats(_console(ctx), numbers)


@cli.command(short_help="Write articles out as JSON Lines or CSV.", sections={"Output": ["fmt"]})
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON object per line, as `show --json`; csv: a header row, lists as JSON.",
)
@click.pass_context
def export(ctx: click.Context, fmt: str) -> None:
    """Write the articles, with all their fields, to standard output, in import order.

    JSON Lines (the default) can be read back with `newscli import -` and keeps every
    field and every character; CSV is for spreadsheets. Articles are written as they are
    read, so an export of any size starts at once and uses little memory.

    \b
    Examples:
      newscli export > archive.jsonl
      newscli export | newscli --db copy.db import -
      newscli export --format csv > archive.csv

    \b
    Exit status: 0 done, 2 no database or database error.
    """
    from newscli.archive import connect_readonly
    from newscli.export import export_columns, iter_articles

    conn = connect_readonly(_db_path(ctx))
    try:
        if fmt == "csv":
            from newscli.render import write_csv

            write_csv(iter_articles(conn), export_columns(conn))
        else:
            from newscli.render import write_jsonl

            write_jsonl(iter_articles(conn))
        sys.stdout.flush()
    finally:
        conn.close()
