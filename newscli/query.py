"""The search query language: what a user types → filters and an FTS5 MATCH expression.

The query a user types at the shell is never handed to FTS5 as is: this parser reads it
into a tree, takes out the fields that filter (``source:``, ``date:``...), and writes a new
expression for the `search_index` table in which every word is an FTS5 string, so
punctuation in the input can never become FTS5 syntax. Words are analysed by
newscli.analysis, as the articles were.

The query language
------------------
==========================  ======================================================
``ukraine russia``          all words must match (implicit AND)
``a AND b``                 explicit AND (upper case only; same as ``a b``)
``kyiv OR kiev``            either (upper case only)
``withdraw``                a word and its inflections, in the languages of the archive
``"news"``                  exactly this word (any case and accents), never stemmed
``"russian forces"``        exactly this phrase; also “…”, „…“, «…», ‘…’ as pasted
``"oil prices"~5``          these words within 5 words of each other; also
                            ``NEAR(oil prices, 5)`` (NEAR(...) alone: within 10)
``withdr*``                 words starting with withdr (also ``"a phr"*``)
``-word``, ``NOT word``     exclude; also ``-"a phrase"``, ``-(a OR b)``, ``–word``
``( ... )``                 grouping
``title:word``              in the title only (also subtitle:, body:), ``title: word``
``source:bbc``              filters, the same as the options: source:, tag:,
``author:"Mary Smith"``     author:, lang:, date:2022-05, date:2022-05..2022-07,
``since:2022 until:2023``   since:/until: (inclusive), after:/before: (strict);
``-source:bbc``             ``-`` leaves such articles out
==========================  ======================================================

Precedence is the usual boolean one, as in FTS5 itself: exclusions bind tightest, then
AND (explicit or implicit), then OR; ``a b OR c`` means ``(a b) OR c``.

FTS5's NOT is binary, so exclusions are moved behind the words they qualify:
``-a b`` becomes ``"b" NOT "a"`` and ``a -b -c`` becomes ``"a" NOT ("b" OR "c")``.

Edge cases (each gives a valid expression or a one-line QueryError):

* Empty or blank query: ``QueryError("empty query")``.
* NUL, other control characters and lone surrogates are treated as spaces.
* A quote opens a phrase only at the start of a term; inside a word it is an ordinary
  character (``12"`` searches for 12). A phrase without its closing quote is an error.
* ``(`` and ``)`` always group, even inside a word (``f(x)`` is ``f (x)``). Unmatched
  ones are an error, not auto-closed; nesting deeper than ``MAX_NESTING`` too.
* ``-`` means NOT only at the start of a term and only when something follows it:
  ``Kharkiv-based`` is one term (the phrase ``kharkiv based``), a lone ``-`` is ignored.
* ``*`` means prefix only at the end of a term.
* A term with no word in it (only punctuation or symbols: ``!!!``, ``|``, emoji) is
  dropped. When nothing is left: ``QueryError("nothing to search for in query")``.
* A query or group made only of exclusions cannot be expressed in FTS5: an error.
* Dangling or doubled operators are dropped; a query of nothing but operators searches
  for them as words.
* ``name:value`` with a name that is no field is an error that lists the fields, unless it
  is a URL (``https://``, ``mailto:``); ``10:30`` and ``2:1`` are numbers. Filter fields
  cannot be excluded from inside brackets or OR: they filter the whole query.
* Notes (not errors) say when a reading may surprise: a lower-case ``or``/``and``/``not``
  between words, ``|``, ``||``, ``&&``, a one-letter exclusion (``-n``), OR beside words
  without brackets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from newscli.analysis import QueryWords, is_paired, query_words
from newscli.errors import NewscliError
from newscli.filters import FilterError, Filters, date_range, day_after, day_before

__all__ = [
    "FIELDS",
    "FILTER_FIELDS",
    "ParsedQuery",
    "QueryError",
    "parse_query",
    "render",
    "translate_query",
]

FIELDS = ("title", "subtitle", "body")  # the FTS5 columns
FILTER_FIELDS = ("source", "tag", "author", "lang", "date", "since", "until", "after", "before")
ALL_FIELDS = (*FIELDS, *FILTER_FIELDS)

MAX_NESTING = 6  # parenthesis levels a user may type (FTS5 has a small parser stack)
NEAR_DEFAULT = 10  # NEAR(a b) without a distance, as in FTS5
MAX_NEAR_COMBINATIONS = 64  # NEAR of unquoted words tries their forms' combinations up to this

EXCLUSIONS_ONLY = "a query needs at least one word to search for, not only exclusions"


class QueryError(NewscliError, ValueError):
    """A one-line, user-facing reason, e.g. 'unbalanced quote in query'."""


# --- lexer -------------------------------------------------------------------

_OPERATORS = frozenset({"AND", "OR", "NOT"})
# Opening quote characters and the characters that may close each (as pasted from word
# processors and web pages: “…” „…“ «…» »…« ‘…’ ‚…‘ ‹…› 「…」).
_QUOTES = {
    '"': '"', "“": "”“\"", "”": "”\"", "„": "“”\"", "«": "»", "»": "«", "‘": "’",
    "‚": "‘’", "‹": "›", "›": "‹", "「": "」", "『": "』",
}  # fmt: skip
_DASHES = "-\u2013\u2014\u2212"  # - – — −
_FIELD_NAME_RE = re.compile(r"([^\W\d_][\w-]*):")
_URL_SCHEMES = frozenset({"mailto", "urn", "doi", "tel", "news", "isbn", "data", "file"})
_NEAR_RE = re.compile(r"NEAR\(")
_DISTANCE_RE = re.compile(r"~(\d{1,6})")
# Control characters (NUL would end the string inside FTS5) and lone surrogates
# (cannot be encoded for SQLite) become spaces.
_JUNK_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class _Tok:
    kind: str  # "(", ")", "op", "term", "near" or "filter"
    text: str = ""  # operator name, the term's text, or the filter's value
    neg: bool = False
    field: str | None = None  # a text field (title...) or, for "filter", its name
    prefix: bool = False
    quoted: bool = False
    distance: int | None = None  # "..."~N
    words: tuple[tuple[str, bool], ...] = ()  # NEAR(...): (text, quoted) of each term
    at: int = 0  # where the term starts in the query


def _starts_term(s: str, i: int) -> bool:
    return i < len(s) and not s[i].isspace() and s[i] != ")"


def _closing_quote(s: str, i: int) -> int:
    """Where the phrase opened at s[i] closes, or -1."""
    closers = _QUOTES[s[i]]
    for j in range(i + 1, len(s)):
        if s[j] in closers:
            return j
    return -1


def _field_error(name: str) -> QueryError:
    return QueryError(
        f"unknown field {name}: in query; fields are {', '.join(f + ':' for f in ALL_FIELDS)} "
        f'(to search for the text, quote it: "{name}:...")'
    )


class _Lexer:
    def __init__(self, s: str) -> None:
        self.s = s
        self.toks: list[_Tok] = []

    def run(self) -> list[_Tok]:
        s, n = self.s, len(self.s)
        i = 0
        while i < n:
            c = s[i]
            if c.isspace():
                i += 1
            elif c == ")":
                self.toks.append(_Tok(")", at=i))
                i += 1
            else:
                i = self.term(i)
        return self.toks

    def field_at(self, i: int) -> tuple[str | None, int]:
        """A known field name written at s[i] (`title:`, also `title: ` before a word), the
        index after it; or an error for an unknown one."""
        s = self.s
        m = _FIELD_NAME_RE.match(s, i)
        if not m:
            return None, i
        name = m.group(1)
        lower = name.lower()
        end = m.end()
        if lower in ALL_FIELDS:
            if _starts_term(s, end):
                return lower, end
            # `title: oil`: a space after a known field still means the field.
            j = end
            while j < len(s) and s[j].isspace():
                j += 1
            if j > end and _starts_term(s, j):
                return lower, j
            if lower in FILTER_FIELDS:
                raise QueryError(f"{lower}: needs a value, e.g. {lower}:{_EXAMPLES[lower]}")
            return None, i
        if not _starts_term(s, end) or s.startswith("//", end) or lower in _URL_SCHEMES:
            return None, i  # `update: oil`, a URL: text
        raise _field_error(name)

    def term(self, i: int) -> int:
        """Read one term starting at s[i]: [-] [field:] [-] then "(", a phrase, NEAR(...)
        or a word. Returns the index after it."""
        s, n = self.s, len(self.s)
        start = i
        neg = False
        if s[i] in _DASHES and _starts_term(s, i + 1):
            neg, i = True, i + 1
        name, i = self.field_at(i)
        if name is not None and not neg and s[i] in _DASHES and _starts_term(s, i + 1):
            neg, i = True, i + 1
        c = s[i]
        if name in FILTER_FIELDS:
            value, quoted, i = self.value(i)
            self.toks.append(_Tok("filter", value, neg=neg, field=name, quoted=quoted, at=start))
            return i
        if c == "(":
            self.toks.append(_Tok("(", neg=neg, field=name, at=start))
            return i + 1
        if _NEAR_RE.match(s, i):
            return self.near(i, neg, name, start)
        if c in _QUOTES:
            end = _closing_quote(s, i)
            if end < 0:
                raise QueryError("unbalanced quote in query")
            text, i = s[i + 1 : end], end + 1
            stars = i
            while i < n and s[i] == "*":
                i += 1
            distance = None
            if m := _DISTANCE_RE.match(s, i):
                distance, i = int(m.group(1)), m.end()
            self.toks.append(
                _Tok(
                    "term",
                    text,
                    neg=neg,
                    field=name,
                    prefix=i > stars and distance is None,
                    quoted=True,
                    distance=distance,
                    at=start,
                )  # fmt: skip
            )
            return i
        word_start = i
        while i < n and not s[i].isspace() and s[i] not in "()":
            i += 1
        word = s[word_start:i]
        if word in _OPERATORS and not neg and name is None:
            self.toks.append(_Tok("op", word, at=start))
            return i
        text = word.rstrip("*")
        self.toks.append(_Tok("term", text, neg=neg, field=name, prefix=len(text) < len(word), at=start))
        return i

    def value(self, i: int) -> tuple[str, bool, int]:
        """A filter field's value: a quoted string or the text up to a space or bracket."""
        s = self.s
        if s[i] in _QUOTES:
            end = _closing_quote(s, i)
            if end < 0:
                raise QueryError("unbalanced quote in query")
            return s[i + 1 : end], True, end + 1
        j = i
        while j < len(s) and not s[j].isspace() and s[j] not in "()":
            j += 1
        return s[i:j], False, j

    def near(self, i: int, neg: bool, name: str | None, start: int) -> int:
        """NEAR(term term ..., N): the terms, words or quoted phrases, within N words."""
        s = self.s
        i += len("NEAR(")
        close = s.find(")", i)
        if close < 0:
            raise QueryError("unbalanced parenthesis in query")
        inside = s[i:close]
        distance = NEAR_DEFAULT
        if m := re.search(r",\s*(\d{1,6})\s*$", inside):
            distance, inside = int(m.group(1)), inside[: m.start()]
        terms: list[tuple[str, bool]] = []
        j = 0
        while j < len(inside):
            if inside[j].isspace() or inside[j] == ",":
                j += 1
            elif inside[j] in _QUOTES:
                end = _closing_quote(inside, j)
                if end < 0:
                    raise QueryError("unbalanced quote in query")
                terms.append((inside[j + 1 : end], True))
                j = end + 1
            else:
                k = j
                while k < len(inside) and not inside[k].isspace() and inside[k] != ",":
                    k += 1
                terms.append((inside[j:k], False))
                j = k
        self.toks.append(_Tok("near", neg=neg, field=name, distance=distance, words=tuple(terms), at=start))
        return close + 1


