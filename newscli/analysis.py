"""Text analysis: the one chain that turns text into searchable words, for articles and queries.

Articles (at import) and queries (at search) go through the same steps, so they can never
disagree about what a word is:

1. **normalise**: NFC, so that a letter typed as base + accent is the same as the composed one.
2. **protect**: the dot of a decimal number (``14.5``) and the comma of ``1,000`` are kept;
   the dots of an abbreviation (``U.S.``, ``e.g.``) are dropped, so it is one word (``us``).
   Every other ``.`` or ``,`` separates words. This step keeps the text's length.
3. **fold**, character by character (`fold_char`): compatibility forms (NFKC: fullwidth
   letters, ligatures, superscripts), case (``casefold``: ß = ss), accents of Latin and
   Greek letters, Cyrillic stress marks and ё, Hebrew points, Arabic harakat, tatweel and
   letter variants (أ إ آ = ا, ى = ي, ة = ه), the Devanagari nukta; letters that have no
   decomposition are spelled out (ł ø đ ð þ æ œ ı). Marks that make the letters of other
   scripts (Devanagari, Thai, ...) stay in the word. Anything that is not a letter, mark or
   digit becomes a space.
4. **split** on spaces; a run of Chinese, Japanese, Korean, Thai, Lao, Khmer or Burmese
   characters (scripts written without spaces between words) becomes its overlapping
   pairs, as Lucene's CJK analyser does, plus its last character alone: ``東京都`` is
   ``東京 京都 都``. A word of two or more characters inside a sentence is then the phrase of
   its pairs; one character is the prefix of a pair.

The words are stored in the `search_index` FTS5 table as the space-separated string
`index_text` gives; that table's tokenizer only splits on spaces (see INDEX_TOKENIZE).

Stemming (finding a word's inflections) does not change what is stored: each article's
words are filed under their stems in the language of the article (`stem_keys`), and an
unquoted query word is looked up under its stems in every language to find the stored
words it stands for (see newscli.query).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import NamedTuple

# Bumped whenever what `index_text` produces changes: the archive's index is then rebuilt.
ANALYZER_VERSION = 1

# The FTS5 tokenizer of the index: every character but spaces (and controls, which the
# analysis never leaves) is part of a word, nothing is folded again.
INDEX_TOKENIZE = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Co Cn'"

# Scripts written without spaces between words: runs of them are split into pairs.
_PAIRED_RANGES = (
    "\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u1000-\u109f"  # Myanmar
    "\u1100-\u11ff"  # Hangul Jamo
    "\u1780-\u17ff"  # Khmer
    "\u19e0-\u19ff"  # Khmer symbols
    "\u3005-\u3007"  # 々 〆 〇
    "\u3021-\u3029\u3031-\u3035\u303b\u303c"  # Hangzhou numerals, kana repeat marks
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3130-\u318f"  # Hangul compatibility Jamo
    "\u31f0-\u31ff"  # Katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\ua960-\ua97f"  # Hangul Jamo extended A
    "\ua9e0-\ua9ff"  # Myanmar extended B
    "\uaa60-\uaa7f"  # Myanmar extended A
    "\uac00-\ud7af"  # Hangul syllables
    "\ud7b0-\ud7ff"  # Hangul Jamo extended B
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # CJK extensions B to G
)
_PAIRED_LOWEST = "\u0e00"  # no character below it is in _PAIRED_RANGES


# Compiled when first needed: the character classes take ~6 ms to compile, which a command
# whose text is all below _PAIRED_LOWEST (an English query, a timeline) need not pay.
@cache
def _paired_run() -> re.Pattern[str]:
    return re.compile(f"[{_PAIRED_RANGES}]+")


@cache
def _paired_char() -> re.Pattern[str]:
    return re.compile(f"[{_PAIRED_RANGES}]")


def _has_paired(text: str) -> bool:
    """Whether `text` holds a character of a script written without spaces."""
    return bool(text) and max(text) >= _PAIRED_LOWEST and _paired_char().search(text) is not None


# --- step 2: protect ------------------------------------------------------------------
# Placeholders (Unicode noncharacters, which text meant for interchange never holds) that
# fold_char turns into a kept dot or comma, or into nothing.
_KEPT_DOT, _KEPT_COMMA, _DROPPED_DOT = "\ufdd2", "\ufdd3", "\ufdd4"
_DECIMAL_DOT = re.compile(r"(\d)\.(?=\d)")
_DECIMAL_COMMA = re.compile(r"(\d),(?=\d)")
# An abbreviation: single letters each followed by a dot (the last dot may be missing),
# not inside a longer word. The cheap hint (it starts with a literal dot) is searched first.
_ABBREVIATION_HINT = re.compile(r"\.[^\W\d_](?![^\W_])")
_ABBREVIATION = re.compile(r"(?<![^\W_])[^\W\d_](?:\.[^\W\d_])+\.?(?![^\W_])")


def _drop_dots(match: re.Match) -> str:
    return match.group().replace(".", _DROPPED_DOT)


def protect(text: str) -> str:
    """Step 2: mark the dots and commas that belong to a word; the length is unchanged."""
    if "." in text:
        text = _DECIMAL_DOT.sub("\\1" + _KEPT_DOT, text)
        if _ABBREVIATION_HINT.search(text):
            text = _ABBREVIATION.sub(_drop_dots, text)
    if "," in text:
        text = _DECIMAL_COMMA.sub("\\1" + _KEPT_COMMA, text)
    return text


# --- step 3: fold ---------------------------------------------------------------------

# Marks dropped wherever they are: the combining diacritics used with Latin, Greek and
# Cyrillic letters, Hebrew points, Arabic harakat (and Quranic marks), the Devanagari nukta.
_DROPPED_MARK_RANGES = (
    (0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F),
    (0x0591, 0x05BD), (0x05BF, 0x05BF), (0x05C1, 0x05C2), (0x05C4, 0x05C5), (0x05C7, 0x05C7),
    (0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670), (0x06D6, 0x06DC), (0x06DF, 0x06E4),
    (0x06E7, 0x06E8), (0x06EA, 0x06ED), (0x093C, 0x093C),
)  # fmt: skip
# In Cyrillic, й ї ў are letters of their own: only stress marks and the dots of ё go.
_CYRILLIC_DROPPED = {0x0300, 0x0301}
# Letters without a decomposition, spelled as their usual ASCII fallback; Arabic and
# Persian letter variants as one letter (as Lucene's Arabic and Persian normalisers do).
_SPELLED = {
    "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i",
    "ħ": "h", "ŧ": "t", "ŋ": "n", "ƒ": "f", "ё": "е",
    "ٱ": "ا", "ى": "ي", "ی": "ي", "ة": "ه", "ک": "ك", "ـ": "",
}  # fmt: skip
# Characters that vanish inside a word (soft hyphen, zero-width joiners, word joiner, BOM).
_INVISIBLE = {"\u00ad", "\u200c", "\u200d", "\u2060", "\ufeff", "\u180e"}
# Apostrophe-like letters that separate words as the apostrophe does.
_APOSTROPHES = {"\u02bc", "\u02b9", "\u02bb"}


def _dropped_mark(code: int) -> bool:
    return any(low <= code <= high for low, high in _DROPPED_MARK_RANGES)


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u052f" or "\u1c80" <= ch <= "\u1c8f" or "\ua640" <= ch <= "\ua69f"


def _fold_letter(ch: str) -> str:
    """One character of NFKC-casefolded text, its removable accents removed."""
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if _is_cyrillic(base):
        kept = "".join(m for m in marks if ord(m) not in _CYRILLIC_DROPPED)
        if base == "е" and kept == "\u0308":  # ё
            kept = ""
    else:
        kept = "".join(m for m in marks if not _dropped_mark(ord(m)))
    if _dropped_mark(ord(base)):  # a mark on its own
        return ""
    out = unicodedata.normalize("NFC", base + kept) if kept else base
    return "".join(_SPELLED.get(c, c) for c in out)


def fold_char(ch: str) -> str:
    """Step 3 for one character: what it becomes in the folded text (maybe several
    characters, maybe none); a space for anything that is not part of a word."""
    if ch in ".,":
        return " "
    if ch == _KEPT_DOT:
        return "."
    if ch == _KEPT_COMMA:
        return ","
    if ch == _DROPPED_DOT or ch in _INVISIBLE:
        return ""
    if ch in _APOSTROPHES:
        return " "
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        if c in _INVISIBLE:
            continue
        category = unicodedata.category(c)
        if category[0] in "LMN" or category == "Co":
            out.append(_fold_letter(c))
        else:
            out.append(" ")
    # Casefolding can leave upper-case letters (Cherokee); the index lower-cases them.
    return "".join(out).lower()


class _FoldTable(dict):
    """str.translate's table for step 3, filled one character at a time as text meets it."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Steps 1 to 3: the text as the index reads it, words separated by spaces."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return protect(text).translate(_FOLD)


