"""The command layer: parse options, call one library function, hand the result to render.

Only click is imported at start-up; each command imports what it needs when it runs.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from newscli import __version__
from newscli.interrupts import work_interruptibly
from newscli.render import output_options

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

EXPORT_FORMATS = ("jsonl", "json", "csv", "tsv", "ids")


def _completion(name: str):
    """A shell_complete callback that imports newscli.completion only when TAB is pressed."""

    def complete(ctx, param, incomplete):
        from newscli import completion

        return getattr(completion, name)(ctx, param, incomplete)

    return complete


complete_ids = _completion("complete_ids")
complete_sources = _completion("complete_sources")
complete_tags = _completion("complete_tags")


class CliError(click.ClickException):
    """One line on stderr, `error: ...`, and exit status 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        from newscli.render import one_line_message

        click.echo(f"error: {one_line_message(self.format_message())}", err=True)


class NotFound(CliError):
    """An error that means "nothing of that name": exit status 1, as grep finding nothing."""

    exit_code = 1


def cli_error(message: str, exit_code: int = 2) -> CliError:
    return NotFound(message) if exit_code == 1 else CliError(message)


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
    """Turns exceptions into one-line errors (newscli.errors) and Ctrl-C into status 130."""

    command_class = NewscliCommand

    def invoke(self, ctx: click.Context):
        try:
            with work_interruptibly():
                return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # `newscli export | head`: the reader has gone; stop quietly, as a shell tool does.
            import os

            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(141)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as e:
            from newscli.errors import describe

            told = describe(e, _db_path(ctx) if ctx.obj else None)
            if told is None:
                raise
            raise cli_error(*told) from None


