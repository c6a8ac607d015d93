"""Caption transcripts: WebVTT ``.vtt`` and SubRip ``.srt`` (webvtt-py).

Zoom, Teams and most transcription services export captions: short timed cues. Each cue's
speaker is its WebVTT voice tag (``<v Jane Doe>``) or a label at the start of its text
(``Jane Doe: …``, found with the same speaker patterns as plain text). A cue without a speaker
continues the previous speaker's turn (captions split sentences across cues); before any
speaker it is ``UNKNOWN``. Consecutive cues of one speaker are merged into one turn, the cue
texts joined by a space (line breaks inside a cue are caption wrapping and become spaces).
Styling tags (``<i>``, ``<c.x>``) are dropped and WebVTT character references (``&amp;``,
``&lt;``) decoded.
The turn keeps its timing in ``metadata``: ``start_time`` and ``end_time`` in seconds and
``cues`` (how many cues were merged). The text is laid out as ``Speaker: words`` paragraphs.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from coding.errors import EmptyTranscriptError, TranscriptError
from coding.transcripts._normalize import (
    DEFAULT_MAX_BYTES,
    decode_bytes,
    normalize_text,
    read_bytes,
)
from coding.transcripts._turns import UNKNOWN_SPEAKER, compile_patterns
from coding.transcripts.importers.base import ImportedText, render_turns

_TIMESTAMP = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$")


def seconds(timestamp: str) -> float:
    """``"01:02:03.500"`` (or ``"02:03,5"``) → 3723.5 seconds."""
    match = _TIMESTAMP.match(timestamp.strip())
    if not match:
        raise ValueError(f"not a timestamp: {timestamp!r}")
    hours, minutes, secs, fraction = match.groups()
    value = int(hours or 0) * 3600 + int(minutes) * 60 + int(secs)
    return value + (int(fraction.ljust(3, "0")) / 1000 if fraction else 0.0)


def read_captions(
    path: str | Path,
    *,
    format: str = "vtt",
    speaker_patterns: Iterable[str | re.Pattern[str]] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportedText:
    """Read a ``.vtt`` (``format="vtt"``) or ``.srt`` (``format="srt"``) caption file."""
    import webvtt
    from webvtt.errors import MalformedFileError

    raw, warnings = decode_bytes(read_bytes(path, max_bytes=max_bytes), file=path)
    text = normalize_text(raw)
    try:
        captions = webvtt.from_buffer(io.StringIO(text), format=format)
    except MalformedFileError as error:
        kind = "WebVTT" if format == "vtt" else "SubRip (.srt)"
        raise TranscriptError(f"not a valid {kind} caption file ({error})", file=path) from None
    cues = list(captions)
    if not cues:
        raise EmptyTranscriptError("the caption file has no cues", file=path)

    patterns = compile_patterns(speaker_patterns)
    merged: list[tuple[str, list[str], dict[str, Any]]] = []
    labelled = 0
    for cue in cues:
        cue_text = html.unescape(cue.text) if format == "vtt" else cue.text
        words = " ".join(line.strip() for line in normalize_text(cue_text).split("\n"))
        speaker = (cue.voice or "").strip() or None
        if speaker is None:
            speaker, words = _label(words, patterns)
        words = words.strip()
        if speaker is not None:
            labelled += 1
        elif merged:
            speaker = merged[-1][0]
        else:
            speaker = UNKNOWN_SPEAKER
        if not words:
            continue
        start, end = seconds(cue.start), seconds(cue.end)
        if merged and merged[-1][0] == speaker:
            merged[-1][1].append(words)
            merged[-1][2]["end_time"] = end
            merged[-1][2]["cues"] += 1
        else:
            merged.append((speaker, [words], {"start_time": start, "end_time": end, "cues": 1}))
    if not merged:
        raise EmptyTranscriptError("the caption cues have no words", file=path)
    if not labelled:
        warnings.append(
            "no speaker labels in the captions: every turn is speaker UNKNOWN "
            "(give speaker_patterns if the labels look different)"
        )
    text, turns = render_turns(
        (speaker, " ".join(parts), metadata) for speaker, parts, metadata in merged
    )
    return ImportedText(text, turns, warnings, format=format)


def _label(words: str, patterns: list[re.Pattern[str]]) -> tuple[str | None, str]:
    for regex in patterns:
        match = regex.match(words)
        if match and match.group("speaker"):
            return match.group("speaker").strip(), words[match.end() :]
    return None, words
