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


class RangeSolver:
    """The programmes over one set of :class:`Constraints`, built once and solved for many
    objectives: HiGHS (the solver behind :func:`scipy.optimize.linprog`, through SciPy's
    bundled binding) keeps its basis between solves, which makes an audit of hundreds of
    counts take seconds instead of minutes. Falls back to :func:`linprog` when SciPy does not
    expose the binding."""

    def __init__(self, constraints: Constraints) -> None:
        self.constraints = constraints
        self._highs = None
        try:
            from scipy.optimize._highspy import _core
        except ImportError:  # pragma: no cover - older or newer SciPy layouts
            return
        from scipy.sparse import csr_matrix

        highs = _core._Highs()
        highs.setOptionValue("output_flag", False)
        n = constraints.n_atoms
        highs.addVars(n, np.zeros(n), np.full(n, float(ATOM_CAP)))
        blocks = [
            (constraints.a_eq, constraints.b_eq, constraints.b_eq),
            (constraints.a_interval, constraints.low, constraints.high),
        ]
        for matrix, lower, upper in blocks:
            if not len(matrix):
                continue
            sparse = csr_matrix(matrix)
            highs.addRows(
                sparse.shape[0],
                np.asarray(lower, float),
                np.asarray(upper, float),
                sparse.nnz,
                sparse.indptr[:-1].astype(np.int32),
                sparse.indices.astype(np.int32),
                sparse.data.astype(float),
            )
        self._core, self._highs = _core, highs
        self._integer = False
        self._columns = np.arange(n, dtype=np.int32)

    def optimum(self, weights: np.ndarray, integer: bool, maximise: bool) -> float:
        """The smallest (largest) value of ``weights · atoms`` over the feasible counts."""
        if self._highs is None:
            return _optimum(weights, self.constraints, integer, maximise)
        core, highs, n = self._core, self._highs, self.constraints.n_atoms
        highs.changeColsCost(n, self._columns, np.asarray(weights, float))
        highs.changeObjectiveSense(core.ObjSense.kMaximize if maximise else core.ObjSense.kMinimize)
        if integer != self._integer:  # changing it resets the solver: only when needed
            kind = core.HighsVarType.kInteger if integer else core.HighsVarType.kContinuous
            highs.changeColsIntegrality(n, self._columns, np.array([kind] * n))
            self._integer = integer
        highs.run()
        if highs.getModelStatus() != core.HighsModelStatus.kOptimal:
            raise RuntimeError(f"disclosure audit could not be solved: {highs.getModelStatus()}")
        return float(highs.getInfo().objective_function_value)


def _optimum(weights: np.ndarray, constraints: Constraints, integer: bool, maximise: bool) -> float:
    a_ub = b_ub = None
    if len(constraints.a_interval):
        a_ub = np.vstack([constraints.a_interval, -constraints.a_interval])
        b_ub = np.concatenate([constraints.high, -constraints.low])
    result = linprog(
        -weights if maximise else weights,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=constraints.a_eq if len(constraints.a_eq) else None,
        b_eq=constraints.b_eq if len(constraints.b_eq) else None,
        bounds=(0, ATOM_CAP),
        method="highs",
        integrality=np.ones(constraints.n_atoms) if integer else None,
    )
    if result.status != 0:  # the truth is always feasible and everything is bounded
        raise RuntimeError(f"disclosure audit could not be solved: {result.message}")
    return float(-result.fun if maximise else result.fun)


def feasible_range(
    weights: np.ndarray,
    constraints: Constraints | RangeSolver,
    min_width: int | None = None,
    true_value: int | None = None,
) -> tuple[int, int]:
    """Smallest and largest whole-number value of ``weights · atoms`` a reader can infer.

    With ``min_width``, the integer programmes run only when the relaxation's inward-rounded
    range is between ``min_width`` and twice it (see the comment in the code). With
    ``true_value`` too, the maximum is solved first, and when it alone exceeds the true
    value by ``min_width`` the range is wide enough whatever the minimum (which is at most
    the true value): the minimum is then not solved and ``true_value`` stands in for it.
    """
    solver = constraints if isinstance(constraints, RangeSolver) else RangeSolver(constraints)
    high = solver.optimum(weights, False, True)
    high_whole = int(np.floor(high + 1e-6))
    if (
        min_width is not None
        and true_value is not None
        and high_whole - true_value >= 2 * min_width
    ):
        return true_value, high_whole
    low = solver.optimum(weights, False, False)
    low_whole = int(np.ceil(low - 1e-6))
    if min_width is not None and not min_width <= high_whole - low_whole < 2 * min_width:
        # Narrower than the criterion already (the integer range lies inside), or more than
        # twice as wide: the integer programmes run only near the criterion, where an
        # integrality gap could decide (tests/analysis/disclosure/test_ledger.py compares
        # both on random ledgers).
        return low_whole, high_whole
    low = solver.optimum(weights, True, False)
    high = solver.optimum(weights, True, True)
    return int(round(low)), int(round(high))
