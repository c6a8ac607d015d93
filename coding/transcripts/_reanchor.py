"""Re-anchoring coded spans when a transcript's text changes.

A transcript may be re-imported after corrections (a mis-heard word fixed, a name redacted).
Codings point into the old text by ``[start, end)``; :func:`reanchor` maps them onto the new
text with :class:`difflib.SequenceMatcher` opcodes — first over lines (each with the blank
lines after it), then over characters inside each changed block, so that long transcripts
stay fast — and sorts every span into:

``unchanged``
    same offsets, same text;
``moved``
    the span's text is intact but sits elsewhere (text was inserted or removed before it);
``broken``
    characters of the span were changed or deleted: a person has to look at it. Its offsets
    are mapped as well as possible (to the surrounding unchanged text) and flagged.

The import command refuses a re-import that would move or break codings unless the user
asks for re-anchoring (``dyadlab import transcripts --reanchor``), and prints the report.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass

import pandas as pd

from coding.errors import TranscriptError

_CHAR_DIFF_LIMIT = 50_000  # characters per changed block compared character by character
STATUSES = ("unchanged", "moved", "broken")


@dataclass
class ReanchorReport:
    """Counts of unchanged / moved / broken spans, and the broken spans themselves.

    ``broken`` has the input columns plus ``old_start, old_end, old_text, new_text``.
    """

    n_unchanged: int
    n_moved: int
    n_broken: int
    broken: pd.DataFrame

    @property
    def ok(self) -> bool:
        """True when no span's text changed."""
        return self.n_broken == 0

    def to_dict(self) -> dict:
        """Counts and the broken spans as plain values (for ``--json``)."""
        return {
            "unchanged": self.n_unchanged,
            "moved": self.n_moved,
            "broken": self.n_broken,
            "broken_spans": self.broken.to_dict("records"),
        }

    def summary(self) -> str:
        """``"12 unchanged, 3 moved, 1 broken"``."""
        return f"{self.n_unchanged} unchanged, {self.n_moved} moved, {self.n_broken} broken"


