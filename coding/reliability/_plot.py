"""A forest plot of an agreement table: one coefficient per code with its interval."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from coding.errors import CodingError

STATISTICS = ("percent_agreement", "kappa", "alpha", "ac1")


def plot_agreement(
    table: pd.DataFrame,
    statistic: str = "kappa",
    coder_a: str = "(all)",
    coder_b: str | None = None,
    ax: Any = None,
    threshold: float | None = 0.6,
):
    """Draw ``statistic`` per code with its bootstrap interval; returns the matplotlib Axes.

    ``table`` is :func:`coding.reliability.agreement_table` output; the rows shown are those of
    the coder pair ``coder_a``/``coder_b`` (default: the pooled rows). Codes are sorted by the
    estimate so weak codes stand out; ``threshold`` draws a reference line (0.6, "substantial"
    in Landis & Koch 1977; ``None`` for none). Undefined (NaN) estimates are left out.

    >>> from coding.reliability import agreement_table
    >>> ax = plot_agreement(agreement_table(codings, corpus, bootstrap=100), "ac1")
    """
    import matplotlib.pyplot as plt

    if statistic not in STATISTICS:
        raise CodingError(f"statistic must be one of {STATISTICS}, got {statistic!r}")
    coder_b = coder_a if coder_b is None else coder_b
    rows = table[(table["coder_a"] == coder_a) & (table["coder_b"] == coder_b)]
    rows = rows[rows["code_id"] != "(all)"].dropna(subset=[statistic])
    if rows.empty:
        raise CodingError(f"no rows for coders {coder_a!r} and {coder_b!r} in the table")
    rows = rows.sort_values(statistic)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.3 * len(rows) + 1.2))
    y = np.arange(len(rows))
    estimate = rows[statistic].to_numpy()
    lower = rows[f"{statistic}_lower"].to_numpy()
    upper = rows[f"{statistic}_upper"].to_numpy()
    has_ci = np.isfinite(lower) & np.isfinite(upper)
    ax.errorbar(
        estimate[has_ci],
        y[has_ci],
        xerr=[estimate[has_ci] - lower[has_ci], upper[has_ci] - estimate[has_ci]],
        fmt="o",
        color="#332288",
        ecolor="#88CCEE",
        capsize=2,
    )
    ax.plot(estimate[~has_ci], y[~has_ci], "o", color="#332288")
    if threshold is not None:
        ax.axvline(threshold, color="#999999", linestyle="--", linewidth=1)
    ax.set_yticks(y, rows["code_id"].tolist())
    ax.set_xlabel(statistic.replace("_", " "))
    pair = "all coders" if coder_a == "(all)" else f"{coder_a} × {coder_b}"
    ax.set_title(f"{statistic.replace('_', ' ')} per code ({pair})")
    return ax
