"""Transcripts: read interview files into :class:`Transcript` records and a :class:`Corpus`.

The public entry points:

- :func:`read_transcript` — one file (plain text, Word ``.docx``, WebVTT/SRT captions, CSV);
- :func:`load_corpus` — a study's transcript manifest, joined with its participants table;
- :func:`reanchor` — map coded spans onto a changed re-import of a transcript.

Offsets (turns, coded spans) are Python string indices into the *normalised* text: CRLF/CR →
LF, leading BOM removed, Unicode NFC (see :mod:`coding.transcripts.importers.text`). NFC may make
the text
shorter than the raw file's characters, so offsets are never byte positions in the file.

>>> from coding.transcripts import read_transcript
>>> t = read_transcript("demo/transcripts/INT-P07.txt", participant_id="P07", role="patient")
>>> t.turn_frame()[["turn", "speaker"]].head(2).values.tolist()
[[0, 'INTERVIEWER'], [1, 'P07']]
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from coding.errors import (
    BinaryFileError,
    EmptyTranscriptError,
    ReanchorError,
    TranscriptError,
    TranscriptTooLargeError,
    UnsupportedFormatError,
)
from coding.transcripts._attribution import attribution_summary
from coding.transcripts._corpus import TURN_COLUMNS, Corpus
from coding.transcripts._model import ROLES, Transcript
from coding.transcripts._normalize import DEFAULT_MAX_BYTES, decode_bytes, normalize_text
from coding.transcripts._reanchor import ReanchorReport, reanchor
from coding.transcripts._turns import DEFAULT_SPEAKER_PATTERNS, UNKNOWN_SPEAKER, Turn, parse_turns
from coding.transcripts.importers.base import ImportedText
from coding.transcripts.importers.sidecar import read_sidecar
from coding.transcripts.importers.text import read_text

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_SPEAKER_PATTERNS",
    "ROLES",
    "SUPPORTED_SUFFIXES",
    "TURN_COLUMNS",
    "UNKNOWN_SPEAKER",
    "BinaryFileError",
    "Corpus",
    "EmptyTranscriptError",
    "ReanchorError",
    "ReanchorReport",
    "Transcript",
    "TranscriptError",
    "TranscriptTooLargeError",
    "Turn",
    "UnsupportedFormatError",
    "attribution_summary",
    "decode_bytes",
    "load_corpus",
    "normalize_text",
    "parse_turns",
    "read_transcript",
    "reanchor",
]

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".docx": "docx",
    ".vtt": "vtt",
    ".srt": "srt",
    ".csv": "csv",
}
"""File name endings :func:`read_transcript` understands, and the format each means."""

MANIFEST_COLUMNS = ["transcript_id", "participant_id", "file", "interview_date", "interviewer"]
_REQUIRED_MANIFEST = ["transcript_id", "participant_id", "file"]
_PARTICIPANT_FIELDS = ["site", "person_id", "provider_type"]


def read_transcript(
    path: str | Path,
    *,
    transcript_id: str | None = None,
    participant_id: str | None = None,
    role: str | None = None,
    speaker_patterns: Iterable[str | re.Pattern[str]] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    metadata: Mapping[str, Any] | None = None,
) -> Transcript:
    """Read one transcript file, choosing the reader by the file's ending.

    ``.txt``/``.text``/``.md`` plain text, ``.docx`` Word, ``.vtt`` WebVTT, ``.srt`` SubRip,
    ``.csv`` one turn a row. A ``.txt`` with a matching ``<stem>.turns.json`` beside it (written
    by ``dyadlab import transcripts``) takes its turns from there
    (:mod:`coding.transcripts.importers.sidecar`). ``transcript_id`` defaults to the file name
    without
    its ending.
    ``speaker_patterns`` replaces :data:`DEFAULT_SPEAKER_PATTERNS` (regular expressions with
    a ``speaker`` group, matched at line starts). Files above ``max_bytes`` (100 MiB) are
    refused. What the reader accepted with reservations is in ``transcript.warnings`` (and
    logged): a cp1252 fallback, no speaker labels, text outside any turn, paragraphs or caption
    cues without a label joined to the turn before them. ``transcript.metadata["attribution"]``
    counts what was attributed without a label (:func:`attribution_summary`).

    Raises :class:`TranscriptError` (or a subclass) naming the file for: a missing file, an
    unsupported type, binary content, an empty file, a file over the size limit.

    The demo study's interview with P07, whose second paragraph is her first answer:

    >>> t = read_transcript("demo/transcripts/INT-P07.txt", participant_id="P07", role="patient")
    >>> t.turns[1].speaker, t.turn_text(1)
    ('P07', "Oh, sorry I'm all over the place today, the bus was slow.")
    """
    from coding.transcripts.importers.captions import read_captions
    from coding.transcripts.importers.table import read_csv_transcript
    from coding.transcripts.importers.word import read_docx

    path = Path(path)
    suffix = path.suffix.lower()
    kind = SUPPORTED_SUFFIXES.get(suffix)
    if kind is None:
        hint = " (save .doc files as .docx)" if suffix == ".doc" else ""
        raise UnsupportedFormatError(
            f"cannot read {suffix or 'files without an ending'}{hint}; supported: "
            + ", ".join(sorted(SUPPORTED_SUFFIXES)),
            file=path,
        )
    imported: ImportedText
    if kind == "text":
        imported = read_text(path, speaker_patterns=speaker_patterns, max_bytes=max_bytes)
        sidecar_turns, sidecar_warnings = read_sidecar(path, imported.text)
        if sidecar_turns is not None:
            imported = ImportedText(imported.text, sidecar_turns, [], format="text")
        imported.warnings.extend(sidecar_warnings)
    elif kind == "docx":
        imported = read_docx(path, speaker_patterns=speaker_patterns, max_bytes=max_bytes)
    elif kind in ("vtt", "srt"):
        imported = read_captions(
            path, format=kind, speaker_patterns=speaker_patterns, max_bytes=max_bytes
        )
    else:
        imported = read_csv_transcript(path, max_bytes=max_bytes)
    for warning in imported.warnings:
        logger.warning("%s: %s", path, warning)
    info: dict[str, Any] = {
        "file": str(path),
        "format": imported.format,
        "sha256": _sha256(path),
    }
    info.update(imported.metadata)
    info["attribution"] = attribution_summary(imported.turns)
    info.update(metadata or {})
    try:
        return Transcript(
            id=transcript_id or path.stem,
            participant_id=participant_id,
            role=role or "other",
            text=imported.text,
            turns=imported.turns,
            metadata=info,
            warnings=list(imported.warnings),
        )
    except TranscriptError as error:
        raise TranscriptError(error.message, file=path, field=error.field) from None


def load_corpus(
    manifest_path: str | Path,
    participants: pd.DataFrame | None = None,
    *,
    speaker_patterns: Iterable[str | re.Pattern[str]] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Corpus:
    """Read every transcript listed in a manifest CSV into a :class:`Corpus`.

    The manifest has columns ``transcript_id, participant_id, file`` (required) and
    ``interview_date, interviewer``; ``file`` is relative to the manifest's folder. With a
    ``participants`` table (``participant_id, role, site, person_id, provider_type``) each
    transcript gets its participant's ``role``, and ``site``/``person_id``/``provider_type``
    go into its metadata; a manifest participant missing from the table is an error.

    The demo study's 30 interviews, with the roles from its participants table:

    >>> corpus = load_corpus("demo/transcripts/manifest.csv", participants)
    >>> len(corpus), sorted(set(corpus.turns()["role"]))
    (30, ['patient', 'provider'])
    """
    manifest_path = Path(manifest_path)
    if not manifest_path.is_file():
        raise TranscriptError("transcript manifest not found", file=manifest_path)
    try:
        manifest = pd.read_csv(manifest_path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise TranscriptError(
            f"not a readable CSV manifest ({error})", file=manifest_path
        ) from None
    missing = [column for column in _REQUIRED_MANIFEST if column not in manifest.columns]
    if missing:
        raise TranscriptError(
            f"manifest needs columns {_REQUIRED_MANIFEST}; missing {missing}",
            file=manifest_path,
            line=1,
            field=missing[0],
        )
    roster = _participant_roster(participants)
    folder = manifest_path.parent
    transcripts = []
    seen: dict[str, int] = {}
    for row_number, record in enumerate(manifest.to_dict("records"), start=1):
        transcript_id = record["transcript_id"].strip()
        for column in _REQUIRED_MANIFEST:
            if not record[column].strip():
                raise TranscriptError("is empty", file=manifest_path, row=row_number, field=column)
        if transcript_id in seen:
            raise TranscriptError(
                f"transcript id {transcript_id!r} repeats row {seen[transcript_id]}",
                file=manifest_path,
                row=row_number,
                field="transcript_id",
            )
        seen[transcript_id] = row_number
        participant_id = record["participant_id"].strip()
        role = "other"
        extra: dict[str, Any] = {}
        if roster is not None:
            if participant_id not in roster:
                raise TranscriptError(
                    f"participant {participant_id!r} is not in the participants table",
                    file=manifest_path,
                    row=row_number,
                    field="participant_id",
                )
            person = roster[participant_id]
            role = person.get("role") or "other"
            if role not in ROLES:
                raise TranscriptError(
                    f"participant {participant_id!r} has role {role!r}; expected one of {ROLES}",
                    file=manifest_path,
                    row=row_number,
                    field="participant_id",
                )
            extra = {key: person[key] for key in _PARTICIPANT_FIELDS if person.get(key)}
        source = folder / record["file"].strip()
        metadata = {
            key: record[key].strip()
            for key in ("interview_date", "interviewer")
            if key in record and record[key].strip()
        }
        metadata.update(extra)
        try:
            transcript = read_transcript(
                source,
                transcript_id=transcript_id,
                participant_id=participant_id,
                role=role,
                speaker_patterns=speaker_patterns,
                max_bytes=max_bytes,
                metadata=metadata,
            )
        except TranscriptError as error:
            raise type(error)(
                f"{error} (listed as {record['file'].strip()!r})",
                file=manifest_path,
                row=row_number,
                field="file",
            ) from None
        transcripts.append(transcript)
    return Corpus.from_transcripts(transcripts)


def _participant_roster(participants: pd.DataFrame | None) -> dict[str, dict[str, str]] | None:
    if participants is None:
        return None
    if "participant_id" not in participants.columns:
        raise TranscriptError(
            "participants table has no participant_id column", field="participant_id"
        )
    roster: dict[str, dict[str, str]] = {}
    for record in participants.to_dict("records"):
        clean = {
            str(key): ("" if _missing(value) else str(value).strip())
            for key, value in record.items()
        }
        roster[clean["participant_id"]] = clean
    return roster


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
