"""`newscli similar`: the articles most like one, by its distinctive words ranked with BM25;
the article and its re-sent copies left out (fixtures/similar: a story, its re-sent copy,
two follow-ups, unrelated stories, and the same in Chinese)."""

import json

import pytest
from conftest import FIXTURES, rows

from newscli.archive import connect_readonly
from newscli.similar import copies_of, normalised_body

STORIES = FIXTURES / "similar"


@pytest.fixture
def stories(run, db_path):
    assert run("import", STORIES, "--quiet").exit_code == 0
    by_title = {r["title"]: r for r in rows(db_path, "SELECT seq, id, title FROM articles")}
    return by_title


def ids_of(run, article_id, *args):
    result = run("similar", article_id, *args, "--json")
    return result, [r["id"] for r in json.loads(result.stdout or "[]")]


def test_the_follow_ups_come_first_and_the_story_and_its_copy_are_left_out(stories, run):
    story = stories["Vellmoor bridge closed after cracks found in main span"]["id"]
    copy = stories["UPDATE 1-Vellmoor bridge shut as engineers find cracks in girders"]["id"]
    ferry = "Ferry crossings doubled while Vellmoor bridge stays shut"
    repairs = "Repairs to Vellmoor bridge girders will take six months"
    follow_ups = {stories[ferry]["id"], stories[repairs]["id"]}
    result, found = ids_of(run, story)
    assert result.exit_code == 0
    assert set(found[:2]) == follow_ups
    assert story not in found and copy not in found
    assert f"left out as copies: {copy[:8]}" in result.stderr
    assert "vellmoor" in result.stderr.split("similar by:")[1]
    # from the copy's side too
    _, from_copy = ids_of(run, copy[:6])
    assert set(from_copy[:2]) == follow_ups and story not in from_copy


def test_rows_are_search_rows_with_scores_best_first(stories, run):
    story = stories["Vellmoor bridge closed after cracks found in main span"]["id"]
    found = json.loads(run("similar", story, "--json").stdout)
    columns = ["id", "title", "published", "source", "url", "snippet", "score", "story", "copies"]
    assert list(found[0]) == columns
    scores = [r["score"] for r in found]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    assert "**" in found[0]["snippet"]


def test_chinese_stories_find_their_follow_up(stories, run):
    first = stories["西湖游客人数创新高"]["id"]
    _, found = ids_of(run, first)
    assert found[0] == stories["西湖景区出台限流措施"]["id"]
    assert stories["上海地铁新线路开通"]["id"] not in found[:1]


def test_filters_limit_and_nothing_similar(stories, run):
    story = stories["Vellmoor bridge closed after cracks found in main span"]["id"]
    _, found = ids_of(run, story, "--limit", "1")
    assert len(found) == 1
    _, later = ids_of(run, story, "--since", "2023-03-20")
    assert later == [stories["Repairs to Vellmoor bridge girders will take six months"]["id"]]
    result, none = ids_of(run, story, "--source", "Valley Farmer", "--author", "nobody")
    assert result.exit_code == 1 and none == []
    result = run("similar", story, "--since", "2030")
    assert result.exit_code == 1 and "no similar articles" in result.stderr


def test_an_unknown_or_short_id_is_one_line_and_exit_1(stories, run):
    for given in ("ffffffff", "zz", "'; DROP TABLE articles; --"):
        result = run("similar", given)
        assert result.exit_code == 1 and result.stderr.startswith("error: ")
        assert len(result.stderr.strip().splitlines()) == 1


def test_copies_of_compares_normalised_bodies(stories, db_path):
    conn = connect_readonly(db_path)
    story = stories["Vellmoor bridge closed after cracks found in main span"]
    copy = stories["UPDATE 1-Vellmoor bridge shut as engineers find cracks in girders"]
    assert copies_of(conn, story["seq"]) == sorted([story["seq"], copy["seq"]])
    other = stories["Library extends its opening hours"]
    assert copies_of(conn, other["seq"]) == [other["seq"]]
    assert normalised_body("The  Bridge,\nclosed.") == normalised_body("the bridge closed")
