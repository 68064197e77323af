"""Dict-shaped records (JSON, JSON Lines, CSV rows, front matter) as articles: which field of
the input fills which column, and how each value is read.

The guess uses the names public news datasets and feeds use, case-insensitively; `--map
FIELD=COLUMN` overrides it. Fields no column takes are kept in `extra`, so nothing is lost.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from newscli.dates import NOT_A_DATE, DateReading, read_date
from newscli.errors import NewscliError
from newscli.importers.bylines import dedupe, read_byline
from newscli.importers.language import language_code
from newscli.importers.markup import html_to_text, looks_like_html
from newscli.importers.text import ParseProblem, parse_text_article, title_from_body
from newscli.models import Article

# Article field <- the input names it is guessed from, best first. Names are compared without
# case, `_`, `-` or spaces, so `pubDate`, `publish_date`, `publishedAt` and `Published At`
# all count. Beyond the common names: JSON Feed (`content_text`, `date_published`),
# news-please (`maintext`, `date_publish`, `source_domain`), schema.org (`articleBody`),
# RSS (`content:encoded`), and the French, German, Spanish and Finnish names of exports
# (`titre`, `datum`, `fecha`, `otsikko`). HTML in a body or subtitle is read as text.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name", "titre", "titel", "titulo", "título", "otsikko",
              "überschrift"),
    "body": ("body", "text", "content", "article", "story", "full_text", "content_text",
             "maintext", "article_body", "content:encoded", "content_html", "texte", "contenu",
             "inhalt", "texto", "cuerpo", "teksti", "sisältö", "sisalto", "leipäteksti"),
    "subtitle": ("subtitle", "standfirst", "summary", "description", "short_description", "dek",
                 "résumé", "chapeau", "chapô", "zusammenfassung", "resumen", "entradilla",
                 "tiivistelmä", "tiivistelma", "ingressi"),
    "published": ("published", "date", "pubdate", "publish_date", "published_at", "datetime",
                  "timestamp", "date_published", "date_publish", "date_de_publication", "datum",
                  "veröffentlicht", "fecha", "fecha_de_publicación", "päivämäärä", "paivamaara",
                  "julkaistu", "julkaisupäivä", "julkaisuaika"),
    "retrieved": ("retrieved", "retrieved_at", "accessed", "crawled_at", "scraped_at",
                  "date_download"),
    "url": ("url", "link", "href", "lien", "enlace", "linkki", "osoite"),
    "authors": ("authors", "author", "byline", "creator", "auteur", "auteurs", "autor", "autoren",
                "autores", "kirjoittaja", "kirjoittajat", "toimittaja"),
    "source": ("source", "publication", "site", "sitename", "site_name", "publisher",
               "source_domain", "quelle", "fuente", "lähde", "lahde", "julkaisija"),
    "tags": ("tags", "category", "categories", "section", "topics", "rubrique", "mots_clés",
             "étiquettes", "rubrik", "schlagwörter", "etiquetas", "sección", "aihe", "aiheet",
             "avainsanat", "osasto"),
    "lang": ("lang", "language", "in_language", "locale", "meta_lang", "language_code",
             "lang_code", "langue", "sprache", "idioma", "kieli"),
}  # fmt: skip
FIELDS = tuple(FIELD_NAMES)
# Tags: "a, b; c | d" (authors: see bylines.py).
_TAG_SPLIT = re.compile(r"\s*[,;|]\s*")
_SPACE = re.compile(r"\s+")
MAX_LISTED_FIELDS = 12


# Deeper than any article record needs; a deeper record is an attack or a mistake, and the
# recursive code that reads records (and the standard library's) would fail on it.
MAX_DEPTH = 64


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and objects nest deeper than `limit` in `value` (found without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, Mapping):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, Mapping | list | tuple))
    return False


class MappingError(NewscliError, ValueError):
    """A `--map` option that cannot be used, told in one line."""


_SEPARATORS = str.maketrans("", "", "_- ")


def normalise_name(name: str) -> str:
    """A field name as compared with the known ones: `Published At` -> `publishedat`."""
    return name.strip().lower().translate(_SEPARATORS)


_NORM_NAMES = {f: tuple(normalise_name(n) for n in names) for f, names in FIELD_NAMES.items()}
KNOWN_NAMES = frozenset(n for names in _NORM_NAMES.values() for n in names)


def parse_map_options(values: Iterable[str]) -> dict[str, str | None]:
    """`["title=headline_text", "tags="]` -> `{"title": "headline_text", "tags": None}`.

    An empty COLUMN means: do not fill this field (its input field stays in `extra`).
    """
    overrides: dict[str, str | None] = {}
    for value in values:
        field, sep, column = value.partition("=")
        field = field.strip().lower()
        if not sep or not field:
            raise MappingError(f"--map {value!r}: expected FIELD=COLUMN, e.g. title=headline")
        if field not in FIELD_NAMES:
            raise MappingError(f"--map {value!r}: unknown field {field!r}; fields: {', '.join(FIELDS)}")
        overrides[field] = column.strip() or None
    return overrides


def _lookup(record: Mapping[str, Any], column: str) -> tuple[bool, Any]:
    """A column by exact name, else case-insensitively, else as a dotted path into objects."""
    if column in record:
        return True, record[column]
    wanted = column.lower()
    for key in record:
        if key.lower() == wanted:
            return True, record[key]
    if "." in column:
        head, _, rest = column.partition(".")
        found, value = _lookup(record, head)
        if found and isinstance(value, Mapping):
            return _lookup(value, rest)
    return False, None


class DateOrder:
    """How one file's numeric dates whose day and month could be either way round
    (05/06/2021) are read: in the order `--dayfirst`/`--monthfirst` fixed, else in the order
    another value of the same column proves (16/05/2021 can only be day first).

    An article with such a date waits (see `settle_dates`) until its column's order is
    known, then is read in it; one still waiting when the file ends stays undated, its date
    kept in `extra` as `published_raw`, and is counted in `unsettled`.
    """

    def __init__(self, fixed: str | None = None):
        self.fixed = fixed
        self.proven: dict[str, set[str]] = {}
        self.waiting: list[tuple[Article, str, str, Any]] = []
        self.unsettled = 0
        self.new_proof = False

    def order_for(self, column: str) -> str | None:
        if self.fixed:
            return self.fixed
        orders = self.proven.get(column.lower(), set())
        return next(iter(orders)) if len(orders) == 1 else None  # both proven: no order

    def read(self, value: Any, column: str) -> DateReading:
        reading = read_date(value, self.order_for(column))
        if reading.proves and not self.fixed:
            orders = self.proven.setdefault(column.lower(), set())
            if reading.proves not in orders:
                orders.add(reading.proves)
                self.new_proof = True
        return reading

    def wait(self, article: Article, field: str, column: str, raw: Any) -> None:
        self.waiting.append((article, field, column, raw))

    def settle(self) -> bool:
        """Read the waiting dates whose column's order is now known; True when none wait."""
        self.new_proof = False
        still = []
        for article, field, column, raw in self.waiting:
            order = self.order_for(column)
            if order is None:
                still.append((article, field, column, raw))
                continue
            reading = read_date(raw, order)
            setattr(article, field, reading.iso)
            if reading.iso and reading.whole:
                article.extra.pop(f"{field}_raw", None)
            article.identify()
        self.waiting = still
        return not still

    def give_up(self) -> None:
        self.unsettled += len(self.waiting)
        self.waiting = []

    def read_text(self, text: str, path: str | None = None) -> Article:
        """A plain-text article, its date lines read in the fixed order; a date line that
        could be read either way round (its file proves nothing) is counted as unsettled."""
        article = parse_text_article(text, path, order=self.fixed)
        if "published_raw" in article.extra:
            self.unsettled += 1
        return article


