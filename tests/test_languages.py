"""Search in every language: words inside running text of scripts without spaces, marks that
do not split words, accents and letter variants folded, stemming in the article's own
language, exact quoted words, literal prefixes. One article per language
(fixtures/multilingual), each found by its words and not by others."""

import json

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SHARED, import_quietly, needs_shared
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscli.archive import connect_readonly
from newscli.cli import cli
from newscli.languages import detect_language

MULTILINGUAL = FIXTURES / "multilingual" / "news-in-sixteen-languages.jsonl"


@pytest.fixture(scope="module")
def languages_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("languages") / "news.db"
    import_quietly(db, MULTILINGUAL)
    return db


def sources(db, query, *options):
    result = CliRunner().invoke(cli, ["--db", str(db), "search", query, "--format", "jsonl", *options])
    assert result.exit_code in (0, 1), result.output
    return sorted(json.loads(line)["source"].removeprefix("Wire ") for line in result.stdout.splitlines())


FINDS = [
    # Chinese, Japanese, Korean, Thai: a word inside a clause
    ("人工智能", "zh"), ("新闻", "zh"), ("机器学习", "zh"), ("智", "zh"),
    ("美術館", "ja"), ("来場者", "ja"),
    ("영화제", "ko"), ("개막", "ko"),
    ("น้ำท่วม", "th"), ("คลอง", "th"),
    # Arabic: harakat in the text or in the query are ignored; Hebrew points likewise
    ("مكتبة", "ar"), ("كتاب", "ar"), ("كِتَابٍ", "ar"), ("القاهرة", "ar"),
    ("ראש", "he"), ("ירושלים", "he"),
    # Devanagari: vowel signs and virama do not split a word
    ("यात्रियों", "hi"), ("उद्घाटन", "hi"), ('"सुरक्षा"', "hi"),
    # stemming in the article's language
    ("Москва", "ru"), ("парк", "ru"),
    ("Brücken", "de"), ("Fluss", "de"),
    ("négociation", "fr"), ("inundación", "es"),
    ("Helsinki", "fi"), ("kirjastot", "fi"),
    # accents, case and letter variants
    ("μουσειο", "el"), ("ΜΟΥΣΕΊΟ", "el"), ("Αθηνα", "el"),
    ("greve", "fr"), ('"grève"', "fr"), ("lodzi", "pl"),
    ("istanbul", "tr"), ("havalimani", "tr"), ("HAVALİMANI", "tr"),
    ('"ha noi"', "vi"), ('"tàu điện"', "vi"),
    # literal prefixes
    ("havaliman*", "tr"), ("kirjast*", "fi"), ("москв*", "ru"), ("美術*", "ja"),
]  # fmt: skip

MISSES = [
    "人工降雨",  # shares 人工 with 人工智能, but is another word
    "博物館",  # another museum
    "ไฟไหม้",
    '"Москва"',  # quoted: exact, so not Москве / Москвы
    '"Helsinki"',
    '"brücken"',
    "kaupunki",  # only inside compounds (Kaupunginjohtaja) and derivatives
    "прыжок",
]


@pytest.mark.parametrize("query,lang", FINDS, ids=[q for q, _ in FINDS])
def test_a_word_finds_its_article_in_every_language(languages_db, query, lang):
    assert sources(languages_db, query) == [lang]


@pytest.mark.parametrize("query", MISSES)
def test_another_word_does_not(languages_db, query):
    assert sources(languages_db, query) == []


def test_each_article_gets_its_language_at_import(languages_db):
    with connect_readonly(languages_db) as conn:
        found = {
            source.removeprefix("Wire "): lang
            for source, lang in conn.execute("SELECT source, lang FROM articles")
        }
    assert found == {code: code for code in found}
    assert len(found) == 16


def test_lang_filters_by_the_detected_language(languages_db):
    assert sources(languages_db, "2024", "--lang", "fi") == []
    assert sources(languages_db, "kirjasto", "--lang", "fi") == ["fi"]
    assert sources(languages_db, "kirjasto", "--lang", "sv") == []
    assert sources(languages_db, "kirjasto lang:fi") == ["fi"]


def test_a_highlight_keeps_the_marks_of_its_last_letter(languages_db):
    result = CliRunner().invoke(cli, ["--db", str(languages_db), "search", "مكتبة", "--json"])
    snippet = json.loads(result.stdout)[0]["snippet"]
    assert "**مَكْتَبَةٌ**" in snippet


@pytest.mark.parametrize(
    "texts,expected",
    [
        (
            (
                "Helsingissä avattiin uusi kirjasto",
                "Kirjastoon tuli ensimmäisenä päivänä tuhansia kävijöitä.",
            ),
            "fi",
        ),
        (("The prime minister said on Monday that talks would resume",), "en"),
        (("Brexit",), None),  # too few letters to tell
        (("2024-05-14 12:00 https://example.com/12345",), None),
        ((None, "", None), None),
    ],
)
def test_detect_language(texts, expected):
    assert detect_language(*texts) == expected


@pytest.mark.parametrize("scratch", ["temporary file", "in memory"])
def test_the_language_model_is_read_as_py3langids_own_loader_reads_it(monkeypatch, scratch):
    """languages._model reads py3langid's model with a lower peak of memory: the same
    arrays, so the same answers; where no temporary file can be made, in memory."""
    import tempfile

    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import load_model

    from newscli import languages

    ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
    if scratch == "in memory":

        def no_space(*args, **kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(tempfile, "TemporaryFile", no_space)
    ours = languages._model(MODEL_DIR / MODEL_FILE)
    assert ours["nb_ptc"].dtype == ptc.dtype and np.array_equal(ours["nb_ptc"], ptc)
    assert np.array_equal(ours["nb_pc"], pc) and ours["nb_classes"] == classes
    assert ours["tk_nextmove"] == nextmove and ours["tk_nextmove"].typecode == nextmove.typecode
    assert ours["tk_row"] == row and ours["tk_row"].typecode == row.typecode
    assert ours["tk_output"] == output


# --- spans: the quick way equals the general one ---------------------------------------------


def _spans_in_general(text):
    import unicodedata

    from newscli.analysis import _spans_by_character, protect

    text = unicodedata.normalize("NFC", text)
    return text, _spans_by_character(protect(text))


TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".csv"}


def _texts_under(folder):
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES:
            yield path.read_bytes().decode("utf-8", errors="replace")


def test_spans_of_every_fixture_equal_the_general_way():
    """spans reads most text (every character folding to one) without a step per
    character; on every fixture file (12+ scripts, odd encodings) the places are the same."""
    from newscli.analysis import spans

    texts = list(_texts_under(FIXTURES))
    assert len(texts) > 50
    for text in texts:
        assert spans(text) == _spans_in_general(text)


@needs_shared
def test_spans_of_the_shared_corpora_equal_the_general_way():
    from newscli.analysis import spans

    checked = 0
    for corpus in ("bbc", "newspaper4k", "fi-news"):
        for text in _texts_under(SHARED / "corpora" / corpus):
            assert spans(text) == _spans_in_general(text)
            checked += 1
    assert checked > 2000


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(
        st.sampled_from([*"abc AB.,5\n-ßæﬁＡ́İı", "U.S.", "3.5", "é", "人工", "ไทย", "مُ", "\u200d", "\u00ad"]),
        max_size=40,
    ).map("".join)
)
def test_spans_equal_the_general_way_on_any_text(text):
    from newscli.analysis import spans

    assert spans(text) == _spans_in_general(text)
