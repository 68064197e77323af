"""CSV and TSV with a header row: quoted fields may span lines; read row by row in constant
memory. A problem is reported at the line where its record starts."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import BinaryIO, Protocol

from newscli.importers.problems import ImportProblem
from newscli.importers.records import OwnExport, RecordMapper, could_be_text, map_hint, record_problems
from newscli.importers.streams import peek, text_stream
from newscli.importers.text import ParseProblem
from newscli.models import Article


class _Rows(Protocol):
    """What read_csv uses of a csv.reader, which _LinearTsv has too."""

    @property
    def line_num(self) -> int: ...

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


DELIMITERS = ",;\t|"
# The largest field read (an unclosed quote would otherwise swallow the rest of the file).
MAX_FIELD = 16 * 1024 * 1024


def sniff_delimiter(first_line: str) -> str:
    """The delimiter of a header line: whichever of , ; tab | it has most of (comma on a tie)."""
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


# What tools that write CSV from data frames or JSON put in a cell that has no value.
MISSING_VALUES = frozenset({"null", "NULL", "Null", "None", "NaN", "nan"})


def _cell(text: str) -> str:
    return "" if text in MISSING_VALUES else text


def _header(row: list[str]) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(row, start=1):
        name = raw.strip() or f"column_{number}"
        key = name.lower()
        seen[key] = seen.get(key, 0) + 1
        names.append(name if seen[key] == 1 else f"{name}_{seen[key]}")
    return names


def read_csv(
    stream: BinaryIO, path: str, mapper: RecordMapper | None = None, *, delimiter: str | None = None
) -> Iterator[Article | ImportProblem]:
    mapper = mapper or RecordMapper()
    head, stream = peek(stream)
    text = text_stream(stream, head)
    if delimiter is None:
        first = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
        delimiter = sniff_delimiter(first)
    csv.field_size_limit(MAX_FIELD)
    reader: _Rows = csv.reader(text, delimiter=delimiter)
    try:
        header = _header(next(reader))
    except StopIteration:
        yield ImportProblem(path, None, "empty file")
        return
    except csv.Error as e:
        yield ImportProblem(path, 1, f"unreadable header row: {e}")
        return
    if delimiter == "\t" and OwnExport.MARKS <= set(header):
        # newscli's own TSV export: no quoting, tab, line breaks and backslash escaped.
        reader = _LinearTsv(text, reader.line_num)
    mapping = mapper.mapping_for(tuple(header))
    missing = [
        f"{field}={column}"
        for field, column in mapper.overrides.items()
        if column is not None and column.lower() not in {h.lower() for h in header}
    ]
    if missing:
        yield ImportProblem(
            path, 1, f"--map {', '.join(missing)}: no such column (columns: {', '.join(header)})"
        )
        return
    if not {"title", "body", "subtitle"} & set(mapping):
        # Which column could hold the text is told from the first row.
        first_row: list[str] = next(reader, [])
        texts = [name for name, cell in zip(header, first_row, strict=False) if could_be_text(cell)]
        yield ImportProblem(path, 1, f"no title or body column among: {', '.join(header)}{map_hint(texts)}")
        return
    mapper.overrides_found.update(mapper.overrides)
    line = reader.line_num
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            yield ImportProblem(path, start, f"unreadable CSV: {e}")
            if "field larger" in str(e):
                return
            line = reader.line_num
            continue
        line = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) > len(header) and not any(cell.strip() for cell in row[len(header) :]):
            row = row[: len(header)]  # trailing empty cells, as spreadsheets write them
        if len(row) != len(header):
            yield ImportProblem(
                path,
                start,
                f"row has {len(row)} field{'s' if len(row) != 1 else ''}, the header has {len(header)}",
            )
            continue
        try:
            yield mapper.article({name: _cell(cell) for name, cell in zip(header, row, strict=True)})
        except ParseProblem as e:
            yield ImportProblem(path, start, e.reason)
    yield from record_problems(mapper, path)


_TSV_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
_TSV_ESCAPE = re.compile(r"\\(.)")


class _LinearTsv:
    """Rows of a TSV file written as `export --format tsv` writes it (fields never quoted;
    tab, newline, carriage return and backslash written \\t \\n \\r \\\\): a csv.reader's
    interface, with the escapes undone."""

    def __init__(self, text, line_num: int):
        self._reader = csv.reader(text, delimiter="\t", quoting=csv.QUOTE_NONE)
        self._before = line_num

    @property
    def line_num(self) -> int:
        return self._before + self._reader.line_num

    def __iter__(self):
        return self

    def __next__(self) -> list[str]:
        row = next(self._reader)
        return [_TSV_ESCAPE.sub(lambda m: _TSV_ESCAPES.get(m[1], m[0]), cell) for cell in row]


def read_tsv(
    stream: BinaryIO, path: str, mapper: RecordMapper | None = None
) -> Iterator[Article | ImportProblem]:
    return read_csv(stream, path, mapper, delimiter="\t")
