"""The archive is an ordinary sqlite-utils / Datasette database: their search finds articles."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import SEED_ID, rows


def kharkiv_ids(db_path) -> set[str]:
    """The articles that mention Kharkiv, found without the index."""
    found = {r["id"] for r in rows(db_path, "SELECT id FROM articles WHERE "
             "lower(title || ' ' || coalesce(subtitle, '') || ' ' || body) LIKE '%kharkiv%'")}  # fmt: skip
    assert SEED_ID in found and len(found) >= 3
    return found


def test_sqlite_utils_library_finds_the_fts_index_and_searches(fixtures_db):
    import sqlite_utils

    db = sqlite_utils.Database(fixtures_db)
    table = db["articles"]
    assert table.detect_fts() == "articles_fts"
    found = list(table.search("kharkiv", columns=["id", "title"]))
    assert {row["id"] for row in found} == kharkiv_ids(fixtures_db)
    assert list(table.search("nosuchwordanywhere")) == []
    # The triggers keep the index in step when a tool other than newscli writes.
    seq = next(iter(table.search("kharkiv", columns=["seq"])))["seq"]
    table.update(seq, {"title": "Zyxwv"})
    assert [r["title"] for r in table.search("zyxwv", columns=["title"])] == ["Zyxwv"]


def _sqlite_utils_exe() -> str:
    exe = Path(sys.executable).parent / "sqlite-utils"
    return str(exe) if exe.exists() else shutil.which("sqlite-utils")


def test_sqlite_utils_command_line_search(fixtures_db):
    done = subprocess.run(
        [_sqlite_utils_exe(), "search", str(fixtures_db), "articles", "kharkiv", "-c", "id"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert {row["id"] for row in json.loads(done.stdout)} == kharkiv_ids(fixtures_db)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url: str, deadline: float):
    """GET url, retrying while the server starts, until `deadline` (time.monotonic)."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_datasette_full_text_search_over_json_api(fixtures_db, tmp_path):
    pytest.importorskip("datasette", reason="datasette is an optional test dependency")
    port = _free_port()
    log = (tmp_path / "datasette.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(fixtures_db),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "DATASETTE_SECRET": "test"},
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}/{fixtures_db.stem}"
        deadline = time.monotonic() + 60
        table = _get_json(f"{base}/articles.json?_search=kharkiv&_shape=objects", deadline)
        assert {row["id"] for row in table["rows"]} == kharkiv_ids(fixtures_db)
        assert table["filtered_table_rows_count"] == len(kharkiv_ids(fixtures_db))
        # Datasette found the FTS table by itself ...
        assert "articles_fts match" in table["query"]["sql"]
        # ... which is what puts the search box on the table's page.
        with urllib.request.urlopen(f"{base}/articles", timeout=10) as response:
            assert 'name="_search"' in response.read().decode()
        phrase = _get_json(f"{base}/articles.json?_search=%22russian+forces%22&_shape=array", deadline)
        assert [row["id"] for row in phrase] == [SEED_ID]
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
