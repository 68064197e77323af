"""Translate a user's search query into an SQLite FTS5 MATCH expression.

The query a user types at the shell is never handed to FTS5 as is: this small
parser reads it and writes a new expression in which every word is an FTS5
string ("word"), so punctuation in the input can never become FTS5 syntax.

The query language
------------------
=======================  =========================================================
``ukraine russia``       all words must match (implicit AND)
``a AND b``              explicit AND (upper case only; same as ``a b``)
``kyiv OR kiev``         either (upper case only; ``or`` is an ordinary word)
``"russian forces"``     exact phrase
``withdr*``              prefix search (also ``"a phr"*``)
``-word``, ``NOT word``  exclude; also ``-"a phrase"`` and ``-(a OR b)``
``( ... )``              grouping
``title:word``           field filter on title, subtitle or body (any case); also
                         ``title:"a phrase"``, ``title:pre*``, ``title:(a OR b)``,
                         and ``title:-word`` (same as ``-title:word``)
=======================  =========================================================

Precedence is the usual boolean one, as in FTS5 itself: exclusions bind tightest,
then AND (explicit or implicit), then OR; ``a b OR c`` means ``(a b) OR c``.
Stemming, case and accent folding are done by the FTS5 tokenizer, not here.

FTS5's NOT is binary, so exclusions are moved behind the words they qualify:
``-a b`` becomes ``"b" NOT "a"`` and ``a -b -c`` becomes ``"a" NOT ("b" OR "c")``.

Edge cases (each gives a valid expression or a one-line QueryError):

* Empty or blank query: ``QueryError("empty query")``.
* NUL, other control characters and lone surrogates are treated as spaces.
* A ``"`` opens a phrase only at the start of a term; inside a word it is an
  ordinary character (``12"`` searches for 12). A phrase without its closing
  quote: ``QueryError("unbalanced quote in query")``.
* ``(`` and ``)`` always group, even inside a word (``f(x)`` is ``f (x)``).
  Unmatched ones are an error, not auto-closed:
  ``QueryError("unbalanced parenthesis in query")``. Nesting deeper than
  ``MAX_NESTING`` is an error too (FTS5's parser has a small fixed stack).
* ``-`` means NOT only at the start of a term and only when something follows it:
  ``Kharkiv-based`` is one word, and a lone ``-`` is ignored.
* ``*`` means prefix only at the end of a term; ``a*b`` is the word ``a*b``.
* A term with nothing the unicode61 tokenizer would index (only punctuation or
  symbols, e.g. ``!!!``, ``...``, ``*``, ``:``, emoji) is dropped, because FTS5
  turns it into an empty phrase that silently breaks AND and NOT. When nothing
  is left: ``QueryError("nothing to search for in query")``.
* A query or group made only of exclusions (``-a``, ``NOT a``, ``a OR -b``)
  cannot be expressed in FTS5: ``QueryError(EXCLUSIONS_ONLY)``. An exclusion-only
  group that is simply ANDed in is merged into its parent: ``a (-b)`` = ``a -b``.
* Dangling or doubled operators are dropped: ``OR a``, ``a AND``, ``a OR OR b``,
  ``a NOT``; a NOT before another exclusion is redundant (``NOT -a`` = ``-a``).
  If the query is nothing but operators (``OR``, ``AND``, ``NOT``), they are
  searched for as ordinary words.
* ``NEAR``, ``^``, ``{``, ``}``, ``+``, ``:`` and lower-case ``and``/``or``/``not``
  are not syntax: they are parts of ordinary words.
* An unknown field (``foo:bar``) or a URL is an ordinary word; the tokenizer reads
  ``"foo:bar"`` as the phrase ``foo bar``. ``title:`` followed by a space is the
  word ``title:``.
* Words in scripts without spaces (CJK) are passed through; unicode61 does not
  segment them, so they match whole tokens only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["FIELDS", "QueryError", "translate_query"]

FIELDS = ("title", "subtitle", "body")  # the FTS5 column names

MAX_NESTING = 6  # parenthesis levels a user may type (FTS5 has a small parser stack)

EXCLUSIONS_ONLY = "a query needs at least one word to search for, not only exclusions"


class QueryError(ValueError):
    """A one-line, user-facing reason, e.g. 'unbalanced quote in query'."""


# --- lexer -------------------------------------------------------------------

_OPERATORS = frozenset({"AND", "OR", "NOT"})
_FIELD_RE = re.compile("(" + "|".join(FIELDS) + "):", re.IGNORECASE)
# Control characters (NUL would end the string inside FTS5) and lone surrogates
# (cannot be encoded for SQLite) become spaces.
_JUNK_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class _Tok:
    kind: str  # "(", ")", "op" or "term"
    text: str = ""  # operator name or the term's text
    neg: bool = False
    field: str | None = None
    prefix: bool = False


def _starts_term(s: str, i: int) -> bool:
    return i < len(s) and not s[i].isspace() and s[i] != ")"


def _lex(s: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c.isspace():
            i += 1
            continue
        if c == ")":
            toks.append(_Tok(")"))
            i += 1
            continue
        # The start of a term: [-] [field:] [-] then "(", a phrase or a word.
        neg = False
        if c == "-" and _starts_term(s, i + 1):
            neg, i = True, i + 1
        field = None
        m = _FIELD_RE.match(s, i)
        if m and _starts_term(s, m.end()):
            field, i = m.group(1).lower(), m.end()
            if not neg and s[i] == "-" and _starts_term(s, i + 1):
                neg, i = True, i + 1
        c = s[i]
        if c == "(":
            toks.append(_Tok("(", neg=neg, field=field))
            i += 1
            continue
        if c == '"':
            end = s.find('"', i + 1)
            if end < 0:
                raise QueryError("unbalanced quote in query")
            text, i = s[i + 1 : end], end + 1
            stars = i
            while i < n and s[i] == "*":
                i += 1
            prefix = i > stars
        else:
            start = i
            while i < n and not s[i].isspace() and s[i] not in "()":
                i += 1
            word = s[start:i]
            if word in _OPERATORS and not neg and field is None:
                toks.append(_Tok("op", word))
                continue
            text = word.rstrip("*")
            prefix = len(text) < len(word)
        toks.append(_Tok("term", text, neg=neg, field=field, prefix=prefix))
    return toks


# --- syntax tree -------------------------------------------------------------


@dataclass
class _Term:
    text: str
    prefix: bool


@dataclass
class _Field:
    name: str
    child: _Node


@dataclass
class _And:
    pos: list[_Node]
    neg: list[_Node]


@dataclass
class _Or:
    branches: list[_Node]


_Node = _Term | _Field | _And | _Or


def _has_token(text: str) -> bool:
    """Would unicode61 find a token in text? Letters, digits and private use are
    token characters; everything else (spaces, punctuation, symbols) separates."""
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or cat == "Co":
            return True
    return False


def _make_and(items: list[tuple[bool, _Node]]) -> _Node | None:
    pos: list[_Node] = []
    neg: list[_Node] = []
    for is_neg, node in items:
        if is_neg:
            neg.append(node)
        elif isinstance(node, _And):  # a plain group: merge it, exclusions too
            pos.extend(node.pos)
            neg.extend(node.neg)
        else:
            pos.append(node)
    if not neg and len(pos) == 1:
        return pos[0]
    if not pos and not neg:
        return None
    return _And(pos, neg)


def _make_or(branches: list[_Node]) -> _Node | None:
    flat: list[_Node] = []
    for b in branches:
        flat.extend(b.branches if isinstance(b, _Or) else [b])
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else _Or(flat)


class _Parser:
    def __init__(self, toks: list[_Tok], operators: bool) -> None:
        self.toks = toks
        self.i = 0
        self.operators = operators

    def parse(self) -> _Node | None:
        node = self.group(0)
        if self.i < len(self.toks):  # stopped at a ")" with no "(" before it
            raise QueryError("unbalanced parenthesis in query")
        return node

    def group(self, depth: int) -> _Node | None:
        """Read terms up to a ")" or the end; return the group's node."""
        branches: list[list[tuple[bool, _Node]]] = [[]]
        pending_not = False
        while self.i < len(self.toks) and self.toks[self.i].kind != ")":
            tok = self.toks[self.i]
            self.i += 1
            if tok.kind == "op" and self.operators:
                if tok.text == "OR":
                    if branches[-1]:
                        branches.append([])
                    pending_not = False
                elif tok.text == "NOT":
                    pending_not = True
                continue  # AND is implied anyway
            node: _Node | None
            if tok.kind == "(":
                if depth >= MAX_NESTING:
                    raise QueryError(f"too many nested parentheses in query (at most {MAX_NESTING})")
                node = self.group(depth + 1)
                if self.i >= len(self.toks):
                    raise QueryError("unbalanced parenthesis in query")
                self.i += 1  # the ")"
            elif _has_token(tok.text):
                node = _Term(tok.text, tok.prefix)
            else:
                node = None  # nothing searchable: an empty phrase would break FTS5
            if node is not None:
                if tok.field:
                    node = _Field(tok.field, node)
                branches[-1].append((tok.neg or pending_not, node))
            pending_not = False
        return _make_or([b for b in map(_make_and, branches) if b is not None])


