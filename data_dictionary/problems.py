"""Problems found in a table: one row each, with table, row, CSV line, column and message.

Every check of :mod:`data_dictionary` reports into a frame of :data:`PROBLEM_COLUMNS`, so a
:class:`~data_dictionary.errors.ValidationError` can list all of them, not just the first.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: Columns of :attr:`ValidationError.problems`.
PROBLEM_COLUMNS = ["table", "row", "line", "column", "check", "value", "message"]

#: How many problems the exception message lists before "... and N more".
MESSAGE_LIMIT = 50


def problem_line(problem: pd.Series | dict) -> str:
    """One problem as ``row N (line L), column C: message``.

    Rows are 1-based data rows; the line is the CSV line the record starts on (row + 1 for
    the header, more when quoted cells above hold line breaks). Problems about a whole column
    or table (row missing) leave the row out.
    """
    row = problem.get("row")
    line = problem.get("line")
    if line is None or pd.isna(line):
        line = None if row is None or pd.isna(row) else int(row) + 1
    column = problem.get("column")
    parts = []
    if row is not None and not pd.isna(row):
        parts.append(f"row {int(row)} (line {int(line)})")
    if column is not None and not pd.isna(column) and column != "":
        parts.append(f"column {column}")
    where = ", ".join(parts)
    return f"{where}: {problem['message']}" if where else str(problem["message"])


def problems_frame(records: list[dict] | None = None) -> pd.DataFrame:
    """An empty (or filled) problems frame with the standard columns and dtypes."""
    frame = pd.DataFrame(records or [], columns=PROBLEM_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    frame["line"] = (frame["row"] + 1).astype("Int64")
    return frame


def combine_problems(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate problem frames, sorted by row (table-level problems first) then column."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return problems_frame()
    out = pd.concat(frames, ignore_index=True)
    out["row"] = out["row"].astype("Int64")
    line = out["line"] if "line" in out else pd.Series(pd.NA, index=out.index)
    out["line"] = line.astype("Int64").fillna(out["row"] + 1)
    out = out[PROBLEM_COLUMNS + [c for c in out.columns if c not in PROBLEM_COLUMNS]]
    return out.sort_values(["row", "column"], na_position="first", kind="stable").reset_index(
        drop=True
    )


def show_value(value: Any) -> str:
    """A value as shown in a message: text quoted, dates as YYYY-MM-DD, missing as nothing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "nothing"
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).date().isoformat()
    return repr(value) if isinstance(value, str) else str(value)
