"""The log-rank test (R ``survdiff``), stratified, and the test for trend across ordered groups.

At each distinct event time t (within a stratum) with n at risk and d events, group g with
n_g at risk has expected events E_g = d n_g / n and the hypergeometric covariance
V_gh = d (n − d)/(n − 1) · n_g/n · (δ_gh − n_h/n). Summing O − E and V over times (and
strata), the statistic is (O − E)ᵀ V⁻ (O − E) on G − 1 degrees of freedom (Mantel 1966;
Peto & Peto 1972), exactly what ``survdiff`` computes. The trend test uses scores c:
(cᵀ(O − E))² / (cᵀ V c) on 1 degree of freedom (Collett, *Modelling Survival Data*, 2015, §2.6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis import _validation
from analysis.errors import AnalysisError


@dataclass
class LogRankResult:
    """``statistic`` (chi-square), ``dof``, ``p_value`` and the per-group ``summary``."""

    statistic: float
    dof: int
    p_value: float
    summary: pd.DataFrame
    test: str = "log-rank"

    def to_dict(self) -> dict:
        return {
            "test": self.test,
            "statistic": self.statistic,
            "dof": self.dof,
            "p_value": self.p_value,
        }


def _observed_expected(time, event, group_codes, n_groups, entry=None, weights=None):
    """O, E and V summed over the distinct event times of one stratum.

    With ``entry`` a row is at risk at t when entry < t ≤ time (delayed entry); with
    ``weights`` the counts are weighted (used for the summary table of a weighted test).
    """
    w = np.ones(len(time)) if weights is None else weights
    times, t_index = np.unique(time, return_inverse=True)
    k = len(times)
    at_time = np.zeros((k, n_groups))
    events_at = np.zeros((k, n_groups))
    np.add.at(at_time, (t_index, group_codes), w)
    np.add.at(events_at, (t_index, group_codes), w * event)
    n_g = at_time[::-1].cumsum(axis=0)[::-1]  # at risk at each time, per group
    if entry is not None:  # minus the rows not yet entered at t (entry >= t)
        later = np.zeros((k + 1, n_groups))
        np.add.at(later, (np.searchsorted(times, entry, side="right"), group_codes), w)
        n_g = n_g - later[::-1].cumsum(axis=0)[::-1][1:]
        n_g = np.where(np.abs(n_g) < 1e-9, 0.0, n_g)
    n = n_g.sum(axis=1)
    d = events_at.sum(axis=1)
    keep = d > 0
    n_g, n, d, events_at = n_g[keep], n[keep], d[keep], events_at[keep]
    share = n_g / n[:, None]
    expected = (d[:, None] * share).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(n > 1, d * (n - d) / (n - 1), 0.0)
    variance = np.einsum("t,tg->g", factor, share)
    covariance = np.diag(variance) - np.einsum("t,tg,th->gh", factor, share, share)
    return events_at.sum(axis=0), expected, covariance


def logrank(
    df: pd.DataFrame,
    duration: str,
    event: str,
    by: str,
    strata: str | None = None,
    trend: bool | Sequence[float] = False,
    start: str | None = None,
    weights: str | None = None,
) -> LogRankResult:
    """Compare survival between the groups of ``by`` (R ``survdiff``; ``strata`` as ``strata()``).

    ``trend=True`` tests a trend across the groups in sorted order (scores 1, 2, …, or the
    group values themselves when numeric); a sequence gives the scores explicitly.
    Matches R survival 3.5 ``survdiff`` to 1e-10 (tests/analysis/survival/test_km.py).

    - ``start``: delayed entry; the Mantel–Haenszel statistic with risk sets start < t ≤
      duration (``survdiff`` has no entry times; checked against the statistic written out in
      R, which equals ``survdiff`` when nobody enters late);
    - ``weights``: the weighted log-rank test is the score test of a weighted Cox model on the
      groups (``survdiff`` takes no weights): R ``coxph(Surv(t, e) ~ by, weights=w)$score``,
      or — when the weights are not whole numbers, as for inverse-probability weights — the
      robust score test ``$rscore`` (clustered by ``cluster`` when given through :func:`cox`).
      ``test`` says which; ``summary`` holds weighted observed and expected counts.

    Men against women in R's ``lung`` data: ``survdiff`` gives chi-square 10.3 on 1 degree of
    freedom, p = 0.00131:

    >>> test = logrank(lung, "time", "dead", by="sex")
    >>> round(float(test.statistic), 1), test.dof, round(float(test.p_value), 5)
    (10.3, 1, 0.00131)
    """
    if weights is not None:
        _validation.require_columns(df, [weights])
        _validation.case_weights(df, weights)
    data = _validation.complete_rows(df, [duration, event, by, strata, start, weights])
    time = _validation.durations(data, duration)
    status = _validation.events(data, event)
    entry = _validation.entry_times(data, start, time, duration) if start else None
    w = _validation.case_weights(data, weights) if weights else None
    levels = sorted(
        pd.unique(data[by]), key=lambda v: (isinstance(v, str), str(v) if isinstance(v, str) else v)
    )
    if len(levels) < 2:
        raise AnalysisError("needs at least two groups to compare", field=by)
    codes = pd.Categorical(data[by], categories=levels).codes.astype(np.int64)
    strata_values = data[strata].to_numpy() if strata else np.zeros(len(data))
    g = len(levels)
    observed, expected, covariance = np.zeros(g), np.zeros(g), np.zeros((g, g))
    for value in pd.unique(strata_values):
        mask = strata_values == value
        o, e, v = _observed_expected(
            time[mask],
            status[mask],
            codes[mask],
            g,
            None if entry is None else entry[mask],
            None if w is None else w[mask],
        )
        observed += o
        expected += e
        covariance += v
    diff = observed - expected
    summary = pd.DataFrame(
        {"n": np.bincount(codes, minlength=g), "observed": observed, "expected": expected},
        index=pd.Index(levels, name=by),
    )
    if w is not None:
        if trend is not False:
            raise AnalysisError("a trend test with case weights is not available", field=weights)
        return _weighted(data, duration, event, by, strata, start, weights, w, summary)
    if trend is not False:
        if trend is True:
            numeric = all(isinstance(v, int | float | np.number) for v in levels)
            scores = np.asarray(levels if numeric else np.arange(1, g + 1), dtype=float)
        else:
            scores = np.asarray(list(trend), dtype=float)
            if len(scores) != g:
                raise AnalysisError(f"trend needs {g} scores, one per group", field=by)
        statistic = float((scores @ diff) ** 2 / (scores @ covariance @ scores))
        return LogRankResult(
            statistic, 1, float(stats.chi2.sf(statistic, 1)), summary, "log-rank trend"
        )
    reduced = covariance[:-1, :-1]
    statistic = float(diff[:-1] @ np.linalg.pinv(reduced) @ diff[:-1])
    dof = int(np.linalg.matrix_rank(reduced))
    return LogRankResult(statistic, dof, float(stats.chi2.sf(statistic, dof)), summary)


def _weighted(data, duration, event, by, strata, start, weights, w, summary) -> LogRankResult:
    """The score test of a weighted Cox model on the groups (robust when weights are not
    whole numbers, as R's coxph default)."""
    from analysis.survival._cox import cox

    frame = data.assign(_logrank_group=data[by].astype(str))
    reference = str(summary.index[0])
    fit = cox(
        frame,
        duration,
        event,
        ["_logrank_group"],
        strata=strata,
        start=start,
        weights=weights,
        reference={"_logrank_group": reference},
    )
    robust = bool(np.any(w != np.floor(w)))
    test = fit.robust_score_test if robust else fit.score_test
    name = "weighted log-rank (robust Cox score)" if robust else "weighted log-rank (Cox score)"
    return LogRankResult(test["statistic"], test["dof"], test["p_value"], summary, name)
