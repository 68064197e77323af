"""Finding input files, reading each with the importer for its format, and loading the
articles into the archive in batches."""

from __future__ import annotations

import contextlib
import functools
import glob
import json
import os
import signal
import sys
import threading
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from newscli.archive import ArchiveError, bulk_load, insert_batch
from newscli.errors import NewscliError
from newscli.importers.csvfile import read_csv, read_tsv
from newscli.importers.frontmatter import has_front_matter, read_markdown
from newscli.importers.jsonfile import is_json_lines, read_json
from newscli.importers.jsonl import read_jsonl
from newscli.importers.problems import ImportProblem, path_text
from newscli.importers.records import RecordMapper, settle_dates
from newscli.importers.streams import UTF8_BOM, peek, ungzip
from newscli.importers.text import ParseProblem, decode_text
from newscli.importers.webpage import read_html
from newscli.models import Article, storable_text

__all__ = ["READERS", "ImportOptions", "ImportProblem", "ImportSummary", "detect_format", "import_paths",
           "read_path"]  # fmt: skip

STDIN = "-"
BATCH_ARTICLES = 2000
BATCH_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class ImportOptions:
    """How an import reads its inputs, given once and passed down unchanged (to the parsing
    process too): the format forced (`--format`), the field mapping (`--map`), the source
    for articles that name none (`--source`) or for all (`--source-override`), and the order
    of day and month in numeric dates (`--dayfirst`: "dmy", `--monthfirst`: "mdy")."""

    fmt: str | None = None
    overrides: dict[str, str | None] = field(default_factory=dict)
    source: str | None = None
    source_override: str | None = None
    date_order: str | None = None

    def mapper(self) -> RecordMapper:
        return RecordMapper(self.overrides, date_order=self.date_order)

    def label(self, article: Article) -> None:
        """Give the article the source these options say."""
        if self.source_override:
            if article.source and article.source != self.source_override:
                article.extra.setdefault("original_source", article.source)
            article.source = self.source_override
        elif self.source and not article.source:
            article.source = self.source


@dataclass
class ImportSummary:
    files: int = 0
    imported: int = 0
    duplicates: int = 0
    undated: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    interrupted: bool = False
    # Numeric dates whose day and month could be either way round, left unread.
    ambiguous_dates: int = 0
    # Duplicates that gave an article stored undated its publication date.
    dated: int = 0

    @property
    def failed(self) -> int:
        return len(self.errors)

    def as_dict(self) -> dict:
        return {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "undated": self.undated,
            "failed": self.failed,
            "files": self.files,
            "interrupted": self.interrupted,
            "ambiguous_dates": self.ambiguous_dates,
            "dated": self.dated,
            "errors": [e.as_dict() for e in self.errors],
        }

    def describe(self) -> str:
        noun = "article" if self.imported == 1 else "articles"
        files = "file" if self.files == 1 else "files"
        parts = [
            f"{self.duplicates} duplicate{'s' if self.duplicates != 1 else ''}"
            + (f" ({self.dated} now dated)" if self.dated else ""),
            f"{self.undated} undated",
            f"{self.failed} failed",
        ]
        line = f"Imported {self.imported} {noun} from {self.files} {files}: " + ", ".join(parts)
        if self.ambiguous_dates:
            dates = "1 date" if self.ambiguous_dates == 1 else f"{self.ambiguous_dates} dates"
            were = "was" if self.ambiguous_dates == 1 else "were"
            line += (
                f"; {dates} could be day/month or month/day and {were} left unread: "
                "import again with --dayfirst or --monthfirst"
            )
        return line


Reader = Callable[..., Iterator["Article | ImportProblem"]]


# One text file is one article: far more than any article (a long feature is ~100 kB) is
# a log, a dump or a book, and would only fill the archive and memory.
MAX_TEXT_BYTES = 16 * 1024 * 1024


