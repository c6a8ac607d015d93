"""Plain-text transcripts: a ``.txt`` file read, decoded, normalised and split into turns.

Decoding and normalisation are :mod:`coding.transcripts._normalize`; speaker-label detection
is :mod:`coding.transcripts._turns`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from coding.transcripts._normalize import (
    DEFAULT_MAX_BYTES,
    decode_bytes,
    normalize_text,
    read_bytes,
)
from coding.transcripts._turns import parse_turns
from coding.transcripts.importers.base import ImportedText


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
