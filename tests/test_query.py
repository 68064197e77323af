"""Tests for newscli.query: the user's search language -> FTS5 MATCH expressions.

The tables below double as documentation of the language; each case's id says
what it shows.
"""

import re
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscli.query import EXCLUSIONS_ONLY, FIELDS, MAX_NESTING, QueryError, translate_query

# --- translation table -------------------------------------------------------

TRANSLATIONS = [
    # words, AND, OR, phrases, prefixes
    ("ukraine", '"ukraine"'),
    ("ukraine russia", '"ukraine" AND "russia"'),
    ("ukraine AND russia", '"ukraine" AND "russia"'),
    ("kyiv OR kiev", '"kyiv" OR "kiev"'),
    ('"russian forces"', '"russian forces"'),
    ('"russian forces" kharkiv', '"russian forces" AND "kharkiv"'),
    ("withdr*", '"withdr"*'),
    ("withdr**", '"withdr"*'),
    ('"russian for"*', '"russian for"*'),
    # precedence and grouping: exclusion > AND > OR
    ("a b OR c", '("a" AND "b") OR "c"'),
    ("a OR b c", '"a" OR ("b" AND "c")'),
    ("a (b OR c)", '"a" AND ("b" OR "c")'),
    ("(a OR b) (c OR d)", '("a" OR "b") AND ("c" OR "d")'),
    ("((a))", '"a"'),
    ("a (b c)", '"a" AND "b" AND "c"'),
    ("a OR (b OR c)", '"a" OR "b" OR "c"'),
    # exclusions are moved behind what they exclude from
    ("a -b", '"a" NOT "b"'),
    ("-a b", '"b" NOT "a"'),
    ("a NOT b", '"a" NOT "b"'),
    ("a AND NOT b", '"a" NOT "b"'),
    ("NOT a b", '"b" NOT "a"'),
    ("a b -c", '("a" AND "b") NOT "c"'),
    ("a -b -c", '"a" NOT ("b" OR "c")'),
    ('a -"b c"', '"a" NOT "b c"'),
    ("a -(b OR c)", '"a" NOT ("b" OR "c")'),
    ("a -(b c)", '"a" NOT ("b" AND "c")'),
    ("a -(b -c)", '"a" NOT ("b" NOT "c")'),
    ("a -b*", '"a" NOT "b"*'),
    ("a -b OR c", '("a" NOT "b") OR "c"'),
    ("a (-b)", '"a" NOT "b"'),
    ("(-b) a", '"a" NOT "b"'),
    ("NOT -a b", '"b" NOT "a"'),
    ("NOT NOT a b", '"b" NOT "a"'),
    # field filters
    ("title:ukraine", 'title : "ukraine"'),
    ("TITLE:ukraine", 'title : "ukraine"'),
    ("Subtitle:ukraine", 'subtitle : "ukraine"'),
    ("body:ukraine", 'body : "ukraine"'),
    ('title:"russian forces"', 'title : "russian forces"'),
    ("title:khark*", 'title : "khark"*'),
    ("title:(a OR b)", 'title : ("a" OR "b")'),
    ("title:(a -b) c", 'title : ("a" NOT "b") AND "c"'),
    ("-title:a b", '"b" NOT title : "a"'),
    ("title:-a b", '"b" NOT title : "a"'),
    ("-title:(a OR b) c", '"c" NOT title : ("a" OR "b")'),
    ("title:(body:x)", 'title : (body : "x")'),
    ("title:OR", 'title : "OR"'),
    ("title:", '"title:"'),
    ("title: x", '"title:" AND "x"'),
    # hyphens, apostrophes and quotes inside words are just characters
    ("don't", '"don\'t"'),
    ("Kharkiv-based", '"Kharkiv-based"'),
    ("a - b", '"a" AND "b"'),
    ("a -", '"a"'),
    ("--a b", '"b" NOT "-a"'),
    ('12"', '"12"""'),
    ('a"b c"', '"a""b" AND "c"""'),
    ("a*b", '"a*b"'),
    ("a *", '"a"'),
    ("a -*", '"a"'),
    # dangling, doubled and lone operators
    ("OR", '"OR"'),
    ("AND", '"AND"'),
    ("NOT", '"NOT"'),
    ("NOT OR", '"NOT" AND "OR"'),
    ("(OR)", '"OR"'),
    ("a OR OR b", '"a" OR "b"'),
    ("a AND AND b", '"a" AND "b"'),
    ("a AND OR b", '"a" OR "b"'),
    ("a NOT OR b", '"a" OR "b"'),
    ("OR a", '"a"'),
    ("a OR", '"a"'),
    ("AND a", '"a"'),
    ("a AND", '"a"'),
    ("a NOT", '"a"'),
    ("(a OR) b", '"a" AND "b"'),
    ("ukraine or russia", '"ukraine" AND "or" AND "russia"'),
    ("a and not b", '"a" AND "and" AND "not" AND "b"'),
    ("-OR a", '"a" NOT "OR"'),
    ("OR*", '"OR"*'),
    # FTS5 syntax in the input is only text
    ("NEAR(a b)", '"NEAR" AND "a" AND "b"'),
    ("NEAR", '"NEAR"'),
    ("^foo", '"^foo"'),
    ("{title}:x", '"{title}:x"'),
    ("a+b", '"a+b"'),
    ("a + b", '"a" AND "b"'),
    ("a : b", '"a" AND "b"'),
    ("foo:bar", '"foo:bar"'),
    ("https://example.com/x?q=1", '"https://example.com/x?q=1"'),
    ("f(x)", '"f" AND "x"'),
    # terms with nothing the tokenizer would index are dropped
    ("a !!!", '"a"'),
    ("... a", '"a"'),
    ('a ""', '"a"'),
    ('a "!?"', '"a"'),
    ("a OR !!!", '"a"'),
    ("a -!!!", '"a"'),
    ("a title:!!!", '"a"'),
    ("a ()", '"a"'),
    ("café 😀", '"café"'),
    ("OR !!!", '"OR"'),
    # other scripts, control characters
    ("Київ", '"Київ"'),
    ("東京 news", '"東京" AND "news"'),
    ("a\x00b", '"a" AND "b"'),
    ("a\tb\nc\x07d", '"a" AND "b" AND "c" AND "d"'),
    ("a\ud800b", '"a" AND "b"'),
]


