"""Shell completion (Click's mechanism): option values come from the archive, safely."""

import hashlib
import json
import sqlite3

import pytest
from conftest import ARTICLES, SEED_ID, run_installed


def complete(shell, words, *, env=None, cword=None):
    """The lines the installed newscli answers when the shell asks to complete `words`."""
    args = words.split(" ")
    done = run_installed(env={
        "_NEWSCLI_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword or len(args) - 1) if shell != "fish" else args[-1],
        **(env or {}),
    })  # fmt: skip
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    return [line for line in done.stdout.decode().splitlines() if line]


@pytest.fixture
def sources_db(run, db_path):
    for source, name in (
        ("BBC", "cp1252-curly-quotes.txt"),
        ("The Guardian", "utf8-bom-crlf.txt"),
        ("bellingcat", "date-after-headline.txt"),
        ("BBC", "iso-date-and-byline.txt"),
        (None, "seed-two-dates-standfirst.txt"),
    ):
        labels = ["--source", source] if source else []
        assert run("import", "-q", *labels, ARTICLES / name).exit_code == 0
    return db_path


def test_source_values_from_the_archive(sources_db):
    out = complete("bash", f"newscli --db {sources_db} import --source ")
    assert out == ["plain,BBC", "plain,The\\ Guardian", "plain,bellingcat"]
    # case-insensitive prefix, as people type
    out = complete("bash", f"newscli --db {sources_db} import --source b")
    assert out == ["plain,BBC", "plain,bellingcat"]


def test_database_from_the_environment(sources_db):
    out = complete("bash", "newscli import --source th", env={"NEWSCLI_DB": str(sources_db)})
    assert out == ["plain,The\\ Guardian"]


def test_values_with_spaces_come_escaped_for_bash_and_as_is_for_zsh(sources_db):
    # bash inserts what it gets; the user may have typed the space escaped or quoted
    for typed in ("The\\ G", '"The G', "'the g"):
        words = f"newscli --db {sources_db} import --source {typed}"
        assert complete("bash", words, cword=5) == ["plain,The\\ Guardian"]
    assert complete("zsh", f"newscli --db {sources_db} import --source The\\ G", cword=5) == [
        "plain",
        "The Guardian",
        "_",
    ]


def test_ids_complete_with_titles(sources_db):
    out = complete("zsh", f"newscli --db {sources_db} show {SEED_ID[:4]}")
    assert out == [
        "plain", SEED_ID, "Ukraine claims Russian forces withdrawing from Kharkiv",
    ]  # fmt: skip
    out = complete("fish", f"newscli --db {sources_db} show {SEED_ID[:4].upper()}")
    assert out == [f"plain,{SEED_ID}\tUkraine claims Russian forces withdrawing from Kharkiv"]
    assert complete("bash", f"newscli --db {sources_db} show ffff") == []


@pytest.mark.parametrize("kind", ["missing", "folder", "not-sqlite", "other-sqlite"])
def test_never_fails_and_never_creates_or_changes_a_database(tmp_path, kind):
    path = tmp_path / "archive.db"
    if kind == "folder":
        path.mkdir()
    elif kind == "not-sqlite":
        path.write_bytes(b"this is not a database\n" * 100)
    elif kind == "other-sqlite":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE notes (text)")
        conn.commit()
        conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    assert complete("bash", f"newscli --db {path} import --source ") == []
    assert complete("bash", f"newscli --db {path} show 28d4") == []
    assert path.exists() == (kind != "missing")
    if before:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == (["archive.db"] if kind != "missing" else [])


def test_the_default_archive_is_not_created(tmp_path):
    assert complete("bash", "newscli import --source ", env={"XDG_DATA_HOME": str(tmp_path)}) == []
    assert list(tmp_path.iterdir()) == []


def test_tag_values_from_the_archive(run, db_path):
    records = [
        {"title": "A", "body": "one", "tags": ["Ukraine", "war"]},
        {"title": "B", "body": "two", "tags": ["UK", "politics", "ukraine"]},
        {"title": "C", "body": "three", "tags": ["Weather"]},
    ]
    lines = "".join(json.dumps(r) + "\n" for r in records)
    assert run("import", "-", "--format", "jsonl", input=lines).exit_code == 0
    for command in ("search one", "timeline", "export"):
        words = f"newscli --db {db_path} {command} --tag "
        # one per spelling, as --tag matches any case
        assert complete("bash", words) == ["plain,UK", "plain,Ukraine", "plain,Weather",
                                           "plain,politics", "plain,war"]  # fmt: skip
    assert complete("bash", f"newscli --db {db_path} search x --tag uk") == ["plain,UK", "plain,Ukraine"]


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete -o nosort -F _newscli_completion newscli"),
     ("zsh", "compdef _newscli_completion newscli"),
     ("fish", "complete --no-files --command newscli")],
)  # fmt: skip
def test_completion_scripts_for_each_shell(shell, marker):
    done = run_installed(env={"_NEWSCLI_COMPLETE": f"{shell}_source"})
    assert done.returncode == 0
    assert marker in done.stdout.decode()


@pytest.mark.parametrize("command", ["search kharkiv", "export", "timeline", "export -crimea"])
def test_source_filter_values_in_every_command_that_filters(sources_db, command):
    assert complete("bash", f"newscli --db {sources_db} {command} --source b") == [
        "plain,BBC", "plain,bellingcat",
    ]  # fmt: skip
