"""Markdown and text with front matter: a YAML block between `---` lines at the top (Jekyll,
Hugo, most static sites), a TOML block between `+++` lines (Hugo), or a block of `Key: value`
lines (`Title:`, `Date:`, `Source:`, `URL:`, `Author:`) and a blank line.

The body is kept as written (it is data); a leading `# Heading` is the title when the front
matter gives none, and a Jekyll file name (`2021-03-04-slug.md`) the date when it gives none.
Without any front matter the text is read like a plain-text article.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from newscli.importers.problems import ImportProblem
from newscli.importers.records import (
    KNOWN_NAMES,
    MAX_DEPTH,
    RecordMapper,
    normalise_name,
    record_problems,
    too_deep,
)
from newscli.importers.text import ParseProblem, decode_text
from newscli.models import Article

MAX_FILE = 64 * 1024 * 1024
_FENCE = re.compile(r"^---[ \t]*$")
_TOML_FENCE = re.compile(r"^\+\+\+[ \t]*$")
_TOML_WHERE = re.compile(r"\s*\(at line (?P<line>\d+), column \d+\)\s*$")
# Jekyll's posts: `_posts/2021-03-04-harbour-festival.md`.
_JEKYLL_NAME = re.compile(
    r"^(?P<day>\d{4}-\d{2}-\d{2})-[^/]+\.(?:md|markdown|mdown|mkd)(?:\.gz)?$", re.IGNORECASE
)
_FENCE_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z][\w -]{0,30}?)[ \t]*:[ \t]*(?P<value>.*)$")
_ATX_HEADING = re.compile(r"^#[ \t]+(?P<text>.+?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^=+[ \t]*$")
# A one-line block is a header only with one of these keys: "Source: ministers say..." is a
# headline, "Title: ..." is not.
_SURE_KEYS = {"title", "date", "published", "url"}


def has_front_matter(text: str) -> bool:
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and _FENCE.match(lines[0]):
        return any(_FENCE_END.match(line) for line in lines[1:200])
    if lines and _TOML_FENCE.match(lines[0]):
        return any(_TOML_FENCE.match(line) for line in lines[1:200])
    return _key_value_block(lines) is not None


def _key_value_block(lines: list[str]) -> tuple[dict[str, str], int] | None:
    """The `Key: value` header at the top and how many lines it takes (with the blank line)."""
    meta: dict[str, str] = {}
    last = None
    for number, line in enumerate(lines):
        if not line.strip():
            if not meta:
                return None
            keys = {normalise_name(k) for k in meta}
            if not keys & KNOWN_NAMES or (len(meta) == 1 and not keys & _SURE_KEYS):
                return None
            return meta, number + 1
        if last and line[:1] in " \t":
            meta[last] += " " + line.strip()  # a value continued on an indented line
            continue
        match = _KEY_VALUE.match(line)
        if not match or number >= 40:
            return None
        last = match["key"].strip()
        meta[last] = match["value"].strip()
    return None


def _loader():
    """yaml's SafeLoader without aliases (`*name`): front matter has no use for them, and nine
    lines of aliases to aliases expand to billions of values (the "billion laughs")."""
    import yaml

    class NoAliasSafeLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "aliases (*name) are not read in front matter", event.start_mark
                )
            return super().compose_node(parent, index)

    return NoAliasSafeLoader


def _yaml_block(lines: list[str]) -> tuple[dict[str, Any] | None, int]:
    """The YAML front matter as a dict and the number of lines it takes, or ParseProblem."""
    import yaml

    end = _closing_line(lines, _FENCE_END, "---")
    try:
        meta = yaml.load("\n".join(lines[1:end]), Loader=_loader())
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ParseProblem(f"bad YAML front matter: {problem}", line) from None
    except RecursionError:
        raise _too_deep() from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return None, 0  # `---` was a thematic break, not front matter
    if too_deep(meta):
        raise _too_deep()
    return {str(k): v for k, v in meta.items()}, end + 1


def _closing_line(lines: list[str], fence: re.Pattern[str], opened: str) -> int:
    """The index of the line that closes front matter opened on the first line."""
    for end in range(1, len(lines)):
        if fence.match(lines[end]):
            return end
    raise ParseProblem(f"front matter opened with {opened} is never closed", 1)


def _too_deep() -> ParseProblem:
    return ParseProblem(f"front matter nested deeper than {MAX_DEPTH} levels", 1)


def _toml_block(lines: list[str]) -> tuple[dict[str, Any], int]:
    """Hugo's TOML front matter (between `+++` lines) as a dict and the lines it takes."""
    import tomllib

    end = _closing_line(lines, _TOML_FENCE, "+++")
    try:
        meta = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as e:
        where = _TOML_WHERE.search(str(e))
        reason = _TOML_WHERE.sub("", str(e)).strip()
        raise ParseProblem(
            f"bad TOML front matter: {reason}", int(where["line"]) + 1 if where else 1
        ) from None
    except RecursionError:
        raise _too_deep() from None
    if too_deep(meta):
        raise _too_deep()
    return meta, end + 1


