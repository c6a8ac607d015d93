"""Word ``.docx`` transcripts (python-docx).

Paragraphs are read in document order, normalised, and joined with a blank line between them,
so the text has the same shape as a plain-text transcript and speaker labels are found the
same way (:func:`coding.transcripts.importers.text.parse_turns`). Empty paragraphs are dropped.

Speaker labels may also be bold text without a colon (``**Interviewer** How are you?``, or
a bold ``Interviewer`` on its own line): when more paragraphs start with a bold label than
the speaker patterns find, each bold label starts a turn and unlabelled paragraphs continue
it (counted in ``metadata["joined_paragraphs"]`` and warned). The bold headings of an Otter.ai
export (``SUMMARY KEYWORDS``, ``SPEAKERS``) are not labels.

Timestamps typed into the paragraphs (``… and then I left. [00:05:10] After that …``) are
taken out of the text and kept in the turn's metadata (``timestamps``, and ``time`` for the
first), so that they are not coded as words; a ``[00:01:23] Name: …`` label keeps its time as
``time`` as in plain text.

Transcripts laid out as a table — one row per turn, cells ``speaker | words`` or
``time | speaker | words`` — are read row by row instead: each row becomes a turn
(consecutive rows of one speaker are kept as separate turns, as in the document).
Old binary ``.doc`` files cannot be read: save them as ``.docx`` first.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from coding.errors import EmptyTranscriptError, TranscriptError
from coding.transcripts._normalize import DEFAULT_MAX_BYTES, normalize_text, read_bytes
from coding.transcripts._turns import parse_turns
from coding.transcripts.importers.base import ImportedText, render_turns

_HEADER_WORDS = {
    "time",
    "timestamp",
    "speaker",
    "name",
    "text",
    "utterance",
    "transcript",
    "words",
    "start",
    "end",
    "who",
    "said",
}
_TIME = re.compile(r"^\[?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\]?$")
_INLINE_TIME = re.compile(r"[ \t]*\[(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\][ \t]*")
_LEADING_TIME_LABEL = re.compile(
    r"^\[\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\][ \t]*[^\s:\[\]][^:\n\[\]]{0,39}:"
)
_UNNAMED_TIME = re.compile(r"^\[(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\][ \t]*:[ \t]*")
_OTTER_HEADINGS = {"summary keywords", "speakers", "keywords", "summary"}


def read_docx(
    path: str | Path,
    *,
    speaker_patterns: Iterable[str | re.Pattern[str]] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportedText:
    """Read a ``.docx`` transcript; see the module docstring for the layout rules."""
    import io

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    data = read_bytes(path, max_bytes=max_bytes)
    _check_unpacked_size(data, path, limit=4 * max_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise TranscriptError(
            f"not a readable Word .docx file ({error}); save it again from Word as .docx",
            file=path,
        ) from None

    paragraphs: list[str] = []
    times: list[list[str]] = []  # timestamps taken out of each paragraph
    bold: list[tuple[str | None, str]] = []  # (bold label or None, words) per paragraph
    rows: list[tuple[str, str, dict[str, str]]] = []
    pending: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                turn = _row_turn([normalize_text(cell.text).strip() for cell in row.cells])
                if turn is not None:
                    rows.append(turn)
        else:
            text, found = _take_timestamps(normalize_text(block.text).strip())
            pending.extend(found)
            if text:
                paragraphs.append(text)
                times.append(pending)
                pending = []
                label, words = _bold_label(block)
                if found and label is None:
                    words = text
                elif found:
                    words = _take_timestamps(words)[0]
                bold.append((label, words))

    warnings: list[str] = []
    if rows:
        if paragraphs:
            warnings.append(
                f"{len(paragraphs)} paragraph(s) outside the transcript table were left out"
            )
        text, turns = render_turns(rows)
        return ImportedText(text, turns, warnings, format="docx-table")
    text = "\n\n".join(paragraphs)
    if not text.strip():
        raise EmptyTranscriptError("the Word document has no text", file=path)
    turns, turn_warnings = parse_turns(text, speaker_patterns)
    n_bold = sum(label is not None for label, _ in bold)
    labelled = len(turns) if not any("no speaker labels" in w for w in turn_warnings) else 0
    if n_bold >= 2 and n_bold > labelled:
        return _bold_turns(bold, times, path)
    n_times = _attach_timestamps(paragraphs, times, turns)
    if n_times:
        warnings.append(
            f"{n_times} timestamp(s) typed in the paragraphs were taken out of the text and kept "
            "in the turns' metadata"
        )
    return ImportedText(text, turns, warnings + turn_warnings, format="docx")


def _take_timestamps(text: str) -> tuple[str, list[str]]:
    """``"Yes. [00:01:02] And"`` → ``("Yes. And", ["00:01:02"])``; a leading ``[time] Name:``
    label is left alone (its time is the label's)."""
    keep = ""
    unnamed = _UNNAMED_TIME.match(text)  # "[00:41] : um" — a time and a colon, no name
    if unnamed:
        rest, found = _take_timestamps(text[unnamed.end() :])
        return rest, [unnamed.group(1), *found]
    if _LEADING_TIME_LABEL.match(text):
        end = text.index("]") + 1
        keep, text = text[:end], text[end:]
    found = _INLINE_TIME.findall(text)
    if not found:
        return keep + text, []
    cleaned = _INLINE_TIME.sub(" ", text).strip()
    return (keep + (" " if keep and cleaned else "") + cleaned).strip(), found


def _attach_timestamps(paragraphs: list[str], times: list[list[str]], turns: list) -> int:
    """Give each turn the timestamps taken out of its paragraphs; returns how many."""
    import bisect

    starts = [turn.start for turn in turns]
    offset = 0
    total = 0
    for paragraph, found in zip(paragraphs, times, strict=True):
        end = offset + len(paragraph)
        if found and turns:
            position = bisect.bisect_right(starts, end - 1) - 1
            if position < 0 or end <= turns[position].start or offset >= turns[position].end:
                position = min(position + 1, len(turns) - 1)
            metadata = turns[position].metadata
            metadata.setdefault("timestamps", []).extend(found)
            metadata.setdefault("time", found[0])
            total += len(found)
        offset = end + 2
    return total


def _bold_label(paragraph) -> tuple[str | None, str]:
    """``("Interviewer", "How are you?")`` for a paragraph starting with a short bold label
    (``**Interviewer** How are you?`` or a bold ``Interviewer`` alone); else ``(None, text)``."""
    text = normalize_text(paragraph.text)
    prefix = []
    for run in paragraph.runs:
        if not run.text.strip() and prefix:
            prefix.append(run.text)
            continue
        if run.bold:
            prefix.append(run.text)
        else:
            break
    label_text = "".join(prefix)
    label = normalize_text(label_text).strip().rstrip(":").strip()
    if not label or len(label) > 40 or not text.startswith(normalize_text(label_text)):
        return None, text.strip()
    if label.casefold() in _OTTER_HEADINGS:
        return None, text.strip()
    rest = text[len(normalize_text(label_text)) :].lstrip(" \t:").strip()
    if not rest and label[-1] in ".?!":
        return None, text.strip()  # a bold sentence, not a label
    return label, rest


def _bold_turns(
    paragraphs: list[tuple[str | None, str]], times: list[list[str]], path: str | Path
) -> ImportedText:
    """Turns from paragraphs whose speaker label is bold text; unlabelled paragraphs continue
    the current turn (counted as joined)."""
    turns: list[list] = []
    preamble = 0
    joined = 0
    for (label, words), found in zip(paragraphs, times, strict=True):
        if label is not None:
            label, metadata = _split_label(label)
            turns.append([label, [words] if words else [], metadata])
        elif turns:
            if turns[-1][1]:
                joined += 1
            turns[-1][1].append(words)
        else:
            preamble += 1
            continue
        if found:
            turns[-1][2].setdefault("timestamps", []).extend(found)
            turns[-1][2].setdefault("time", found[0])
    warnings = []
    if preamble:
        warnings.append(f"{preamble} paragraph(s) before the first bold speaker label left out")
    if joined:
        warnings.append(
            f"{joined} paragraph(s) without a speaker label were joined to the turn before "
            "them (check them with --dry-run)"
        )
    kept = []
    for label, parts, metadata in turns:
        if parts:
            if len(parts) > 1:
                metadata["joined_paragraphs"] = len(parts) - 1
            kept.append((label, "\n\n".join(parts), metadata))
    if len(kept) < len(turns):
        warnings.append(f"{len(turns) - len(kept)} bold label(s) with no words made no turn")
    if not kept:
        raise EmptyTranscriptError("the Word document has no words after its labels", file=path)
    text, rendered = render_turns(kept)
    return ImportedText(text, rendered, warnings, format="docx-bold-labels")


def _split_label(label: str) -> tuple[str, dict[str, str]]:
    """``"Interviewer (I)  00:00"`` → ``("Interviewer", {"note": "I", "time": "00:00"})``."""
    metadata: dict[str, str] = {}
    match = re.match(r"^(.*?\S)[ \t]+\[?(\d{1,2}:\d{2}(?::\d{2})?)\]?$", label)
    if match:
        label, metadata["time"] = match.group(1), match.group(2)
    match = re.match(r"^(.*?\S)[ \t]*\(([^()]{1,40})\)$", label)
    if match:
        label, metadata["note"] = match.group(1), match.group(2).strip()
    return label, metadata


def _check_unpacked_size(data: bytes, path: str | Path, *, limit: int) -> None:
    """Refuse a .docx whose parts unpack to more than ``limit`` bytes (a zip bomb)."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise TranscriptError(
            "not a readable Word .docx file (not a zip archive); save it again from Word as .docx",
            file=path,
        ) from None
    if total > limit:
        raise TranscriptError(
            f"the Word file unpacks to {total / 1e6:.0f} MB, over the limit of "
            f"{limit / 1e6:.0f} MB (4 × max_bytes): refused as a possible zip bomb",
            file=path,
        )


def _row_turn(cells: list[str]) -> tuple[str, str, dict[str, str]] | None:
    """``speaker | words`` or ``time | speaker | words`` → a turn; anything else → None."""
    # python-docx repeats a merged cell's text; drop consecutive duplicates.
    cells = [c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1]]
    if all(c.lower().strip(" :") in _HEADER_WORDS for c in cells if c):
        return None  # a header row
    metadata: dict[str, str] = {}
    if len(cells) >= 3 and _TIME.match(cells[0]):
        metadata["time"] = cells[0].strip("[]")
        cells = cells[1:]
    if len(cells) < 2:
        return None
    speaker, words = cells[0].rstrip(":").strip(), " ".join(c for c in cells[1:] if c)
    if not speaker or not words or len(speaker) > 40:
        return None
    return speaker, words, metadata