class QueryCommand(NewscliCommand):
    """A command whose words are a search query, where `-crimea` means "not crimea".

    Arguments starting with a single `-` that are not one of the command's options are
    moved behind a `--`, so `newscli search kharkiv -crimea --json` needs no quoting.
    Anything starting with `--` is still an option (a misspelt one is an error).
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for name in (*param.opts, *param.secondary_opts):
                    takes_value[name] = not (param.is_flag or param.count)
        options: list[str] = []
        words: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                words.extend(args[i + 1 :])
                break
            name = arg.split("=", 1)[0]
            if name in takes_value or (arg.startswith("--") and len(arg) > 2):
                options.append(arg)
                if takes_value.get(name) and "=" not in arg:
                    if i + 1 == len(args):
                        if ctx.resilient_parsing:  # shell completion of this option's value
                            options.pop()
                            break
                        raise click.BadOptionUsage(name, f"Option '{name}' requires an argument.", ctx=ctx)
                    options.append(args[i + 1])
                    i += 1
            else:
                words.append(arg)
            i += 1
        return super().parse_args(ctx, [*options, "--", *words] if words else options)


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
      newscli import ~/articles/              load a folder of articles
      newscli search 'kharkiv -crimea'        find articles, best match first
      newscli show 79019f60                   read one article
      newscli timeline kharkiv --by month     how many articles per month
      newscli kwic kharkiv                    every occurrence in its context
      newscli similar 79019f60                the articles most like one
      newscli terms kharkiv                   the words that set them apart
      newscli count --queries names.txt       how many articles per query
      newscli stats                           what the archive holds
      newscli export > archive.jsonl          everything, for jq and scripts

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


# The input formats `import --format` can force (newscli.importers.READERS, plus aliases).
IMPORT_FORMATS = ("text", "markdown", "json", "jsonl", "ndjson", "csv", "tsv", "html")
FORMAT_ALIASES = {"ndjson": "jsonl"}


@cli.command(
    name="import",
    short_help="Load articles from files, folders or stdin.",
    sections={"Input": ["fmt", "maps", "dayfirst", "monthfirst", "dry_run"],
              "Source": ["source", "source_override"], "Output": ["quiet", "as_json"]},
)  # fmt: skip
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--source",
    metavar="NAME",
    help="The source of articles that name none (a record's own source is kept).",
    shell_complete=complete_sources,
)
@click.option(
    "--source-override",
    metavar="NAME",
    help="The source of every article of this run; a record's own source goes to extra.original_source.",
    shell_complete=complete_sources,
)
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
    help="Fill FIELD (title, body, subtitle, published, retrieved, url, authors, source, tags, lang) "
    "from this column of JSON/CSV records; repeatable. FIELD= leaves it empty.",
)
@click.option(
    "--dayfirst",
    is_flag=True,
    help="Read numeric dates such as 05/06/2021 day first (5 June), as most of the world writes them.",
)
@click.option(
    "--monthfirst",
    is_flag=True,
    help="Read numeric dates such as 05/06/2021 month first (May 6), as the US writes them.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the format, field mapping and first records of each file; import nothing.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.pass_context
def import_(ctx: click.Context, paths: tuple[str, ...], source, source_override, fmt, maps, dayfirst,
            monthfirst, dry_run, quiet, as_json) -> None:  # fmt: skip
    """Import articles from files, folders (recursive), globs or - (stdin).

    Formats: plain text (.txt), Markdown or text with front matter (.md), JSON (.json),
    JSON Lines (.jsonl, .ndjson), CSV (.csv), TSV (.tsv), saved web pages (.html), and any
    of them gzip-compressed (.gz). Files without a known ending are read by their content.

    Re-importing is safe: articles already in the archive are counted as duplicates.
    A file or record that cannot be read is reported as `error: PATH:LINE: reason` and
    skipped; the rest is imported.

    A numeric date whose day and month could be either way round (05/06/2021) is read in
    the order another date of its column or file proves (16/05/2021), else left unread and
    counted in the summary, unless --dayfirst or --monthfirst says the order.

    \b
    Examples:
      newscli import ~/articles/
      newscli import 'dumps/*.txt' --source BBC
      newscli import news.jsonl.gz --map title=headline_text --dry-run
      curl -s https://example.org/feed.json | newscli import - --format json

    \b
    Exit status: 0 all imported, 1 some inputs failed, 2 usage or database error,
    130 interrupted (what was committed is kept).
    """
    from newscli.importers import ImportOptions
    from newscli.importers.records import parse_map_options

    if dayfirst and monthfirst:
        raise CliError("--dayfirst and --monthfirst cannot both be given")
    if source and source_override:
        raise CliError("--source and --source-override cannot both be given")
    fmt = FORMAT_ALIASES.get(fmt.lower(), fmt.lower()) if fmt else None
    options = ImportOptions(
        fmt=fmt, overrides=parse_map_options(maps), source=source, source_override=source_override,
        date_order="dmy" if dayfirst else "mdy" if monthfirst else None,
    )  # fmt: skip
    if dry_run:
        _dry_run(paths, options, as_json, no_color=ctx.obj["no_color"])
        return
    from newscli.archive import open_archive
    from newscli.importers import import_paths

    db = open_archive(_db_path(ctx), create=True, progress=_index_progress(ctx))

    from newscli.importers.problems import ProblemReport
    from newscli.render import one_line_message

    # File names can hold escape sequences: shown visibly, never sent to the terminal.
    report = ProblemReport(lambda line: click.echo(f"error: {one_line_message(line)}", err=True))
    on_problem = report.add

    progress = None
    if not quiet and sys.stderr.isatty():
        from newscli.render import import_progress

        progress = import_progress(no_color=ctx.obj["no_color"])
    try:
        if progress:
            with progress as on_file:
                summary = import_paths(db.conn, paths, options, on_file=on_file, on_problem=on_problem)
        else:
            summary = import_paths(db.conn, paths, options, on_problem=on_problem)
    finally:
        db.conn.close()
        report.close()
    if as_json:
        from newscli.render import write_json

        write_json(summary.as_dict())
    if summary.interrupted:
        click.echo(f"interrupted: {summary.imported} articles were committed", err=True)
        sys.exit(130)
    if not quiet:
        click.echo(summary.describe(), err=True)
    sys.exit(1 if summary.failed else 0)


def _dry_run(paths, options, as_json: bool, *, no_color: bool = False) -> None:
    from newscli.importers.preview import preview_paths

    previews = list(preview_paths(paths, options))
    failed = any(p.problems for p in previews)
    if as_json:
        from newscli.render import write_json

        write_json([p.as_dict() for p in previews])
    else:
        from newscli.render import make_console, render_dry_run

        render_dry_run(make_console(no_color=no_color), previews)
        click.echo("Dry run: nothing was imported.", err=True)
    sys.exit(1 if failed else 0)


@cli.command(
    short_help="Read articles in full, by id or id prefix.",
    sections={"Output": ["highlight", "as_json", "cite", "pager"]},
)
@click.argument("ids", nargs=-1, required=True, shell_complete=complete_ids)
@click.option(
    "--highlight",
    metavar="QUERY",
    help="Mark the words QUERY finds (search's query language): reverse video on a terminal, "
    "else **word**, the text's own * and \\ escaped as \\* and \\\\.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the articles as JSON.")
@click.option(
    "--cite",
    type=click.Choice(["apa", "mla", "chicago", "bibtex", "ris", "csl-json"], case_sensitive=False),
    help="Print a citation of each article instead (access date from its retrieved date).",
)
@click.option(
    "--pager/--no-pager",
    default=True,
    help="Page long output through $PAGER (less) when on a terminal. [default: pager]",
)
@click.pass_context
def show(
    ctx: click.Context,
    ids: tuple[str, ...],
    highlight: str | None,
    as_json: bool,
    cite: str | None,
    pager: bool,
) -> None:
    """Print articles in full, by id or by a unique id prefix (at least 4 characters).

    On a terminal the articles are shown through your pager ($PAGER, else `less`);
    piped or redirected output is never paged. The other copies of each article's story
    (re-sent, syndicated) are listed under its details.

    \b
    Examples:
      newscli show 79019f60
      newscli show 79019f60 --json | jq -r .body
      newscli show 79019f60 --highlight 'russian forces'
      newscli search kharkiv --format ids | xargs newscli show --cite bibtex > kharkiv.bib

    \b
    Exit status: 0 shown, 1 unknown or ambiguous id, 2 database error.
    """
    from newscli.articles import find_article

    conn = _read(ctx)
    articles = [find_article(conn, given) for given in ids]
    if cite:
        if as_json:
            raise CliError("--json and --cite cannot both be given (--cite csl-json is JSON)")
        from newscli.cite import citations

        click.echo(citations(articles, cite.lower()))
        return
    if as_json:
        from newscli.render import write_json

        write_json(articles[0] if len(articles) == 1 else articles)
        return
    from newscli.render import show_articles
    from newscli.stories import copies

    matcher = None
    if highlight is not None:
        from newscli.matching import Matcher
        from newscli.search import SearchRequest, compile_request

        compiled = compile_request(conn, SearchRequest(highlight))
        matcher = Matcher(compiled.terms, compiled.lookup)
    listed = [copies(conn, article["id"]) for article in articles]
    show_articles(articles, no_color=ctx.obj["no_color"], pager=pager, matcher=matcher, copies=listed)


@cli.command(short_help="What the archive holds, in numbers.", sections={"Output": ["top", "as_json"]})
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="How many sources, tags and authors to list, most articles first; 0 for all.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as one JSON object.")
@click.pass_context
def stats(ctx: click.Context, top: int, as_json: bool) -> None:
    """What the archive holds: articles, dates, sources, tags, authors, and the file itself.

    Counts articles (dated and undated), the span of publication dates, words, the
    sources, tags and authors with most articles, and the database's path and size on disk.

    \b
    Examples:
      newscli stats
      newscli stats --top 0 --json | jq -r '.sources[] | "\\(.articles) \\(.source)"'
      newscli --db research.db stats --json | jq .undated

    \b
    Exit status: 0 done, 2 no database or database error.
    """
    from newscli.stats import archive_stats

    path = _db_path(ctx)
    conn = _read(ctx)
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


def _filters(since, until, sources=(), tags=(), authors=(), langs=()):
    """The filter options as one Filters value, or a one-line error naming the option."""
    from newscli.filters import FilterError, Filters, date_range

    days = []
    for option, text, end in (("--since", since, False), ("--until", until, True)):
        try:
            days.append(date_range(None, text)[1] if end else date_range(text, None)[0])
        except FilterError as e:
            raise CliError(f"{option}: {e}") from None
    if days[0] and days[1] and days[0] > days[1]:
        raise CliError(f"--since {days[0]} is after --until {days[1]}: nothing can match")
    return Filters(since=days[0], until=days[1], sources=tuple(sources), tags=tuple(tags),
                   authors=tuple(authors), langs=tuple(lang.lower() for lang in langs))  # fmt: skip


def filter_options(fn):
    """--since, --until, --source, --tag, --author and --lang, shared by the commands that
    read articles (their values go into one Filters value: see _filters)."""
    fn = click.option(
        "--lang",
        "langs",
        multiple=True,
        metavar="CODE",
        help="Only articles in this language (ISO 639-1: en, fi, zh...; repeat for several).",
    )(fn)
    fn = click.option(
        "--author",
        "authors",
        multiple=True,
        metavar="NAME",
        help="Only articles by this author (any case; 'smith' finds Mary Smith; repeat to require several).",
    )(fn)
    fn = click.option(
        "--tag",
        "tags",
        multiple=True,
        metavar="NAME",
        help="Only articles with this tag (any case; repeat to require several).",
        shell_complete=complete_tags,
    )(fn)
    fn = click.option(
        "--source",
        "sources",
        multiple=True,
        metavar="NAME",
        help="Only articles from this source (any case; repeat for several).",
        shell_complete=complete_sources,
    )(fn)
    fn = click.option(
        "--until",
        metavar="DATE",
        help="Published on or before DATE (inclusive; 2022 means up to 2022-12-31).",
    )(fn)
    return click.option(
        "--since",
        metavar="DATE",
        help="Published on or after DATE: 2022, 2022-05, 2022-05-14, '14 May 2022', "
        "or 30d, 2w, 6m, 1y, today, yesterday.",
    )(fn)


FILTER_NAMES = ["since", "until", "sources", "tags", "authors", "langs"]


def _notes(compiled) -> None:
    """Readings of the query that may surprise, one line each on stderr."""
    from newscli.render import one_line_message

    for note in compiled.notes:
        click.echo(f"note: {one_line_message(note)}", err=True)


@cli.command(
    cls=QueryCommand,
    short_help="Find articles, best match first.",
    sections={"Filters": [*FILTER_NAMES, "raw"],
              "Results": ["sort", "limit", "offset", "all_copies", "count_only", "explain"],
              "Output": ["output_format", "json_flag"]},
)  # fmt: skip
@click.argument("query", nargs=-1, required=True)
@filter_options
@click.option(
    "--sort",
    type=click.Choice(["rank", "newest", "oldest"]),
    default="rank",
    show_default=True,
    help="Best match first, or by publication date.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    metavar="N",
    help="At most N results (0: all).",
)
@click.option(
    "--offset",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="Skip the first N results (the next page: --offset 20).",
)
@click.option(
    "--all-copies",
    is_flag=True,
    help="Every copy of a story (re-sent, syndicated) as its own result; by default one result "
    "per story says how many other copies match.",
)
@click.option("--count", "count_only", is_flag=True, help="Print only the number of matching articles.")
@click.option(
    "--explain", is_flag=True, help="Say how the query was read (words, forms, filters), search nothing."
)
@click.option("--raw", is_flag=True, help="QUERY is an SQLite FTS5 expression (its words are analysed).")
@output_options()
@click.pass_context
def search(ctx: click.Context, query, since, until, sources, tags, authors, langs, sort, limit, offset,
           all_copies, count_only, explain, raw, output_format) -> None:  # fmt: skip
    """Find articles: all the words of QUERY, best match first.

    \b
    Query language (AND, OR and NOT in upper case):
      kharkiv withdraw        both words, and their inflections (withdrawing, withdrew)
      "news"                  exactly this word: never stemmed ("news" is not "new")
      "russian forces"        exactly this phrase (also “…”, „…“, «…» as pasted)
      "oil prices"~5          these words within 5 words (also NEAR(oil prices, 5))
      kyiv OR kiev            either word
      kharkiv -crimea         without crimea (also: NOT crimea)
      withdr*                 words starting with withdr, in any language
      (kyiv OR kiev) attack   grouping
      title:kharkiv           in the title only (also subtitle: and body:)
      source:bbc tag:oil      filters, like the options: source: tag: author: lang:
      date:2022-05            date:2022, date:2022-05..2022-07, since: until: after: before:
    Case and accents never matter: cafe finds Café, "CAFE" finds café. Words of Chinese,
    Japanese, Korean and Thai are found inside sentences. Stems follow each article's
    language. `--explain` shows how a query was read.

    \b
    Copies of one story (re-sent, syndicated: nearly the same body) are one result, the
    best placed, with "+N copies"; --all-copies lists each. Equal scores go newest first.

    \b
    Machine formats mark the matched words in `snippet` as **word**. `score` is the
    relevance (BM25F: title, subtitle and body each normalised by its own length):
    higher is better. `story` is the story's key (the id of its first article),
    `copies` how many other articles of it match.

    \b
    Examples:
      newscli search kharkiv --since 2022-05 --until 2022-06
      newscli search 'title:"russian forces"' --sort newest --json | jq -r '.[].title'
      newscli search '"U.S." sanctions source:reuters' --explain
      newscli search kharkiv --format ids | xargs newscli show

    \b
    Exit status: 0 something matched, 1 nothing matched, 2 error (bad query, date, database).
    """
    import itertools

    from newscli.search import (
        SearchRequest,
        compile_request,
        count_articles_and_stories,
        count_matches,
        iter_search_articles,
    )

    request = SearchRequest(
        " ".join(query),
        _filters(since, until, sources, tags, authors, langs),
        sort=sort,
        limit=limit,
        offset=offset,
        raw=raw,
        all_copies=all_copies,
    )
    conn = _read(ctx)
    compiled = compile_request(conn, request)
    if explain:
        _explain(ctx, conn, request, compiled, output_format)
        return
    _notes(compiled)
    if count_only:
        total = count_matches(conn, request, compiled)
        click.echo(total)
        sys.exit(0 if total else 1)
    if output_format == "table":
        results = list(iter_search_articles(conn, request, compiled))
        if results:
            from newscli.render import search_table

            search_table(_console(ctx), results)
        shown = len(results)
        articles = None
        if (limit == 0 or shown < limit) and (shown or not offset):
            total = offset + shown
        elif all_copies:
            total = count_matches(conn, request, compiled)
        else:  # both counts in one pass: the page is full, so the note gives both
            articles, total = count_articles_and_stories(conn, request, compiled)
        if (
            not all_copies
            and total
            and articles is None
            and (any(r["copies"] for r in results) or shown < total)
        ):
            articles = count_matches(conn, request, compiled)
        click.echo(_page_note(offset, shown, total, articles if articles != total else None), err=True)
        sys.exit(0 if results else 1)
    from newscli.matching import marked
    from newscli.render import write_rows
    from newscli.search import RESULT_COLUMNS

    found = iter_search_articles(conn, request, compiled)
    # The query is checked before the first line is written: errors never follow output.
    first = next(found, None)
    rows: Iterable[dict] = [] if first is None else itertools.chain([first], found)
    written = write_rows(
        ({**r, "snippet": marked(r["snippet"])} for r in rows),
        RESULT_COLUMNS,
        output_format,
    )
    sys.exit(0 if written else 1)


def _read(ctx: click.Context):
    """The archive, opened for reading (indexed first if another program changed it)."""
    from newscli.archive import connect_readonly

    return connect_readonly(_db_path(ctx), progress=_index_progress(ctx))


def _index_progress(ctx: click.Context):
    """A progress bar on stderr for bringing the search index up to date (after an upgrade
    of an older archive), when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    from newscli.render import index_progress

    return index_progress(no_color=ctx.obj["no_color"])


