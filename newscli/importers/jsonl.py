"""JSON Lines / NDJSON: one JSON object per line, read line by line in constant memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from newscli.importers.problems import ImportProblem
from newscli.importers.records import MAX_DEPTH, RecordMapper, record_problems, too_deep
from newscli.importers.streams import UTF8_BOM
from newscli.importers.text import ParseProblem
from newscli.models import Article


def read_jsonl(
    stream: BinaryIO, path: str, mapper: RecordMapper | None = None, *, first_line: int = 1
) -> Iterator[Article | ImportProblem]:
    mapper = mapper or RecordMapper()
    seen = 0
    for number, raw in enumerate(stream, start=first_line):
        if number == first_line and raw.startswith(UTF8_BOM):
            raw = raw[len(UTF8_BOM) :]
        line = raw.strip()
        if not line:
            continue
        seen += 1
        try:
            record = json.loads(line)
        except UnicodeDecodeError:
            yield ImportProblem(path, number, "not UTF-8 text")
            continue
        except json.JSONDecodeError as e:
            yield ImportProblem(path, number, f"malformed JSON: {e.msg} (column {e.colno})")
            continue
        except RecursionError:
            yield ImportProblem(path, number, f"record nested deeper than {MAX_DEPTH} levels")
            continue
        if not isinstance(record, dict):
            yield ImportProblem(path, number, f"expected a JSON object, got {_kind(record)}")
            continue
        if too_deep(record):
            yield ImportProblem(path, number, f"record nested deeper than {MAX_DEPTH} levels")
            continue
        try:
            yield mapper.article(record)
        except ParseProblem as e:
            yield ImportProblem(path, number, e.reason)
    if not seen:
        yield ImportProblem(path, None, "empty file")
    yield from record_problems(mapper, path)


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return f"a {type(value).__name__.replace('float', 'number').replace('int', 'number')}"