# --- syntax tree -------------------------------------------------------------


@dataclass
class Term:
    """A word or phrase as typed: `exact` when quoted (never stemmed)."""

    text: str
    words: QueryWords
    exact: bool = False


@dataclass
class Near:
    terms: list[Term]
    distance: int


@dataclass
class Field:
    name: str
    child: Node


@dataclass
class And:
    pos: list[Node]
    neg: list[Node]


@dataclass
class Or:
    branches: list[Node]


Node = Term | Near | Field | And | Or


def _make_and(items: list[tuple[bool, Node]]) -> Node | None:
    pos: list[Node] = []
    neg: list[Node] = []
    for is_neg, node in items:
        if is_neg:
            neg.append(node)
        elif isinstance(node, And):  # a plain group: merge it, exclusions too
            pos.extend(node.pos)
            neg.extend(node.neg)
        else:
            pos.append(node)
    if not neg and len(pos) == 1:
        return pos[0]
    if not pos and not neg:
        return None
    return And(pos, neg)


def _make_or(branches: list[Node]) -> Node | None:
    flat: list[Node] = []
    for b in branches:
        flat.extend(b.branches if isinstance(b, Or) else [b])
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else Or(flat)


def _term(text: str, *, exact: bool, prefix: bool) -> Term | None:
    """A term, or None when it holds no word the index could store."""
    words = query_words(text, prefix=prefix)
    if not words.words:
        return None
    return Term(text, words, exact)


