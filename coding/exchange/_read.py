"""Reading REFI-QDA projects (.qdpx) into dyadlab objects: :func:`read_qdpx`.

What is carried: text sources (plain text, or the text of the rich-text .docx when the plain
text is empty), the code hierarchy (guid, name, colour, Description unpacked into dyadlab's
fields), users (coders), text selections with their codings and memos (Notes), and cases with
their variables (participants). What is not — picture/PDF/audio/video sources, sets (code
groups), links, graphs, source-level variables, codings of whole sources without a selection —
produces a warning in ``.warnings``; nothing is dropped silently. Selections past the end of
their text are skipped with a warning.

The work is split by idea: XML and naming helpers in :mod:`coding.exchange._xml`, the code
tree and ``.qdc`` files in :mod:`coding.exchange._codes`, source texts and selections in
:mod:`coding.exchange._sources`, position units in :mod:`coding.exchange._offsets`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from lxml import etree

from coding.codebook import Codebook
from coding.exchange._codes import read_codes, warn_sets
from coding.exchange._offsets import UnitEvidence, boundary_share, detect_unit
from coding.exchange._safety import ExchangeError, Limits, parse_xml, read_archive
from coding.exchange._sources import build_source, load_source
from coding.exchange._xml import (
    ID_CHARS,
    NS,
    PARTICIPANT_CHARS,
    PROJECT_NAMESPACES,
    child,
    children,
    guid,
    local,
    namespace,
    safe_name,
    text_of,
    unique,
)
from coding.transcripts._corpus import Corpus

log = logging.getLogger(__name__)

CODING_COLUMNS = ["coding_id", "transcript_id", "coder", "code_id", "start", "end", "memo"]
_NOT_CARRIED = {
    "PictureSource": "picture source",
    "PDFSource": "PDF source",
    "AudioSource": "audio source",
    "VideoSource": "video source",
}
#: Below this share of selections on word boundaries (with at least 10 selections) the import
#: warns that positions may not be what the tool meant.
ALIGNMENT_WARNING = 0.5


@dataclass
class QdpxProject:
    """A REFI-QDA project as dyadlab objects.

    ``codings`` has ``coding_id, transcript_id, coder, code_id, start, end, memo`` with
    offsets as Python string indices into ``corpus.text(transcript_id)``; ``participants``
    one row per case (``participant_id`` plus one column per case variable, and
    ``case_name``); ``users`` maps REFI user guids to coder names; ``warnings`` lists
    everything not carried; ``positions`` is the unit the project's positions were read in
    and ``unit_evidence`` why.
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
    positions: str = "codepoints"
    unit_evidence: UnitEvidence | None = None


def read_qdpx(
    path: str | Path,
    *,
    positions: Literal["auto", "codepoints", "utf16"] = "auto",
    limits: Limits | None = None,
) -> QdpxProject:
    """Read a REFI-QDA project archive (``.qdpx``) safely into dyadlab objects.

    Offsets: REFI-QDA positions are Unicode code points, but NVivo for Windows counts UTF-16
    code units (an emoji counts twice). With ``positions="auto"`` the unit is detected from
    where the selections fall (see :func:`coding.exchange._offsets.detect_unit`) and said in
    ``.warnings`` when it matters; ``"codepoints"`` or ``"utf16"`` override. Texts are
    normalised (CRLF → LF, NFC) and every selection is moved to the same characters of the
    normalised text. The archive is read in memory with size limits (see
    :mod:`coding.exchange._safety`).

    >>> from coding.exchange import write_qdpx
    >>> _ = write_qdpx("interviews.qdpx", corpus, codebook, codings)
    >>> project = read_qdpx("interviews.qdpx")
    >>> list(project.codings.columns), project.warnings     # the codings table's columns
    (['coding_id', 'transcript_id', 'coder', 'code_id', 'start', 'end', 'memo'], [])
    """
    if positions not in ("auto", "codepoints", "utf16"):
        raise ExchangeError(f"positions must be 'auto', 'codepoints' or 'utf16', got {positions!r}")
    path = Path(path)
    members = read_archive(path, limits)
    warnings: list[str] = []
    qde = [name for name in members if name.lower().endswith(".qde") and "/" not in name]
    if not qde:
        raise ExchangeError("no project.qde in the archive: not a REFI-QDA project", file=path)
    if "project.qde" not in qde and len(qde) > 1:
        raise ExchangeError(
            f"the archive holds {len(qde)} project files ({', '.join(sorted(qde))}) and none "
            "is named project.qde: which one is the project is not clear",
            file=path,
        )
    qde_name = "project.qde" if "project.qde" in qde else qde[0]
    if qde_name != "project.qde":  # ATLAS.ti names it after the project ("Trial.qde")
        warnings.append(f"project file is named {qde_name!r}, not 'project.qde'")
    where = f"{path.name}:{qde_name}"
    root = parse_xml(members[qde_name], where)
    if local(root) != "Project" or namespace(root) not in PROJECT_NAMESPACES:
        raise ExchangeError(
            f"not a REFI-QDA project (root {root.tag!r}, expected Project in namespace {NS})",
            file=where,
        )
    origin = root.get("origin") or ""
    users = _read_users(root, warnings)
    codebook_element = child(root, "CodeBook")
    codebook, code_by_guid = read_codes(
        None if codebook_element is None else child(codebook_element, "Codes"), warnings, where
    )
    if codebook_element is not None:
        warn_sets(codebook_element, code_by_guid, warnings, where)
    warn_sets(root, code_by_guid, warnings, where)
    notes = {
        guid(note.get("guid")): text_of(child(note, "PlainTextContent")).strip()
        for group in children(root, "Notes")
        for note in children(group, "Note")
    }
    participants, source_case = _read_cases(root, warnings)
    raw_sources = []
    taken: set[str] = set()
    base = root.get("basePath") or ""
    for sources in children(root, "Sources"):
        for source in sources:
            kind = local(source)
            label = source.get("name") or source.get("guid") or "?"
            if kind in _NOT_CARRIED:
                warnings.append(f"{_NOT_CARRIED[kind]} {label!r} is not imported (text only)")
            elif kind == "TextSource":
                loaded = load_source(source, members, base, taken, warnings)
                if loaded is not None:
                    raw_sources.append(loaded)
    evidence = detect_unit(((s.text, s.spans) for s in raw_sources), origin)
    unit = evidence.unit
    if origin == "dyadlab" and positions == "auto":
        unit = "codepoints"
    elif positions != "auto":
        if positions != unit and evidence.compared:
            warnings.append(
                f"positions read as {positions} as asked, although the selections suggest "
                f"otherwise: {evidence.describe()}"
            )
        unit = positions
    elif evidence.compared:
        warnings.append(evidence.describe())
    transcripts, rows = [], []
    for raw in raw_sources:
        case = source_case.get(guid(raw.element.get("guid")), {})
        transcript, found = build_source(raw, unit, users, code_by_guid, notes, case, warnings)
        transcripts.append(transcript)
        rows.extend(found)
    for kind, what in (("Links", "links"), ("Graphs", "graphs")):
        if children(root, kind):
            warnings.append(f"{what} are not imported")
    codings = pd.DataFrame(rows, columns=CODING_COLUMNS)
    codings = codings.astype({"start": "int64", "end": "int64"})
    corpus = Corpus(transcripts)
    _warn_alignment(corpus, codings, warnings)
    description = text_of(child(root, "Description"))
    book_fields = _codebook_fields(description)
    if book_fields:
        codebook = Codebook(list(codebook), sources=codebook.sources, **book_fields)
    for warning in warnings:
        log.info("%s: %s", path.name, warning)
    return QdpxProject(
        corpus=corpus,
        codebook=codebook,
        codings=codings,
        participants=participants,
        users=pd.DataFrame([(key, name) for key, name in users.items()], columns=["guid", "coder"]),
        warnings=warnings,
        name=root.get("name") or "",
        origin=origin,
        description=description,
        positions=unit,
        unit_evidence=evidence,
    )