class OffsetMap:
    """Maps character offsets of ``old`` to ``new`` through the unchanged stretches.

    >>> m = OffsetMap("abc def", "abc XX def")
    >>> m.exact(4), m.exact(2)
    (7, 2)
    """

    def __init__(self, old: str, new: str) -> None:
        self._new_length = len(new)
        self._old_starts: list[int] = []
        self._segments: list[tuple[int, int, int]] = []  # (old_start, old_end, new_start)
        old_lines = _chunks(old)
        new_lines = _chunks(new)
        old_pos = _line_starts(old_lines)
        new_pos = _line_starts(new_lines)
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            a1, a2, b1, b2 = old_pos[i1], old_pos[i2], new_pos[j1], new_pos[j2]
            if tag == "equal":
                self._add(a1, a2, b1)
            elif tag == "replace":
                block = difflib.SequenceMatcher(
                    None,
                    old[a1:a2],
                    new[b1:b2],
                    autojunk=(a2 - a1) + (b2 - b1) > _CHAR_DIFF_LIMIT,
                )
                for inner, k1, k2, m1, _ in block.get_opcodes():
                    if inner == "equal":
                        self._add(a1 + k1, a1 + k2, b1 + m1)

    def _add(self, old_start: int, old_end: int, new_start: int) -> None:
        if old_end <= old_start:
            return
        self._old_starts.append(old_start)
        self._segments.append((old_start, old_end, new_start))

    def exact(self, offset: int) -> int | None:
        """Where the character at ``offset`` went, or None if it was changed or deleted."""
        index = bisect.bisect_right(self._old_starts, offset) - 1
        if index >= 0:
            start, end, new_start = self._segments[index]
            if offset < end:
                return new_start + offset - start
        return None

    def nearest(self, offset: int) -> int:
        """Like :meth:`exact`, else the end of the nearest unchanged stretch before it."""
        index = bisect.bisect_right(self._old_starts, offset) - 1
        if index < 0:
            return 0
        start, end, new_start = self._segments[index]
        return new_start + min(offset, end) - start

    def nearest_after(self, offset: int) -> int:
        """Like :meth:`exact`, else the start of the nearest unchanged stretch after it
        (the new text's length when none follows) — for end offsets."""
        index = bisect.bisect_right(self._old_starts, offset) - 1
        if index >= 0:
            start, end, new_start = self._segments[index]
            if offset < end:
                return new_start + offset - start
        following = index + 1
        if following < len(self._segments):
            return self._segments[following][2]
        return self._new_length

    def span(self, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` of the old text mapped onto the new one, widened over changed
        text at either edge (a turn starting or ending with a redacted name keeps it)."""
        new_start = self.exact(start)
        if new_start is None:
            new_start = self.nearest(start)
        last = self.exact(end - 1) if end > start else None
        new_end = last + 1 if last is not None else self.nearest_after(end)
        return new_start, max(new_start, new_end)


def reanchor(
    old_text: str, new_text: str, codings: pd.DataFrame
) -> tuple[pd.DataFrame, ReanchorReport]:
    """Map coded spans from ``old_text`` onto ``new_text``.

    ``codings`` needs integer ``start`` and ``end`` columns (offsets into ``old_text``; the
    rows should belong to that one transcript). Returns ``(codings, report)``: a copy with
    ``start``/``end`` moved to the new text and a ``reanchor`` column (``unchanged``,
    ``moved`` or ``broken``), and a :class:`ReanchorReport`.

    >>> old = "P01: I felt judged by the nurses."
    >>> new = "P01: Honestly, I felt judged by the nurses."
    >>> spans = pd.DataFrame({"code_id": ["stigma"], "start": [5], "end": [18]})
    >>> moved, report = reanchor(old, new, spans)
    >>> new[moved.start[0]:moved.end[0]], report.summary()
    ('I felt judged', '0 unchanged, 1 moved, 0 broken')
    """
    missing = {"start", "end"} - set(codings.columns)
    if missing:
        raise TranscriptError(f"codings lack column(s) {sorted(missing)}", field="start")
    result = codings.copy()
    offsets = OffsetMap(old_text, new_text) if old_text != new_text else None
    new_starts, new_ends, statuses = [], [], []
    for start, end in zip(codings["start"].astype(int), codings["end"].astype(int), strict=True):
        if not 0 <= start <= end <= len(old_text):
            raise TranscriptError(
                f"coded span [{start}, {end}) lies outside the old text (length {len(old_text)})",
                field="start",
            )
        if offsets is None:
            new_starts.append(start)
            new_ends.append(end)
            statuses.append("unchanged")
            continue
        mapped_start = offsets.exact(start) if end > start else offsets.nearest(start)
        mapped_last = offsets.exact(end - 1) if end > start else mapped_start
        if (
            mapped_start is not None
            and mapped_last is not None
            and new_text[mapped_start : mapped_last + (end > start)] == old_text[start:end]
        ):
            new_start, new_end = mapped_start, mapped_last + (1 if end > start else 0)
            status = "unchanged" if (new_start, new_end) == (start, end) else "moved"
        else:
            new_start = offsets.nearest(start)
            new_end = max(new_start, offsets.nearest(end))
            status = "broken"
        new_starts.append(new_start)
        new_ends.append(new_end)
        statuses.append(status)
    result["start"] = pd.Series(new_starts, index=result.index, dtype="int64")
    result["end"] = pd.Series(new_ends, index=result.index, dtype="int64")
    result["reanchor"] = pd.Series(statuses, index=result.index, dtype="object")
    broken_mask = result["reanchor"] == "broken"
    broken = result[broken_mask].copy()
    broken.insert(0, "old_start", codings.loc[broken_mask, "start"].astype(int))
    broken.insert(1, "old_end", codings.loc[broken_mask, "end"].astype(int))
    old_spans = zip(broken.old_start, broken.old_end, strict=True)
    broken["old_text"] = [old_text[s:e] for s, e in old_spans]
    broken["new_text"] = [new_text[s:e] for s, e in zip(broken.start, broken.end, strict=True)]
    report = ReanchorReport(
        n_unchanged=statuses.count("unchanged"),
        n_moved=statuses.count("moved"),
        n_broken=statuses.count("broken"),
        broken=broken,
    )
    return result, report


_CHUNK = re.compile(r"[^\n]*\n*|[^\n]+")


def _chunks(text: str) -> list[str]:
    """Lines with the blank lines after them attached, so that the many identical blank
    lines of a transcript do not make the line diff quadratic."""
    return [chunk for chunk in _CHUNK.findall(text) if chunk]


def _line_starts(lines: list[str]) -> list[int]:
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts
