"""Copies of one story: a re-sent wire story and a lightly edited reprint are one story, a
flash and another story on the same event are not; search shows one result per story,
`--all-copies` each; `show` lists the copies and marks matches with `--highlight`;
`timeline --stories` counts stories; older archives get their stories when opened."""

import json
import sqlite3

import pytest
from conftest import FIXTURES, rows

from newscli import stories

COPIES = FIXTURES / "stories" / "resent-and-syndicated-copies.jsonl"
TITLES = {
    "original": "Vistula floods force evacuation of villages",
    "resent": "REPEAT-Vistula floods force evacuation of villages",
    "edited": "Polish villages evacuated as river breaks record",
    "flash": "VISTULA FLOODS: VILLAGES EVACUATED",
    "other": "Warsaw embankments hold as Vistula peaks",
}


@pytest.fixture
def copies_db(run, db_path):
    assert run("import", str(COPIES)).exit_code == 0
    return db_path


def by_title(results):
    names = {title: name for name, title in TITLES.items()}
    return {names[r["title"]]: r for r in results}


def test_resent_and_edited_copies_are_one_story_a_flash_and_another_story_are_not(run, copies_db):
    every = by_title(json.loads(run("search", "vistula", "--all-copies", "--json").stdout))
    assert set(every) == set(TITLES)
    original_id = every["original"]["id"]
    assert {name for name, r in every.items() if r["story"] == original_id} == {
        "original",
        "resent",
        "edited",
    }
    assert every["flash"]["story"] == every["flash"]["id"]
    assert every["other"]["story"] == every["other"]["id"]
    assert [every[n]["copies"] for n in TITLES] == [2, 2, 2, 0, 0]


def test_search_shows_one_result_per_story(run, copies_db):
    result = run("search", "vistula", "--json")
    found = by_title(json.loads(result.stdout))
    # The re-sent copy scores as the original does, and is newer: it stands for the story.
    assert set(found) == {"resent", "flash", "other"}
    assert found["resent"]["copies"] == 2
    table = run("search", "vistula", env={"COLUMNS": "250"})
    assert "+2 copies" in table.stdout
    assert table.stderr.strip() == "3 stories (5 articles with their copies)"
    for args, note in [
        ((), "results 1–1 of 3 stories (5 articles with their copies); next page: --offset 1"),
        (
            ("--source", "wire"),
            "results 1–1 of 3 stories (4 articles with their copies); next page: --offset 1",
        ),
        (("--all-copies",), "results 1–1 of 5 matches; next page: --offset 1"),
    ]:
        assert run("search", "vistula", "--limit", "1", *args).stderr.strip() == note


def test_copies_count_only_what_matches(run, copies_db):
    # Only the edited copy says "emergency aid": a story of one article, no copies shown.
    found = json.loads(run("search", "emergency aid", "--json").stdout)
    assert [(r["title"], r["copies"]) for r in found] == [(TITLES["edited"], 0)]


def test_pages_of_stories_never_overlap(run, copies_db):
    pages = [
        json.loads(run("search", "vistula", "--limit", "1", "--offset", str(n), "--json").stdout)
        for n in range(4)
    ]
    assert [len(p) for p in pages] == [1, 1, 1, 0]
    assert len({p[0]["story"] for p in pages if p}) == 3


def test_show_lists_the_copies(run, copies_db):
    original = rows(copies_db, "SELECT id FROM articles WHERE title = ?", (TITLES["original"],))[0]["id"]
    out = run("show", original[:8]).stdout
    assert "Copies: 2 other articles of this story" in out
    assert TITLES["resent"] in out and TITLES["edited"] in out
    other = rows(copies_db, "SELECT id FROM articles WHERE title = ?", (TITLES["other"],))[0]["id"]
    assert "Copies" not in run("show", other[:8]).stdout


def test_timeline_counts_stories_when_asked(run, copies_db):
    def counts(*args):
        result = run("timeline", "vistula", "--by", "day", "--json", *args)
        return {p["period"]: p["count"] for p in json.loads(result.stdout)}

    assert counts() == {"2024-09-16": 2, "2024-09-17": 3}
    # A story counts once, on the day of its first matching article.
    assert counts("--stories") == {"2024-09-16": 2, "2024-09-17": 1}
    assert "Stories" in run("timeline", "vistula", "--stories").stdout
    bad = run("timeline", "vistula", "--stories", "--list")
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --stories counts stories")


def test_an_older_archive_gets_its_stories_when_opened(run, copies_db):
    conn = sqlite3.connect(copies_db)
    expected = dict(conn.execute("SELECT seq, story FROM stories"))
    with conn:
        conn.execute("DROP TABLE stories")
        conn.execute("DROP TABLE story_bands")
        conn.execute("DELETE FROM _newscli_migrations WHERE name = 'm005_stories'")
    conn.close()
    found = json.loads(run("search", "vistula", "--all-copies", "--json").stdout)
    assert len({r["story"] for r in found}) == 3
    assert dict(sqlite3.connect(copies_db).execute("SELECT seq, story FROM stories")) == expected


