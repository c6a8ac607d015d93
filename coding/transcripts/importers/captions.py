"""Caption transcripts: WebVTT ``.vtt`` and SubRip ``.srt``.

Zoom, Teams, YouTube and most transcription services export captions: short timed cues. The
cues are read by :func:`coding.transcripts.importers._cues.read_cues`, which keeps every line
of text even where the file breaks the format (warned, naming the lines). Then, per cue:

- **Speaker.** The WebVTT voice tag (``<v Jane Doe>``, character references such as
  ``&#237;`` decoded), else a label at the start of the text (``Jane Doe: …``,
  ``Kelly's iPhone: …``, found with the plain-text speaker patterns). A cue with two voice tags,
  or with two or more lines starting with a dash (``- Are you OK?`` / ``- Fine.``, the
  subtitle convention for two speakers in one cue), is split into one utterance per speaker.
  A leading dash marks a change of speaker, so a dashed utterance never continues the turn
  before it.
- **Attribution.** A cue without a speaker continues the previous speaker's turn (captions
  split sentences across cues) — counted per turn in ``metadata["unlabelled_cues"]`` and
  warned; before any speaker, and for dashed utterances without a name, the speaker is
  ``UNKNOWN``.
- **Text.** Styling and timing tags (``<i>``, ``<c.colorE5E5E5>``, ``<00:00:01.230>``) are
  dropped and WebVTT character references decoded; lines of a cue are joined by a space.
  YouTube auto-captions repeat each line in the next cue ("rolling" captions, recognised by
  their inline word timings): a line equal to the line shown just before it is left out
  (counted and warned), so the words appear once.

Consecutive utterances of one speaker are merged into one turn. The turn keeps its timing in
``metadata``: ``start_time`` and ``end_time`` in seconds and ``cues`` (how many cues were
merged). The text is laid out as ``Speaker: words`` paragraphs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coding.errors import EmptyTranscriptError, TranscriptError
from coding.transcripts._normalize import (
    DEFAULT_MAX_BYTES,
    decode_bytes,
    normalize_text,
    read_bytes,
)
from coding.transcripts._turns import (
    UNKNOWN_SPEAKER,
    Label,
    compile_patterns,
    credible,
    label_metadata,
)
from coding.transcripts.importers._cues import Cue, read_cues, seconds
from coding.transcripts.importers.base import ImportedText, render_turns

__all__ = ["read_captions", "seconds"]

_VOICE = re.compile(r"<v(?:\.[\w.-]+)*[ \t]+([^>]*)>")
_TAG = re.compile(r"</?[^>\s][^>]*>")
_INLINE_TIMING = re.compile(r"<\d{1,2}:\d{2}(?::\d{2})?\.\d{3}>")
_DASH = re.compile(r"^[ \t]*[-–—][ \t]+")


@dataclass
class _Utterance:
    speaker: Any  # a name, a candidate Label while labels are settled, or None (no label)
    words: str
    cue: Cue
    dashed: bool = False  # started with a dash: a new speaker, never a continuation
    original: str = ""  # the words with their label, restored if the label is not credible


@dataclass
class _Turn:
    speaker: str
    parts: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def read_captions(
    path: str | Path,
    *,
    format: str = "vtt",
    speaker_patterns: Iterable[str | re.Pattern[str]] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportedText:
    """Read a ``.vtt`` (``format="vtt"``) or ``.srt`` (``format="srt"``) caption file."""
    raw, warnings = decode_bytes(read_bytes(path, max_bytes=max_bytes), file=path)
    text = normalize_text(raw)
    kind = "WebVTT" if format == "vtt" else "SubRip (.srt)"
    if format == "vtt" and not text.lstrip().startswith("WEBVTT"):
        raise TranscriptError(
            f"not a valid {kind} caption file (it does not start with WEBVTT)", file=path
        )
    parsed = read_cues(text, format=format)
    timed = any(cue.start is not None for cue in parsed.cues) or parsed.bad_timing_lines
    if not timed and (format == "srt" or not parsed.cues):
        message = "no cue timings found" if parsed.cues else "the caption file has no cues"
        error = TranscriptError if format == "srt" else EmptyTranscriptError
        raise error(f"not a valid {kind} caption file ({message})", file=path)
    warnings.extend(_format_warnings(parsed))

    rolling = format == "vtt" and any(
        _INLINE_TIMING.search(line) for cue in parsed.cues for line in cue.lines
    )
    patterns = compile_patterns(speaker_patterns)
    custom = speaker_patterns is not None
    utterances: list[_Utterance] = []
    repeated = 0
    last_line = ""
    for cue in parsed.cues:
        lines = [_clean(line, format) for line in cue.lines]
        lines = [line for line in lines if line]
        if rolling:
            while lines and lines[0] == last_line:
                lines.pop(0)
                repeated += 1
            if lines:
                last_line = lines[-1]
        if not lines:
            continue
        utterances.extend(_split_cue(cue, format, lines, patterns, custom))
    if repeated:
        warnings.append(
            f"YouTube-style rolling captions: {repeated} repeated caption line(s) left out "
            "so that each line appears once"
        )
    _settle_labels(utterances, custom)
    turns, unlabelled = _merge(utterances)
    if not turns:
        raise EmptyTranscriptError("the caption cues have no words", file=path)
    if not any(u.speaker for u in utterances):
        warnings.append(
            "no speaker labels in the captions: every turn is speaker UNKNOWN "
            "(give speaker_patterns if the labels look different)"
        )
        warnings.extend(_names_without_colon(utterances))
    elif unlabelled:
        warnings.append(
            f"{unlabelled} cue(s) without a speaker label were joined to the turn of the "
            "speaker before them (check them with --dry-run)"
        )
    text_out, rendered = render_turns(
        (turn.speaker, " ".join(turn.parts), turn.metadata) for turn in turns
    )
    return ImportedText(text_out, rendered, warnings, format=format)


def _format_warnings(parsed) -> list[str]:
    warnings = []
    if parsed.comma_lines:
        warnings.append(
            f"{len(parsed.comma_lines)} WebVTT timestamp(s) written with a comma (SubRip style), "
            f"read anyway (line(s) {_lines(parsed.comma_lines)})"
        )
    if parsed.bad_timing_lines:
        warnings.append(
            f"{len(parsed.bad_timing_lines)} cue timing(s) could not be read; their words are "
            f"kept without times (line(s) {_lines(parsed.bad_timing_lines)})"
        )
    if parsed.untimed_lines:
        warnings.append(
            f"{len(parsed.untimed_lines)} block(s) of text outside any timed cue kept as "
            f"untimed cues (line(s) {_lines(parsed.untimed_lines)})"
        )
    return warnings


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:8])
    return shown + (f" and {len(numbers) - 8} more" if len(numbers) > 8 else "")


def _clean(line: str, format: str) -> str:
    """A cue line without tags (voice tags are read before this), entities decoded."""
    line = _INLINE_TIMING.sub("", line)
    line = _TAG.sub("", line) if format == "vtt" or "<" in line else line
    if format == "vtt":
        line = html.unescape(line)
    return " ".join(line.split())


def _split_cue(
    cue: Cue, format: str, lines: list[str], patterns: list[re.Pattern[str]], custom: bool
) -> list[_Utterance]:
    """One cue → its utterances (one per voice tag or dashed line)."""
    raw = "\n".join(cue.lines)
    voices = list(_VOICE.finditer(raw)) if format == "vtt" else []
    if voices:
        pieces = []
        for i, match in enumerate(voices):
            end = voices[i + 1].start() if i + 1 < len(voices) else len(raw)
            words = " ".join(_clean(line, format) for line in raw[match.end() : end].split("\n"))
            speaker = " ".join(html.unescape(match.group(1)).split())
            pieces.append(_Utterance(speaker or None, " ".join(words.split()), cue))
        prefix = " ".join(_clean(line, format) for line in raw[: voices[0].start()].split("\n"))
        if prefix.strip() and pieces:
            pieces[0].words = (prefix.strip() + " " + pieces[0].words).strip()
        return [piece for piece in pieces if piece.words]
    dashed = [i for i, line in enumerate(lines) if _DASH.match(line)]
    groups: list[tuple[bool, list[str]]] = []
    if len(dashed) >= 2 or (dashed and dashed[0] == 0):
        for i, line in enumerate(lines):
            if i in dashed:
                groups.append((True, [_DASH.sub("", line)]))
            elif groups:
                groups[-1][1].append(line)
            else:
                groups.append((False, [line]))
    else:
        groups = [(False, lines)]
    utterances = []
    for is_dashed, group in groups:
        words = " ".join(group)
        speaker, rest = _label(words, patterns, custom)
        utterances.append(_Utterance(speaker, rest.strip(), cue, is_dashed, words.strip()))
    return [u for u in utterances if u.words]


def _label(words: str, patterns: list[re.Pattern[str]], custom: bool) -> tuple[Label | None, str]:
    for index, regex in enumerate(patterns):
        match = regex.match(words)
        if match and match.group("speaker"):
            metadata = label_metadata(match.groupdict())
            label = Label(0, match.end(), match.group("speaker").strip(), metadata, index)
            if custom:
                label.pattern = None
            return label, words[match.end() :]  # type: ignore[return-value]
    return None, words


def _settle_labels(utterances: list[_Utterance], custom: bool) -> None:
    """Keep only credible text labels (see :func:`coding.transcripts._turns.credible`); an
    utterance whose label is not credible keeps the label's words as text."""
    candidates = [u.speaker for u in utterances if isinstance(u.speaker, Label)]
    kept = {id(label) for label in credible(candidates)}  # type: ignore[arg-type]
    for utterance in utterances:
        label = utterance.speaker
        if isinstance(label, Label):
            if id(label) in kept:
                utterance.speaker = label.speaker
            else:
                utterance.speaker = None
                utterance.words = utterance.original


