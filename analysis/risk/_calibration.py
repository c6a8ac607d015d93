"""Calibration at a horizon and decision-curve net benefit for censored outcomes.

* :func:`calibration_table` — deliveries grouped by predicted risk (deciles by default): mean
  predicted risk by the horizon against the observed risk 1 − KM(horizon) of the group
  (Kaplan–Meier handles censoring), with a log-log 95% interval.
* :func:`calibration_summary` — calibration slope (the coefficient of log(−log S(h | x)) in a
  Cox model on the validation data: 1 is ideal, < 1 predictions too extreme; van Houwelingen
  2000), observed/expected ratio at the horizon (KM risk / mean predicted risk) and its
  logarithm as the calibration intercept ("calibration in the large").
* :func:`net_benefit` — decision curve for censored data (Vickers et al. 2008): at threshold
  p_t, with the deliveries whose predicted risk ≥ p_t flagged, NB = P(flag)·[r − (1 − r)·
  p_t/(1 − p_t)], r the KM risk by the horizon among the flagged; "treat all" and "treat none"
  (0) for reference. Hand-computed example in tests/analysis/risk/test_calibration.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import survival


def _km_risk(time: np.ndarray, event: np.ndarray, horizon: float) -> tuple[float, float, float]:
    frame = pd.DataFrame({"t": time, "e": event.astype(int)})
    km = survival.kaplan_meier(frame, "t", "e").at([horizon]).iloc[0]
    return 1 - km["survival"], 1 - km["upper"], 1 - km["lower"]


def km_risk_at(time: np.ndarray, event: np.ndarray, horizon: float) -> float:
    """1 − Kaplan–Meier survival at ``horizon`` (point estimate only, for bootstrap draws;
    equal to :func:`analysis.survival.kaplan_meier` in tests/analysis/risk/test_calibration.py)."""
    time = np.asarray(time, float)
    event = np.asarray(event).astype(bool)
    times = np.unique(time[event & (time <= horizon)])
    if len(times) == 0:
        return 0.0
    at_risk = len(time) - np.searchsorted(np.sort(time), times, side="left")
    deaths = np.bincount(
        np.searchsorted(times, time[event & (time <= horizon)]), minlength=len(times)
    )
    return float(1 - np.prod(1 - deaths / at_risk))


def calibration_table(time, event, predicted_risk, horizon: float, groups: int = 10):
    """Predicted vs observed risk by ``horizon`` per group of predicted risk."""
    time = np.asarray(time, float)
    event = np.asarray(event).astype(bool)
    predicted_risk = np.asarray(predicted_risk, float)
    bins = pd.qcut(predicted_risk, groups, labels=False, duplicates="drop")
    rows = []
    for b in np.unique(bins):
        inside = bins == b
        observed, lower, upper = _km_risk(time[inside], event[inside], horizon)
        rows.append(
            {
                "group": int(b) + 1,
                "n": int(inside.sum()),
                "predicted": float(predicted_risk[inside].mean()),
                "observed": observed,
                "lower": lower,
                "upper": upper,
            }
        )
    return pd.DataFrame(rows)


def calibration_summary(time, event, predicted_risk, horizon: float) -> dict:
    """Calibration slope, O/E ratio and log O/E (calibration intercept) at ``horizon``."""
    time = np.asarray(time, float)
    event = np.asarray(event).astype(int)
    p = np.clip(np.asarray(predicted_risk, float), 1e-12, 1 - 1e-12)
    frame = pd.DataFrame({"t": time, "e": event, "lp": np.log(-np.log(1 - p))})
    slope = float(survival.cox(frame, "t", "e", ["lp"], ties="breslow").params.iloc[0])
    observed, _, _ = _km_risk(time, event.astype(bool), horizon)
    expected = float(p.mean())
    oe = observed / expected
    return {
        "slope": slope,
        "observed": observed,
        "expected": expected,
        "oe_ratio": oe,
        "intercept": float(np.log(oe)) if oe > 0 else float("nan"),
    }


def net_benefit(
    time, event, predicted_risk, horizon: float, thresholds: Sequence[float]
) -> pd.DataFrame:
    """Net benefit of flagging deliveries with predicted risk ≥ threshold, and of flagging
    all, at each threshold."""
    time = np.asarray(time, float)
    event = np.asarray(event).astype(bool)
    predicted_risk = np.asarray(predicted_risk, float)
    overall, _, _ = _km_risk(time, event, horizon)
    rows = []
    for pt in thresholds:
        odds = pt / (1 - pt)
        flagged = predicted_risk >= pt
        share = flagged.mean()
        if flagged.any():
            r, _, _ = _km_risk(time[flagged], event[flagged], horizon)
            model = share * (r - (1 - r) * odds)
        else:
            model = 0.0
        rows.append(
            {
                "threshold": pt,
                "model": model,
                "treat_all": overall - (1 - overall) * odds,
                "treat_none": 0.0,
                "flagged": float(share),
            }
        )
    return pd.DataFrame(rows)
