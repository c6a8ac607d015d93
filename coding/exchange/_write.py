"""Writing REFI-QDA projects (.qdpx) and codebooks (.qdc) from dyadlab objects.

The project is built with lxml, validated against the official REFI-QDA Project schema
(``coding/exchange/project.xsd``, QDA-XML 1.0 of March 2019) before anything is written, and
the archive is written atomically. GUIDs are derived from dyadlab ids (UUID version 5), so
exporting the same study twice gives the same GUIDs and other tools can merge re-exports.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from lxml import etree

from coding.codebook import Codebook
from coding.exchange._description import pack_description
from coding.exchange._offsets import codepoints_to_utf16
from coding.exchange._safety import ExchangeError
from coding.exchange._xml import NS, NS_CODEBOOK
from coding.reliability._units import clean_codings
from data_dictionary.files import atomic_write

# Characters outside XML 1.0's Char production (C0 controls but tab, LF, CR; surrogates;
# U+FFFE, U+FFFF): lxml refuses them, so a memo holding one is named before writing.
XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

SCHEMA_PATH = Path(__file__).with_name("project.xsd")
_NAMESPACE = uuid.UUID("6f3c2a52-0d4e-5b39-9a7e-2f1b3c4d5e6f")
ORIGIN = "dyadlab"
#: The origin of an export whose positions count UTF-16 units (for NVivo for Windows).
ORIGIN_UTF16 = "dyadlab (positions in UTF-16 code units)"
PROJECT_SECTIONS = ("Codebook", "Codebook version", "Codebook description")


def guid(kind: str, *parts: Any) -> str:
    """A stable GUID for a dyadlab object (``guid("code", "stigma")``)."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join([kind, *map(str, parts)])))


