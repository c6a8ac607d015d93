"""Covariate-adjusted survival curves (direct standardisation) and landmark analysis.

Adjusted curves answer "what would retention look like if everyone in the cohort had received
methadone, versus if everyone had received buprenorphine?" — the average of the Cox-predicted
curves of every person with the treatment set to each level in turn (Makuch 1982; Therneau,
Crowson & Atkinson, *Adjusted survival curves*, survival package vignette). Same numbers as
R: ``rowMeans(survfit(fit, newdata = df_with_level)$surv)``.

Landmark analysis (Anderson, Cain & Gelber 1983) avoids immortal-time bias when a group is
defined by something that happens after time 0: keep the people still at risk at the
landmark day and restart their clock there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import _validation
from analysis.errors import AnalysisError


def adjusted_survival(cox_result, df: pd.DataFrame, by: str, times=None) -> pd.DataFrame:
    """Direct-standardised survival curves for each level of ``by`` (a covariate of the model).

    Returns ``by, time, survival`` (one row per level and event time, or per requested time).
    For a stratified model each person's curve comes from their own stratum's baseline
    hazard (``df`` must hold the strata columns), as R ``survfit(fit, newdata=)`` does.

    R's ``lung`` data, everyone set to each sex in turn and the predicted curves averaged
    (``survfit(coxph(...), newdata =)`` in tests/analysis/r/make_references.R): one-year
    survival 0.337 as men, 0.525 as women:

    >>> from analysis.survival import cox
    >>> complete = lung.dropna(subset=["ph.ecog"])
    >>> fit = cox(complete, "time", "dead", ["age", "sex", "ph.ecog"])
    >>> adjusted_survival(fit, complete, by="sex", times=[365]).round(3)
       sex   time  survival
    0    1  365.0     0.337
    1    2  365.0     0.525
    """
    _validation.require_columns(df, [by])
    from analysis.survival._design import variables_of

    if by not in variables_of(df, cox_result.covariates):
        raise AnalysisError("is not a covariate of the Cox model", field=by)
    base = cox_result.baseline_hazard()
    grid = np.unique(base["time"]) if times is None else np.asarray(list(times), dtype=float)
    levels = sorted(
        pd.unique(df[by].dropna()),
        key=lambda v: (isinstance(v, str), str(v) if isinstance(v, str) else v),
    )
    parts = []
    for level in levels:
        counterfactual = df.assign(
            **{by: pd.Series([level] * len(df), index=df.index, dtype=df[by].dtype)}
        )
        curves = cox_result.predict_survival(counterfactual, grid)
        parts.append(pd.DataFrame({by: level, "time": grid, "survival": curves.mean().to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def landmark(
    df: pd.DataFrame,
    duration: str,
    event: str,
    landmark_day: float,
    horizon: float | None = None,
) -> pd.DataFrame:
    """Rows still at risk after ``landmark_day``, with ``duration`` counted from the landmark.

    People whose ``duration`` is ≤ the landmark (event or censoring by then) are dropped; the
    rest get ``duration − landmark_day``. With ``horizon`` (days after the landmark), follow-up
    is censored there. Adds a column ``landmark`` with the landmark day.

    >>> later = landmark(lung, "time", "dead", landmark_day=90)
    >>> len(later) == int((lung["time"] > 90).sum()), bool((later["time"] > 0).all())
    (True, True)
    """
    data = _validation.complete_rows(df, [duration, event])
    time = _validation.durations(data, duration)
    status = _validation.events(data, event)
    keep = time > landmark_day
    out = data.loc[keep].copy()
    new_time = time[keep] - landmark_day
    new_event = status[keep]
    if horizon is not None:
        over = new_time > horizon
        new_time = np.where(over, horizon, new_time)
        new_event = np.where(over, 0, new_event)
    out[duration] = new_time
    out[event] = new_event
    out["landmark"] = landmark_day
    return out


def predicted_survival(result, df: pd.DataFrame, times) -> pd.DataFrame:
    """:meth:`CoxResult.predict_survival <analysis.survival._cox.CoxResult.predict_survival>`:
    rows of ``df`` × ``times``, each row on its own stratum's baseline hazard."""
    from analysis.survival._coxtable import strata_key
    from analysis.survival._design import design_matrix

    x = design_matrix(df, result.covariates, spec=result.design_spec, reference=result.reference)
    x = x[result.fitted_names]
    risk = np.exp((x.to_numpy() - result.fit.center) @ result.fit.beta)
    base = result.baseline_hazard()
    times = np.asarray(list(times), dtype=float)
    if result.data.strata is None:
        at = np.searchsorted(base["time"].to_numpy(), times, side="right")
        hazard = np.concatenate([[0.0], base["hazard"].to_numpy()])[at]
        return pd.DataFrame(np.exp(-np.outer(risk, hazard)), index=df.index, columns=times)
    _validation.require_columns(df, result.strata_columns)
    key = strata_key(df, result.strata_columns).to_numpy()
    out = np.empty((len(df), len(times)))
    for label in pd.unique(key):
        if label not in result.data.strata_labels:
            row = int(np.flatnonzero(key == label)[0]) + 1
            raise AnalysisError(
                f"stratum {label} is not in the fitted model",
                row=row,
                field=", ".join(result.strata_columns),
            )
        part = base[base["stratum"] == label]
        at = np.searchsorted(part["time"].to_numpy(), times, side="right")
        hazard = np.concatenate([[0.0], part["hazard"].to_numpy()])[at]
        rows = key == label
        out[rows] = np.exp(-np.outer(risk[rows], hazard))
    return pd.DataFrame(out, index=df.index, columns=times)
