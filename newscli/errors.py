"""What goes wrong, told in one line: the base class of our exceptions, and how cli.py turns
any exception a command meets into an `error: ...` line and an exit status.

Imports nothing: cli.py loads it at start-up. The classes it checks that live elsewhere
(sqlite3's) are imported only while an exception is being handled, when
they have been imported anyway by the code that raised it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path


class NewscliError(Exception):
    """A problem of the input, the archive or the command line, told in one line.

    `exit_code` is the command's exit status: 2 (usage, query or database error) unless a
    subclass says otherwise (an unknown id is 1, as grep's "not found").
    """

    exit_code = 2


BUG = "this is a bug in newscli: please report it, with the command that caused it"


def describe(e: Exception, db: Path | str | None = None) -> tuple[str, int] | None:
    """The one-line message and exit status for an exception raised by a command, or None
    for one that is nobody's fault but ours and is best shown as a traceback."""
    import sqlite3

    if isinstance(e, NewscliError):
        return str(e), e.exit_code
    if isinstance(e, sqlite3.ProgrammingError | sqlite3.InterfaceError):
        # SQLite used wrongly (a closed connection, a wrong number of bindings): no input
        # or archive can cause it, so saying "database error" would send users looking.
        return f"{BUG} ({type(e).__name__}: {e})", 2
    if isinstance(e, sqlite3.Error):
        if getattr(e, "sqlite_errorname", "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return f"{db or 'the archive'}: another program kept it locked; try again when it is done", 2
        return f"database error: {e}", 2
    return None
