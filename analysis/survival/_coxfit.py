"""A vectorised Cox partial-likelihood engine: Efron/Breslow ties, strata, (start, stop] data,
case weights, and score residuals for the robust (cluster) variance.

Why our own engine instead of lifelines' ``CoxPHFitter``: lifelines has no Breslow ties, no
entry times together with weights, and no R-style ``cluster()`` variance at millions of rows;
statsmodels' ``PHReg`` has no case weights (needed for Fine–Gray). The same engine serves
:func:`analysis.survival._cox.cox`, time-varying Cox, Fine–Gray and ``cox.zph``, and is checked
against
R ``coxph`` (survival 3.5) in the tests.

The method is R's ``coxph`` (Therneau & Grambsch, *Modeling Survival Data*, 2000, ch. 3):
at each distinct event time t of a stratum, with risk-set sums S0 = Σ wᵢ e^{ηᵢ}, S1 = Σ wᵢ e^{ηᵢ}xᵢ,
S2 = Σ wᵢ e^{ηᵢ}xᵢxᵢᵀ and the same sums D0, D1, D2 over the d events at t, Efron's approximation
uses for l = 0..d−1 the denominators S0 − (l/d)·D0 with multiplier w̄ (mean event weight);
Breslow's uses one denominator S0 with multiplier Σ w over the events. Risk sets of (start, stop]
rows are sums over rows with start < t ≤ stop: each row's terms are added to the slot where it
enters and subtracted where it leaves, then cumulated over slots, so the work is O(n·p²) per
Newton step (second moments by one small BLAS product per event time when there are at most
5,000 of them — days — else by bincount per covariate pair). Newton–Raphson with step halving, as
``coxph.control``; we iterate to a tighter tolerance than R's default so that estimates are
converged to ~1e-12 and comparisons with R are limited only by R's own convergence.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from analysis.errors import AnalysisError

log = logging.getLogger(__name__)


@dataclass
class RiskSets:
    """The event-time layout of a data set, computed once and reused at every Newton step."""

    n_slots: int  # number of (stratum, event time) slots incl. one dummy slot per stratum
    enter: np.ndarray  # per row: first slot where the row is at risk
    leave: np.ndarray  # per row: one past the last slot where the row is at risk
    event_rows: np.ndarray  # indices of rows with an event
    event_slot: np.ndarray  # slot of each event row
    slot_time: np.ndarray  # event time of each slot (NaN for dummy slots)
    slot_stratum: np.ndarray  # stratum code of each slot
    d: np.ndarray  # events per slot (0 for dummy slots)
    by_leave: Grouping | None = None
    by_enter: Grouping | None = None  # None: right-censored (everyone enters at slot 0)
    by_event: Grouping | None = None
    stratum_offsets: np.ndarray | None = None
    # Rows whose weight also has a per-slot factor (Fine–Gray: w = G(t−)/G(Tⱼ−)):
    scaled: np.ndarray | None = None  # bool per row
    slot_scale: np.ndarray | None = None  # factor per slot
    by_leave_scaled: Grouping | None = None
    by_enter_scaled: Grouping | None = None


@dataclass
class Grouping:
    """Rows sorted by a slot index, for chunked segment sums (np.add.reduceat)."""

    order: np.ndarray  # row positions sorted by slot
    slot: np.ndarray  # slot of each sorted row

    @classmethod
    def of(cls, slots: np.ndarray, rows: np.ndarray | None = None) -> Grouping:
        order = np.argsort(slots, kind="stable")
        return cls(order if rows is None else rows[order], slots[order])


BLOCK_LOOP_MAX_SLOTS = 5000


def _slot_sums(grouping: Grouping, risk: np.ndarray, x: np.ndarray, n_out: int, second: bool):
    """Σ risk·[1, x, x xᵀ (lower triangle)] over the rows of each slot.

    First moments use np.bincount. Second moments use one small matrix product per slot
    (BLAS, O(n·p²) in all) when there are at most BLOCK_LOOP_MAX_SLOTS slots (days-scale data),
    otherwise one bincount per covariate pair.
    """
    p = x.shape[1]
    slots = grouping.slot
    rows = grouping.order
    r = risk[rows]
    xs = x[rows]
    out0 = np.bincount(slots, weights=r, minlength=n_out)
    out1 = (
        np.column_stack(
            [np.bincount(slots, weights=r * xs[:, j], minlength=n_out) for j in range(p)]
        )
        if p
        else np.zeros((n_out, 0))
    )
    iu, ju = np.tril_indices(p)
    out2 = np.zeros((n_out, len(iu)))
    if not second or not p:
        return out0, out1, out2
    if n_out <= BLOCK_LOOP_MAX_SLOTS:
        starts = np.concatenate([[0], np.flatnonzero(np.diff(slots)) + 1, [len(slots)]])
        weighted = xs * r[:, None]
        for lo, hi in zip(starts[:-1], starts[1:], strict=True):
            block = weighted[lo:hi].T @ xs[lo:hi]
            out2[slots[lo]] = block[iu, ju]
    else:
        for col, (i, j) in enumerate(zip(iu, ju, strict=True)):
            out2[:, col] = np.bincount(slots, weights=r * xs[:, i] * xs[:, j], minlength=n_out)
    return out0, out1, out2


def risk_sets(
    stop: np.ndarray,
    event: np.ndarray,
    start: np.ndarray | None,
    strata: np.ndarray | None,
    scaled: np.ndarray | None = None,
    scale=None,
) -> RiskSets:
    """Index rows against the distinct event times of their stratum.

    A row is at risk at event time t when start < t ≤ stop (start = −∞ for right-censored data).
    ``scaled`` marks rows whose weight is multiplied at each event time t by ``scale(t)``
    (a function of the times; used by Fine–Gray so that a competing-event row needs one
    extension row instead of one row per later event time).
    """
    n = len(stop)
    codes = np.zeros(n, dtype=np.int64) if strata is None else strata.astype(np.int64)
    enter = np.empty(n, dtype=np.int64)
    leave = np.empty(n, dtype=np.int64)
    slot_times, slot_strata = [], []
    offset = 0
    for code in np.unique(codes):
        rows = np.flatnonzero(codes == code)
        times = np.unique(stop[rows][event[rows] == 1])
        leave[rows] = offset + np.searchsorted(times, stop[rows], side="right")
        if start is None:
            enter[rows] = offset
        else:
            enter[rows] = offset + np.searchsorted(times, start[rows], side="right")
        slot_times.append(np.append(times, np.nan))
        slot_strata.append(np.full(len(times) + 1, code))
        offset += len(times) + 1
    event_rows = np.flatnonzero(event == 1)
    event_slot = leave[event_rows] - 1
    d = np.bincount(event_slot, minlength=offset).astype(float)
    sizes = np.array([len(t) for t in slot_times])
    slot_time = np.concatenate(slot_times)
    extra = {}
    if scaled is not None and scaled.any():
        if start is None:
            raise AnalysisError("scaled rows need start times")
        plain_rows = np.flatnonzero(~scaled)
        scaled_rows = np.flatnonzero(scaled)
        if event[scaled_rows].any():
            raise AnalysisError("scaled rows cannot have events")
        extra = {
            "scaled": scaled,
            "slot_scale": np.nan_to_num(np.asarray(scale(slot_time), dtype=float)),
            "by_leave_scaled": Grouping.of(leave[scaled_rows], scaled_rows),
            "by_enter_scaled": Grouping.of(enter[scaled_rows], scaled_rows),
        }
    else:
        plain_rows = None
    return RiskSets(
        n_slots=offset,
        enter=enter,
        leave=leave,
        event_rows=event_rows,
        event_slot=event_slot,
        slot_time=slot_time,
        slot_stratum=np.concatenate(slot_strata),
        d=d,
        by_leave=Grouping.of(leave)
        if plain_rows is None
        else Grouping.of(leave[plain_rows], plain_rows),
        by_enter=None
        if start is None
        else (
            Grouping.of(enter) if plain_rows is None else Grouping.of(enter[plain_rows], plain_rows)
        ),
        by_event=Grouping.of(event_slot, event_rows),
        stratum_offsets=np.cumsum(sizes) - sizes,
        **extra,
    )


@dataclass
class Moments:
    """Per-slot risk-set sums S0, S1, S2 and event sums D0, D1, D2 (S2/D2 as pair columns)."""

    s0: np.ndarray
    s1: np.ndarray
    s2: np.ndarray  # n_slots × p(p+1)/2, pairs in np.tril_indices order
    d0: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    wsum: np.ndarray


def moments(
    x: np.ndarray, risk: np.ndarray, weights: np.ndarray, rs: RiskSets, second: bool = True
) -> Moments:
    """Risk-set and event sums of 1, x and x xᵀ weighted by ``risk`` for every slot.

    Row sums go to the slot where the row leaves (and, for (start, stop] rows, are subtracted
    where it enters); a cumulative sum over slots then gives the risk-set sums.
    """
    k = rs.n_slots
    leaving = np.column_stack(
        [a.reshape(k + 1, -1) for a in _slot_sums(rs.by_leave, risk, x, k + 1, second)]
    )
    if rs.by_enter is None:  # everyone enters at their stratum's first slot
        entering = np.zeros_like(leaving)
        bounds = np.append(rs.stratum_offsets, k)  # a stratum's rows leave in [lo, hi)
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            entering[lo] = leaving[lo:hi].sum(axis=0)
    else:
        entering = np.column_stack(
            [a.reshape(k + 1, -1) for a in _slot_sums(rs.by_enter, risk, x, k + 1, second)]
        )
    at_risk = np.cumsum(entering - leaving, axis=0)[:k]
    if rs.slot_scale is not None:
        out_scaled = np.column_stack(
            [a.reshape(k + 1, -1) for a in _slot_sums(rs.by_leave_scaled, risk, x, k + 1, second)]
        )
        in_scaled = np.column_stack(
            [a.reshape(k + 1, -1) for a in _slot_sums(rs.by_enter_scaled, risk, x, k + 1, second)]
        )
        at_risk += rs.slot_scale[:, None] * np.cumsum(in_scaled - out_scaled, axis=0)[:k]
    d0, d1, d2 = _slot_sums(rs.by_event, risk, x, k, second)
    wsum = np.bincount(rs.event_slot, weights=weights[rs.event_rows], minlength=k)
    p = x.shape[1]
    return Moments(
        s0=at_risk[:, 0],
        s1=at_risk[:, 1 : 1 + p],
        s2=at_risk[:, 1 + p :],
        d0=d0,
        d1=d1,
        d2=d2,
        wsum=wsum,
    )


def information_from(mo: Moments, a, b, c, dd, ff, p: int) -> np.ndarray:
    """Σ_slots of the Efron/Breslow information, given the per-slot multipliers a…ff."""
    info = np.zeros((p, p))
    iu, ju = np.tril_indices(p)
    info[iu, ju] = a @ mo.s2 - b @ mo.d2
    info[ju, iu] = info[iu, ju]
    info -= (mo.s1 * c[:, None]).T @ mo.s1
    cross = (mo.s1 * dd[:, None]).T @ mo.d1
    info += cross + cross.T
    info -= (mo.d1 * ff[:, None]).T @ mo.d1
    return info


@dataclass
class Terms:
    """Partial log-likelihood, score and information at one β, with the per-slot pieces."""

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
    eta = x @ beta if p else np.zeros(n)
    if offset is not None:
        eta = eta + offset
    risk = weights * np.exp(eta)
    ev = rs.event_rows
    mo = moments(x, risk, weights, rs, second=need_information)
    s0, s1, d0, d1, wsum = mo.s0, mo.s1, mo.d0, mo.d1, mo.wsum
    slot, f, m = _efron_pieces(rs, wsum, ties)
    den = s0[slot] - f * d0[slot]
    if np.any(den <= 0):
        raise AnalysisError("an event time has an empty risk set; check start/stop times")
    loglik = float(np.sum(weights[ev] * eta[ev]) - np.sum(m * np.log(den)))
    k = rs.n_slots
    a = np.bincount(slot, weights=m / den, minlength=k)
    b = np.bincount(slot, weights=m * f / den, minlength=k)
    c = np.bincount(slot, weights=m / den**2, minlength=k)
    dd = np.bincount(slot, weights=m * f / den**2, minlength=k)
    ff = np.bincount(slot, weights=m * f * f / den**2, minlength=k)
    score = (weights[ev, None] * x[ev]).sum(axis=0) - (s1 * a[:, None] - d1 * b[:, None]).sum(0)
    information = (
        information_from(mo, a, b, c, dd, ff, p) if need_information and p else np.zeros((p, p))
    )
    return Terms(loglik, score, information, s0, s1, d0, d1, a, b, c, dd, ff, wsum)


@dataclass
class CoxFit:
    """Result of :func:`fit`: coefficients, model-based variance, log-likelihoods."""

    beta: np.ndarray
    variance: np.ndarray
    loglik: float
    loglik_null: float
    score_test: float
    iterations: int
    terms: Terms
    center: np.ndarray


def fit(
    x: np.ndarray,
    stop: np.ndarray,
    event: np.ndarray,
    *,
    start: np.ndarray | None = None,
    strata: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    ties: str = "efron",
    max_iter: int = 50,
    tol: float = 1e-12,
    rs: RiskSets | None = None,
) -> CoxFit:
    """Newton–Raphson maximisation of the partial likelihood (R ``coxph``'s algorithm).

    Covariates are centred (as R does) for numerical stability; β is unaffected. Converged
    when the relative change in log-likelihood is below ``tol`` and the step is tiny.
    """
    if ties not in ("efron", "breslow"):
        raise AnalysisError(f"ties must be 'efron' or 'breslow', got {ties!r}")
    n, p = x.shape
    if event.sum() == 0:
        raise AnalysisError("no events: a Cox model needs at least one event")
    weights = np.ones(n) if weights is None else weights.astype(float)
    center = (weights @ x) / weights.sum() if p else np.zeros(0)
    xc = x - center
    rs = rs or risk_sets(stop, event, start, strata)
    beta = np.zeros(p)
    current = terms(xc, beta, rs, weights, ties)
    loglik_null = current.loglik
    score_test = float(current.score @ _solve(current.information, current.score)) if p else 0.0
    iterations = 0
    converged = p == 0
    while not converged and iterations < max_iter:
        iterations += 1
        step = _solve(current.information, current.score)
        candidate = terms(xc, beta + step, rs, weights, ties)
        halvings = 0
        while (
            not np.isfinite(candidate.loglik)
            or candidate.loglik < current.loglik - 1e-12 * abs(current.loglik)
        ) and halvings < 30:
            step = step / 2
            candidate = terms(xc, beta + step, rs, weights, ties)
            halvings += 1
        beta = beta + step
        change = abs(candidate.loglik - current.loglik)
        current = candidate
        converged = change <= tol * max(abs(current.loglik), 1.0) and np.max(np.abs(step)) < 1e-9
    if not converged:
        log.warning("Cox fit did not converge in %d iterations", max_iter)
    if not np.all(np.isfinite(beta)) or (p and np.max(np.abs(beta)) > 1e3):
        raise AnalysisError(
            "the Cox model did not converge (infinite coefficient: a covariate "
            "perfectly predicts events?)"
        )
    variance = np.linalg.inv(current.information) if p else np.zeros((0, 0))
    if p and np.any(np.sqrt(np.abs(np.diag(variance))) > 1e3 * np.maximum(np.abs(beta), 1.0)):
        log.warning(
            "a coefficient may be infinite (monotone likelihood: a covariate "
            "separates events from non-events); its SE is not usable"
        )
    return CoxFit(
        beta, variance, current.loglik, loglik_null, score_test, iterations, current, center
    )


def _solve(information: np.ndarray, score: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(information, score)
    except np.linalg.LinAlgError as error:
        raise AnalysisError(
            "the information matrix is singular: covariates are collinear or constant"
        ) from error


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
    e = np.exp(eta)
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