def _warn_alignment(corpus: Corpus, codings: pd.DataFrame, warnings: list[str]) -> None:
    aligned = total = 0
    for transcript_id, group in codings.groupby("transcript_id"):
        spans = group[["start", "end"]].drop_duplicates().itertuples(index=False)
        a, t = boundary_share(corpus.text(transcript_id), spans)
        aligned, total = aligned + a, total + t
    if total >= 10 and aligned < ALIGNMENT_WARNING * total:
        warnings.append(
            f"only {aligned} of {total} selections start and end on word boundaries: the "
            "positions may not be counted the way this reader assumes — check a few codings "
            "against the other tool before analysing them"
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
    for group in children(root, "Users"):
        for user in children(group, "User"):
            raw = user.get("name") or user.get("id") or user.get("guid") or "unknown"
            name = unique(safe_name(raw, ID_CHARS, "unknown"), taken)
            if name != raw:
                warnings.append(f"user {raw!r} is imported as coder {name!r}")
            users[guid(user.get("guid"))] = name
    return users


def _variable_value(value: etree._Element) -> Any:
    for item in value:
        kind = local(item)
        text = text_of(item)
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
        guid(v.get("guid")): v.get("name") or "variable"
        for group in children(root, "Variables")
        for v in children(group, "Variable")
    }
    rows, source_case = [], {}
    taken: set[str] = set()
    for group in children(root, "Cases"):
        for case in children(group, "Case"):
            raw = case.get("name") or case.get("guid") or "case"
            participant = unique(safe_name(raw, PARTICIPANT_CHARS, "case"), taken)
            if participant != raw:
                warnings.append(f"case {raw!r} is imported as participant {participant!r}")
            row: dict[str, Any] = {"participant_id": participant, "case_name": raw}
            for value in children(case, "VariableValue"):
                ref = child(value, "VariableRef")
                name = variables.get(guid(None if ref is None else ref.get("targetGUID")))
                if name is None:
                    warnings.append(f"case {raw!r}: a value of an undeclared variable is skipped")
                    continue
                try:
                    row[name] = _variable_value(value)
                except ValueError:
                    warnings.append(f"case {raw!r}: value of {name!r} is malformed; skipped")
            for ref in children(case, "SourceRef"):
                source_case[guid(ref.get("targetGUID"))] = row
            if children(case, "CodeRef") or children(case, "SelectionRef"):
                warnings.append(f"case {raw!r}: code and selection links are not imported")
            rows.append(row)
    frame = pd.DataFrame(rows)
    if "participant_id" not in frame.columns:
        frame = pd.DataFrame(columns=["participant_id", "case_name"])
    return frame, source_case
