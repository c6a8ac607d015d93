"""Text sources of a REFI-QDA project: their text, their selections, and the codings on them.

A source is read in two steps so the project's position unit can be decided from all its
selections at once (:func:`coding.exchange._offsets.detect_unit`): :func:`load_source` finds
the text (inline, the plain-text file, or the .docx when the plain text is empty) and the raw
selection positions; :func:`build_source` converts positions to the normalised text's Python
indices and makes the transcript and its coding rows. Everything skipped is warned about.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from lxml import etree

from coding.exchange._offsets import Unit, normalise_with_map, utf16_to_codepoints
from coding.exchange._safety import ExchangeError
from coding.exchange._xml import ID_CHARS, child, children, guid, local, safe_name, text_of, unique
from coding.transcripts._model import Transcript


@dataclass
class RawSource:
    """A text source as the tool wrote it: raw text and selections in the tool's unit."""

    element: etree._Element
    transcript_id: str
    name: str
    text: str
    selections: list[tuple[etree._Element, int, int]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"source {self.name!r}"

    @property
    def spans(self) -> list[tuple[int, int]]:
        return [(start, end) for _, start, end in self.selections]


def _member(members: dict[str, bytes], reference: str, base_path: str) -> bytes | None:
    """The bytes a plainTextPath / richTextPath points to, if the archive holds them."""
    name = reference
    for prefix in ("internal://", "relative://"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    name = name.lstrip("/")
    lowered = {key.lower(): key for key in members}
    for candidate in (f"sources/{name}", name, f"{base_path.strip('/')}/{name}"):
        key = lowered.get(candidate.lower())
        if key is not None:
            return members[key]
    return None


def _decode(data: bytes, where: str, warnings: list[str]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        warnings.append(f"{where}: text is not UTF-8; read as Windows-1252")
        return data.decode("cp1252", errors="replace")


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def _source_text(
    source: etree._Element, members: dict[str, bytes], base: str, where: str, warnings: list[str]
) -> str | None:
    content = child(source, "PlainTextContent")
    if content is not None:
        return text_of(content)
    plain = source.get("plainTextPath")
    rich = source.get("richTextPath")
    text = None
    if plain:
        data = _member(members, plain, base)
        if data is None:
            warnings.append(f"{where}: plain text {plain!r} is not in the archive")
        else:
            text = _decode(data, where, warnings)
    if (text is None or not text.strip()) and rich and rich.lower().endswith(".docx"):
        data = _member(members, rich, base)
        if data is not None:
            try:
                rich_text = _docx_text(data)
            except Exception as error:  # python-docx raises many kinds on bad files
                warnings.append(f"{where}: rich text {rich!r} unreadable ({error})")
            else:
                if rich_text.strip():
                    warnings.append(
                        f"{where}: plain text is empty; text taken from the rich text {rich!r} "
                        "(selections, if any, may not line up)"
                    )
                    text = rich_text
    return text


def load_source(
    source: etree._Element,
    members: dict[str, bytes],
    base: str,
    taken: set[str],
    warnings: list[str],
) -> RawSource | None:
    """The source's raw text and selections, or None (warned) when it has no text."""
    path_name = (source.get("plainTextPath") or "").rsplit("/", 1)[-1]
    raw_name = source.get("name") or path_name or source.get("guid") or "source"
    where = f"source {raw_name!r}"
    text = _source_text(source, members, base, where, warnings)
    selections = children(source, "PlainTextSelection")
    if text is None:
        warnings.append(
            f"{where}: no text found; the source and its {len(selections)} selection(s) are skipped"
        )
        return None
    stem = re.sub(r"\.(txt|docx?|rtf|pdf|odt)$", "", raw_name, flags=re.IGNORECASE)
    loaded = RawSource(source, unique(safe_name(stem, ID_CHARS, "source"), taken), raw_name, text)
    for selection in selections:
        label = selection.get("name") or selection.get("guid")
        try:
            start = int(selection.get("startPosition"))
            end = int(selection.get("endPosition"))
        except (TypeError, ValueError):
            warnings.append(f"{where}: selection {label!r} has no valid positions; skipped")
            continue
        loaded.selections.append((selection, min(start, end), max(start, end)))
    return loaded


def build_source(
    raw: RawSource,
    unit: Unit,
    users: dict[str, str],
    code_by_guid: dict[str, str],
    notes: dict[str, str],
    case: dict[str, Any],
    warnings: list[str],
) -> tuple[Transcript, list[dict[str, Any]]]:
    """The transcript (normalised text) and one coding row per coding of a selection."""
    where = raw.where
    to_codepoint = utf16_to_codepoints(raw.text) if unit == "utf16" else None
    limit = len(to_codepoint) - 1 if to_codepoint is not None else len(raw.text)
    if not raw.text.strip():
        warnings.append(f"{where}: the source text is empty")
    text, to_normal = normalise_with_map(raw.text)
    participant = case.get("participant_id")
    role = str(case.get("role") or "other")
    if role not in ("patient", "provider", "other"):
        warnings.append(f"{where}: role {role!r} is not patient/provider/other; set to 'other'")
        role = "other"
    metadata = {"refi_guid": guid(raw.element.get("guid")), "refi_name": raw.name}
    transcript = Transcript.from_text(
        raw.transcript_id, text, participant_id=participant, role=role, metadata=metadata
    )
    if text.strip():
        warnings.extend(f"{where}: {warning}" for warning in transcript.warnings)
    rows: list[dict[str, Any]] = []
    for selection, start, end in raw.selections:
        label = selection.get("name") or selection.get("guid")
        if start < 0 or end > limit or start == end:
            warnings.append(
                f"{where}: selection {label!r} [{start}, {end}) lies outside the text "
                f"(length {limit}) or is empty; skipped"
            )
            continue
        if to_codepoint is not None:
            start, end = int(to_codepoint[start]), int(to_codepoint[end])
        start, end = int(to_normal[start]), int(to_normal[end])
        rows.extend(_codings(selection, start, end, raw.transcript_id, where, users,
                             code_by_guid, notes, warnings))  # fmt: skip
    whole = children(raw.element, "Coding")
    if whole:
        warnings.append(
            f"{where}: {len(whole)} coding(s) of the whole source (no selection) are not imported"
        )
    other = sorted({local(e) for e in raw.element if local(e).endswith("Selection")} -
                   {"PlainTextSelection"})  # fmt: skip
    if other:
        warnings.append(f"{where}: {', '.join(other)} selections are not imported (text only)")
    if children(raw.element, "VariableValue"):
        warnings.append(f"{where}: source variables are not imported")
    if not np.all(np.diff(to_normal) >= 0):  # pragma: no cover - guarded by construction
        raise ExchangeError(f"{where}: internal offset map is not monotone")
    return transcript, rows


def _codings(
    selection: etree._Element,
    start: int,
    end: int,
    transcript_id: str,
    where: str,
    users: dict[str, str],
    code_by_guid: dict[str, str],
    notes: dict[str, str],
    warnings: list[str],
) -> list[dict[str, Any]]:
    """One coding row per ``Coding`` of a selection (memo: description, then notes)."""
    label = selection.get("name") or selection.get("guid")
    selection_memo = [notes.get(guid(r.get("targetGUID")), "") for r in
                      children(selection, "NoteRef")]  # fmt: skip
    description = text_of(child(selection, "Description")).strip()
    codings = children(selection, "Coding")
    if not codings:
        memo = " (its memo is not imported)" if description or any(selection_memo) else ""
        warnings.append(f"{where}: selection {label!r} has no coding; skipped{memo}")
    rows = []
    for coding in codings:
        ref = child(coding, "CodeRef")
        code_guid = guid(None if ref is None else ref.get("targetGUID"))
        code_id = code_by_guid.get(code_guid)
        if code_id is None:
            warnings.append(
                f"{where}: coding of selection {label!r} refers to unknown code "
                f"{code_guid!r}; skipped"
            )
            continue
        user = guid(coding.get("creatingUser") or selection.get("creatingUser"))
        coder = users.get(user)
        if coder is None:
            coder = "unknown"
            warnings.append(
                f"{where}: coding of selection {label!r} has no known user; coder 'unknown'"
            )
        memo = [notes.get(guid(r.get("targetGUID")), "") for r in children(coding, "NoteRef")]
        rows.append(
            {
                "coding_id": guid(coding.get("guid")) or None,
                "transcript_id": transcript_id,
                "coder": coder,
                "code_id": code_id,
                "start": start,
                "end": end,
                "memo": "\n\n".join(m for m in [description, *selection_memo, *memo] if m),
            }
        )
    return rows
