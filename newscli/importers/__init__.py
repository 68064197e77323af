"""Finding input files, reading each with the importer for its format, and loading the
articles into the archive in batches."""

from __future__ import annotations

import glob
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from newscli.archive import ArchiveError, insert_batch
from newscli.importers.text import ParseProblem, decode_text, parse_text_article
from newscli.models import Article

STDIN = "-"
BATCH_ARTICLES = 2000
BATCH_BYTES = 16 * 1024 * 1024


def path_text(path: str) -> str:
    """A file name as text that can be stored, printed and put in JSON.

    A name that is not valid UTF-8 reaches Python with lone surrogates (PEP 383), which
    SQLite, JSON and the terminal all refuse; its odd bytes are written as \\xNN instead.
    """
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", errors="backslashreplace")


@dataclass
class ImportProblem:
    path: str
    line: int | None
    error: str

    def __post_init__(self) -> None:
        self.path = path_text(self.path)

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "error": self.error}

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.error}"


@dataclass
class ImportSummary:
    files: int = 0
    imported: int = 0
    duplicates: int = 0
    undated: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    interrupted: bool = False

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
            "errors": [e.as_dict() for e in self.errors],
        }

    def describe(self) -> str:
        noun = "article" if self.imported == 1 else "articles"
        files = "file" if self.files == 1 else "files"
        parts = [
            f"{self.duplicates} duplicate{'s' if self.duplicates != 1 else ''}",
            f"{self.undated} undated",
            f"{self.failed} failed",
        ]
        return f"Imported {self.imported} {noun} from {self.files} {files}: " + ", ".join(parts)


# How a file's format is recognised: by its ending, for files met while walking a folder.
TEXT_SUFFIXES = {".txt", ""}
Reader = Callable[[BinaryIO, str], Iterator["Article | ImportProblem"]]


# One text file is one article: far more than any article (a long feature is ~100 kB) is
# a log, a dump or a book, and would only fill the archive and memory.
MAX_TEXT_BYTES = 16 * 1024 * 1024


def read_text_file(stream: BinaryIO, path: str) -> Iterator[Article | ImportProblem]:
    data = stream.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        limit = MAX_TEXT_BYTES // (1024 * 1024)
        yield ImportProblem(path, None, f"too large for one article (over {limit} MB)")
        return
    try:
        yield parse_text_article(decode_text(data), path)
    except ParseProblem as e:
        yield ImportProblem(path, e.line, e.reason)


READERS: dict[str, Reader] = {"text": read_text_file}


def detect_format(path: str) -> str:
    return "text"


def is_importable(path: Path) -> bool:
    """Whether a file met while walking a folder is one we read."""
    return path.suffix.lower() in TEXT_SUFFIXES


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
                    full = Path(root) / name
                    if _is_hidden(name) or not is_importable(full):
                        continue
                    if full.is_file() or not full.exists():  # a broken link is reported on open
                        yield str(full)
                    else:  # reading a pipe found in a folder would wait forever
                        yield ImportProblem(
                            str(full), None, "not a regular file (a pipe, socket or device)"
                        )
        elif path.exists() or path.is_symlink():
            yield given
        else:
            yield ImportProblem(given, None, "no such file or folder")


def read_path(path: str, fmt: str | None = None) -> Iterator[Article | ImportProblem]:
    """Every article (or problem) in one input file; '-' reads standard input."""
    name = "<stdin>" if path == STDIN else path
    fmt = fmt or detect_format(path)
    try:
        if path == STDIN:
            yield from READERS[fmt](sys.stdin.buffer, name)
            return
        stored_path = path_text(str(Path(path).resolve()))
        with open(path, "rb") as stream:
            for item in READERS[fmt](stream, path):
                if isinstance(item, Article):
                    item.path = stored_path
                yield item
    except OSError as e:
        yield ImportProblem(name, None, e.strerror or str(e))


def _row(article: Article, source: str | None, imported_at: str) -> tuple:
    return (
        article.id,
        article.title,
        article.subtitle,
        article.body,
        article.published,
        article.retrieved,
        source or article.source,
        article.url,
        json.dumps(article.authors, ensure_ascii=False),
        article.path,
        article.words,
        imported_at,
    )


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
    *,
    source: str | None = None,
    fmt: str | None = None,
    on_file: Callable[[str], None] | None = None,
    on_problem: Callable[[ImportProblem], None] | None = None,
) -> ImportSummary:
    """Import every article found under `paths`; a bad file or record is reported, not fatal.

    Articles are committed in batches, so an interrupted run keeps what it committed and
    running it again completes it (articles already stored are counted as duplicates).
    """
    summary = ImportSummary()
    imported_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    batch: list[tuple] = []
    batch_bytes = 0

    def flush() -> None:
        nonlocal batch_bytes
        if batch:
            with _ctrl_c_after_batch():
                try:
                    inserted, undated = insert_batch(conn, batch)
                except ArchiveError as e:
                    # The run cannot go on; say what of it is safely stored.
                    noun = "article" if summary.imported == 1 else "articles"
                    raise ArchiveError(
                        f"{e}; {summary.imported} {noun} of this import were committed before"
                    ) from None
                summary.imported += inserted
                summary.duplicates += len(batch) - inserted
                summary.undated += undated
                batch.clear()
                batch_bytes = 0

    def problem(p: ImportProblem) -> None:
        summary.errors.append(p)
        if on_problem:
            on_problem(p)

    try:
        for path in expand_paths(paths):
            if isinstance(path, ImportProblem):
                problem(path)
                continue
            summary.files += 1
            if on_file:
                on_file(path)
            for item in read_path(path, fmt):
                if isinstance(item, ImportProblem):
                    problem(item)
                    continue
                batch.append(_row(item, source, imported_at))
                batch_bytes += len(item.body)
                if len(batch) >= BATCH_ARTICLES or batch_bytes >= BATCH_BYTES:
                    flush()
        flush()
    except KeyboardInterrupt:
        summary.interrupted = True
        # Stop at a batch boundary: the articles already read are whole, so keep them.
        try:
            flush()
        except KeyboardInterrupt:  # a second Ctrl-C: leave with what is committed
            pass
    return summary