_LEADING_NAME = re.compile(r"^([A-Z][\w'’-]+ [A-Z][\w'’-]+)\s")


def _names_without_colon(utterances: list[_Utterance]) -> list[str]:
    """A hint when many cues start with the same capitalised two words (a name written
    without a colon, e.g. ``Tim Davis There are several…``): the speakers cannot be told from
    the words safely, but a ``--speaker-pattern`` can."""
    counts: dict[str, int] = {}
    for utterance in utterances:
        match = _LEADING_NAME.match(utterance.words)
        if match:
            counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    names = sorted((n for n, c in counts.items() if c >= 3), key=lambda n: -counts[n])
    if not names or sum(counts[n] for n in names) < 0.5 * len(utterances):
        return []
    shown = ", ".join(repr(name) for name in names[:4])
    return [
        f"most cues start with a name without a colon ({shown}); if these are speakers, give "
        "--speaker-pattern '(?P<speaker>[A-Z][\\w-]+ [A-Z][\\w-]+) '"
    ]


def _merge(utterances: list[_Utterance]) -> tuple[list[_Turn], int]:
    """Consecutive utterances of one speaker → one turn; returns ``(turns, unlabelled cues
    joined to a named speaker's turn)``."""
    turns: list[_Turn] = []
    unlabelled = 0
    for utterance in utterances:
        speaker = utterance.speaker
        joined = False
        if speaker is None and not utterance.dashed and turns:
            speaker = turns[-1].speaker
            joined = speaker != UNKNOWN_SPEAKER
        speaker = speaker or UNKNOWN_SPEAKER
        cue = utterance.cue
        unnamed_dash = utterance.dashed and utterance.speaker is None
        if turns and turns[-1].speaker == speaker and not unnamed_dash:
            turn = turns[-1]
            turn.parts.append(utterance.words)
            if cue.end is not None:
                turn.metadata["end_time"] = cue.end
            if turn.metadata.get("_last_cue") is not cue:
                turn.metadata["cues"] += 1
                turn.metadata["_last_cue"] = cue
        else:
            turn = _Turn(speaker, [utterance.words], {"cues": 1, "_last_cue": cue})
            if cue.start is not None:
                turn.metadata["start_time"] = cue.start
                turn.metadata["end_time"] = cue.end
            turns.append(turn)
        if joined:
            turn.metadata["unlabelled_cues"] = turn.metadata.get("unlabelled_cues", 0) + 1
            unlabelled += 1
    for turn in turns:
        turn.metadata.pop("_last_cue", None)
        ordered = {k: turn.metadata[k] for k in ("start_time", "end_time") if k in turn.metadata}
        ordered.update({k: v for k, v in turn.metadata.items() if k not in ordered})
        turn.metadata = ordered
    return turns, unlabelled
