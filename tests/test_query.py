"""Tests for newscli.query: the user's search language -> filters and FTS5 MATCH expressions.

The tables below double as documentation of the language; each case's id says what it
shows. Expressions are given without stemming (no stored forms to look up): the forms of
unquoted words are tested against real archives in test_search_words.py.
"""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscli.analysis import INDEX_TOKENIZE
from newscli.filters import Filters
from newscli.query import EXCLUSIONS_ONLY, FIELDS, MAX_NESTING, QueryError, parse_query, translate_query

# --- translation table -------------------------------------------------------

TRANSLATIONS = [
    # words, AND, OR, phrases, prefixes
    ("ukraine", '"ukraine"'),
    ("Ukraine", '"ukraine"'),
    ("ukraine russia", '"ukraine" AND "russia"'),
    ("ukraine AND russia", '"ukraine" AND "russia"'),
    ("kyiv OR kiev", '"kyiv" OR "kiev"'),
    ('"russian forces"', '"russian forces"'),
    ('"russian forces" kharkiv', '"russian forces" AND "kharkiv"'),
    ("withdr*", '"withdr"*'),
    ("withdr**", '"withdr"*'),
    ('"russian for"*', '"russian for"*'),
    ('"news"', '"news"'),
    # pasted quotes and dashes
    ("“russian forces”", '"russian forces"'),
    ("„russian forces“", '"russian forces"'),
    ("«russian forces»", '"russian forces"'),
    ("‘russian forces’", '"russian forces"'),
    ("kharkiv –crimea", '"kharkiv" NOT "crimea"'),
    ("kharkiv —crimea", '"kharkiv" NOT "crimea"'),
    ("kharkiv −crimea", '"kharkiv" NOT "crimea"'),
    ("don’t", '"don t"'),
    # proximity
    ('"oil prices"~5', 'NEAR("oil" "prices", 5)'),
    ("NEAR(oil prices, 5)", 'NEAR("oil" "prices", 5)'),
    ("NEAR(oil prices)", 'NEAR("oil" "prices", 10)'),
    ('NEAR("crude oil" prices, 3)', 'NEAR("crude oil" "prices", 3)'),
    ("title:NEAR(oil prices, 2)", 'title : NEAR("oil" "prices", 2)'),
    ('"oil"~5', '"oil"'),
    ("near(a b)", '"near" AND "a" AND "b"'),
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
    # field filters on text
    ("title:ukraine", 'title : "ukraine"'),
    ("TITLE:ukraine", 'title : "ukraine"'),
    ("Subtitle:ukraine", 'subtitle : "ukraine"'),
    ("body:ukraine", 'body : "ukraine"'),
    ("title: ukraine", 'title : "ukraine"'),
    ('title:"russian forces"', 'title : "russian forces"'),
    ("title:khark*", 'title : "khark"*'),
    ("title:(a OR b)", 'title : ("a" OR "b")'),
    ("title:(a -b) c", 'title : ("a" NOT "b") AND "c"'),
    ("-title:a b", '"b" NOT title : "a"'),
    ("title:-a b", '"b" NOT title : "a"'),
    ("-title:(a OR b) c", '"c" NOT title : ("a" OR "b")'),
    ("title:(body:x)", 'title : (body : "x")'),
    ("title:OR", 'title : "or"'),
    ("title:", '"title"'),
    # words as the index stores them: folded, split on punctuation, abbreviations joined
    ("CAFÉ", '"cafe"'),
    ("Straße", '"strasse"'),
    ("don't", '"don t"'),
    ("Kharkiv-based", '"kharkiv based"'),
    ("U.S.", '"us"'),
    ("U.S", '"us"'),
    ("e.g.", '"eg"'),
    ("14.5", '"14.5"'),
    ("1,000", '"1,000"'),
    ("£4.5bn", '"4.5bn"'),
    ("kharkiv.", '"kharkiv"'),
    ("a - b", '"a" AND "b"'),
    ("a -", '"a"'),
    ("--a b", '"b" NOT "a"'),
    ('12"', '"12"'),
    ("a*b", '"a b"'),
    ("a *", '"a"'),
    ("a -*", '"a"'),
    ("https://example.com/x?q=1", '"https example com x q 1"'),
    ("update: oil", '"update" AND "oil"'),
    ("10:30", '"10 30"'),
    ("2:1", '"2 1"'),
    ("mailto:someone@example.org", '"mailto someone example org"'),
    ("f(x)", '"f" AND "x"'),
    # scripts without spaces: pairs; one character is a prefix
    ("東京", '"東京"'),
    ("東京都", '"東京 京都"'),
    ("人工智能", '"人工 工智 智能"'),
    ("中", '"中"*'),
    ("서울", '"서울"'),
    ("ภาษา", '"ภา าษ ษา"'),
    ("東京 news", '"東京" AND "news"'),
    ("Київ", '"київ"'),
    ("مَكْتَبَة", '"مكتبه"'),
    # dangling, doubled and lone operators
    ("OR", '"or"'),
    ("AND", '"and"'),
    ("NOT", '"not"'),
    ("NOT OR", '"not" AND "or"'),
    ("(OR)", '"or"'),
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
    ("-OR a", '"a" NOT "or"'),
    ("OR*", '"or"*'),
    # FTS5 syntax in the input is only text
    ("NEAR", '"near"'),
    ("^foo", '"foo"'),
    ("{title}:x", '"title x"'),
    ("a+b", '"a b"'),
    ("a + b", '"a" AND "b"'),
    ("a : b", '"a" AND "b"'),
    # terms with nothing the index would store are dropped
    ("a !!!", '"a"'),
    ("... a", '"a"'),
    ('a ""', '"a"'),
    ('a "!?"', '"a"'),
    ("a OR !!!", '"a"'),
    ("a -!!!", '"a"'),
    ("a title:!!!", '"a"'),
    ("a ()", '"a"'),
    ("café 😀", '"cafe"'),
    ("a | b", '"a" AND "b"'),
    ("OR !!!", '"or"'),
    # control characters
    ("a\x00b", '"a" AND "b"'),
    ("a\tb\nc\x07d", '"a" AND "b" AND "c" AND "d"'),
    ("a\ud800b", '"a" AND "b"'),
]