# How much a file may hold back while its dates wait for their order (see settle_dates).
MAX_HELD_ARTICLES = 20_000
MAX_HELD_BYTES = 16 * 1024 * 1024


def settle_dates(items: Iterable[Any], dates: DateOrder) -> Iterator[Any]:
    """The items of one file in their order, with the dates that waited for their column's
    order of day and month read in it.

    From the first article whose date waits, items are held back until every waiting date
    is settled by a value that proves its column's order, or the file ends, or too much is
    held (MAX_HELD_ARTICLES, MAX_HELD_BYTES): then the dates still waiting stay unread.
    """
    held: list[Any] = []
    held_bytes = 0
    for item in items:
        if not held and not dates.waiting:
            yield item
            continue
        held.append(item)
        held_bytes += len(item.body) if isinstance(item, Article) else 0
        if dates.new_proof and dates.settle():
            yield from held
            held, held_bytes = [], 0
        elif len(held) >= MAX_HELD_ARTICLES or held_bytes >= MAX_HELD_BYTES:
            dates.give_up()
            yield from held
            held, held_bytes = [], 0
    dates.settle()
    dates.give_up()
    yield from held


class RecordMapper:
    """Which input field fills which article field, for each shape of record met, and how
    the file's dates are read (see DateOrder)."""

    def __init__(self, overrides: Mapping[str, str | None] | None = None, *, date_order: str | None = None):
        self.overrides = dict(overrides or {})
        self.dates = DateOrder(date_order)
        self._cache: dict[tuple[str, ...], dict[str, str]] = {}
        self.first: dict[str, str] | None = None
        self.first_keys: tuple[str, ...] = ()
        self.overrides_found: set[str] = set()
        self.format: str | None = None  # set by whoever reads the file with it
        # The source of records that name none (a feed's own name), set by the reader.
        self.default_source: str | None = None

    def mapping_for(self, keys: tuple[str, ...], *, remember: bool = True) -> dict[str, str]:
        """{article field: input field}, guessed from the names, with overrides applied.

        The first mapping made is the one `describe` tells, unless `remember` is false (for
        objects looked at only to learn what they are, such as a feed's wrapper).
        """
        mapping = self._cache.get(keys)
        if mapping is not None:
            if remember and self.first is None:
                self.first, self.first_keys = mapping, keys
            return mapping
        by_norm: dict[str, str] = {}
        for key in keys:
            norm = normalise_name(key)
            by_norm.setdefault(norm, key)
            # "dc:creator" is a creator.
            if ":" in norm:
                by_norm.setdefault(norm.rsplit(":", 1)[1], key)
        mapping = {}
        taken: set[str] = set()
        for field, names in _NORM_NAMES.items():
            if field in self.overrides:
                override = self.overrides[field]
                if override is not None:
                    mapping[field] = override
                    taken.add(override.lower())
                continue
            for name in names:
                found = by_norm.get(name)
                if found is not None and found.lower() not in taken:
                    mapping[field] = found
                    taken.add(found.lower())
                    break
        # An override may name a field another guess took: the override wins.
        for field, key in list(mapping.items()):
            if field not in self.overrides and any(
                key.lower() == (c or "").lower() for c in self.overrides.values()
            ):
                del mapping[field]
        if len(self._cache) < 1000:
            self._cache[keys] = mapping
        if remember and self.first is None:
            self.first, self.first_keys = mapping, keys
        return mapping

    def missing_overrides(self) -> list[str]:
        """`--map` options whose column was in no record read so far."""
        return [
            f"{field}={column}"
            for field, column in self.overrides.items()
            if column is not None and field not in self.overrides_found
        ]

    def describe(self) -> dict[str, Any]:
        """The mapping of the first record, and the fields that went to `extra`."""
        mapping = self.first or {}
        keys = dict.fromkeys(self.first_keys)
        used = {_top_key(keys, column) for column in mapping.values()}
        return {"fields": dict(mapping), "extra": [k for k in self.first_keys if k not in used]}

    def article(self, record: Mapping[str, Any], *, body: str | None = None) -> Article:
        """The article a record holds, or ParseProblem. `body` is given by formats that hold
        the body outside the record (front matter)."""
        own = OwnExport.of(record)
        if own is not None:
            return own.finish(self._article(own.record, body=body, as_stored=True))
        return self._article(record, body=body)

    def _article(
        self, record: Mapping[str, Any], *, body: str | None = None, as_stored: bool = False
    ) -> Article:
        mapping = self.mapping_for(tuple(record))
        values: dict[str, Any] = {}
        used: set[str] = set()
        extra: dict[str, Any] = {}
        for field, column in mapping.items():
            found, value = _lookup(record, column)
            if not found:
                continue
            if field in self.overrides:
                self.overrides_found.add(field)
            if field == "lang":
                value = language_code(value)
                if value is None:
                    continue  # not a language we know: the field stays in extra as it was
            top = _top_key(record, column)
            if top is not None:
                used.add(top)
            values[field] = value
        for key, value in record.items():
            if key not in used and value not in (None, "", [], {}):
                extra[key] = _jsonable(value)
        waiting: list[tuple[str, Any]] = []

        def read(field: str, raw: Any) -> DateReading:
            reading = self.dates.read(raw, mapping[field])
            if reading.ambiguous:
                waiting.append((field, raw))
            return reading

        article = _build(values, extra, body, list(record), read, as_stored=as_stored)
        for field, raw in waiting:
            self.dates.wait(article, field, mapping[field], raw)
        if article.source is None:
            article.source = self.default_source
        return article


