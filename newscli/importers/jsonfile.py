"""JSON: an array of article objects, an object holding such an array (under `articles`,
`items`, `data`, `entries`, ...), or one article object. Streamed with ijson, so a
multi-gigabyte array is read one record at a time."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from newscli.importers.jsonl import _kind, read_jsonl
from newscli.importers.problems import ImportProblem
from newscli.importers.records import MAX_DEPTH, RecordMapper, normalise_name, record_problems
from newscli.importers.streams import UTF8_BOM, peek
from newscli.importers.text import ParseProblem
from newscli.models import Article

# Keys under which feeds and dataset dumps hold their list of articles.
CONTAINER_KEYS = (
    "articles", "items", "data", "entries", "results", "records", "posts", "stories",
    "documents", "docs", "news", "rows",
)  # fmt: skip


def is_json_lines(head: bytes) -> bool:
    """Whether text starting with `{` is JSON Lines: its first line is a whole JSON object and
    another object follows on the next line (one object on one line is a JSON document, as
    an API's minified answer is)."""
    text = head.removeprefix(UTF8_BOM).lstrip()
    if not text.startswith(b"{"):
        return False
    first, newline, rest = text.partition(b"\n")
    if not newline or not rest.lstrip().startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        return False


def read_json(
    stream: BinaryIO, path: str, mapper: RecordMapper | None = None
) -> Iterator[Article | ImportProblem]:
    mapper = mapper or RecordMapper()
    head, stream = peek(stream)
    if is_json_lines(head):
        # A .json file that is really JSON Lines (several datasets ship them so).
        yield from read_jsonl(stream, path, mapper)
        return
    if head.startswith(UTF8_BOM):
        stream.read(len(UTF8_BOM))
    if not head.strip():
        yield ImportProblem(path, None, "empty file")
        return
    import ijson

    # basic_parse, not parse: parse builds a dotted path for every event, which for deeply
    # nested input costs memory in the square of the depth (gigabytes for a 300 kB file).
    events = ((None, event, value) for event, value in ijson.basic_parse(stream, use_float=True))
    done = 0
    try:
        for number, record in _records(events, mapper):
            done = number
            if isinstance(record, ImportProblem):
                record.path = path
                yield record
                continue
            try:
                yield mapper.article(record)
            except ParseProblem as e:
                yield ImportProblem(path, None, e.reason, record=number)
    except (ijson.JSONError, TooDeep, UnicodeDecodeError) as e:
        if isinstance(e, UnicodeDecodeError):  # a \ud800 escape, which yajl cannot decode
            reason = "invalid \\u escape (a lone surrogate)"
        else:
            reason = str(e).strip().splitlines()[0] if str(e).strip() else "unexpected end of data"
        after = f" after record {done}" if done else ""
        yield ImportProblem(path, None, f"malformed JSON{after}: {reason}")
        return
    yield from record_problems(mapper, path)


def _records(events, mapper: RecordMapper) -> Iterator[tuple[int, dict | ImportProblem]]:
    """(1-based record number, record or problem) for each article object in the document.

    A top-level array is a list of articles. An object is one article when it has article
    text of its own (a body, or a title with no list of articles beside it): its lists
    (authors, links, images) are fields of that article. It holds a list of articles under a
    container key (`articles`, `items`, ...) whose first item is article-like, one level
    down (`{"response": {"docs": [...]}}`), or as its only substantial member. The name of a
    feed holding the articles (its `title`, or its `channel`'s) becomes the source of those
    that name none.
    """
    _, event, value = next(events)
    if event == "start_array":
        yield from _numbered(_items(events))
        return
    if event != "start_map":
        yield 1, ImportProblem("", None, f"expected an array or object of articles, got {event}")
        return
    top: dict[str, Any] = {}
    for _, event, key in events:
        if event == "end_map":
            break
        _, event, value = next(events)
        if event == "start_array" and normalise_name(key) in CONTAINER_KEYS and not _has_text(top, mapper):
            items = _items(events)
            first = next(items, _END)
            if first is _END or _article_like(first, mapper):
                # Streamed: a container of millions of articles is read one at a time.
                mapper.default_source = feed_name(top)
                yield from _numbered(items if first is _END else itertools.chain([first], items))
                return
            top[key] = [first, *items]  # a list that is a field of the article
            continue
        top[key] = _value(events, event, value)
    nested = _nested_list(top, mapper)
    if nested is not None:
        mapper.default_source = feed_name(top)
        yield from _numbered(iter(nested))
    else:
        # One article as the whole document.
        yield 1, top


_END = object()
# The fields that make an object an article rather than a wrapper around articles.
_TEXT_FIELDS = ("body", "subtitle")
_ARTICLE_FIELDS = ("title", "body", "subtitle")


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {}) and not isinstance(value, bool)


