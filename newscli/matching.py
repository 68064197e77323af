"""Where a query's words are in an article's text: snippets, highlighting, concordances.

The index says which articles match; this module finds the places, by reading the text
with the same analysis (newscli.analysis.spans) and comparing words as the index does: a
stemmed word by its forms, a quoted word exactly, a prefix by its start, a phrase as
consecutive words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newscli.analysis import Span, spans
from newscli.query import Forms, Term, term_alternatives

# Around a matched word in a snippet, the renderer draws a style (table) or writes `**`.
MARK_START = "\ufdd0"
MARK_END = "\ufdd1"
SNIPPET_WORDS = 16
ELLIPSIS = "…"


@dataclass(frozen=True)
class _Pattern:
    words: tuple[str, ...]  # consecutive words; the last may be a prefix
    prefix: bool
    alternatives: frozenset[str]  # for a one-word pattern: every stored word that matches


@dataclass(frozen=True)
class Match:
    """Words first..last (inclusive, indexes into the spans) that match pattern `pattern`."""

    first: int
    last: int
    pattern: int


class Matcher:
    """Finds the words of a query's terms in texts."""

    def __init__(self, terms: Sequence[Term], forms: Forms = None) -> None:
        patterns = []
        for term in terms:
            words = term.words
            if len(words.words) == 1 and not words.prefix:
                alternatives = frozenset(term_alternatives(term, forms))
            else:
                alternatives = frozenset()
            patterns.append(_Pattern(words.words, words.prefix, alternatives))
        self.patterns = list(dict.fromkeys(patterns))
        # One-word patterns are found by a look-up of each word, the others tried in turn:
        # a query of many words (`similar`'s) costs no more per word than one of a few.
        self._by_word: dict[str, list[int]] = {}
        self._others: list[tuple[int, _Pattern]] = []
        for p, pattern in enumerate(self.patterns):
            if len(pattern.words) == 1 and not pattern.prefix:
                for word in pattern.alternatives:
                    self._by_word.setdefault(word, []).append(p)
            else:
                self._others.append((p, pattern))
        # For each term, the index of the pattern that finds it (equal terms share one).
        self.term_patterns = [self.patterns.index(p) for p in patterns]

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def _word_matches(self, pattern: _Pattern, position: int, word: str) -> bool:
        last = position == len(pattern.words) - 1
        if last and pattern.prefix:
            return word.startswith(pattern.words[position])
        if len(pattern.words) == 1:
            return word in pattern.alternatives
        return word == pattern.words[position]

    def find(self, words: Sequence[Span]) -> list[Match]:
        """Every match in the text's words, in order; overlapping ones are kept apart."""
        found: list[Match] = []
        by_word, others = self._by_word, self._others
        texts = [span[0] for span in words]
        total = len(texts)
        for n, word in enumerate(texts):
            hits = by_word.get(word)
            for p, pattern in others:
                size = len(pattern.words)
                # The first word decides most of the time: tried before the others.
                if n + size > total or not self._word_matches(pattern, 0, word):
                    continue
                if all(self._word_matches(pattern, k, texts[n + k]) for k in range(1, size)):
                    hits = [*(hits or ()), p]
            if not hits:
                continue
            if len(hits) > 1:
                hits = sorted(hits)
            found.extend(Match(n, n + len(self.patterns[p].words) - 1, p) for p in hits)
        return found


# Between two words, what ends a sentence: a full stop (maybe closing quotes or brackets)
# then a space; a CJK full stop; a line break.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s|[。！？\n]")


def _sentence_starts(text: str, words: Sequence[Span]) -> list[int]:
    """The words that begin a sentence (or a paragraph): the first, and each after a full stop."""
    starts = [0]
    for n in range(1, len(words)):
        if _SENTENCE_END.search(text, words[n - 1].end, words[n].start):
            starts.append(n)
    return starts


def _best_window(text: str, words: Sequence[Span], matches: list[Match], size: int) -> int:
    """The first word of the window of `size` words holding the most different patterns
    (then the most matches), earliest first. A window starts at the beginning of the
    sentence that holds its first match when the match still fits, else a little before it."""
    starts = _sentence_starts(text, words)
    best, best_score = 0, (-1, -1)
    for m in matches:
        sentence = max(s for s in starts if s <= m.first)
        start = sentence if m.last < sentence + size else max(0, m.first - 2)
        start = max(0, min(start, len(words) - size))
        inside = [x for x in matches if x.first >= start and x.last < start + size]
        score = (len({x.pattern for x in inside}), len(inside))
        if score > best_score:
            best, best_score = start, score
    return best


def _marked(text: str, words: Sequence[Span], matches: list[Match], first: int, last: int) -> str:
    """text from words[first] to words[last], each stretch of matched text between
    MARK_START and MARK_END (a phrase is one stretch; overlapping pairs of a script
    without spaces merge)."""
    low, high = words[first].start, words[last].end
    stretches: list[list[int]] = []
    for m in sorted(matches, key=lambda m: words[m.first].start):
        if m.first < first or m.last > last:
            continue
        start, end = words[m.first].start, words[m.last].end
        if stretches and start <= stretches[-1][1]:
            stretches[-1][1] = max(stretches[-1][1], end)
        else:
            stretches.append([start, end])
    out, at = [], low
    for start, end in stretches:
        out.append(text[at:start])
        out.append(MARK_START + text[start:end] + MARK_END)
        at = end
    out.append(text[at:high])
    return "".join(out)


def snippet(text: str | None, matcher: Matcher, size: int = SNIPPET_WORDS) -> str | None:
    """A window of `size` words of `text` around its best matches, on one line, with "…"
    where it cuts the text; None when nothing in the text matches."""
    if not text:
        return None
    text, words = spans(text)
    matches = matcher.find(words)
    if not matches:
        return None
    first = _best_window(text, words, matches, size)
    last = min(len(words), first + size) - 1
    body = _marked(text, words, matches, first, last)
    before = ELLIPSIS if words[first].start > 0 and text[: words[first].start].strip() else ""
    after = ELLIPSIS if text[words[last].end :].strip() else ""
    return " ".join((before + body + after).split())


def opening(text: str | None, size: int = SNIPPET_WORDS) -> str:
    """The first `size` words of a text, for a result whose match is not in it."""
    if not text:
        return ""
    text, words = spans(text)
    if not words:
        return " ".join(text.split())
    last = min(len(words), size) - 1
    cut = text[: words[last].end]
    return " ".join(cut.split()) + (ELLIPSIS if text[words[last].end :].strip() else "")


def highlight(text: str, matcher: Matcher) -> tuple[str, int]:
    """The whole text with every match between MARK_START and MARK_END; and how many."""
    text, words = spans(text)
    matches = matcher.find(words)
    if not matches:
        return text, 0
    return (
        text[: words[0].start] + _marked(text, words, matches, 0, len(words) - 1) + text[words[-1].end :],
        len(matches),
    )


def marked(snippet_text: str, marker: str = "**") -> str:
    """A snippet with its matched words between `marker`s (`**word**`), for machine output."""
    return snippet_text.replace(MARK_START, marker).replace(MARK_END, marker)


def parts(snippet_text: str):
    """(text, is_match) pieces of a snippet, for drawing the matched words in a style."""
    for n, chunk in enumerate(snippet_text.split(MARK_START)):
        if n == 0:
            if chunk:
                yield chunk.replace(MARK_END, ""), False
            continue
        term, _, rest = chunk.partition(MARK_END)
        if term:
            yield term, True
        if rest:
            yield rest.replace(MARK_END, ""), False
