"""Design matrices for the propensity and censoring models: numeric and boolean columns as
they are, other columns as indicators of every level but the first (code-point order)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis._validation import require_columns
from analysis.errors import AnalysisError


def covariate_matrix(df: pd.DataFrame, covariates: Sequence[str]) -> pd.DataFrame:
    """Numeric design of ``covariates`` (no intercept); a missing value is an error naming the
    row and column (a propensity model must not drop people silently)."""
    require_columns(df, covariates)
    parts = []
    for name in covariates:
        column = df[name]
        missing = column.isna().to_numpy()
        if missing.any():
            row = int(np.flatnonzero(missing)[0]) + 1
            raise AnalysisError("missing value in a model covariate", row=row, field=name)
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            parts.append(column.astype(float).rename(name))
        else:
            levels = sorted(column.astype(str).unique())
            for level in levels[1:]:
                parts.append((column.astype(str) == level).astype(float).rename(f"{name}[{level}]"))
    if not parts:
        return pd.DataFrame(index=df.index)
    return pd.concat(parts, axis=1)
