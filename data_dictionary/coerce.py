"""Turn a column of text (as read from CSV) into its data-dictionary type, vectorised.

Each ``coerce_*`` function returns ``(values, bad)``: the typed column and a boolean mask of
rows whose value is present but cannot be read as that type. Missing-value codes (from the
dictionary's ``missingValues``) become missing first. Columns that already have the right
dtype (a DataFrame built in a notebook, a Parquet file) pass through without re-parsing.

Why not let pandera coerce: pandera reports a failed coercion as one failure per column with
the dtype name; researchers need to know *which* value in *which* row, and whether
``2023-02-30`` is a malformed date or an impossible one.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api import types as ptypes

from data_dictionary.schema import Field

ISO_DATE = "%Y-%m-%d"
_INTEGER_SHAPE = r"^\s*[+-]?\d{1,18}\s*$"
_NUMBER_SHAPE = r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?\s*$"
_ISO_SHAPE = r"\d{4}-\d{2}-\d{2}"


def missing_mask(values: pd.Series, field: Field) -> pd.Series:
    """Rows whose value is missing: NA/None or one of the field's missing-value codes."""
    codes = field.missing_codes
    if ptypes.is_object_dtype(values):
        # one hash pass finds the codes and every kind of NA (None, NaN, pd.NA)
        return values.isin([*codes, None, np.nan, pd.NA])
    mask = values.isna().to_numpy()
    if codes and ptypes.is_string_dtype(values):
        mask = mask | values.isin(codes).to_numpy(dtype=bool, na_value=True)
    return pd.Series(mask, index=values.index)


