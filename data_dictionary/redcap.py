"""Convert a REDCap data dictionary (the instrument designer's CSV) into a Table Schema.

REDCap (https://projectredcap.org) describes a project's fields in a CSV with 18 standard
columns ("Variable / Field Name", "Form Name", ..., "Field Annotation"). This module maps it to
the Frictionless Table Schema dyadlab uses, following REDCap's own export conventions:

* ``dropdown`` / ``radio``: choices ``1, Yes | 0, No`` become ``categories`` (value and label);
  the field is ``integer`` when every code is a whole number, else ``string``.
* ``checkbox``: one boolean field per choice, named ``field___code`` (REDCap's export name;
  the code lower-cased, characters other than letters, digits and ``_`` as ``_``), 1/0.
* ``yesno`` (1 = Yes, 0 = No) and ``truefalse`` (1 = True, 0 = False): boolean.
* ``calc``: number. ``slider``: integer 0-100. ``text``, ``notes``, ``file``, ``sql``:
  string, with the text validation type mapped to a type or pattern (``date_ymd``/``date_mdy``/
  ``date_dmy`` → date — REDCap exports dates as YYYY-MM-DD whatever the entry format —,
  ``integer`` → integer, ``number*`` → number, ``email``/``phone``/``zipcode``/``time``/
  ``datetime_*`` → string with a pattern).
* "Text Validation Min/Max" → soft ``minimum``/``maximum`` (``today``/``now`` are skipped);
  "Required Field?" = y → soft ``required`` unless branching logic can hide the field
  (``softConstraints``: warnings, as REDCap's own checks are; :mod:`data_dictionary.soft`);
* every field but the record id is ``optional``: an export holds only the instruments or
  fields chosen for it;
  "Identifier?" = y → ``pii: true``; ``descriptive`` fields are skipped (they hold no data).

Reading the file is :mod:`data_dictionary.redcap_read`; this module is the conversion, one
branch per REDCap field type (a little over 400 lines: the field types belong together).

A dictionary with a record id, a date entered month first, and a radio question:

>>> import csv
>>> from data_dictionary.redcap import COLUMNS, redcap_to_schema
>>> rows = [
...     {"Variable / Field Name": "record_id", "Form Name": "enrolment", "Field Type": "text"},
...     {"Variable / Field Name": "consent_date", "Form Name": "enrolment",
...      "Field Type": "text", "Text Validation Type OR Show Slider Number": "date_mdy"},
...     {"Variable / Field Name": "moud", "Form Name": "enrolment", "Field Type": "radio",
...      "Choices, Calculations, OR Slider Labels": "1, Methadone | 2, Buprenorphine"}]
>>> with open("MyProject_DataDictionary.csv", "w", newline="") as f:
...     writer = csv.DictWriter(f, COLUMNS)
...     _ = writer.writeheader()
...     writer.writerows(rows)
>>> schema = redcap_to_schema("MyProject_DataDictionary.csv")
>>> schema.field("consent_date").type
'date'
>>> schema.field("moud").type, [(c.value, c.label) for c in schema.field("moud").categories]
('integer', [(1, 'Methadone'), (2, 'Buprenorphine')])
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import replace
from pathlib import Path

from data_dictionary.errors import DictionaryImportError
from data_dictionary.redcap_read import (
    API_COLUMNS,
    COLUMNS,
    ESSENTIAL,
    RedcapRow,
    _plain,
    decode_text,
    parse_choices,
    read_redcap_dictionary,
)
from data_dictionary.schema import Category, Field, MissingValue, Schema

__all__ = [
    "API_COLUMNS",
    "COLUMNS",
    "ESSENTIAL",
    "EXPORT_DATE_FORMATS",
    "FIELD_TYPES",
    "VALIDATION",
    "RedcapRow",
    "decode_text",
    "parse_choices",
    "read_redcap_dictionary",
    "redcap_to_schema",
    "schema_to_yaml",
]

log = logging.getLogger(__name__)

FIELD_TYPES = {
    "text",
    "notes",
    "dropdown",
    "radio",
    "checkbox",
    "yesno",
    "truefalse",
    "calc",
    "descriptive",
    "file",
    "slider",
    "sql",
}
NOT_ENTERED = (MissingValue("", "not entered"),)

#: text validation type → (Table Schema type, pattern or None)
VALIDATION = {
    "date_ymd": ("date", None),
    "date_mdy": ("date", None),
    "date_dmy": ("date", None),
    "integer": ("integer", None),
    "number": ("number", None),
    "email": ("string", r"[^@\s]+@[^@\s]+\.[^@\s]+"),
    "phone": ("string", r"\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}"),
    "zipcode": ("string", r"\d{5}(-\d{4})?"),
    "time": ("string", r"([01]\d|2[0-3]):[0-5]\d"),
    "time_mm_ss": ("string", r"[0-5]\d:[0-5]\d"),
    "time_hh_mm_ss": ("string", r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d"),
    "vmrn": ("string", None),
    "mrn_10d": ("string", r"\d{10}"),
    "mrn_generic": ("string", None),
    "signature": ("string", None),
    # country-specific formats of REDCap's validation list: text, their patterns not copied
    "phone_australia": ("string", None),
    "postalcode_australia": ("string", None),
    "postalcode_french": ("string", None),
    "postalcode_germany": ("string", None),
    "postalcode_uk": ("string", None),
    "zipcode_brazil": ("string", None),
    "datetime_ymd": ("string", r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"),
    "datetime_mdy": ("string", r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"),
    "datetime_dmy": ("string", r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"),
    "datetime_seconds_ymd": ("string", r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
    "datetime_seconds_mdy": ("string", r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
    "datetime_seconds_dmy": ("string", r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
    "alpha_only": ("string", r"[A-Za-z]+"),
    "letters_only": ("string", r"[A-Za-z]+"),
    "postalcode_canada": ("string", r"[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d"),
    "ssn": ("string", r"\d{3}-\d{2}-\d{4}"),
}
_CODE = re.compile(r"[^a-z0-9_]")


#: REDCap's export option "Date format" → the strptime format of exported dates.
EXPORT_DATE_FORMATS = {"ymd": None, "mdy": "%m/%d/%Y", "dmy": "%d/%m/%Y"}


def redcap_to_schema(
    path: str | Path,
    table: str | None = None,
    forms: list[str] | None = None,
    date_format: str = "ymd",
) -> Schema:
    """Convert the REDCap dictionary at ``path`` into a :class:`Schema` named ``table``.

    ``forms`` keeps only fields of those instruments ("Form Name"). ``date_format`` is the
    date format chosen when the records were exported (REDCap's export option: ``ymd``
    YYYY-MM-DD, the default; ``mdy`` MM/DD/YYYY; ``dmy`` DD/MM/YYYY): date fields then read
    that format. Raises :class:`~data_dictionary.errors.DictionaryImportError` naming the
    file and line.
    """
    if date_format not in EXPORT_DATE_FORMATS:
        raise DictionaryImportError(
            f"date format must be one of {', '.join(EXPORT_DATE_FORMATS)}, got {date_format!r}",
            field="date_format",
        )
    path = Path(path)
    rows = read_redcap_dictionary(path)
    if forms:
        known = {r["Form Name"] for r in rows}
        unknown = sorted(set(forms) - known)
        if unknown:
            raise DictionaryImportError(
                f"no form(s) {unknown} in the dictionary; forms: {', '.join(sorted(known))}",
                file=path,
            )
        rows = [r for r in rows if r["Form Name"] in forms]
    fields: list[Field] = []
    seen: dict[str, int] = {}
    forms_in_order = list(dict.fromkeys(r["Form Name"] for r in rows if r["Form Name"]))
    for row in rows:
        for field in _convert_row(row, path):
            if field.name in seen:
                raise DictionaryImportError(
                    f"field name {field.name!r} already defined on line {seen[field.name]}",
                    file=path,
                    line=row.line,
                    field=field.name,
                )
            seen[field.name] = row.line
            fields.append(field)
    if not fields:
        raise DictionaryImportError("the dictionary defines no data fields", file=path)
    # A REDCap export holds the columns of the instruments, fields or report chosen for it:
    # every field but the record id (the first) may be absent.
    fields = [fields[0]] + [replace(f, optional=True) for f in fields[1:]]
    if EXPORT_DATE_FORMATS[date_format]:
        fields = [
            replace(f, format=EXPORT_DATE_FORMATS[date_format]) if f.type == "date" else f
            for f in fields
        ]
    for form in forms_in_order:
        # every record export has a <form>_complete column per instrument
        if f"{form}_complete" not in seen:
            fields.append(_complete_field(form))
    name = table or re.sub(r"[^a-z0-9_]+", "_", path.stem.lower()).strip("_") or "redcap"
    return Schema(
        name=name,
        title=f"REDCap data dictionary {path.name}",
        description=f"Converted from the REDCap data dictionary {path.name} by dyadlab.",
        fields=tuple(fields),
    )


def _convert_row(row: RedcapRow, path: Path) -> list[Field]:
    name = row["Variable / Field Name"]
    kind = row["Field Type"].lower()
    where = {"file": path, "line": row.line, "field": name or None}
    if not name:
        raise DictionaryImportError("empty 'Variable / Field Name'", **where)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise DictionaryImportError(
            f"field name {name!r} is not a REDCap variable name (lower-case letters, digits, _)",
            **where,
        )
    if kind not in FIELD_TYPES:
        raise DictionaryImportError(
            f"unknown Field Type {kind!r}; expected one of {', '.join(sorted(FIELD_TYPES))}",
            **where,
        )
    if kind == "descriptive":
        return []
    label = _plain(row["Field Label"])
    note = _plain(row["Field Note"])
    if note and note[-1] not in ".?!":
        note += "."
    branching = row["Branching Logic (Show field only if...)"]
    description = " ".join(
        part
        for part in (
            note,
            f"Form: {row['Form Name']}." if row["Form Name"] else "",
            f"Shown only if {branching}." if branching else "",
        )
        if part
    )
    required = row["Required Field?"].lower() in ("y", "yes", "1") and not branching
    pii = row["Identifier?"].lower() in ("y", "yes", "1")
    form = row["Form Name"] or None
    common = {"title": label, "description": description, "pii": pii, "redcap_form": form}
    soft: dict = {"required": True} if required else {}
    choices_text = row["Choices, Calculations, OR Slider Labels"]

    if kind == "checkbox":
        choices = parse_choices(choices_text, **where)
        return [
            Field(
                name=f"{name}___{_CODE.sub('_', code.lower())}",
                type="boolean",
                title=f"{label}: {choice_label}",
                description=description,
                pii=pii,
                true_values=("1",),
                false_values=("0",),
                missing_values=NOT_ENTERED,
                redcap_form=form,
            )
            for code, choice_label in choices
        ]
    constraints: dict = {}
    if kind in ("dropdown", "radio"):
        choices = parse_choices(choices_text, **where)
        numeric = all(re.fullmatch(r"-?\d+", code) for code, _ in choices)
        categories = tuple(
            Category(int(code) if numeric else code, choice_label) for code, choice_label in choices
        )
        constraints["enum"] = [c.value for c in categories]
        return [
            Field(
                name=name,
                type="integer" if numeric else "string",
                categories=categories,
                constraints=constraints,
                soft_constraints=soft,
                missing_values=NOT_ENTERED,
                **common,
            )
        ]
    if kind in ("yesno", "truefalse"):
        words = ("Yes", "No") if kind == "yesno" else ("True", "False")
        return [
            Field(
                name=name,
                type="boolean",
                true_values=("1",),
                false_values=("0",),
                constraints=constraints,
                soft_constraints=soft,
                missing_values=NOT_ENTERED,
                **{
                    **common,
                    "description": " ".join(
                        p for p in (f"1 = {words[0]}, 0 = {words[1]}.", description) if p
                    ),
                },
            )
        ]
    if kind == "calc":
        common["description"] = " ".join(
            p for p in (description, f"Calculated: {choices_text}." if choices_text else "") if p
        )
        return [
            Field(
                name=name,
                type="number",
                constraints=constraints,
                soft_constraints=soft,
                missing_values=NOT_ENTERED,
                **common,
            )
        ]
    if kind == "slider":
        # the slider cannot leave its range: 0-100 unless Text Validation Min/Max set one
        low = _bound(row["Text Validation Min"], "number", where, "Text Validation Min")
        high = _bound(row["Text Validation Max"], "number", where, "Text Validation Max")
        low, high = (0 if low is None else low), (100 if high is None else high)
        constraints.update(minimum=low, maximum=high)
        labels = [_plain(p) for p in choices_text.split("|") if p.strip()]
        if labels:
            common["description"] = " ".join(
                p for p in (description, f"Slider labels: {' | '.join(labels)}.") if p
            )
        return [
            Field(
                name=name,
                type="integer" if all(isinstance(b, int) for b in (low, high)) else "number",
                constraints=constraints,
                soft_constraints=soft,
                missing_values=NOT_ENTERED,
                **common,
            )
        ]

    # text, notes, file, sql
    validation = row["Text Validation Type OR Show Slider Number"].lower()
    field_type, pattern, decimal_char = "string", None, "."
    if kind == "text" and validation:
        if validation.startswith("number"):
            field_type = "number"  # number, number_1dp, number_2dp_comma_decimal, ...
            if validation.endswith("comma_decimal"):
                decimal_char = ","  # exported as typed: "1,54"
        elif validation in VALIDATION:
            field_type, pattern = VALIDATION[validation]
        else:
            log.warning(
                "%s line %d: unknown validation %r; kept as text", path, row.line, validation
            )
    if pattern:
        constraints["pattern"] = pattern
    for key, column in (("minimum", "Text Validation Min"), ("maximum", "Text Validation Max")):
        bound = _bound(row[column], field_type, where, column, validation)
        if bound is not None:
            soft[key] = bound
    return [
        Field(
            name=name,
            type=field_type,
            constraints=constraints,
            soft_constraints=soft,
            decimal_char=decimal_char,
            missing_values=NOT_ENTERED,
            **common,
        )
    ]


_DATE_BOUND = {
    # REDCap stores date bounds as Y-M-D; hand-edited dictionaries use the entry format
    "mdy": (re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})"), (3, 1, 2)),
    "dmy": (re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})"), (3, 2, 1)),
    "ymd": (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"), (1, 2, 3)),
}


def _bound(text: str, field_type: str, where: dict, column: str, validation: str = ""):
    """A Text Validation Min/Max as a number or ISO date; ``None`` when there is none, it is
    relative (``today``, ``now``, a ``[field]``), or the field's type has no bounds here."""
    if not text or text.lower() in ("today", "now") or text.startswith("["):
        return None
    if field_type in ("integer", "number"):
        number = text.replace(",", ".") if re.fullmatch(r"-?\d+,\d+", text) else text
        try:
            value = float(number)
        except ValueError:
            raise DictionaryImportError(
                f"'{column}' must be a number for a {field_type} field, got {text!r}", **where
            ) from None
        whole = value.is_integer() and (field_type == "integer" or "." not in number)
        return int(value) if whole else value
    if field_type == "date":
        order = validation[-3:] if validation[-3:] in ("mdy", "dmy") else "ymd"
        for kind in dict.fromkeys((order, "ymd")):
            pattern, (y, m, d) = _DATE_BOUND[kind]
            match = pattern.fullmatch(text.split(" ")[0])
            if match:
                try:
                    day = dt.date(int(match[y]), int(match[m]), int(match[d]))
                except ValueError:
                    break
                return day.isoformat()
        raise DictionaryImportError(
            f"'{column}' must be a date (YYYY-MM-DD, or as entered for {validation}), got {text!r}",
            **where,
        )
    return None  # REDCap bounds on datetimes/times are not carried over


def _complete_field(form: str) -> Field:
    return Field(
        name=f"{form}_complete",
        type="integer",
        title=f"Complete? ({form})",
        description=f"REDCap's form status of {form}; empty where the form does not apply "
        "(another event or repeating instrument).",
        categories=(Category(0, "Incomplete"), Category(1, "Unverified"), Category(2, "Complete")),
        constraints={"enum": [0, 1, 2]},
        missing_values=NOT_ENTERED,
        optional=True,
        redcap_form=form,
    )


def schema_to_yaml(schema: Schema) -> str:
    """The schema as Table Schema YAML (what ``dyadlab import redcap-dictionary`` writes)."""
    import yaml

    return yaml.safe_dump(schema.to_dict(), sort_keys=False, allow_unicode=True, width=100)
