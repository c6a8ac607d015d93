"""Score residuals of a Cox fit and the sandwich (robust, cluster) variance built from them.

Used by :func:`analysis.survival._cox.cox` (``cluster=``, non-integer weights), the robust
score test (:mod:`analysis.survival._coxtests`) and Fine–Gray's crr variance; re-exported by
:mod:`analysis.survival._coxfit`. The per-slot pieces come from :class:`._coxfit.Terms`, whose
sums are in units of e^{η−σ} (``row_shift``); e^{η−σ}·a products are unit-free.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from analysis.survival._coxfit import Terms
    from analysis.survival._risksets import RiskSets


def score_residuals(
    x: np.ndarray,
    beta: np.ndarray,
    rs: RiskSets,
    weights: np.ndarray,
    ties: str,
    t: Terms,
    center: np.ndarray,
) -> np.ndarray:
    """Per-row score residuals Uᵢ (unweighted, R's ``residuals(fit, "score")``).

    Uᵢ = δᵢ(xᵢ − x̄(tᵢ)) − e^{ηᵢ} Σ_{t at risk} (xᵢ − x̄(t)) dΛ(t), with Efron's down-weighting of
    tied events (Therneau & Grambsch 2000, §3.3). Their weighted sums per cluster give the
    robust variance V (Σ_c U_c U_cᵀ) V.
    """
    xc = x - center
    eta = xc @ beta
    e = np.exp(eta - t.row_shift)  # same units as the risk-set sums in t
    # cumulative over slots of Σ_l m/den and Σ_l m·mean_l/den
    h = np.concatenate([[0.0], np.cumsum(t.a)])
    g = np.vstack(
        [np.zeros((1, xc.shape[1])), np.cumsum(t.s1 * t.c[:, None] - t.d1 * t.dd[:, None], axis=0)]
    )
    resid = -e[:, None] * (xc * (h[rs.leave] - h[rs.enter])[:, None] - (g[rs.leave] - g[rs.enter]))
    if rs.slot_scale is not None:  # rows weighted by a per-slot factor: integrate it too
        rows = np.flatnonzero(rs.scaled)
        hs = np.concatenate([[0.0], np.cumsum(rs.slot_scale * t.a)])
        gs = np.vstack(
            [
                np.zeros((1, xc.shape[1])),
                np.cumsum(
                    rs.slot_scale[:, None] * (t.s1 * t.c[:, None] - t.d1 * t.dd[:, None]), axis=0
                ),
            ]
        )
        lo, hi = rs.enter[rows], rs.leave[rows]
        resid[rows] = -e[rows, None] * (xc[rows] * (hs[hi] - hs[lo])[:, None] - (gs[hi] - gs[lo]))
    ev = rs.event_rows
    slot = rs.event_slot
    with np.errstate(invalid="ignore", divide="ignore"):
        mbar = (t.s1 * t.a[:, None] - t.d1 * t.b[:, None]) / np.where(t.wsum > 0, t.wsum, 1.0)[
            :, None
        ]
    resid[ev] += xc[ev] - mbar[slot]
    if ties == "efron":
        correction = xc[ev] * t.b[slot, None] - (
            t.s1[slot] * t.dd[slot, None] - t.d1[slot] * t.ff[slot, None]
        )
        resid[ev] += e[ev, None] * correction
    return resid


def robust_variance(
    resid: np.ndarray, weights: np.ndarray, variance: np.ndarray, cluster: np.ndarray | None
) -> np.ndarray:
    """Sandwich variance V (Σ_c u_c u_cᵀ) V with u_c the weighted score residuals summed per
    cluster (R ``coxph(..., cluster=)``: the sum of dfbeta residuals per cluster)."""
    weighted = resid * weights[:, None]
    if cluster is not None:
        codes = np.unique(cluster, return_inverse=True)[1]
        summed = np.column_stack(
            [np.bincount(codes, weights=weighted[:, j]) for j in range(weighted.shape[1])]
        )
    else:
        summed = weighted
    meat = summed.T @ summed
    return variance @ meat @ variance
