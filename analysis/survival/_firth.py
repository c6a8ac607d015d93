"""Firth's penalised partial likelihood for the Cox model (Heinze & Schemper 2001).

Under monotone likelihood (a covariate, or a combination, that separates who fails first) the
partial likelihood keeps rising as a coefficient runs to ±∞. Firth (1993) penalises the
log-likelihood by half the log-determinant of the information,
l*(β) = l(β) + ½ log |I(β)|, which removes the first-order bias of β̂ and gives finite
estimates. The penalised score is U*ᵣ = Uᵣ + ½ tr(I⁻¹ ∂I/∂βᵣ) and, with per-term moments
M_k = S_k − f·D_k (Efron; f = 0 for Breslow) of 1, x, xxᵀ and x⊗x⊗x over the risk set,

∂I/∂βᵣ = Σ m [M3ᵣ/M0 − (M2 M1ᵣ + M2ᵣ M1ᵀ + M1 M2ᵣᵀ)/M0² + 2 M1 M1ᵀ M1ᵣ/M0³].

The third moments are risk-set sums of (risk·xᵣ)·xxᵀ: one more pass of the engine's
cancellation-free sums per covariate. Iteration as R ``coxphf``: Newton steps I⁻¹U* capped
at 0.5 per coefficient, halved while the penalised likelihood falls; the variance is I(β̂)⁻¹
(Wald SEs). As coxphf (``pl=TRUE``) and Heinze & Schemper recommend, the confidence limits
and p-values of the summary come from the profile penalised likelihood (:func:`profile`).
``coxphf`` is not packaged in Debian, so the tests check the estimates against a direct
maximisation of the same penalised likelihood in R (``optim`` on ``coxph``'s log-likelihood
and information at fixed β) on the breast cancer data of Heinze & Schemper (2001) and on a
separated covariate (tests/analysis/survival/test_firth.py).
"""

from __future__ import annotations

import numpy as np

from analysis.survival import _coxfit as coxfit
from analysis.survival._risksets import moments

MAX_STEP = 0.5  # coxphf's maxstep


def _penalised(xc, beta, rs, weights, ties):
    """(penalised log-likelihood, penalised score, information, plain terms) at β."""
    t = coxfit.terms(xc, beta, rs, weights, ties)
    if not np.isfinite(t.loglik):
        return -np.inf, None, None, t
    sign, logdet = np.linalg.slogdet(t.information)
    if sign <= 0:
        return -np.inf, None, None, t
    p = xc.shape[1]
    eta = xc @ beta
    risk = weights * np.exp(eta - t.row_shift)
    base = moments(xc, risk, weights, rs)
    third = [moments(xc, risk * xc[:, r], weights, rs) for r in range(p)]
    slot, f, m = coxfit._efron_pieces(rs, base.wsum, ties)
    iu, ju = np.tril_indices(p)

    def full(pairs):  # n_terms × p × p from the lower-triangle pair columns
        out = np.zeros((pairs.shape[0], p, p))
        out[:, iu, ju] = pairs
        out[:, ju, iu] = pairs
        return out

    m0 = base.s0[slot] - f * base.d0[slot]
    m1 = base.s1[slot] - f[:, None] * base.d1[slot]
    m2 = full(base.s2[slot] - f[:, None] * base.d2[slot])
    inverse = np.linalg.inv(t.information)
    penalty_score = np.zeros(p)
    for r in range(p):
        m3 = full(third[r].s2[slot] - f[:, None] * third[r].d2[slot])
        m2r = m2[:, :, r]
        m1r = m1[:, r]
        outer_m2r_m1 = m2r[:, :, None] * m1[:, None, :]
        derivative = (
            m3 / m0[:, None, None]
            - (m2 * m1r[:, None, None] + outer_m2r_m1 + np.transpose(outer_m2r_m1, (0, 2, 1)))
            / (m0**2)[:, None, None]
            + 2 * (m1[:, :, None] * m1[:, None, :]) * (m1r / m0**3)[:, None, None]
        )
        d_information = np.einsum("t,tjk->jk", m, derivative)
        penalty_score[r] = 0.5 * np.sum(inverse * d_information)
    return t.loglik + 0.5 * logdet, t.score + penalty_score, t.information, t


