"""Which language an article is written in (ISO 639-1), for stemming and `--lang`.

py3langid (a maintained port of langid.py: naive Bayes over byte n-grams, 97 languages)
reads the first 250 characters of the title, standfirst and body: on the 7,317 articles of
the shared BBC, fi-news and newspaper4k corpora and our fixtures it gives the same answer
as from 1,000 characters at 200 and up (at 150, two differ), at 0.25 ms per article
against 0.38 ms for 400 characters. It is deterministic (the same text always gets the
same answer); the model (numpy and a 4 MB file) is loaded only by commands that import
articles. Too little text to tell (fewer than 20 letters: a number, a URL, a one-word
title) gives None, and such articles are matched as written, without stemming.
"""

from __future__ import annotations

import re
from functools import cache
from typing import IO

SAMPLE_CHARS = 250
MIN_LETTERS = 20
_LETTER = re.compile(r"[^\W\d_]")
# The model's classes that are not the ISO 639-1 code users type: Nynorsk (filed with
# Norwegian, `no`), and older or regional forms of a language that news is written in
# (Hebrew texts are often classed as Biblical Hebrew, `hbo`). What records say of their
# own language is read by newscli.importers.language.
_CODES = {"nn": "no", "hbo": "he", "grc": "el", "arz": "ar", "ary": "ar"}


@cache
def _identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    try:
        return LanguageIdentifier(**_model(MODEL_DIR / MODEL_FILE))
    except (KeyError, ValueError, TypeError):  # a model laid out otherwise: py3langid's own loader
        return LanguageIdentifier.from_model_file(MODEL_FILE)


def _model(path) -> dict:
    """py3langid's model (an LZMA-packed .npz: modelio.load_model), each array read once.

    py3langid's loader reads the 39 MB transition table into NumPy, then copies it into an
    array.array: 140 MB at the peak of a process that holds ~110 MB afterwards, and the
    importing process's peak is the import's. Here the table is read straight into its
    array.array (peak ~100 MB); the arrays are the same. The .npz is unpacked to a temporary
    file (68 MB), or, where none can be written (a full or read-only temporary folder, a
    file-size limit), in memory, so that an import never fails for want of scratch space."""
    import lzma
    import shutil
    import tempfile
    import zipfile

    unpacked: IO[bytes]
    try:
        unpacked = tempfile.TemporaryFile(suffix=".npz")
        try:
            with lzma.open(path) as src:
                shutil.copyfileobj(src, unpacked, length=1 << 20)
        except OSError:  # the temporary folder filled up
            unpacked.close()
            raise
    except OSError:
        import io

        with lzma.open(path) as src:
            unpacked = io.BytesIO(src.read())
    with unpacked, zipfile.ZipFile(unpacked) as npz:
        ptc, pc, classes, out_feat = (
            _numpy_array(npz, name) for name in ("ptc", "pc", "classes", "out_feat")
        )
        return {
            "nb_ptc": ptc,
            "nb_pc": pc,
            "nb_classes": classes.tolist(),
            "tk_nextmove": _stdlib_array(npz, "nextmove"),
            "tk_output": out_feat.tolist(),
            "tk_row": _stdlib_array(npz, "nextmove_row"),
        }


def _numpy_array(npz, name: str):
    from numpy.lib import format as npy

    with npz.open(f"{name}.npy") as member:
        return npy.read_array(member, allow_pickle=False)


# array.array's type code for an unsigned integer of each size (py3langid's _to_array).
_TYPECODE = {2: "H", 4: "I", 8: "L"}


def _stdlib_array(npz, name: str):
    """An unsigned integer array of the .npz as an array.array, read into it directly."""
    from array import array

    from numpy.lib import format as npy

    with npz.open(f"{name}.npy") as member:
        version = npy.read_magic(member)
        shape, fortran, dtype = (
            npy.read_array_header_1_0(member) if version == (1, 0) else npy.read_array_header_2_0(member)
        )
        if dtype.kind != "u" or dtype.byteorder == ">" or fortran or len(shape) != 1:
            raise ValueError(f"{name}: not a flat array of unsigned integers")
        out = array(_TYPECODE[dtype.itemsize], [0]) * shape[0]
        if out.itemsize != dtype.itemsize:
            raise ValueError(f"{name}: no array.array type of {dtype.itemsize} bytes")
        view, at = memoryview(out).cast("B"), 0
        while chunk := member.read(min(1 << 20, len(view) - at)):  # no second copy of the whole
            view[at : at + len(chunk)] = chunk
            at += len(chunk)
        view.release()
        if at != len(out) * out.itemsize:
            raise ValueError(f"{name}: truncated")
        return out


def detect_language(*texts: str | None) -> str | None:
    """The language of the text (title, subtitle, body), or None when it cannot be told."""
    sample = "\n".join(t for t in texts if t)[:SAMPLE_CHARS]
    letters = 0
    for _ in _LETTER.finditer(sample):
        letters += 1
        if letters >= MIN_LETTERS:
            break
    else:
        return None
    lang, _score = _identifier().classify(sample)
    if not lang or lang in ("und", "zxx"):
        return None
    return _CODES.get(lang, lang)