def _explain(ctx, conn, request, compiled, output_format) -> None:
    from newscli.search import explain

    report = explain(conn, request, compiled)
    if output_format in ("json", "jsonl"):
        from newscli.render import write_json

        write_json(report)
    else:
        from newscli.render import render_explain

        render_explain(_console(ctx), report)


def _page_note(offset: int, shown: int, total: int, articles: int | None = None) -> str:
    """The line under a page of results; `articles` (when results are stories, and their
    copies make more articles) is said after the number of stories."""
    if total == 0:
        return "no matches"
    if articles is None:
        plural = "match" if total == 1 else "matches"
    else:
        plural = ("story" if total == 1 else "stories") + f" ({articles} articles with their copies)"
    if not shown:
        return f"no results after --offset {offset}: there are {total} {plural}"
    if offset == 0 and shown == total:
        return f"{total} {plural}"
    note = f"results {offset + 1}–{offset + shown} of {total} {plural}"
    if offset + shown < total:
        note += f"; next page: --offset {offset + shown}"
    return note


@cli.command(
    cls=QueryCommand,
    short_help="Count matching articles per day, week, month or year.",
    sections={"Filters": [*FILTER_NAMES, "raw"],
              "Periods": ["by", "as_list"],
              "Series": ["compare", "share", "split", "top", "stories"],
              "Output": ["peaks", "plot", "output_format", "json_flag"]},
)  # fmt: skip
@click.argument("query", nargs=-1)
@filter_options
@click.option(
    "--by",
    type=click.Choice(["day", "week", "month", "year"]),
    help="Count per day, ISO week (2022-W19), month or year. Default: the finest that gives at most 60 rows.",
)
@click.option(
    "--list",
    "as_list",
    is_flag=True,
    help="List the matching articles under their periods instead of counting.",
)
@click.option(
    "--stories",
    is_flag=True,
    help="Count stories, not articles: copies of one story (re-sent, syndicated) count once, "
    "on the day of the first.",
)
@click.option("--raw", is_flag=True, help="QUERY is an SQLite FTS5 expression, used as is.")
@click.option("--compare", multiple=True, metavar="QUERY",
              help="Another query counted beside QUERY, same filters (repeat for more).")  # fmt: skip