@pytest.mark.parametrize(("query", "expected"), TRANSLATIONS, ids=[q for q, _ in TRANSLATIONS])
def test_translation(query, expected):
    assert translate_query(query) == expected


ERRORS = [
    ("", "empty query"),
    ("   ", "empty query"),
    ("\n\t", "empty query"),
    ("\x00", "empty query"),
    ('"russian forces', "unbalanced quote in query"),
    ('a "b', "unbalanced quote in query"),
    ('title:"b', "unbalanced quote in query"),
    ('"', "unbalanced quote in query"),
    ("(a", "unbalanced parenthesis in query"),
    ("a)", "unbalanced parenthesis in query"),
    ("((a)", "unbalanced parenthesis in query"),
    (")(", "unbalanced parenthesis in query"),
    ("title:(a", "unbalanced parenthesis in query"),
    ("-a", EXCLUSIONS_ONLY),
    ("NOT a", EXCLUSIONS_ONLY),
    ("-a -b", EXCLUSIONS_ONLY),
    ('-"a b"', EXCLUSIONS_ONLY),
    ("-(a b)", EXCLUSIONS_ONLY),
    ("a OR -b", EXCLUSIONS_ONLY),
    ("title:(-a)", EXCLUSIONS_ONLY),
    ("a -(-b)", EXCLUSIONS_ONLY),
    ("!!!", "nothing to search for in query"),
    ("...", "nothing to search for in query"),
    ("-", "nothing to search for in query"),
    ("*", "nothing to search for in query"),
    ("-*", "nothing to search for in query"),
    (":", "nothing to search for in query"),
    ("()", "nothing to search for in query"),
    ('""', "nothing to search for in query"),
    ('" "', "nothing to search for in query"),
    ("😀", "nothing to search for in query"),
    ("title:!!!", "nothing to search for in query"),
    (
        "(" * (MAX_NESTING + 1) + "a" + ")" * (MAX_NESTING + 1),
        f"too many nested parentheses in query (at most {MAX_NESTING})",
    ),
]


@pytest.mark.parametrize(("query", "message"), ERRORS, ids=[q[:20] for q, _ in ERRORS])
def test_error(query, message):
    with pytest.raises(QueryError) as excinfo:
        translate_query(query)
    assert str(excinfo.value) == message
    assert "\n" not in str(excinfo.value)


def test_query_error_is_a_value_error():
    assert issubclass(QueryError, ValueError)


def test_fields_are_the_fts5_columns():
    assert FIELDS == ("title", "subtitle", "body")


# --- running the expressions against a real FTS5 table -------------------------

TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"  # as in the real schema

ROWS = {
    1: (
        "Ukraine claims Russian forces withdrawing from Kharkiv",
        "Frontline report",
        "Officials in Kharkiv said the withdrawal began at dawn.",
    ),
    2: ("Café culture returns to Kyiv", "Life goes on", "A Kharkiv-based barista says: don't give up."),
    3: ("Markets rally as inflation cools", "Economy", "Investors cheered the news from Kyiv and London."),
    4: ("Київ готується до зими", "", "東京 report 😀"),
}


@pytest.fixture(scope="module")
def db():
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(title, subtitle, body, {TOKENIZE})")
    conn.executemany(
        "INSERT INTO t(rowid, title, subtitle, body) VALUES (?, ?, ?, ?)",
        [(rowid, *cols) for rowid, cols in ROWS.items()],
    )
    yield conn
    conn.close()


def search(db, query):
    sql = "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid"
    return {rowid for (rowid,) in db.execute(sql, (translate_query(query),))}


