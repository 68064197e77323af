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


# The id scheme: 1 hashed the title, the first ten characters of the publication date as
# written, and the body, so one article read from an RFC 2822 date, an epoch and an ISO date
# with another offset (or by a newer date parser) got different ids. 2 leaves the date out
# unless the article has no body. Archives made with 1 are migrated (archive.py), their old
# ids kept so that they still find their articles.
ID_SCHEME = 2


def utc_day(published: str | None) -> str:
    """The day of an ISO date or date-time, in UTC when it has a zone (as written when not)."""
    if not published or len(published) <= 10:
        return published or ""
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        return published[:10]
    if moment.tzinfo is None:
        return published[:10]
    return moment.astimezone(UTC).date().isoformat()


def make_article_id(title: str, published: str | None, body: str, subtitle: str | None = None) -> str:
    """A stable id: the same article gets the same id on any machine, in any input format,
    however its date is written and whether or not its date could be read.

    It is made from the normalised title and body. Only an article without a body (a
    headline, maybe with a standfirst, as headline datasets and script-rendered pages give)
    adds its standfirst and its publication day in UTC, so that one headline on two days is
    two articles.
    """
    parts = [str(ID_SCHEME), normalise_for_id(title), normalise_for_id(body)]
    if not parts[2]:
        parts += [normalise_for_id(subtitle), utc_day(published)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


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
        self.id = make_article_id(self.title, self.published, self.body, self.subtitle)

    @property
    def words(self) -> int:
        return count_words(self.body)