# --- output ------------------------------------------------------------------


def _render(node: _Node) -> str:
    if isinstance(node, _Term):
        return '"' + node.text.replace('"', '""') + '"' + ("*" if node.prefix else "")
    if isinstance(node, _Field):
        child = _render(node.child)
        return f"{node.name} : {child if isinstance(node.child, _Term) else f'({child})'}"
    if isinstance(node, _Or):
        return " OR ".join(_atom(b) for b in node.branches)
    if not node.pos:
        raise QueryError(EXCLUSIONS_ONLY)
    out = " AND ".join(_atom(p) for p in node.pos)
    if node.neg:
        if len(node.pos) > 1:
            out = f"({out})"
        excluded = " OR ".join(_atom(n) for n in node.neg)
        out += f" NOT ({excluded})" if len(node.neg) > 1 else f" NOT {excluded}"
    return out


def _atom(node: _Node) -> str:
    text = _render(node)
    return text if isinstance(node, _Term | _Field) else f"({text})"


def translate_query(text: str) -> str:
    """Return an FTS5 MATCH expression for the user's query, or raise QueryError."""
    text = _JUNK_RE.sub(" ", text)
    if not text.strip():
        raise QueryError("empty query")
    toks = _lex(text)
    node = _Parser(toks, operators=True).parse()
    if node is None and any(t.kind == "op" for t in toks):
        # Nothing but operators (e.g. "OR" alone): search for them as words.
        node = _Parser(toks, operators=False).parse()
    if node is None:
        raise QueryError("nothing to search for in query")
    return _render(node)