MATCHES = [
    ("withdraw", {1}),  # stemming: withdrawing, withdrawal
    ("cafe", {2}),  # accent folding
    ("CAFÉ", {2}),
    ("kyiv", {2, 3}),
    ('"russian forces"', {1}),
    ('"forces russian"', set()),
    ("kharkiv kyiv", {2}),
    ("kharkiv OR london", {1, 2, 3}),
    ("kharkiv -ukraine", {2}),
    ("kharkiv NOT ukraine", {2}),
    ("-ukraine kharkiv", {2}),
    ('kyiv -"kharkiv based"', {3}),
    ("khark*", {1, 2}),
    ("mark*", {3}),
    ("title:kharkiv", {1}),
    ("body:kharkiv", {1, 2}),
    ("BODY:kharkiv -title:kharkiv", {2}),
    ("subtitle:economy", {3}),
    ("title:khar*", {1}),
    ('title:"russian forces"', {1}),
    ("title:(cafe OR markets)", {2, 3}),
    ("(kyiv OR london) -markets", {2}),
    ("kyiv (culture OR inflation) -(barista OR london)", set()),
    ("kyiv (culture OR inflation) -barista", {3}),
    ("kharkiv-based", {2}),
    ("don't", {2}),
    ("dont", set()),
    ("Київ", {4}),
    ("東京", {4}),
    ("report 😀", {1, 4}),
    ("https://kyiv.example", set()),
    ("OR", set()),
    ("title:(kyiv -culture) OR subtitle:economy", {3}),
]


@pytest.mark.parametrize(("query", "rowids"), MATCHES, ids=[q for q, _ in MATCHES])
def test_matches(db, query, rowids):
    assert search(db, query) == rowids


# Nesting patterns that use the most of FTS5's parser stack per level.
DEEP_PATTERNS = [
    "a OR b -c -title:({})",
    "a -b OR c d -e -f -title:({}) k",
    "title:(a OR b -c {})",
    "a OR b c -d -(x {}) OR k -j",
]


@pytest.mark.parametrize("pattern", DEEP_PATTERNS)
def test_deepest_allowed_nesting_is_accepted_by_sqlite(db, pattern):
    query = "{}"
    for _ in range(MAX_NESTING):
        query = query.format(pattern)
    search(db, query.format("z"))


def test_long_query_translates():
    words = ["ukraine", "OR", "-russia", "title:kyiv", '"a phrase"', "café*", "(x OR y)", "!!!"]
    query = " ".join(words[i % len(words)] for i in range(2000))[:10_000]
    assert len(query) == 10_000
    assert translate_query(query).startswith('"ukraine" OR')


def test_long_single_word_translates():
    assert translate_query("a" * 10_000) == '"' + "a" * 10_000 + '"'


# --- property: never an invalid expression -------------------------------------

FRAGMENTS = [
    "ukraine",
    "Kharkiv-based",
    "don't",
    "café",
    "Київ",
    "東京",
    "😀",
    "news",
    '"',
    "(",
    ")",
    "-",
    "*",
    ":",
    "^",
    "+",
    "{",
    "}",
    "!!!",
    "...",
    ",",
    "'",
    "OR",
    "AND",
    "NOT",
    "NEAR",
    "or",
    "and",
    "title:",
    "Body:",
    "subtitle:",
    "foo:",
    "https://example.com/x",
    " ",
    " ",
    " ",
    "\x00",
    "\t",
    "\u0301",
    "\ud83d",
]
query_ish = st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join)


def assert_valid_or_query_error(db, text):
    try:
        expression = translate_query(text)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    db.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()


@settings(max_examples=1000, deadline=None)
@given(text=st.text())
def test_any_text_gives_valid_fts5_or_query_error(db, text):
    assert_valid_or_query_error(db, text)


@settings(max_examples=2000, deadline=None)
@given(text=query_ish)
def test_query_like_text_gives_valid_fts5_or_query_error(db, text):
    assert_valid_or_query_error(db, text)


@pytest.fixture(scope="module")
def tokenizer():
    """Ask SQLite itself how many tokens unicode61 finds in a string."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE tok USING fts5(x, {TOKENIZE})")
    conn.execute("CREATE VIRTUAL TABLE tok_v USING fts5vocab(tok, 'instance')")

    def count_tokens(text):
        conn.execute("DELETE FROM tok")
        conn.execute("INSERT INTO tok(x) VALUES (?)", (text,))
        return conn.execute("SELECT count(*) FROM tok_v").fetchone()[0]

    yield count_tokens
    conn.close()


@settings(max_examples=500, deadline=None)
@given(text=query_ish)
def test_no_empty_phrase_reaches_fts5(tokenizer, text):
    """Every FTS5 string in the output has a token: empty phrases break AND/NOT."""
    try:
        expression = translate_query(text)
    except QueryError:
        return
    for literal in re.findall(r'"((?:[^"]|"")*)"', expression):
        assert tokenizer(literal.replace('""', '"')) > 0, literal
