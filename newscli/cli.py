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


@cli.command(name="import")
@click.argument("paths", nargs=-1, required=True)
@click.option("--source", help="Label every article of this run with this source name.")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.pass_context
def import_(ctx: click.Context, paths: tuple[str, ...], source, quiet, as_json) -> None:
    """Import articles from files, folders (recursive), globs or - (stdin).

    Re-importing is safe: articles already in the archive are counted as duplicates.
    A file that cannot be read is reported as `error: PATH: reason` and skipped.

    \b
    Exit status: 0 all imported, 1 some inputs failed, 2 usage or database error,
    130 interrupted (what was committed is kept).

    \b
      newscli import ~/articles/
      newscli import 'dumps/*.txt' --source BBC
      cat article.txt | newscli import -
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

        progress = import_progress()
    from newscli.importers import ImportWorkerError

    try:
        if progress:
            with progress as on_file:
                summary = import_paths(
                    db.conn, paths, source=source, on_file=on_file, on_problem=on_problem
                )
        else:
            summary = import_paths(db.conn, paths, source=source, on_problem=on_problem)
    except ImportWorkerError as e:  # only imported by this command: handled here
        raise CliError(str(e)) from None
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