def _near(terms: list[Term | None], tok: _Tok) -> Node | None:
    """NEAR of the terms that hold a word; one term alone is just itself."""
    found = [t for t in terms if t is not None]
    if len(found) > 1:
        return Near(found, tok.distance or NEAR_DEFAULT)
    return found[0] if found else None


class _Parser:
    def __init__(self, toks: list[_Tok], operators: bool) -> None:
        self.toks = toks
        self.i = 0
        self.operators = operators
        self.filters: list[_Tok] = []
        self.mixed_or = False

    def parse(self) -> Node | None:
        node = self.group(0)
        if self.i < len(self.toks):  # stopped at a ")" with no "(" before it
            raise QueryError("unbalanced parenthesis in query")
        return node

    def group(self, depth: int, in_or_or_field: bool = False) -> Node | None:
        """Read terms up to a ")" or the end; return the group's node."""
        branches: list[list[tuple[bool, Node]]] = [[]]
        pending_not = False
        has_or = False
        while self.i < len(self.toks) and self.toks[self.i].kind != ")":
            tok = self.toks[self.i]
            self.i += 1
            if tok.kind == "op" and self.operators:
                if tok.text == "OR":
                    if branches[-1]:
                        branches.append([])
                        has_or = True
                    pending_not = False
                elif tok.text == "NOT":
                    pending_not = True
                continue  # AND is implied anyway
            node: Node | None
            if tok.kind == "filter":
                if depth > 0:
                    raise QueryError(f"{tok.field}: cannot be inside brackets: it filters the whole query")
                self.filters.append(_Tok("filter", tok.text, neg=tok.neg or pending_not, field=tok.field,
                                         quoted=tok.quoted))  # fmt: skip
                pending_not = False
                continue
            if tok.kind == "(":
                if depth >= MAX_NESTING:
                    raise QueryError(f"too many nested parentheses in query (at most {MAX_NESTING})")
                node = self.group(depth + 1)
                if self.i >= len(self.toks):
                    raise QueryError("unbalanced parenthesis in query")
                self.i += 1  # the ")"
            elif tok.kind == "near":
                node = _near([_term(text, exact=quoted, prefix=False) for text, quoted in tok.words], tok)
            elif tok.kind == "op":  # operators searched for as words
                node = _term(tok.text, exact=False, prefix=False)
            elif tok.distance is not None:  # "a b"~N
                node = _near([_term(w, exact=True, prefix=False) for w in tok.text.split()], tok)
            else:
                node = _term(tok.text, exact=tok.quoted, prefix=tok.prefix)
            if node is not None:
                if tok.field:
                    node = Field(tok.field, node)
                branches[-1].append((tok.neg or pending_not, node))
            pending_not = False
        if has_or and any(len(b) > 1 for b in branches):
            self.mixed_or = True
        if has_or and depth == 0 and self.filters:
            name = self.filters[0].field
            raise QueryError(
                f"{name}: filters the whole query and cannot be one side of OR; "
                f"put the alternatives in brackets: (a OR b) {name}:..."
            )
        return _make_or([b for b in map(_make_and, branches) if b is not None])


