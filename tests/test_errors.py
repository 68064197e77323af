"""Every exception a command meets is told in one line by its class (newscli.errors): the
user's and the archive's problems as what they are, our own bugs as bugs."""

import re
import sqlite3

import pytest

from newscli import errors, stats
from newscli.archive import ArchiveError
from newscli.articles import IdError
from newscli.dates import DateFilterError
from newscli.importers import ImportWorkerError
from newscli.importers.records import MappingError
from newscli.query import QueryError
from newscli.timeline import TimelineError


@pytest.mark.parametrize(
    "error,code",
    [
        (ArchiveError("x"), 2),
        (IdError("x"), 1),
        (MappingError("x"), 2),
        (DateFilterError("x"), 2),
        (TimelineError("x"), 2),
        (ImportWorkerError("x"), 2),
        (QueryError("x"), 2),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v),
)
def test_our_errors_are_one_line_with_their_exit_status(error, code):
    assert errors.describe(error) == ("x", code)


def test_a_bug_is_not_described_as_a_user_error():
    assert errors.describe(TypeError("unsupported operand")) is None  # left to be a traceback


def _misuse_sqlite(conn, path, top):
    """A bug of the kind the mapping must not call a database error: using a closed connection."""
    conn.close()
    return conn.execute("SELECT count(*) FROM articles").fetchone()


def test_sqlite_used_wrongly_is_a_bug_report_line_not_a_database_error(run, fixtures_db, monkeypatch):
    monkeypatch.setattr(stats, "archive_stats", _misuse_sqlite)
    result = run("stats")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: this is a bug in newscli: please report it, with the command that caused it "
        "(ProgrammingError: Cannot operate on a closed database.)\n"
    )


def test_a_database_error_is_still_one_line(run, fixtures_db):
    conn = sqlite3.connect(fixtures_db)
    conn.execute("DROP TABLE search_index")  # another tool broke the index
    conn.close()
    result = run("search", "kharkiv")
    assert result.exit_code == 2
    # SQLite names the first table the search reads: the index, or its statistics
    assert re.fullmatch(r"error: database error: no such table: search_index(_data)?\n", result.stderr)
