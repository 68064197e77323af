"""Stopwords per language, as the index stores words: the lists of the `stop-words` package
(kept up to date for 33 languages, read from the files it ships) folded by
newscli.analysis, so that they compare with stored words ("didn't" is "didn t": both
pieces go).

`similar` and `terms` leave these words out: they say little about what an article is
about. A language without a list (or an article of unknown language) leaves nothing out.
"""

from __future__ import annotations

from functools import cache

from newscli import analysis


@cache
def stopwords(lang: str | None) -> frozenset[str]:
    """The stopwords of `lang` (ISO 639-1: en, fi, zh...), as stored words."""
    if not lang:
        return frozenset()
    from stop_words import LANGUAGE_MAPPING, StopWordError, get_stop_words

    code = {"no": "nb", "nn": "nb"}.get(lang, lang)
    if code not in LANGUAGE_MAPPING:
        return frozenset()
    try:
        listed = get_stop_words(code, cache=False)
    except StopWordError:
        return frozenset()
    return frozenset(word for entry in listed for word in analysis.words(entry))


def is_content_word(word: str) -> bool:
    """Whether a stored word can say what a text is about: not a number, not one or two
    letters, not a lone character of a script without spaces (the end of a pair already
    counted)."""
    if analysis.is_paired(word):
        return len(word) > 1
    return len(word) > 2 and not word.replace(".", "").replace(",", "").isdigit()