@click.option("--share", is_flag=True, help="Also each count as a share of all articles of the period.")
@click.option("--split", type=click.Choice(["source", "tag", "author", "lang"]),
              help="One series per source, tag, author or language of QUERY's articles.")  # fmt: skip
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="--split: the N values with most articles, the rest as 'other' (default 6, 0 all).",
)
@click.option(
    "--peaks", is_flag=True, help="Also the periods that jump above the recent level, with headlines."
)
@click.option(
    "--plot", metavar="FILE", help="Also draw the chart into FILE: .svg, .png or .pdf (needs matplotlib)."
)
@output_options(formats=("table", "json", "jsonl", "csv", "tsv", "ids"))
@click.pass_context
def timeline(ctx: click.Context, query, since, until, sources, tags, authors, langs, by, as_list, raw,
             compare, share, split, top, stories, peaks, plot, output_format) -> None:  # fmt: skip
    """Count the articles matching QUERY (all articles without one) per period.

    Same query language and filters as `newscli search`. Every period between the first
    and the last matching article (or --since/--until when given) is shown, with 0 when
    nothing was published; articles without a publication date are counted under the chart.

    \b
    More series on one chart: --compare QUERY (repeatable) counts other queries beside
    QUERY; --split source|tag|author|lang counts QUERY's articles per value of that field
    (--top N of them, the rest as 'other'); --share adds each count's share of all articles
    of the period that pass the filters, so that more coverage and a bigger archive are
    told apart. --peaks lists the periods where a series stands at least 3 spreads above
    the mean of the 8 periods before it (the spread being their standard deviation, or the
    square root of their mean if larger; at least 3 articles), with their top 3 headlines.

    \b
    Machine formats give one row per period: period, start, end, count (undated articles
    are not in them; their number is written on stderr), and with more series `counts`
    (and `total`, `shares`) keyed by each series' name; CSV and TSV have one column per
    series (and `total`, `share:NAME`). With --peaks, --json gives {"periods", "peaks"} and
    the other formats one row per peak. With --list: period, published, id, title, source,
    url per article, undated ones last with an empty period.

    \b
    Examples:
      newscli timeline kharkiv --by week --since 2022-05 --until 2022-06
      newscli timeline kyiv --compare kiev --share --by year --peaks
      newscli timeline ukraine --split source --top 4 --plot ukraine.svg
      newscli timeline 'title:kharkiv' --list

    \b
    Exit status: 0 something matched, 1 nothing matched, 2 error.
    """
    from newscli.search import SearchRequest

    text = " ".join(query) if query else None
    request = SearchRequest(text, _filters(since, until, sources, tags, authors, langs), raw=raw)
    charted = [name for name, given in (("--compare", compare), ("--share", share), ("--split", split),
                                        ("--peaks", peaks), ("--plot", plot)) if given]  # fmt: skip
    if top is not None and not split:
        raise CliError("--top N chooses the values of --split: use it with --split")
    if as_list and charted:
        raise CliError(f"--list lists articles; {charted[0]} goes with the counts: leave one out")
    plot_path = None
    if plot:
        from newscli.plot import check_plot

        plot_path = check_plot(plot)
    conn = _read(ctx)
    if as_list and stories:
        raise CliError("--stories counts stories; --list lists every article: give one of them")
    if as_list:
        from newscli.timeline import LIST_COLUMNS, list_articles

        _, articles = list_articles(conn, request, by=by)
        if output_format == "table":
            if articles:
                from newscli.render import timeline_list

                timeline_list(_console(ctx), articles)
            else:
                click.echo("no matches", err=True)
        else:
            from newscli.render import write_rows

            write_rows(articles, LIST_COLUMNS, output_format)
        sys.exit(0 if articles else 1)

    from newscli import timeline as timelines

    if output_format == "ids":
        raise CliError("--format ids lists articles: use it with --list")
    chart = timelines.build_timeline(conn, request, by=by, compare=compare, share=share, split=split,
                                     top=timelines.DEFAULT_TOP if top is None else top,
                                     stories=stories)  # fmt: skip
    if peaks and chart.periods:
        chart.peaks = timelines.find_peaks(conn, chart)
    title = timelines.chart_title(chart, text)
    if output_format == "table":
        if chart.matched:
            from newscli import render

            if chart.series:
                render.timeline_series_table(_console(ctx), chart, title)
            else:
                render.timeline_table(_console(ctx), chart, title)
            if peaks:
                render.timeline_peaks(_console(ctx), chart.peaks, several=len(chart.series) > 1)
        else:
            click.echo("no matches", err=True)
    else:
        from newscli.render import undated_note, write_json, write_rows

        if peaks and output_format == "json":
            write_json({"periods": chart.periods, "peaks": chart.peaks})
        elif peaks:
            write_rows(chart.peaks, timelines.PEAK_COLUMNS, output_format)
        elif output_format in ("csv", "tsv"):
            write_rows(*timelines.machine_rows(chart), output_format)
        else:
            write_rows(chart.periods, timelines.json_columns(chart), output_format)
        if chart.undated:
            click.echo(undated_note(chart.undated, chart.stories), err=True)
    if plot_path is not None and chart.periods:
        from newscli.plot import write_plot

        write_plot(chart, plot_path, title, timelines.chart_details(chart, request, _db_path(ctx)))
        click.echo(f"wrote {plot_path}", err=True)
    sys.exit(0 if chart.matched else 1)


