"""Markdown and text with front matter: a YAML block between `---` lines at the top, or a block
of `Key: value` lines (`Title:`, `Date:`, `Source:`, `URL:`, `Author:`) and a blank line.

The body is kept as written (it is data); a leading `# Heading` is the title when the front
matter gives none. Without any front matter the text is read like a plain-text article.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from newscli.importers.problems import ImportProblem
from newscli.importers.records import FIELD_NAMES, RecordMapper, normalise_name, record_problems
from newscli.importers.text import ParseProblem, decode_text, parse_text_article
from newscli.models import Article

MAX_FILE = 64 * 1024 * 1024
_FENCE = re.compile(r"^---[ \t]*$")
_FENCE_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z][\w -]{0,30}?)[ \t]*:[ \t]*(?P<value>.*)$")
_ATX_HEADING = re.compile(r"^#[ \t]+(?P<text>.+?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^=+[ \t]*$")
_KNOWN_KEYS = {normalise_name(name) for names in FIELD_NAMES.values() for name in names}
# A one-line block is a header only with one of these keys: "Source: ministers say..." is a
# headline, "Title: ..." is not.
_SURE_KEYS = {"title", "date", "published", "url"}


def has_front_matter(text: str) -> bool:
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and _FENCE.match(lines[0]):
        return any(_FENCE_END.match(line) for line in lines[1:200])
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
            if not keys & _KNOWN_KEYS or (len(meta) == 1 and not keys & _SURE_KEYS):
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

    for end in range(1, len(lines)):
        if _FENCE_END.match(lines[end]):
            break
    else:
        raise ParseProblem("front matter opened with --- is never closed", 1)
    try:
        meta = yaml.load("\n".join(lines[1:end]), Loader=_loader())
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ParseProblem(f"bad YAML front matter: {problem}", line) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return None, 0  # `---` was a thematic break, not front matter
    return {str(k): v for k, v in meta.items()}, end + 1


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


def parse_front_matter_article(text: str, mapper: RecordMapper) -> Article:
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta: dict[str, Any] | None = None
    taken = 0
    if lines and _FENCE.match(lines[0]):
        meta, taken = _yaml_block(lines)
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
        return parse_text_article(text)
    heading, rest = _heading(lines[taken:])
    record = dict(meta)
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
        yield parse_front_matter_article(decode_text(data), mapper)
    except ParseProblem as e:
        yield ImportProblem(path, e.line, e.reason)
        return
    yield from record_problems(mapper, path)
