"""Citations of stored articles for notes and bibliographies: `newscli show ID --cite FORMAT`.

APA (7th edition), MLA (9th) and Chicago (17th, bibliography entry) as one line of plain
text each; BibTeX (biblatex-friendly: `date`, `urldate`), RIS (`TY  - NEWS`) and CSL-JSON
(`article-newspaper`, the format Zotero and pandoc read) for reference managers. Each
gives the authors, title, source, publication date and URL the archive holds, and the
access date when the article's `retrieved` date is known.

Author names are split into family and given names the way citation styles need: the last
word is the family name, with the particles before it (van der, de, del...); "Smith, Mary"
is read as written; a one-word name, or one that reads as an organisation (Reuters, BBC
News, Staff), is kept whole.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

CITE_FORMATS = ("apa", "mla", "chicago", "bibtex", "ris", "csl-json")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip
MLA_MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du",
                       "la", "le", "ten", "ter", "bin", "al", "el", "af", "zu", "y"})  # fmt: skip
ORGANISATION_WORDS = frozenset({"news", "staff", "reporters", "reporter", "agency", "press", "desk",
                                "service", "services", "editors", "editorial", "team", "newsroom",
                                "correspondent", "correspondents", "bureau"})  # fmt: skip


@dataclass(frozen=True)
class Name:
    """A person's family name (with its particle) and given names, or an organisation
    (`literal`)."""

    family: str = ""
    given: str = ""
    particle: str = ""
    literal: str = ""

    @property
    def full_family(self) -> str:
        return f"{self.particle} {self.family}".strip()

    def inverted(self) -> str:
        """Family, Given: as the first author of MLA and Chicago."""
        if self.literal:
            return self.literal
        return f"{self.full_family}, {self.given}" if self.given else self.full_family

    def natural(self) -> str:
        if self.literal:
            return self.literal
        return f"{self.given} {self.full_family}".strip()

    def initials(self) -> str:
        """Family, G. N.: as APA lists every author."""
        if self.literal:
            return self.literal
        parts = []
        for word in self.given.split():
            parts.append("-".join(piece[:1] + "." for piece in word.split("-") if piece))
        return f"{self.full_family}, {' '.join(parts)}" if parts else self.full_family


def parse_name(text: str) -> Name:
    """An author as stored ("Mary Smith", "Smith, Mary", "Lauren del Valle", "Reuters")."""
    name = " ".join(str(text).split())
    name = re.sub(r"(?i)^by\s+", "", name)
    if not name:
        return Name(literal="")
    words = name.split(" ")
    if (
        len(words) == 1
        or any(ch.isdigit() for ch in name)
        or ORGANISATION_WORDS & {w.casefold().strip(".,") for w in words}
        or (name.isupper() and len(name) > 3)
    ):
        return Name(literal=name)
    if "," in name:
        family, _, given = name.partition(",")
        return Name(family=family.strip(), given=given.strip())
    family_start = len(words) - 1
    while family_start > 1 and words[family_start - 1].casefold() in PARTICLES:
        family_start -= 1
    given = " ".join(words[:family_start])
    particle = " ".join(words[family_start:-1])
    return Name(family=words[-1], given=given, particle=particle)


@dataclass(frozen=True)
class Day:
    """A date as precise as the archive holds it: a year, a month or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    def parts(self) -> list[int]:
        return [p for p in (self.year, self.month, self.day) if p is not None]


def parse_day(text: str | None) -> Day | None:
    """The calendar date an article's date names (as written, in its own time zone)."""
    if not text:
        return None
    match = re.match(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", str(text))
    if not match:
        return None
    year, month, day = match.groups()
    return Day(int(year), int(month) if month else None, int(day) if day else None)


@dataclass(frozen=True)
class Work:
    """What a citation says of one article."""

    id: str
    title: str
    source: str
    url: str
    authors: list[Name]
    published: Day | None
    accessed: Day | None
    lang: str | None


def work_of(article: dict) -> Work:
    from newscli.render import clean

    def text(key: str) -> str:
        return clean(str(article.get(key) or ""), one_line=True)

    authors = [parse_name(clean(str(a), one_line=True)) for a in article.get("authors") or [] if a]
    return Work(
        id=article["id"],
        title=text("title"),
        source=text("source"),
        url=text("url"),
        authors=[a for a in authors if a.literal or a.family],
        published=parse_day(article.get("published")),
        accessed=parse_day(article.get("retrieved")),
        lang=article.get("lang"),
    )


def _end(text: str, mark: str = ".") -> str:
    """`text` ending with a full stop (or the `mark`), unless it ends with ?, ! or one already."""
    return text if not text or text[-1] in ".?!" else text + mark


def _and_list(names: list[str], final: str = "and") -> str:
    """A, B, and C (APA's "&" has its comma with two names too: "Doe, J., & Roe, J.")."""
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]}, {final} {names[1]}" if final == "&" else f"{names[0]} {final} {names[1]}"
    return ", ".join(names[:-1]) + f", {final} {names[-1]}"