@cli.command(
    cls=QueryCommand,
    short_help="Write articles out in full: JSON Lines, JSON, CSV.",
    sections={"Filters": [*FILTER_NAMES, "raw"],
              "Output": ["output_format", "json_flag"]},
)  # fmt: skip
@click.argument("query", nargs=-1)
@filter_options
@click.option("--raw", is_flag=True, help="QUERY is an SQLite FTS5 expression, used as is.")
@output_options(formats=EXPORT_FORMATS)
@click.pass_context
def export(
    ctx: click.Context, query, since, until, sources, tags, authors, langs, raw, output_format
) -> None:
    """Write articles in full, all their fields, in import order: all, or those matching
    QUERY (the query language of `search`) and the filters.

    JSON Lines (the default: one object a line, as `show --json`) is read back by
    `newscli import -` and keeps every field and every character; CSV and TSV are for
    spreadsheets (lists and objects as JSON text). Articles are written as they are read,
    so an export of any size starts at once and takes little memory.

    \b
    Examples:
      newscli export > archive.jsonl
      newscli export kharkiv --since 2022 --format csv > kharkiv.csv
      newscli export | newscli --db copy.db import -

    \b
    Exit status: 0 done (also when nothing matched), 2 bad query or date, no database.
    """
    from newscli.export import export_columns, iter_articles
    from newscli.render import write_rows
    from newscli.search import SearchRequest

    request = SearchRequest(
        " ".join(query) or None, _filters(since, until, sources, tags, authors, langs), raw=raw
    )
    conn = _read(ctx)
    try:
        articles = iter_articles(conn, request)
        write_rows(articles, export_columns(conn), output_format)
        sys.stdout.flush()
    finally:
        conn.close()