@pytest.mark.parametrize(("query", "expected"), TRANSLATIONS, ids=[q for q, _ in TRANSLATIONS])
def test_translation(query, expected):
    assert translate_query(query) == expected


def test_forms_of_unquoted_words_are_alternatives():
    forms = {"withdraw": ["withdrawal", "withdrawing"], "forces": ["force"]}.get
    assert (
        translate_query("withdraw", lambda w: forms(w, [])) == '("withdraw" OR "withdrawal" OR "withdrawing")'
    )
    assert translate_query('"withdraw"', lambda w: forms(w, [])) == '"withdraw"'  # quoted: exact
    assert translate_query("withdr*", lambda w: forms(w, [])) == '"withdr"*'
    assert translate_query("title:forces -withdraw", lambda w: forms(w, [])) == (
        'title : ("forces" OR "force") NOT ("withdraw" OR "withdrawal" OR "withdrawing")'
    )
    assert translate_query("NEAR(withdraw forces, 3)", lambda w: forms(w, [])) == (
        '(NEAR("withdraw" "forces", 3) OR NEAR("withdraw" "force", 3) '
        'OR NEAR("withdrawal" "forces", 3) OR NEAR("withdrawal" "force", 3) '
        'OR NEAR("withdrawing" "forces", 3) OR NEAR("withdrawing" "force", 3))'
    )
    assert translate_query('"withdraw forces"~3', lambda w: forms(w, [])) == 'NEAR("withdraw" "forces", 3)'


ERRORS = [
    ("", "empty query"),
    ("   ", "empty query"),
    ("\n\t", "empty query"),
    ("\x00", "empty query"),
    ('"russian forces', "unbalanced quote in query"),
    ('a "b', "unbalanced quote in query"),
    ('title:"b', "unbalanced quote in query"),
    ('"', "unbalanced quote in query"),
    ("“a", "unbalanced quote in query"),
    ('source:"a', "unbalanced quote in query"),
    ("(a", "unbalanced parenthesis in query"),
    ("a)", "unbalanced parenthesis in query"),
    ("((a)", "unbalanced parenthesis in query"),
    (")(", "unbalanced parenthesis in query"),
    ("title:(a", "unbalanced parenthesis in query"),
    ("NEAR(a b", "unbalanced parenthesis in query"),
    ("-a", EXCLUSIONS_ONLY),
    ("NOT a", EXCLUSIONS_ONLY),
    ("-a -b", EXCLUSIONS_ONLY),
    ('-"a b"', EXCLUSIONS_ONLY),
    ("-(a b)", EXCLUSIONS_ONLY),
    ("a OR -b", EXCLUSIONS_ONLY),
    ("title:(-a)", EXCLUSIONS_ONLY),
    ("a -(-b)", EXCLUSIONS_ONLY),
    ("-a source:bbc", EXCLUSIONS_ONLY),
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
    ("||", "nothing to search for in query"),
    (
        "(" * (MAX_NESTING + 1) + "a" + ")" * (MAX_NESTING + 1),
        f"too many nested parentheses in query (at most {MAX_NESTING})",
    ),
    (
        "oil zzz:abc",
        "unknown field zzz: in query; fields are title:, subtitle:, body:, source:, tag:, author:, lang:, "
        'date:, since:, until:, after:, before: (to search for the text, quote it: "zzz:...")',
    ),
    ("foo:bar", "unknown field foo: in query; fields are title:"),
    ("oil source:", "source: needs a value, e.g. source:bbc"),
    ("oil date:soon", "date:soon: invalid date 'soon'"),
    ("oil date:2023..2022", "date:2023..2022: since 2023-01-01 is after until 2022-12-31: nothing can match"),
    ("oil since:2023 until:2022", "the dates in the query leave nothing: since 2023-01-01, until 2022-12-31"),
    ("oil -date:2022", "-date: is not supported; use since:, until:, after: or before:"),
    ("(oil source:bbc)", "source: cannot be inside brackets: it filters the whole query"),
    ("oil OR gas source:bbc", "source: filters the whole query and cannot be one side of OR"),
]


