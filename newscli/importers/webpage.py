"""Saved web pages: the article's main text and metadata (title, date, authors, site name,
canonical url, description, tags), extracted with trafilatura, which leaves out navigation,
footers, cookie banners and "most read" boxes. Imported only when a page is read."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from newscli.dates import parse_date
from newscli.importers.bylines import dedupe, read_byline
from newscli.importers.language import language_code
from newscli.importers.problems import ImportProblem
from newscli.importers.records import RecordMapper, byline_texts, title_without_site
from newscli.models import Article

MAX_PAGE = 64 * 1024 * 1024
# Meta tags that give the publication time with its hour and zone (trafilatura keeps the day).
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished",
    "pubdate", "publishdate", "dc.date.issued", "dcterms.created",
)  # fmt: skip
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")
# What browsers and SingleFile write at the top of a saved page: where it came from, and when
# SingleFile saved it (a JavaScript Date string: "Sat Dec 02 2023 16:45:10 GMT+0100 (...)").
_SAVED_FROM = re.compile(rb"<!-- saved from url=\(\d+\)(\S+?) ?-->", re.IGNORECASE)
_SINGLEFILE_URL = re.compile(rb"Page saved with SingleFile\s+url: (\S+)")
_SINGLEFILE_DATE = re.compile(
    rb"saved date: \w{3} (\w{3}) (\d{1,2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT([+-])(\d{2})(\d{2})"
)
CAPTURE_HEAD = 4096


def _capture(data: bytes) -> tuple[str | None, str | None]:
    """The URL a page was saved from and (SingleFile) when it was saved, from its top."""
    head = data[:CAPTURE_HEAD]
    match = _SINGLEFILE_URL.search(head) or _SAVED_FROM.search(head)
    url = match[1].decode("utf-8", errors="replace") if match else None
    saved = None
    date_match = _SINGLEFILE_DATE.search(head)
    if date_match:
        month, day, year, hh, mm, ss, sign, zh, zm = (g.decode() for g in date_match.groups())
        saved = parse_date(f"{day} {month} {year} {hh}:{mm}:{ss} {sign}{zh}{zm}")
    return url, saved


def _meta_dates(tree) -> tuple[str | None, str | None]:
    """Publication and modification times from meta tags or JSON-LD, when the page has them."""
    published = modified = None
    for meta in tree.iter("meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content")
        if not content:
            continue
        if name in _PUBLISHED_META and not published:
            published = parse_date(content)
        elif name in _MODIFIED_META and not modified:
            modified = parse_date(content)
    if published and modified:
        return published, modified
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for node in _ld_nodes(data):
            published = published or parse_date(node.get("datePublished"))
            modified = modified or parse_date(node.get("dateModified"))
    return published, modified


# Where a page names its language, most specific first: the <html> element, then metadata.
_LANGUAGE_META = ("content-language", "language", "dc.language", "dcterms.language", "og:locale",
                  "inlanguage")  # fmt: skip
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _page_language(tree) -> tuple[str | None, str | None]:
    """(ISO 639-1 code, None), or (None, the page's own value) when it names a language we
    do not know, or (None, None) when it names none."""
    given: list[str] = [tree.get("lang") or "", tree.get(_XML_LANG) or ""]
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name = (meta.get("http-equiv") or meta.get("property") or meta.get("name")
                or meta.get("itemprop") or "").lower()  # fmt: skip
        if name in _LANGUAGE_META and meta.get("content"):
            found.setdefault(name, meta.get("content"))
    given += [found[name] for name in _LANGUAGE_META if name in found]
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            try:
                nodes = list(_ld_nodes(json.loads(script.text)))
            except (ValueError, RecursionError):
                continue
            given += [n["inLanguage"] for n in nodes if isinstance(n.get("inLanguage"), str)]
    given = [g.strip() for g in given if g and g.strip()]
    for value in given:
        if code := language_code(value):
            return code, None
    return None, (given[0] if given else None)


def _ld_nodes(data: Any) -> Iterator[dict]:
    if isinstance(data, list):
        for item in data:
            yield from _ld_nodes(item)
    elif isinstance(data, dict):
        yield data
        yield from _ld_nodes(data.get("@graph"))


def _paragraphs(text: str | None) -> str:
    """trafilatura's text has one paragraph per line; the archive separates them by a blank line."""
    return "\n\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


# What a page that draws its text with scripts shows without them: not the article.
_SCRIPT_NOTICE = re.compile(
    r"\b(?:enable|turn on|activate|requires?|need)\b.{0,40}\bjavascript\b"
    r"|\bjavascript\b.{0,30}\b(?:disabled|required)\b",
    re.IGNORECASE,
)
SCRIPT_NOTICE_WORDS = 40


def _ld_body(tree) -> str:
    """The articleBody of the page's JSON-LD, which pages drawn by scripts often carry."""
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            nodes = list(_ld_nodes(json.loads(script.text)))
        except (ValueError, RecursionError):
            continue
        for node in nodes:
            if isinstance(node.get("articleBody"), str) and node["articleBody"].strip():
                return "\n\n".join(
                    p.strip() for p in re.split(r"\n\s*\n|\n", node["articleBody"]) if p.strip()
                )
    return ""


def _copyright_year_only(published: str | None, exact: str | None, data: bytes) -> bool:
    """Whether a 1 January date is only the year of a copyright notice (`© 2013`): no meta
    tag gives it, and the page writes that day in no other form."""
    if not published or len(published) != 10 or not published.endswith("-01-01") or exact:
        return False
    year = published[:4].encode()
    text = data.decode("utf-8", errors="replace")
    if not re.search(
        rb"(?:\xc2\xa9|&copy;|&#169;|\(c\)|copyright)\s*(?:\d{4}\s*[-\xe2\x80\x93]+\s*)?" + year, data, re.I
    ):
        return False
    y = published[:4]
    day = (
        rf"\b0?1(?:st)?\s+jan(?:uary)?\.?,?\s+{y}|\bjan(?:uary)?\.?\s+0?1(?:st)?,?\s+{y}"
        rf"|{y}-01-01|{y}/01/01|\b0?1[./]0?1[./]{y}"
    )
    return not re.search(day, text, re.IGNORECASE)


def parse_page(data: bytes) -> Article | None:
    import lxml.html
    import trafilatura
    from trafilatura.settings import Document

    document = trafilatura.bare_extraction(
        data, with_metadata=True, include_comments=False, include_tables=True
    )
    # A Document (a dict only if asked for with as_dict=True), or None.
    if not isinstance(document, Document):
        document = None
    body = _paragraphs(document.text) if document is not None else ""
    if body and len(body.split()) < SCRIPT_NOTICE_WORDS and _SCRIPT_NOTICE.search(body):
        body = ""  # "You need to enable JavaScript to run this app."
    if document is None:
        document = trafilatura.extract_metadata(data)
    if document is None:
        return None
    published = document.date and parse_date(document.date)
    modified = lang = exact = None
    language = document.language
    try:
        tree = lxml.html.fromstring(data)
    except (ValueError, lxml.etree.ParserError):
        tree = None
    if tree is not None:
        exact, modified = _meta_dates(tree)
        # The meta tag keeps the time and zone; trafilatura's date (the day) is the fallback.
        if exact and (not published or exact[:10] == published[:10]):
            published = exact
        lang, unknown = _page_language(tree)
        language = unknown or (None if lang else language)
        body = body or _ld_body(tree)
    if _copyright_year_only(published, exact, data):
        published = None
    title = " ".join((document.title or "").split())
    description = " ".join((document.description or "").split()) or None
    if not body and not (title and description):
        return None  # nothing to read: no text, and not even a headline with a standfirst
    extra: dict[str, Any] = {
        key: value
        for key, value in (
            ("modified", modified),
            ("hostname", document.hostname),
            ("language", language),
            ("image", document.image),
            ("pagetype", document.pagetype),
            ("license", document.license),
        )
        if value
    }
    saved_url, saved_at = _capture(data)
    if saved_url and document.url and saved_url != document.url:
        extra["saved_from"] = saved_url
    source = document.sitename or None
    title = title_without_site(title, source, document.hostname)
    if body and title:
        first, _, rest = body.partition("\n\n")
        if rest and " ".join(first.split()).casefold() == title.casefold():
            body = rest  # the headline again, as the first line of the text
    if not title:
        from newscli.importers.text import title_from_body

        title = title_from_body(body)
    byline = read_byline(byline_texts(document.author), source=source)
    if byline.agencies:
        extra["agencies"] = byline.agencies
    if byline.dropped:
        extra["authors_raw"] = document.author
    return Article(
        title=title,
        subtitle=description if description != body else None,
        body=body,
        published=published or None,
        retrieved=saved_at,
        source=source,
        url=document.url or saved_url or None,
        authors=byline.authors,
        tags=dedupe([*(document.categories or []), *(document.tags or [])]),
        extra=extra,
        lang=lang,
    )


def _not_installed(e: ImportError) -> str:
    """trafilatura is one of newscli's own dependencies: an install missing it (or part of
    it) is broken, and the fix is installing it again as newscli asks for it."""
    from importlib.metadata import PackageNotFoundError, requires

    try:
        wanted = [r for r in requires("newscli") or [] if r.lower().startswith("trafilatura")]
    except PackageNotFoundError:  # run from a source tree that was never installed
        wanted = []
    requirement = wanted[0] if wanted else "trafilatura"
    return f"reading web pages needs trafilatura, which cannot be imported ({e}): pip install '{requirement}'"


def read_html(
    stream: BinaryIO, path: str, mapper: RecordMapper | None = None
) -> Iterator[Article | ImportProblem]:
    try:
        import trafilatura  # noqa: F401
    except ImportError as e:
        yield ImportProblem(path, None, _not_installed(e))
        return
    data = stream.read(MAX_PAGE + 1)
    if len(data) > MAX_PAGE:
        yield ImportProblem(path, None, f"page larger than {MAX_PAGE // 2**20} MB")
        return
    if not data.strip():
        yield ImportProblem(path, None, "empty file")
        return
    article = parse_page(data)
    if article is None:
        yield ImportProblem(path, None, "no article text found in this page")
        return
    yield article