# --- step 4: split ----------------------------------------------------------------------


def _pairs(run: str) -> list[str]:
    """A run of a script without spaces as the words the index stores: its overlapping
    pairs, then its last character alone (so that every character starts a word)."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def _spaced_pairs(match: re.Match) -> str:
    return " " + " ".join(_pairs(match.group())) + " "


def index_text(text: str | None) -> str:
    """What the index stores for one field: its words, separated by spaces."""
    if not text:
        return ""
    folded = fold(text)
    if _has_paired(folded):
        folded = _paired_run().sub(_spaced_pairs, folded)
    return folded


def words(text: str | None) -> list[str]:
    """The words of `text` as the index stores them, in order."""
    return index_text(text).split()


class Span(NamedTuple):
    """One word of a text: its indexed form and where it is in the text."""

    word: str
    start: int
    end: int


_TOKEN = re.compile(r"\S+")


def spans(text: str) -> tuple[str, list[Span]]:
    """The words of `text` with their places, for snippets and concordances.

    Returns the text the places refer to (`text` itself, or its NFC form when it was not
    in NFC) and the spans; the words are exactly `words(text)`.
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    protected = protect(text)
    table = _FOLD
    folds = [table[ord(ch)] for ch in set(protected)]
    if all(len(folded) == 1 for folded in folds):
        # Every character folds to one (most text): the folded text's places are the text's,
        # no mark folds to nothing, and words of scripts without spaces are the only ones
        # to split. The same spans as below, without a Python step per character (1.4 ms
        # -> 0.2 ms for an article of 2,400 characters).
        folded_text = protected.translate(table)
        if not folds or max(folds) < _PAIRED_LOWEST or not _has_paired(folded_text):
            new = tuple.__new__  # Span's own __new__ is Python: 2.5x slower
            return text, [new(Span, (m.group(), m.start(), m.end())) for m in _TOKEN.finditer(folded_text)]
    return text, _spans_by_character(protected)