# --- filters from the query ------------------------------------------------------------


def _day(bound: str | None) -> str:
    # date_range gives a bound for every value it is given (or raises FilterError).
    if bound is None:
        raise FilterError("no such day")
    return bound


def _query_filters(toks: list[_Tok]) -> Filters:
    values: dict[str, list[str]] = {}
    since: list[str] = []
    until: list[str] = []
    for tok in toks:
        name, value = tok.field or "", tok.text.strip()
        if not value:
            raise QueryError(f"{name}: needs a value, e.g. {name}:{_EXAMPLES[name]}")
        if tok.neg and name in ("date", "since", "until", "after", "before"):
            raise QueryError(f"-{name}: is not supported; use since:, until:, after: or before:")
        try:
            if name in ("date", "since", "until", "after", "before"):
                if name == "date":
                    low, _, high = value.partition("..")
                    first, last = date_range(low or None, (high if _ else low) or None)
                    since.extend([first] if first else [])
                    until.extend([last] if last else [])
                elif name == "since":
                    since.append(_day(date_range(value, None)[0]))
                elif name == "until":
                    until.append(_day(date_range(None, value)[1]))
                elif name == "after":
                    since.append(day_after(_day(date_range(None, value)[1])))
                else:
                    until.append(day_before(_day(date_range(value, None)[0])))
                continue
        except FilterError as e:
            raise QueryError(f"{name}:{value}: {e}") from None
        except (ValueError, OverflowError):
            raise QueryError(f"{name}:{value}: no such day") from None
        key = {"source": "sources", "tag": "tags", "author": "authors", "lang": "langs"}[name]
        values.setdefault(("exclude_" if tok.neg else "") + key, []).append(value)
    first = max(since) if since else None
    last = min(until) if until else None
    if first and last and first > last:
        raise QueryError(f"the dates in the query leave nothing: since {first}, until {last}")
    return Filters(since=first, until=last, **{k: tuple(v) for k, v in values.items()})