# --- reading tools: kwic, similar, terms, count (their work is in their own modules) -------

READING_FORMATS = ("table", "json", "jsonl", "csv", "tsv")


def _compiled(ctx: click.Context, request):
    """The archive opened for reading and the request's query read (notes on stderr)."""
    from newscli.search import compile_request

    conn = _read(ctx)
    compiled = compile_request(conn, request)
    _notes(compiled)
    return conn, compiled


@cli.command(
    cls=QueryCommand,
    short_help="Concordance: each occurrence of the query's words in its context.",
    sections={"Filters": FILTER_NAMES,
              "Lines": ["sort", "width", "limit"],
              "Output": ["output_format", "json_flag"]},
)  # fmt: skip
@click.argument("query", nargs=-1, required=True)
@filter_options
@click.option(
    "--sort",
    type=click.Choice(["newest", "oldest", "rank"]),
    default="newest",
    show_default=True,
    help="Articles newest first, oldest first, or best match first.",
)
@click.option(
    "--width",
    type=click.IntRange(min=0, max=1000),
    default=40,
    show_default=True,
    metavar="N",
    help="Characters of context on each side of the match.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    metavar="N",
    help="At most N lines (0: all).",
)
@output_options(formats=READING_FORMATS)
@click.pass_context
def kwic(ctx: click.Context, query, since, until, sources, tags, authors, langs, sort, width, limit,
         output_format) -> None:  # fmt: skip
    """Concordance (key word in context): one line per occurrence of QUERY's words in the
    matching articles, the match in a column of its own between its left and right context.

    Words match as in `newscli search`: an unquoted word with its inflections, a "quoted"
    word exactly, a prefix* by its start, a "quoted phrase" as a whole, in any script.
    Lines follow the articles (newest first unless --sort says otherwise), and within an
    article its title, subtitle and body in reading order.

    \b
    Machine formats give one row per line: id, published, title, left, match, right
    (left + match + right is the text as it reads, white space made single spaces).

    \b
    Examples:
      newscli kwic kharkiv
      newscli kwic '"russian forces"' --width 30 --since 2022
      newscli kwic 'withdr*' --sort rank --limit 0 --format csv > withdraw.csv

    \b
    Exit status: 0 lines found, 1 nothing matched, 2 error (bad query, date, database).
    """
    from newscli.kwic import KWIC_COLUMNS, concordance
    from newscli.search import SearchRequest

    request = SearchRequest(" ".join(query), _filters(since, until, sources, tags, authors, langs), sort=sort)
    conn, compiled = _compiled(ctx, request)
    found = concordance(conn, request, compiled, width=width, limit=limit)
    if output_format != "table":
        from newscli.render import write_rows

        write_rows(found.lines, KWIC_COLUMNS, output_format)
    elif found.lines:
        from newscli.render import kwic_table

        kwic_table(_console(ctx), found.lines, width)
        sys.stdout.flush()
    if output_format == "table" or not found.lines:
        lines = "line" if len(found.lines) == 1 else "lines"
        note = f"{len(found.lines)} {lines} from {found.articles} " + (
            "article" if found.articles == 1 else "articles"
        )
        if found.more:
            note += f"; more with --limit {limit * 2} or --limit 0"
        click.echo("no matches" if not found.lines else note, err=True)
    sys.exit(0 if found.lines else 1)


