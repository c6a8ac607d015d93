"""Reading OMOP CDM columns as they arrive: concept ids as numbers or text, dates checked.

An extract may come from a database (typed columns), from Parquet, or from CSV read as text;
concept ids may then be ``"4014295"`` or ``4014295.0``, and dates ``"2023-03-01"``,
``"2023-03-01 00:00:00"`` or, from some exports, integers (``20230301``, or days since 1970).
These helpers turn each into one form and name the table, row and column of anything they
cannot read, so that a bad date is never silently dropped. Tested in
tests/analysis/adapters/test_omop.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from analysis.errors import AnalysisError

_ISO = r"\d{4}-\d{2}-\d{2}"


def concept_ids(values: pd.Series, table: str, column: str) -> pd.Series:
    """Concept ids as nullable integers (``"4014295"``, ``4014295.0`` and ``4014295`` match)."""
    if ptypes.is_integer_dtype(values):
        return values.astype("Int64")
    text = values.astype("string").str.strip()
    text = text.where(text != "")
    numbers = pd.to_numeric(text.str.replace(r"\.0+$", "", regex=True), errors="coerce")
    bad = numbers.isna() & text.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        raise AnalysisError(
            f"concept id {values.iloc[row - 1]!r} is not a number",
            file=table,
            row=row,
            field=column,
        )
    return numbers.astype("Int64")


def as_concept_set(ids) -> set[int]:
    """A concept set given as numbers or text → a set of ints."""
    out = set()
    for value in ids:
        text = str(value).strip()
        if not text:
            continue
        try:
            out.add(int(float(text)))
        except ValueError:
            raise AnalysisError(
                f"concept id {value!r} is not a number", field="concept set"
            ) from None
    return out


def dates(values: pd.Series, table: str, column: str, *, required: bool = True) -> pd.Series:
    """A CDM date column as ``datetime64[ns]``; empty cells are missing (an error when
    ``required``). Integers — ``20230301`` or a day count — are refused with a message
    saying how to convert them, because guessing their encoding could shift every date."""
    if ptypes.is_datetime64_any_dtype(values):
        out = values.astype("datetime64[ns]")
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
        return _check_missing(out, values, table, column, required)
    if ptypes.is_numeric_dtype(values) and not ptypes.is_bool_dtype(values):
        present = values.notna()
        if present.any():
            row = int(np.flatnonzero(present.to_numpy())[0]) + 1
            raise AnalysisError(
                f"integer-encoded date {values.iloc[row - 1]!r}; the CDM stores dates as dates: "
                "export them as YYYY-MM-DD (e.g. CAST(... AS DATE) or strftime('%Y-%m-%d'))",
                file=table,
                row=row,
                field=column,
            )
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    text = values.astype("string").str.strip()
    text = text.where(text != "")
    day = text.str.slice(0, 10)
    shaped = day.str.fullmatch(_ISO).fillna(False)
    parsed = pd.to_datetime(day.where(shaped), format="%Y-%m-%d", errors="coerce")
    bad = text.notna() & parsed.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        value = values.iloc[row - 1]
        why = (
            "an integer-encoded date: export dates as YYYY-MM-DD"
            if str(value).strip().lstrip("-").isdigit()
            else "not a date (expected YYYY-MM-DD)"
        )
        raise AnalysisError(
            f"{value!r} is {why} ({int(bad.sum())} such value(s) in the column)",
            file=table,
            row=row,
            field=column,
        )
    return _check_missing(parsed.astype("datetime64[ns]"), values, table, column, required)


def _check_missing(out, values, table, column, required) -> pd.Series:
    if required and out.isna().any():
        row = int(np.flatnonzero(out.isna().to_numpy())[0]) + 1
        raise AnalysisError("date missing", file=table, row=row, field=column)
    return out


def numbers(values: pd.Series) -> pd.Series:
    """Numbers from typed or text cells; empty text is missing."""
    if ptypes.is_numeric_dtype(values):
        return values.astype("float64")
    text = values.astype("string").str.strip()
    return pd.to_numeric(text.where(text != ""), errors="coerce").astype("float64")


def text_ids(values: pd.Series) -> pd.Series:
    """Ids as text without a trailing ``.0`` (a float column of ids read from CSV)."""
    return values.astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