def read_text_file(
    stream: BinaryIO, path: str, mapper: RecordMapper | None = None
) -> Iterator[Article | ImportProblem]:
    data = stream.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        limit = MAX_TEXT_BYTES // (1024 * 1024)
        yield ImportProblem(path, None, f"too large for one article (over {limit} MB)")
        return
    try:
        yield (mapper or RecordMapper()).dates.read_text(decode_text(data), path)
    except ParseProblem as e:
        yield ImportProblem(path, e.line, e.reason)


# Each reader takes a binary stream (already gunzipped), the path to report problems with and
# the field mapping for dict-shaped records, and yields articles and problems as it goes.
READERS: dict[str, Reader] = {
    "text": read_text_file,
    "markdown": read_markdown,
    "json": read_json,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "tsv": read_tsv,
    "html": read_html,
}
# How a file's format is recognised by its ending (`.gz` is looked through).
SUFFIX_FORMATS = {
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".mkd": "markdown",
    ".json": "json",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".html": "html", ".htm": "html", ".xhtml": "html",
}  # fmt: skip
# Files without one of these endings are read, when named, by what their content looks like.
SNIFFED_SUFFIXES = {".txt", ".text", ""}
SNIFF_BYTES = 64 * 1024


def _inner_suffix(path: str) -> str:
    name = Path(path).name.lower()
    if name.endswith(".gz"):
        name = name[: -len(".gz")]
    return Path(name).suffix if "." in name.lstrip(".") else ""


def sniff_format(head: bytes) -> str | None:
    """The format the first bytes of a file look like, or None (read it as plain text)."""
    text = head.removeprefix(UTF8_BOM).lstrip()
    if text.startswith(b"{"):
        return "jsonl" if is_json_lines(text) else "json"
    if text.startswith(b"[") and text[1:].lstrip()[:1] in (b"{", b"]", b""):
        return "json"
    lower = text[:2048].lower()
    if lower.startswith((b"<!doctype html", b"<html")):
        return "html"
    if lower.startswith((b"<?xml", b"<!--")) and b"<html" in lower:
        return "html"  # XHTML, or a page saved with a note before its <html>
    decoded = head.decode("utf-8", errors="replace")
    if has_front_matter(decoded):
        return "markdown"
    return sniff_table(decoded)


MAX_COLUMN_NAME = 40


def sniff_table(text: str) -> str | None:
    """ "csv" or "tsv" when text starts like a table with a header row: at least two short
    column names, one of them a field we know (`title`, `date`, `headline`, ...), and a next
    row with as many fields. A headline with a comma is followed by a blank line, not a row."""
    import csv

    from newscli.importers.csvfile import sniff_delimiter
    from newscli.importers.records import KNOWN_NAMES, normalise_name

    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first)
    if delimiter not in first:
        return None
    try:
        reader = csv.reader(text.splitlines()[:50], delimiter=delimiter)
        header = next(reader)
        row = next(reader, None)
    except csv.Error:
        return None
    names = [name.strip() for name in header]
    if len(names) < 2 or any(not n or len(n) > MAX_COLUMN_NAME or len(n.split()) > 3 for n in names):
        return None
    if not {normalise_name(n) for n in names} & KNOWN_NAMES:
        return None
    if row is not None and len(row) < len(names):
        return None
    return "tsv" if delimiter == "\t" else "csv"


def _read_head(path: str) -> bytes:
    try:
        with open(path, "rb") as raw:
            return ungzip(raw).read(SNIFF_BYTES)
    except (OSError, EOFError, zlib.error):
        return b""


def detect_format(path: str, head: bytes | None = None) -> str:
    """The format of a file: by its ending (through `.gz`), else by its first bytes."""
    suffix = _inner_suffix(path)
    known = SUFFIX_FORMATS.get(suffix)
    if known and suffix not in SNIFFED_SUFFIXES:
        return known
    if head is None:
        head = b"" if path == STDIN else _read_head(path)
    return sniff_format(head) or "text"


