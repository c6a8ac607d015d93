"""Reading REFI-QDA projects (.qdpx) and codebooks (.qdc) into dyadlab objects.

What is carried: text sources (plain text, or the text of the rich-text .docx when the plain
text is empty), the code hierarchy (guid, name, colour, Description unpacked into dyadlab's
fields), users (coders), text selections with their codings and memos (Notes), and cases with
their variables (participants). What is not — picture/PDF/audio/video sources, sets, links,
graphs, source-level variables, codings of whole sources without a selection — produces a
warning in ``.warnings``; nothing is dropped silently. Selections past the end of their text
are skipped with a warning.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from lxml import etree

from coding.codebook import Code, Codebook
from coding.exchange._description import unpack_description
from coding.exchange._offsets import normalise_with_map, utf16_to_codepoints
from coding.exchange._safety import ExchangeError, Limits, parse_xml, read_archive
from coding.transcripts._corpus import Corpus
from coding.transcripts._model import Transcript

log = logging.getLogger(__name__)

NS = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
CODING_COLUMNS = ["coding_id", "transcript_id", "coder", "code_id", "start", "end", "memo"]
_ID_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")
_CODE_CHARS = re.compile(r"[^a-z0-9]+")
_NOT_CARRIED = {
    "PictureSource": "picture source",
    "PDFSource": "PDF source",
    "AudioSource": "audio source",
    "VideoSource": "video source",
}


@dataclass
class QdpxProject:
    """A REFI-QDA project as dyadlab objects.

    ``codings`` has ``coding_id, transcript_id, coder, code_id, start, end, memo`` with
    offsets as Python string indices into ``corpus.text(transcript_id)``; ``participants``
    one row per case (``participant_id`` plus one column per case variable); ``users`` maps
    REFI user guids to coder names; ``warnings`` lists everything not carried.
    """

    corpus: Corpus
    codebook: Codebook
    codings: pd.DataFrame
    participants: pd.DataFrame
    users: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    name: str = ""
    origin: str = ""
    description: str = ""


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


def _child(element: etree._Element, name: str) -> etree._Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _text(element: etree._Element | None) -> str:
    return "" if element is None else "".join(element.itertext())


def _guid(value: str | None) -> str:
    return (value or "").strip().strip("{}").lower()


def _unique(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def code_id_for(name: str, taken: set[str]) -> str:
    """A snake_case code id from a code name (``"Stigma (felt)"`` → ``stigma_felt``)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = _CODE_CHARS.sub("_", ascii_name.lower()).strip("_") or "code"
    if not slug[0].isalpha():
        slug = f"code_{slug}"
    return _unique(slug, taken)


def _safe_name(name: str, pattern: re.Pattern, fallback: str) -> str:
    cleaned = pattern.sub("_", name.strip()).strip("_.-")[:64]
    return cleaned or fallback


# ------------------------------------------------------------------------------ codebook
def _read_codes(
    codes_element: etree._Element | None, warnings: list[str], where: str
) -> tuple[Codebook, dict[str, str]]:
    """The codebook and ``{guid: code id}`` from a ``Codes`` element."""
    records: list[dict[str, Any]] = []
    by_guid: dict[str, str] = {}
    citations: dict[str, str] = {}
    taken: set[str] = set()
    wanted: list[tuple[etree._Element, str | None]] = []
    if codes_element is not None:
        wanted = [(code, None) for code in _children(codes_element, "Code")]
    while wanted:
        element, parent = wanted.pop(0)
        fields, cited = unpack_description(_text(_child(element, "Description")))
        citations.update(cited)
        name = element.get("name") or ""
        wanted_id = fields.pop("id", "")
        code_id = (
            _unique(wanted_id, taken)
            if wanted_id and re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*", wanted_id)
            else code_id_for(name, taken)
        )
        guid = _guid(element.get("guid"))
        by_guid[guid] = code_id
        color = (element.get("color") or "").strip() or None
        if color and re.fullmatch(r"#[0-9A-Fa-f]{3}", color):  # #RGB → #RRGGBB
            color = "#" + "".join(c * 2 for c in color[1:])
        if color and not re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
            warnings.append(f"{where}: code {name!r} has colour {color!r}, not #RRGGBB; dropped")
            color = None
        records.append(
            {"id": code_id, "name": name or code_id, "parent": parent, "color": color} | fields
        )
        if _children(element, "NoteRef"):
            warnings.append(f"{where}: notes attached to code {name!r} are not imported")
        wanted[0:0] = [(child, code_id) for child in _children(element, "Code")]
    codes = [Code(**record) for record in records]
    return Codebook(codes, sources=citations), by_guid