def _spans_by_character(protected: str) -> list[Span]:
    """spans' general case: places traced through each character's folding."""
    table = _FOLD
    chars: list[str] = []
    origin: list[int] = []  # for each folded character, the index of its source character
    for i, ch in enumerate(protected):
        folded = table[ord(ch)]
        if len(folded) == 1:
            chars.append(folded)
            origin.append(i)
        else:
            for c in folded:
                chars.append(c)
                origin.append(i)
    folded_text = "".join(chars)
    found: list[Span] = []

    def through_marks(end: int) -> int:
        # Marks that fold to nothing (Arabic harakat, Hebrew points) after a word's last
        # letter belong to it: a highlight ends after them, not between letter and mark.
        while end < len(protected) and not table[ord(protected[end])]:
            if not unicodedata.category(protected[end]).startswith("M"):
                break
            end += 1
        return end

    for match in _TOKEN.finditer(folded_text):
        start, end = match.span()
        token = match.group()
        if not _has_paired(token):
            found.append(Span(token, origin[start], through_marks(origin[end - 1] + 1)))
            continue
        at = 0
        for run in _paired_run().finditer(token):
            if run.start() > at:
                found.append(
                    Span(token[at : run.start()], origin[start + at], origin[start + run.start() - 1] + 1)
                )
            base = start + run.start()
            pieces = _pairs(run.group())
            for n, piece in enumerate(pieces):  # the n-th piece starts at the n-th character
                first = base + n
                found.append(Span(piece, origin[first], origin[first + len(piece) - 1] + 1))
            at = run.end()
        if at < len(token):
            found.append(Span(token[at:], origin[start + at], through_marks(origin[end - 1] + 1)))
    return found


def is_paired(word: str) -> bool:
    """Whether a stored word is a pair (or single character) of a script without spaces."""
    return bool(word) and word[0] >= _PAIRED_LOWEST and _paired_char().match(word) is not None


class QueryWords(NamedTuple):
    """A query term as words of the index: a phrase, and whether its last word is a prefix."""

    words: tuple[str, ...]
    prefix: bool


def query_words(text: str, *, prefix: bool = False) -> QueryWords:
    """The index words a query term stands for.

    A run of a script without spaces gives its pairs without the lone last character (the
    pairs alone find it inside longer runs); a run of one character finds the words that
    start with it.
    """
    out: list[str] = []
    folded = fold(text)
    last_single = False
    for token in folded.split():
        last_single = False
        if not _has_paired(token):
            out.append(token)
            continue
        at = 0
        for run in _paired_run().finditer(token):
            if run.start() > at:
                out.append(token[at : run.start()])
            pieces = _pairs(run.group())
            if len(pieces) == 1:
                out.append(pieces[0])
                last_single = run.end() == len(token)
            else:
                out.extend(pieces[:-1])
            at = run.end()
        if at < len(token):
            out.append(token[at:])
            last_single = False
    return QueryWords(tuple(out), prefix or (last_single and len(out) == 1))


