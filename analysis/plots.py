"""Survival plots: step curves with confidence bands and a numbers-at-risk table underneath.

The at-risk table is drawn as text rows below the x axis, aligned with the tick positions,
as journals expect under a Kaplan–Meier figure. Functions return the matplotlib ``Axes``.

Every group keeps one colour in every report: the drugs of ``moud_at_delivery`` have fixed
colours from the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"; the palette
recommended by Wong, Nature Methods 8:441, 2011, for readers with colour-vision deficiency),
and other groups get a colour chosen from the name itself, never from the drawing order. The
legend sits outside the plotting area so it never hides a curve; the at-risk labels carry the
group's colour. Tested in tests/analysis/test_plots.py.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

#: The Okabe–Ito palette (hex), in the published order.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

#: One fixed colour per medication at delivery, the same in every report.
DRUG_COLOURS = {
    "buprenorphine": OKABE_ITO["blue"],
    "methadone": OKABE_ITO["orange"],
    "naltrexone": OKABE_ITO["bluish green"],
    "none": OKABE_ITO["vermillion"],
    "all": OKABE_ITO["black"],
}

#: Readable names of the values of ``moud_at_delivery`` (and of "all").
DRUG_LABELS = {
    "buprenorphine": "Buprenorphine",
    "methadone": "Methadone",
    "naltrexone": "Naltrexone",
    "none": "No medication",
    "all": "All",
}

#: Days in an average month: durations in days are shown in months as ``days / 30.4375``.
DAYS_PER_MONTH = 365.25 / 12

_SPARE = [OKABE_ITO[c] for c in ("reddish purple", "sky blue", "yellow", "black")]


def group_label(group: object) -> str:
    """``"none"`` → ``"No medication"``, ``"buprenorphine,methadone"`` →
    ``"Buprenorphine + methadone"``; other names are returned with a capital first letter."""
    name = str(group)
    if name in DRUG_LABELS:
        return DRUG_LABELS[name]
    parts = [p.strip() for p in name.split(",") if p.strip()]
    if len(parts) > 1 and all(p in DRUG_LABELS for p in parts):
        return " + ".join([DRUG_LABELS[parts[0]]] + [DRUG_LABELS[p].lower() for p in parts[1:]])
    return name[:1].upper() + name[1:]


def group_colour(group: object) -> str:
    """The colour of ``group``: fixed for the drugs, else chosen by a checksum of the name
    (stable across reports and runs, unlike the order of drawing)."""
    name = str(group)
    if name in DRUG_COLOURS:
        return DRUG_COLOURS[name]
    return _SPARE[zlib.crc32(name.encode("utf-8")) % len(_SPARE)]


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8, 5))
    return ax


def add_at_risk_table(
    ax,
    counts,
    times: Sequence[float],
    labels: Sequence[str],
    *,
    colours: Sequence[str] | None = None,
    fontsize: float = 10,
    title: str = "Number at risk",
    hidden: str = "–",
) -> None:
    """Write ``counts`` (rows = groups, columns = ``times``) under ``ax`` as an at-risk table.

    ``times`` are x positions in data units. Rows are placed in points below the axis, under
    the x-axis label, so they never overlap it whatever the figure size; a missing count
    (``None``, NaN, ``<NA>``: hidden) is drawn as ``hidden``; weighted counts are rounded.
    Save with ``bbox_inches="tight"`` (the notebook default) to keep the table in the image.
    """
    line = fontsize * 1.45
    top = -(ax.xaxis.label.get_size() + 3.2 * fontsize)  # below tick labels and axis label

    def write(x, y_points, text, coords, **style):
        ax.annotate(
            text,
            xy=(x, 0),
            xycoords=coords,
            xytext=(0 if coords != "axes fraction" else -2.4 * fontsize, y_points),
            textcoords="offset points",
            va="top",
            fontsize=fontsize,
            annotation_clip=False,
            **style,
        )

    write(0, top, title, "axes fraction", ha="right", fontweight="bold")
    for row, (label, values) in enumerate(zip(labels, counts, strict=True)):
        y = top - line * (row + 1)
        colour = colours[row] if colours is not None else "black"
        write(0, y, str(label), "axes fraction", ha="right", color=colour, fontweight="bold")
        for t, n in zip(times, values, strict=True):
            shown = hidden if _missing(n) else f"{float(n):,.0f}"
            write(t, y, shown, ("data", "axes fraction"), ha="center")


def _missing(value: object) -> bool:
    """None, NaN or ``pd.NA`` (a hidden count)."""
    return value is None or bool(pd.isna(value))


def plot_survival(
    result,
    ax=None,
    at_risk_times: Sequence[float] | None = None,
    ci: bool = True,
    at_risk_counts: Callable | None = None,
    *,
    time_unit: str = "days",
    labels: Mapping[object, str] | Callable[[object], str] | None = None,
    legend_title: str | None = None,
    hidden: str = "–",
):
    """Draw a :class:`analysis.survival._km.KaplanMeierResult`; numbers at risk at
    ``at_risk_times`` (in the result's unit, days).

    ``at_risk_counts`` transforms the numbers at risk before they are drawn, e.g.
    :func:`analysis.disclosure.coarsen_counts` for reports that leave the team (a missing
    value is drawn as ``hidden``). ``time_unit="months"`` draws the x axis in months
    (days / :data:`DAYS_PER_MONTH`), so a plot agrees with a table of retention at 3, 6 and
    12 months. ``labels`` names the groups (default :func:`group_label`); each group has its
    :func:`group_colour`.
    """
    if time_unit not in ("days", "months"):
        raise ValueError(f"time_unit must be 'days' or 'months', got {time_unit!r}")
    scale = DAYS_PER_MONTH if time_unit == "months" else 1.0
    name = _namer(labels)
    ax = _axes(ax)
    groups = list(result._curves)
    for group in groups:
        curve = result._curves[group]
        key = group if result.by is not None else "all"
        t = np.concatenate([[0.0], curve["time"].to_numpy(dtype=float)]) / scale
        s = np.concatenate([[1.0], curve["survival"].to_numpy(dtype=float)])
        colour = group_colour(key)
        ax.step(t, s, where="post", label=name(key), color=colour, linewidth=2)
        if ci:
            lower = np.concatenate([[1.0], curve["lower"].to_numpy(dtype=float)])
            upper = np.concatenate([[1.0], curve["upper"].to_numpy(dtype=float)])
            ax.fill_between(t, lower, upper, step="post", alpha=0.15, color=colour, linewidth=0)
    ax.set_xlabel("Months since delivery" if time_unit == "months" else str(result.duration))
    ax.set_ylabel("Survival probability")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    if result.by is not None:
        _legend_outside(ax, legend_title if legend_title is not None else str(result.by))
    if at_risk_times is None:
        at_risk_times = [t * scale for t in ax.get_xticks() if 0 <= t <= ax.get_xlim()[1]]
    table = result.risk_table(at_risk_times)
    rows = [
        list(at_risk_counts(table.loc[g])) if at_risk_counts is not None else list(table.loc[g])
        for g in table.index
    ]
    positions = [t / scale for t in at_risk_times]
    ax.set_xticks(positions)
    if time_unit == "months":
        ax.set_xticklabels([f"{p:.0f}" for p in positions])
    keys = [g if result.by is not None else "all" for g in table.index]
    add_at_risk_table(
        ax,
        rows,
        positions,
        [name(k) for k in keys],
        colours=[group_colour(k) for k in keys],
        hidden=hidden,
    )
    return ax


def _namer(labels) -> Callable[[object], str]:
    if labels is None:
        return group_label
    if callable(labels):
        return labels
    return lambda g: labels.get(g, group_label(g))


def _legend_outside(ax, title: str) -> None:
    """Legend to the right of the plotting area (never over a curve)."""
    ax.legend(title=title, frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0))


def plot_cumulative_incidence(
    frame,
    ax=None,
    by: str | None = None,
    ci: bool = True,
    *,
    time_unit: str = "days",
    labels: Mapping[object, str] | Callable[[object], str] | None = None,
):
    """Step plot of a cumulative-incidence table (``time, cif, lower, upper`` [+ by, cause]);
    colours, labels and ``time_unit`` as in :func:`plot_survival`."""
    if time_unit not in ("days", "months"):
        raise ValueError(f"time_unit must be 'days' or 'months', got {time_unit!r}")
    scale = DAYS_PER_MONTH if time_unit == "months" else 1.0
    name = _namer(labels)
    ax = _axes(ax)
    keys = [c for c in (by, "cause") if c is not None and c in frame.columns]
    groups = frame.groupby(keys, sort=False) if keys else [("all", frame)]
    for key, part in groups:
        key = key[0] if isinstance(key, tuple) and len(key) == 1 else key
        t = np.concatenate([[0.0], part["time"].to_numpy(dtype=float)]) / scale
        f = np.concatenate([[0.0], part["cif"].to_numpy(dtype=float)])
        label = " – ".join(map(name, key)) if isinstance(key, tuple) else name(key)
        colour = group_colour(key[0] if isinstance(key, tuple) else key)
        ax.step(t, f, where="post", label=label, color=colour, linewidth=2)
        if ci and "lower" in part:
            lo = np.concatenate([[0.0], part["lower"].to_numpy(dtype=float)])
            hi = np.concatenate([[0.0], part["upper"].to_numpy(dtype=float)])
            ax.fill_between(t, lo, hi, step="post", alpha=0.15, color=colour, linewidth=0)
    ax.set_ylabel("Cumulative incidence")
    ax.set_xlabel("Months since delivery" if time_unit == "months" else "time")
    ax.set_ylim(0, 1)
    _legend_outside(ax, "")
    return ax
