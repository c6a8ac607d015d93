"""Agreement coefficients for two or more coders: the formulas, one function each.

Every function takes ratings in a plain shape and returns a float:

* two coders: two equal-length sequences ``a`` and ``b`` (one entry per unit; ``None``/NaN means
  the coder did not rate that unit and the unit is dropped for the pair);
* many coders: a *coders × units* matrix (array or DataFrame; NaN = not rated), the shape used by
  Krippendorff (2011) and by the :mod:`krippendorff` package;
* Fleiss' kappa: a *units × categories* table of counts (how many coders put unit *i* in
  category *k*), as in Fleiss (1971).

Where a well-kept library computes the statistic it is used: Cohen's and Fleiss' kappa come from
:mod:`statsmodels.stats.inter_rater`, Krippendorff's alpha from :mod:`krippendorff` (checked
against the worked example of Krippendorff 2011, see ``tests/coding/reliability/test_stats.py``).
Gwet's AC1 has no maintained Python implementation and is written out here following Gwet
(2008, 2014).

A coefficient whose chance term leaves nothing to correct (for example every coder used one and
the same category on every unit) is undefined and returned as NaN, never as a made-up 0 or 1.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Literal

import krippendorff
import numpy as np
import pandas as pd
from statsmodels.stats import inter_rater

from coding.errors import CodingError

log = logging.getLogger(__name__)

Level = Literal["nominal", "ordinal", "interval", "ratio"]
_LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _is_missing(values: np.ndarray) -> np.ndarray:
    """Element-wise "not rated" for an object array (None, NaN, pd.NA, NaT)."""
    return np.asarray(pd.isna(values), dtype=bool)


def _as_matrix(data: Any, name: str = "data") -> np.ndarray:
    """A coders × units object matrix from a list of lists, array or DataFrame."""
    matrix = np.asarray(data.to_numpy() if isinstance(data, pd.DataFrame) else data, dtype=object)
    if matrix.ndim != 2:
        raise CodingError(
            f"{name} must be a coders × units table (2 dimensions), got {matrix.ndim}", field=name
        )
    return matrix


def _paired(a: Sequence[Any], b: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """The units rated by both coders, as two object arrays."""
    left = np.asarray(list(a), dtype=object)
    right = np.asarray(list(b), dtype=object)
    if left.shape != right.shape or left.ndim != 1:
        raise CodingError(
            f"a and b must be two sequences of equal length (one rating per unit), "
            f"got lengths {left.shape} and {right.shape}",
            field="b",
        )
    keep = ~(_is_missing(left) | _is_missing(right))
    return left[keep], right[keep]


def _categories(values: np.ndarray, categories: Sequence[Any] | None) -> list[Any]:
    """The category list: the given one, or the sorted observed values."""
    observed = list(pd.unique(values[~_is_missing(values)]))
    if categories is None:
        try:
            return sorted(observed)
        except TypeError:
            return sorted(observed, key=str)
    wanted = list(categories)
    unknown = [v for v in observed if v not in wanted]
    if unknown:
        raise CodingError(
            f"ratings {unknown[:5]} are not among the categories {wanted}", field="categories"
        )
    return wanted


def _count_table(matrix: np.ndarray, categories: list[Any]) -> np.ndarray:
    """Units × categories counts from a coders × units matrix (missing ratings ignored)."""
    counts = np.zeros((matrix.shape[1], len(categories)), dtype=float)
    for k, category in enumerate(categories):
        counts[:, k] = (matrix == category).sum(axis=0)
    return counts


def percent_agreement(a: Any, b: Sequence[Any] | None = None) -> float:
    """Observed agreement: the share of rated pairs on which coders chose the same category.

    With two sequences ``a`` and ``b`` this is the proportion of units (rated by both) where
    ``a == b``. With one coders × units matrix ``a`` it is the multi-coder observed agreement of
    Fleiss (1971) and Gwet (2014): for each unit rated by at least two coders, the share of
    agreeing coder pairs ``Σ_k r_ik (r_ik − 1) / (r_i (r_i − 1))``, averaged over those units.

    >>> percent_agreement(["x", "y", "x"], ["x", "y", "y"])
    0.6666666666666666
    """
    if b is not None:
        left, right = _paired(a, b)
        if left.size == 0:
            return float("nan")
        return float(np.mean(left == right))
    matrix = _as_matrix(a, "a")
    counts = _count_table(matrix, _categories(matrix.ravel(), None))
    rated = counts.sum(axis=1)
    pairable = rated >= 2
    if not pairable.any():
        return float("nan")
    agree = (counts * (counts - 1)).sum(axis=1)[pairable] / (
        rated[pairable] * (rated[pairable] - 1)
    )
    return float(agree.mean())


def cohen_kappa(
    a: Sequence[Any],
    b: Sequence[Any],
    weights: Literal["linear", "quadratic"] | None = None,
    categories: Sequence[Any] | None = None,
) -> float:
    """Cohen's kappa for two coders, optionally weighted (Cohen 1960, 1968).

    ``kappa = (p_o − p_e) / (1 − p_e)`` with ``p_o`` the observed and ``p_e`` the chance
    agreement from each coder's own marginal distribution. With ``weights="linear"`` or
    ``"quadratic"`` disagreements count by their distance: for numeric categories the distance
    between the *values* (so 1 vs 5 is further apart than 1 vs 2 even if 2–4 are never used),
    otherwise between positions in ``categories``. Units either coder left unrated are dropped.
    Computed by :func:`statsmodels.stats.inter_rater.cohens_kappa` on the contingency table.

    >>> round(cohen_kappa([1, 1, 2, 2, 3], [1, 2, 2, 2, 3]), 3)
    0.688
    """
    if weights not in (None, "linear", "quadratic"):
        raise CodingError(
            f"weights must be None, 'linear' or 'quadratic', got {weights!r}", field="weights"
        )
    left, right = _paired(a, b)
    if left.size == 0:
        return float("nan")
    cats = _categories(np.concatenate([left, right]), categories)
    if len(cats) < 2:
        return float("nan")
    index = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(cats), len(cats)))
    np.add.at(table, ([index[v] for v in left], [index[v] for v in right]), 1)
    expected = table.sum(axis=1) @ table.sum(axis=0) / table.sum() ** 2
    if weights is None and np.isclose(expected, 1.0):
        return float("nan")
    scores = None
    if weights is not None and all(isinstance(c, int | float | np.number) for c in cats):
        scores = np.asarray(cats, dtype=float)
    result = inter_rater.cohens_kappa(table, weights=scores, wt=weights, return_results=False)
    return float(result)


def fleiss_kappa(counts: Any) -> float:
    """Fleiss' kappa (Fleiss 1971) from a units × categories table of counts.

    Row *i*, column *k* holds how many coders put unit *i* in category *k*; every row must sum
    to the same number of coders. ``kappa = (P̄ − P̄_e) / (1 − P̄_e)``, ``P̄`` the mean share of
    agreeing coder pairs per unit, ``P̄_e = Σ_k p_k²`` with ``p_k`` the overall share of
    category *k*. Computed by :func:`statsmodels.stats.inter_rater.fleiss_kappa`. To get the
    table from coders × units ratings use ``statsmodels.stats.inter_rater.aggregate_raters``.

    >>> round(fleiss_kappa([[2, 0], [0, 2], [1, 1]]), 3)
    0.333
    """
    table = np.asarray(counts.to_numpy() if isinstance(counts, pd.DataFrame) else counts, float)
    if table.ndim != 2 or table.shape[0] == 0:
        raise CodingError("counts must be a units × categories table of counts", field="counts")
    if (table < 0).any() or not np.allclose(table, np.round(table)):
        raise CodingError("counts must be non-negative whole numbers", field="counts")
    per_unit = table.sum(axis=1)
    if not np.allclose(per_unit, per_unit[0]):
        bad = int(np.flatnonzero(~np.isclose(per_unit, per_unit[0]))[0]) + 1
        raise CodingError(
            f"every unit must be rated by the same number of coders ({per_unit[0]:g}), "
            f"unit {bad} has {per_unit[bad - 1]:g}; use krippendorff_alpha for missing ratings",
            row=bad,
            field="counts",
        )
    if per_unit[0] < 2:
        raise CodingError("Fleiss' kappa needs at least 2 ratings per unit", field="counts")
    share = table.sum(axis=0) / table.sum()
    if np.isclose((share**2).sum(), 1.0):
        return float("nan")
    return float(inter_rater.fleiss_kappa(table, method="fleiss"))


def krippendorff_alpha(data: Any, level: Level = "nominal") -> float:
    """Krippendorff's alpha for any number of coders, missing ratings and four metrics.

    ``data`` is coders × units (array or DataFrame, NaN = not coded). ``alpha = 1 − D_o / D_e``,
    observed over expected disagreement from the coincidence matrix of pairable values
    (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"); ``level`` selects the
    difference function (nominal, ordinal, interval, ratio). Computed by the
    :mod:`krippendorff` package, whose results equal the paper's worked example (0.743, 0.815,
    0.849, 0.797). Non-numeric categories are allowed at the nominal level. If fewer than two
    distinct values occur, or no unit has two ratings, alpha is undefined and NaN is returned.

    >>> round(krippendorff_alpha([[1, 2, 3, 3], [1, 2, 3, 4]], level="interval"), 3)
    0.889
    """
    if level not in _LEVELS:
        raise CodingError(f"level must be one of {_LEVELS}, got {level!r}", field="level")
    matrix = _as_matrix(data)
    missing = _is_missing(matrix)
    present = matrix[~missing]
    if present.size == 0:
        return float("nan")
    numeric = all(isinstance(v, int | float | np.number | bool) for v in present)
    if numeric:
        values = np.where(missing, np.nan, matrix).astype(float)
    elif level == "nominal":
        cats = {v: i for i, v in enumerate(_categories(present, None))}
        values = np.full(matrix.shape, np.nan)
        values[~missing] = [cats[v] for v in present]
    else:
        raise CodingError(
            f"{level} alpha needs numeric ratings; got non-numeric values", field="data"
        )
    if np.unique(values[~np.isnan(values)]).size < 2:
        return float("nan")
    if ((~np.isnan(values)).sum(axis=0) >= 2).sum() == 0:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=values, level_of_measurement=level))


def gwet_ac1(
    a: Any, b: Sequence[Any] | None = None, categories: Sequence[Any] | None = None
) -> float:
    """Gwet's AC1 (Gwet 2008; Handbook of Inter-Rater Reliability, 4th ed., 2014).

    ``AC1 = (p_a − p_e) / (1 − p_e)`` with ``p_a`` the observed agreement over units rated by at
    least two coders (as :func:`percent_agreement`) and the chance term
    ``p_e = Σ_k π_k (1 − π_k) / (q − 1)``, ``π_k = mean_i r_ik / r_i`` over units rated at least
    once and ``q`` the number of categories. AC1 stays stable when one category is very
    prevalent (the "kappa paradox"), which is typical for a code applied to few turns.

    Pass two sequences (two coders) or one coders × units matrix. Give ``categories`` when some
    possible categories were never used (e.g. ``[0, 1]`` for presence/absence) because ``q``
    enters the formula.

    >>> round(gwet_ac1([1, 1, 1, 0], [1, 1, 0, 0]), 3)
    0.529
    """
    matrix = np.vstack(_paired(a, b)) if b is not None else _as_matrix(a, "a")
    cats = _categories(matrix.ravel(), categories)
    if len(cats) < 2:
        return float("nan")
    counts = _count_table(matrix, cats)
    rated = counts.sum(axis=1)
    pairable = rated >= 2
    if not pairable.any():
        return float("nan")
    p_a = (
        (counts * (counts - 1)).sum(axis=1)[pairable] / (rated[pairable] * (rated[pairable] - 1))
    ).mean()
    some = rated >= 1
    pi = (counts[some] / rated[some, None]).mean(axis=0)
    p_e = (pi * (1 - pi)).sum() / (len(cats) - 1)
    if np.isclose(p_e, 1.0):
        return float("nan")
    return float((p_a - p_e) / (1 - p_e))