_EXAMPLES = {"source": "bbc", "tag": "politics", "author": '"Mary Smith"', "lang": "fi",
             "date": "2022-05", "since": "2022", "until": "2022-06-30", "after": "2022-05-14",
             "before": "2023"}  # fmt: skip


# --- notes ----------------------------------------------------------------------------------


def reading(node: Node, top: bool = True) -> str:
    """The query as it was read, with the brackets that say how: `oil OR (gas prices)`."""
    if isinstance(node, Term):
        text = f'"{node.text}"' if node.exact else node.text
        return text + ("*" if node.words.prefix else "")
    if isinstance(node, Near):
        return f"NEAR({' '.join(reading(t) for t in node.terms)}, {node.distance})"
    if isinstance(node, Field):
        return f"{node.name}:{reading(node.child, top=False)}"
    if isinstance(node, Or):
        text = " OR ".join(reading(b, top=False) for b in node.branches)
    else:
        parts = [reading(p, top=False) for p in node.pos] + [f"-{reading(n, top=False)}" for n in node.neg]
        text = " ".join(parts)
        if len(parts) == 1:
            return text
    return text if top else f"({text})"


def _notes(toks: list[_Tok], mixed_or: bool, node: Node | None) -> list[str]:
    notes = []
    terms = [t for t in toks if t.kind in ("term", "op", "near", "(", ")")]
    for n, tok in enumerate(terms):
        if tok.kind != "term" or tok.quoted or tok.field:
            continue
        between = 0 < n < len(terms) - 1
        lower = tok.text.lower()
        if tok.text in ("or", "and", "not") and between and not tok.neg:
            notes.append(
                f"'{tok.text}' is read as a word; for the operator write {tok.text.upper()} (in capitals)"
            )
        elif tok.text in ("|", "||"):
            notes.append(f"'{tok.text}' is not an operator here; for either word write OR")
        elif tok.text == "&&":
            notes.append("'&&' is not an operator here; words are all required anyway (AND)")
        elif tok.neg and len(lower) == 1 and not tok.prefix:
            notes.append(f"-{tok.text} is read as leaving out articles with the word '{tok.text}'")
    if mixed_or and node is not None:
        notes.append(f"read as {reading(node)} (OR binds looser than words side by side; use brackets)")
    return list(dict.fromkeys(notes))


# --- parsing --------------------------------------------------------------------------------


@dataclass
class ParsedQuery:
    """A query as read: its text part (None when it only filters), the filters its fields
    give, and notes on readings that may surprise."""

    text: str
    node: Node | None
    filters: Filters = field(default_factory=Filters)
    notes: list[str] = field(default_factory=list)


def parse_query(text: str) -> ParsedQuery:
    """Read a user's query; QueryError when it cannot be searched."""
    clean = _JUNK_RE.sub(" ", text)
    if not clean.strip():
        raise QueryError("empty query")
    toks = _Lexer(clean).run()
    parser = _Parser(toks, operators=True)
    node = parser.parse()
    if node is None and not parser.filters and any(t.kind == "op" for t in toks):
        # Nothing but operators (e.g. "OR" alone): search for them as words.
        parser = _Parser(toks, operators=False)
        node = parser.parse()
    filters = _query_filters(parser.filters)
    if node is None and not parser.filters:
        raise QueryError("nothing to search for in query")
    if node is not None:
        _check_positive(node)
    return ParsedQuery(text, node, filters, _notes(toks, parser.mixed_or, node))