def coerce(values: pd.Series, field: Field) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``(typed, bad, missing)`` for one column; see the module docstring."""
    missing = missing_mask(values, field)
    kind = field.type
    if kind == "integer":
        typed, bad = _integer(values, missing, field)
    elif kind == "number":
        if field.decimal_char != "." and not ptypes.is_numeric_dtype(values):
            # Table Schema ``decimalChar`` (REDCap's *_comma_decimal numbers: "1,54")
            values = values.astype(object).where(
                missing, values.astype(str).str.replace(field.decimal_char, ".", regex=False)
            )
        typed, bad = _number(values, missing)
    elif kind == "boolean":
        typed, bad = _boolean(values, missing, field)
    elif kind == "date":
        typed, bad = _date(values, missing, field)
    else:
        typed, bad = _string(values, missing)
    return typed, bad & ~missing, missing


def _string(values: pd.Series, missing: pd.Series) -> tuple[pd.Series, pd.Series]:
    if ptypes.is_object_dtype(values) and not missing.any():
        typed = values.copy()
    elif ptypes.is_object_dtype(values):
        typed = values.where(~missing, np.nan)
    elif is_arrow_text(values):
        typed = values.where(~missing)
    else:  # numbers or pandas strings (e.g. from Parquet): text, missing as NaN
        typed = values.astype(str).astype(object).where(~missing, np.nan)
    return typed, pd.Series(False, index=values.index)


def _integer(values: pd.Series, missing: pd.Series, field: Field) -> tuple[pd.Series, pd.Series]:
    if ptypes.is_integer_dtype(values) or ptypes.is_bool_dtype(values):
        typed = values.astype("Int64")
        bad = pd.Series(False, index=values.index)
    elif ptypes.is_float_dtype(values):
        whole = values.isna() | (values % 1 == 0)
        bad = ~whole
        typed = values.where(whole).astype("Int64")
    else:
        typed = _parse_text(values, missing, _INTEGER_SHAPE, pa.int64()).astype("Int64")
        bad = typed.isna() & ~missing
        if bad.any():
            # "-99.0": a whole number written by a tool that went through floats (as a
            # float column is accepted above); only the failed rows are looked at again
            retry = (
                values[bad]
                .astype(str)
                .str.replace(r"^\s*([+-]?\d{1,18})\.0+\s*$", r"\1", regex=True)
            )
            whole = retry.str.fullmatch(r"[+-]?\d{1,18}")
            typed.loc[whole[whole].index] = retry[whole].astype("int64").to_numpy()
            bad = typed.isna() & ~missing
    typed = typed.where(~missing, pd.NA)
    if field.required and not typed.isna().any():
        typed = typed.astype("int64")
    return typed, bad


def _number(values: pd.Series, missing: pd.Series) -> tuple[pd.Series, pd.Series]:
    if ptypes.is_numeric_dtype(values) and not ptypes.is_bool_dtype(values):
        typed = values.astype("float64")
        return typed.where(~missing, np.nan), pd.Series(False, index=values.index)
    typed = _parse_text(values, missing, _NUMBER_SHAPE, pa.float64()).astype("float64")
    bad = typed.isna() & ~missing
    return typed, bad


def _parse_text(
    values: pd.Series, missing: pd.Series, shape: str, arrow_type: pa.DataType
) -> pd.Series:
    """Cast text to ``arrow_type`` with Arrow compute; values not of ``shape`` become null.

    Arrow's regex match and cast run in C++ over the whole column: about three times faster
    than :func:`pandas.to_numeric` on object strings, and never raises on bad values.
    """
    array = text_array(values, missing)
    shaped = pc.match_substring_regex(array, shape)
    cleaned = pc.utf8_trim_whitespace(pc.if_else(shaped, array, pa.scalar(None, pa.string())))
    parsed = pc.cast(cleaned, arrow_type)
    mapper = {pa.int64(): pd.Int64Dtype()}.get
    out = parsed.to_pandas(types_mapper=mapper)
    out.index = values.index
    return out


def is_arrow_text(values: pd.Series) -> bool:
    """Whether ``values`` holds Arrow-backed strings (``read_raw(..., arrow_strings=True)``)."""
    dtype = values.dtype
    if isinstance(dtype, pd.ArrowDtype):
        return pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(
            dtype.pyarrow_dtype
        )
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def text_array(values: pd.Series, missing: pd.Series) -> pa.Array:
    """The column as an Arrow string array, null where ``missing``.

    Arrow-backed columns are used as they are (no copy into Python objects); object columns
    are converted once, and values that are not text (numbers in a notebook frame) by ``str``.
    """
    if is_arrow_text(values):
        array = pa.array(values)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        array = array.cast(pa.string())
    else:
        text = values.astype(object).where(~missing, None)
        try:
            array = pa.array(text, type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed objects: compare their text
            array = pa.array(text.map(lambda v: None if v is None else str(v)), type=pa.string())
    return pc.if_else(pa.array(missing.to_numpy(dtype=bool)), pa.scalar(None, pa.string()), array)


def _boolean(values: pd.Series, missing: pd.Series, field: Field) -> tuple[pd.Series, pd.Series]:
    if ptypes.is_bool_dtype(values):
        typed = values.astype("boolean")
        bad = pd.Series(False, index=values.index)
    else:
        if ptypes.is_object_dtype(values):  # Python bools in a notebook frame
            values = values.map(
                lambda v: (
                    field.true_values[0]
                    if v is True
                    else field.false_values[0]
                    if v is False
                    else v
                )
            )
        array = text_array(values, missing)
        true = pc.is_in(array, value_set=pa.array(field.true_values)).to_numpy(zero_copy_only=False)
        false = pc.is_in(array, value_set=pa.array(field.false_values)).to_numpy(
            zero_copy_only=False
        )
        typed = pd.Series(pd.arrays.BooleanArray(true, ~(true | false)), index=values.index)
        bad = pd.Series(~(true | false), index=values.index) & ~missing
    typed = typed.where(~missing, pd.NA)
    if field.required and not typed.isna().any():
        typed = typed.astype(bool)
    return typed, bad


def _date(values: pd.Series, missing: pd.Series, field: Field) -> tuple[pd.Series, pd.Series]:
    if ptypes.is_datetime64_any_dtype(values):
        typed = values.dt.tz_localize(None) if values.dt.tz is not None else values
        typed = typed.astype("datetime64[ns]").dt.normalize()
        return typed.where(~missing), pd.Series(False, index=values.index)
    fmt = field.format if field.format and field.format not in ("default", "any") else ISO_DATE
    if is_arrow_text(values):
        return _date_arrow(values, missing, fmt)
    text = values.astype(object).where(~missing, None)
    typed = pd.to_datetime(text, format=fmt, errors="coerce")
    failed = typed.isna() & ~missing
    if failed.any():
        # Python date/datetime objects (a frame built in a notebook) are dates too.
        objects = text[failed]
        is_date = objects.map(lambda v: isinstance(v, dt.date))
        if is_date.any():
            typed.loc[is_date[is_date].index] = pd.to_datetime(objects[is_date].map(str).str[:10])
            failed = typed.isna() & ~missing
    return typed.astype("datetime64[ns]"), failed


def _date_arrow(values: pd.Series, missing: pd.Series, fmt: str) -> tuple[pd.Series, pd.Series]:
    """Dates from Arrow strings, without a Python object per cell.

    ISO dates (the default format) are split into year, month and day with Arrow and
    assembled with numpy's calendar arithmetic; a day that does not exist (2023-02-30) is
    caught because it spills into the next month. Other formats use Arrow's strptime, which
    rolls impossible days over, so a date counts only when formatting it back gives its text.
    """
    array = text_array(values, missing)
    if fmt == ISO_DATE:
        typed, good = _iso_dates(array)
    else:
        parsed = pc.strptime(array, format=fmt, unit="s", error_is_null=True)
        good = pc.fill_null(pc.equal(pc.strftime(parsed, format=fmt), array), False)
        good = good.to_numpy(zero_copy_only=False)
        seconds = parsed.cast(pa.int64()).to_numpy(zero_copy_only=False)
        typed = np.full(len(array), np.datetime64("NaT"), dtype="datetime64[ns]")
        ok = good & (np.abs(np.nan_to_num(seconds.astype(float))) < 9.2e9)
        typed[ok] = seconds[ok].astype("int64").astype("datetime64[s]")
        good = ok
    typed_series = pd.Series(typed, index=values.index, dtype="datetime64[ns]")
    failed = pd.Series(~good, index=values.index) & ~missing
    return typed_series, failed


def _iso_dates(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """``(datetime64[ns] values, good mask)`` for YYYY-MM-DD text (nulls are not good)."""
    shaped = pc.fill_null(pc.match_substring_regex(array, f"^{_ISO_SHAPE}$"), False)
    safe = pc.if_else(shaped, array, "1970-01-01")
    year, month, day = (
        pc.cast(pc.utf8_slice_codeunits(safe, a, b), pa.int64()).to_numpy()
        for a, b in ((0, 4), (5, 7), (8, 10))
    )
    # the datetime64[ns] range is 1677-09-21 .. 2262-04-11: keep whole years inside it
    good = shaped.to_numpy(zero_copy_only=False) & (year >= 1678) & (year <= 2261)
    good &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    months = np.where(good, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    dates = months.astype("datetime64[D]") + np.where(good, day - 1, 0).astype("timedelta64[D]")
    good &= dates.astype("datetime64[M]") == months  # 2023-02-30 spills into March
    typed = dates.astype("datetime64[ns]")
    typed[~good] = np.datetime64("NaT")
    return typed, good


def impossible_dates(values: pd.Series, bad: pd.Series) -> pd.Series:
    """Among ``bad`` date rows, those shaped like YYYY-MM-DD (so the day does not exist)."""
    if not bad.any():
        return bad
    text = values[bad].astype("string").str.strip()
    shaped = text.str.fullmatch(_ISO_SHAPE).fillna(False).astype(bool)
    shaped &= ~_far_years(text)
    out = pd.Series(False, index=values.index)
    out[shaped[shaped].index] = True
    return out


def far_dates(values: pd.Series, bad: pd.Series) -> pd.Series:
    """Among ``bad`` date rows, YYYY-MM-DD dates whose year lies outside 1678-2261 (the
    range of datetime64[ns]): real calendar days, most often a typo in the year."""
    out = pd.Series(False, index=values.index)
    if not bad.any():
        return out
    text = values[bad].astype("string").str.strip()
    far = text.str.fullmatch(_ISO_SHAPE).fillna(False).astype(bool) & _far_years(text)
    out[far[far].index] = True
    return out


def _far_years(text: pd.Series) -> pd.Series:
    year = pd.to_numeric(text.str.slice(0, 4), errors="coerce")
    return ((year < 1678) | (year > 2261)).fillna(False).astype(bool)
