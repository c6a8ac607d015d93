"""The Efron/Breslow information matrix of the Cox engine from its per-slot pieces.

:func:`information_from` sums the information over event-time slots from the risk-set
moments; :func:`second_moment_part` forms its S2/D2 part for right-censored data from the
rows directly (one weighted Gram matrix per Newton step; see benchmarks/bench_cox.py for the
profile that motivated it). Used by :mod:`analysis.survival._coxfit` and ``_zph``; checked
against R ``coxph`` through the tests of the fits.
"""

from __future__ import annotations

import numpy as np

from analysis.survival._risksets import Moments, RiskSets


def information_from(mo: Moments, a, b, c, dd, ff, p: int, second=None) -> np.ndarray:
    """Σ_slots of the Efron/Breslow information, given the per-slot multipliers a…ff;
    ``second`` is Σ_slots (a·S2 − b·D2) when already formed (:func:`second_moment_part`)."""
    if second is None:
        info = np.zeros((p, p))
        iu, ju = np.tril_indices(p)
        info[iu, ju] = a @ mo.s2 - b @ mo.d2
        info[ju, iu] = info[iu, ju]
    else:
        info = second.copy()
    info -= (mo.s1 * c[:, None]).T @ mo.s1
    cross = (mo.s1 * dd[:, None]).T @ mo.d1
    info += cross + cross.T
    info -= (mo.d1 * ff[:, None]).T @ mo.d1
    return info


def second_moment_part(x, risk, rs: RiskSets, a, b) -> np.ndarray:
    """Σ_slots (a_k·S2_k − b_k·D2_k) for right-censored data, without forming S2 per slot.

    Row i is at risk at the slots of its stratum before ``leave_i``, so Σ_k a_k S2_k =
    Σ_i r_i A_i x_i x_iᵀ with A_i the prefix sum of a over those slots (positive terms, no
    cancellation); an event row at slot k also carries −r_i b_k (D2). Its weight
    r_i (A_i − b_k) stays ≥ 0 (A_i ≥ a_k ≥ b_k, as f = l/d < 1), so the whole part is one
    weighted Gram matrix zᵀz with z = √v·x: a single pass of BLAS over n × p per Newton
    step instead of p(p+1)/2 products per event time.
    """
    bounds = rs.bounds
    prefix = np.zeros(rs.n_slots + len(bounds) - 1)
    for s, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        prefix[lo + s + 1 : hi + s + 1] = np.cumsum(a[lo:hi])
    with np.errstate(over="ignore", invalid="ignore"):
        span = prefix[rs.leave + rs.row_stratum]
        span[rs.event_rows] -= b[rs.event_slot]
        return _gram(x, np.sqrt(risk * np.maximum(span, 0.0)))


def _gram(x: np.ndarray, root_weight: np.ndarray, block: int = 32768) -> np.ndarray:
    """xᵀ diag(root_weight²) x, summed over blocks of rows."""
    gram = np.zeros((x.shape[1], x.shape[1]))
    for lo in range(0, len(x), block):
        z = x[lo : lo + block] * root_weight[lo : lo + block, None]
        gram += z.T @ z
    return gram