def read_qdc(path: str | Path) -> Codebook:
    """Read a REFI-QDA codebook file (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``).

    >>> book = read_qdc("codebook.qdc")
    >>> [code.id for code in book.themes()]
    """
    path = Path(path)
    if not path.is_file():
        raise ExchangeError("file not found", file=path)
    root = parse_xml(path.read_bytes(), path)
    if _local(root) != "CodeBook" or etree.QName(root).namespace not in (NS_CODEBOOK, NS):
        raise ExchangeError(
            f"not a REFI-QDA codebook (root element {root.tag!r}, expected CodeBook in "
            f"namespace {NS_CODEBOOK})",
            file=path,
        )
    warnings: list[str] = []
    book, _ = _read_codes(_child(root, "Codes"), warnings, str(path))
    for warning in warnings:
        log.warning("%s", warning)
    return book


# ------------------------------------------------------------------------------ sources
def _member(members: dict[str, bytes], reference: str, base_path: str) -> bytes | None:
    """The bytes a plainTextPath / richTextPath points to, if the archive holds them."""
    name = reference
    if name.startswith("internal://"):
        name = name[len("internal://") :]
    elif name.startswith("relative://"):
        name = name[len("relative://") :]
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
    content = _child(source, "PlainTextContent")
    if content is not None:
        return _text(content)
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


# ------------------------------------------------------------------------------ project
def read_qdpx(
    path: str | Path,
    *,
    positions: Literal["codepoints", "utf16"] = "codepoints",
    limits: Limits | None = None,
) -> QdpxProject:
    """Read a REFI-QDA project archive (``.qdpx``) safely into dyadlab objects.

    Offsets: REFI-QDA positions are Unicode code points (Python string indices); pass
    ``positions="utf16"`` for a tool known to count UTF-16 code units. Texts are normalised
    (CRLF → LF, NFC) and every selection is moved to the same characters of the normalised
    text. The archive is read in memory with size limits (see :mod:`coding.exchange._safety`).

    >>> project = read_qdpx("interviews.qdpx")
    >>> project.codings.head(), project.warnings
    """
    path = Path(path)
    members = read_archive(path, limits)
    warnings: list[str] = []
    qde = [name for name in members if name.lower().endswith(".qde") and "/" not in name]
    if not qde:
        raise ExchangeError("no project.qde in the archive: not a REFI-QDA project", file=path)
    qde_name = "project.qde" if "project.qde" in qde else sorted(qde)[0]
    if qde_name != "project.qde":
        warnings.append(f"project file is named {qde_name!r}, not 'project.qde'")
    where = f"{path.name}:{qde_name}"
    root = parse_xml(members[qde_name], where)
    if _local(root) != "Project" or etree.QName(root).namespace != NS:
        raise ExchangeError(
            f"not a REFI-QDA project (root {root.tag!r}, expected Project in namespace {NS})",
            file=where,
        )
    users = _read_users(root, warnings)
    codebook_element = _child(root, "CodeBook")
    codebook, code_by_guid = _read_codes(
        None if codebook_element is None else _child(codebook_element, "Codes"), warnings, where
    )
    notes = {
        _guid(note.get("guid")): _text(_child(note, "PlainTextContent")).strip()
        for notes in _children(root, "Notes")
        for note in _children(notes, "Note")
    }
    participants, source_case = _read_cases(root, warnings)
    transcripts, rows = [], []
    taken: set[str] = set()
    base = root.get("basePath") or ""
    for sources in _children(root, "Sources"):
        for source in sources:
            kind = _local(source)
            label = source.get("name") or source.get("guid") or "?"
            if kind in _NOT_CARRIED:
                warnings.append(f"{_NOT_CARRIED[kind]} {label!r} is not imported (text only)")
                continue
            if kind != "TextSource":
                continue
            result = _read_source(
                source, members, base, users, code_by_guid, notes, source_case, taken,
                positions, warnings, root.get("origin") == "dyadlab",
            )  # fmt: skip
            if result is not None:
                transcripts.append(result[0])
                rows.extend(result[1])
    for kind, what in (("Sets", "sets"), ("Links", "links"), ("Graphs", "graphs")):
        if _children(root, kind):
            warnings.append(f"{what} are not imported")
    codings = pd.DataFrame(rows, columns=CODING_COLUMNS)
    codings = codings.astype({"start": "int64", "end": "int64"})
    description = _text(_child(root, "Description"))
    book_fields = _codebook_fields(description)
    if book_fields:
        codebook = Codebook(list(codebook), sources=codebook.sources, **book_fields)
    for warning in warnings:
        log.info("%s: %s", path.name, warning)
    if warnings:
        log.debug("%s: %d warnings, listed in .warnings", path.name, len(warnings))
    return QdpxProject(
        corpus=Corpus(transcripts),
        codebook=codebook,
        codings=codings,
        participants=participants,
        users=pd.DataFrame(
            [(guid, name) for guid, name in users.items()], columns=["guid", "coder"]
        ),
        warnings=warnings,
        name=root.get("name") or "",
        origin=root.get("origin") or "",
        description=description,
    )