def _has_text(record: dict[str, Any], mapper: RecordMapper) -> bool:
    """Whether an object read so far has article text of its own (a body or a summary)."""
    if not record:
        return False
    mapping = mapper.mapping_for(tuple(record), remember=False)
    return any(field in mapping and _filled(record.get(mapping[field])) for field in _TEXT_FIELDS)


def _article_like(item: Any, mapper: RecordMapper) -> bool:
    """An object with a title, body or summary: what a list of articles holds."""
    if not isinstance(item, dict) or not item:
        return False
    mapping = mapper.mapping_for(tuple(item), remember=False)
    return any(field in mapping and _filled(item.get(mapping[field])) for field in _ARTICLE_FIELDS)


def _nested_list(top: dict[str, Any], mapper: RecordMapper) -> list | None:
    """The list of articles a whole object holds other than under a container key, or None
    when the object is itself one article.

    `{"response": {"docs": [...]}}` holds one a level down; `{"status": "ok", "hits": [...]}`
    holds one as its only substantial member (the others are counts and flags, not text).
    """
    mapping = mapper.mapping_for(tuple(top), remember=False)
    if any(field in mapping and _filled(top.get(mapping[field])) for field in _ARTICLE_FIELDS):
        return None
    for value in top.values():
        if isinstance(value, dict):
            for key, inner in value.items():
                if normalise_name(key) in CONTAINER_KEYS and isinstance(inner, list):
                    return inner
    lists = [v for v in top.values() if isinstance(v, list) and v and all(isinstance(i, dict) for i in v)]
    others = [v for v in top.values() if not (isinstance(v, list) and v and v in lists)]
    if (
        len(lists) == 1
        and any(_article_like(i, mapper) for i in lists[0])
        and not any(isinstance(v, dict | list) or (isinstance(v, str) and len(v) > 80) for v in others)
    ):
        return lists[0]
    return None


# Where a feed document names itself: JSON Feed's `title`, an RSS channel's `title`, ...
FEED_NAME_KEYS = ("title", "feed", "source", "sitename", "site", "publication", "publisher")
FEED_OBJECT_KEYS = ("channel", "feed", "source", "publisher")


def feed_name(top: dict[str, Any]) -> str | None:
    """The name a feed document gives itself, from the fields before its list of articles."""
    by_norm = {normalise_name(k): v for k, v in top.items()}
    for key in FEED_NAME_KEYS:
        value = by_norm.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    for key in FEED_OBJECT_KEYS:
        value = by_norm.get(key)
        if isinstance(value, dict):
            inner = {normalise_name(k): v for k, v in value.items()}
            for name in ("title", "name"):
                if isinstance(inner.get(name), str) and inner[name].strip():
                    return " ".join(inner[name].split())
    return None


def _numbered(items: Iterator[Any]) -> Iterator[tuple[int, dict | ImportProblem]]:
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            yield number, item
        else:
            yield number, ImportProblem("", None, f"expected an object, got {_kind(item)}", record=number)


def _items(events) -> Iterator[Any]:
    """The values of the array whose start_array was just read, built one at a time."""
    for _, event, value in events:
        if event == "end_array":
            return
        yield _value(events, event, value)


class TooDeep(ValueError):
    def __init__(self) -> None:
        super().__init__(f"nested deeper than {MAX_DEPTH} levels")


def _value(events, event: str, value: Any) -> Any:
    import ijson

    if event not in ("start_map", "start_array"):
        return value
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for _, event, value in events:
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > MAX_DEPTH:
                raise TooDeep
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                break
    return builder.value