def is_importable(path: Path) -> bool:
    """Whether a file met while walking a folder is one we read (any known ending, or none)."""
    return _inner_suffix(str(path)) in SUFFIX_FORMATS or _inner_suffix(str(path)) == ""


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def expand_paths(paths: Iterable[str]) -> Iterator[str | ImportProblem]:
    """Files named, found in folders (recursively, hidden ones skipped) or matched by a glob."""
    for given in paths:
        if given == STDIN:
            yield STDIN
            continue
        path = Path(given).expanduser()
        if not path.exists() and glob.has_magic(given):
            matches = sorted(glob.glob(os.path.expanduser(given), recursive=True))
            if not matches:
                yield ImportProblem(given, None, "no files match this pattern")
            for match in matches:
                yield from expand_paths([match]) if Path(match).is_dir() else [match]
        elif path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not _is_hidden(d))
                for name in sorted(files):
                    if _is_hidden(name) or not is_importable(Path(name)):
                        continue
                    full = os.path.join(root, name)  # as str(Path(root) / name), faster
                    if os.path.isfile(full) or not os.path.exists(full):
                        yield full  # a broken link is reported on open
                    else:  # reading a pipe found in a folder would wait forever
                        yield ImportProblem(full, None, "not a regular file (a pipe, socket or device)")
        elif path.exists() or path.is_symlink():
            yield given
        else:
            yield ImportProblem(given, None, "no such file or folder")


@functools.lru_cache(maxsize=64)
def _resolved_folder(folder: str) -> str:
    return os.path.realpath(folder)


def resolved_path(path: str) -> str:
    """The absolute path with symlinks resolved, as Path.resolve() gives it.

    The folder is resolved once for all its files (a folder walk meets thousands in a row);
    only a file that is itself a symlink is resolved on its own.
    """
    folder, name = os.path.split(path)
    if not name or name in (".", "..") or os.path.islink(path):
        return os.path.realpath(path)
    return os.path.join(_resolved_folder(folder or "."), name)


# Formats whose articles are not records with named fields: a --map for them is a mistake.
FIELDLESS_FORMATS = {
    "text": "--map names fields of JSON, CSV, TSV or front matter records, and this is plain text "
    "(give --format if it is one of those)",
    "html": "--map names fields of JSON, CSV, TSV or front matter records, and this is a web page",
}


def read_path(
    path: str,
    fmt: str | None = None,
    overrides: dict[str, str | None] | None = None,
    *,
    mapper: RecordMapper | None = None,
) -> Generator[Article | ImportProblem, None, None]:
    """Every article (or problem) in one input file; '-' reads standard input.

    `fmt` forces a format (else it is detected); `overrides` are the `--map` options.
    Gzip data is recognised by its first bytes and decompressed as it is read. A `mapper`
    given is the one used (it tells afterwards the format and the field mapping).
    """
    mapper = mapper or RecordMapper(overrides)
    name = "<stdin>" if path == STDIN else path
    try:
        with contextlib.ExitStack() as stack:
            if path == STDIN:
                stream = ungzip(sys.stdin.buffer)
                stored_path = None
            else:
                stream = ungzip(stack.enter_context(open(path, "rb")))
                stored_path = path_text(resolved_path(path))
            if fmt is None:
                head, stream = peek(stream, SNIFF_BYTES)
                fmt = detect_format(path, head)
            mapper.format = fmt
            if mapper.overrides and fmt in FIELDLESS_FORMATS:
                yield ImportProblem(name, None, FIELDLESS_FORMATS[fmt])
                return
            for item in settle_dates(READERS[fmt](stream, name, mapper), mapper.dates):
                if isinstance(item, Article) and stored_path:
                    item.path = stored_path
                yield item
    except (EOFError, zlib.error) as e:
        yield ImportProblem(name, None, f"corrupt gzip data: {e}")
    except OSError as e:
        yield ImportProblem(name, None, e.strerror or str(e))


def _row(article: Article, imported_at: str, lang: str | None) -> tuple:
    return (
        article.id,
        article.title,
        article.subtitle,
        article.body,
        article.published,
        article.retrieved,
        article.source,
        article.url,
        json.dumps(article.authors, ensure_ascii=False),
        article.path,
        article.words,
        imported_at,
        json.dumps(article.tags, ensure_ascii=False),
        storable_text(json.dumps(article.extra, ensure_ascii=False)),
        lang,
    )


