"""Speaker turns: the :class:`Turn` record and finding turns in text by speaker label.

Speaker turns (:func:`parse_turns`)
    A line that starts with a speaker label starts a turn; the turn runs to the next label,
    with surrounding whitespace trimmed off. Labels are regular expressions with a named group
    ``speaker`` (and optionally ``time``, ``note``) matched at the start of a line; the
    utterance begins where the match ends. The defaults and the rules that make a match a
    credible label are in :mod:`coding.transcripts._labels`.

Attribution
    Nothing is attributed silently: text before the first label, a known service footer
    (``Transcribed by https://otter.ai``) and paragraphs without a label that were joined to
    the turn before them are reported (``turn.metadata["joined_paragraphs"]``, warnings, and
    :func:`coding.transcripts.attribution_summary`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from coding.errors import TranscriptError
from coding.transcripts._labels import (
    DEFAULT_SPEAKER_PATTERNS,
    label_credibility,
    label_shape,
)

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


@dataclass
class Label:
    """A speaker label found at a line start: ``text[start:end]`` is the label itself."""

    start: int
    end: int
    speaker: str
    metadata: dict[str, str]
    pattern: int | None  # index into DEFAULT_SPEAKER_PATTERNS; None for custom patterns


def label_metadata(groups: dict[str, str | None]) -> dict[str, str]:
    """A label's named groups other than ``speaker``, stripped; a ``bracketed`` time (the
    ``[0:18]`` of ``**Emma** [0:18]``) is the label's ``time``."""
    metadata = {key: value.strip() for key, value in groups.items() if key != "speaker" and value}
    if "bracketed" in metadata:
        metadata.setdefault("time", metadata.pop("bracketed"))
        metadata.pop("bracketed", None)
    return metadata


def find_labels(
    text: str, speaker_patterns: Iterable[str | re.Pattern[str]] | None = None
) -> list[Label]:
    """Every credible speaker label of ``text`` in text order (see :mod:`._labels`)."""
    custom = speaker_patterns is not None
    sources = tuple(
        p.pattern if isinstance(p, re.Pattern) else str(p)
        for p in (DEFAULT_SPEAKER_PATTERNS if speaker_patterns is None else speaker_patterns)
    )
    found = _finder(sources).labels(text)
    if custom:
        for label in found:
            label.pattern = None
    return credible(found)


def credible(labels: list[Label]) -> list[Label]:
    """Drop candidate labels that are text (see :func:`._labels.label_credibility`).

    Labels of the kinds that must recur (lower-case, ``Anand sharma``, Markdown bold,
    bracketed words) count when used often enough, or when the transcript has already
    established labels of the same kind and shape — then a one-off is a speaker who spoke
    once (reported by the rare-speaker warning), not text.
    """
    verdicts = [label_credibility(label.speaker, label.pattern) for label in labels]
    counts: dict[str, int] = {}
    for label in labels:
        key = label.speaker.casefold()
        counts[key] = counts.get(key, 0) + 1
    needed = {"recurring": 2, "frequent": 3}

    def kind(label: Label) -> tuple[int | None, str]:
        return label.pattern, label_shape(label.speaker)

    def enough(label: Label, verdict: str) -> bool:
        return verdict in needed and counts[label.speaker.casefold()] >= needed[verdict]

    established = {
        kind(label)
        for label, verdict in zip(labels, verdicts, strict=True)
        if enough(label, verdict)
    }
    return [
        label
        for label, verdict in zip(labels, verdicts, strict=True)
        if verdict == "ok"
        or enough(label, verdict)
        or (verdict in needed and kind(label) in established)
    ]


FOOTERS = (
    re.compile(r"^[ \t]*Transcribed by (?:https?://)?otter\.ai[ \t]*$", re.IGNORECASE | re.M),
    re.compile(
        r"^[ \t]*\[?\(?END OF (?:AUDIO|RECORDING|TRANSCRIPT|INTERVIEW)\]?\)?[ \t]*$",
        re.IGNORECASE | re.MULTILINE,
    ),
)
"""Lines transcription services append after the last utterance (kept in the text, in no turn)."""


