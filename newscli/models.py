"""The article record every importer yields and every output reads."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

# The ASCII whitespace (str.isspace) other than the space itself, and a double space.
_NOT_SINGLE_SPACES = ("\n", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "  ")


def _tidy_flat(text: str) -> str | None:
    """`text` with its paragraph breaks (blank lines) as spaces, if that leaves ASCII text
    with single spaces only; else None."""
    if not text.isascii():
        return None
    flat = text.replace("\n\n", " ")
    if flat[:1] == " " or flat[-1:] == " " or any(c in flat for c in _NOT_SINGLE_SPACES):
        return None
    return flat


def collapse_whitespace(text: str) -> str:
    """Runs of whitespace (what the regex \\s matches) as one space, ends trimmed.

    The same as `" ".join(text.split())`, without the split (which costs more than the rest
    of making an id) for ASCII text whose spacing is already single but for paragraph breaks.
    """
    flat = _tidy_flat(text)
    return " ".join(text.split()) if flat is None else flat


def count_words(text: str) -> int:
    """len(text.split()), counted without building the list when the spacing is single."""
    flat = _tidy_flat(text)
    if flat is None:
        return len(text.split())
    return flat.count(" ") + 1 if flat else 0


_SURROGATES = re.compile("[\ud800-\udfff]")


def storable_text(text: str) -> str:
    """Text that UTF-8, and so SQLite, can hold: a lone surrogate (what a JSON `\\ud800`
    escape or a YAML one decodes to) becomes U+FFFD."""
    return _SURROGATES.sub("\ufffd", text) if _SURROGATES.search(text) else text


def normalise_for_id(text: str | None) -> str:
    """Fold the differences that do not make a different article (case, spacing, Unicode form)."""
    if not text:
        return ""
    return collapse_whitespace(unicodedata.normalize("NFKC", text)).casefold()


def make_article_id(title: str, published: str | None, body: str) -> str:
    """A stable id: the same article gets the same id on any machine, in any input format."""
    key = "\x1f".join((normalise_for_id(title), (published or "")[:10], normalise_for_id(body)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass
class Article:
    title: str
    body: str
    subtitle: str | None = None
    published: str | None = None
    retrieved: str | None = None
    source: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    path: str | None = None
    tags: list[str] = field(default_factory=list)
    # The input's own fields that no column holds (JSON-serialisable), so nothing is lost.
    extra: dict = field(default_factory=dict)
    # The language the input says the article is in, as an ISO 639-1 code ("en"), or None.
    lang: str | None = None
    id: str = ""

    def __post_init__(self) -> None:
        for name in ("title", "body", "subtitle", "published", "retrieved", "source", "url", "path"):
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, storable_text(value))
        self.authors = [storable_text(a) if isinstance(a, str) else a for a in self.authors]
        self.tags = [storable_text(t) if isinstance(t, str) else t for t in self.tags]
        if not self.id:
            self.identify()

    def identify(self) -> None:
        """Give the article the id its text (and date) make, as after a date is settled."""
        self.id = make_article_id(self.title, self.published, self.body)

    @property
    def words(self) -> int:
        return count_words(self.body)
