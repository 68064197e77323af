"""Which language an article is written in (ISO 639-1), for stemming and `--lang`."""

from __future__ import annotations


def detect_language(*texts: str | None) -> str | None:
    """The language of the text (title, subtitle, body), or None when it cannot be told."""
    return None