def _codebook_fields(description: str) -> dict[str, str]:
    """Codebook name/version/description from a dyadlab project Description (## sections)."""
    keys = {
        "codebook": "name",
        "codebook version": "version",
        "codebook description": "description",
    }
    fields: dict[str, list[str]] = {}
    current = None
    for line in description.replace("\r\n", "\n").split("\n"):
        heading = re.match(r"^## (.+?)\s*$", line)
        if heading and heading.group(1).lower() in keys:
            current = keys[heading.group(1).lower()]
            fields[current] = []
        elif current is not None:
            fields[current].append(line)
    return {key: "\n".join(lines).strip("\n") for key, lines in fields.items()}


def _read_users(root: etree._Element, warnings: list[str]) -> dict[str, str]:
    users: dict[str, str] = {}
    taken: set[str] = set()
    for group in _children(root, "Users"):
        for user in _children(group, "User"):
            raw = user.get("name") or user.get("id") or user.get("guid") or "unknown"
            name = _unique(_safe_name(raw, _ID_CHARS, "unknown"), taken)
            if name != raw:
                warnings.append(f"user {raw!r} is imported as coder {name!r}")
            users[_guid(user.get("guid"))] = name
    return users


def _variable_value(value: etree._Element) -> Any:
    for child in value:
        kind = _local(child)
        text = _text(child)
        if kind == "BooleanValue":
            return text.strip().lower() in ("true", "1")
        if kind == "IntegerValue":
            return int(text)
        if kind == "FloatValue":
            return float(text)
        if kind == "DateValue":
            return date.fromisoformat(text.strip()[:10])
        if kind == "DateTimeValue":
            return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        if kind == "TextValue":
            return text
    return None


def _read_cases(root: etree._Element, warnings: list[str]) -> tuple[pd.DataFrame, dict]:
    variables = {
        _guid(v.get("guid")): v.get("name") or "variable"
        for group in _children(root, "Variables")
        for v in _children(group, "Variable")
    }
    rows, source_case = [], {}
    taken: set[str] = set()
    for group in _children(root, "Cases"):
        for case in _children(group, "Case"):
            raw = case.get("name") or case.get("guid") or "case"
            participant = _unique(_safe_name(raw, re.compile(r"[^A-Za-z0-9_-]+"), "case"), taken)
            row: dict[str, Any] = {"participant_id": participant}
            for value in _children(case, "VariableValue"):
                ref = _child(value, "VariableRef")
                name = variables.get(_guid(None if ref is None else ref.get("targetGUID")))
                if name is None:
                    warnings.append(f"case {raw!r}: a value of an undeclared variable is skipped")
                    continue
                try:
                    row[name] = _variable_value(value)
                except ValueError:
                    warnings.append(f"case {raw!r}: value of {name!r} is malformed; skipped")
            for ref in _children(case, "SourceRef"):
                source_case[_guid(ref.get("targetGUID"))] = row
            if _children(case, "CodeRef") or _children(case, "SelectionRef"):
                warnings.append(f"case {raw!r}: code and selection links are not imported")
            rows.append(row)
    frame = pd.DataFrame(rows)
    if "participant_id" not in frame.columns:
        frame = pd.DataFrame(columns=["participant_id"])
    return frame, source_case


