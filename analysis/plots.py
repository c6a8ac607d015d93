"""Survival plots: step curves with confidence bands and a numbers-at-risk table underneath.

The at-risk table is drawn as text rows below the x axis, aligned with the tick positions,
as journals expect under a Kaplan–Meier figure. Functions return the matplotlib ``Axes``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 4.5))
    return ax


def add_at_risk_table(ax, counts, times: Sequence[float], labels: Sequence[str]) -> None:
    """Write ``counts`` (rows = groups, columns = ``times``) under ``ax`` as an at-risk table."""
    transform = ax.get_xaxis_transform()  # x in data units, y in axes fraction
    ax.text(
        0, -0.2, "Number at risk", transform=ax.transAxes, ha="right", fontsize=8, fontweight="bold"
    )
    for row, (label, values) in enumerate(zip(labels, counts, strict=True)):
        y = -0.27 - 0.07 * row
        # Labels end left of the axis so they never run into the counts under day 0.
        ax.text(-0.07, y, str(label), transform=ax.transAxes, ha="right", fontsize=8)
        for t, n in zip(times, values, strict=True):
            shown = "–" if n is None or n != n else f"{n:.0f}"  # NaN / <NA>; weights: rounded
            ax.text(t, y, shown, transform=transform, ha="center", fontsize=8)
    ax.figure.subplots_adjust(bottom=0.22 + 0.07 * len(labels))


def plot_survival(
    result,
    ax=None,
    at_risk_times: Sequence[float] | None = None,
    ci: bool = True,
    at_risk_counts: Callable | None = None,
):
    """Draw a :class:`analysis.survival._km.KaplanMeierResult`; numbers at risk at
    ``at_risk_times``.

    ``at_risk_counts`` transforms the numbers at risk before they are drawn, e.g.
    :func:`analysis.disclosure.coarsen_counts` for reports that leave the team (a missing
    value is drawn as "–").
    """
    ax = _axes(ax)
    for group, curve in result._curves.items():
        t = np.concatenate([[0.0], curve["time"].to_numpy()])
        s = np.concatenate([[1.0], curve["survival"].to_numpy()])
        label = str(group) if result.by is not None else "all"
        (line,) = ax.step(t, s, where="post", label=label)
        if ci:
            lower = np.concatenate([[1.0], curve["lower"].to_numpy()])
            upper = np.concatenate([[1.0], curve["upper"].to_numpy()])
            ax.fill_between(
                t, lower, upper, step="post", alpha=0.2, color=line.get_color(), linewidth=0
            )
    ax.set_xlabel(f"{result.duration}")
    ax.set_ylabel("Survival probability")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    if result.by is not None:
        ax.legend(title=result.by, frameon=False)
    if at_risk_times is None:
        at_risk_times = [t for t in ax.get_xticks() if 0 <= t <= ax.get_xlim()[1]]
    table = result.risk_table(at_risk_times)
    if at_risk_counts is not None:
        table = table.apply(
            lambda row: at_risk_counts(row).to_numpy(), axis=1, result_type="broadcast"
        )
    ax.set_xticks(list(at_risk_times))
    add_at_risk_table(ax, table.to_numpy(), list(at_risk_times), [str(i) for i in table.index])
    return ax


def plot_cumulative_incidence(frame, ax=None, by: str | None = None, ci: bool = True):
    """Step plot of a cumulative-incidence table (``time, cif, lower, upper`` [+ by, cause])."""
    ax = _axes(ax)
    keys = [c for c in (by, "cause") if c is not None and c in frame.columns]
    groups = frame.groupby(keys, sort=False) if keys else [("all", frame)]
    for key, part in groups:
        t = np.concatenate([[0.0], part["time"].to_numpy()])
        f = np.concatenate([[0.0], part["cif"].to_numpy()])
        label = key[0] if isinstance(key, tuple) and len(key) == 1 else key
        (line,) = ax.step(t, f, where="post", label=str(label))
        if ci and "lower" in part:
            lo = np.concatenate([[0.0], part["lower"].to_numpy()])
            hi = np.concatenate([[0.0], part["upper"].to_numpy()])
            ax.fill_between(t, lo, hi, step="post", alpha=0.2, color=line.get_color(), linewidth=0)
    ax.set_ylabel("Cumulative incidence")
    ax.set_xlabel("time")
    ax.set_ylim(0, 1)
    ax.legend(frameon=False)
    return ax