def apa(work: Work) -> str:
    """APA 7: Author, A. A., & Author, B. B. (2022, May 14). Title. Source. URL"""
    names = [a.initials() for a in work.authors]
    if len(names) > 20:
        names = [*names[:19], "…", names[-1]]
        authors = ", ".join(names)
    else:
        authors = _and_list(names, "&")
    day = work.published
    if day is None:
        when = "(n.d.)"
    else:
        when = f"({day.year}" + (f", {MONTHS[day.month - 1]}" if day.month else "")
        when += f" {day.day})" if day.day else ")"
    pieces = [f"{_end(authors)} {when}." if authors else None, _end(work.title)]
    if not authors:
        pieces = [_end(work.title), f"{when}."]
    if work.source:
        pieces.append(_end(work.source))
    if work.accessed and work.url:
        pieces.append(f"Retrieved {_long_day(work.accessed)}, from {work.url}")
    elif work.url:
        pieces.append(work.url)
    elif work.accessed:
        pieces.append(f"Retrieved {_long_day(work.accessed)}.")
    return " ".join(p for p in pieces if p)


def _long_day(day: Day) -> str:
    """May 14, 2022 (Chicago and APA)."""
    if day.month and day.day:
        return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
    if day.month:
        return f"{MONTHS[day.month - 1]} {day.year}"
    return str(day.year)


def _mla_day(day: Day) -> str:
    """14 May 2022."""
    parts = [str(day.day)] if day.day else []
    if day.month:
        parts.append(MLA_MONTHS[day.month - 1])
    parts.append(str(day.year))
    return " ".join(parts)


def mla(work: Work) -> str:
    """MLA 9: Author, First, and First Author. "Title." Source, 14 May 2022, url. Accessed 9 Dec. 2024."""
    a = work.authors
    if not a:
        authors = ""
    elif len(a) == 1:
        authors = a[0].inverted()
    elif len(a) == 2:
        authors = f"{a[0].inverted()}, and {a[1].natural()}"
    else:
        authors = f"{a[0].inverted()}, et al"
    container = [work.source] if work.source else []
    if work.published:
        container.append(_mla_day(work.published))
    if work.url:
        container.append(re.sub(r"^https?://", "", work.url))
    pieces = [_end(authors) if authors else None, f"“{_end(work.title)}”"]
    if container:
        pieces.append(_end(", ".join(container)))
    if work.accessed:
        pieces.append(f"Accessed {_mla_day(work.accessed)}.")
    return " ".join(p for p in pieces if p)


def chicago(work: Work) -> str:
    """Chicago 17 (bibliography): Author, First, and First Author. "Title." Source, May 14,
    2022. Accessed December 9, 2024. URL."""
    a = work.authors
    names = [a[0].inverted(), *(n.natural() for n in a[1:])] if a else []
    if len(names) > 10:
        names = [*names[:7], "et al"]
        authors = ", ".join(names)
    else:
        # The first name inverted ("Ward, Geoffrey C., and Ken Burns"): always a comma before "and".
        authors = f"{names[0]}, and {names[1]}" if len(names) == 2 else _and_list(names, "and")
    pieces = [_end(authors) if authors else None, f"“{_end(work.title)}”"]
    container = [work.source] if work.source else []
    if work.published:
        container.append(_long_day(work.published))
    if container:
        pieces.append(_end(", ".join(container)))
    if work.accessed:
        pieces.append(f"Accessed {_long_day(work.accessed)}.")
    if work.url:
        pieces.append(_end(work.url))
    return " ".join(p for p in pieces if p)


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}  # fmt: skip


