"""Soft checks: ``softConstraints`` (required, minimum, maximum) reported as warnings.

REDCap's own range and required checks are soft: a data-entry user may save a value outside
"Text Validation Min/Max" after a confirmation, and a required field may be left empty (the
form is then saved as incomplete). A REDCap export therefore legitimately holds such values;
a schema converted from a REDCap dictionary (:mod:`data_dictionary.redcap`) puts them under
``softConstraints`` so that :func:`data_dictionary.validate` warns about them
(:class:`~data_dictionary.errors.SoftConstraintWarning`) instead of rejecting the export.

A field with ``redcapForm`` is checked only on the rows of its instrument: rows whose
``<form>_complete`` cell is filled when the export has that column (REDCap leaves it empty
for events and repeating instruments the form does not belong to); otherwise, in an export
with repeating instruments, the rows of that instrument when it repeats, else the rows
outside every repeating instrument. So ``required`` never applies across repeating
instruments or events. Tested in tests/data_dictionary/test_redcap.py and
tests/data_dictionary/test_realworld_redcap.py.
"""

from __future__ import annotations

import pandas as pd

from data_dictionary.problems import problems_frame, show_value
from data_dictionary.schema import Field, Schema


def soft_problems(typed: pd.DataFrame, raw: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """Problems frame (``check`` = ``soft_required``/``soft_minimum``/``soft_maximum``) of
    the soft constraints of ``schema``; ``typed`` is the validated frame, ``raw`` the text."""
    records: list[dict] = []
    typed = typed.reset_index(drop=True)
    raw = raw.reset_index(drop=True)
    for field in schema.fields:
        soft = field.soft_constraints
        if not soft or field.name not in typed.columns:
            continue
        values = typed[field.name]
        rows = _rows_of_form(raw, field)
        if soft.get("required"):
            for i in values.index[values.isna() & rows]:
                records.append(
                    _record(
                        schema,
                        field,
                        i,
                        None,
                        "soft_required",
                        "a value is expected "
                        "(required in REDCap, where required is soft), got nothing",
                    )
                )
        for key, compare in (("minimum", lambda v, b: v < b), ("maximum", lambda v, b: v > b)):
            if key not in soft:
                continue
            bound = pd.Timestamp(soft[key]) if field.type == "date" else float(soft[key])
            present = values.notna() & rows
            kind = "datetime64[ns]" if field.type == "date" else "float64"
            outside = present & compare(values.where(present).astype(kind), bound).fillna(False)
            word = "at least" if key == "minimum" else "at most"
            for i in values.index[outside]:
                records.append(
                    _record(
                        schema,
                        field,
                        i,
                        raw[field.name].iloc[i] if field.name in raw else values.iloc[i],
                        f"soft_{key}",
                        f"expected {word} {soft[key]} (REDCap's soft {key}), "
                        f"got {show_value(raw[field.name].iloc[i])}",
                    )
                )
    return problems_frame(records)


def _rows_of_form(raw: pd.DataFrame, field: Field) -> pd.Series:
    every = pd.Series(True, index=raw.index)
    form = field.redcap_form
    if not form:
        return every
    complete = f"{form}_complete"
    if complete in raw.columns:
        return raw[complete].notna() & (raw[complete].astype(str).str.strip() != "")
    if "redcap_repeat_instrument" in raw.columns:
        instrument = raw["redcap_repeat_instrument"].fillna("").astype(str).str.strip()
        if (instrument == form).any():
            return instrument == form
        return instrument == ""
    return every


def _record(schema: Schema, field: Field, index: int, value, check: str, message: str) -> dict:
    return {
        "table": schema.name,
        "row": int(index) + 1,
        "column": field.name,
        "check": check,
        "value": value,
        "message": message,
    }