def parse_turns(
    text: str, speaker_patterns: Iterable[str | re.Pattern[str]] | None = None
) -> tuple[list[Turn], list[str]]:
    """Find speaker turns in ``text``; returns ``(turns, warnings)``.

    A turn's ``[start, end)`` covers the words after its label up to the next label, without
    surrounding whitespace. Text before the first label belongs to no turn (warned); a text
    without any label becomes one turn by speaker ``UNKNOWN`` (warned); labels with no words
    after them make no turn (warned); a service footer after the last words is left out of the
    last turn (warned); paragraphs without a label inside a turn are counted in
    ``metadata["joined_paragraphs"]`` (and warned); bracketed times typed inside the words
    (``… [00:05:10] …``) are listed in ``metadata["timestamps"]`` (the text is not changed).

    >>> turns, _ = parse_turns("INTERVIEWER: How was it?\\n\\nP07: Hard.\\nReally hard.")
    >>> [(t.speaker, t.start, t.end) for t in turns]
    [('INTERVIEWER', 13, 24), ('P07', 31, 49)]
    """
    warnings: list[str] = []
    labels = find_labels(text, speaker_patterns)
    limit_all, footer = _footer_start(text)
    if footer:
        warnings.append(f"footer {footer!r} left out of the last turn")
    if not labels:
        start, end = _strip_bounds(text, 0, limit_all)
        warnings.append(
            "no speaker labels found: the whole text is one turn by speaker UNKNOWN "
            "(give speaker_patterns if the labels look different)"
        )
        return [Turn(0, UNKNOWN_SPEAKER, start, end)], warnings
    preamble = text[: labels[0].start]
    if preamble.strip():
        kind = "an Otter.ai header" if _OTTER_HEADER.search(preamble) else "a header?"
        warnings.append(
            f"{len(preamble.strip())} characters before the first speaker label "
            f"are in no turn ({kind})"
        )
    turns: list[Turn] = []
    empty = 0
    joined = 0
    for position, label in enumerate(labels):
        limit = labels[position + 1].start if position + 1 < len(labels) else limit_all
        start, end = _strip_bounds(text, label.end, max(limit, label.end))
        if start == end:
            empty += 1
            continue
        metadata: dict[str, Any] = dict(label.metadata)
        inline = _INLINE_TIME.findall(text, start, end)
        if inline:  # "[00:05:10]" typed inside the words (TranscribeMe): times as metadata too
            metadata["timestamps"] = inline
        paragraphs = len(_PARAGRAPH_BREAK.findall(text, start, end))
        if paragraphs:
            metadata["joined_paragraphs"] = paragraphs
            joined += paragraphs
        turns.append(Turn(len(turns), label.speaker, start, end, metadata))
    if empty:
        warnings.append(f"{empty} speaker label(s) with no words after them made no turn")
    if joined:
        warnings.append(
            f"{joined} paragraph(s) without a speaker label were joined to the turn before "
            "them (check them with --dry-run)"
        )
    page_lines = len(_PAGE_LINES.findall(text, labels[0].start))
    if page_lines:
        warnings.append(
            f'{page_lines} page header/footer line(s) of an exported document ("Page 3 of 12", '
            '"Transcript by Rev.com") are inside turns: remove them from the file before coding'
        )
    warnings.extend(_rare_speaker_warnings(turns))
    return turns, warnings


_PAGE_LINES = re.compile(
    r"^[ \t]*(?:Page \d+ of \d+|Transcript by Rev\.com|This transcript was exported on .*"
    r"|.+ \(Completed \d{1,2}/\d{1,2}/\d{2,4}\))[ \t]*$",
    re.MULTILINE,
)
_OTTER_HEADER = re.compile(r"^(?:SUMMARY KEYWORDS|SPEAKERS)[ \t]*$", re.MULTILINE)
_INLINE_TIME = re.compile(r"\[(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*(?=\S)")


def _footer_start(text: str) -> tuple[int, str | None]:
    """Where a service footer at the end of ``text`` begins (``len(text)`` if none)."""
    tail_start = max(0, len(text) - 400)
    for regex in FOOTERS:
        for match in regex.finditer(text, tail_start):
            if not text[match.end() :].strip():
                return match.start(), match.group().strip()
    return len(text), None


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
    """All candidate speaker labels of a text in one pass.

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

    def labels(self, text: str) -> list[Label]:
        """Candidate labels in text order, not overlapping."""
        if self.first is None or self.rest is None:
            return self._labels_one_by_one(text)
        found: list[Label] = []
        match = self.first.match(text, 0)
        if match is not None:
            self._add(found, match, 0)
        position = found[-1].end if found else 0
        while True:
            match = self.rest.search(text, max(position - 1, 0))
            if match is None:
                break
            start = match.start() + 1
            if start >= position or not found:
                self._add(found, match, start)
            position = max(match.end(), start + 1)
        return found

    def _add(self, found: list[Label], match: re.Match[str], start: int) -> None:
        which = int(match.lastgroup.rsplit("__", 1)[1])  # type: ignore[union-attr]
        values = {name: match.group(combined) for name, combined in self.names[which]}
        speaker = (values.pop("speaker") or "").strip()
        if speaker and match.end() > start:
            found.append(Label(start, match.end(), speaker, label_metadata(values), which))

    def _labels_one_by_one(self, text: str) -> list[Label]:
        by_start: dict[int, tuple[int, re.Match[str]]] = {}
        for which, regex in enumerate(self.single):
            for match in regex.finditer(text):
                if match.end() > match.start() and match.group("speaker"):
                    by_start.setdefault(match.start(), (which, match))
        found: list[Label] = []
        for start in sorted(by_start):
            if found and start < found[-1].end:
                continue
            which, match = by_start[start]
            metadata = label_metadata(match.groupdict())
            found.append(Label(start, match.end(), match.group("speaker").strip(), metadata, which))
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
