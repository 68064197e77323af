"""A bad file or record, reported with where it is and why, while the import goes on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ImportProblem:
    path: str
    line: int | None
    error: str

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "error": self.error}

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.error}"
