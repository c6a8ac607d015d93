"""Word ``.docx`` transcripts (python-docx).

Paragraphs are read in document order, normalised, and joined with a blank line between them,
so the text has the same shape as a plain-text transcript and speaker labels are found the
same way (:func:`coding.transcripts.importers.text.parse_turns`). Empty paragraphs are dropped.

Speaker labels may also be bold text without a colon (``**Interviewer** How are you?``, or
a bold ``Interviewer`` on its own line): when more paragraphs start with a bold label than
the speaker patterns find, each bold label starts a turn and unlabelled paragraphs continue
it.

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
    bold: list[tuple[str | None, str]] = []  # (bold label or None, words) per paragraph
    rows: list[tuple[str, str, dict[str, str]]] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                turn = _row_turn([normalize_text(cell.text).strip() for cell in row.cells])
                if turn is not None:
                    rows.append(turn)
        else:
            text = normalize_text(block.text).strip()
            if text:
                paragraphs.append(text)
                bold.append(_bold_label(block))

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
        return _bold_turns(bold, path)
    return ImportedText(text, turns, warnings + turn_warnings, format="docx")


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
    rest = text[len(normalize_text(label_text)) :].lstrip(" \t:").strip()
    if not rest and label[-1] in ".?!":
        return None, text.strip()  # a bold sentence, not a label
    return label, rest


def _bold_turns(paragraphs: list[tuple[str | None, str]], path: str | Path) -> ImportedText:
    """Turns from paragraphs whose speaker label is bold text; unlabelled paragraphs continue
    the current turn."""
    turns: list[list] = []
    preamble = 0
    for label, words in paragraphs:
        if label is not None:
            turns.append([label, [words] if words else []])
        elif turns:
            turns[-1][1].append(words)
        else:
            preamble += 1
    warnings = []
    if preamble:
        warnings.append(f"{preamble} paragraph(s) before the first bold speaker label left out")
    kept = [(label, "\n\n".join(parts), {}) for label, parts in turns if parts]
    if len(kept) < len(turns):
        warnings.append(f"{len(turns) - len(kept)} bold label(s) with no words made no turn")
    if not kept:
        raise EmptyTranscriptError("the Word document has no words after its labels", file=path)
    text, rendered = render_turns(kept)
    return ImportedText(text, rendered, warnings, format="docx-bold-labels")


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
