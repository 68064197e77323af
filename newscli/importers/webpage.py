"""Saved web pages: the article's main text and metadata (title, date, authors, site name,
canonical url, description, tags), extracted with trafilatura, which leaves out navigation,
footers, cookie banners and "most read" boxes. Imported only when a page is read."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from newscli.dates import parse_date
from newscli.importers.language import language_code
from newscli.importers.problems import ImportProblem
from newscli.importers.records import RecordMapper, _dedupe, _names
from newscli.models import Article

MAX_PAGE = 64 * 1024 * 1024
MISSING = "reading web pages needs trafilatura: pip install 'newscli[html]'"
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
    found = {}
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


def parse_page(data: bytes) -> Article | None:
    import lxml.html
    import trafilatura

    document = trafilatura.bare_extraction(
        data, with_metadata=True, include_comments=False, include_tables=True
    )
    if document is None or not (document.text or "").strip():
        return None
    published = document.date and parse_date(document.date)
    modified = lang = None
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
    extra = {
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
    body = _paragraphs(document.text)
    title = " ".join((document.title or "").split())
    if not title:
        from newscli.importers.text import title_from_body

        title = title_from_body(body)
    return Article(
        title=title,
        subtitle=" ".join((document.description or "").split()) or None,
        body=body,
        published=published or None,
        retrieved=saved_at,
        source=document.sitename or None,
        url=document.url or saved_url or None,
        authors=_names(document.author),
        tags=_dedupe([*(document.categories or []), *(document.tags or [])]),
        extra=extra,
        lang=lang,
    )


def read_html(
    stream: BinaryIO, path: str, mapper: RecordMapper | None = None
) -> Iterator[Article | ImportProblem]:
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        yield ImportProblem(path, None, MISSING)
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
