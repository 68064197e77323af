"""Search checked against the stored text of real corpora (../shared/corpora): quoted words
are exactly the articles holding the word, prefixes exactly those holding a word that starts
with it, Finnish base forms find their inflections, CJK and Thai words inside saved pages."""

import random
import re
import unicodedata

import pytest
from conftest import SHARED, import_quietly, needs_shared, req

from newscli.archive import connect_readonly
from newscli.search import search_articles

BBC = SHARED / "corpora" / "bbc"
FI_NEWS = SHARED / "corpora" / "fi-news"
PAGES = SHARED / "corpora" / "newspaper4k" / "html"

pytestmark = needs_shared


def plain(text: str) -> str:
    """Text as a reader compares it: NFKC, without accents, case-folded."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def stored_texts(db) -> dict[str, str]:
    with connect_readonly(db) as conn:
        return {
            id_: plain(" ".join(filter(None, fields)))
            for id_, *fields in conn.execute("SELECT id, title, subtitle, body FROM articles")
        }


def found(db, query) -> set[str]:
    with connect_readonly(db) as conn:
        return {row["id"] for row in search_articles(conn, req(query, limit=0, all_copies=True))}


def holding(texts, pattern) -> set[str]:
    regex = re.compile(pattern)
    return {id_ for id_, text in texts.items() if regex.search(text)}


@pytest.fixture(scope="module")
def bbc(tmp_path_factory):
    db = tmp_path_factory.mktemp("bbc") / "bbc.db"
    import_quietly(db, BBC)
    return db, stored_texts(db)


# Words that the Porter stemmer merged with another word; plus words drawn at random.
NAMED = ["news", "rating", "generous", "conservation", "shelling", "universe", "producing"]


def corpus_words(texts, n, seed):
    vocabulary = sorted(
        {w for text in texts.values() for w in re.findall(r"(?<![^\W_])[a-z]{4,}(?![^\W_])", text)}
    )
    return random.Random(seed).sample(vocabulary, n)


def test_a_quoted_word_finds_exactly_the_articles_holding_it(bbc):
    db, texts = bbc
    for word in NAMED + corpus_words(texts, 40, seed=11):
        expected = holding(texts, rf"(?<![^\W_]){word}(?![^\W_])")
        assert found(db, f'"{word}"') == expected, word


def test_a_prefix_finds_exactly_the_articles_holding_a_word_that_starts_with_it(bbc):
    db, texts = bbc
    prefixes = ["negotiat", "producti", "news", "elect", "univers"]
    prefixes += [w[: random.Random(w).randint(3, len(w))] for w in corpus_words(texts, 30, seed=12)]
    for prefix in prefixes:
        expected = holding(texts, rf"(?<![^\W_]){prefix}")
        assert found(db, f"{prefix}*") == expected, prefix


def test_an_unquoted_word_finds_its_inflections_and_the_exact_word_first(bbc):
    db, texts = bbc
    assert found(db, "negotiate") >= holding(texts, r"(?<![^\W_])negotiat(e|es|ed|ing)(?![^\W_])")
    assert found(db, '"negotiate"') < found(db, "negotiate")


# --- Finnish: base forms find inflected ones ----------------------------------------------


@pytest.fixture(scope="module")
def fi_news(tmp_path_factory):
    db = tmp_path_factory.mktemp("fi") / "fi.db"
    import_quietly(db, FI_NEWS)
    return db, stored_texts(db)


# A base form and a regex over the stored text for its inflected forms (consonant gradation
# included: Helsinki, Helsingin, Helsingissä).
FINNISH = [
    ("Helsinki", r"helsin(ki|gi|gin|gissa|gista|kiin|gille|gilla)"),
    ("Suomi", r"suo(mi|men|messa|mesta|meen|mella|melle)"),
    ("Venäjä", r"venaja(|n|lla|lle|lta|an)"),
    ("Ruotsi", r"ruotsi(|n|ssa|in|sta)"),
    ("Yhdysvallat", r"yhdysva(llat|ltojen|lloissa|lloista|lloihin|lloille)"),
    ("Turku", r"tur(ku|un|ussa|kuun|usta)"),
    ("hallitus", r"hallitu(s|ksen|kselle|ksessa|kset|sta)"),
    ("poliisi", r"poliisi(|n|lle|lla|a|t|en)"),
    ("kaupunki", r"kaupun(ki|gin|gissa|kiin|gille|git)"),
]


@pytest.mark.parametrize("word,pattern", FINNISH, ids=[w for w, _ in FINNISH])
def test_a_finnish_base_form_finds_its_inflections(fi_news, word, pattern):
    db, texts = fi_news
    expected = holding(texts, rf"(?<![^\W_]){pattern}(?![^\W_])")
    assert len(expected) >= 15
    got = found(db, word)
    recall = len(got & expected) / len(expected)
    assert recall >= 0.95, (word, recall, len(expected))


# --- saved pages in scripts without spaces --------------------------------------------------

# A word from the running text of each page (not its title), as a reader would pick it.
PAGE_WORDS = [
    ("chinese_article.html", "终审法院"),
    ("chinese_article_001.html", "多极世界"),
    ("japanese_article.html", "金正恩"),
    ("japanese_article2.html", "民兵指導者"),
    ("thai_article.html", "คนใกล้ชิด"),
    ("burmese_article.html", "တရားရုံး"),
]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    db = tmp_path_factory.mktemp("pages") / "pages.db"
    for name, _ in PAGE_WORDS:
        import_quietly(db, PAGES / name)
    with connect_readonly(db) as conn:
        return db, {row[0]: row[1:] for row in conn.execute("SELECT id, title, body FROM articles")}


@pytest.mark.parametrize("page,word", PAGE_WORDS, ids=[p for p, _ in PAGE_WORDS])
def test_a_word_inside_the_running_text_of_a_page_is_found(pages, page, word):
    db, stored = pages
    holders = {id_ for id_, (title, body) in stored.items() if word in body and word not in title}
    assert len(holders) == 1
    assert found(db, word) == holders
    assert found(db, f'"{word}"') == holders
