"""A vectorised Cox partial-likelihood engine: Efron/Breslow ties, strata, (start, stop] data,
and case weights; Firth's penalty is in :mod:`._firth`, score residuals and the robust
(cluster) variance in :mod:`._residuals`.

Why our own engine instead of lifelines' ``CoxPHFitter``: lifelines has no Breslow ties, no
entry times together with weights, and no R-style ``cluster()`` variance at millions of rows;
statsmodels' ``PHReg`` has no case weights (needed for Fine–Gray). The same engine serves
:func:`analysis.survival._cox.cox`, time-varying Cox, Fine–Gray and ``cox.zph``, and is checked
against R ``coxph`` (survival 3.5) in the tests.

The method is R's ``coxph`` (Therneau & Grambsch, *Modeling Survival Data*, 2000, ch. 3):
at each distinct event time t of a stratum, with risk-set sums S0 = Σ wᵢ e^{ηᵢ}, S1 = Σ wᵢ e^{ηᵢ}xᵢ,
S2 = Σ wᵢ e^{ηᵢ}xᵢxᵢᵀ and the same sums D0, D1, D2 over the d events at t, Efron's approximation
uses for l = 0..d−1 the denominators S0 − (l/d)·D0 with multiplier w̄ (mean event weight);
Breslow's uses one denominator S0 with multiplier Σ w over the events. The sums come from
:mod:`analysis.survival._risksets` (rescaled by the largest linear predictor of each stratum and
free of cancellation), so the work is O(n·p²) per Newton step.

Newton–Raphson as ``coxph.control``: a step that lowers the log-likelihood (or overflows) is
halved; we iterate to a tighter tolerance than R's default so that estimates are converged to
~1e-12. Before iterating, covariates that are constant or a linear combination of earlier ones
(a zero pivot of the scaled information at β = 0, R's ``cholesky2`` rule) are set aside;
:func:`fit` reports them in ``dropped`` and the caller prints NA rows, as R does. When the
log-likelihood stops changing while a coefficient keeps moving (monotone likelihood), the
iteration stops and the coefficient is flagged with R's rule
(|Newton step| > 1e-9 and > √1e-9·|β|: "coefficient may be infinite").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from analysis.errors import AnalysisError
from analysis.survival._information import (
    information_from,
    second_moment_part,
)
from analysis.survival._risksets import (  # noqa: F401 - re-exported for the other modules
    Grouping,
    Moments,
    RiskSets,
    moments,
    moments_with_slot_shifts,
    needs_slot_shifts,
    risk_sets,
)

log = logging.getLogger(__name__)


@dataclass
class Terms:
    """Partial log-likelihood, score and information at one β, with the per-slot pieces.

    Risk-set sums are in units of e^{η − σ}, σ the largest linear predictor of the row's
    stratum (``row_shift`` per row, ``slot_shift`` per slot): ratios such as S1/S0 and the
    products e^{η−σ}·a used by residuals are unaffected; the hazard increment is a·e^{−σ}.
    """

    loglik: float
    score: np.ndarray
    information: np.ndarray
    s0: np.ndarray
    s1: np.ndarray
    d0: np.ndarray
    d1: np.ndarray
    a: np.ndarray  # Σ_l m/den
    b: np.ndarray  # Σ_l m f/den
    c: np.ndarray  # Σ_l m/den²
    dd: np.ndarray  # Σ_l m f/den²
    ff: np.ndarray  # Σ_l m f²/den²
    wsum: np.ndarray  # Σ case weights of the events per slot
    row_shift: np.ndarray | None = None
    slot_shift: np.ndarray | None = None

    @property
    def hazard_increment(self) -> np.ndarray:
        """Baseline (η = 0) cumulative-hazard increment per slot: a·e^{−σ}."""
        with np.errstate(over="ignore", under="ignore"):
            return self.a * np.exp(-self.slot_shift)


def _efron_pieces(rs: RiskSets, wsum: np.ndarray, ties: str):
    """Expansion over tied events: slot, fraction f = l/d and multiplier m of each term."""
    slots = np.flatnonzero(rs.d > 0)
    if ties == "breslow":
        return slots, np.zeros(len(slots)), wsum[slots]
    d = rs.d[slots].astype(np.int64)
    slot_rep = np.repeat(slots, d)
    start = np.repeat(np.cumsum(d) - d, d)
    l_index = np.arange(len(slot_rep)) - start
    f = l_index / np.repeat(d, d)
    m = np.repeat(wsum[slots] / d, d)
    return slot_rep, f, m


def stratum_shift(eta: np.ndarray, rs: RiskSets) -> tuple[np.ndarray, np.ndarray]:
    """σ per row and per slot: the largest linear predictor of the stratum."""
    n_strata = len(rs.stratum_offsets)
    if n_strata == 1:  # no scatter needed (np.maximum.at is slow over a million rows)
        top = float(eta.max()) if len(eta) and np.isfinite(eta.max()) else 0.0
        return np.broadcast_to(top, eta.shape), np.full(rs.n_slots, top)
    shift = np.full(n_strata, -np.inf)
    np.maximum.at(shift, rs.row_stratum, eta)
    shift = np.where(np.isfinite(shift), shift, 0.0)
    return shift[rs.row_stratum], shift[rs.slot_stratum_index]


def terms(
    x: np.ndarray,
    beta: np.ndarray,
    rs: RiskSets,
    weights: np.ndarray,
    ties: str,
    offset: np.ndarray | None = None,
    need_information: bool = True,
) -> Terms:
    """Log partial likelihood, score vector and information matrix at ``beta``."""
    n, p = x.shape
    with np.errstate(over="ignore", invalid="ignore"):
        eta = x @ beta if p else np.zeros(n)
    if offset is not None:
        eta = eta + offset
    k = rs.n_slots
    if not np.all(np.isfinite(eta)):  # a step so large that η overflows: reject it
        nan = np.full(k, np.nan)
        return Terms(-np.inf, np.full(p, np.nan), np.full((p, p), np.nan), *[nan] * 10)
    row_shift, slot_shift = stratum_shift(eta, rs)
    ev = rs.event_rows
    per_slot = needs_slot_shifts(eta, rs)
    # right-censored without per-slot factors: the S2 part of the information by rows
    by_rows = (
        need_information and p > 0 and not per_slot and rs.by_enter is None
    ) and rs.slot_scale is None
    if per_slot:  # η so wide that risks relative to the stratum's top would underflow
        stratum_slot_shift = slot_shift
        mo, slot_shift = moments_with_slot_shifts(x, eta, weights, rs, need_information)
    else:
        risk = weights * np.exp(eta - row_shift)
        mo = moments(x, risk, weights, rs, second=need_information and not by_rows)
    # Work per slot in units of its own S0 (ratios S1/S0, S2/S0 are what the likelihood
    # needs): 1/den² stays finite even when a risk set's sum is ~e^-400 of the stratum's top.
    norm = np.where(mo.s0 > 0, mo.s0, 1.0)
    scaled = Moments(
        s0=mo.s0 / norm,
        s1=mo.s1 / norm[:, None],
        s2=mo.s2 / norm[:, None],
        d0=mo.d0 / norm,
        d1=mo.d1 / norm[:, None],
        d2=mo.d2 / norm[:, None],
        wsum=mo.wsum,
    )
    slot, f, m = _efron_pieces(rs, mo.wsum, ties)
    den = scaled.s0[slot] - f * scaled.d0[slot]
    if np.any(den <= 0) or not np.all(np.isfinite(den)) or np.any(mo.s0[slot] <= 0):
        nan = np.full(k, np.nan)  # underflow at an extreme step: reject it
        return Terms(-np.inf, np.full(p, np.nan), np.full((p, p), np.nan), *[nan] * 10)
    log_norm = np.log(norm) + slot_shift
    loglik = float(np.sum(weights[ev] * eta[ev]) - np.sum(m * (np.log(den) + log_norm[slot])))
    a = np.bincount(slot, weights=m / den, minlength=k)
    b = np.bincount(slot, weights=m * f / den, minlength=k)
    c = np.bincount(slot, weights=m / den**2, minlength=k)
    dd = np.bincount(slot, weights=m * f / den**2, minlength=k)
    ff = np.bincount(slot, weights=m * f * f / den**2, minlength=k)
    events = rs.by_event
    score = weights[events.order] @ events.rows_of(x) - (
        scaled.s1 * a[:, None] - scaled.d1 * b[:, None]
    ).sum(0)
    if by_rows:
        second = second_moment_part(x, risk, rs, a / norm, b / norm)
        information = information_from(scaled, a, b, c, dd, ff, p, second=second)
        if not np.all(np.isfinite(information)):  # a risk set ~e^-700 of its top: per slot
            full = moments(x, risk, weights, rs)
            scaled.s2, scaled.d2 = full.s2 / norm[:, None], full.d2 / norm[:, None]
            information = information_from(scaled, a, b, c, dd, ff, p)
    elif need_information and p:
        information = information_from(scaled, a, b, c, dd, ff, p)
    else:
        information = np.zeros((p, p))
    # per-slot pieces back in the units of the row risks w·e^{η−σ} (used by residuals)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore", under="ignore"):
        if per_slot:  # from each slot's own shift to the stratum's (extreme fits only)
            norm = norm * np.exp(slot_shift - stratum_slot_shift)
            mo = Moments(
                s0=mo.s0 / np.exp(stratum_slot_shift - slot_shift),
                s1=mo.s1 / np.exp(stratum_slot_shift - slot_shift)[:, None],
                s2=mo.s2,
                d0=mo.d0 / np.exp(stratum_slot_shift - slot_shift),
                d1=mo.d1 / np.exp(stratum_slot_shift - slot_shift)[:, None],
                d2=mo.d2,
                wsum=mo.wsum,
            )
            slot_shift = stratum_slot_shift
        a, b, c, dd, ff = a / norm, b / norm, c / norm**2, dd / norm**2, ff / norm**2
    return Terms(
        loglik,
        score,
        information,
        mo.s0,
        mo.s1,
        mo.d0,
        mo.d1,
        a,
        b,
        c,
        dd,
        ff,
        mo.wsum,
        row_shift,
        slot_shift,
    )


@dataclass
class CoxFit:
    """Result of :func:`fit`: coefficients, model-based variance, log-likelihoods.

    ``beta``, ``variance`` and ``center`` are for the kept covariates; ``kept`` and
    ``dropped`` index the columns of the x given to :func:`fit`; ``infinite`` flags the kept
    coefficients that run to ±∞ (monotone likelihood); ``score_test`` is the score statistic
    of β = 0; ``score_null`` the score vector there (kept columns).
    """

    beta: np.ndarray
    variance: np.ndarray
    loglik: float
    loglik_null: float
    score_test: float
    iterations: int
    terms: Terms
    center: np.ndarray
    kept: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    dropped: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    infinite: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    converged: bool = True
    score_null: np.ndarray | None = None
    firth: bool = False
    loglik_penalized: float | None = None
    profile: dict | None = None  # Firth: profile penalised-likelihood limits and tests


CHOLESKY_TOLERANCE = np.finfo(float).eps ** 0.75  # R's coxph.control(toler.chol)


def independent_columns(
    x: np.ndarray, weights: np.ndarray, information: np.ndarray, centred: np.ndarray | None = None
):
    """Columns kept by R's rule: a pivot of the (scaled) information below toler.chol × the
    largest diagonal marks a constant or aliased covariate (later columns go first).
    ``centred``: x minus its weighted mean, when the caller already has it."""
    p = information.shape[0]
    if p == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if centred is None:
        centred = x - (weights @ x) / weights.sum()
    mad = (weights @ np.abs(centred)) / weights.sum()
    scale = np.where(mad > 0, 1.0 / np.where(mad > 0, mad, 1.0), 1.0)
    work = information * np.outer(scale, scale)
    eps = CHOLESKY_TOLERANCE * max(np.max(np.diag(work)), 0.0)
    kept = []
    for i in range(p):
        pivot = work[i, i]
        if not np.isfinite(pivot) or pivot <= eps or mad[i] == 0:
            work[i, :] = 0.0
            work[:, i] = 0.0
            continue
        kept.append(i)
        column = work[i + 1 :, i] / pivot
        work[i + 1 :, i + 1 :] -= np.outer(column, work[i, i + 1 :])
    kept = np.array(kept, dtype=np.int64)
    return kept, np.setdiff1d(np.arange(p), kept)


@dataclass
class Start:
    """What every fit needs before iterating: kept columns, centred x, the null model."""

    rs: RiskSets
    weights: np.ndarray
    xc: np.ndarray
    center: np.ndarray
    kept: np.ndarray
    dropped: np.ndarray
    null: Terms
    score_test: float


def prepare(
    x: np.ndarray,
    stop: np.ndarray,
    event: np.ndarray,
    *,
    start: np.ndarray | None = None,
    strata: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    ties: str = "efron",
    rs: RiskSets | None = None,
) -> Start:
    """Check the inputs, set aside constant/aliased columns, centre x, evaluate β = 0."""
    if ties not in ("efron", "breslow"):
        raise AnalysisError(f"ties must be 'efron' or 'breslow', got {ties!r}")
    n, p_all = x.shape
    if event.sum() == 0:
        raise AnalysisError("no events: a Cox model needs at least one event")
    weights = np.ones(n) if weights is None else weights.astype(float)
    rs = rs or risk_sets(stop, event, start, strata)
    center_all = (weights @ x) / weights.sum() if p_all else np.zeros(0)
    x_centred = x - center_all
    start_terms = terms(x_centred, np.zeros(p_all), rs, weights, ties)
    kept, dropped = independent_columns(x, weights, start_terms.information, x_centred)
    p = len(kept)
    if len(dropped):
        xc = x_centred[:, kept]
        null = terms(xc, np.zeros(p), rs, weights, ties)
    else:  # nothing set aside: the null model is the one just evaluated
        xc, null = x_centred, start_terms
    score_test = float(null.score @ _step(null.information, null.score)) if p else 0.0
    return Start(rs, weights, xc, center_all[kept], kept, dropped, null, score_test)


def fit(
    x: np.ndarray,
    stop: np.ndarray,
    event: np.ndarray,
    *,
    start: np.ndarray | None = None,
    strata: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    ties: str = "efron",
    max_iter: int = 100,
    tol: float = 1e-12,
    rs: RiskSets | None = None,
) -> CoxFit:
    """Newton–Raphson maximisation of the partial likelihood (R ``coxph``'s algorithm).

    Covariates are centred (as R does) for numerical stability; β is unaffected. Converged
    when the relative change in log-likelihood is below ``tol`` and the step is tiny. Firth's
    penalised likelihood: :func:`analysis.survival._firth.fit_firth`.
    """
    setup = prepare(x, stop, event, start=start, strata=strata, weights=weights, ties=ties, rs=rs)
    rs, weights, xc, center = setup.rs, setup.weights, setup.xc, setup.center
    kept, dropped, current = setup.kept, setup.dropped, setup.null
    p = len(kept)
    loglik_null = current.loglik
    score_null = current.score.copy()
    score_test = setup.score_test
    beta = np.zeros(p)
    iterations = 0
    converged = p == 0
    plateau = 0
    stuck = False
    while not converged and iterations < max_iter:
        iterations += 1
        step = _step(current.information, current.score)
        newton_size = np.max(np.abs(step))
        candidate = terms(xc, beta + step, rs, weights, ties)
        halvings = 0
        while (
            not np.isfinite(candidate.loglik)
            or candidate.loglik < current.loglik - 1e-12 * abs(current.loglik)
        ) and halvings < 40:
            step = step / 2
            candidate = terms(xc, beta + step, rs, weights, ties)
            halvings += 1
        if not np.isfinite(candidate.loglik) or halvings >= 25:
            stuck = True  # no usable step improves the likelihood: stay where we are
            break
        beta = beta + step
        change = abs(candidate.loglik - current.loglik)
        current = candidate
        small_change = change <= tol * max(abs(current.loglik), 1.0)
        converged = small_change and newton_size < 1e-9
        plateau = plateau + 1 if small_change else 0
        if plateau >= 3:  # the likelihood is flat but β still moves: monotone likelihood
            break
    variance = _inverse(current.information) if p else np.zeros((0, 0))
    final_step = np.abs(variance @ current.score) if p else np.zeros(0)
    infinite = (final_step > 1e-9) & (final_step > np.sqrt(1e-9) * np.abs(beta))
    if stuck:  # diverging so far that the sums underflow: flag the unusable directions
        diag = np.diag(variance) if p else np.zeros(0)
        with np.errstate(invalid="ignore"):
            infinite = ~(diag > 0) | (np.sqrt(np.abs(diag)) > 10 * np.maximum(np.abs(beta), 1.0))
    if not converged and not infinite.any():
        log.warning("Cox fit did not converge in %d iterations", iterations)
    return CoxFit(
        beta,
        variance,
        current.loglik,
        loglik_null,
        score_test,
        iterations,
        current,
        center,
        kept=kept,
        dropped=dropped,
        infinite=np.zeros(p, dtype=bool) if converged else infinite,
        converged=bool(converged),
        score_null=score_null,
    )


def _inverse(information: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(information)
    except np.linalg.LinAlgError:
        return np.linalg.pinv(information)


def _step(information: np.ndarray, score: np.ndarray) -> np.ndarray:
    """The Newton step I⁻¹U (least squares when I is singular, e.g. a diverging β)."""
    try:
        return np.linalg.solve(information, score)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(information, score, rcond=None)[0]
