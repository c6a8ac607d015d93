"""Fine–Gray regression for the subdistribution hazard of one cause (Fine & Gray 1999, JASA).

lifelines has no Fine–Gray model, so it is built here the standard way (R's
``survival::finegray`` + weighted ``coxph``): people who had a competing event stay in the risk
set after their event with weight G(t−)/G(Tⱼ−), G being the Kaplan–Meier curve of censoring.
The weights are those of ``cmprsk::crr`` (G evaluated just before each time; Breslow handling
of tied failure times), so coefficients match ``crr`` to its own convergence tolerance. The
textbook construction (:func:`expand`, ``expanded=True``) splits each competing-event row into
(start, stop] pieces between the cause's later event times — rows grow as
#competing × #event times. By default (:func:`extend`) each competing event gets one extension
row with weight 1/G(Tⱼ−) that the engine :mod:`analysis.survival._coxfit` multiplies by G(t−) at
each
event time t: the same likelihood, score and variance (tested equal to 1e-10) with O(n) rows.

Standard errors: ``se`` is the model-based one; ``robust_se`` is crr's sandwich
V Σᵢ (ηᵢ + ψᵢ)(ηᵢ + ψᵢ)ᵀ V, where ηᵢ is each person's score residual summed over their pieces
(alone, that is what ``coxph(..., weights=fgwt, cluster=id)`` reports for finegray data) and
ψᵢ the term for the estimated censoring distribution (:func:`crr_variance`). Tests match
``crr``'s coefficients and SEs to 1e-6 on mgus2. z, p and the CI use ``robust_se``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import _validation
from analysis.errors import AnalysisError
from analysis.survival import _coxfit as coxfit
from analysis.survival._cox import summary_table


def censoring_left_limits(time: np.ndarray, status: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """KM curve of censoring (censored rows are the 'events'): distinct times and G at each."""
    censored = (status == 0).astype(float)
    times, inverse = np.unique(time, return_inverse=True)
    n_at = np.bincount(inverse, minlength=len(times)).astype(float)
    n_cens = np.bincount(inverse, weights=censored, minlength=len(times))
    n_risk = n_at[::-1].cumsum()[::-1]
    return times, np.cumprod(1 - n_cens / n_risk)


def _g_before(times: np.ndarray, g: np.ndarray, at: np.ndarray) -> np.ndarray:
    """G(t−): the censoring curve just before each time in ``at``."""
    index = np.searchsorted(times, at, side="left") - 1
    return np.where(index >= 0, g[np.maximum(index, 0)], 1.0)


def expand(df: pd.DataFrame, time: np.ndarray, status: np.ndarray, cause) -> pd.DataFrame:
    """The weighted counting-process data set of the Fine–Gray model (like ``finegray()``).

    Columns ``_fg_row`` (original row position), ``_fg_start``, ``_fg_stop``, ``_fg_event``,
    ``_fg_weight`` plus the columns of ``df``.
    """
    n = len(time)
    g_times, g = censoring_left_limits(time, status)
    event_times = np.unique(time[status == cause])
    if len(event_times) == 0:
        raise AnalysisError(f"no events of cause {cause!r}")
    base = pd.DataFrame(
        {
            "_fg_row": np.arange(n),
            "_fg_start": 0.0,
            "_fg_stop": time,
            "_fg_event": (status == cause).astype(np.int64),
            "_fg_weight": 1.0,
        }
    )
    competing = np.flatnonzero((status != 0) & (status != cause))
    later_start = np.searchsorted(event_times, time[competing], side="right")
    counts = len(event_times) - later_start
    rows = np.repeat(competing, counts)
    first = np.repeat(later_start, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    k = first + offsets
    stops = event_times[k]
    starts = np.where(offsets == 0, time[rows], event_times[np.maximum(k - 1, 0)])
    weights = _g_before(g_times, g, stops) / _g_before(g_times, g, time[rows])
    pieces = pd.DataFrame(
        {
            "_fg_row": rows,
            "_fg_start": starts,
            "_fg_stop": stops,
            "_fg_event": 0,
            "_fg_weight": weights,
        }
    )
    expanded = pd.concat([base, pieces], ignore_index=True)
    expanded = expanded[expanded["_fg_weight"] > 0]
    covariates = df.reset_index(drop=True).iloc[expanded["_fg_row"].to_numpy()]
    return pd.concat([expanded.reset_index(drop=True), covariates.reset_index(drop=True)], axis=1)


def extend(df: pd.DataFrame, time: np.ndarray, status: np.ndarray, cause):
    """Fine–Gray data with one extension row per competing event (instead of one per later
    event time as :func:`expand` makes): the row stays at risk from its time to the last event
    of the cause with weight 1/G(Tⱼ−), and the engine multiplies it by G(t−) at each event time
    t — the same weights G(t−)/G(Tⱼ−), with O(n) rows. Returns the frame (columns as
    :func:`expand` plus ``_fg_scaled``) and the function t ↦ G(t−)."""
    n = len(time)
    g_times, g = censoring_left_limits(time, status)
    event_times = np.unique(time[status == cause])
    if len(event_times) == 0:
        raise AnalysisError(f"no events of cause {cause!r}")
    last = event_times[-1]
    base = pd.DataFrame(
        {
            "_fg_row": np.arange(n),
            "_fg_start": 0.0,
            "_fg_stop": time,
            "_fg_event": (status == cause).astype(np.int64),
            "_fg_weight": 1.0,
            "_fg_scaled": False,
        }
    )
    competing = np.flatnonzero((status != 0) & (status != cause) & (time < last))
    extension = pd.DataFrame(
        {
            "_fg_row": competing,
            "_fg_start": time[competing],
            "_fg_stop": last,
            "_fg_event": 0,
            "_fg_weight": 1.0 / _g_before(g_times, g, time[competing]),
            "_fg_scaled": True,
        }
    )
    extended = pd.concat([base, extension], ignore_index=True)
    covariates = df.reset_index(drop=True).iloc[extended["_fg_row"].to_numpy()]
    frame = pd.concat([extended, covariates.reset_index(drop=True)], axis=1)
    return frame, lambda t: _g_before(g_times, g, np.asarray(t, dtype=float))


def fine_gray(
    df: pd.DataFrame,
    duration: str,
    status: str,
    cause,
    covariates: str | Sequence[str],
    conf_level: float = 0.95,
    expanded: bool = False,
):
    """Subdistribution-hazard regression of ``cause`` on ``covariates`` (``cmprsk::crr``).

    Returns a :class:`analysis.survival._cox.CoxResult`; ``summary`` has ``coef, se, robust_se, hr,
    lower, upper, z, p`` indexed by covariate (hr = subdistribution hazard ratio).

    >>> fine_gray(cohort, "days_to_overdose", "overdose_status", cause=1,
    ...           covariates=["age", "C(moud)"]).summary
    """
    from analysis.survival._cox import fit_cox_model
    from analysis.survival._design import variables_of

    used = variables_of(df, covariates)
    data = _validation.complete_rows(df, [duration, status, *used])
    time = _validation.durations(data, duration)
    codes = _validation.status_codes(data, status)
    if expanded:  # the textbook construction, one row per later event time (for checks)
        frame, scale, scaled = expand(data[used], time, codes, cause), None, None
    else:
        (frame, scale), scaled = extend(data[used], time, codes, cause), "_fg_scaled"
    result = fit_cox_model(
        frame,
        "_fg_stop",
        "_fg_event",
        covariates,
        ties="breslow",
        start="_fg_start",
        weights="_fg_weight",
        cluster="_fg_row",
        conf_level=conf_level,
        scaled=scaled,
        scale=scale,
    )
    result.n = len(time)  # people, not data rows
    variance = crr_variance(result, time, codes, cause)
    result.robust_variance = variance
    result.summary = summary_table(list(result.summary.index), result.fit, variance, conf_level)
    return result


def crr_variance(result, time: np.ndarray, status: np.ndarray, cause) -> np.ndarray:
    """The Fine–Gray sandwich variance of ``cmprsk::crr``: V Σᵢ (ηᵢ + ψᵢ)(ηᵢ + ψᵢ)ᵀ V.

    ηᵢ is person i's score residual (summed over their expanded rows); ψᵢ accounts for the
    estimated censoring distribution (Fine & Gray 1999, §3):
    ψᵢ = ∫ q(u)/Y(u) dM^c_i(u), with M^c the censoring martingale, Y(u) the number still
    followed at u, and q(u) = Σ_{failures j: Tⱼ ≥ u} G(Tⱼ−)/S0(Tⱼ)
    · Σ_{competing k: T_k < u} e^{η_k}/G(T_k−) (x_k − x̄(Tⱼ)). All sums are cumulative sums, so
    this is O(n·p) (crr's Fortran is O(n²)).
    """
    fit = result.fit
    d = result.data
    rs = result._risk_sets()
    terms = fit.terms
    n = len(time)
    x = d.x[:n] - fit.center  # the first n expanded rows are the original rows, in order
    eta = x @ fit.beta
    resid = coxfit.score_residuals(d.x, fit.beta, rs, d.weights, "breslow", terms, fit.center)
    weighted = resid * d.weights[:, None]
    rows = np.asarray(d.cluster, dtype=np.int64)
    p = x.shape[1]
    score = (
        np.column_stack([np.bincount(rows, weights=weighted[:, j], minlength=n) for j in range(p)])
        if p
        else np.zeros((n, 0))
    )
    # failure slots: G(T-), S0, x̄, number of failures
    g_times, g = censoring_left_limits(time, status)
    slots = np.flatnonzero(rs.d > 0)
    t_fail = rs.slot_time[slots]
    s0 = terms.s0[slots]
    xbar = terms.s1[slots] / s0[:, None]
    factor = rs.d[slots] * _g_before(g_times, g, t_fail) / s0
    # censoring times u with Y(u) and the number censored
    censored = status == 0
    u, c = np.unique(time[censored], return_counts=True)
    sorted_time = np.sort(time)
    y = n - np.searchsorted(sorted_time, u, side="left")
    # A(u): competing events before u, weighted by e^eta / G(T-)
    comp = np.flatnonzero((status != 0) & (status != cause))
    order = comp[np.argsort(time[comp], kind="stable")]
    a_w = np.exp(eta[order] - terms.row_shift[order]) / _g_before(g_times, g, time[order])
    a0 = np.concatenate([[0.0], np.cumsum(a_w)])
    a1 = np.vstack([np.zeros((1, p)), np.cumsum(a_w[:, None] * x[order], axis=0)])
    before = np.searchsorted(time[order], u, side="left")
    a0_u, a1_u = a0[before], a1[before]
    # B(u): failures at or after u
    b0 = np.concatenate([np.cumsum(factor[::-1])[::-1], [0.0]])
    b1 = np.vstack([np.cumsum((factor[:, None] * xbar)[::-1], axis=0)[::-1], np.zeros((1, p))])
    after = np.searchsorted(t_fail, u, side="left")
    q = a1_u * b0[after][:, None] - a0_u[:, None] * b1[after]
    compensator = np.vstack([np.zeros((1, p)), np.cumsum(q * (c / y**2)[:, None], axis=0)])
    psi = -compensator[np.searchsorted(u, time, side="right")]
    at = np.searchsorted(u, time[censored])
    psi[censored] += q[at] / y[at][:, None]
    total = score + psi
    return fit.variance @ (total.T @ total) @ fit.variance
