"""Inverse-probability-of-censoring weights for loss of coverage.

Claims follow-up ends when coverage ends (Rule 3 of docs/cohort.md). When coverage loss is
related to the outcome — postpartum Medicaid ending 60 days after delivery, before the
12-month extension, plausibly also ends treatment — censoring at loss of coverage is
informative. :func:`coverage_ipcw` re-weights the deliveries still followed so that they
stand for those who lost coverage with the same covariates (Robins & Finkelstein 2000; Hernán
& Robins, *Causal Inference: What If*, ch. 12 and 17):

* follow-up is cut into intervals of ``interval_days``; in each interval a delivery still at
  risk either loses coverage (its follow-up ends there with ``followup_end == "coverage"``
  and no event) or not;
* a pooled logistic regression of losing coverage on the interval (categorical) and the
  covariates gives each delivery's probability ``p_k`` of losing coverage in interval ``k``;
* the weight of interval ``k`` is ``1 / prod_{j<k} (1 - p_j)`` (the inverse probability of
  still being covered at the interval's start); stabilised weights multiply it by the same
  product from the model without covariates.

The rows fit ``kaplan_meier(rows, "stop", "event", start="start", weights="weight")`` and
``cox(..., start="start", weights="weight", cluster="person_id")`` (robust variance, as R
uses for non-integer weights). The weights are only as good as the model: the covariates must
include what predicts coverage loss and the outcome (eligibility group, extension status,
calendar period). Tested in tests/analysis/cohort/test_ipcw.py on hand-derived weights.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm

from analysis._validation import require_columns
from analysis.errors import AnalysisError


def _split(frame: pd.DataFrame, duration: str, event: str, interval_days: int) -> pd.DataFrame:
    """One row per delivery and interval ``(start, stop]`` with ``event`` and ``lost`` (coverage
    lost there) on the delivery's last row."""
    days = pd.to_numeric(frame[duration]).to_numpy(float)
    if np.isnan(days).any() or (days < 0).any():
        row = int(np.flatnonzero(np.isnan(days) | (days < 0))[0]) + 1
        raise AnalysisError(f"{duration} must be >= 0", row=row, field=duration)
    happened = pd.to_numeric(frame[event]).fillna(0).to_numpy() == 1
    lost = (frame["followup_end"].astype(str).to_numpy() == "coverage") & ~happened
    pieces = np.maximum(np.ceil(days / interval_days).astype(np.int64), 1)
    position = np.repeat(np.arange(len(frame)), pieces)
    k = np.concatenate([np.arange(n) for n in pieces]) if len(frame) else np.array([], int)
    start = (k * interval_days).astype(float)
    stop = np.minimum(start + interval_days, days[position])
    last = np.r_[position[1:] != position[:-1], True] if len(position) else position.astype(bool)
    stop = np.where(stop <= start, start + 0.5, stop)  # a duration of 0: the row (0, 0.5]
    return pd.DataFrame(
        {
            "position": position,
            "interval": k,
            "start": start,
            "stop": stop,
            "event": (last & happened[position]).astype(np.int64),
            "lost": (last & lost[position]).astype(np.int64),
        }
    )


def _design(rows: pd.DataFrame, covariates: pd.DataFrame | None) -> np.ndarray:
    intervals = pd.get_dummies(rows["interval"], prefix="k", drop_first=True, dtype=float)
    parts = [np.ones((len(rows), 1)), intervals.to_numpy(float)]
    if covariates is not None and covariates.shape[1]:
        parts.append(covariates.to_numpy(float)[rows["position"].to_numpy()])
    return np.hstack(parts)


def _probability_covered(rows: pd.DataFrame, design: np.ndarray) -> np.ndarray:
    """``prod_{j<k} (1 - p_j)`` per row from a pooled logistic model of ``lost``."""
    lost = rows["lost"].to_numpy(float)
    if lost.sum() == 0:
        return np.ones(len(rows))
    fit = sm.GLM(lost, design, family=sm.families.Binomial()).fit()
    stay = np.log1p(-np.clip(fit.predict(design), 0, 1 - 1e-12))
    before = pd.Series(stay).groupby(rows["position"].to_numpy()).cumsum().to_numpy() - stay
    return np.exp(before)


def coverage_ipcw(
    cohort: pd.DataFrame,
    covariates: Sequence[str] = (),
    *,
    duration: str = "days_on_moud",
    event: str = "discontinued",
    interval_days: int = 30,
    stabilized: bool = True,
) -> pd.DataFrame:
    """Counting-process rows with inverse-probability-of-censoring weights for loss of
    coverage: ``delivery_id, person_id, start, stop, interval, event, lost, weight`` and the
    ``covariates`` (see the module docstring for the model).

    ``covariates`` are numeric or 0/1 columns of ``cohort`` (make dummies of categories
    first); ``duration``/``event`` the outcome (``days_on_moud``/``discontinued`` for
    retention, ``days_to_overdose``/``overdose``); ``followup_end`` tells which deliveries
    lost coverage. ``attrs["lost"]`` is the number of deliveries censored by coverage loss.

    >>> from analysis.survival import kaplan_meier
    >>> on_moud = cohort[cohort["moud_at_delivery"] != "none"]
    >>> rows = coverage_ipcw(on_moud, ["age", "pmad"])
    >>> list(rows.columns[:8])
    ['delivery_id', 'person_id', 'start', 'stop', 'interval', 'event', 'lost', 'weight']
    >>> km = kaplan_meier(rows, "stop", "event", start="start", weights="weight")
    """
    require_columns(cohort, ["delivery_id", "person_id", "followup_end", duration, event])
    if isinstance(interval_days, bool) or int(interval_days) < 1:
        raise AnalysisError(
            f"interval_days must be >= 1, got {interval_days}", field="interval_days"
        )
    frame = cohort.reset_index(drop=True)
    names = list(covariates)
    require_columns(frame, names)
    values = frame[names].apply(pd.to_numeric, errors="coerce").astype(float)
    if values.isna().any().any():
        column = values.columns[values.isna().any()][0]
        row = int(np.flatnonzero(values[column].isna().to_numpy())[0]) + 1
        raise AnalysisError(f"covariate {column} is missing or not numeric", row=row, field=column)
    rows = _split(frame, duration, event, int(interval_days))
    covered = _probability_covered(rows, _design(rows, values))
    weight = 1.0 / covered
    if stabilized:
        weight *= _probability_covered(rows, _design(rows, None))
    out = pd.DataFrame(
        {
            "delivery_id": frame["delivery_id"].to_numpy()[rows["position"]],
            "person_id": frame["person_id"].to_numpy()[rows["position"]],
            "start": rows["start"].to_numpy(),
            "stop": rows["stop"].to_numpy(),
            "interval": rows["interval"].to_numpy(),
            "event": rows["event"].to_numpy(),
            "lost": rows["lost"].to_numpy(),
            "weight": weight,
        }
    )
    for name in names:
        out[name] = frame[name].to_numpy()[rows["position"]]
    out.attrs = {"lost": int(rows["lost"].sum()), "interval_days": int(interval_days)}
    return out
