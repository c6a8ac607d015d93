"""What a reader can infer about a group of records from published counts.

Every published count is a sum of "atoms": groups of records that fall in exactly the same
published counts. A reader who has every published count knows, for each one, either its
exact value (an equation over atoms), an interval (a count shown rounded: ``low <= sum <=
high``) or nothing (a hidden count). :func:`feasible_range` solves the two integer programmes
(minimise and maximise the target) with HiGHS through :func:`scipy.optimize.linprog` with
``integrality``, so the bounds are whole numbers, as counts are.

The linear relaxation is solved first: when its range, rounded inward to whole numbers, is
already too narrow, the integer range (which lies inside it) is too, and the integer
programmes are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

#: No atom is larger than this; the cap only keeps the programmes bounded (a reader who
#: could bound an atom only by the cap has learned nothing about it).
ATOM_CAP = 10**6


@dataclass(frozen=True)
class Constraints:
    """Published knowledge over ``n_atoms`` atoms: equalities and two-sided intervals."""

    n_atoms: int
    a_eq: np.ndarray
    b_eq: np.ndarray
    a_interval: np.ndarray
    low: np.ndarray
    high: np.ndarray


def _solve(weights: np.ndarray, constraints: Constraints, integer: bool) -> tuple[float, float]:
    a_ub = b_ub = None
    if len(constraints.a_interval):
        a_ub = np.vstack([constraints.a_interval, -constraints.a_interval])
        b_ub = np.concatenate([constraints.high, -constraints.low])
    a_eq = constraints.a_eq if len(constraints.a_eq) else None
    b_eq = constraints.b_eq if len(constraints.b_eq) else None
    options = dict(
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=b_eq,
        bounds=[(0, ATOM_CAP)] * constraints.n_atoms,
        method="highs",
        integrality=np.ones(constraints.n_atoms) if integer else None,
    )
    low = linprog(weights, **options)
    high = linprog(-weights, **options)
    if low.status != 0 or high.status != 0:  # the truth is always feasible
        raise RuntimeError(f"disclosure audit could not be solved: {low.message} / {high.message}")
    return float(low.fun), float(-high.fun)


def feasible_range(
    weights: np.ndarray, constraints: Constraints, min_width: int | None = None
) -> tuple[int, int]:
    """Smallest and largest whole-number value of ``weights · atoms`` a reader can infer.

    With ``min_width``, a relaxation whose inward-rounded range is already narrower than
    ``min_width`` is returned as is (the integer range can only be narrower still).
    """
    low, high = _solve(weights, constraints, integer=False)
    low_whole, high_whole = int(np.ceil(low - 1e-6)), int(np.floor(high + 1e-6))
    if min_width is not None and high_whole - low_whole < min_width:
        return low_whole, high_whole
    low, high = _solve(weights, constraints, integer=True)
    return int(round(low)), int(round(high))
