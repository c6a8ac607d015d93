"""Reading a REDCap data dictionary: the Data Dictionary download or the API's metadata.

The download has 18 columns ("Variable / Field Name", "Form Name", …); the API's metadata
export (``content=metadata``) the same under snake-case names (``field_name``,
``select_choices_or_calculations``, …). Either is read as UTF-8 or, failing that,
Windows-1252 (what Excel on Windows saves), comma-, semicolon- or tab-separated, into rows
under the download's names with their CSV line numbers. :mod:`data_dictionary.redcap`
converts the rows into a Table Schema. Tested in tests/data_dictionary/test_redcap.py and
tests/data_dictionary/test_realworld_redcap.py.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from data_dictionary.errors import DictionaryImportError

log = logging.getLogger(__name__)

COLUMNS = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
_TAG = re.compile(r"<[^>]+>")


#: REDCap API metadata (``content=metadata``) column names → the CSV download's names.
API_COLUMNS = dict(
    zip(
        (
            "field_name",
            "form_name",
            "section_header",
            "field_type",
            "field_label",
            "select_choices_or_calculations",
            "field_note",
            "text_validation_type_or_show_slider_number",
            "text_validation_min",
            "text_validation_max",
            "identifier",
            "branching_logic",
            "required_field",
            "custom_alignment",
            "question_number",
            "matrix_group_name",
            "matrix_ranking",
            "field_annotation",
        ),
        COLUMNS,
        strict=True,
    )
)
#: The columns a dictionary cannot do without; the others are read as empty when absent
#: (older REDCap versions write fewer columns, e.g. no "Field Annotation").
ESSENTIAL = ("Variable / Field Name", "Form Name", "Field Type")


@dataclass(frozen=True)
class RedcapRow:
    """One row of the dictionary and the CSV line it starts on."""

    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()


def decode_text(data: bytes) -> tuple[str, str | None]:
    """``(text, note)``: UTF-8 (a BOM allowed), else Windows-1252 — what Excel on Windows
    writes when a REDCap CSV is opened and saved — with a note saying so."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not valid UTF-8; read as Windows-1252 (cp1252)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not valid UTF-8; read as Latin-1 (ISO-8859-1)"


def read_redcap_dictionary(path: str | Path) -> list[RedcapRow]:
    """The dictionary's rows with their line numbers, under the CSV download's column names.

    Reads the Data Dictionary download (18 columns, "Variable / Field Name" first) and the
    API's metadata export (``field_name``, ``select_choices_or_calculations``, …); UTF-8 or
    Windows-1252; comma-, semicolon- or tab-separated. ``NA`` cells of an API export saved
    from R are empty.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DictionaryImportError("REDCap data dictionary not found", file=path) from None
    text, note = decode_text(data)
    if note:
        log.warning("%s: %s", path, note)
    header, reader = _open_csv(text, path)
    api = "field_name" in header
    names = [API_COLUMNS.get(h, h) if api else h for h in header]
    missing = [c for c in ESSENTIAL if c not in names]
    if missing:
        raise DictionaryImportError(
            f"not a REDCap data dictionary: missing column(s) {', '.join(repr(c) for c in missing)}"
            " (expected the Data Dictionary download, first column 'Variable / Field Name', or "
            "the API metadata export, first column 'field_name')",
            file=path,
            line=1,
        )
    rows = []
    line = reader.line_num + 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
                    raise DictionaryImportError(
                        f"expected {len(names)} cells, got {len(cells)}", file=path, line=line
                    )
                values = dict(zip(names, cells, strict=False))
                if api:
                    values = {k: "" if v == "NA" else v for k, v in values.items()}
                rows.append(RedcapRow(line, values))
            line = reader.line_num + 1
    except csv.Error as error:
        raise DictionaryImportError(f"malformed CSV: {error}", file=path, line=line) from None
    return rows


def _open_csv(text: str, path: Path):
    """``(header, reader)``, trying comma, then semicolon and tab separators; the comma
    reading when none finds the first column (the caller then names what is missing)."""
    readings = []
    for delimiter in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise DictionaryImportError("the file is empty", file=path, line=1) from None
        except csv.Error as error:
            raise DictionaryImportError(f"malformed CSV: {error}", file=path, line=1) from None
        if "Variable / Field Name" in header or "field_name" in header:
            return header, reader
        readings.append((header, reader))
    return readings[0]


def parse_choices(
    text: str, *, file: str | Path | None = None, line: int | None = None, field: str | None = None
) -> list[tuple[str, str]]:
    """``"1, Yes | 0, No"`` → ``[("1", "Yes"), ("0", "No")]`` (a label may hold commas)."""
    out = []
    for part in text.split("|"):
        part = part.strip()
        if not part:
            continue
        code, comma, label = part.partition(",")
        if not comma or not code.strip():
            raise DictionaryImportError(
                f"malformed choice {part!r}: expected 'code, label' separated by ' | ' "
                "(e.g. '1, Yes | 0, No')",
                file=file,
                line=line,
                field=field,
            )
        out.append((code.strip(), _plain(label)))
    codes = [c for c, _ in out]
    if len(set(codes)) != len(codes):
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        raise DictionaryImportError(
            f"duplicate choice code(s) {dupes}", file=file, line=line, field=field
        )
    if not out:
        raise DictionaryImportError(
            "no choices given (expected 'code, label | code, label')",
            file=file,
            line=line,
            field=field,
        )
    return out


def _plain(text: str) -> str:
    """A label without HTML tags or REDCap piping markup, on one line."""
    return " ".join(_TAG.sub("", text).split())
