"""The command layer: parse options, call one library function, hand the result to render.

Only click is imported at start-up; each command imports what it needs when it runs.
"""

from __future__ import annotations

import sys

import click

from newscli import __version__


class CliError(click.ClickException):
    """One line on stderr, `error: ...`, and an exit code (2 unless said otherwise)."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class NewscliGroup(click.Group):
    """Turns the library's own exceptions into one-line errors, never a traceback."""

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


@click.group(cls=NewscliGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    envvar="NEWSCLI_DB",
    show_envvar=True,
    help="The archive database file. Default: $XDG_DATA_HOME/newscli/news.db.",
)
@click.version_option(__version__, "-V", "--version", prog_name="newscli")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None) -> None:
    """Import news articles into one SQLite file and search them from the terminal.

    \b
      newscli import ~/articles/          load a folder of articles
      newscli search 'kharkiv -crimea'    find articles, best match first
      newscli show 28d491df               read one article
    """
    from pathlib import Path

    ctx.obj = {"db_path": Path(db_path).expanduser() if db_path else None}


def _db_path(ctx: click.Context):
    from newscli.archive import resolve_db_path

    return resolve_db_path(ctx.obj["db_path"])


# The input formats `import --format` can force (newscli.importers.READERS, plus aliases).
IMPORT_FORMATS = ("text", "markdown", "json", "jsonl", "ndjson", "csv", "tsv", "html")
FORMAT_ALIASES = {"ndjson": "jsonl"}


@cli.command(name="import")
@click.argument("paths", nargs=-1, required=True)
@click.option("--source", help="Label every article of this run with this source name.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(IMPORT_FORMATS, case_sensitive=False),
    help="Read every input as this format (default: by file ending, then by content).",
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Fill FIELD (title, body, subtitle, published, retrieved, url, authors, source, tags) "
    "from this column of JSON/CSV records; repeatable. FIELD= leaves it empty.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the format, field mapping and first records of each file; import nothing.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.pass_context
def import_(
    ctx: click.Context, paths: tuple[str, ...], source, fmt, maps, dry_run, quiet, as_json
) -> None:
    """Import articles from files, folders (recursive), globs or - (stdin).

    Formats: plain text (.txt), Markdown or text with front matter (.md), JSON (.json),
    JSON Lines (.jsonl, .ndjson), CSV (.csv), TSV (.tsv), saved web pages (.html), and any
    of them gzip-compressed (.gz). Files without a known ending are read by their content.

    Re-importing is safe: articles already in the archive are counted as duplicates.
    A file or record that cannot be read is reported as `error: PATH:LINE: reason` and
    skipped; the rest is imported.

    \b
    Exit status: 0 all imported, 1 some inputs failed, 2 usage or database error,
    130 interrupted (what was committed is kept).

    \b
      newscli import ~/articles/
      newscli import 'dumps/*.txt' --source BBC
      newscli import news.jsonl.gz --map title=headline_text --dry-run
      cat article.txt | newscli import -
      curl -s https://example.org/feed.json | newscli import - --format json
    """
    from newscli.importers.records import MappingError, parse_map_options

    fmt = FORMAT_ALIASES.get(fmt.lower(), fmt.lower()) if fmt else None
    try:
        overrides = parse_map_options(maps)
    except MappingError as e:
        raise CliError(str(e), e.exit_code) from None
    if dry_run:
        _dry_run(paths, fmt, overrides, as_json)
        return
    from newscli.archive import open_archive
    from newscli.importers import import_paths

    db = open_archive(_db_path(ctx), create=True)

    def on_problem(problem) -> None:
        click.echo(f"error: {problem}", err=True)

    progress = None
    if not quiet and sys.stderr.isatty():
        from newscli.render import import_progress

        progress = import_progress()
    try:
        if progress:
            with progress as on_file:
                summary = import_paths(
                    db.conn, paths, source=source, fmt=fmt, overrides=overrides,
                    on_file=on_file, on_problem=on_problem,
                )  # fmt: skip
        else:
            summary = import_paths(
                db.conn, paths, source=source, fmt=fmt, overrides=overrides, on_problem=on_problem
            )
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


def _dry_run(paths, fmt, overrides, as_json: bool) -> None:
    from newscli.importers.preview import preview_paths

    previews = list(preview_paths(paths, fmt=fmt, overrides=overrides))
    failed = any(p.problems for p in previews)
    if as_json:
        from newscli.render import write_json

        write_json([p.as_dict() for p in previews])
    else:
        from newscli.render import make_console, render_dry_run

        render_dry_run(make_console(), previews)
        click.echo("Dry run: nothing was imported.", err=True)
    sys.exit(1 if failed else 0)


@cli.command()
@click.argument("ids", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the articles as JSON.")
@click.pass_context
def show(ctx: click.Context, ids: tuple[str, ...], as_json: bool) -> None:
    """Print articles in full, by id or by a unique id prefix (at least 4 characters).

    \b
    Exit status: 0 shown, 1 unknown or ambiguous id, 2 database error.

    \b
      newscli show 28d491df
      newscli show 28d491df --json | jq .body
      newscli search kharkiv --format ids | xargs newscli show
    """
    from newscli.archive import connect_readonly
    from newscli.articles import find_article

    conn = connect_readonly(_db_path(ctx))
    articles = [find_article(conn, given) for given in ids]
    if as_json:
        from newscli.render import write_json

        write_json(articles[0] if len(articles) == 1 else articles)
        return
    from newscli.render import make_console, render_article

    console = make_console()
    for n, article in enumerate(articles):
        if n:
            console.rule()
        render_article(console, article)
