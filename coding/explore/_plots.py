"""Plots of the exploration tables; each returns the matplotlib Axes it drew on.

matplotlib is imported on first use, so the tables work without it. Tested in
tests/coding/explore/test_explore.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _axes(ax: Any | None, figsize: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_cooccurrence(
    matrix: pd.DataFrame, ax: Any | None = None, annotate: bool = True, cmap: str = "viridis"
) -> Any:
    """Heat map of a :func:`coding.explore.cooccurrence` matrix (values written in cells).

    >>> from coding.explore import cooccurrence, turn_codes
    >>> ax = plot_cooccurrence(cooccurrence(turn_codes(corpus, codings)))
    """
    size = max(4.0, 0.45 * len(matrix) + 2)
    ax = _axes(ax, (size + 1, size))
    values = matrix.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=cmap, aspect="equal")
    ax.set_xticks(range(len(matrix.columns)), labels=list(matrix.columns), rotation=60, ha="right")
    ax.set_yticks(range(len(matrix.index)), labels=list(matrix.index))
    if annotate and values.size:
        threshold = np.nanmax(values) / 2 if np.nanmax(values) > 0 else 0
        integer = np.allclose(values, np.round(values))
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                text = f"{values[i, j]:.0f}" if integer else f"{values[i, j]:.2f}"
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="black" if values[i, j] > threshold else "white",
                )
    ax.figure.colorbar(image, ax=ax, shrink=0.8)
    ax.set_title("Code co-occurrence (turns)")
    return ax


def plot_saturation(table: pd.DataFrame, ax: Any | None = None) -> Any:
    """Cumulative distinct codes (line) and new codes (bars) per successive interview,
    from :func:`coding.explore.saturation`."""
    ax = _axes(ax, (7, 4))
    positions = table["position"].to_numpy()
    ax.bar(positions, table["n_new"], color="#88CCEE", label="new codes")
    ax.plot(positions, table["cumulative"], color="#332288", marker="o", label="cumulative codes")
    ax.set_xlabel("Interview (in order)")
    ax.set_ylabel("Codes")
    ax.set_title("Code saturation")
    ax.legend(loc="center right")
    return ax


def plot_code_frequencies(
    table: pd.DataFrame,
    by: str = "role",
    value: str = "share",
    ax: Any | None = None,
    colors: dict[str, str] | None = None,
) -> Any:
    """Horizontal grouped bars of :func:`coding.explore.code_frequencies` output: one bar per
    code and group (e.g. the share of patient and of provider interviews mentioning it).

    >>> from coding.explore import code_frequencies
    >>> ax = plot_code_frequencies(code_frequencies(codings, corpus, by="role"))
    """
    wide = table.pivot(index="code_id", columns=by, values=value).fillna(0)
    wide = wide.loc[wide.max(axis=1).sort_values().index]
    ax = _axes(ax, (7, max(3.0, 0.35 * len(wide) + 1)))
    groups = list(wide.columns)
    height = 0.8 / max(len(groups), 1)
    palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
    positions = np.arange(len(wide))
    for i, group in enumerate(groups):
        color = (colors or {}).get(group, palette[i % len(palette)])
        ax.barh(positions + i * height, wide[group], height=height, label=str(group), color=color)
    ax.set_yticks(positions + height * (len(groups) - 1) / 2, labels=list(wide.index))
    ax.set_xlabel("Share of interviews" if value == "share" else value.replace("_", " "))
    if value == "share":
        ax.set_xlim(0, 1)
    ax.legend(title=by, loc="lower right")
    ax.set_title("Code frequencies")
    return ax
