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

    def __post_init__(self) -> None:
        self.path = path_text(self.path)

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "error": self.error}

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.error}"
