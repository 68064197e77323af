"""`newscli stats`: counts made by SQLite, for people (a table) and scripts (--json)."""

import json
import os

from conftest import ARTICLES, SEED_ID, SHARED, needs_shared, rows

from newscli.stats import human_size


def stats_json(run, *args):
    result = run("stats", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_stats_json_on_the_fixtures(run, fixtures_db):
    stats = stats_json(run)
    assert stats["path"] == str(fixtures_db.resolve())
    assert stats["size_bytes"] == os.path.getsize(fixtures_db) + (
        os.path.getsize(f"{fixtures_db}-wal") if os.path.exists(f"{fixtures_db}-wal") else 0
    )
    assert (stats["articles"], stats["dated"], stats["undated"]) == (16, 14, 2)
    assert (stats["first_published"], stats["last_published"]) == ("2019-08-15", "2024-12-09")
    assert stats["words"] == rows(fixtures_db, "SELECT sum(words) AS n FROM articles")[0]["n"] == 752
    assert stats["source_count"] == 0
    assert stats["sources"] == [{"source": None, "articles": 16}]
    imported = rows(fixtures_db, "SELECT min(imported_at) AS a, max(imported_at) AS b FROM articles")
    assert (stats["first_imported"], stats["last_imported"]) == (imported[0]["a"], imported[0]["b"])


SOURCES = {
    "BBC": ["abbreviated-date-hard-wrapped.txt", "cp1252-curly-quotes.txt", "date-after-headline.txt",
            "date-before-headline.txt", "headline-then-body-undated.txt", "iso-date-and-byline.txt"],
    "The Guardian": ["markup-and-escapes.txt", "old-mac-cr-line-endings.txt",
                     "seed-two-dates-standfirst.txt"],
    "Reuters": ["standfirst-two-paragraphs.txt"],
    # the windows copy is a duplicate of the seed, already imported
    None: ["text-that-looks-like-dates.txt", "utf8-bom-crlf.txt", "windows-copy-of-seed.txt",
           "no-extension-article"],
}  # fmt: skip


def import_with_sources(run):
    for name, files in SOURCES.items():
        labels = ["--source", name] if name else []
        assert run("import", "--quiet", *labels, *(ARTICLES / f for f in files)).exit_code == 0


def test_sources_most_articles_first_and_top(run, db_path):
    import_with_sources(run)
    stats = stats_json(run)
    assert stats["sources"] == [
        {"source": "BBC", "articles": 6},
        {"source": "The Guardian", "articles": 3},
        {"source": None, "articles": 3},  # on a tie, named sources first
        {"source": "Reuters", "articles": 1},
    ]
    assert stats["source_count"] == 3
    assert [s["source"] for s in stats_json(run, "--top", "2")["sources"]] == ["BBC", "The Guardian"]
    assert len(stats_json(run, "--top", "0")["sources"]) == 4


def test_stats_table_for_people(run, db_path):
    import_with_sources(run)
    result = run("stats", "--top", "2")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    size = human_size(os.path.getsize(db_path))
    assert lines[0] == f"Database   {db_path.resolve()} ({size})"
    assert lines[1:8] == [
        "Articles   13 (11 dated, 2 undated)",
        "Published  2019-08-15 to 2024-12-09",
        "Words      680",
        "Sources    3",
        "Tags       0",
        "Authors    2",
        "Languages  en 13",
    ]
    assert lines[8].startswith("Imported   20")
    assert lines[9:14] == [
        "",
        "Source        Articles",
        "BBC                  6",
        "The Guardian         3",
        "... and 1 more (--top 0 for all)",  # Reuters; unlabelled articles are not a source
    ]
    assert lines[14] == "" and lines[15].split() == ["Author", "Articles"] and len(lines) == 18


TAGGED = [
    {"title": "A", "body": "one", "date": "2022-05-01", "source": "BBC", "tags": ["Ukraine", "War"]},
    {"title": "B", "body": "two", "source": "bbc", "tags": ["ukraine"]},
    {"title": "C", "body": "three", "source": "BBC", "tags": ["ukraine", "Energy"]},
    {"title": "D", "body": "four", "tags": []},
    {"title": "E", "body": "five", "source": "Reuters", "tags": ["war"]},
    {"title": "F", "body": "six", "source": "Élan", "tags": ["Économie"]},
    {"title": "G", "body": "seven", "source": "ÉLAN", "tags": ["économie"]},
]


def test_tags_and_sources_counted_without_regard_to_case(run, db_path):
    lines = "".join(json.dumps(record) + "\n" for record in TAGGED)
    assert run("import", "-", "--format", "jsonl", input=lines).exit_code == 0
    stats = stats_json(run)
    # as --source and --tag match them: any case, shown in the most used spelling
    assert stats["sources"] == [
        {"source": "BBC", "articles": 3},
        {"source": "ÉLAN", "articles": 2},  # Élan and ÉLAN once each: the first by name
        {"source": "Reuters", "articles": 1},
        {"source": None, "articles": 1},
    ]
    assert stats["tags"] == [
        {"tag": "ukraine", "articles": 3},
        {"tag": "War", "articles": 2},
        {"tag": "Économie", "articles": 2},
        {"tag": "Energy", "articles": 1},
    ]
    assert (stats["source_count"], stats["tag_count"]) == (3, 4)
    by_source = json.loads(run("export", "--source", "élan", "--json").stdout)
    assert [a["title"] for a in by_source] == ["F", "G"]  # the filter agrees
    searched = json.loads(run("search", "one OR two OR three", "--tag", "UKRAINE", "--json").stdout)
    assert len(searched) == 3
    out = run("stats", "--top", "2").stdout.splitlines()
    assert "Tags       4" in out
    assert out[-4:] == ["Tag      Articles", "ukraine         3", "War             2",
                        "... and 2 more (--top 0 for all)"]  # fmt: skip


def test_tags_that_are_not_text_are_left_out_and_hand_typed_text_is_a_tag(run, fixtures_db):
    import sqlite3

    conn = sqlite3.connect(fixtures_db)
    conn.execute("""UPDATE articles SET tags = '["war", 7, null, ["x"]]' WHERE id = ?""", (SEED_ID,))
    conn.execute("UPDATE articles SET tags = 'typed by hand' WHERE id = 'e3f13ded8bb0287a'")
    conn.execute("""UPDATE articles SET tags = '{"a": 1}' WHERE id = '559ab0d1ff065d8d'""")
    conn.commit()
    conn.close()
    stats = stats_json(run)
    # Text that is not JSON is one tag, as --tag and show read it.
    assert (stats["tag_count"], stats["tags"]) == (
        2, [{"tag": "typed by hand", "articles": 1}, {"tag": "war", "articles": 1}],
    )  # fmt: skip
    # show lists what is there, whatever its JSON type.
    shown = run("show", SEED_ID).stdout
    assert "Tags: war, 7, x" in shown


def test_stats_respects_terminal_width(run, db_path):
    run("import", "--quiet", "--source", "A very long source name " * 4, ARTICLES)
    wide = run("stats", env={"COLUMNS": "200"}).stdout.splitlines()
    narrow = run("stats", env={"COLUMNS": "40"}).stdout.splitlines()
    assert max(map(len, wide)) > 100
    source_lines = narrow[narrow.index("") + 1 :]
    assert max(map(len, source_lines)) <= 40
    assert "".join(line.split("  ")[0] for line in source_lines[1:]).startswith("A very long")


def test_stats_without_a_database_creates_nothing(run, db_path):
    result = run("stats")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: no database at {db_path}; create one with `newscli --db {db_path} import PATH...`\n"
    )
    assert not db_path.exists()