@pytest.mark.parametrize(("query", "message"), ERRORS, ids=[q[:20] for q, _ in ERRORS])
def test_error(query, message):
    with pytest.raises(QueryError) as excinfo:
        translate_query(query)
    assert str(excinfo.value).startswith(message)
    assert "\n" not in str(excinfo.value)


def test_query_error_is_a_value_error():
    assert issubclass(QueryError, ValueError)


def test_fields_are_the_fts5_columns():
    assert FIELDS == ("title", "subtitle", "body")


# --- fields that filter ----------------------------------------------------------------------

FILTERS = [
    ("oil tag:crude", '"oil"', Filters(tags=("crude",))),
    ("oil tag:crude tag:opec", '"oil"', Filters(tags=("crude", "opec"))),
    ("oil source:bbc", '"oil"', Filters(sources=("bbc",))),
    ("oil SOURCE:bbc source:Reuters", '"oil"', Filters(sources=("bbc", "Reuters"))),
    ('oil source:"The Guardian"', '"oil"', Filters(sources=("The Guardian",))),
    ("oil source: bbc", '"oil"', Filters(sources=("bbc",))),
    ('oil author:"Mary Smith"', '"oil"', Filters(authors=("Mary Smith",))),
    ("oil author:“Mary Smith”", '"oil"', Filters(authors=("Mary Smith",))),
    ("oil lang:fi", '"oil"', Filters(langs=("fi",))),
    ("oil -source:bbc", '"oil"', Filters(exclude_sources=("bbc",))),
    ("oil NOT tag:crude", '"oil"', Filters(exclude_tags=("crude",))),
    ("oil –author:smith", '"oil"', Filters(exclude_authors=("smith",))),
    ("oil -lang:en", '"oil"', Filters(exclude_langs=("en",))),
    ("oil date:2022", '"oil"', Filters(since="2022-01-01", until="2022-12-31")),
    ("oil date:2022-05", '"oil"', Filters(since="2022-05-01", until="2022-05-31")),
    ("oil date:2022-05-14", '"oil"', Filters(since="2022-05-14", until="2022-05-14")),
    ("oil date:2022-05..2022-07", '"oil"', Filters(since="2022-05-01", until="2022-07-31")),
    ("oil date:2022-05..", '"oil"', Filters(since="2022-05-01")),
    ("oil date:..2022-05", '"oil"', Filters(until="2022-05-31")),
    ("oil since:2022-05 until:2022-06", '"oil"', Filters(since="2022-05-01", until="2022-06-30")),
    ("oil after:2022-05-14", '"oil"', Filters(since="2022-05-15")),
    ("oil before:2022-05-14", '"oil"', Filters(until="2022-05-13")),
    ("oil after:2022-05", '"oil"', Filters(since="2022-06-01")),
    ("oil before:2022", '"oil"', Filters(until="2021-12-31")),
    ("oil date:2022 since:2022-06", '"oil"', Filters(since="2022-06-01", until="2022-12-31")),
    ("source:bbc", None, Filters(sources=("bbc",))),
    ("source:bbc date:2022", None, Filters(sources=("bbc",), since="2022-01-01", until="2022-12-31")),
    ("(oil OR gas) source:bbc", '"oil" OR "gas"', Filters(sources=("bbc",))),
    ('"source:bbc"', '"source bbc"', Filters()),
]


@pytest.mark.parametrize(("query", "expression", "filters"), FILTERS, ids=[q for q, _, _ in FILTERS])
def test_filter_fields(query, expression, filters):
    parsed = parse_query(query)
    assert parsed.filters == filters
    if expression is None:
        assert parsed.node is None
    else:
        assert translate_query(query) == expression


