"""Bylines as inputs write them, read as authors: `By Jane Doe and John Roe`, `Jonathan
Landrum, Jr., AP` (one author, and an agency), lists scraped from pages that hold the words
of their buttons ("Log in", "Submitted", "Contact us") rather than names."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_SPLIT = re.compile(r"\s*(?:[,;]|\s+and\s+|\s+&\s+)\s*", re.IGNORECASE)
_BY = re.compile(r"^\s*(?:by|written by|posted by|submitted by)\s*:?\s+", re.IGNORECASE)
# What follows a name after a comma without being another name.
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "ph.d.", "md", "m.d.", "esq", "esq."}
# News agencies, as bylines name them after the reporters ("..., AP").
AGENCIES = {
    "ap", "associated press", "the associated press", "reuters", "thomson reuters", "afp",
    "agence france-presse", "agence france presse", "dpa", "epa", "efe", "ansa", "anadolu",
    "anadolu agency", "xinhua", "tass", "ria novosti", "interfax", "kyodo", "kyodo news",
    "yonhap", "bernama", "pa", "pa media", "press association", "upi",
    "united press international", "bloomberg", "bloomberg news", "cnn", "cnn wire", "aap",
    "australian associated press", "canadian press", "the canadian press", "stt", "ntb", "tt",
    "ritzau", "belga", "apa", "sda", "keystone-sda", "pti", "press trust of india", "ians",
    "ani", "wafa", "mena", "nyt news service", "washington post news service",
}  # fmt: skip
# Words of a page's buttons and forms that scrapers take for authors.
UI_WORDS = {
    "log in", "login", "sign in", "sign up", "signup", "register", "subscribe", "submitted",
    "submit", "contact", "contact us", "contact form", "email", "e-mail", "share", "follow",
    "menu", "home", "search", "read more", "more", "comments", "comment", "print", "admin",
    "administrator", "anonymous", "unknown", "guest", "author", "authors", "by", "posted",
    "updated", "published", "close", "reply", "facebook", "twitter", "linkedin", "whatsapp",
}  # fmt: skip
MAX_NAME = 80


@dataclass
class Byline:
    authors: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    # Parts that were not names (page words, addresses): dropped.
    dropped: list[str] = field(default_factory=list)


def _is_not_a_name(part: str) -> bool:
    lowered = part.casefold().strip(" .:")
    return (
        lowered in UI_WORDS
        or "@" in part
        or "://" in part
        or lowered.startswith("www.")
        or len(part) > MAX_NAME
        or not any(c.isalpha() for c in part)
    )


def read_byline(parts: Iterable[str], *, source: str | None = None) -> Byline:
    """The authors (and agencies) in bylines: each string is split at `,` `;` ` and ` ` & `
    (a leading `By` dropped); a suffix after a comma stays with its name (`Landrum, Jr.`); an
    agency beside other names, or the article's own source, is not an author; page words
    are dropped. Names are kept once, in their first spelling."""
    byline = Byline()
    names: list[str] = []
    for text in parts:
        pieces = [p.strip() for p in _SPLIT.split(_BY.sub("", " ".join(text.split()))) if p.strip()]
        for piece in pieces:
            if names and piece.casefold() in _SUFFIXES and piece.casefold() not in AGENCIES:
                names[-1] = f"{names[-1]}, {piece}"
            else:
                names.append(piece)
    people = [n for n in names if n.casefold() not in AGENCIES and not _is_not_a_name(n)]
    own = (source or "").casefold()
    for name in names:
        folded = name.casefold()
        if _is_not_a_name(name):
            byline.dropped.append(name)
        elif (folded in AGENCIES and people) or (own and folded == own and people):
            byline.agencies.append(name)
        else:
            byline.authors.append(name)
    byline.authors = dedupe(byline.authors)
    byline.agencies = dedupe(byline.agencies)
    return byline


def dedupe(items: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        item = item.strip()
        if item and item.casefold() not in seen:
            seen[item.casefold()] = item
    return list(seen.values())