def _heading(lines: list[str]) -> tuple[str | None, list[str]]:
    """A leading `# Heading` (or a Setext `Heading` / `===`) and the lines after it."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start < len(lines):
        match = _ATX_HEADING.match(lines[start])
        if match:
            return match["text"].strip(), lines[start + 1 :]
        if start + 1 < len(lines) and _SETEXT_UNDERLINE.match(lines[start + 1]):
            return lines[start].strip(), lines[start + 2 :]
    return None, lines


def _taxonomies(record: dict[str, Any]) -> dict[str, Any]:
    """Jekyll's and Hugo's `tags` and `categories`, both tags: one list under the first. A
    string of them without commas is Jekyll's list of words (`categories: transport islands`)."""
    keys = [k for k in record if k.lower() in ("tags", "categories")]
    values: list[Any] = []
    for key in keys:
        value = record[key]
        if isinstance(value, str) and not re.search(r"[,;|]", value):
            value = value.split()
        values.extend(value if isinstance(value, list) else [value])
    if keys:
        for key in keys[1:]:
            del record[key]
        record[keys[0]] = values
    return record


def parse_front_matter_article(text: str, mapper: RecordMapper) -> Article:
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta: dict[str, Any] | None = None
    taken = 0
    if lines and _FENCE.match(lines[0]):
        meta, taken = _yaml_block(lines)
    elif lines and _TOML_FENCE.match(lines[0]):
        meta, taken = _toml_block(lines)
    if meta is None:
        block = _key_value_block(lines)
        if block:
            meta, taken = block
    if meta is None:
        heading, rest = _heading(lines)
        if heading:
            body = "\n".join(rest).strip()
            if not body:
                raise ParseProblem("a heading and no text")
            return Article(title=heading, body=body)
        return mapper.dates.read_text(text)
    heading, rest = _heading(lines[taken:])
    record = _taxonomies(dict(meta)) if "tags" not in mapper.overrides else dict(meta)
    if heading and "title" not in mapper.mapping_for(tuple(record)):
        if "title" in mapper.overrides and mapper.overrides["title"] is None:
            rest = lines[taken:]
        else:
            record["title"] = heading
    body = "\n".join(rest).strip()
    return mapper.article(record, body=body or None)


def read_markdown(
    stream: BinaryIO, path: str, mapper: RecordMapper | None = None
) -> Iterator[Article | ImportProblem]:
    mapper = mapper or RecordMapper()
    data = stream.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        yield ImportProblem(path, None, f"file larger than {MAX_FILE // 2**20} MB")
        return
    try:
        article = parse_front_matter_article(decode_text(data), mapper)
    except ParseProblem as e:
        yield ImportProblem(path, e.line, e.reason)
        return
    jekyll = _JEKYLL_NAME.match(os.path.basename(path))
    if jekyll and article.published is None and "published_raw" not in article.extra:
        # A post that gives no date of its own is dated by its name, as Jekyll dates it.
        article.published = jekyll["day"]
        article.extra["published_from"] = "file name"
        article.identify()
    yield article
    yield from record_problems(mapper, path)