# Parsing runs in a child process while this one writes, when the platform can fork and
# there is a second core: on a folder of text files parsing costs about as much as writing.
# The child sends events in input order, in chunks; a bounded queue keeps memory flat.
CHUNK_EVENTS = 250
QUEUE_CHUNKS = 8
# ("file", path) | ("problem", ImportProblem) | ("ambiguous", n)
# | ("row", row, body_length, index fields, forms)
Event = tuple


def _events(paths: Iterable[str], options: ImportOptions, imported_at: str) -> Generator[Event, None, None]:
    """What importing `paths` meets, in order: each file, each problem, each article's row
    (with what the search index stores of it: see index.prepare), and the dates of each
    file that could be read either way round."""
    from newscli import index

    forms_seen = index.FormsSeen()
    for path in expand_paths(paths):
        if isinstance(path, ImportProblem):
            yield ("problem", path)
            continue
        yield ("file", path)
        mapper = options.mapper()
        for item in read_path(path, options.fmt, mapper=mapper):
            if isinstance(item, ImportProblem):
                yield ("problem", item)
            else:
                options.label(item)
                prepared = index.prepare(item.title, item.subtitle, item.body, item.lang)
                row = _row(item, imported_at, prepared.lang)
                yield (
                    "row",
                    row,
                    len(item.body),
                    prepared.fields,
                    forms_seen.new_forms(prepared),
                )
        if mapper.dates.unsettled:
            yield ("ambiguous", mapper.dates.unsettled)