class OwnExport:
    """A record written by `newscli export` (or `show --json`), read back as it was stored.

    It is known by the fields only newscli writes together. Its `authors` and `tags` lists
    are taken as they are (not split at commas or "and"), its `extra` object is the
    article's extra, not a field of it, and `id`, `words`, `path` and `imported_at`, which
    the archive makes itself, do not land in `extra`: `id` and `words` follow from the
    text (an id that no longer does, because the text was edited, is kept in `extra` as
    `previous_id`),
    `path` is kept when the record comes from standard input (from a file, the path is
    that file's), and `imported_at` is the time of this import.
    """

    MARKS = frozenset({"id", "title", "body", "words", "path", "imported_at"})
    MADE_HERE = ("id", "words", "path", "imported_at", "extra", "authors", "tags")

    def __init__(self, record: Mapping[str, Any]):
        self.original = record
        self.record = {k: v for k, v in record.items() if k not in self.MADE_HERE}

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> OwnExport | None:
        return cls(record) if cls.MARKS <= record.keys() else None

    def finish(self, article: Article) -> Article:
        given = {key: _json_cell(key, value) for key, value in self.original.items()}
        extra = dict(given["extra"]) if isinstance(given.get("extra"), Mapping) else {}
        if given.get("extra") not in (None, "") and not isinstance(given.get("extra"), Mapping):
            extra["extra"] = _jsonable(given["extra"])
        extra.update(article.extra)
        for field in ("authors", "tags"):
            value = given.get(field)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                setattr(article, field, list(value))
            elif value not in (None, [], ""):
                setattr(article, field, _names(value) if field == "authors" else _tags(value))
        if isinstance(given.get("path"), str) and given["path"]:
            article.path = given["path"]
        if given.get("id") != article.id and given.get("id") is not None:
            extra["previous_id"] = _jsonable(given["id"])
        article.extra = extra
        return article


