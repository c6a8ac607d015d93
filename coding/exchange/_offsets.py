"""Source text and selection offsets: from another tool's positions to our string indices.

REFI-QDA positions count Unicode code points from 0 in the source's plain text — the same as
Python string indices, so a text that dyadlab does not change needs no conversion. dyadlab's
transcript text is normalised (CRLF/CR → LF, Unicode NFC; docs/architecture.md), so a text
from another tool may shrink; :func:`normalise_with_map` returns the normalised text with an
array mapping every raw position to the normalised one, and selections are moved exactly.

Some Windows tools count UTF-16 code units instead (characters outside the Basic Multilingual
Plane, such as emoji, count twice); :func:`utf16_to_codepoints` converts those positions.
NVivo for Windows is one: on a real NVivo 12.6 project 254 of 303 selections fall mid-word
when read as code points, 3 when read as UTF-16 units. :func:`detect_unit` decides which
reading a project uses from that evidence — people select words, so the right reading puts
selection ends on word boundaries — and falls back on the exporting tool's name when the
evidence ties. Tested in tests/coding/exchange/test_exchange.py and test_realworld.py.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Unit = Literal["codepoints", "utf16"]


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


def on_boundary(text: str, position: int) -> bool:
    """Whether ``position`` is not inside a word (letters/digits on both sides)."""
    if position <= 0 or position >= len(text):
        return True
    return not (text[position - 1].isalnum() and text[position].isalnum())


def boundary_share(text: str, spans: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """``(aligned, total)``: how many spans start and end on word boundaries of ``text``."""
    aligned = total = 0
    for start, end in spans:
        total += 1
        aligned += on_boundary(text, start) and on_boundary(text, end)
    return aligned, total


@dataclass(frozen=True)
class UnitEvidence:
    """Why a project's positions are read as code points or UTF-16 units.

    ``compared`` counts selections whose two readings differ (they lie after a character
    outside the BMP); ``aligned_codepoints`` / ``aligned_utf16`` how many of those start and
    end on word boundaries under each reading; ``prior`` is the unit the exporting tool is
    known to use.
    """

    unit: Unit
    compared: int
    aligned_codepoints: int
    aligned_utf16: int
    prior: Unit
    decided_by: str

    def describe(self) -> str:
        other = "code points" if self.unit == "utf16" else "UTF-16 units"
        unit = "UTF-16 code units" if self.unit == "utf16" else "code points"
        mine, theirs = (
            (self.aligned_utf16, self.aligned_codepoints)
            if self.unit == "utf16"
            else (self.aligned_codepoints, self.aligned_utf16)
        )
        if self.decided_by == "evidence":
            return (
                f"positions read as {unit}: of {self.compared} selections after a character "
                f"outside the BMP (e.g. emoji), {mine} start and end on word boundaries that "
                f"way against {theirs} as {other}"
            )
        return f"positions read as {unit} ({self.decided_by})"


def tool_unit(origin: str) -> Unit:
    """The unit a tool is known to count: NVivo for Windows UTF-16, everything else code points
    (and a dyadlab export made for NVivo says so in its origin)."""
    nvivo = re.search(r"nvivo", origin, re.IGNORECASE)
    if nvivo and not re.search(r"mac", origin, re.IGNORECASE):
        return "utf16"
    if re.search(r"utf-?16", origin, re.IGNORECASE):
        return "utf16"
    return "codepoints"


def codepoints_to_utf16(text: str) -> np.ndarray:
    """For each code-point position 0…len(text), the UTF-16 code-unit position."""
    widths = np.fromiter((2 if ord(c) > 0xFFFF else 1 for c in text), dtype=np.int64)
    return np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)


#: To overrule the unit the tool is known to use (the standard's code points unless the tool
#: is NVivo for Windows), the other reading must put at least this many more selections on word
#: boundaries, and at least this share of the selections compared: a stray part-word
#: selection or two must not flip a project.
MIN_MARGIN = 2
MIN_SHARE = 0.1


def detect_unit(
    sources: Iterable[tuple[str, Sequence[tuple[int, int]]]], origin: str = ""
) -> UnitEvidence:
    """Decide whether a project's selection positions count code points or UTF-16 units.

    ``sources`` gives each raw source text with its selections' ``(start, end)``. Only
    selections whose two readings differ are evidence. The unit the tool is known to use
    (:func:`tool_unit`) stands unless the other reading puts clearly more of them on word
    boundaries (:data:`MIN_MARGIN`, :data:`MIN_SHARE`).
    """
    prior = tool_unit(origin)
    compared = aligned_cp = aligned_u16 = 0
    for text, spans in sources:
        if not spans or all(ord(c) <= 0xFFFF for c in text):
            continue
        mapping = utf16_to_codepoints(text)
        length16 = len(mapping) - 1
        for start, end in spans:
            cp_ok = 0 <= start <= end <= len(text)
            u16_ok = 0 <= start <= end <= length16
            if cp_ok and u16_ok and mapping[start] == start and mapping[end] == end:
                continue
            compared += 1
            aligned_cp += cp_ok and on_boundary(text, start) and on_boundary(text, end)
            if u16_ok:
                a, b = int(mapping[start]), int(mapping[end])
                aligned_u16 += on_boundary(text, a) and on_boundary(text, b)
    other: Unit = "codepoints" if prior == "utf16" else "utf16"
    for_prior, for_other = (
        (aligned_u16, aligned_cp) if prior == "utf16" else (aligned_cp, aligned_u16)
    )
    if for_other - for_prior >= max(MIN_MARGIN, math.ceil(MIN_SHARE * compared)):
        unit: Unit = other
        decided = "evidence"
    else:
        unit = prior
        if compared == 0:
            decided = "no selection lies after a character outside the BMP"
        elif for_prior > for_other:
            decided = "evidence"
        else:
            decided = "the evidence is too thin to overrule what the tool is known to count"
        if prior == "utf16" and decided != "evidence":
            decided += "; NVivo for Windows counts UTF-16"
    return UnitEvidence(unit, compared, aligned_cp, aligned_u16, prior, decided)