NOTES = [
    ("kyiv or kiev", "'or' is read as a word; for the operator write OR (in capitals)"),
    ("kyiv and kiev", "'and' is read as a word; for the operator write AND (in capitals)"),
    ("kyiv not kiev", "'not' is read as a word; for the operator write NOT (in capitals)"),
    ("kyiv | kiev", "'|' is not an operator here; for either word write OR"),
    ("kyiv || kiev", "'||' is not an operator here; for either word write OR"),
    ("kyiv && kiev", "'&&' is not an operator here; words are all required anyway (AND)"),
    ("grep -n kyiv", "-n is read as leaving out articles with the word 'n'"),
    (
        "oil OR gas prices",
        "read as oil OR (gas prices) (OR binds looser than words side by side; use brackets)",
    ),
    (
        '"oil prices" OR gas* -lng',
        'read as "oil prices" OR (gas* -lng) (OR binds looser than words side by side; use brackets)',
    ),
    (
        "title:(oil OR gas) OR prices rise",
        "read as title:(oil OR gas) OR (prices rise) (OR binds looser than words side by side; use brackets)",
    ),
]


@pytest.mark.parametrize(("query", "note"), NOTES, ids=[q for q, _ in NOTES])
def test_notes_say_when_a_reading_may_surprise(query, note):
    assert parse_query(query).notes == [note]


@pytest.mark.parametrize(
    "query", ["or", "kyiv or", "oil OR gas", "(oil OR gas) prices", '"a or b"', "oil -news"]
)
def test_no_note_when_nothing_may_surprise(query):
    assert parse_query(query).notes == []


def test_long_query_translates():
    words = ["ukraine", "OR", "-russia", "title:kyiv", '"a phrase"', "café*", "(x OR y)", "!!!"]
    query = " ".join(words[i % len(words)] for i in range(2000))[:10_000]
    assert len(query) == 10_000
    assert translate_query(query).startswith('"ukraine" OR')


def test_long_single_word_translates():
    assert translate_query("a" * 10_000) == '"' + "a" * 10_000 + '"'


# --- property: never an invalid expression -------------------------------------


@pytest.fixture(scope="module")
def index():
    """An FTS5 table as the archive's search index is made (newscli.index.SCHEMA)."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE search_index USING fts5(title, subtitle, body, content='', "
                 f'tokenize="{INDEX_TOKENIZE}")')  # fmt: skip
    conn.execute("INSERT INTO search_index (rowid, title, subtitle, body) VALUES (1, 'a b', 'c', 'd e')")
    yield conn
    conn.close()


FRAGMENTS = [
    "ukraine", "Kharkiv-based", "don't", "café", "Київ", "東京", "中", "😀", "news", '"', "“", "”", "«",
    "‘", "’", "(", ")", "-", "–", "*", ":", "^", "+", "{", "}", "!!!", "...", ",", ".", "'", "~5", "~",
    "OR", "AND", "NOT", "NEAR", "NEAR(", "or", "and", "title:", "Body:", "subtitle:", "source:", "tag:",
    "date:", "date:2022", "date:2022-05..2022-07", "since:2020", "after:", "foo:", "https://example.com/x",
    "U.S.", "14.5", " ", " ", " ", "\x00", "\t", "\u0301", "\ud83d",
]  # fmt: skip
query_ish = st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join)


def assert_valid_or_query_error(index, text):
    try:
        parsed = parse_query(text)
        expression = None if parsed.node is None else translate_query(text)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    if expression is not None:
        index.execute("SELECT rowid FROM search_index WHERE search_index MATCH ?", (expression,)).fetchall()


@settings(max_examples=1000, deadline=None)
@given(text=st.text())
def test_any_text_gives_valid_fts5_or_query_error(index, text):
    assert_valid_or_query_error(index, text)


@settings(max_examples=2000, deadline=None)
@given(text=query_ish)
def test_query_like_text_gives_valid_fts5_or_query_error(index, text):
    assert_valid_or_query_error(index, text)


# Nesting patterns that use the most of FTS5's parser stack per level.
DEEP_PATTERNS = [
    "a OR b -c -title:({})",
    "a -b OR c d -e -f -title:({}) k",
    "title:(a OR b -c {})",
    "a OR b c -d -(x {}) OR k -j",
    "a OR NEAR(b c) -(x {}) OR k -j",
]


@pytest.mark.parametrize("pattern", DEEP_PATTERNS)
def test_deepest_allowed_nesting_is_accepted_by_sqlite(index, pattern):
    query = "{}"
    for _ in range(MAX_NESTING):
        query = query.format(pattern)
    index.execute(
        "SELECT rowid FROM search_index WHERE search_index MATCH ?", (translate_query(query.format("z")),)
    )