# The fields an export writes as JSON text in CSV and TSV cells, and the JSON they hold.
_JSON_CELLS = {"authors": list, "tags": list, "extra": dict}


def _json_cell(key: str, value: Any) -> Any:
    """A field of an export as it was stored: CSV and TSV give `authors`, `tags` and `extra`
    as JSON text (`["Ana Lima", "Landrum, Jr."]`), read back as the list or object it is."""
    kind = _JSON_CELLS.get(key)
    if kind is None or not isinstance(value, str) or value[:1] not in ("[", "{"):
        return value
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    return parsed if isinstance(parsed, kind) else value


def _top_key(record: Mapping[str, Any], column: str) -> str | None:
    """The record's own key that `column` names (a dotted path into an object names none)."""
    if column in record:
        return column
    wanted = column.lower()
    for key in record:
        if key.lower() == wanted:
            return key
    return None


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _text(value: Any, joiner: str = "\n\n") -> str | None:
    """A text field: strings as they are, numbers as text, lists of strings joined."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        return text or None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        parts = [t for t in (_text(v, joiner) for v in value) if t]
        return joiner.join(parts) or None
    if isinstance(value, Mapping):
        for key in ("text", "value", "name", "#text"):
            found, inner = _lookup(value, key)
            if found:
                return _text(inner, joiner)
    return None


def _one_line(value: Any) -> str | None:
    text = _text(value, " ")
    return _SPACE.sub(" ", text) if text else None


def byline_texts(value: Any) -> list[str]:
    """The bylines in an authors field: a string, or a list of names or of objects with a name."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return byline_texts(_lookup(value, "name")[1])
    if isinstance(value, list | tuple):
        return [text for v in value for text in byline_texts(v)]
    text = _one_line(value)
    return [text] if text else []


