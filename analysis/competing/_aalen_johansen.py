"""Aalen–Johansen cumulative incidence with case weights and delayed entry, its
infinitesimal-jackknife variance, confidence limits and reading at chosen times.

``cmprsk::cuminc`` has neither weights nor entry times, so with either of them
:func:`analysis.competing.cumulative_incidence` uses this estimator, which is R's multi-state
``survfit(Surv(start, stop, factor(status)) ~ 1, weights=w, id=id)``: at each event time t
with weighted number at risk Y(t) = Σ wᵢ [startᵢ < t ≤ stopᵢ] and weighted events dₖ(t),
F_k(t) = Σ_{s ≤ t} S(s−) dₖ(s)/Y(s), S the all-cause product-limit curve. The variance is the
infinitesimal jackknife R reports, Σᵢ (wᵢ ∂F/∂wᵢ)², carried through the product integral
(O(n) per event time). Checked against R in tests/analysis/competing/test_weighted.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

CONF_TYPES = ("log-log", "log")


def aalen_johansen(
    time: np.ndarray,
    status: np.ndarray,
    cause,
    entry: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> pd.DataFrame:
    """``time, n_risk, n_event, cif, std_err`` at the distinct times where ``cause`` occurs."""
    n = len(time)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    start = np.full(n, -np.inf) if entry is None else np.asarray(entry, dtype=float)
    event_times = np.unique(time[status != 0])
    u_free = np.zeros(n)  # ∂S(t)/∂wᵢ (event-free state)
    u_cause = np.zeros(n)  # ∂F(t)/∂wᵢ
    p_free, cif = 1.0, 0.0
    rows = []
    for t in event_times:
        at_risk = (start < t) & (time >= t)
        y = float(w[at_risk].sum())
        now = time == t
        own = (now & (status == cause)).astype(float)
        other = (now & (status != 0) & (status != cause)).astype(float)
        d_own, d_other = float(w @ own), float(w @ other)
        h_own, h_other = d_own / y, d_other / y
        dh_own = (own - at_risk * h_own) / y
        dh_other = (other - at_risk * h_other) / y
        u_cause = u_cause + u_free * h_own + p_free * dh_own
        u_free = u_free * (1 - h_own - h_other) - p_free * (dh_own + dh_other)
        cif += p_free * h_own
        p_free *= 1 - h_own - h_other
        if d_own > 0:
            rows.append((t, y, d_own, cif, float(np.sqrt(np.sum((w * u_cause) ** 2)))))
    return pd.DataFrame(rows, columns=["time", "n_risk", "n_event", "cif", "std_err"])


def add_limits(frame: pd.DataFrame, conf_level: float, conf_type: str) -> pd.DataFrame:
    """Pointwise limits: ``"log-log"`` F^{exp(±z·se/(F log F))} (Pintilie 2006; inside (0, 1))
    or ``"log"`` F·exp(±z·se/F) with the upper limit capped at 1 (R survfit's default)."""
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    f, se = frame["cif"].to_numpy(float), frame["std_err"].to_numpy(float)
    inside = (f > 0) & (f < 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "log":
            lower = np.where(f > 0, f * np.exp(-z * se / f), np.nan)
            upper = np.where(f > 0, np.minimum(f * np.exp(z * se / f), 1.0), np.nan)
        else:
            half = z * se / (f * np.log(f))
            lower = np.where(inside, f ** np.exp(-half), np.nan)
            upper = np.where(inside, f ** np.exp(half), np.nan)
    frame["lower"] = lower
    frame["upper"] = upper
    return frame


def read_at(table: pd.DataFrame, times: np.ndarray, last_followup: float) -> pd.DataFrame:
    """The step function of one group's table at ``times``: 0 before the first event, NA
    after the group's last follow-up time (not extrapolated; as ``cmprsk::timepoints``)."""
    t = table["time"].to_numpy(float)
    index = np.searchsorted(t, times, side="right") - 1
    out = {"time": times}
    for column, before in (("cif", 0.0), ("std_err", 0.0), ("lower", np.nan), ("upper", np.nan)):
        values = table[column].to_numpy(float)
        read = np.where(index >= 0, values[np.maximum(index, 0)] if len(values) else 0.0, before)
        out[column] = np.where(times > last_followup, np.nan, read)
    return pd.DataFrame(out)