def test_an_article_another_program_adds_is_filed_under_its_story(run, copies_db):
    conn = sqlite3.connect(copies_db)
    (body,) = conn.execute("SELECT body FROM articles WHERE title = ?", (TITLES["original"],)).fetchone()
    with conn:
        conn.execute(
            "INSERT INTO articles (id, title, body, published, imported_at) VALUES (?, ?, ?, ?, ?)",
            (
                "00000000000000aa",
                "Villages on the Vistula evacuated",
                body + " More follows.",
                "2024-09-18",
                "x",
            ),
        )
    conn.close()
    every = json.loads(run("search", "evacuated", "--all-copies", "--json").stdout)
    added = next(r for r in every if r["id"] == "00000000000000aa")
    assert (
        added["story"]
        == rows(copies_db, "SELECT id FROM articles WHERE title = ?", (TITLES["original"],))[0]["id"]
    )


def test_band_keys_agree_for_near_copies_and_not_for_other_texts():
    from newscli.analysis import words

    text = " ".join(f"word{n} said the minister" for n in range(60))
    same = stories.band_keys(words(text))
    edited = stories.band_keys(words(text.replace("word7 ", "other ") + " and more"))
    different = stories.band_keys(words(" ".join(f"term{n} told the council" for n in range(60))))
    assert len(same) == stories.BANDS
    assert sum(a == b for a, b in zip(same, edited, strict=True)) >= stories.MIN_SHARED
    assert sum(a == b for a, b in zip(same, different, strict=True)) == 0
    assert stories.band_keys(words("too short to say")) == ()


# --- show --highlight -----------------------------------------------------------------------


def test_show_highlight_marks_matches_with_stars_off_a_terminal(run, copies_db):
    original = rows(copies_db, "SELECT id FROM articles WHERE title = ?", (TITLES["original"],))[0]["id"]
    out = run("show", original[:8], "--highlight", "evacuation river").stdout
    assert out.splitlines()[0] == "Vistula floods force **evacuation** of villages"
    assert "Floodwaters forced the **evacuation** of three villages on the Vistula" in out
    assert "as the **river** rose" in out


def test_show_highlight_escapes_stars_already_in_the_text(run, db_path, tmp_path):
    source = tmp_path / "stars.jsonl"
    source.write_text(
        json.dumps(
            {
                "title": "A **bold** claim",
                "body": "Markets rose 5*2 times, said a\\* analyst.",
                "published": "2024-01-02",
            }
        )
        + "\n"
    )
    assert run("import", str(source)).exit_code == 0
    article_id = rows(db_path, "SELECT id FROM articles")[0]["id"]
    out = run("show", article_id, "--highlight", "claim markets").stdout
    assert out.splitlines()[0] == r"A \*\*bold\*\* **claim**"
    assert r"**Markets** rose 5\*2 times, said a\\\* analyst." in out
    # Without --highlight the text is as stored.
    assert run("show", article_id).stdout.splitlines()[0] == "A **bold** claim"


def test_show_highlight_uses_reverse_video_on_a_terminal():
    import io

    from newscli.matching import Matcher
    from newscli.query import parse_query, positive_terms
    from newscli.render import MATCH_STYLE, make_console, render_article

    matcher = Matcher(positive_terms(parse_query('"floods"').node))
    out = io.StringIO()
    console = make_console(file=out, force_terminal=True, width=80)
    article = {"id": "abcd" * 4, "title": "Floods ** here", "body": "More floods today."}
    with console.capture() as captured:
        render_article(console, article, matcher)
    text = captured.get()
    assert "\x1b[" in text  # styled
    assert "**" in text  # the text's own stars are shown as they are on a terminal
    assert "Floods" in text and "floods" in text
    assert MATCH_STYLE == "bold reverse" and "\x1b[1;7m" in text


@pytest.mark.parametrize(
    "query,filters",
    [("vistula", {}), ("vistula", {"sources": ("wire",)}), ("villages", {"since": "2024-01-01"}),
     ("zanzibar", {})],
)  # fmt: skip
def test_articles_and_stories_counted_as_the_articles_listed_count_them(copies_db, query, filters):
    from newscli.archive import connect_readonly
    from newscli.filters import Filters
    from newscli.search import SearchRequest, count_articles_and_stories, count_matches, search_articles

    conn = connect_readonly(copies_db)
    request = SearchRequest(query, Filters(**filters))
    both = count_articles_and_stories(conn, request)
    assert both == (count_matches(conn, request), count_matches(conn, request, stories=True))
    every = search_articles(conn, SearchRequest(query, Filters(**filters), limit=0, all_copies=True))
    assert both == (len(every), len({r["story"] for r in every}))  # as the articles listed say
    if query == "vistula" and not filters:
        assert both == (5, 3)


def test_stories_are_counted_from_the_copies_alone(copies_db):
    """The stories with copies are read from the partial index of the copies (none in an
    archive without copies), not from the story of every match."""
    from newscli.archive import STORY_COPIES, connect_readonly

    conn = connect_readonly(copies_db)
    plan = " ".join(
        r[3] for r in conn.execute("EXPLAIN QUERY PLAN SELECT DISTINCT story FROM stories WHERE story != seq")
    )
    assert f"COVERING INDEX {STORY_COPIES}" in plan
    copies = conn.execute(
        f"SELECT count(*) FROM stories INDEXED BY {STORY_COPIES} WHERE story != seq"
    ).fetchone()[0]
    assert copies == 2  # the re-sent and the edited copy