def _names(value: Any) -> list[str]:
    """Authors: a list (of names or of objects with a name), or a string of names."""
    return read_byline(byline_texts(value)).authors


def _tags(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, Mapping):
        return _tags(_lookup(value, "name")[1])
    if isinstance(value, list | tuple):
        return dedupe(t for v in value for t in _tags(v))
    text = _one_line(value)
    return dedupe(_TAG_SPLIT.split(text)) if text else []


def _source(value: Any) -> str | None:
    if isinstance(value, Mapping):
        found, name = _lookup(value, "name")
        return _one_line(name) if found else None
    if isinstance(value, list | tuple):
        return _source(value[0]) if value else None
    return _one_line(value)


# "Headline | Site", "Headline - Site", "Headline — Site", "Headline :: Site".
_SITE_AFTER_TITLE = re.compile(r"^(?P<title>.+?)\s*(?:\||｜|::|·|•|»|\s[-–—]\s)\s*(?P<site>[^|｜]+?)\s*$")
_NOT_ALNUM = re.compile(r"[\W_]+")


_SEPARATOR_AFTER_SITE = re.compile(r"^\s*(?:\||｜|::|·|•|»|:|[-–—]\s)\s*")


def title_without_site(title: str, *sites: str | None) -> str:
    """The title without a trailing `| Site` that names the article's own site (its source or
    host name): `Takeaways from the trial | CNN` from CNN is `Takeaways from the trial`; and
    without the source itself before it (`Site: Headline`)."""
    for site in sites:
        if site and len(title) > len(site) + 3 and title.casefold().startswith(site.casefold()):
            separator = _SEPARATOR_AFTER_SITE.match(title[len(site) :])
            # "The Times: a history" is a title; "Site | Tagline: Headline" is not.
            if (
                separator
                and (":" not in separator[0] or "|" in site)
                and len(title) - len(site) - separator.end() >= 3
            ):
                return title[len(site) + separator.end() :]
    match = _SITE_AFTER_TITLE.match(title)
    if not match or len(match["title"]) < 3:
        return title
    names = {_site_name(site) for site in sites if site} - {""}
    return (
        match["title"]
        if _site_name(match["site"]) in names or _site_name(match["site"], host=False) in names
        else title
    )


def _site_name(site: str, *, host: bool = True) -> str:
    """A site's name as compared: letters and digits only, a host name by its domain
    (www.cnn.com and edition.cnn.com are cnn)."""
    if host and "." in site and " " not in site.strip():
        labels = site.casefold().strip().removeprefix("www.").split(".")
        return _NOT_ALNUM.sub("", labels[-2] if len(labels) > 1 else labels[0])
    return _NOT_ALNUM.sub("", site.casefold())


def _lossy(value: Any) -> bool:
    """Whether taking names out of this value drops something (e.g. {"id": 7, "name": ...})."""
    if isinstance(value, list | tuple):
        return any(_lossy(v) for v in value)
    return isinstance(value, Mapping) and any(
        k.lower() != "name" and v not in (None, "", [], {}) for k, v in value.items()
    )


