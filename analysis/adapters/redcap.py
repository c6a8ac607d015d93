"""A REDCap records export → deliveries, dispensing and events.

REDCap exports one row per record (here: one delivery), plus one row per instance of each
*repeating instrument* (``redcap_repeat_instrument``, ``redcap_repeat_instance``), which is how
a study typically records fills/dosing and outcome events. Values come either **raw** (choice
codes ``1``, checkbox cells ``0/1``) or **labelled** (``Methadone``, ``Checked/Unchecked``); a
checkbox question ``moud_type`` becomes one column per choice, ``moud_type___1``,
``moud_type___2``… (a negative code ``-1`` is written ``moud_type____1``).

The mapping says where each dyadlab column comes from::

    mapping = {
        "record_id": "record_id",            # default
        "person_id": "mother_id",            # default: the record id
        "deliveries": {"delivery_date": "delivery_dt", "site": "site"},
        "dispensing": {"instrument": "dispensing", "fill_date": "disp_date",
                       "drug": "disp_drug", "days_supply": "disp_days"},
        "events": {"instrument": "outcomes", "event_date": "ev_date", "event_type": "ev_type"},
        "choices": {"disp_drug": {"1": "methadone", "2": "buprenorphine", "3": "naltrexone"},
                    "ev_type": {"1": "return_to_use", "2": "overdose_nonfatal",
                                "3": "overdose_fatal", "4": "death_other"}},
        "checkboxes": {"moud": {"field": "moud_type", "choices": {"1": "methadone",
                                "2": "buprenorphine", "3": "naltrexone"}}},
    }
    tables = from_redcap(records, mapping, choice_labels=redcap_dictionary)

**Longitudinal projects** (a ``redcap_event_name`` column): deliveries are read from the
rows of the event holding the delivery — ``mapping["deliveries"]["event"]`` names it (a
unique event name such as ``delivery_arm_1``, or a list with one per arm); without it, the
one event per arm whose rows have the delivery date filled in (an error lists the events
when that is ambiguous). An instrument that does not repeat is read from the rows where its
``<instrument>_complete`` status is filled (optionally only those of ``"event"``), one
row per event. An instrument without rows — mapped but absent from the export, or not
mapped at all — gives an empty table with the right columns, and a note says why.

``mapping["date_format"]`` is the date format chosen when the records were exported
(``ymd`` YYYY-MM-DD, the default; ``mdy``; ``dmy``): dates are never guessed, so a
day-first export is never read month-first. ``mapping["dispensing"]["source"]`` says where
the fills were recorded (``pharmacy``, ``otp`` or ``clinic``, the default). ``choices``
maps raw codes to dyadlab values. For a labelled export pass ``choice_labels``: the REDCap
data dictionary (a DataFrame of its CSV, or ``{field: "1, Methadone | 2, …"}``),
so that a label is turned back into its code first. A checkbox question becomes one text
column holding the checked choices' values, sorted and comma-joined (``"none"`` when none).
Any value that is neither a known code nor a known label is an error naming the export row
(1-based, header not counted) and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from analysis._validation import require_columns
from analysis.adapters.tables import DISPENSING_COLUMNS, EVENT_COLUMNS, StudyTables
from analysis.errors import AnalysisError

SOURCE = "REDCap export"
_CHECKED = {"1", "1.0", "checked", "true", "yes"}
_UNCHECKED = {"0", "0.0", "unchecked", "false", "no", ""}


def from_redcap(
    records: pd.DataFrame,
    mapping: Mapping[str, Any],
    *,
    choice_labels: pd.DataFrame | Mapping[str, str] | None = None,
    source: str = SOURCE,
) -> StudyTables:
    """Build dyadlab tables from a REDCap records export (see the module docstring).

    Read the export with ``pd.read_csv("export.csv", dtype=str, keep_default_na=False)``.
    One delivery record with two dispensing instances, raw codes:

    >>> mapping = {"deliveries": {"delivery_date": "delivery_dt"},
    ...            "dispensing": {"instrument": "dispensing", "fill_date": "disp_date",
    ...                           "drug": "disp_drug", "days_supply": "disp_days"},
    ...            "choices": {"disp_drug": {"1": "methadone", "2": "buprenorphine"}}}
    >>> records = pd.DataFrame({"record_id": ["1", "1", "1"],
    ...     "redcap_repeat_instrument": ["", "dispensing", "dispensing"],
    ...     "redcap_repeat_instance": ["", "1", "2"],
    ...     "delivery_dt": ["2023-03-01", "", ""],
    ...     "disp_date": ["", "2023-02-01", "2023-05-01"],
    ...     "disp_drug": ["", "1", "2"], "disp_days": ["", "90", "14"]})
    >>> tables = from_redcap(records, mapping)
    >>> tables.dispensing[["fill_date", "drug", "days_supply"]]
       fill_date           drug  days_supply
    0 2023-02-01      methadone           90
    1 2023-05-01  buprenorphine           14
    >>> records.loc[2, "disp_drug"] = "7"
    >>> from_redcap(records, mapping)
    Traceback (most recent call last):
    ...
    analysis.errors.AnalysisError: REDCap export, row 3, field 'disp_drug': value '7' is ...
    """
    records = records.reset_index(drop=True)
    record_id = mapping.get("record_id", "record_id")
    date_format = mapping.get("date_format", "ymd")
    if date_format not in DATE_FORMATS:
        raise AnalysisError(
            f"mapping['date_format'] must be one of {', '.join(DATE_FORMATS)}, got {date_format!r}",
            field="mapping",
        )
    person_field = mapping.get("person_id", record_id)
    require_columns(records, [record_id], name=source)
    labels = _labels(choice_labels)
    choices = {k: {str(c): v for c, v in m.items()} for k, m in mapping.get("choices", {}).items()}
    rows = pd.Series(np.arange(1, len(records) + 1), index=records.index)
    instrument = (
        records["redcap_repeat_instrument"].fillna("").astype(str)
        if "redcap_repeat_instrument" in records.columns
        else pd.Series("", index=records.index)
    )
    notes: list[str] = []
    delivery_fields = dict(mapping.get("deliveries", {}))
    delivery_event = delivery_fields.pop("event", None)
    if "delivery_date" not in delivery_fields:
        raise AnalysisError("mapping['deliveries'] needs 'delivery_date'", field="mapping")
    require_columns(records, list(delivery_fields.values()) + [person_field], name=source)
    event = _event_column(records)
    base = records.loc[instrument == ""]
    if event is not None:
        chosen = _delivery_events(base, event, delivery_event, delivery_fields["delivery_date"])
        base = base.loc[event.loc[base.index].isin(chosen)]
        notes.append(f"deliveries read from the rows of event(s) {', '.join(chosen)}")
    deliveries = pd.DataFrame(
        {
            "delivery_id": base[record_id].astype(str).to_numpy(),
            "person_id": base[person_field].astype(str).to_numpy(),
        }
    )
    for target, name in delivery_fields.items():
        values = _decode(base[name], name, choices, labels, rows, source)
        deliveries[target] = (
            _as_date(values, name, rows.loc[base.index], source, date_format)
            if (target.endswith("_date"))
            else values.to_numpy()
        )
    for target, spec in mapping.get("checkboxes", {}).items():
        deliveries[target] = _checkbox(base, spec, rows, source)
    repeated = deliveries["delivery_id"].duplicated()
    if repeated.any():
        row = int(rows.loc[base.index[np.flatnonzero(repeated)[0]]])
        raise AnalysisError(
            "record appears twice outside repeating instruments",
            file=source,
            row=row,
            field=record_id,
        )
    person_of = dict(zip(deliveries["delivery_id"], deliveries["person_id"], strict=True))

    dispensing = _instrument(
        records,
        instrument,
        event,
        mapping.get("dispensing"),
        ["fill_date", "drug", "days_supply"],
        record_id,
        person_of,
        choices,
        labels,
        rows,
        source,
        id_column="claim_id",
        date_format=date_format,
    )
    dispensing["days_supply"] = pd.to_numeric(dispensing["days_supply"], errors="coerce").astype(
        "Int64"
    )
    # the dispensing dictionary's sources: pharmacy, otp, clinic (a study's own records)
    dispensing["source"] = (mapping.get("dispensing") or {}).get("source", "clinic")
    events = _instrument(
        records,
        instrument,
        event,
        mapping.get("events"),
        ["event_date", "event_type"],
        record_id,
        person_of,
        choices,
        labels,
        rows,
        source,
        id_column="event_id",
        date_format=date_format,
    )
    events = events.rename(columns={"_record": "delivery_id"})[EVENT_COLUMNS]
    dispensing = dispensing[DISPENSING_COLUMNS]
    repeating = sorted(set(instrument) - {""})
    for name, table in (("dispensing", dispensing), ("events", events)):
        if table.empty:
            form = (mapping.get(name) or {}).get("instrument")
            why = (
                f" (mapping has no '{name}')"
                if not mapping.get(name)
                else f" (instrument {form!r} is not in the export; repeating instruments: "
                f"{', '.join(repeating) or 'none'})"
                if form and form not in repeating and f"{form}_complete" not in records
                else ""
            )
            notes.append(f"no {name} rows{why}: an empty table with its columns")
    return StudyTables(deliveries=deliveries, dispensing=dispensing, events=events, notes=notes)


def _event_column(records: pd.DataFrame) -> pd.Series | None:
    """``redcap_event_name`` of a longitudinal export (``None`` for a classic project)."""
    if "redcap_event_name" not in records.columns:
        return None
    return records["redcap_event_name"].fillna("").astype(str).str.strip()


def _delivery_events(base: pd.DataFrame, event: pd.Series, wanted, date_field: str) -> list[str]:
    """The event(s) whose rows hold the delivery: those named in the mapping (a unique event
    name such as ``delivery_arm_1``, or a list: one per arm), else the one event whose rows
    have the delivery date filled in."""
    known = list(dict.fromkeys(event.loc[base.index]))
    if wanted:
        chosen = [wanted] if isinstance(wanted, str) else list(wanted)
        unknown = [e for e in chosen if e not in known]
        if unknown:
            raise AnalysisError(
                f"no event {', '.join(map(repr, unknown))} in redcap_event_name; events: "
                + ", ".join(known),
                field="mapping['deliveries']['event']",
            )
        return chosen
    filled = base[date_field].fillna("").astype(str).str.strip() != ""
    holding = list(dict.fromkeys(event.loc[base.index[filled.to_numpy()]]))
    by_arm: dict[str, list[str]] = {}
    for name in holding:
        by_arm.setdefault(name.rpartition("_arm_")[2] if "_arm_" in name else "", []).append(name)
    if holding and all(len(names) == 1 for names in by_arm.values()):
        return holding
    raise AnalysisError(
        f"longitudinal export: the delivery date {date_field!r} is filled in "
        + (f"events {', '.join(holding)}" if holding else "no event")
        + "; name the event holding the delivery in mapping['deliveries']['event'] "
        f"(events: {', '.join(known)})",
        field=date_field,
    )


def _instrument(
    records,
    instrument,
    event,
    spec,
    targets,
    record_id,
    person_of,
    choices,
    labels,
    rows,
    source,
    *,
    id_column,
    date_format="ymd",
) -> pd.DataFrame:
    if not spec:
        return _empty([id_column, "person_id", "_record", *targets])
    name = spec.get("instrument")
    repeating = bool(name) and bool((instrument == name).any())
    part = records.loc[instrument == name] if repeating else records.loc[instrument == ""]
    complete = f"{name}_complete"
    if name and not repeating:
        if complete not in records.columns:
            # neither a repeating instrument of the export nor one of its forms
            return _empty([id_column, "person_id", "_record", *targets])
        part = part.loc[part[complete].fillna("").astype(str).str.strip() != ""]
    if event is not None and spec.get("event"):
        wanted = [spec["event"]] if isinstance(spec["event"], str) else list(spec["event"])
        part = part.loc[event.loc[part.index].isin(wanted)]
    if not repeating:
        # a non-repeating instrument (one per event in a longitudinal project): its rows
        # are those where the instrument's date is filled in
        date_field = next((spec[t] for t in targets if t.endswith("_date") and t in spec), None)
        if date_field is not None and date_field in part.columns:
            part = part.loc[part[date_field].fillna("").astype(str).str.strip() != ""]
    fields = {t: spec[t] for t in targets if t in spec}
    missing = [t for t in targets if t not in fields]
    if missing:
        raise AnalysisError(
            f"mapping for instrument {name!r} lacks {', '.join(missing)}", field="mapping"
        )
    require_columns(part, list(fields.values()), name=source)
    instance = (
        part["redcap_repeat_instance"].astype(str).str.replace(r"\.0$", "", regex=True)
        if "redcap_repeat_instance" in part.columns
        else pd.Series(np.arange(1, len(part) + 1).astype(str), index=part.index)
    )
    if part.empty:
        return _empty([id_column, "person_id", "_record", *targets])
    if not repeating and event is not None:
        instance = event.loc[part.index]
    record = part[record_id].astype(str)
    out = pd.DataFrame(
        {
            id_column: (record + "-" + (name or "row") + "-" + instance).to_numpy(),
            "person_id": record.map(person_of).to_numpy(),
            "_record": record.to_numpy(),
        }
    )
    orphan = out["person_id"].isna().to_numpy()
    if orphan.any():
        row = int(rows.loc[part.index[np.flatnonzero(orphan)[0]]])
        raise AnalysisError(
            f"{name or 'row'} for a record without its main (non-repeating) row",
            file=source,
            row=row,
            field=record_id,
        )
    for target, field_name in fields.items():
        values = _decode(part[field_name], field_name, choices, labels, rows, source)
        if target.endswith("_date"):
            out[target] = _as_date(values, field_name, rows.loc[part.index], source, date_format)
        else:
            out[target] = values.to_numpy()
    return out


def _empty(columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    for column in columns:
        if column.endswith("_date"):
            frame[column] = frame[column].astype("datetime64[ns]")
    return frame


def _decode(values, field_name, choices, labels, rows, source) -> pd.Series:
    """Raw code or label → the mapped dyadlab value (fields without choices pass through)."""
    if field_name not in choices:
        return values
    mapped = choices[field_name]
    from_label = {label.casefold(): code for code, label in labels.get(field_name, {}).items()}
    text = values.astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    codes = text.where(text.isin(mapped.keys()), text.str.casefold().map(from_label))
    result = codes.map(mapped)
    bad = result.isna() & values.notna() & (text != "")
    if bad.any():
        first = bad.to_numpy().nonzero()[0][0]
        raise AnalysisError(
            f"value {values.iloc[first]!r} is neither a mapped choice code "
            f"({', '.join(mapped)}) nor a known label",
            file=source,
            row=int(rows.loc[values.index[first]]),
            field=field_name,
        )
    return result


#: ``mapping["date_format"]`` (REDCap's export option "Date format") → strptime format.
DATE_FORMATS = {"ymd": "%Y-%m-%d", "mdy": "%m/%d/%Y", "dmy": "%d/%m/%Y"}


def _as_date(
    values: pd.Series, field_name: str, rows: pd.Series, source: str, date_format: str = "ymd"
) -> np.ndarray:
    """Dates of one export column in the export's date format; datetimes keep their day.

    Never inferred: ``03/04/2023`` is March 4 only under ``mdy``; under ``ymd`` it is an
    error naming the row, so a day-first export is never read month-first.
    """
    text = values.fillna("").astype(str).str.strip()
    day = text.str.split(" ").str[0]  # "2023-03-01 14:30" (datetime fields)
    parsed = pd.to_datetime(
        day.where(text != ""), format=DATE_FORMATS[date_format], errors="coerce"
    )
    bad = parsed.isna() & (text != "")
    if bad.any():
        first = bad.to_numpy().nonzero()[0][0]
        shape = {"ymd": "YYYY-MM-DD", "mdy": "MM/DD/YYYY", "dmy": "DD/MM/YYYY"}[date_format]
        raise AnalysisError(
            f"{values.iloc[first]!r} is not a date {shape} (the export's date format, "
            "mapping['date_format']: ymd, mdy or dmy)",
            file=source,
            row=int(rows.iloc[first]),
            field=field_name,
        )
    return parsed.astype("datetime64[ns]").to_numpy()


def _checkbox(base: pd.DataFrame, spec: Mapping[str, Any], rows, source) -> np.ndarray:
    field_name = spec["field"]
    picked = [[] for _ in range(len(base))]
    for code, value in spec["choices"].items():
        column = f"{field_name}___{str(code).replace('-', '_')}"
        require_columns(base, [column], name=source)
        cells = base[column].fillna("").astype(str).str.strip().str.casefold()
        unknown = ~cells.isin(_CHECKED | _UNCHECKED)
        if unknown.any():
            first = unknown.to_numpy().nonzero()[0][0]
            raise AnalysisError(
                f"checkbox cell {base[column].iloc[first]!r}; expected 0/1 or Checked/Unchecked",
                file=source,
                row=int(rows.loc[base.index[first]]),
                field=column,
            )
        for i in np.flatnonzero(cells.isin(_CHECKED).to_numpy()):
            picked[i].append(value)
    return np.array([",".join(sorted(p)) if p else "none" for p in picked], dtype=object)


def _labels(choice_labels) -> dict[str, dict[str, str]]:
    """``{field: {code: label}}`` from a REDCap data dictionary frame or a dict of strings."""
    from data_dictionary.redcap import parse_choices

    if choice_labels is None:
        return {}
    if isinstance(choice_labels, pd.DataFrame):
        name_col = next(
            c for c in ("Variable / Field Name", "field_name") if c in choice_labels.columns
        )
        choice_col = next(
            c
            for c in ("Choices, Calculations, OR Slider Labels", "select_choices_or_calculations")
            if c in choice_labels.columns
        )
        pairs = {
            str(n): str(c)
            for n, c in zip(choice_labels[name_col], choice_labels[choice_col], strict=True)
            if isinstance(c, str) and "," in c
        }
    else:
        pairs = dict(choice_labels)
    return {name: dict(parse_choices(text, field=name)) for name, text in pairs.items()}
