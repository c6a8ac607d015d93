"""Reading caption cues from WebVTT and SubRip text, tolerantly.

Caption files from real tools break the specifications in small ways that strict parsers
reject or silently skip: Microsoft Teams writes ``0:0:1.230`` timestamps, hand-edited WebVTT
files use SubRip's comma (``00:00:01,000``), YouTube's auto-captions put cues on consecutive
lines without the blank line between them, SubRip files lose a timing line when edited.
:func:`read_cues` therefore reads line by line and never drops text: a cue whose timing cannot
be read keeps its words (without times) and is counted in ``CueFile.problems``, which the
caption importer turns into warnings naming the lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TIMING = re.compile(r"^[ \t]*(?P<start>\S+)[ \t]+-->[ \t]+(?P<end>\S+)(?P<settings>.*)$")
_HEADER_FIELD = re.compile(r"^(?:Kind|Language|X-TIMESTAMP-MAP)[ \t]*[:=]", re.IGNORECASE)
_TIMESTAMP = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:([.,])(\d{1,3}))?$")


@dataclass
class Cue:
    """One caption cue: its raw text lines (tags not yet removed) and times in seconds."""

    line: int  # 1-based line of the cue's timing (or first text) line
    lines: list[str]
    start: float | None = None
    end: float | None = None


@dataclass
class CueFile:
    """The cues of a caption file and what could not be read as the format says."""

    cues: list[Cue] = field(default_factory=list)
    comma_lines: list[int] = field(default_factory=list)  # WebVTT timestamps with a comma
    bad_timing_lines: list[int] = field(default_factory=list)  # timing not understood
    untimed_lines: list[int] = field(default_factory=list)  # text outside any timed cue


def seconds(timestamp: str) -> float:
    """``"01:02:03.500"`` (or ``"02:03,5"``, or Teams' ``"0:0:3.5"``) → seconds.

    >>> seconds("01:02:03.500"), seconds("0:0:0.570"), seconds("00:01,5")
    (3723.5, 0.57, 1.5)
    """
    match = _TIMESTAMP.match(timestamp.strip())
    if not match:
        raise ValueError(f"not a timestamp: {timestamp!r}")
    hours, minutes, secs, _, fraction = match.groups()
    if int(secs) >= 60 or (hours is not None and int(minutes) >= 60):
        raise ValueError(f"not a timestamp: {timestamp!r}")
    value = int(hours or 0) * 3600 + int(minutes) * 60 + int(secs)
    return value + (int(fraction.ljust(3, "0")) / 1000 if fraction else 0.0)


def read_cues(text: str, *, format: str) -> CueFile:
    """The cues of normalised caption ``text`` (``format`` ``"vtt"`` or ``"srt"``).

    WebVTT header, ``NOTE``, ``STYLE`` and ``REGION`` blocks are skipped; a cue identifier
    (the first line of a block when a timing line follows it, or an SRT index) is not text.
    A block without a timing line is kept as a cue without times (``untimed_lines``).
    """
    result = CueFile()
    lines = text.split("\n")
    position = 0
    if format == "vtt":  # the header block runs to the first blank line
        while position < len(lines) and lines[position].strip():
            position += 1
    current: Cue | None = None
    pending: tuple[int, str] | None = None  # first line of a block, before we know what it is
    block_start = True
    skipping = False  # inside a NOTE / STYLE / REGION block

    def flush_pending() -> None:
        nonlocal pending, current
        if pending is not None:
            number, line = pending
            if not (format == "srt" and line.isdigit()):
                current = Cue(line=number, lines=[line])
                result.cues.append(current)
                result.untimed_lines.append(number)
            pending = None

    seen_timing = False
    for index in range(position, len(lines)):
        raw = lines[index]
        stripped = raw.strip()
        # WebVTT ends a cue only at an empty line; YouTube writes lines of one space inside cues
        separator = raw == "" if format == "vtt" and current is not None else not stripped
        if separator:
            flush_pending()
            block_start, skipping = True, False
            continue
        if not stripped:
            continue
        if block_start and format == "vtt" and re.match(r"^(?:NOTE|STYLE|REGION)\b", stripped):
            skipping = True
        if block_start and format == "vtt" and not seen_timing and _HEADER_FIELD.match(stripped):
            skipping = True  # "Kind: captions" / "Language: en" after a blank line
        if skipping:
            continue
        timing = _TIMING.match(raw)
        if timing:
            seen_timing = True
            pending = None  # the block's first line was the cue identifier
            if (
                format == "srt"
                and current is not None
                and current.lines
                and current.lines[-1].strip().isdigit()
            ):
                current.lines.pop()  # an SRT index not preceded by a blank line
            current = Cue(line=index + 1, lines=[])
            _set_times(current, timing, format, result)
            result.cues.append(current)
            block_start = False
            continue
        if block_start:
            pending = (index + 1, stripped)
            block_start = False
            current = None
            continue
        if pending is not None:  # a second text line: this block has no timing line
            flush_pending()
        if current is None:
            current = Cue(line=index + 1, lines=[])
            result.cues.append(current)
            result.untimed_lines.append(index + 1)
        current.lines.append(raw.rstrip())
    flush_pending()
    result.cues = [cue for cue in result.cues if any(line.strip() for line in cue.lines)]
    return result


def _set_times(cue: Cue, timing: re.Match[str], format: str, result: CueFile) -> None:
    start, end = timing.group("start"), timing.group("end")
    try:
        cue.start, cue.end = seconds(start), seconds(end)
    except ValueError:
        result.bad_timing_lines.append(cue.line)
        return
    if format == "vtt" and ("," in start or "," in end):
        result.comma_lines.append(cue.line)
