"""kwic, similar, terms and count on the shared BBC corpus (2,225 articles in five topics):
concordance lines are every occurrence, similar articles share the article's topic, key
terms are the query's subject, counts are search's."""

import json
import re
from collections import Counter

import pytest
from click.testing import CliRunner
from conftest import SHARED, import_quietly, needs_shared, rows

from newscli.cli import cli

BBC = SHARED / "corpora" / "bbc"
pytestmark = needs_shared


@pytest.fixture(scope="module")
def bbc(tmp_path_factory):
    db = tmp_path_factory.mktemp("bbc-reading") / "bbc.db"
    import_quietly(db, BBC)
    return db


def newscli(db, *args):
    result = CliRunner().invoke(cli, ["--db", str(db), *map(str, args)], catch_exceptions=False)
    return result, (json.loads(result.stdout) if result.stdout.strip().startswith("[") else None)


def topic(path: str) -> str:
    return path.replace("\\", "/").split("/")[-2]


@pytest.mark.parametrize("word", ["broadband", "chelsea", "tsunami"])
def test_kwic_gives_every_occurrence_of_a_quoted_word(bbc, word):
    _, lines = newscli(bbc, "kwic", f'"{word}"', "--limit", "0", "--json")
    pattern = re.compile(rf"(?<![^\W_]){word}(?![^\W_])", re.I)
    expected = sum(
        len(pattern.findall(" ".join(filter(None, (r["title"], r["subtitle"], r["body"])))))
        for r in rows(bbc, "SELECT title, subtitle, body FROM articles")
    )
    assert len(lines) == expected > 10
    assert {line["match"].lower() for line in lines} == {word}
    assert all(len(line["left"]) <= 40 and len(line["right"]) <= 40 for line in lines)


def test_kwic_phrase_and_prefix(bbc):
    _, phrase = newscli(bbc, "kwic", '"prime minister"', "--limit", "0", "--json")
    assert len(phrase) > 50 and {line["match"].lower() for line in phrase} == {"prime minister"}
    _, prefix = newscli(bbc, "kwic", "broadb*", "--limit", "0", "--json")
    assert all(line["match"].lower().startswith("broadb") for line in prefix)


def test_similar_articles_share_the_topic(bbc):
    articles = rows(bbc, "SELECT id, path FROM articles ORDER BY seq")
    agree = 0
    checked = articles[::150]  # 15 articles across the five topics
    for article in checked:
        result, found = newscli(bbc, "similar", article["id"], "--limit", "5", "--json")
        assert result.exit_code == 0 and article["id"] not in {r["id"] for r in found}
        paths = {r["id"]: r["path"] for r in rows(bbc, "SELECT id, path FROM articles")}
        topics = Counter(topic(paths[r["id"]]) for r in found)
        agree += topics[topic(article["path"])] >= 3
    assert agree >= len(checked) * 0.8


def test_similar_leaves_out_the_corpus_own_duplicates(bbc):
    by_body = Counter(r["body"] for r in rows(bbc, "SELECT body FROM articles"))
    body, copies = by_body.most_common(1)[0]
    if copies < 2:
        pytest.skip("the corpus holds no two articles with one body")
    ids = [r["id"] for r in rows(bbc, "SELECT id FROM articles WHERE body = ?", (body,))]
    _, found = newscli(bbc, "similar", ids[0], "--json")
    assert not set(ids) & {r["id"] for r in found}


def test_terms_of_a_subject(bbc):
    _, found = newscli(bbc, "terms", "broadband", "--json")
    terms = [r["term"] for r in found]
    assert terms[0] == "broadband"
    assert {"speeds", "internet", "net", "connections", "users"} & set(terms[:15])
    assert not {"the", "and", "said", "of", "would"} & set(terms)
    _, phrases = newscli(bbc, "terms", "chelsea", "--phrases", "--json")
    assert any("chelsea" in r["term"] or "mourinho" in r["term"] for r in phrases[:10])


def test_count_agrees_with_search(bbc, tmp_path):
    words = ["broadband", "chelsea", "tsunami", '"prime minister"', "election -blair", "zzyzzyx"]
    queries = tmp_path / "queries.txt"
    queries.write_text("# BBC\n" + "\n".join(words) + "\n")
    _, counted = newscli(bbc, "count", "--queries", queries, "--json")
    for row in counted:
        _, searched = newscli(bbc, "search", row["query"], "--limit", "0", "--all-copies", "--json")
        assert row["count"] == len(searched or [])
    assert counted[-1] == {"query": "zzyzzyx", "count": 0, "first": None, "last": None}
