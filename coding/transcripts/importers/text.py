"""Plain-text transcripts: safe decoding, normalisation and speaker-turn detection.

Decoding (:func:`decode_bytes`)
    UTF-8 (a byte-order mark is dropped); UTF-16 when the file starts with a UTF-16 BOM;
    otherwise Windows-1252 with a warning (Word on Windows saves "ANSI" text in it). Files with
    NUL bytes or bytes that are not text in either encoding are refused
    (:class:`~coding.errors.BinaryFileError`); an empty or whitespace-only file is
    refused (:class:`~coding.errors.EmptyTranscriptError`).

Normalisation (:func:`normalize_text`)
    CRLF and lone CR become LF, a leading BOM is removed, and the text is put in Unicode
    NFC; nothing else changes (no trimming, no whitespace folding, no quote replacement).
    Offsets index the normalised text. NFC can make the text shorter than the raw characters
    (``e`` + combining acute → ``é``), and CRLF → LF shortens it by one per line, so offsets
    are never byte offsets into the original file. Normalising twice changes nothing, so a
    transcript re-imported from dyadlab's own ``.txt`` keeps its offsets.

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

import codecs
import functools
import logging
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from coding.errors import (
    BinaryFileError,
    EmptyTranscriptError,
    TranscriptError,
    TranscriptTooLargeError,
)
from coding.transcripts._model import UNKNOWN_SPEAKER, Turn
from coding.transcripts.importers.base import ImportedText

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
"""Files larger than this (100 MiB) are refused unless a larger ``max_bytes`` is given."""

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

# Bytes that Windows-1252 leaves undefined; Python's cp1252 codec rejects them.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def read_bytes(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a file's bytes, refusing files over ``max_bytes`` before reading them."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise TranscriptError("file not found", file=path) from None
    if path.is_dir():
        raise TranscriptError("is a folder, expected a transcript file", file=path)
    if size > max_bytes:
        raise TranscriptTooLargeError(
            f"file is {size / 1e6:.1f} MB, over the limit of {max_bytes / 1e6:.1f} MB "
            "(raise max_bytes / --max-mb if this is really one transcript)",
            file=path,
        )
    try:
        return path.read_bytes()
    except OSError as error:
        raise TranscriptError(f"cannot read the file ({error.strerror})", file=path) from None


def decode_bytes(data: bytes, *, file: str | Path | None = None) -> tuple[str, list[str]]:
    """Decode transcript bytes to ``str``; returns ``(text, warnings)``.

    UTF-8 (BOM allowed) first; UTF-16 if a UTF-16 BOM starts the file; else cp1252 with a
    warning. NUL bytes, undecodable bytes or control characters mean binary data and raise
    :class:`BinaryFileError`; an empty result raises :class:`EmptyTranscriptError`.

    >>> decode_bytes("café".encode("cp1252"))
    ('café', ['not valid UTF-8; read as Windows-1252 (cp1252) — check accented letters'])
    """
    warnings: list[str] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise BinaryFileError(
                f"starts with a UTF-16 byte-order mark but is not UTF-16 ({error.reason})",
                file=file,
            ) from None
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise BinaryFileError(
                f"contains NUL bytes (first at byte {nul}): a binary file, not a text transcript",
                file=file,
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise BinaryFileError(
                    f"line {line}: byte {error.start} is neither UTF-8 nor Windows-1252 text; "
                    "save the transcript as UTF-8 text",
                    file=file,
                ) from None
            message = "not valid UTF-8; read as Windows-1252 (cp1252) — check accented letters"
            warnings.append(message)
            logger.warning("%s: %s (first bad byte on line %d)", file or "<text>", message, line)
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise BinaryFileError(
            f"line {line}: control character {control.group()!r} — a binary file, not text",
            file=file,
        )
    if not text.strip():
        raise EmptyTranscriptError("the transcript is empty (no text)", file=file)
    return text, warnings


def normalize_text(text: str) -> str:
    """CRLF/CR → LF, drop a leading BOM, Unicode NFC; nothing else.

    >>> normalize_text("\\ufeffA\\r\\nB\\rCafe\\u0301")
    'A\\nB\\nCafé'
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


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


def read_text(
    path: str | Path,
    *,
    speaker_patterns: Iterable[str | re.Pattern[str]] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportedText:
    """Read a plain-text transcript: decode, normalise, find speaker turns."""
    text, warnings = decode_bytes(read_bytes(path, max_bytes=max_bytes), file=path)
    text = normalize_text(text)
    turns, turn_warnings = parse_turns(text, speaker_patterns)
    return ImportedText(text, turns, warnings + turn_warnings, format="text")
