"""A prespecified Cox prognostic model and its validation (TRIPOD+AI).

:func:`fit_risk_model` fits a Cox model (:func:`analysis.survival.cox`, Breslow ties) of the
outcome on predictors known at delivery (or at a landmark, via
:func:`analysis.cohort.landmark`); :class:`RiskModel` predicts the risk by each horizon,
1 − S(h | x). :func:`validate` reports discrimination (Harrell's and Uno's C, time-dependent
AUC) and calibration at the horizons; :func:`optimism_corrected` is Harrell's bootstrap
(refit on each resample, performance on the resample minus performance on the original data,
averaged = optimism; apparent − optimism); :func:`by_group` gives C and calibration per group
(race/ethnicity, insurance) with bootstrap intervals and a flag when a group's O/E interval
excludes 1; :func:`internal_external` refits leaving each site out and tests on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import survival
from analysis._validation import complete_rows
from analysis.errors import AnalysisError
from analysis.risk._calibration import calibration_summary, km_risk_at
from analysis.risk._metrics import harrell_c, time_dependent_auc, uno_c


@dataclass
class RiskModel:
    """A fitted prognostic Cox model: ``fit`` (the CoxResult), the outcome and predictors."""

    fit: survival.CoxResult
    duration: str
    event: str
    predictors: list[str]
    horizons: list[int]

    def predict_risk(self, df: pd.DataFrame, horizon: float | None = None) -> np.ndarray:
        """Predicted risk of the event by ``horizon`` (default the first horizon)."""
        horizon = self.horizons[0] if horizon is None else horizon
        surv = self.fit.predict_survival(df, [horizon])
        return 1 - np.asarray(surv, dtype=float).reshape(len(df), -1)[:, 0]

    @property
    def coefficients(self) -> pd.DataFrame:
        return self.fit.summary


def fit_risk_model(
    df: pd.DataFrame,
    duration: str,
    event: str,
    predictors: Sequence[str],
    horizons: Sequence[int] = (182, 365),
) -> RiskModel:
    """Fit the prespecified Cox model on complete rows of ``df`` (dropped rows are logged)."""
    data = complete_rows(
        df, [duration, event, *[p.removeprefix("C(").split(")")[0] for p in predictors]]
    )
    if data[event].astype(int).sum() < 10:
        raise AnalysisError("fewer than 10 events: no prognostic model", field=event)
    fit = survival.cox(data, duration, event, list(predictors), ties="breslow")
    return RiskModel(fit, duration, event, list(predictors), [int(h) for h in horizons])


def performance(model: RiskModel, df: pd.DataFrame, horizon: float) -> dict:
    """Harrell's C, Uno's C (τ = horizon), AUC(horizon), calibration at the horizon."""
    time = df[model.duration].to_numpy(float)
    event = df[model.event].astype(int).to_numpy()
    risk = model.predict_risk(df, horizon)
    out = {
        "n": len(df),
        "events": int(event.sum()),
        "harrell_c": harrell_c(time, event, risk),
        "uno_c": uno_c(time, event, risk, tau=horizon),
        "auc": float(time_dependent_auc(time, event, risk, [horizon])[0]),
    }
    out.update(calibration_summary(time, event, risk, horizon))
    return out


def optimism_corrected(
    df: pd.DataFrame,
    duration: str,
    event: str,
    predictors: Sequence[str],
    horizon: float,
    n_bootstrap: int = 200,
    seed: int = 0,
    measures: Sequence[str] = ("harrell_c", "uno_c", "auc", "slope"),
):
    """Harrell's bootstrap optimism correction: a table of apparent, optimism and corrected
    values per measure (``attrs['replicates']`` is the number of resamples that fitted)."""
    model = fit_risk_model(df, duration, event, predictors, [horizon])
    apparent = performance(model, df, horizon)
    rng = np.random.default_rng(seed)
    optimism = []
    for _ in range(n_bootstrap):
        sample = df.iloc[rng.integers(0, len(df), len(df))]
        try:
            refit = fit_risk_model(sample, duration, event, predictors, [horizon])
            on_sample = performance(refit, sample, horizon)
            on_original = performance(refit, df, horizon)
        except AnalysisError:
            continue
        optimism.append([on_sample[m] - on_original[m] for m in measures])
    mean = np.mean(optimism, axis=0)
    table = pd.DataFrame(
        {"apparent": [apparent[m] for m in measures], "optimism": mean}, index=list(measures)
    )
    table["corrected"] = table["apparent"] - table["optimism"]
    table.attrs["replicates"] = len(optimism)
    return table


def by_group(
    model: RiskModel,
    df: pd.DataFrame,
    group: str,
    horizon: float,
    n_bootstrap: int = 200,
    seed: int = 0,
    min_events: int = 5,
) -> pd.DataFrame:
    """Harrell's C and O/E per level of ``group`` with bootstrap percentile intervals
    (resampling within the group, model fixed); ``miscalibrated`` when the O/E interval
    excludes 1. Groups with fewer than ``min_events`` events by the horizon are reported
    without estimates (no interval can be drawn from them)."""
    rng = np.random.default_rng(seed)
    rows = []
    for level, part in df.groupby(group, sort=True):
        by_horizon = (part[model.event].astype(int) == 1) & (part[model.duration] <= horizon)
        n_events = int(by_horizon.sum())
        row = {group: level, "n": len(part), "events": n_events}
        if n_events < min_events:
            rows.append(row | {"note": f"fewer than {min_events} events by day {horizon:g}"})
            continue
        time = part[model.duration].to_numpy(float)
        ev = part[model.event].astype(int).to_numpy()
        risk = model.predict_risk(part, horizon)
        cal = calibration_summary(time, ev, risk, horizon)
        row |= {
            "harrell_c": harrell_c(time, ev, risk),
            "observed": cal["observed"],
            "expected": cal["expected"],
            "oe_ratio": cal["oe_ratio"],
        }
        draws = []
        for _ in range(n_bootstrap):
            i = rng.integers(0, len(part), len(part))
            if ev[i].sum() == 0:
                continue
            c = harrell_c(time[i], ev[i], risk[i])
            oe = km_risk_at(time[i], ev[i], horizon) / risk[i].mean()
            draws.append((c, oe))
        draws = np.array(draws)
        row["c_lower"], row["c_upper"] = np.nanquantile(draws[:, 0], [0.025, 0.975])
        row["oe_lower"], row["oe_upper"] = np.nanquantile(draws[:, 1], [0.025, 0.975])
        row["miscalibrated"] = bool(row["oe_lower"] > 1 or row["oe_upper"] < 1)
        rows.append(row)
    return pd.DataFrame(rows)


def internal_external(
    df: pd.DataFrame,
    duration: str,
    event: str,
    predictors: Sequence[str],
    horizon: float,
    site: str = "site",
) -> pd.DataFrame:
    """Fit on all sites but one, measure on the one left out, for each site."""
    rows = []
    for level in sorted(df[site].dropna().unique()):
        test = df[df[site] == level]
        train = df[df[site] != level]
        model = fit_risk_model(train, duration, event, predictors, [horizon])
        rows.append({site: level} | performance(model, test, horizon))
    return pd.DataFrame(rows)
