"""Reading transcript files safely and normalising their text.

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
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from pathlib import Path

from coding.errors import (
    BinaryFileError,
    EmptyTranscriptError,
    TranscriptError,
    TranscriptTooLargeError,
)

logger = logging.getLogger(__name__)
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
"""Files larger than this (100 MiB) are refused unless a larger ``max_bytes`` is given."""


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