# --- stemming -------------------------------------------------------------------------------

# ISO 639-1 codes and the Snowball stemmer (PyStemmer) for each.
STEMMERS = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech",
    "da": "danish", "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian",
    "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian",
    "ne": "nepali", "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "fa": "persian",
    "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip


@cache
def _stemmer(lang: str):
    import Stemmer

    return Stemmer.Stemmer(STEMMERS[lang], 100_000)


@lru_cache(maxsize=100_000)
def stem_keys(word: str, lang: str) -> frozenset[str]:
    """The keys under which `word` (as typed or stored, any case) is filed for `lang`:
    `lang:stem` of the word as written and of its folded form; none for a language
    without a stemmer."""
    return _stem_keys(word, lang)


def _stem_keys(word: str, lang: str) -> frozenset[str]:
    # Not cached: an import asks once for each written word (index.FormsSeen remembers
    # those it has filed), so a cache there would only hold memory (20 MB at 100,000
    # articles of a 30,000-word vocabulary, 50 MB when full).
    if lang not in STEMMERS:
        return frozenset()
    stemmer = _stemmer(lang)
    lowered = word.casefold()
    keys = {f"{lang}:{stemmer.stemWord(lowered)}"}
    folded = _stored_word(lowered)
    if folded is not None and folded != lowered:
        keys.add(f"{lang}:{stemmer.stemWord(folded)}")
    return frozenset(keys)


# Languages whose Snowball stemmer misses most inflected forms, so that an article's words
# are also filed under the stem of their dictionary form (simplemma): Finnish
# "Helsingissä" stems to "helsing" but its lemma "Helsinki" to "helsink", as the query
# word does. Measured on fi-news over 15 words: recall 0.38 with Snowball alone, 0.99 with
# lemma then stem (precision 0.99). Only imports load the lemmatiser (2 s, 44 MB); a query
# is stemmed as typed, so a base form ("Helsinki") finds every inflection.
LEMMATISED = frozenset({"fi"})


@lru_cache(maxsize=200_000)
def _lemma_key(lowered: str, lang: str) -> str | None:
    import simplemma

    lemma = simplemma.lemmatize(lowered, lang=lang, low_memory=True).casefold().strip(".")
    if not lemma or lemma == lowered:
        return None
    return f"{lang}:{_stemmer(lang).stemWord(lemma)}"


# A word as written, lower-cased: letters and marks of the scripts below Thai (those that
# have stemmers), no digits.
@cache
def _written_word() -> re.Pattern[str]:
    return re.compile(
        r"(?:[^\W\d_\u0e00-\U0010ffff]|[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a"
        r"\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u0dff])+"
    )


def _stored_word(written: str) -> str | None:
    """The one word the index stores for a written word, or None if it is not one word."""
    stored = fold(written).split()
    return stored[0] if len(stored) == 1 else None


def stemmed_words(
    texts: Iterable[str | None], lang: str | None, indexed: Iterable[str] | None = None
) -> set[str]:
    """The distinct words of an article that `word_forms` files under stems: as written
    (lower case, accents kept, which Snowball's stemmers read), or for English, where
    accents do not change a stem, as the index stores them (cheaper; `indexed` gives the
    texts as index_text made them, when the caller has them already)."""
    if lang not in STEMMERS:
        return set()
    found: set[str] = set()
    if lang == "en":
        for stored in indexed if indexed is not None else (index_text(t) for t in texts if t):
            found.update(stored.split())
        return {w for w in found if w.isalpha() and w.isascii()}
    for text in texts:
        if not text:
            continue
        lowered = text.casefold()
        if not unicodedata.is_normalized("NFC", lowered):
            lowered = unicodedata.normalize("NFC", lowered)
        found.update(_written_word().findall(lowered))
    return found


def word_forms(word: str, lang: str) -> list[tuple[str, str]]:
    """(key, stored word) pairs that file one written word of an article under its stems."""
    stored = word if word.isascii() and lang == "en" else _stored_word(word)
    if stored is None:
        return []
    keys = _stem_keys(word, lang)
    if lang in LEMMATISED:
        lemma_key = _lemma_key(word.casefold(), lang)
        if lemma_key is not None and lemma_key not in keys:
            keys = keys | {lemma_key}
    return [(key, stored) for key in keys]
