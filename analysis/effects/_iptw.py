"""Inverse-probability-of-treatment weighting for an exposure fixed at delivery.

:func:`propensity_weights` fits an unpenalised logistic propensity model (statsmodels GLM,
the same likelihood as R ``glm(family=binomial)``) and returns stabilised weights
``P(A = a) / P(A = a | L)`` (Robins, Hernán & Brumback 2000; Cole & Hernán 2008), optionally
truncated at percentiles. :func:`iptw_survival` uses them for a weighted Kaplan–Meier, a
weighted Cox model with robust (sandwich) variance clustered on the person, and weighted RMST,
all from :mod:`analysis.survival`. Tested against R ``glm`` + ``coxph`` + ``survfit`` in
tests/analysis/effects/test_iptw_r.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from analysis import survival
from analysis._validation import require_columns
from analysis.effects._design import covariate_matrix
from analysis.errors import AnalysisError


def _indicator(df: pd.DataFrame, treatment: str, treated: object) -> np.ndarray:
    require_columns(df, [treatment])
    values = df[treatment]
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0]) + 1
        raise AnalysisError("missing treatment", row=row, field=treatment)
    a = (values == treated).to_numpy(dtype=float)
    if a.min() == a.max():
        raise AnalysisError(
            f"every row is {'' if a[0] else 'not '}{treated!r}: no comparison", field=treatment
        )
    return a


def propensity_scores(
    df: pd.DataFrame, treatment: str, treated: object, covariates: Sequence[str]
) -> pd.Series:
    """P(``treatment`` == ``treated`` | covariates) from a main-effects logistic model."""
    a = _indicator(df, treatment, treated)
    x = sm.add_constant(covariate_matrix(df, covariates), has_constant="add")
    fit = sm.GLM(a, x, family=sm.families.Binomial()).fit()
    return pd.Series(np.asarray(fit.fittedvalues), index=df.index, name="propensity")


def propensity_weights(
    df: pd.DataFrame,
    treatment: str,
    treated: object,
    covariates: Sequence[str],
    *,
    stabilized: bool = True,
    truncate: tuple[float, float] | None = None,
) -> pd.Series:
    """Inverse-probability-of-treatment weights for ``treatment == treated`` vs the rest.

    Stabilised (default): ``P(A=1)/e(L)`` for the treated, ``P(A=0)/(1−e(L))`` for the others,
    whose mean is near 1 when the model fits. ``truncate=(1, 99)`` caps the weights at those
    percentiles (a bias–variance trade; report both).
    """
    a = _indicator(df, treatment, treated)
    e = propensity_scores(df, treatment, treated, covariates).to_numpy()
    numerator = np.where(a == 1, a.mean(), 1 - a.mean()) if stabilized else 1.0
    w = numerator / np.where(a == 1, e, 1 - e)
    if truncate is not None:
        low, high = np.percentile(w, truncate)
        w = np.clip(w, low, high)
    return pd.Series(w, index=df.index, name="iptw")


def weight_summary(weights: pd.Series, groups: pd.Series | None = None) -> pd.DataFrame:
    """Distribution of weights (overall or per group): n, mean, min, 1st/50th/99th
    percentile, max and Kish's effective sample size (Σw)²/Σw²."""
    frame = pd.DataFrame({"w": np.asarray(weights, dtype=float)})
    frame["group"] = "all" if groups is None else np.asarray(groups)
    rows = []
    for name, part in frame.groupby("group", sort=True):
        w = part["w"].to_numpy()
        rows.append(
            {
                "group": name,
                "n": len(w),
                "mean": w.mean(),
                "min": w.min(),
                "p01": np.percentile(w, 1),
                "median": np.median(w),
                "p99": np.percentile(w, 99),
                "max": w.max(),
                "effective_n": w.sum() ** 2 / (w**2).sum(),
            }
        )
    return pd.DataFrame(rows).set_index("group")


@dataclass
class IPTWResult:
    """Weighted comparison of an exposure fixed at delivery.

    ``data`` holds the analysed rows with the ``iptw`` column; ``km`` the weighted
    Kaplan–Meier by arm; ``cox`` the weighted Cox fit (robust SE); ``rmst`` the weighted RMST
    by arm with ``rmst.attrs["contrasts"]``; ``balance`` the SMDs before and after weighting.
    """

    data: pd.DataFrame
    km: survival.KaplanMeierResult
    cox: survival.CoxResult
    rmst: pd.DataFrame | None
    balance: pd.DataFrame
    weights: pd.DataFrame = field(repr=False)

    @property
    def hazard_ratio(self) -> pd.Series:
        """The exposure's row of the Cox summary (hr, lower, upper, p)."""
        return self.cox.summary.iloc[0]


def iptw_survival(
    df: pd.DataFrame,
    duration: str,
    event: str,
    treatment: str,
    treated: object,
    covariates: Sequence[str],
    *,
    cluster: str | None = "person_id",
    tau: float | None = None,
    truncate: tuple[float, float] | None = None,
) -> IPTWResult:
    """Weighted KM, Cox (robust variance, clustered on ``cluster`` when present) and RMST to
    ``tau`` of ``treatment == treated`` vs the rest, with stabilised IPT weights.

    >>> on_moud = cohort[cohort["moud_at_delivery"] != "none"]
    >>> fit = iptw_survival(on_moud, "days_on_moud", "discontinued", "moud_group",
    ...                     "methadone", ["age", "insurance", "pmad"], tau=365)
    """
    from analysis.effects._balance import balance_table

    data = df.copy()
    data["iptw"] = propensity_weights(data, treatment, treated, covariates, truncate=truncate)
    data["_arm"] = np.where(data[treatment] == treated, str(treated), "other")
    arm = "_arm"
    km = survival.kaplan_meier(data, duration, event, by=arm, weights="iptw")
    use_cluster = cluster if cluster is not None and cluster in data.columns else None
    data["_treated"] = (data[treatment] == treated).astype(int)
    fit = survival.cox(
        data, duration, event, ["_treated"], weights="iptw", cluster=use_cluster, robust=True
    )
    table = None
    if tau is not None:
        table = survival.rmst(data, duration, event, tau=tau, by=arm, weights="iptw")
    balance = balance_table(data, treatment, treated, covariates, weights=data["iptw"])
    weights = weight_summary(data["iptw"], data[arm])
    return IPTWResult(data, km, fit, table, balance, weights)
