"""Covariate balance: standardised mean differences before and after weighting, love plot.

SMD of a covariate column x between treated (1) and comparison (0) rows:
``(m₁ − m₀) / sqrt((s₁² + s₀²) / 2)`` (Austin 2009; for an indicator s² = p(1 − p)). Weighted
SMDs use weighted means and, as the R package cobalt does by default, the *unweighted*
standard deviations in the denominator, so that a change in SMD reflects a change in the means
only. Variances are the unbiased sample variances (n − 1), as R ``var``; for indicators
p(1 − p) as in Austin (2009) and cobalt's binary default. |SMD| < 0.1 is the usual threshold
(Austin & Stuart 2015). Hand-computed check in tests/analysis/effects/test_balance.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.effects._design import covariate_matrix

BALANCE_THRESHOLD = 0.1


def _is_binary(x: np.ndarray) -> bool:
    return bool(np.isin(x, (0.0, 1.0)).all())


def _variance(x: np.ndarray) -> float:
    if _is_binary(x):
        p = x.mean()
        return float(p * (1 - p))
    return float(np.var(x, ddof=1)) if len(x) > 1 else 0.0


def standardized_mean_difference(
    x: np.ndarray, treated: np.ndarray, weights: np.ndarray | None = None
) -> float:
    """SMD of ``x`` between ``treated`` True and False rows, weighted means when ``weights``."""
    x = np.asarray(x, dtype=float)
    treated = np.asarray(treated, dtype=bool)
    w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
    m1 = np.average(x[treated], weights=w[treated])
    m0 = np.average(x[~treated], weights=w[~treated])
    pooled = np.sqrt((_variance(x[treated]) + _variance(x[~treated])) / 2)
    if pooled == 0:
        return 0.0 if m1 == m0 else float(np.inf * np.sign(m1 - m0))
    return float((m1 - m0) / pooled)


def balance_table(
    df: pd.DataFrame,
    treatment: str,
    treated: object,
    covariates: Sequence[str],
    weights: pd.Series | np.ndarray | None = None,
) -> pd.DataFrame:
    """One row per design column: ``smd_unweighted``, ``smd_weighted`` (when ``weights``) and
    ``balanced`` (|weighted SMD| < 0.1, or unweighted without weights)."""
    x = covariate_matrix(df, covariates)
    a = (df[treatment] == treated).to_numpy()
    w = None if weights is None else np.asarray(weights, dtype=float)
    rows = []
    for name in x.columns:
        values = x[name].to_numpy()
        row = {"covariate": name, "smd_unweighted": standardized_mean_difference(values, a)}
        if w is not None:
            row["smd_weighted"] = standardized_mean_difference(values, a, w)
        rows.append(row)
    table = pd.DataFrame(rows).set_index("covariate")
    last = table["smd_weighted"] if w is not None else table["smd_unweighted"]
    table["balanced"] = last.abs() < BALANCE_THRESHOLD
    return table


def love_plot(balance: pd.DataFrame, ax=None, threshold: float = BALANCE_THRESHOLD):
    """Absolute SMD per covariate before (open) and after (filled) weighting, with the
    threshold line; returns the matplotlib Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.35 * len(balance) + 1.5))
    y = np.arange(len(balance))
    ax.scatter(
        balance["smd_unweighted"].abs(), y, facecolors="none", edgecolors="C0", label="unweighted"
    )
    if "smd_weighted" in balance:
        ax.scatter(balance["smd_weighted"].abs(), y, color="C1", label="weighted")
    ax.axvline(threshold, color="grey", linestyle="--", linewidth=1)
    ax.set_yticks(y, [str(i) for i in balance.index])
    ax.set_xlabel("absolute standardised mean difference")
    ax.legend(loc="lower right")
    return ax
