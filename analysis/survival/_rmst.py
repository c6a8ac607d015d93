"""Restricted mean survival time (RMST) up to τ and contrasts between groups.

RMST(τ) = ∫₀^τ Ŝ(t) dt, the area under the Kaplan–Meier curve: the mean number of days on
treatment (or alive, …) within the first τ days — easier to explain to a funder than a hazard
ratio, and valid without proportional hazards.

Variance as R ``print(survfit(...), rmean=τ)`` and ``survRM2::rmst2`` compute it:
Var = Σ_{tⱼ ≤ τ} A(tⱼ)² dⱼ / (nⱼ (nⱼ − dⱼ)), with A(tⱼ) = ∫_{tⱼ}^τ Ŝ(t) dt (Klein & Moeschberger
2003, §4.5). lifelines' ``restricted_mean_survival_time`` variance is a different estimator,
so it is computed here. Between groups (Royston & Parmar 2013; survRM2): the difference
with SE √(se₁² + se₀²) and the ratio on the log scale with SE √(se₁²/r₁² + se₀²/r₀²), each
with a normal-theory CI and p-value; the first group (sorted) is the reference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis import _validation
from analysis.errors import AnalysisError
from analysis.survival._km import km_curve


def _rmst_one(
    time: np.ndarray,
    event: np.ndarray,
    tau: float,
    start: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> tuple[float, float]:
    curve = km_curve(time, event, start=start, weights=weights)
    keep = curve["time"].to_numpy() <= tau
    t = curve["time"].to_numpy()[keep]
    s = curve["survival"].to_numpy()[keep]
    d = curve["n_event"].to_numpy()[keep].astype(float)
    n = curve["n_risk"].to_numpy()[keep].astype(float)
    widths = np.diff(np.concatenate([[0.0], t, [tau]]))
    rectangles = widths * np.concatenate([[1.0], s])
    area = float(rectangles.sum())
    after = np.cumsum(rectangles[::-1])[::-1][1:]  # area from each t_j to tau
    with np.errstate(divide="ignore", invalid="ignore"):
        hh = np.where(n - d > 0, d / (n * (n - d)), 0.0)
    return area, float(np.sqrt(np.sum(after**2 * hh)))


def rmst(
    df: pd.DataFrame,
    duration: str,
    event: str,
    tau: float,
    by: str | None = None,
    conf_level: float = 0.95,
    start: str | None = None,
    weights: str | None = None,
) -> pd.DataFrame:
    """RMST up to ``tau`` per group: ``rmst, se, lower, upper`` (+ ``by``).

    With ``by``, ``result.attrs["contrasts"]`` holds the differences and ratios against the
    first group (also returned by :func:`rmst_contrasts`). Matches R survival 3.5
    ``print(survfit, rmean=τ)`` (rmean and se(rmean)) to 1e-10, also with ``start`` (delayed
    entry) and ``weights`` (case weights; R's se(rmean) then uses the weighted counts).

    The curve is not extrapolated: a ``tau`` beyond a group's last follow-up time is refused
    with the group named, as ``survRM2::rmst2`` does (choose τ ≤ the smallest of the groups'
    last times).

    R's ``lung`` data up to one year (``print(survfit(...), rmean = 365)``): 241.5 days
    (SE 10.4) for men, 297.5 (SE 10.8) for women:

    >>> rmst(lung, "time", "dead", tau=365, by="sex")[["rmst", "se"]].round(1)
          rmst    se
    sex
    1    241.5  10.4
    2    297.5  10.8
    """
    if not np.isfinite(tau) or tau <= 0:
        raise AnalysisError(f"tau must be a positive number of days, got {tau!r}")
    if weights is not None:
        _validation.require_columns(df, [weights])
        _validation.case_weights(df, weights)
    data = _validation.complete_rows(df, [duration, event, by, start, weights])
    time = _validation.durations(data, duration)
    status = _validation.events(data, event)
    entry = _validation.entry_times(data, start, time, duration) if start else None
    w = _validation.case_weights(data, weights) if weights else None
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    rows = []
    groups = (
        ["all"]
        if by is None
        else sorted(
            pd.unique(data[by]),
            key=lambda v: (isinstance(v, str), str(v) if isinstance(v, str) else v),
        )
    )
    labels = data[by].to_numpy() if by is not None else None
    for group in groups:
        mask = np.ones(len(data), bool) if by is None else labels == group
        last = float(time[mask].max())
        if tau > last:
            raise AnalysisError(
                f"tau = {tau:g} is beyond the last follow-up time ({last:g}) of group "
                f"{group!r}: the curve would be extrapolated (survRM2 refuses this too); "
                "choose tau <= the smallest of the groups' last times",
                field=by or duration,
            )
        area, se = _rmst_one(
            time[mask],
            status[mask],
            tau,
            start=None if entry is None else entry[mask],
            weights=None if w is None else w[mask],
        )
        rows.append(
            {
                "group": group,
                "tau": tau,
                "rmst": area,
                "se": se,
                "lower": area - z * se,
                "upper": area + z * se,
            }
        )
    table = pd.DataFrame(rows).set_index("group")
    table.index.name = by or "group"
    if by is not None:
        table.attrs["contrasts"] = _contrasts(table, z)
    return table


def _contrasts(table: pd.DataFrame, z: float) -> pd.DataFrame:
    reference = table.index[0]
    r0, s0 = table.loc[reference, "rmst"], table.loc[reference, "se"]
    rows = []
    for group in table.index[1:]:
        r1, s1 = table.loc[group, "rmst"], table.loc[group, "se"]
        diff, se = r1 - r0, np.hypot(s1, s0)
        rows.append(
            {
                "contrast": f"{group} - {reference}",
                "measure": "difference",
                "estimate": diff,
                "se": se,
                "lower": diff - z * se,
                "upper": diff + z * se,
                "p": 2 * stats.norm.sf(abs(diff / se)),
            }
        )
        log_ratio, se_log = np.log(r1 / r0), np.hypot(s1 / r1, s0 / r0)
        rows.append(
            {
                "contrast": f"{group} / {reference}",
                "measure": "ratio",
                "estimate": r1 / r0,
                "se": se_log,
                "lower": np.exp(log_ratio - z * se_log),
                "upper": np.exp(log_ratio + z * se_log),
                "p": 2 * stats.norm.sf(abs(log_ratio / se_log)),
            }
        )
    return pd.DataFrame(rows)


def rmst_contrasts(
    df, duration, event, tau, by, conf_level: float = 0.95, start=None, weights=None
) -> pd.DataFrame:
    """Differences and ratios of RMST against the first group (``se`` of a ratio is on the
    log scale): ``contrast, measure, estimate, se, lower, upper, p``."""
    table = rmst(
        df, duration, event, tau, by=by, conf_level=conf_level, start=start, weights=weights
    )
    return table.attrs["contrasts"]
