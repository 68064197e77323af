"""`newscli import --dry-run`: for each file, the format and field mapping an import would
use and its first few records, parsed but not stored."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from newscli.importers import ImportOptions, expand_paths, read_path
from newscli.importers.problems import ImportProblem
from newscli.models import Article

RECORDS = 3
# Reading stops after this many problems too, so a file of bad records previews quickly.
PROBLEMS = 10
BODY_CHARS = 160


@dataclass
class FilePreview:
    path: str
    format: str | None = None
    mapping: dict[str, str] | None = None
    extra_fields: list[str] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "format": self.format,
            "mapping": self.mapping,
            "extra_fields": self.extra_fields,
            "records": self.records,
            "problems": [p.as_dict() for p in self.problems],
        }


def record_preview(article: Article) -> dict:
    body = article.body
    if len(body) > BODY_CHARS:
        body = body[: BODY_CHARS - 1].rstrip() + "…"
    return {
        "id": article.id,
        "title": article.title,
        "subtitle": article.subtitle,
        "published": article.published,
        "retrieved": article.retrieved,
        "source": article.source,
        "url": article.url,
        "authors": article.authors,
        "tags": article.tags,
        "extra": article.extra,
        "lang": article.lang,
        "body": body,
        "words": article.words,
    }


# Formats whose fields come from named fields in the input, so a mapping means something.
MAPPED_FORMATS = {"json", "jsonl", "csv", "tsv", "markdown"}


def preview_paths(
    paths: Iterable[str], options: ImportOptions | None = None, *, records: int = RECORDS
) -> Iterator[FilePreview]:
    options = options or ImportOptions()
    for path in expand_paths(paths):
        if isinstance(path, ImportProblem):
            yield FilePreview(path=path.path, problems=[path])
            continue
        mapper = options.mapper()
        preview = FilePreview(path="<stdin>" if path == "-" else path)
        items = read_path(path, options.fmt, mapper=mapper)
        try:
            for item in items:
                if isinstance(item, ImportProblem):
                    preview.problems.append(item)
                else:
                    options.label(item)
                    preview.records.append(record_preview(item))
                if len(preview.records) >= records or len(preview.problems) >= PROBLEMS:
                    break
        finally:
            items.close()
        reported = {p.error.split(":")[0] for p in preview.problems}
        for option in mapper.missing_overrides():
            if f"--map {option}" not in reported:
                preview.problems.append(ImportProblem(
                    preview.path, None, f"--map {option}: no such field in the records read"
                ))  # fmt: skip
        preview.format = mapper.format
        if mapper.format in MAPPED_FORMATS and mapper.first is not None:
            described = mapper.describe()
            preview.mapping = described["fields"]
            preview.extra_fields = described["extra"]
        yield preview
