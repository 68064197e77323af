"""A bad file or record, reported with where it is and why, while the import goes on."""

from __future__ import annotations

import os
from dataclasses import dataclass


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
    # The record's number in a file that is not read by lines (a JSON array).
    record: int | None = None

    def __post_init__(self) -> None:
        self.path = path_text(self.path)

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "record": self.record, "error": self.error}

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.record is not None:
            where += f": record {self.record}"
        return f"{where}: {self.error}"


class ProblemReport:
    """Problems told as they come, but a kind met several times in one file as one line with
    its count and where: `error: feed.jsonl: 737 records: title and body are empty — lines
    99, 101, 102, …`. A file's lines are written when the next file's problems start, or at
    `close` (the --json summary keeps every problem)."""

    SHOWN = 5

    def __init__(self, write):
        self.write = write
        self.path: str | None = None
        self.kinds: dict[str, list[ImportProblem]] = {}

    def add(self, problem: ImportProblem) -> None:
        if problem.path != self.path:
            self.close()
            self.path = problem.path
        self.kinds.setdefault(problem.error, []).append(problem)

    def close(self) -> None:
        for error, problems in self.kinds.items():
            if len(problems) == 1:
                self.write(str(problems[0]))
                continue
            by_line = all(p.line for p in problems)
            places = [str(p.line if by_line else p.record) for p in problems if p.line or p.record]
            where = ""
            if len(places) == len(problems):
                shown = ", ".join(places[: self.SHOWN]) + (", …" if len(places) > self.SHOWN else "")
                where = f" — {'lines' if by_line else 'records'} {shown}"
            self.write(f"{problems[0].path}: {len(problems)} records: {error}{where}")
        self.kinds = {}
