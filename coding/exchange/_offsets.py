"""Source text and selection offsets: from another tool's positions to our string indices.

REFI-QDA positions count Unicode code points from 0 in the source's plain text — the same as
Python string indices, so a text that dyadlab does not change needs no conversion. dyadlab's
transcript text is normalised (CRLF/CR → LF, Unicode NFC; docs/architecture.md), so a text
from another tool may shrink; :func:`normalise_with_map` returns the normalised text with an
array mapping every raw position to the normalised one, and selections are moved exactly.

Some Windows tools count UTF-16 code units instead (characters outside the Basic Multilingual
Plane, such as emoji, count twice); :func:`utf16_to_codepoints` converts those positions.
"""

from __future__ import annotations

import unicodedata

import numpy as np


def normalise_with_map(raw: str) -> tuple[str, np.ndarray]:
    """``(text, position)``: the normalised text and, for each raw position 0…len(raw), its
    position in ``text``.

    CRLF and lone CR become LF; the text is NFC-composed chunk by chunk (a chunk is a starter
    character with its combining marks), so a position inside a chunk that composition merges
    maps to the start of that chunk.
    """
    if "\r" not in raw and unicodedata.is_normalized("NFC", raw):
        return raw, np.arange(len(raw) + 1)
    out: list[str] = []
    position = np.zeros(len(raw) + 1, dtype=np.int64)
    length = 0
    i = 0
    n = len(raw)
    while i < n:
        ch = raw[i]
        if ch == "\r":
            position[i] = length
            if i + 1 < n and raw[i + 1] == "\n":
                position[i + 1] = length
                i += 1
            out.append("\n")
            length += 1
            i += 1
            continue
        j = i + 1
        while j < n and unicodedata.combining(raw[j]) and raw[j] != "\r":
            j += 1
        chunk = unicodedata.normalize("NFC", raw[i:j])
        position[i:j] = length
        if len(chunk) == j - i:
            position[i:j] = length + np.arange(j - i)
        out.append(chunk)
        length += len(chunk)
        i = j
    position[n] = length
    return "".join(out), position


def utf16_to_codepoints(text: str) -> np.ndarray:
    """For each UTF-16 code-unit position 0…len16(text), the code-point position.

    A position in the middle of a surrogate pair maps to the character's start.
    """
    widths = np.fromiter((2 if ord(c) > 0xFFFF else 1 for c in text), dtype=np.int64)
    total = int(widths.sum())
    mapping = np.zeros(total + 1, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(widths)])
    mapping[starts] = np.arange(len(text) + 1)
    wide = np.flatnonzero(widths == 2)
    mapping[starts[wide] + 1] = wide
    return mapping
