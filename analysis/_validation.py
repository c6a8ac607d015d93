"""Input checks shared by the survival functions: columns exist, durations and events are valid.

Every problem is raised as :class:`analysis.errors.AnalysisError` naming the column (``field``)
and the first offending data row (1-based, as a researcher counts rows in a spreadsheet).
Rows with a missing value in a column the analysis uses are dropped, as R's ``na.omit`` does,
and the number dropped is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError

log = logging.getLogger(__name__)


def require_columns(
    df: pd.DataFrame, columns: Sequence[str | None], *, name: str | None = None
) -> None:
    """Raise when ``df`` is not a DataFrame or lacks one of ``columns`` (``None`` skipped).

    ``field`` is the first missing column. With ``name`` (the input, e.g. ``"drug_exposure"``
    or the export's file) the error names it as its file and lists every missing column;
    without, it lists the columns the frame has.
    """
    if not isinstance(df, pd.DataFrame):
        raise AnalysisError(f"expected a pandas DataFrame, got {type(df).__name__}", file=name)
    missing = [str(c) for c in columns if c is not None and c not in df.columns]
    if missing and name is not None:
        raise AnalysisError(
            f"{name} lacks column(s) {', '.join(missing)}", file=name, field=missing[0]
        )
    if missing:
        raise AnalysisError(
            f"column not found; the frame has {', '.join(map(str, df.columns[:12]))}",
            field=missing[0],
        )


def complete_rows(df: pd.DataFrame, columns: Sequence[str | None]) -> pd.DataFrame:
    """The rows of ``df`` with no missing value in ``columns`` (R's na.omit), logging drops."""
    used = [c for c in dict.fromkeys(columns) if c is not None]
    require_columns(df, used)
    keep = df[used].notna().all(axis=1)
    dropped = int((~keep).sum())
    if dropped:
        log.warning("dropped %d of %d rows with missing values in %s", dropped, len(df), used)
    return df.loc[keep]


def _first_bad_row(df: pd.DataFrame, mask: np.ndarray) -> int:
    """1-based position (within ``df``) of the first True in ``mask``."""
    return int(np.flatnonzero(mask)[0]) + 1


def durations(df: pd.DataFrame, column: str, *, allow_zero: bool = True) -> np.ndarray:
    """``df[column]`` as float times, checked numeric, finite and non-negative."""
    values = pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        row = _first_bad_row(df, bad)
        raise AnalysisError(
            f"expected a finite number of days, got {df[column].iloc[row - 1]!r}",
            row=row,
            field=column,
        )
    negative = values < 0 if allow_zero else values <= 0
    if negative.any():
        row = _first_bad_row(df, negative)
        raise AnalysisError(
            f"expected a duration >= 0, got {values[row - 1]:g}", row=row, field=column
        )
    return values


def events(df: pd.DataFrame, column: str) -> np.ndarray:
    """``df[column]`` as 0/1 integers (booleans accepted); anything else is an error."""
    raw = df[column]
    if pd.api.types.is_bool_dtype(raw) and not raw.isna().any():
        return raw.astype(np.int64).to_numpy()
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isin(values, (0.0, 1.0))
    if bad.any():
        row = _first_bad_row(df, bad)
        raise AnalysisError(
            f"expected 0 (censored) or 1 (event), got {raw.iloc[row - 1]!r}",
            row=row,
            field=column,
        )
    return values.astype(np.int64)


def status_codes(df: pd.DataFrame, column: str) -> np.ndarray:
    """Competing-risks status: 0 censored, otherwise a non-negative integer cause code."""
    values = pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0) | (values != np.round(values))
    if bad.any():
        row = _first_bad_row(df, bad)
        raise AnalysisError(
            f"expected 0 (censored) or a cause code 1, 2, …, got {df[column].iloc[row - 1]!r}",
            row=row,
            field=column,
        )
    return values.astype(np.int64)


def case_weights(df: pd.DataFrame, column: str) -> np.ndarray:
    """``df[column]`` as positive finite case weights; a missing, non-numeric, zero or
    negative weight is an error naming the row (weights are never silently dropped)."""
    raw = df[column]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    missing = raw.isna().to_numpy()
    if missing.any():
        row = _first_bad_row(df, missing)
        raise AnalysisError("missing case weight", row=row, field=column)
    bad = ~np.isfinite(values) | (values <= 0)
    if bad.any():
        row = _first_bad_row(df, bad)
        raise AnalysisError(
            f"expected a positive finite case weight, got {raw.iloc[row - 1]!r}",
            row=row,
            field=column,
        )
    return values


def entry_times(
    df: pd.DataFrame,
    column: str,
    stop: np.ndarray,
    stop_column: str,
    allow_negative: bool = False,
) -> np.ndarray:
    """Delayed-entry (start) times: finite, non-negative (unless ``allow_negative``, for
    internal data sets) and before the exit time ``stop`` (R: "Stop time must be > start
    time"); errors name the row and the column."""
    if allow_negative:
        values = pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(values)):
            row = _first_bad_row(df, ~np.isfinite(values))
            raise AnalysisError("expected a finite entry time", row=row, field=column)
    else:
        values = durations(df, column)
    late = values >= stop
    if late.any():
        row = _first_bad_row(df, late)
        raise AnalysisError(
            f"start must be before the stop time ({stop_column}): entry {values[row - 1]:g} "
            f"is not before exit {stop[row - 1]:g}",
            row=row,
            field=column,
        )
    return values