@cli.command(
    cls=QueryCommand,
    short_help="How many articles match each query: for lists of names or topics.",
    sections={"Queries": ["queries_file"], "Filters": FILTER_NAMES,
              "Output": ["output_format", "json_flag"]},
)  # fmt: skip
@click.argument("query", nargs=-1)
@click.option(
    "--queries",
    "queries_file",
    type=click.File("r", encoding="utf-8", errors="replace"),
    metavar="FILE",
    help="Read queries from FILE (- for stdin): one a line; blank lines and # comments skipped.",
)
@filter_options
@output_options(formats=READING_FORMATS)
@click.pass_context
def count(ctx: click.Context, query, queries_file, since, until, sources, tags, authors, langs,
          output_format) -> None:  # fmt: skip
    """Count the articles matching each QUERY (each argument is one query), or each line of
    --queries FILE, with the first and last publication date of the matches.

    Queries use the language of `newscli search`; the filters apply to every one. A query
    that cannot be read is reported on stderr (with its line number) and the others are
    still counted.

    \b
    Machine formats give one row per query: query, count, first, last.

    \b
    Examples:
      newscli count kharkiv kyiv '"russian forces"'
      newscli count --queries names.txt --since 2022 --format csv > counts.csv
      newscli count 'author:"mary smith"' 'tag:oil' --json

    \b
    Exit status: 0 some query matched, 1 none matched, 2 a query or option was bad (the
    other queries are still counted and shown).
    """
    from newscli.counts import COUNT_COLUMNS, QueryLine, count_queries, read_queries
    from newscli.render import one_line_message

    if not query and queries_file is None:
        raise click.UsageError("give one or more queries, or --queries FILE")
    filters = _filters(since, until, sources, tags, authors, langs)
    queries = [QueryLine(text) for text in query]
    name = getattr(queries_file, "name", "<stdin>")
    conn = _read(ctx)
    state = {"errors": 0, "matched": 0}

    def counted_rows():
        import itertools

        given = itertools.chain(queries, read_queries(queries_file) if queries_file else ())
        for counted in count_queries(conn, given, filters):
            if counted.error is not None:
                where = f"{name}:{counted.query.line}: " if counted.query.line else ""
                sys.stdout.flush()  # the rows before it come first
                click.echo(f"error: {one_line_message(where + counted.error)}", err=True)
                state["errors"] += 1
                continue
            state["matched"] += counted.count > 0
            yield counted.row()

    if output_format == "table":
        found = list(counted_rows())
        if found:
            from newscli.render import count_table

            count_table(_console(ctx), found)
    else:
        from newscli.render import write_rows

        write_rows(counted_rows(), COUNT_COLUMNS, output_format)
    sys.exit(2 if state["errors"] else 0 if state["matched"] else 1)


