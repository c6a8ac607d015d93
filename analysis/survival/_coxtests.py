"""Global tests of a fitted Cox model: Wald, score and robust score (R ``summary(coxph)``).

The score test comes with the fit (the first Newton step needs the score and information at
β = 0). The Wald and robust score tests are computed when asked for, so a large fit pays
nothing for them: the robust score test needs one more pass over the data (score residuals
at β = 0). Formulas as R survival 3.5 ``coxph``: Wald β̂ᵀ V⁻¹ β̂ with V the reported variance
(robust when the summary is); robust score Uᵀ (Σ_c U_c U_cᵀ)⁻¹ U with U_c the weighted score
residuals at β = 0 summed per cluster (each row its own cluster without ``cluster=``).
Checked against R in tests/analysis/survival/test_robust.py.
"""

from __future__ import annotations

import numpy as np

from analysis.survival import _coxfit as coxfit
from analysis.survival import _residuals as residuals


def _quadratic(matrix: np.ndarray, vector: np.ndarray) -> float:
    try:
        return float(vector @ np.linalg.solve(matrix, vector))
    except np.linalg.LinAlgError:
        return float(vector @ np.linalg.pinv(matrix) @ vector)


def wald_statistic(beta: np.ndarray, variance: np.ndarray) -> float:
    """β̂ᵀ V⁻¹ β̂ (0 for a model without covariates)."""
    if len(beta) == 0:
        return 0.0
    return _quadratic(variance, beta)


def robust_score_statistic(result) -> float:
    """Uᵀ (Σ_c U_c U_cᵀ)⁻¹ U at β = 0 for a :class:`~analysis.survival._cox.CoxResult`."""
    d = result.data
    p = d.x.shape[1]
    if p == 0:
        return 0.0
    rs = result._risk_sets()
    zero = np.zeros(p)
    center = result.fit.center
    t0 = coxfit.terms(d.x - center, zero, rs, d.weights, result.ties)
    resid = residuals.score_residuals(d.x, zero, rs, d.weights, result.ties, t0, center)
    weighted = resid * d.weights[:, None]
    if d.cluster is not None:
        codes = np.unique(d.cluster, return_inverse=True)[1]
        weighted = np.column_stack([np.bincount(codes, weights=weighted[:, j]) for j in range(p)])
    u = weighted.sum(axis=0)
    return _quadratic(weighted.T @ weighted, u)