def test_empty_archive(run, db_path):
    from newscli.archive import open_archive

    open_archive(db_path, create=True).conn.close()
    stats = stats_json(run)
    assert (stats["articles"], stats["dated"], stats["undated"], stats["words"]) == (0, 0, 0, 0)
    assert stats["first_published"] is None and stats["sources"] == []
    assert run("stats").stdout.splitlines()[1:4] == [
        "Articles   0 (0 dated, 0 undated)", "Words      0", "Sources    0",
    ]  # fmt: skip


def test_human_size():
    assert [human_size(n) for n in (0, 1023, 1024, 1536, 5 * 1024**2, 3 * 1024**3, 2048 * 1024**3)] == [
        "0 bytes", "1023 bytes", "1.0 KB", "1.5 KB", "5.0 MB", "3.0 GB", "2048.0 GB",
    ]  # fmt: skip


@needs_shared
def test_bbc_corpus_sources_counted_and_exported(run, db_path):
    bbc = SHARED / "corpora" / "bbc"
    imported = {}
    for folder in sorted(p for p in bbc.iterdir() if p.is_dir()):
        result = run("import", "--json", "--source", f"BBC {folder.name}", folder)
        summary = json.loads(result.stdout)
        assert summary["failed"] == 0
        imported[f"BBC {folder.name}"] = summary["imported"]
    stats = stats_json(run, "--top", "0")
    total = sum(imported.values())
    assert (stats["articles"], stats["undated"], stats["dated"]) == (total, total, 0)
    assert total > 2000 and stats["source_count"] == len(imported) == 5
    assert {s["source"]: s["articles"] for s in stats["sources"]} == imported
    counts = [s["articles"] for s in stats["sources"]]
    assert counts == sorted(counts, reverse=True)
    exported = run("export", "--source", "BBC tech", "--format", "ids").stdout.split()
    assert len(exported) == len(set(exported)) == imported["BBC tech"]


def test_top_authors_counted_without_regard_to_case(run, db_path):
    records = [
        {"title": "A", "body": "one", "authors": ["Mary Smith", "Paul Jones"]},
        {"title": "B", "body": "two", "authors": ["mary smith"]},
        {"title": "C", "body": "three", "authors": ["Mary Smith"]},
        {"title": "D", "body": "four", "authors": []},
    ]
    lines = "".join(json.dumps(record) + "\n" for record in records)
    assert run("import", "-", "--format", "jsonl", input=lines).exit_code == 0
    stats = stats_json(run)
    assert stats["author_count"] == 2
    assert stats["authors"] == [
        {"author": "Mary Smith", "articles": 3},
        {"author": "Paul Jones", "articles": 1},
    ]
    assert stats_json(run, "--top", "1")["authors"] == [{"author": "Mary Smith", "articles": 3}]
    table = run("stats").stdout
    assert ["Author", "Articles"] in [line.split() for line in table.splitlines()]
    assert ["Mary", "Smith", "3"] in [line.split() for line in table.splitlines()]
