"""Plain-text articles: the seed layout (capture date, headline, standfirst, publication date,
body) and its simpler relatives (one date line, or headline then body)."""

from __future__ import annotations

import codecs
import re

from newscli.dates import DateLine, read_date_line
from newscli.importers.bylines import Byline, read_byline
from newscli.models import Article, collapse_whitespace

# Names may have initials and suffixes with dots (`By Dana A. Ford`, `Landrum, Jr.`); a
# sentence starting with "By" is told apart by its words (see parse_byline).
_BYLINE = re.compile(r"^by:?\s+(?P<names>[^\W\d][^!?]{1,80})$", re.IGNORECASE)
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|de|da|van|von|der|la|le|bin|al|of|the)$")
MAX_TITLE = 200
# A date line further down than this many paragraphs belongs to the body, not the header.
HEADER_BLOCKS = 6


class ParseProblem(ValueError):
    """Why a file or record could not become an article; `line` where it is known."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line


def decode_text(data: bytes) -> str:
    """Bytes of a text file as str: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ParseProblem("invalid UTF-16 text") from None
    if b"\x00" in data:
        raise ParseProblem("binary file (contains NUL bytes)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.end == len(data) and e.reason == "unexpected end of data" and not data[: e.start].isascii():
            # UTF-8 cut short in its last character (a truncated copy or download): keep it
            # UTF-8, with U+FFFD for the lost character, rather than read it all as cp1252.
            return data[: e.start].decode("utf-8") + "\ufffd"
        return data.decode("cp1252", errors="newscli-latin1")


def _latin1_for_undefined(err: UnicodeError) -> tuple[str, int]:
    # cp1252 leaves five bytes undefined; read those as Latin-1 rather than fail.
    if not isinstance(err, UnicodeDecodeError):  # a decoding handler only
        raise err
    return "".join(chr(b) for b in err.object[err.start : err.end]), err.end


codecs.register_error("newscli-latin1", _latin1_for_undefined)


# Whitespace other than single spaces between words. Text (ASCII, no CR) without any of
# these has lines that need no stripping and paragraphs that need no collapsing.
_UNTIDY_SPACE = ("\t", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "  ", " \n", "\n ")


def split_paragraphs(text: str) -> list[tuple[int, str]]:
    """Paragraphs separated by blank lines, with the line number each starts on.

    Line endings may be LF, CRLF or CR; whitespace inside a paragraph becomes single spaces.
    A date line is always a paragraph of its own, even without blank lines around it.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Most files are tidy: then each line is used as it is (the same result, faster).
    tidy = (
        text.isascii() and text[:1] != " " and text[-1:] != " " and not any(s in text for s in _UNTIDY_SPACE)
    )
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0

    def flush() -> None:
        if current:
            joined = " ".join(current)
            blocks.append((start, joined if tidy else collapse_whitespace(joined)))
            current.clear()

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw if tidy else raw.strip()
        if not line:
            flush()
        elif len(blocks) < HEADER_BLOCKS + 2 and read_date_line(line):
            flush()
            blocks.append((number, line))
        else:
            if not current:
                start = number
            current.append(line)
    flush()
    return blocks


def title_from_body(body: str) -> str:
    first = re.split(r"(?<=[.!?])\s", body, maxsplit=1)[0]
    return first if len(first) <= MAX_TITLE else first[: MAX_TITLE - 1].rstrip() + "…"


def parse_byline(line: str) -> Byline | None:
    """The names in a 'By Jane Doe and John Roe' line (and agencies: 'By Ana Lima, AP'), or
    None if the line is not a byline."""
    match = _BYLINE.match(line)
    if not match:
        return None
    byline = read_byline([match["names"]])
    names = [part for name in byline.authors for part in name.split(", ")]
    if names and all(1 <= len(n.split()) <= 5 and all(_NAME_WORD.match(w) for w in n.split()) for n in names):
        return byline
    return None


def _header_dates(blocks: list[tuple[int, str]], order: str | None) -> list[tuple[int, DateLine]]:
    """The date lines among the first paragraphs, with their index. A numeric date that could
    be read either way round takes the order another date line of the file proves."""
    lines = ((i, read_date_line(b, order)) for i, (_, b) in enumerate(blocks[:HEADER_BLOCKS]))
    found = [(i, line) for i, line in lines if line]
    proven = {line.proves for _, line in found if line.proves}
    if order is None and len(proven) == 1 and any(line.ambiguous for _, line in found):
        return _header_dates(blocks, proven.pop())
    return found


def parse_text_article(text: str, path: str | None = None, *, order: str | None = None) -> Article:
    """Turn the text of one article file into an Article, or raise ParseProblem.

    `order` (DAY_FIRST or MONTH_FIRST) reads numeric date lines whose day and month could be
    either way round; without it such a line is kept in `extra` as `published_raw`.
    """
    blocks = split_paragraphs(text)
    if not blocks:
        raise ParseProblem("empty file")
    dated = _header_dates(blocks, order)
    texts = [b for _, b in blocks]
    subtitle: list[str] = []
    seed_layout = False
    header = {i: line for i, line in dated}
    if dated and dated[0][0] == 0:
        # Date lines first, then the headline. With another date further down the header,
        # the first one is when the page was captured and the later one when the article was
        # published (the seed), unless their labels say otherwise.
        title_at = 0
        while title_at in header:
            title_at += 1
        later = [i for i in header if i > title_at]
        if later:
            seed_layout = title_at == 1 and header[0].label is None and header[later[0]].label != "updated"
            body_at = later[0] + 1
            subtitle = texts[title_at + 1 : later[0]]
        else:
            body_at = title_at + 1
    elif dated and dated[0][0] in (1, 2, 3):
        # Headline, maybe a standfirst, then the date line.
        title_at, body_at = 0, dated[0][0] + 1
        subtitle = texts[1 : dated[0][0]]
    else:
        title_at, body_at = 0, 1
    # More date lines right after the header's ("Published ...", then "Updated ...").
    while body_at in header:
        body_at += 1
    if title_at >= len(texts):
        raise ParseProblem("no headline or text after the date line", blocks[-1][0])
    dates = _read_header_dates([line for i, line in dated if i < body_at], seed_layout)
    title = texts[title_at]
    body_blocks = texts[body_at:]
    byline = None
    # A "By Jane Doe" line between the header and the body names the authors.
    for holder in (subtitle, body_blocks):
        if holder and (byline := parse_byline(holder[0])):
            holder.pop(0)
            break
    if len(title) > MAX_TITLE or not body_blocks:
        # No separate headline: the whole text is the body, titled by its first sentence.
        body_blocks = [title, *body_blocks]
        title = title_from_body(title)
    extra: dict[str, str | list[str]] = {
        key: dates[key] for key in ("modified", "published_raw") if dates.get(key)
    }
    if byline and byline.agencies:
        extra["agencies"] = byline.agencies
    return Article(
        title=title,
        subtitle="\n\n".join(subtitle) or None,
        body="\n\n".join(body_blocks),
        published=dates.get("published"),
        retrieved=dates.get("retrieved"),
        authors=byline.authors if byline else [],
        path=path,
        extra=extra,
    )


def _read_header_dates(lines: list[DateLine], seed_layout: bool) -> dict[str, str]:
    """Which header date is which: a label says it ("Published", "Updated"); without one,
    the seed's two dates are capture and publication, and a lone date is the publication.
    An update date is also the publication date when the text gives no other."""
    dates: dict[str, str] = {}
    if seed_layout:
        capture, *lines = lines
        if capture.iso:
            dates["retrieved"] = capture.iso
    for line in lines:
        field = "modified" if line.label == "updated" else "published"
        if field in dates or (field == "published" and "published_raw" in dates):
            continue
        if line.iso:
            dates[field] = line.iso
        elif field == "published":  # day and month either way round: kept, not guessed
            dates["published_raw"] = line.text
    if "published" not in dates and "published_raw" not in dates and "modified" in dates:
        dates["published"] = dates["modified"]
    return dates
