"""`newscli terms`: the words and phrases over-represented in the matching articles, by G²
over articles against the whole archive; stopwords of each article's language left out."""

import json
import math

import pytest
from conftest import FIXTURES, check_hostile_queries

from newscli.terms import log_likelihood

STORIES = FIXTURES / "similar"


@pytest.fixture
def archive(fixtures_db, run):
    assert run("import", STORIES, FIXTURES / "multilingual", "--quiet").exit_code == 0
    return fixtures_db


def terms(run, *args):
    result = run("terms", *args, "--json")
    return result, json.loads(result.stdout or "[]")


def test_the_words_of_a_story_stand_out_and_stopwords_do_not(archive, run):
    result, rows = terms(run, "vellmoor")
    assert result.exit_code == 0
    assert list(rows[0]) == ["term", "articles", "count", "score"]
    top = [r["term"] for r in rows[:6]]
    assert "vellmoor" in top and {"girders", "ostra", "bridge"} & set(top)
    words = {r["term"] for r in rows}
    assert not words & {"the", "and", "after", "until", "its", "of", "2019"}
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    vellmoor = next(r for r in rows if r["term"] == "vellmoor")
    assert vellmoor["articles"] == 4 and vellmoor["count"] >= 8


def test_the_score_is_the_log_likelihood_of_articles_holding_the_word(archive, run):
    _, rows = terms(run, "vellmoor", "--limit", "0")
    total = json.loads(run("stats", "--json").stdout)["articles"]
    matched = 4
    girders = next(r for r in rows if r["term"] == "girders")
    everywhere = json.loads(run("search", '"girders"', "--limit", "0", "--all-copies", "--json").stdout)
    expected = log_likelihood(
        girders["articles"], matched, len(everywhere) - girders["articles"], total - matched
    )
    assert math.isclose(girders["score"], expected, abs_tol=0.01)
    # by hand, as Dunning's table: a word held by all 4 matching articles and none of the others
    assert math.isclose(log_likelihood(4, 4, 0, 96), 2 * (4 * math.log(100 / 4) + 96 * math.log(100 / 96)))


def test_phrases(archive, run):
    _, rows = terms(run, "vellmoor", "--phrases")
    assert "vellmoor bridge" in [r["term"] for r in rows[:3]]
    assert all(len(r["term"].split()) == 2 for r in rows)


def test_stopwords_follow_the_article_language(run, tmp_path):
    source = tmp_path / "fi.jsonl"
    endings = ["Kirjasto avattiin.", "Sauna lämpenee.", "Lumi sataa.", "Kirjasto kasvaa."]
    lines = [{"title": f"Uutinen {n}", "body": "Helsingin kirjasto on auki ja se on uusi. " + extra}
             for n, extra in enumerate(endings)]  # fmt: skip
    source.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    run("import", source, "--quiet", "--map", "lang=")
    _, rows = terms(run, "kirjasto", "--limit", "0")
    assert not {"ja", "on", "se"} & {r["term"] for r in rows}


def test_filters_limit_and_cjk(archive, run):
    _, rows = terms(run, "--source", "杭州日报", "--limit", "0")
    assert "西湖" in {r["term"] for r in rows if r["score"] == rows[0]["score"]}
    assert len(terms(run, "--source", "杭州日报", "--limit", "3")[1]) == 3
    _, none = terms(run, "vellmoor", "--author", "nobody-of-that-name")
    assert none == []


def test_no_match_exits_1_and_hostile_queries(archive, run):
    result = run("terms", "zzyzzyx")
    assert result.exit_code == 1 and result.stderr.strip() == "no matches"
    assert run("terms", "zzyzzyx", "--json").stdout.strip() == "[]"
    check_hostile_queries(run, "terms")


def test_every_article_matching_scores_nothing_and_says_so(archive, run):
    result = run("terms", "--limit", "3")
    assert "every article matches" in result.stderr
    table = run("terms", "vellmoor", "--limit", "3")
    assert table.stdout.splitlines()[0].split() == ["Term", "Articles", "Count", "G²"]
    assert "words of 4 matching articles against" in table.stderr
