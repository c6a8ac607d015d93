"""Test of proportional hazards, computed as R survival ≥ 3 ``cox.zph`` does.

R 3.x replaced the old Grambsch–Therneau approximation (which lifelines'
``proportional_hazard_test`` follows) by an exact score test: add the time-varying terms
x·g(t) to the fitted model, with g the transformed event time centred at its mean over events,
and evaluate at (β̂, 0) the score U and information I of the enlarged model. For a term with
columns J, the statistic is Uᵀ I⁻¹ U with U zero except the entries of the x·g(t) columns of J,
and I restricted to all of β plus those columns; GLOBAL uses all columns
(survival source: R/cox.zph.R and src/zph1.c; Therneau & Grambsch 2000, §6.2).
Ties are handled as the fit handled them (Efron or Breslow).

Transforms: ``"km"`` (R's default, 1 − KM(t−) of all rows), ``"identity"``, ``"rank"``,
``"log"``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.errors import AnalysisError
from analysis.survival import _coxfit as coxfit


def _transformed_times(stop, event, start, transform: str) -> np.ndarray:
    """g(t) per row, before centring (R: ttimes)."""
    if transform == "identity":
        return stop.astype(float)
    if transform == "log":
        return np.log(stop)
    if transform == "rank":
        return stats.rankdata(stop)  # average ranks, as R's rank()
    if transform != "km":
        raise AnalysisError(f"transform must be km, identity, rank or log, got {transform!r}")
    times = np.unique(stop[event == 1])
    sorted_stop = np.sort(stop)
    n_risk = len(stop) - np.searchsorted(sorted_stop, times, side="left")
    if start is not None:
        n_risk -= len(start) - np.searchsorted(np.sort(start), times, side="left")
    deaths = np.bincount(np.searchsorted(times, stop[event == 1]), minlength=len(times))
    surv = np.cumprod(1 - deaths / n_risk)
    before = np.searchsorted(times, stop, side="left")  # number of event times < t
    return 1 - np.concatenate([[1.0], surv])[before]


def cox_zph(result, transform: str = "km") -> pd.DataFrame:
    """``chisq, df, p`` per covariate term and ``GLOBAL`` for a fitted :class:`CoxResult`.

    Matches R ``cox.zph(fit, transform=)`` (survival 3.5) to 1e-6 in the tests.

    ``cox.zph(coxph(Surv(time, status) ~ age + sex + ph.ecog, lung))`` in R:

    >>> from analysis.survival import cox
    >>> complete = lung.dropna(subset=["ph.ecog"])
    >>> cox(complete, "time", "dead", ["age", "sex", "ph.ecog"]).ph_test().round(3)
             chisq  df      p
    term
    age      0.188   1  0.665
    sex      2.305   1  0.129
    ph.ecog  2.054   1  0.152
    GLOBAL   4.464   3  0.216
    """
    d = result.data
    fit = result.fit
    rs = result._risk_sets()
    g_row = _transformed_times(d.stop, d.event, d.start, transform)
    g_row = g_row - g_row[d.event == 1].mean()
    slot_g = np.zeros(rs.n_slots)
    slot_g[rs.event_slot] = g_row[rs.event_rows]
    x = d.x - fit.center
    t = fit.terms
    w = d.weights
    ev = rs.event_rows
    # per-slot score of the fitted model, then weighted by g for the x·g(t) columns
    wx = np.zeros((rs.n_slots, x.shape[1]))
    np.add.at(wx, rs.event_slot, w[ev, None] * x[ev])
    slot_score = wx - (t.s1 * t.a[:, None] - t.d1 * t.b[:, None])
    u = slot_g @ slot_score
    risk = w * np.exp(x @ fit.beta - t.row_shift)  # the units of the sums in t
    mo = coxfit.moments(x, risk, w, rs)
    i00 = _information(mo, t, np.ones(rs.n_slots))
    i01 = _information(mo, t, slot_g)
    i11 = _information(mo, t, slot_g**2)
    imat = np.block([[i00, i01], [i01, i11]])
    p = x.shape[1]
    names = list(result.fitted_names)
    rows = []
    for term, columns in result.term_columns.items():
        jj = [names.index(c) for c in columns]
        rows.append((term, _score_statistic(imat, u, jj, p), len(jj)))
    rows.append(("GLOBAL", _score_statistic(imat, u, list(range(p)), p), p))
    table = pd.DataFrame(rows, columns=["term", "chisq", "df"]).set_index("term")
    table["p"] = stats.chi2.sf(table["chisq"], table["df"])
    return table


def _score_statistic(imat, u, jj, p) -> float:
    keep = list(range(p)) + [p + j for j in jj]
    vector = np.concatenate([np.zeros(p), u[jj]])
    return float(vector @ np.linalg.solve(imat[np.ix_(keep, keep)], vector))


def _information(mo, t, v) -> np.ndarray:
    """Σ_slots v_k · I_k: the Efron/Breslow information with per-slot weights v."""
    return coxfit.information_from(
        mo, v * t.a, v * t.b, v * t.c, v * t.dd, v * t.ff, mo.s1.shape[1]
    )


def scaled_schoenfeld(result, transform: str = "km") -> pd.DataFrame:
    """Scaled Schoenfeld residuals per event, as ``cox.zph(fit)$y`` (for PH plots).

    Columns: ``time``, ``x`` (the transformed time g(t)), one column per covariate term
    (for a multi-column term such as ``C(moud)``, R's combination Σⱼ β̂ⱼ rⱼ scaled to 1 at
    proportional hazards), plus ``stratum`` for stratified models. Residuals are the event's
    covariates minus the (Efron-weighted) risk-set mean, scaled by the inverse of the average
    information per event and shifted by β̂, so under proportional hazards each column
    scatters around its coefficient (Grambsch & Therneau 1994). Rows ordered as R's.
    """
    d = result.data
    fit = result.fit
    rs = result._risk_sets()
    t = fit.terms
    x = d.x - fit.center
    ev = rs.event_rows
    with np.errstate(invalid="ignore", divide="ignore"):
        mbar = (t.s1 * t.a[:, None] - t.d1 * t.b[:, None]) / np.where(t.wsum > 0, t.wsum, 1.0)[
            :, None
        ]
    resid = x[ev] - mbar[rs.event_slot]
    vmean = t.information / len(ev)
    names = list(result.fitted_names)
    columns, values = [], []
    beta = fit.beta
    for term, cols in result.term_columns.items():
        jj = [names.index(c) for c in cols]
        if len(jj) == 1:
            columns.append(term)
            values.append((jj, None))
        else:
            columns.append(term)
            values.append((jj, beta[jj]))
    # combine multi-column terms with β̂ as R does, then scale by the inverse of vmean
    combine = np.zeros((len(names), len(columns)))
    for i, (jj, weights) in enumerate(values):
        combine[jj, i] = 1.0 if weights is None else weights
    r = resid @ combine
    v = combine.T @ vmean @ combine
    y = np.linalg.solve(v, r.T).T
    shift = np.array([beta[jj[0]] if w is None else 1.0 for jj, w in values])
    y = y + shift
    g = _transformed_times(d.stop, d.event, d.start, transform)[ev]
    frame = pd.DataFrame(y, columns=columns)
    frame.insert(0, "x", g)
    frame.insert(0, "time", d.stop[ev])
    stratum = d.strata[ev] if d.strata is not None else np.zeros(len(ev), dtype=int)
    # R orders events by (stratum, time); ties by row order (reversed for (start, stop] data)
    row = ev if d.start is None else -ev
    order = np.lexsort((row, d.stop[ev], stratum))
    frame = frame.iloc[order].reset_index(drop=True)
    if d.strata is not None:
        frame.insert(0, "stratum", [d.strata_labels[i] for i in stratum[order]])
    return frame
