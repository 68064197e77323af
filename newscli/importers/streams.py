"""Byte streams as the readers need them: a look at the first bytes without losing them (for
standard input too), gzip unwrapped by its magic bytes, and text decoded as it streams."""

from __future__ import annotations

import codecs
import io
from typing import BinaryIO, cast

# Imported for its side effect too: it registers the "newscli-latin1" error handler.
from newscli.importers.text import decode_text  # noqa: F401

GZIP_MAGIC = b"\x1f\x8b"
HEAD_BYTES = 64 * 1024
UTF8_BOM = b"\xef\xbb\xbf"


class _Replay(io.RawIOBase):
    """`head` first, then the rest of `stream`."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def peek(stream: BinaryIO, size: int = HEAD_BYTES) -> tuple[bytes, BinaryIO]:
    """The first `size` bytes (fewer at the end of input) and a stream that still has them."""
    chunks, have = [], 0
    while have < size:
        chunk = stream.read(size - have)
        if not chunk:
            break
        chunks.append(chunk)
        have += len(chunk)
    head = b"".join(chunks)
    return head, io.BufferedReader(_Replay(head, stream), buffer_size=HEAD_BYTES)


def ungzip(stream: BinaryIO) -> BinaryIO:
    """The stream itself, or its decompressed content if it starts like gzip data."""
    head, stream = peek(stream, 2)
    if head == GZIP_MAGIC:
        import gzip

        return cast(BinaryIO, gzip.GzipFile(fileobj=stream, mode="rb"))
    return stream


def _cp1252_for_bad_utf8(err: UnicodeError) -> tuple[str, int]:
    # Bytes that are not UTF-8 inside mostly-UTF-8 text: read them as Windows-1252.
    if not isinstance(err, UnicodeDecodeError):  # a decoding handler only
        raise err
    bad = err.object[err.start : err.end]
    return bad.decode("cp1252", errors="newscli-latin1"), err.end


codecs.register_error("newscli-cp1252", _cp1252_for_bad_utf8)


def sniff_encoding(head: bytes) -> str:
    """utf-8-sig when the start reads as UTF-8 (a character cut at the end is fine), else cp1252."""
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as e:
        if e.start >= len(head) - 3 and e.reason == "unexpected end of data":
            return "utf-8-sig"
        return "cp1252"


def text_stream(stream: BinaryIO, head: bytes) -> io.TextIOWrapper:
    """Decoded text for line-by-line readers (newlines untranslated, as `csv` wants them)."""
    encoding = sniff_encoding(head)
    errors = "newscli-cp1252" if encoding == "utf-8-sig" else "newscli-latin1"
    return io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline="")
