"""CSV transcripts: one turn a row, columns ``speaker``, ``text`` and optionally ``start_time``.

Column names are matched without regard to case or surrounding spaces; ``name`` is accepted
for ``speaker``, ``utterance`` for ``text``, ``start``/``time`` for ``start_time`` and ``end``
for ``end_time``. Times are seconds (``62.5``) or clock times (``00:01:02.5``) and are kept in
the turn's metadata in seconds. Each row is one turn (rows are not merged). The text is laid
out as ``speaker: words`` paragraphs separated by blank lines.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from coding.errors import EmptyTranscriptError, TranscriptError
from coding.transcripts._normalize import (
    DEFAULT_MAX_BYTES,
    decode_bytes,
    normalize_text,
    read_bytes,
)
from coding.transcripts._turns import UNKNOWN_SPEAKER
from coding.transcripts.importers.base import ImportedText, render_turns
from coding.transcripts.importers.captions import seconds

_ALIASES = {
    "speaker": ("speaker", "name"),
    "text": ("text", "utterance"),
    "start_time": ("start_time", "start", "time"),
    "end_time": ("end_time", "end"),
}


def read_csv_transcript(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ImportedText:
    """Read a CSV transcript (see the module docstring)."""
    raw, warnings = decode_bytes(read_bytes(path, max_bytes=max_bytes), file=path)
    reader = csv.reader(io.StringIO(normalize_text(raw), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise EmptyTranscriptError("the CSV file is empty", file=path) from None
    names = [name.strip().lower() for name in header]
    columns: dict[str, int] = {}
    for key, aliases in _ALIASES.items():
        for alias in aliases:
            if alias in names:
                columns[key] = names.index(alias)
                break
    missing = [key for key in ("speaker", "text") if key not in columns]
    if missing:
        raise TranscriptError(
            f"CSV transcript needs columns 'speaker' and 'text' (one turn a row); "
            f"missing {missing}, found {header}",
            file=path,
            line=1,
            field=missing[0],
        )

    rows: list[tuple[str, str, dict[str, Any]]] = []
    skipped: list[int] = []
    unknown = 0
    for row_number, row in enumerate(reader, start=1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise TranscriptError(
                f"has {len(row)} cells, the header has {len(header)}",
                file=path,
                row=row_number,
            )
        speaker = row[columns["speaker"]].strip()
        words = row[columns["text"]].strip()
        if not words:
            skipped.append(row_number)
            continue
        if not speaker:
            unknown += 1
            speaker = UNKNOWN_SPEAKER
        metadata: dict[str, Any] = {}
        for key in ("start_time", "end_time"):
            if key in columns and row[columns[key]].strip():
                value = row[columns[key]].strip()
                try:
                    metadata[key] = float(value) if ":" not in value else seconds(value)
                except ValueError:
                    raise TranscriptError(
                        f"expected seconds (62.5) or a clock time (00:01:02.5), got {value!r}",
                        file=path,
                        row=row_number,
                        field=header[columns[key]],
                    ) from None
        rows.append((speaker, words, metadata))
    if not rows:
        raise EmptyTranscriptError("the CSV transcript has no rows with text", file=path)
    if skipped:
        warnings.append(f"{len(skipped)} row(s) without text skipped (rows {skipped[:10]})")
    if unknown:
        warnings.append(f"{unknown} row(s) without a speaker: speaker UNKNOWN")
    text, turns = render_turns(rows)
    return ImportedText(text, turns, warnings, format="csv")