class ImportWorkerError(NewscliError, RuntimeError):
    """The parsing process failed in a way no input explains (a bug, or it was killed)."""


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _exit_with_writer(writer: int) -> None:
    """Make this (parsing) process end when the writer that forked it ends, however it ends.

    On Linux the kernel sends SIGKILL the moment the writer dies (PR_SET_PDEATHSIG), even
    while this process is blocked reading a pipe or flushing its queue; elsewhere the checks
    between records (`_orphaned`) do it.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # a libc without prctl: the checks remain
            pass
    if _orphaned(writer):  # it died before the request was made
        os._exit(1)


def _orphaned(writer: int) -> bool:
    return os.getppid() != writer


def _produce(queue, writer: int, paths: list[str], options: ImportOptions, imported_at: str) -> None:
    """Body of the parsing process: put chunks of events, then None (or a failure text).

    `writer` is the pid of the process that forked this one and reads the queue: when it is
    gone (killed), nobody will read, so this process stops at once rather than run on.
    """
    import queue as queues
    import traceback

    # Ctrl-C goes to the whole process group: the writer stops this process itself. (The
    # writer blocked SIGINT before forking; it stays pending until ignored, then dropped.)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _exit_with_writer(writer)
    # Nothing is printed from here; letting go of the writer's stdout/stderr means whoever
    # reads them sees their end when the writer ends, even if it was killed.
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)

    def put(item) -> None:
        while True:
            try:
                queue.put(item, timeout=0.5)
                return
            except queues.Full:
                if _orphaned(writer):
                    os._exit(1)

    try:
        chunk: list[Event] = []
        for event in _events(paths, options, imported_at):
            if _orphaned(writer):  # checked between records, not only when the queue is full
                os._exit(1)
            chunk.append(event)
            if len(chunk) >= CHUNK_EVENTS:
                put(chunk)
                chunk = []
        if chunk:
            put(chunk)
        put(None)
    except BaseException as e:
        where = traceback.extract_tb(e.__traceback__)[-1]
        put(f"{type(e).__name__}: {e} (at {where.filename}:{where.lineno})")


def _events_from_child(
    paths: list[str], options: ImportOptions, imported_at: str
) -> Generator[Event, None, None]:
    import multiprocessing
    import queue as queues

    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=QUEUE_CHUNKS)
    worker = context.Process(
        target=_produce,
        args=(channel, os.getpid(), paths, options, imported_at),
        daemon=True,
    )
    try:
        # SIGINT held back while forking: the child starts with it blocked and ignores it
        # before unblocking, so a Ctrl-C at this moment never reaches its start-up code.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            worker.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        while True:
            try:
                chunk = channel.get(timeout=0.5)
            except queues.Empty:
                if not worker.is_alive() and channel.empty():
                    raise ImportWorkerError(
                        f"the parsing process stopped unexpectedly (exit {worker.exitcode})"
                    ) from None
                continue
            if chunk is None:
                break
            if isinstance(chunk, str):
                raise ImportWorkerError(f"the parsing process failed: {chunk.strip()}")
            yield from chunk
        worker.join()
    finally:
        if worker.is_alive():
            worker.terminate()
            worker.join()
        channel.close()


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


@contextmanager
def _ctrl_c_after_batch() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) while a batch is written and counted, then raise it.

    The batch is one transaction, so an interrupt inside it could only roll it back; but one
    arriving just after COMMIT returned would leave the summary short of what was stored.
    Holding it back keeps "N articles were committed" exact. Outside batches (reading
    files, waiting on stdin) Ctrl-C acts at once.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    received: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if received:
        raise KeyboardInterrupt


def import_paths(
    conn,
    paths: Iterable[str],
    options: ImportOptions | None = None,
    *,
    on_file: Callable[[str], None] | None = None,
    on_problem: Callable[[ImportProblem], None] | None = None,
    parallel: bool | None = None,
) -> ImportSummary:
    """Import every article found under `paths`; a bad file or record is reported, not fatal.

    Articles are committed in batches, so an interrupted run keeps what it committed and
    running it again completes it (articles already stored are counted as duplicates).
    `parallel` (default: when the platform can fork and has two cores; never for stdin)
    parses in a child process while this one writes; the result is the same either way.
    """
    options = options or ImportOptions()
    summary = ImportSummary()
    _resolved_folder.cache_clear()  # folders may have moved since an earlier run
    imported_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    paths = list(paths)
    if parallel is None:
        parallel = _can_fork()
    parallel = parallel and STDIN not in paths
    batch: list[tuple] = []
    batch_fields: list[tuple[str, str, str]] = []
    batch_forms: list[tuple[str, str]] = []
    batch_bytes = 0

    def flush() -> None:
        nonlocal batch_bytes
        if batch:
            with _ctrl_c_after_batch():
                try:
                    inserted, undated, dated = insert_batch(conn, batch, batch_fields, batch_forms)
                except ArchiveError as e:
                    # The run cannot go on; say what of it is safely stored.
                    noun = "article" if summary.imported == 1 else "articles"
                    raise ArchiveError(
                        f"{e}; {summary.imported} {noun} of this import were committed before"
                    ) from None
                summary.imported += inserted
                summary.duplicates += len(batch) - inserted
                summary.undated += undated
                summary.dated += dated
                batch.clear()
                batch_fields.clear()
                batch_forms.clear()
                batch_bytes = 0

    events = (
        _events_from_child(paths, options, imported_at) if parallel else _events(paths, options, imported_at)
    )
    try:
        with bulk_load(conn):
            for event in events:
                kind = event[0]
                if kind == "row":
                    batch.append(event[1])
                    batch_bytes += event[2]
                    batch_fields.append(event[3])
                    batch_forms.extend(event[4])
                    if len(batch) >= BATCH_ARTICLES or batch_bytes >= BATCH_BYTES:
                        flush()
                elif kind == "file":
                    summary.files += 1
                    if on_file:
                        on_file(event[1])
                elif kind == "ambiguous":
                    summary.ambiguous_dates += event[1]
                else:
                    summary.errors.append(event[1])
                    if on_problem:
                        on_problem(event[1])
            flush()
    except KeyboardInterrupt:
        summary.interrupted = True
        # Stop at a batch boundary: the articles already read are whole, so keep them.
        try:
            flush()
        except KeyboardInterrupt:  # a second Ctrl-C: leave with what is committed
            pass
    finally:
        events.close()
    return summary