@cli.command(
    short_help="The articles most like one article.",
    sections={"Filters": FILTER_NAMES, "Results": ["limit", "n_terms"],
              "Output": ["output_format", "json_flag"]},
)  # fmt: skip
@click.argument("article_id", metavar="ID", shell_complete=complete_ids)
@filter_options
@click.option(
    "--limit", type=click.IntRange(min=0), default=10, show_default=True, metavar="N",
    help="At most N articles (0: all that share a term).",
)  # fmt: skip
@click.option(
    "--terms", "n_terms", type=click.IntRange(min=1, max=200), default=25, show_default=True, metavar="N",
    help="Search with the article's N most distinctive words.",
)  # fmt: skip
@output_options()
@click.pass_context
def similar(ctx: click.Context, article_id, since, until, sources, tags, authors, langs, limit, n_terms,
            output_format) -> None:  # fmt: skip
    """The articles most like article ID (an id or unique id prefix), best first.

    The article's most distinctive words (tf-idf against the archive: frequent in it, rare
    elsewhere; stopwords of its language left out) are searched for, any of them, and the
    articles are ranked by BM25 as `newscli search` ranks them. The article itself and its
    copies (the same text re-sent under another headline or date) are left out. The words
    used are listed on stderr.

    \b
    Machine formats give the rows of `newscli search --json`: id, title, published, source,
    url, snippet (the words found marked **so**) and score (higher is closer).

    \b
    Examples:
      newscli similar 79019f60
      newscli similar 79019f60 --since 2022-05 --until 2022-06 --json
      newscli similar 79019f60 --format ids | xargs newscli show

    \b
    Exit status: 0 similar articles found, 1 none (or no such article), 2 error.
    """
    from newscli.similar import similar_articles

    conn = _read(ctx)
    filters = _filters(since, until, sources, tags, authors, langs)
    found = similar_articles(conn, article_id, filters, limit=limit, n_terms=n_terms)
    from newscli.render import one_line_message

    if found.terms:
        words = ", ".join(word for word, _ in found.terms)
        click.echo(f"note: similar by: {one_line_message(words)}", err=True)
    if found.copies:
        click.echo(f"note: left out as copies: {', '.join(c[:8] for c in found.copies)}", err=True)
    if output_format == "table":
        if found.results:
            from newscli.render import search_table

            search_table(_console(ctx), found.results)
            sys.stdout.flush()
        else:
            click.echo("no similar articles", err=True)
    else:
        from newscli.matching import marked
        from newscli.render import write_rows
        from newscli.search import RESULT_COLUMNS

        write_rows(
            ({**r, "snippet": marked(r["snippet"])} for r in found.results), RESULT_COLUMNS, output_format
        )
    sys.exit(0 if found.results else 1)


@cli.command(
    cls=QueryCommand,
    short_help="The words that set the matching articles apart from the archive.",
    sections={"Filters": FILTER_NAMES, "Terms": ["phrases", "limit"],
              "Output": ["output_format", "json_flag"]},
)  # fmt: skip
@click.argument("query", nargs=-1)
@filter_options
@click.option("--phrases", is_flag=True, help="Two-word phrases instead of words.")
@click.option(
    "--limit", type=click.IntRange(min=0), default=25, show_default=True, metavar="N",
    help="At most N terms (0: every over-represented one).",
)  # fmt: skip
@output_options(formats=READING_FORMATS)
@click.pass_context
def terms(ctx: click.Context, query, since, until, sources, tags, authors, langs, phrases, limit,
          output_format) -> None:  # fmt: skip
    """The words (or two-word phrases) most over-represented in the articles matching QUERY
    and the filters, against the whole archive: what sets those articles apart.

    The score is the log-likelihood G² (Dunning) of the number of matching articles
    holding a word against the number of the other articles holding it; only words more
    frequent among the matching articles are listed, highest first. Stopwords of each
    article's language, numbers and one- or two-letter words are left out. Above 250
    matching articles an even sample of 250 is read and its counts scaled (said on stderr).

    \b
    Machine formats give one row per term: term, articles (matching articles holding it),
    count (its occurrences in them), score (G²; 3.84 is p < 0.05, 10.83 is p < 0.001).

    \b
    Examples:
      newscli terms kharkiv
      newscli terms --source bbc --since 2022 --phrases
      newscli terms 'tag:energy' --limit 10 --json | jq -r '.[].term'

    \b
    Exit status: 0 terms found, 1 nothing matched (or no word stands out), 2 error.
    """
    from newscli.search import SearchRequest
    from newscli.terms import TERMS_COLUMNS, key_terms

    request = SearchRequest(" ".join(query) or None, _filters(since, until, sources, tags, authors, langs))
    conn, compiled = _compiled(ctx, request)
    found = key_terms(conn, compiled, phrases=phrases, limit=limit)
    if found.read < found.matched:
        click.echo(
            f"note: counted in an even sample of {found.read:,} of the {found.matched:,} matching articles, "
            "scaled to all of them",
            err=True,
        )
    if found.matched == found.archive and found.matched:
        click.echo("note: every article matches: nothing to compare them with, every score is 0", err=True)
    if output_format == "table":
        if found.rows:
            from newscli.render import terms_table

            terms_table(_console(ctx), found.rows)
            sys.stdout.flush()
            what = "phrases" if phrases else "words"
            click.echo(f"{what} of {found.matched:,} matching articles against {found.archive:,}", err=True)
        else:
            click.echo("no matches" if not found.matched else "no word stands out", err=True)
    else:
        from newscli.render import write_rows

        write_rows(found.rows, TERMS_COLUMNS, output_format)
    sys.exit(0 if found.rows else 1)