def _from_html(text: str | None, field: str, extra: dict[str, Any]) -> str | None:
    """Text as it is, or the text of HTML (the HTML kept in extra as `<field>_html`)."""
    if text and looks_like_html(text):
        extra[f"{field}_html"] = text
        return html_to_text(text) or None
    return text


_URLISH = re.compile(r"^\w+://|^www\.", re.IGNORECASE)


def could_be_text(value: Any) -> bool:
    """Whether a field's value could be a headline or body: words, not a number, a code, a
    link or a date."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if len(text) < 4 or _URLISH.match(text) or not any(c.isalpha() for c in text):
        return False
    if " " not in text and text.isascii():  # an id, a slug, a code
        return False
    return read_date(text).iso is None


def no_text_problem(keys: list[str], candidates: list[str], values: Mapping[str, Any]) -> ParseProblem:
    """Why a record gave no article, and the --map that would fix it when another field
    could be the title or body."""
    if any(field in values for field in ("title", "body", "subtitle")):
        return ParseProblem("title and body are empty")
    listed = ", ".join(keys[:MAX_LISTED_FIELDS]) + (", ..." if len(keys) > MAX_LISTED_FIELDS else "")
    return ParseProblem(f"no title or body field (fields: {listed or 'none'}){map_hint(candidates)}")


def map_hint(candidates: list[str]) -> str:
    """The --map to try, for the first field that could hold the text; "" when none could."""
    if not candidates:
        return ""
    name = candidates[0]
    return f"; if {name} holds the text: --map title={name} or --map body={name}"


def _build(
    values: dict[str, Any],
    extra: dict[str, Any],
    body: str | None,
    keys: list[str],
    read: Callable[[str, Any], DateReading] = lambda field, raw: read_date(raw),
    *,
    as_stored: bool = False,
) -> Article:
    """The article of a record's values; `as_stored` for newscli's own exports, whose fields
    are the archive's (a standfirst without a body stays a standfirst)."""
    title = _one_line(values.get("title"))
    subtitle = _from_html(_text(values.get("subtitle")), "subtitle", extra)
    if body is None:
        body = _from_html(_text(values.get("body")), "body", extra)
    if not body and subtitle and not as_stored:
        # A summary is the only text there is: it is the body.
        body, subtitle = subtitle, None
    if not title and not body:
        raise no_text_problem(keys, [k for k, v in extra.items() if could_be_text(v)], values)
    if not title:
        title = title_from_body(body or "")
    dates = {}
    for field in ("published", "retrieved"):
        raw = values.get(field)
        reading = NOT_A_DATE if raw in (None, "") else read(field, raw)
        dates[field] = reading.iso
        # A date not read, or read from its leading part only: the original is kept.
        if raw not in (None, "") and not (reading.iso and reading.whole):
            extra[f"{field}_raw"] = _jsonable(raw)
    for field in ("source", "authors"):
        if _lossy(values.get(field)):
            extra.setdefault(field, _jsonable(values[field]))
    source = _source(values.get("source"))
    if not as_stored:
        title = title_without_site(title, source)
    byline = read_byline(byline_texts(values.get("authors")), source=source)
    if byline.agencies:
        extra["agencies"] = byline.agencies
    if byline.dropped:  # words that are not names: the field is kept as it was
        extra.setdefault("authors_raw", _jsonable(values["authors"]))
    return Article(
        title=title,
        subtitle=subtitle,
        body=body or "",
        published=dates["published"],
        retrieved=dates["retrieved"],
        source=source,
        url=_one_line(values.get("url")),
        authors=byline.authors,
        tags=_tags(values.get("tags")),
        extra=extra,
        lang=values.get("lang"),
    )


def record_problems(mapper: RecordMapper, path: str):
    """What a whole file got wrong once all its records are read: a `--map` column it lacks."""
    from newscli.importers.problems import ImportProblem

    for option in mapper.missing_overrides():
        yield ImportProblem(path, None, f"--map {option}: no record has this field")