def _check_positive(node: Node) -> None:
    if isinstance(node, And):
        if not node.pos:
            raise QueryError(EXCLUSIONS_ONLY)
        for child in (*node.pos, *node.neg):
            _check_positive(child)
    elif isinstance(node, Or):
        for child in node.branches:
            _check_positive(child)
    elif isinstance(node, Field):
        _check_positive(node.child)


# --- output -------------------------------------------------------------------------------

# How an unquoted word's forms are found: word -> the stored words it stands for (itself
# included). None: no stemming (the word as typed, folded).
Forms = Callable[[str], Sequence[str]] | None


def _string(words: Sequence[str]) -> str:
    return '"' + " ".join(words).replace('"', '""') + '"'


def term_alternatives(term: Term, forms: Forms) -> list[str]:
    """The stored words an unquoted one-word term stands for (itself first); just itself
    for a quoted term, a phrase or a prefix."""
    words = term.words
    if term.exact or words.prefix or len(words.words) != 1 or forms is None or is_paired(words.words[0]):
        return [words.words[0]] if len(words.words) == 1 else []
    found = list(forms(term.text))
    return list(dict.fromkeys([words.words[0], *found]))


def render_term(term: Term, forms: Forms) -> str:
    if len(term.words.words) > 1 or term.words.prefix:
        return _string(term.words.words) + ("*" if term.words.prefix else "")
    alternatives = term_alternatives(term, forms)
    if len(alternatives) == 1:
        return _string(alternatives)
    return "(" + " OR ".join(_string([w]) for w in alternatives) + ")"


def _render_near(node: Near, forms: Forms) -> str:
    choices: list[list[list[str]]] = []
    for term in node.terms:
        if len(term.words.words) > 1:
            choices.append([list(term.words.words)])
        else:
            choices.append([[w] for w in term_alternatives(term, forms)])
    combos: list[list[list[str]]] = [[]]
    for options in choices:
        combos = [c + [o] for c in combos for o in options]
        if len(combos) > MAX_NEAR_COMBINATIONS:  # too many: the words as typed
            combos = [[list(t.words.words) for t in node.terms]]
            break
    rendered = [f"NEAR({' '.join(_string(p) for p in combo)}, {node.distance})" for combo in combos]
    return rendered[0] if len(rendered) == 1 else "(" + " OR ".join(rendered) + ")"


def render(node: Node, forms: Forms = None) -> str:
    """The FTS5 expression for a query tree; `forms` finds an unquoted word's forms."""
    if isinstance(node, Term):
        return render_term(node, forms)
    if isinstance(node, Near):
        return _render_near(node, forms)
    if isinstance(node, Field):
        child = render(node.child, forms)
        return f"{node.name} : {child if isinstance(node.child, Term | Near) else f'({child})'}"
    if isinstance(node, Or):
        return " OR ".join(_atom(b, forms) for b in node.branches)
    if not node.pos:
        raise QueryError(EXCLUSIONS_ONLY)
    out = " AND ".join(_atom(p, forms) for p in node.pos)
    if node.neg:
        if len(node.pos) > 1:
            out = f"({out})"
        excluded = " OR ".join(_atom(n, forms) for n in node.neg)
        out += f" NOT ({excluded})" if len(node.neg) > 1 else f" NOT {excluded}"
    return out


def _atom(node: Node, forms: Forms) -> str:
    text = render(node, forms)
    return text if isinstance(node, Term | Field | Near) else f"({text})"


def translate_query(text: str, forms: Forms = None) -> str:
    """The FTS5 MATCH expression for the text part of a query (QueryError if there is none
    or it cannot be one). Without `forms`, words are not stemmed."""
    parsed = parse_query(text)
    if parsed.node is None:
        raise QueryError("nothing to search for in query")
    return render(parsed.node, forms)


def terms_of(node: Node | None, *, excluded: bool = True) -> list[Term]:
    """Every term of a query tree in order, the excluded ones too unless `excluded` is False."""
    if node is None:
        return []
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Near):
        return list(node.terms)
    if isinstance(node, Field):
        return terms_of(node.child, excluded=excluded)
    if isinstance(node, Or):
        return [t for b in node.branches for t in terms_of(b, excluded=excluded)]
    children = (*node.pos, *node.neg) if excluded else node.pos
    return [t for child in children for t in terms_of(child, excluded=excluded)]


def positive_terms(node: Node | None) -> list[Term]:
    """The terms a matching article holds (not the excluded ones): what snippets mark."""
    return terms_of(node, excluded=False)