@lru_cache(maxsize=1)
def project_schema() -> etree.XMLSchema:
    """The REFI-QDA Project XSD, parsed once."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def validate_project(root: etree._Element) -> None:
    """Raise :class:`ExchangeError` listing the first schema errors of a project element."""
    schema = project_schema()
    if not schema.validate(root):
        errors = "; ".join(f"line {e.line}: {e.message}" for e in list(schema.error_log)[:3])
        raise ExchangeError(f"the project does not validate against the REFI-QDA schema: {errors}")


def _element(parent: etree._Element, tag: str, ns: str = NS, /, **attributes: Any):
    attrs = {k: str(v) for k, v in attributes.items() if v is not None and v != ""}
    return etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)


def _codes_element(parent: etree._Element, codebook: Codebook, ns: str) -> None:
    codes = _element(parent, "Codes", ns)
    elements: dict[str | None, etree._Element] = {None: codes}
    # parents come before children in a valid codebook only if ordered; walk by depth
    pending = list(codebook)
    while pending:
        remaining = []
        for code in pending:
            if code.parent not in elements:
                remaining.append(code)
                continue
            element = _element(
                elements[code.parent],
                "Code",
                ns,
                guid=guid("code", code.id),
                name=code.name,
                isCodable="true",
                color=code.color,
            )
            fields = code.to_dict()
            description = _element(element, "Description", ns)
            description.text = pack_description(fields, codebook.sources)
            # A Code's Description must come before its child Codes (schema order).
            elements[code.id] = element
        if len(remaining) == len(pending):  # pragma: no cover - Codebook forbids cycles
            raise ExchangeError("codebook parents form a cycle")
        pending = remaining


def codebook_xml(codebook: Codebook) -> bytes:
    """A ``.qdc`` document (``CodeBook`` in namespace ``urn:QDA-XML:codebook:1.0``)."""
    root = etree.Element(
        f"{{{NS_CODEBOOK}}}CodeBook", {"origin": ORIGIN}, nsmap={None: NS_CODEBOOK}
    )
    _codes_element(root, codebook, NS_CODEBOOK)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_qdc(path: str | Path, codebook: Codebook) -> list[str]:
    """Write ``codebook`` as a REFI-QDA codebook file; returns warnings about what is lost.

    Code fields travel in each code's Description (docs/exchange.md); the codebook's name,
    version and description have no place in a .qdc and are reported as not carried.
    """
    warnings = [
        f"codebook {key} {getattr(codebook, key)!r} is not carried by a .qdc file"
        for key in ("name", "version", "description")
        if getattr(codebook, key)
    ]
    with atomic_write(path, "wb") as handle:
        handle.write(codebook_xml(codebook))
    return warnings


def _project_description(codebook: Codebook) -> str:
    parts = []
    for heading, value in zip(
        PROJECT_SECTIONS, (codebook.name, codebook.version, codebook.description), strict=True
    ):
        if value:
            parts.append(f"## {heading}\n{value}")
    return "\n\n".join(parts)


def _variable_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "Boolean"
    if pd.api.types.is_integer_dtype(series):
        return "Integer"
    if pd.api.types.is_float_dtype(series):
        return "Float"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "Date"
    return "Text"


def _value_element(parent, kind: str, value: Any) -> None:
    tag = {"Boolean": "BooleanValue", "Integer": "IntegerValue", "Float": "FloatValue",
           "Date": "DateValue"}.get(kind, "TextValue")  # fmt: skip
    element = _element(parent, tag)
    if kind == "Boolean":
        element.text = "true" if bool(value) else "false"
    elif kind == "Date":
        element.text = pd.Timestamp(value).date().isoformat()
    elif kind == "Float":
        element.text = repr(float(value))
    else:
        element.text = str(value)


def project_xml(
    corpus: Iterable,
    codebook: Codebook,
    codings: pd.DataFrame,
    participants: pd.DataFrame | None = None,
    name: str | None = None,
    positions: Literal["codepoints", "utf16"] = "codepoints",
) -> tuple[bytes, dict[str, bytes], list[str]]:
    """The ``project.qde`` bytes, the source files ``{member name: bytes}`` and warnings."""
    if positions not in ("codepoints", "utf16"):
        raise ExchangeError(f"positions must be 'codepoints' or 'utf16', got {positions!r}")
    warnings: list[str] = []
    transcripts = list(corpus)
    ids = {t.id for t in transcripts}
    frame = clean_codings(codings) if len(codings) else codings.assign(_row=[])
    frame = frame.rename(columns={"_row": "source_row"})
    unknown_codes = sorted(set(frame["code_id"].astype(str)) - set(codebook.ids))
    if unknown_codes:
        raise ExchangeError(
            f"codings use codes {unknown_codes[:5]} that are not in the codebook", field="code_id"
        )
    unknown_ids = sorted(set(frame["transcript_id"].astype(str)) - ids)
    if unknown_ids:
        raise ExchangeError(
            f"codings refer to transcripts {unknown_ids[:5]} not in the corpus",
            field="transcript_id",
        )
    root = etree.Element(
        f"{{{NS}}}Project",
        {
            "name": name or codebook.name or "dyadlab project",
            "origin": ORIGIN if positions == "codepoints" else ORIGIN_UTF16,
        },
        nsmap={None: NS},
    )
    coders = sorted(set(frame["coder"].astype(str)))
    if coders:
        users = _element(root, "Users")
        for coder in coders:
            _element(users, "User", guid=guid("user", coder), name=coder, id=coder)
    _codes_element(_element(root, "CodeBook"), codebook, NS)
    participants = participants if participants is not None else pd.DataFrame()
    if len(participants):
        _cases(root, participants, transcripts, warnings)
    # The schema wants at least one source in <Sources>: a codebook-only project has none.
    sources = _element(root, "Sources") if len(transcripts) else None
    files: dict[str, bytes] = {}
    notes: list[tuple[str, str]] = []
    by_transcript = dict(iter(frame.groupby("transcript_id"))) if len(frame) else {}
    for transcript in transcripts:
        source_guid = guid("source", transcript.id)
        files[f"sources/{source_guid}.txt"] = transcript.text.encode("utf-8")
        source = _element(
            sources,
            "TextSource",
            guid=source_guid,
            name=transcript.id,
            plainTextPath=f"internal://{source_guid}.txt",
        )
        spans = by_transcript.get(transcript.id)
        if spans is None:
            continue
        length = len(transcript.text)
        unit = codepoints_to_utf16(transcript.text) if positions == "utf16" else None
        for row in spans.sort_values(["start", "end", "coder", "code_id"]).itertuples():
            if row.end > length:
                raise ExchangeError(
                    f"coding ends at {row.end}, past the end of transcript {transcript.id!r} "
                    f"({length} characters)",
                    file="codings",
                    row=int(row.source_row),
                    field="end",
                )
            key = getattr(row, "coding_id", None)
            key = str(key) if key is not None and not pd.isna(key) and str(key) else (
                transcript.id, row.coder, row.code_id, row.start, row.end, row.source_row
            )  # fmt: skip
            selection = _element(
                source,
                "PlainTextSelection",
                guid=guid("selection", key),
                startPosition=int(row.start if unit is None else unit[row.start]),
                endPosition=int(row.end if unit is None else unit[row.end]),
                creatingUser=guid("user", row.coder),
            )
            coding = _element(
                selection, "Coding", guid=guid("coding", key), creatingUser=guid("user", row.coder)
            )
            _element(coding, "CodeRef", targetGUID=guid("code", row.code_id))
            memo = getattr(row, "memo", None)
            if isinstance(memo, str) and memo.strip():
                bad = XML_INCOMPATIBLE.search(memo)
                if bad is not None:
                    raise ExchangeError(
                        f"coding {key} ({transcript.id}, {row.coder}): its memo holds "
                        f"U+{ord(bad.group()):04X} at character {bad.start()}, which XML "
                        "cannot carry; edit the memo and export again",
                        field="memo",
                    )
                note_guid = guid("note", key)
                _element(coding, "NoteRef", targetGUID=note_guid)
                notes.append((note_guid, memo))
    if notes:
        notes_element = _element(root, "Notes")
        for note_guid, memo in notes:
            note = _element(notes_element, "Note", guid=note_guid, name="memo")
            _element(note, "PlainTextContent").text = memo
    cited = {key for code in codebook for key in code.sources}
    uncited = sorted(set(codebook.sources) - cited)
    if uncited:
        warnings.append(f"codebook sources {uncited} are cited by no code and are not carried")
    description = _project_description(codebook)
    if description:
        _element(root, "Description").text = description
    extra = sorted(set(frame.columns) - {*clean_columns(), "source_row", "deleted", "deleted_at"})
    if extra:
        warnings.append(f"coding columns {extra} are not carried by REFI-QDA")
    validate_project(root)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml, files, warnings


def clean_columns() -> list[str]:
    """Coding columns REFI-QDA carries (``coding_id`` becomes the selection GUID seed)."""
    return ["coding_id", "transcript_id", "coder", "code_id", "start", "end", "memo"]


def _cases(root, participants: pd.DataFrame, transcripts: list, warnings: list[str]) -> None:
    if "participant_id" not in participants.columns:
        raise ExchangeError("participants need a participant_id column", field="participant_id")
    columns = [c for c in participants.columns if c != "participant_id"]
    kinds = {c: _variable_type(participants[c]) for c in columns}
    if columns:
        variables = _element(root, "Variables")
        for column in columns:
            _element(
                variables,
                "Variable",
                guid=guid("variable", column),
                name=column,
                typeOfVariable=kinds[column],
            )
    cases = _element(root, "Cases")
    by_participant: dict[str, list[str]] = {}
    for transcript in transcripts:
        if transcript.participant_id:
            by_participant.setdefault(str(transcript.participant_id), []).append(transcript.id)
    for record in participants.to_dict("records"):
        pid = str(record["participant_id"])
        case = _element(cases, "Case", guid=guid("case", pid), name=pid)
        for column in columns:
            value = record[column]
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            holder = _element(case, "VariableValue")
            _element(holder, "VariableRef", targetGUID=guid("variable", column))
            _value_element(holder, kinds[column], value)
        for transcript_id in by_participant.get(pid, []):
            _element(case, "SourceRef", targetGUID=guid("source", transcript_id))


def write_qdpx(
    path: str | Path,
    corpus: Iterable,
    codebook: Codebook,
    codings: pd.DataFrame,
    participants: pd.DataFrame | None = None,
    name: str | None = None,
    positions: Literal["codepoints", "utf16"] = "codepoints",
) -> list[str]:
    """Write a REFI-QDA project archive; returns warnings about anything not carried.

    Carries the transcripts (``sources/<guid>.txt``, UTF-8), the codebook (code fields packed
    into each Description), coders as users, every coding as a text selection with its
    coding and memo (as a Note), and participants as cases with variables linked to their
    transcripts. The XML is validated against the REFI-QDA schema first; the file is
    written atomically. Positions count code points, as the standard says; ``positions=
    "utf16"`` counts UTF-16 code units instead, for NVivo for Windows (which would otherwise
    put every coding after an emoji on the wrong words).

    >>> write_qdpx("demo.qdpx", study.transcripts(), study.codebook(), study.codings(),
    ...            participants=study.participants())
    []
    """
    xml, files, warnings = project_xml(corpus, codebook, codings, participants, name, positions)
    with (
        atomic_write(path, "wb") as handle,
        zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        archive.writestr("project.qde", xml)
        for member, data in files.items():
            archive.writestr(member, data)
    return warnings
