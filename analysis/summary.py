"""The standard MOUD retention summary of a cohort (what ``dyadlab survival`` prints).

Retention = time on the MOUD episode covering delivery (``days_on_moud``) until it ends
(``discontinued``), among deliveries with MOUD at delivery. The summary holds the
Kaplan–Meier retention by MOUD type at chosen days with medians, the log-rank test, and a Cox
model for discontinuation with robust SEs clustered on ``person_id`` (repeat deliveries of
one person are not independent). :func:`overdose_summary` adds the cumulative incidence of
overdose with death from other causes as a competing risk.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.cohort import check_baseline_covariates
from analysis.errors import AnalysisError
from analysis.survival._cox import cox
from analysis.survival._km import kaplan_meier
from analysis.survival._logrank import logrank

log = logging.getLogger(__name__)

DEFAULT_TIMES = (30, 90, 180, 365)
#: Used when study.yaml has no ``outcomes.cox_covariates``; those missing from the cohort
#: are skipped. MOUD type is compared with buprenorphine (first level alphabetically). The
#: peer recovery coach enters as ``peer_recovery_coach_at_delivery`` (connected by the
#: delivery date): a coach who started later is not a baseline covariate (immortal time,
#: docs/cohort.md).
DEFAULT_COVARIATES = (
    "moud_at_delivery",
    "age",
    "pmad",
    "housing_instability",
    "peer_recovery_coach_at_delivery",
    "insurance",
)


def _number(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def retention_summary(
    cohort: pd.DataFrame,
    covariates: Sequence[str] | None = None,
    times: Sequence[float] = DEFAULT_TIMES,
    group: str = "moud_at_delivery",
    duration: str = "days_on_moud",
    event: str = "discontinued",
    cluster: str | None = "person_id",
) -> dict:
    """KM retention by ``group`` at ``times``, medians, log-rank and the Cox model, as a dict.

    A covariate that may start after delivery (a dated service, see
    :func:`analysis.cohort.check_baseline_covariates`) is refused: the model's time zero is
    delivery.

    >>> summary = retention_summary(cohort, covariates=["moud_at_delivery", "age"])
    >>> sorted(summary)
    ['cox', 'events', 'group', 'km', 'logrank', 'n', 'times']
    >>> summary["cox"]["covariates"], summary["cox"]["cluster"]
    (['moud_at_delivery', 'age'], 'person_id')
    """
    for column in (group, duration, event):
        if column not in cohort.columns:
            raise AnalysisError("the cohort has no such column", field=column)
    treated = cohort[cohort[group].astype(str) != "none"]
    if treated.empty:
        raise AnalysisError("no deliveries with MOUD at delivery", field=group)
    km = kaplan_meier(treated, duration, event, by=group)
    at = km.at(times)
    median = km.median
    groups = []
    for name in km.groups:
        rows = at[at[group] == name]
        groups.append(
            {
                "group": str(name),
                "n": int(median.loc[name, "n"]),
                "events": int(median.loc[name, "events"]),
                "median_days": _number(median.loc[name, "median"]),
                "median_lower": _number(median.loc[name, "lower"]),
                "median_upper": _number(median.loc[name, "upper"]),
                "retention": [
                    {
                        "day": _number(r.time),
                        "n_risk": int(r.n_risk),
                        "survival": _number(r.survival),
                        "lower": _number(r.lower),
                        "upper": _number(r.upper),
                    }
                    for r in rows.itertuples()
                ],
            }
        )
    out: dict = {
        "n": len(treated),
        "events": int(treated[event].astype(int).sum()),
        "group": group,
        "times": list(times),
        "km": groups,
    }
    if len(km.groups) > 1:
        test = logrank(treated, duration, event, by=group).to_dict()
        out["logrank"] = {k: (_number(v) if isinstance(v, float) else v) for k, v in test.items()}
    wanted = (
        list(covariates) if covariates else [c for c in DEFAULT_COVARIATES if c in cohort.columns]
    )
    check_baseline_covariates(treated, wanted)
    usable = [c for c in wanted if c in treated.columns and treated[c].nunique() > 1]
    skipped = sorted(set(wanted) - set(usable))
    if skipped:
        log.warning("Cox model: skipped covariates missing or constant: %s", skipped)
    use_cluster = cluster if cluster in treated.columns else None
    try:
        fit = cox(treated, duration, event, usable, cluster=use_cluster)
    except AnalysisError as error:  # e.g. no discontinuations: report KM, say why no model
        log.warning("Cox model not estimable: %s", error)
        out["cox"] = {
            "covariates": usable,
            "skipped": skipped,
            "cluster": use_cluster,
            "error": str(error),
            "terms": [],
        }
        return out
    summary = fit.summary.reset_index()
    out["cox"] = {
        "covariates": usable,
        "skipped": skipped,
        "cluster": use_cluster,
        "n": fit.n,
        "events": fit.n_events,
        "concordance": _number(fit.concordance),
        "loglik": fit.loglik,
        "terms": [
            {k: (_number(v) if not isinstance(v, str) else v) for k, v in row.items()}
            for row in summary.to_dict(orient="records")
        ],
    }
    return out


def overdose_summary(
    cohort: pd.DataFrame,
    times: Sequence[float] = DEFAULT_TIMES,
    group: str = "moud_at_delivery",
    duration: str = "days_to_overdose",
    status: str = "overdose_status",
) -> dict:
    """Cumulative incidence of overdose (death from other causes competing) by ``group``.

    ``status``: 0 censored, 1 overdose, 2 death from other causes first. Returns the CIF with
    its 95% CI at ``times`` per group (cmprsk ``cuminc`` estimator and variance) and Gray's
    test across groups.
    """
    from analysis.competing import cumulative_incidence, gray_test

    for column in (group, duration, status):
        if column not in cohort.columns:
            raise AnalysisError("the cohort has no such column", field=column)
    table = cumulative_incidence(cohort, duration, status, cause=1, by=group)
    groups = []
    for name in sorted(cohort[group].dropna().unique(), key=str):
        part = table[table[group] == name]
        at = np.searchsorted(part["time"].to_numpy(), np.asarray(times, float), side="right") - 1
        rows = []
        for day, index in zip(times, at, strict=True):
            if index < 0:
                rows.append({"day": float(day), "cif": 0.0, "lower": None, "upper": None})
            else:
                row = part.iloc[index]
                rows.append(
                    {
                        "day": float(day),
                        "cif": _number(row["cif"]),
                        "lower": _number(row["lower"]),
                        "upper": _number(row["upper"]),
                    }
                )
        members = cohort[group] == name
        groups.append(
            {
                "group": str(name),
                "n": int(members.sum()),
                "overdoses": int((cohort.loc[members, status] == 1).sum()),
                "cumulative_incidence": rows,
            }
        )
    out: dict = {"n": len(cohort), "groups": groups}
    if cohort[group].nunique() > 1 and (cohort[status] == 1).any():
        test = gray_test(cohort, duration, status, by=group, cause=1)
        out["gray_test"] = {
            "statistic": _number(test.statistic),
            "dof": test.dof,
            "p_value": _number(test.p_value),
        }
    return out