def _read_source(
    source,
    members,
    base,
    users,
    code_by_guid,
    notes,
    source_case,
    taken,
    positions,
    warnings,
    ours=False,
):
    path_name = (source.get("plainTextPath") or "").rsplit("/", 1)[-1]
    raw_name = source.get("name") or path_name or source.get("guid") or "source"
    stem = re.sub(r"\.(txt|docx|rtf|pdf)$", "", raw_name, flags=re.IGNORECASE)
    transcript_id = _unique(_safe_name(stem, _ID_CHARS, "source"), taken)
    where = f"source {raw_name!r}"
    raw = _source_text(source, members, base, where, warnings)
    if raw is None:
        warnings.append(f"{where}: no text found; the source and its codings are skipped")
        return None
    if positions == "utf16":
        to_codepoint = utf16_to_codepoints(raw)
    elif positions == "codepoints":
        to_codepoint = None
        if not ours and any(ord(c) > 0xFFFF for c in raw):
            warnings.append(
                f"{where}: text has characters outside the BMP (e.g. emoji); positions are read "
                "as code points (REFI-QDA) — use positions='utf16' if the tool counted UTF-16"
            )
    else:
        raise ExchangeError(f"positions must be 'codepoints' or 'utf16', got {positions!r}")
    if not raw.strip():
        warnings.append(f"{where}: the source text is empty")
    text, to_normal = normalise_with_map(raw)
    guid = _guid(source.get("guid"))
    case = source_case.get(guid, {})
    participant = case.get("participant_id")
    role = str(case.get("role") or "other")
    if role not in ("patient", "provider", "other"):
        warnings.append(f"{where}: role {role!r} is not patient/provider/other; set to 'other'")
        role = "other"
    metadata = {"refi_guid": guid, "refi_name": raw_name}
    transcript = Transcript.from_text(
        transcript_id, text, participant_id=participant, role=role, metadata=metadata
    )
    if text.strip():
        warnings.extend(f"{where}: {warning}" for warning in transcript.warnings)
    rows = []
    limit = len(to_codepoint) - 1 if to_codepoint is not None else len(raw)
    for selection in _children(source, "PlainTextSelection"):
        label = selection.get("name") or selection.get("guid")
        try:
            start = int(selection.get("startPosition"))
            end = int(selection.get("endPosition"))
        except (TypeError, ValueError):
            warnings.append(f"{where}: selection {label!r} has no valid positions; skipped")
            continue
        if start > end:
            start, end = end, start
        if start < 0 or end > limit or start == end:
            warnings.append(
                f"{where}: selection {label!r} [{start}, {end}) lies outside the text "
                f"(length {limit}) or is empty; skipped"
            )
            continue
        if to_codepoint is not None:
            start, end = int(to_codepoint[start]), int(to_codepoint[end])
        start, end = int(to_normal[start]), int(to_normal[end])
        selection_memo = [notes.get(_guid(r.get("targetGUID")), "") for r in
                          _children(selection, "NoteRef")]  # fmt: skip
        description = _text(_child(selection, "Description")).strip()
        codings = _children(selection, "Coding")
        if not codings:
            warnings.append(f"{where}: selection {label!r} has no coding; skipped")
        for coding in codings:
            ref = _child(coding, "CodeRef")
            code_guid = _guid(None if ref is None else ref.get("targetGUID"))
            code_id = code_by_guid.get(code_guid)
            if code_id is None:
                warnings.append(
                    f"{where}: coding of selection {label!r} refers to unknown code "
                    f"{code_guid!r}; skipped"
                )
                continue
            user = _guid(coding.get("creatingUser") or selection.get("creatingUser"))
            coder = users.get(user)
            if coder is None:
                coder = "unknown"
                warnings.append(
                    f"{where}: coding of selection {label!r} has no known user; coder 'unknown'"
                )
            memo = [notes.get(_guid(r.get("targetGUID")), "") for r in
                    _children(coding, "NoteRef")]  # fmt: skip
            memo_text = "\n\n".join(m for m in [description, *selection_memo, *memo] if m)
            rows.append(
                {
                    "coding_id": _guid(coding.get("guid")) or None,
                    "transcript_id": transcript_id,
                    "coder": coder,
                    "code_id": code_id,
                    "start": start,
                    "end": end,
                    "memo": memo_text,
                }
            )
    if _children(source, "Coding"):
        warnings.append(
            f"{where}: {len(_children(source, 'Coding'))} coding(s) of the whole source "
            "(no selection) are not imported"
        )
    if _children(source, "VariableValue"):
        warnings.append(f"{where}: source variables are not imported")
    if not np.all(np.diff(to_normal) >= 0):  # pragma: no cover - guarded by construction
        raise ExchangeError(f"{where}: internal offset map is not monotone")
    return transcript, rows