def _latex(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def bibtex_key(work: Work) -> str:
    """family + year + first long title word: doe2023bridge."""
    first = work.authors[0] if work.authors else None
    who = _ascii_word((first.family or first.literal).split()[0]) if first else _ascii_word(work.source)[:12]
    words = [w for w in (_ascii_word(w) for w in work.title.split()) if len(w) > 3]
    year = str(work.published.year) if work.published else ""
    return (who or "anon") + year + (words[0] if words else work.id[:8])


def bibtex(work: Work, key: str | None = None) -> str:
    def person(n: Name) -> str:
        if n.literal:
            return "{" + _latex(n.literal) + "}"
        family = _latex(n.full_family)
        return f"{family}, {_latex(n.given)}" if n.given else family

    fields = []
    if work.authors:
        fields.append(("author", " and ".join(person(n) for n in work.authors)))
    fields.append(("title", "{" + _latex(work.title) + "}"))
    if work.source:
        fields.append(("journal", _latex(work.source)))
    day = work.published
    if day:
        fields.append(("year", str(day.year)))
        if day.month:
            fields.append(("month", BIBTEX_MONTHS[day.month - 1]))
        fields.append(("date", _iso(day)))
    if work.url:
        fields.append(("url", work.url))
    if work.accessed:
        fields.append(("urldate", _iso(work.accessed)))
    if work.lang:
        fields.append(("langid", work.lang))
    body = ",\n".join(
        f"  {name} = {value if name == 'month' else '{' + value + '}'}" for name, value in fields
    )
    return f"@article{{{key or bibtex_key(work)},\n{body}\n}}"


def _iso(day: Day) -> str:
    return "-".join(f"{p:02d}" if n else str(p) for n, p in enumerate(day.parts()))


def ris(work: Work) -> str:
    lines = ["TY  - NEWS"]
    for n in work.authors:
        lines.append(f"AU  - {n.inverted()}")
    lines.append(f"TI  - {work.title}")
    if work.source:
        lines.append(f"T2  - {work.source}")
    if work.published:
        lines.append(f"PY  - {work.published.year}")
        lines.append("DA  - " + "/".join(f"{p:02d}" for p in work.published.parts()))
    if work.url:
        lines.append(f"UR  - {work.url}")
    if work.accessed:
        lines.append("Y2  - " + "/".join(f"{p:02d}" for p in work.accessed.parts()))
    if work.lang:
        lines.append(f"LA  - {work.lang}")
    lines.append(f"ID  - {work.id}")
    lines.append("ER  - ")
    return "\n".join(lines)


def csl_json(work: Work) -> dict:
    item: dict = {"id": work.id, "type": "article-newspaper", "title": work.title}
    if work.authors:
        authors = []
        for n in work.authors:
            if n.literal:
                authors.append({"literal": n.literal})
            else:
                person = {"family": n.family, "given": n.given}
                if n.particle:
                    person["non-dropping-particle"] = n.particle
                authors.append({k: v for k, v in person.items() if v})
        item["author"] = authors
    if work.source:
        item["container-title"] = work.source
    if work.published:
        item["issued"] = {"date-parts": [work.published.parts()]}
    if work.accessed:
        item["accessed"] = {"date-parts": [work.accessed.parts()]}
    if work.url:
        item["URL"] = work.url
    if work.lang:
        item["language"] = work.lang
    return item


def citations(articles: list[dict], fmt: str) -> str:
    """The articles cited in `fmt` (one of CITE_FORMATS), as the text to print."""
    works = [work_of(a) for a in articles]
    if fmt == "csl-json":
        return json.dumps([csl_json(w) for w in works], ensure_ascii=False, indent=2)
    if fmt == "bibtex":
        keys: dict[str, int] = {}
        entries = []
        for w in works:
            key = bibtex_key(w)
            keys[key] = keys.get(key, 0) + 1
            if keys[key] > 1:  # two articles of one author, year and word: doe2023bridge, ...b
                key += "abcdefghijklmnopqrstuvwxyz"[min(keys[key] - 1, 25)]
            entries.append(bibtex(w, key))
        return "\n\n".join(entries)
    if fmt == "ris":
        return "\n\n".join(ris(w) for w in works)
    style = {"apa": apa, "mla": mla, "chicago": chicago}[fmt]
    return "\n".join(style(w) for w in works)
