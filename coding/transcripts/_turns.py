"""Speaker turns: the :class:`Turn` record and finding turns in text by speaker label.

Speaker turns (:func:`parse_turns`)
    A line that starts with a speaker label starts a turn; the turn runs to the next label,
    with surrounding whitespace trimmed off. Labels are regular expressions with a named group
    ``speaker`` (and optionally ``time``) matched at the start of a line; the utterance begins
    where the match ends. The defaults (:data:`DEFAULT_SPEAKER_PATTERNS`, tried in this order):

    - ``[00:01:02] Name: …`` — bracketed timestamp then a name;
    - ``[Jane Doe] 10:02:33`` on its own line, the words on the following lines (Zoom's
      saved transcript);
    - ``Speaker 1  00:01:02`` on its own line, the words on the following lines (Otter.ai);
    - ``Speaker 1 (00:01): …`` — a name with a time in brackets (Rev);
    - ``Interviewer (I): …`` — a name with an abbreviation in brackets;
    - ``INTERVIEWER: …``, ``P07: …``, ``Dr. Smith: …`` — up to three capitalised words
      (or ids) and a colon.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from coding.errors import TranscriptError

UNKNOWN_SPEAKER = "UNKNOWN"
"""Speaker name given to text that has no speaker label."""


@dataclass
class Turn:
    """One speaker turn: ``text[start:end]`` is what ``speaker`` said (label excluded).

    ``index`` counts turns from 0 in text order. ``metadata`` holds what the source format
    adds, e.g. ``start_time``/``end_time`` in seconds for captions, or ``time`` for a
    bracketed timestamp.
    """

    index: int
    speaker: str
    start: int
    end: int
    metadata: dict[str, Any] = field(default_factory=dict)


_NAME = r"[A-Z][\w.'’-]*(?:[ ][A-Z0-9][\w.'’-]*){0,2}"
DEFAULT_SPEAKER_PATTERNS: tuple[str, ...] = (
    r"\[(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\][ \t]*"
    r"(?P<speaker>[^\s:\[\]][^:\n\[\]]{0,39}?)[ \t]*:[ \t]*",
    r"\[(?P<speaker>[^\]\n:]{1,40})\][ \t]+(?P<time>\d{1,2}:\d{2}(?::\d{2})?)[ \t]*(?=\n|\Z)",
    rf"(?P<speaker>{_NAME})[ \t]+(?P<time>\d{{1,2}}:\d{{2}}(?::\d{{2}})?)[ \t]*(?=\n|\Z)",
    rf"(?P<speaker>{_NAME})[ \t]*\((?P<time>\d{{1,2}}:\d{{2}}(?::\d{{2}})?)\)[ \t]*:[ \t]*",
    rf"(?P<speaker>{_NAME})[ \t]*\((?P<abbrev>[\w.]{{1,6}})\)[ \t]*:[ \t]*",
    rf"(?P<speaker>{_NAME})[ \t]*:[ \t]*",
)
"""Speaker-label regular expressions tried at the start of each line (first match wins)."""


def compile_patterns(patterns: Iterable[str | re.Pattern[str]] | None) -> list[re.Pattern[str]]:
    """Compile speaker-label patterns, anchored at line starts; each needs a ``speaker`` group."""
    compiled = []
    for pattern in DEFAULT_SPEAKER_PATTERNS if patterns is None else patterns:
        source = pattern.pattern if isinstance(pattern, re.Pattern) else str(pattern)
        try:
            regex = re.compile(rf"^(?:{source})", re.MULTILINE)
        except re.error as error:
            raise TranscriptError(
                f"speaker pattern {source!r} is not a regular expression: {error}",
                field="speaker_patterns",
            ) from None
        if "speaker" not in regex.groupindex:
            raise TranscriptError(
                f"speaker pattern {source!r} needs a named group (?P<speaker>…)",
                field="speaker_patterns",
            )
        compiled.append(regex)
    return compiled


def parse_turns(
    text: str, speaker_patterns: Iterable[str | re.Pattern[str]] | None = None
) -> tuple[list[Turn], list[str]]:
    """Find speaker turns in ``text``; returns ``(turns, warnings)``.

    A turn's ``[start, end)`` covers the words after its label up to the next label, without
    surrounding whitespace. Text before the first label belongs to no turn (warned); a text
    without any label becomes one turn by speaker ``UNKNOWN`` (warned); labels with no words
    after them make no turn (warned).

    >>> turns, _ = parse_turns("INTERVIEWER: How was it?\n\nP07: Hard.\nReally hard.")
    >>> [(t.speaker, t.start, t.end) for t in turns]
    [('INTERVIEWER', 13, 24), ('P07', 31, 49)]
    """
    warnings: list[str] = []
    sources = tuple(
        p.pattern if isinstance(p, re.Pattern) else str(p)
        for p in (DEFAULT_SPEAKER_PATTERNS if speaker_patterns is None else speaker_patterns)
    )
    labels = _finder(sources).labels(text)
    if not labels:
        start, end = _strip_bounds(text, 0, len(text))
        warnings.append(
            "no speaker labels found: the whole text is one turn by speaker UNKNOWN "
            "(give speaker_patterns if the labels look different)"
        )
        return [Turn(0, UNKNOWN_SPEAKER, start, end)], warnings
    preamble = text[: labels[0][0]]
    if preamble.strip():
        warnings.append(
            f"{len(preamble.strip())} characters before the first speaker label "
            "are in no turn (a header?)"
        )
    turns: list[Turn] = []
    empty = 0
    for position, (_, label_end, speaker, metadata) in enumerate(labels):
        limit = labels[position + 1][0] if position + 1 < len(labels) else len(text)
        start, end = _strip_bounds(text, label_end, limit)
        if start == end:
            empty += 1
            continue
        turns.append(Turn(len(turns), speaker, start, end, metadata))
    if empty:
        warnings.append(f"{empty} speaker label(s) with no words after them made no turn")
    warnings.extend(_rare_speaker_warnings(turns))
    return turns, warnings


def _rare_speaker_warnings(turns: list[Turn]) -> list[str]:
    """Warn about one-off "speakers" in a conversation between regular ones.

    A line inside an utterance that happens to start like a label (``Note: …``, ``Mom: …``)
    would silently split a turn; when two or more speakers have at least three turns each, a
    speaker seen once is reported so that a person can check it.
    """
    counts: dict[str, int] = {}
    for turn in turns:
        counts[turn.speaker] = counts.get(turn.speaker, 0) + 1
    regular = [speaker for speaker, n in counts.items() if n >= 3]
    once = [speaker for speaker, n in counts.items() if n == 1]
    if len(regular) < 2 or not once:
        return []
    where = {turn.speaker: turn.start for turn in turns if turn.speaker in once}
    listed = ", ".join(f"{speaker!r} (offset {where[speaker]})" for speaker in once[:5])
    return [
        f"speaker label(s) used only once: {listed} — a line inside an utterance that looks "
        "like a label? (give speaker_patterns to be stricter)"
    ]


class _LabelFinder:
    """All speaker labels of a text in one pass.

    The patterns are joined into one alternation (first pattern wins at a line start, as
    listed) behind a literal newline, so the regular-expression engine jumps from newline to
    newline instead of trying every character; the first line is matched separately.
    Patterns that cannot be joined (e.g. global inline flags) are tried one by one.
    """

    def __init__(self, sources: tuple[str, ...]) -> None:
        self.single = compile_patterns(sources)  # validates each pattern
        self.names: list[list[tuple[str, str]]] = []
        parts = []
        for i, regex in enumerate(self.single):
            source = regex.pattern[len("^(?:") : -1]
            renamed = re.sub(r"\(\?P<([A-Za-z_]\w*)>", rf"(?P<\1__{i}>", source)
            renamed = re.sub(r"\(\?P=([A-Za-z_]\w*)\)", rf"(?P=\1__{i})", renamed)
            parts.append(f"(?P<alt__{i}>{renamed})")
            self.names.append([(name, f"{name}__{i}") for name in regex.groupindex])
        alternation = "|".join(parts)
        try:
            self.first = re.compile(f"(?:{alternation})")
            self.rest = re.compile(f"\n(?:{alternation})")
        except re.error:
            self.first = self.rest = None

    def labels(self, text: str) -> list[tuple[int, int, str, dict[str, str]]]:
        """``(label_start, label_end, speaker, metadata)`` in text order, not overlapping."""
        if self.first is None or self.rest is None:
            return self._labels_one_by_one(text)
        found = []
        match = self.first.match(text, 0)
        if match is not None:
            self._add(found, match, 0)
        position = found[-1][1] if found else 0
        while True:
            match = self.rest.search(text, max(position - 1, 0))
            if match is None:
                break
            start = match.start() + 1
            if start >= position or not found:
                self._add(found, match, start)
            position = max(match.end(), start + 1)
        return found

    def _add(self, found: list, match: re.Match[str], start: int) -> None:
        which = int(match.lastgroup.rsplit("__", 1)[1])  # type: ignore[union-attr]
        values = {name: match.group(combined) for name, combined in self.names[which]}
        speaker = (values.pop("speaker") or "").strip()
        if speaker and match.end() > start:
            metadata = {key: value for key, value in values.items() if value is not None}
            found.append((start, match.end(), speaker, metadata))

    def _labels_one_by_one(self, text: str) -> list[tuple[int, int, str, dict[str, str]]]:
        by_start: dict[int, re.Match[str]] = {}
        for regex in self.single:
            for match in regex.finditer(text):
                if match.end() > match.start() and match.group("speaker"):
                    by_start.setdefault(match.start(), match)
        found: list[tuple[int, int, str, dict[str, str]]] = []
        for start in sorted(by_start):
            if found and start < found[-1][1]:
                continue
            match = by_start[start]
            metadata = {
                key: value
                for key, value in match.groupdict().items()
                if key != "speaker" and value is not None
            }
            found.append((start, match.end(), match.group("speaker").strip(), metadata))
        return found


@functools.lru_cache(maxsize=32)
def _finder(sources: tuple[str, ...]) -> _LabelFinder:
    return _LabelFinder(sources)


def _strip_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` narrowed to exclude leading and trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