def _maximise(xc, rs, weights, ties, beta, free, max_iter=100):
    """Maximise the penalised likelihood over the coordinates in ``free`` from ``beta``.

    Returns (β, penalised log-likelihood, score, information, plain terms, iterations,
    converged).
    """
    beta = beta.astype(float).copy()
    penalised, score, information, t = _penalised(xc, beta, rs, weights, ties)
    iterations = 0
    converged = not free.any()
    while not converged and iterations < max_iter:
        iterations += 1
        step = np.zeros(len(beta))
        step[free] = coxfit._step(information[np.ix_(free, free)], score[free])
        largest = np.max(np.abs(step))
        if largest > MAX_STEP:
            step = step * (MAX_STEP / largest)
        candidate = _penalised(xc, beta + step, rs, weights, ties)
        halvings = 0
        while candidate[0] < penalised - 1e-12 * abs(penalised) and halvings < 30:
            step = step / 2
            candidate = _penalised(xc, beta + step, rs, weights, ties)
            halvings += 1
        if not np.isfinite(candidate[0]):
            break
        beta = beta + step
        penalised, score, information, t = candidate
        converged = np.max(np.abs(step)) < 1e-10 or np.max(np.abs(score[free])) < 1e-10
    return beta, penalised, score, information, t, iterations, converged


def fit_firth(
    x: np.ndarray,
    stop: np.ndarray,
    event: np.ndarray,
    *,
    start: np.ndarray | None = None,
    strata: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    ties: str = "efron",
    max_iter: int = 100,
    rs=None,
) -> coxfit.CoxFit:
    """Maximise the penalised partial likelihood from β = 0 (see the module docstring); the
    same arguments and result as :func:`analysis.survival._coxfit.fit`."""
    setup = coxfit.prepare(
        x, stop, event, start=start, strata=strata, weights=weights, ties=ties, rs=rs
    )
    xc, rs, weights = setup.xc, setup.rs, setup.weights
    p = xc.shape[1]
    beta, penalised, _, information, t, iterations, converged = _maximise(
        xc, rs, weights, ties, np.zeros(p), np.ones(p, dtype=bool), max_iter
    )
    variance = np.linalg.inv(information) if p else np.zeros((0, 0))
    return coxfit.CoxFit(
        beta,
        variance,
        t.loglik,
        setup.null.loglik,
        setup.score_test,
        iterations,
        t,
        setup.center,
        kept=setup.kept,
        dropped=setup.dropped,
        infinite=np.zeros(p, dtype=bool),
        converged=bool(converged),
        score_null=setup.null.score.copy(),
        firth=True,
        loglik_penalized=penalised,
    )


def profile(xc, rs, weights, ties, fit, conf_level: float = 0.95) -> dict:
    """Profile penalised-likelihood limits and penalised likelihood-ratio tests of βⱼ = 0,
    as coxphf (``pl=TRUE``): where 2(l*(β̂) − max_{β₋ⱼ} l*(βⱼ, β₋ⱼ)) = χ²₁(conf_level)."""
    from scipy import optimize, stats

    p = len(fit.beta)
    target = stats.chi2.ppf(conf_level, 1)
    lower, upper, chisq = np.full(p, np.nan), np.full(p, np.nan), np.full(p, np.nan)
    se = np.sqrt(np.diag(fit.variance))
    for j in range(p):
        free = np.ones(p, dtype=bool)
        free[j] = False
        start = fit.beta.copy()

        def deviance(b, j=j, free=free, start=start):
            trial = start.copy()
            trial[j] = b
            value = _maximise(xc, rs, weights, ties, trial, free)[1]
            return 2 * (fit.loglik_penalized - value)

        chisq[j] = deviance(0.0)
        for side, sign in ((0, -1.0), (1, 1.0)):
            width = se[j]
            far = fit.beta[j] + sign * width
            while deviance(far) < target and width < 1e3 * max(se[j], 1.0):
                width *= 2
                far = fit.beta[j] + sign * width
            if deviance(far) < target:
                continue  # the penalised likelihood never falls that far: unbounded
            a, b = sorted((fit.beta[j], far))
            root = optimize.brentq(lambda v, d=deviance: d(v) - target, a, b, xtol=1e-10)
            (lower if side == 0 else upper)[j] = root
    return {"lower": lower, "upper": upper, "chisq": chisq, "p": stats.chi2.sf(chisq, 1)}
