"""Kaplan–Meier survival curves with the confidence intervals R's ``survfit`` gives.

The estimator is :math:`\\hat S(t) = \\prod_{t_i \\le t} (1 - d_i / n_i)` over the distinct
times; its variance is Greenwood's, kept on the cumulative-hazard scale as R keeps it:
:math:`\\sigma^2(t) = \\sum_{t_i \\le t} d_i / (n_i (n_i - d_i))`. ``std_err`` in the table is the
standard error of :math:`\\hat S` itself, :math:`\\hat S \\sigma` (what ``summary.survfit`` prints).

Confidence intervals follow ``survival:::survfit_confint`` (R survival 3.x):

* ``"log-log"`` (our default, R's ``conf.type="log-log"``):
  :math:`\\exp(-\\exp(\\log(-\\log S) \\mp z\\sigma/\\log S))`; undefined (NaN) where S is 0 or 1;
* ``"log"`` (R's default): :math:`S \\exp(\\pm z \\sigma)`, upper bound capped at 1;
* ``"plain"``: :math:`S \\pm z S \\sigma`, clipped to [0, 1].

lifelines' ``KaplanMeierFitter`` always uses the log-log ("exponential Greenwood") form; this
module exists so that every conf_type and R's median confidence limits (``print.survfit``) are
reproduced exactly, and tests compare it with R to 1e-10.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from analysis import _validation
from analysis.errors import AnalysisError

log = logging.getLogger(__name__)

CONF_TYPES = ("log-log", "log", "plain")
TABLE_COLUMNS = [
    "time",
    "n_risk",
    "n_event",
    "n_censor",
    "survival",
    "std_err",
    "lower",
    "upper",
]


def km_curve(
    time: np.ndarray,
    event: np.ndarray,
    conf_type: str = "log-log",
    conf_level: float = 0.95,
    start: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> pd.DataFrame:
    """The Kaplan–Meier table of one group: one row per distinct time (events or censorings).

    Columns are :data:`TABLE_COLUMNS` plus ``log_se`` (σ, the SE of −log S). With ``start``
    (delayed entry) a row is at risk at t when start < t ≤ time. With ``weights`` the counts
    are weighted; whole-number weights keep Greenwood's variance (a weight is a number of
    identical people), other weights get the infinitesimal-jackknife variance, as R
    ``survfit`` (robust by default when the weights are not whole numbers).
    """
    if conf_type not in CONF_TYPES:
        raise AnalysisError(f"conf_type must be one of {CONF_TYPES}, got {conf_type!r}")
    w = np.ones(len(time)) if weights is None else np.asarray(weights, dtype=float)
    times, inverse = np.unique(time, return_inverse=True)
    n_event = np.bincount(inverse, weights=w * event, minlength=len(times))
    n_total = np.bincount(inverse, weights=w, minlength=len(times))
    n_risk = n_total[::-1].cumsum()[::-1]
    if start is not None:  # rows not yet entered: start >= t
        entered_after = np.searchsorted(np.sort(start), times, side="left")
        order = np.argsort(start, kind="stable")
        w_by_start = np.concatenate([[0.0], np.cumsum(w[order])])
        n_risk = n_risk - (w.sum() - w_by_start[entered_after])
        n_risk = np.where(np.abs(n_risk) < 1e-9 * w.sum(), 0.0, n_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        # everyone at risk has the event: exactly 0 (weighted sums can differ in the last bit)
        factor = np.where(n_event >= n_risk * (1 - 1e-12), 0.0, 1.0 - n_event / n_risk)
        survival = np.cumprod(np.where(n_risk > 0, factor, 1.0))
        if weights is not None and np.any(w != np.floor(w)):
            log_se = np.sqrt(_ij_log_variance(time, event, start, w, times, n_risk, n_event))
        else:
            terms = np.where(n_event > 0, n_event / (n_risk * (n_risk - n_event)), 0.0)
            log_se = np.sqrt(np.cumsum(terms))
        std_err = survival * log_se
    lower, upper = confidence_limits(survival, log_se, conf_type, conf_level)
    as_count = (lambda v: v.astype(np.int64)) if weights is None else (lambda v: v)
    return pd.DataFrame(
        {
            "time": times,
            "n_risk": as_count(np.round(n_risk, 12) if weights is not None else n_risk),
            "n_event": as_count(n_event),
            "n_censor": as_count(n_total - n_event),
            "survival": survival,
            "std_err": std_err,
            "lower": lower,
            "upper": upper,
            "log_se": log_se,
        }
    )


def _ij_log_variance(time, event, start, w, times, n_risk, n_event) -> np.ndarray:
    """Infinitesimal-jackknife variance of log Ŝ at each of ``times`` (R's robust survfit).

    With hⱼ = dⱼ/Yⱼ, ∂log Ŝ(t)/∂wᵢ = −Σ_{tⱼ ≤ t} (dNᵢ(tⱼ) − Yᵢ(tⱼ)hⱼ)/(Yⱼ(1 − hⱼ)) and
    Var = Σᵢ (wᵢ ∂log Ŝ/∂wᵢ)²: each person's weight perturbed in turn, to first order. One
    O(n) pass per event time, carrying each row's derivative.
    """
    entry = np.full(len(time), -np.inf) if start is None else start
    influence = np.zeros(len(time))
    variance = np.zeros(len(times))
    current = 0.0
    for j, t in enumerate(times):
        if n_event[j] > 0 and n_risk[j] > n_event[j]:
            y, d = n_risk[j], n_event[j]
            h = d / y
            at_risk = (entry < t) & (time >= t)
            dead = at_risk & (time == t) & (event == 1)
            influence -= (dead.astype(float) - at_risk * h) / (y * (1 - h))
            current = float(np.sum((w * influence) ** 2))
        variance[j] = current
    return variance


def confidence_limits(
    surv: np.ndarray, log_se: np.ndarray, conf_type: str, conf_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise limits for S given σ (SE of the cumulative hazard), as survfit_confint."""
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    surv = np.asarray(surv, dtype=float)
    log_se = np.asarray(log_se, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "plain":
            width = z * log_se * surv
            return np.clip(surv - width, 0, 1), np.clip(surv + width, 0, 1)
        if conf_type == "log":
            lower = np.exp(np.log(surv) - z * log_se)
            upper = np.minimum(np.exp(np.log(surv) + z * log_se), 1.0)
            zero = surv == 0
            return np.where(zero, np.nan, lower), np.where(zero, np.nan, upper)
        xx = np.where((surv == 0) | (surv == 1), np.nan, surv)
        centre = np.log(-np.log(xx))
        half = z * log_se / np.log(xx)
        return np.exp(-np.exp(centre - half)), np.exp(-np.exp(centre + half))


def _half_median(y: np.ndarray, x: np.ndarray) -> float:
    """First x where the curve y drops to 0.5 or below, with R's rule for a flat 0.5 stretch.

    This is ``minmin`` inside ``survival:::survmean``: if the curve equals 0.5 exactly over an
    interval, the median is the midpoint between its start and the next drop.
    """
    tolerance = np.sqrt(np.finfo(float).eps)
    keep = ~np.isnan(y) & (y < 0.5 + tolerance)
    if not keep.any():
        return float("nan")
    x, y = x[keep], y[keep]
    if abs(y[0] - 0.5) < tolerance and (y < y[0]).any():
        return float((x[0] + x[np.flatnonzero(y < y[0])[0]]) / 2)
    return float(x[0])


@dataclass
class KaplanMeierResult:
    """Kaplan–Meier curves (one per group) with R-matching intervals.

    ``table`` has :data:`TABLE_COLUMNS` (+ the ``by`` column); ``median`` the median survival
    time and its confidence limits per group; ``at(times)`` and ``risk_table(times)`` read the
    curves at chosen days; ``plot()`` draws them with numbers at risk underneath.
    """

    table: pd.DataFrame
    duration: str
    event: str
    by: str | None
    conf_type: str
    conf_level: float
    groups: list = field(default_factory=list)
    _curves: dict = field(default_factory=dict, repr=False)
    records: dict = field(default_factory=dict)  # data rows per group
    start: str | None = None
    weights: str | None = None

    @property
    def median(self) -> pd.DataFrame:
        """Median survival and its CI per group, as R's ``print.survfit`` (NaN = not reached).

        The limits are where the lower and upper confidence curves cross 0.5.
        """
        rows = []
        for group, curve in self._curves.items():
            x = curve["time"].to_numpy()
            rows.append(
                {
                    "group": group,
                    "n": self.records.get(group, int(curve["n_risk"].iloc[0])),
                    "events": curve["n_event"].sum(),
                    "median": _half_median(curve["survival"].to_numpy(), x),
                    "lower": _half_median(curve["lower"].to_numpy(), x),
                    "upper": _half_median(curve["upper"].to_numpy(), x),
                }
            )
        frame = pd.DataFrame(rows).set_index("group")
        frame.index.name = self.by or "group"
        return frame

    def at(self, times: Iterable[float]) -> pd.DataFrame:
        """Survival, SE and CI at given days (R's ``summary(fit, times=, extend=TRUE)``).

        S(t) is the curve at the last time ≤ t; ``n_risk`` is the number still at risk at t.

        On R's ``lung`` data, ``summary(survfit(Surv(time, status) ~ 1, lung), times = 365)``
        gives 65 at risk and survival 0.409:

        >>> kaplan_meier(lung, "time", "dead").at([365])[["time", "n_risk", "survival"]].round(3)
            time  n_risk  survival
        0  365.0      65     0.409
        """
        times = np.asarray(list(times), dtype=float)
        out = []
        for group, curve in self._curves.items():
            frame = _read_curve(curve, times)
            if self.by is not None:
                frame.insert(0, self.by, group)
            out.append(frame)
        return pd.concat(out, ignore_index=True)

    def risk_table(self, times: Iterable[float]) -> pd.DataFrame:
        """Numbers at risk: one row per group, one column per time (for a plot's risk table)."""
        times = list(times)
        at = self.at(times)
        index = at[self.by] if self.by is not None else pd.Series(["all"] * len(at))
        table = pd.DataFrame(
            {"group": index.to_numpy(), "time": at["time"].to_numpy(), "n": at["n_risk"]}
        ).pivot(index="group", columns="time", values="n")
        table.index.name = self.by or "group"
        return table.loc[list(dict.fromkeys(index))]

    def survival_function(self, group=None) -> pd.DataFrame:
        """The table of one group (or of the only curve)."""
        if group is None:
            if len(self._curves) != 1:
                raise AnalysisError("several groups: name one", field=self.by)
            group = next(iter(self._curves))
        return self._curves[group][TABLE_COLUMNS]

    def to_lifelines(self, df: pd.DataFrame) -> dict:
        """One fitted lifelines ``KaplanMeierFitter`` per group (same data), for lifelines'
        plotting and utilities. Point estimates agree; lifelines' CIs are always log-log."""
        from lifelines import KaplanMeierFitter

        columns = [self.duration, self.event, self.by, self.start, self.weights]
        data = _validation.complete_rows(df, columns)
        fitters = {}
        for group in self._curves:
            part = data if self.by is None else data[data[self.by] == group]
            fitters[group] = KaplanMeierFitter(label=str(group)).fit(
                _validation.durations(part, self.duration),
                _validation.events(part, self.event),
                entry=None if self.start is None else _validation.durations(part, self.start),
                weights=None if self.weights is None else part[self.weights].to_numpy(float),
                alpha=1 - self.conf_level,
            )
        return fitters

    def plot(
        self,
        ax=None,
        at_risk_times: Sequence[float] | None = None,
        ci: bool = True,
        at_risk_counts=None,
    ):
        """Step curves, confidence bands, numbers at risk under the axis; returns the Axes.

        ``at_risk_counts`` transforms the numbers at risk before drawing (e.g.
        :func:`analysis.disclosure.coarsen_counts` for funder reports).
        """
        from analysis.plots import plot_survival

        return plot_survival(
            self, ax=ax, at_risk_times=at_risk_times, ci=ci, at_risk_counts=at_risk_counts
        )


def _read_curve(curve: pd.DataFrame, times: np.ndarray) -> pd.DataFrame:
    """Step-function lookup of a KM table at ``times``."""
    t = curve["time"].to_numpy()
    index = np.searchsorted(t, times, side="right") - 1  # last curve time <= requested
    n_total = curve["n_risk"].iloc[0]
    after = np.searchsorted(t, times, side="left")  # first curve time >= requested
    n_risk = np.where(after < len(t), curve["n_risk"].to_numpy()[np.minimum(after, len(t) - 1)], 0)
    n_risk = np.where(times <= t[0], n_total, n_risk)
    cols = {}
    for column, before in (("survival", 1.0), ("std_err", 0.0), ("lower", 1.0), ("upper", 1.0)):
        values = curve[column].to_numpy()
        cols[column] = np.where(index >= 0, values[np.maximum(index, 0)], before)
    if np.issubdtype(curve["n_risk"].dtype, np.integer):
        n_risk = n_risk.astype(np.int64)
    return pd.DataFrame({"time": times, "n_risk": n_risk, **cols})


def kaplan_meier(
    df: pd.DataFrame,
    duration: str,
    event: str,
    by: str | None = None,
    conf_type: str = "log-log",
    start: str | None = None,
    weights: str | None = None,
    conf_level: float = 0.95,
) -> KaplanMeierResult:
    """Kaplan–Meier curves of ``duration`` (days) with ``event`` (1 = event, 0 = censored).

    Matches R ``survfit(Surv(duration, event) ~ by, conf.type=conf_type)``: the table rows,
    Greenwood standard errors, confidence limits and ``print`` medians with their limits
    (checked against R survival 3.5 on lung, veteran and pbc to 1e-10). Rows with a
    missing value are dropped, as R does.

    - ``start``: delayed entry (left truncation), R ``Surv(start, duration, event)``: a row
      is at risk at t when start < t ≤ duration;
    - ``weights``: case weights, R ``survfit(weights=)``; with weights that are not whole
      numbers (e.g. inverse-probability weights) the SE is the infinitesimal jackknife, as R.
      A missing or non-positive weight is an error naming the row.

    R's ``lung`` data (228 patients, 165 deaths; ``print(survfit(...))``): median survival
    270 days for men (``sex`` 1) and 426 for women:

    >>> km = kaplan_meier(lung, "time", "dead", by="sex")
    >>> km.median[["n", "events", "median"]]
           n  events  median
    sex
    1    138     112   270.0
    2     90      53   426.0
    """
    if weights is not None:
        _validation.require_columns(df, [weights])
        _validation.case_weights(df, weights)
    data = _validation.complete_rows(df, [duration, event, by, start, weights])
    if data.empty:
        raise AnalysisError("no complete rows to analyse", field=duration)
    time = _validation.durations(data, duration)
    status = _validation.events(data, event)
    entry = _validation.entry_times(data, start, time, duration) if start else None
    w = _validation.case_weights(data, weights) if weights else None
    curves: dict = {}
    records: dict = {}
    labels = np.full(len(data), "all", dtype=object) if by is None else data[by].to_numpy()
    groups = ["all"] if by is None else sorted(pd.unique(labels), key=_sort_key)
    for group in groups:
        mask = labels == group
        curves[group] = km_curve(
            time[mask],
            status[mask],
            conf_type,
            conf_level,
            start=None if entry is None else entry[mask],
            weights=None if w is None else w[mask],
        )
        records[group] = int(mask.sum())
    parts = []
    for group, curve in curves.items():
        part = curve[TABLE_COLUMNS].copy()
        if by is not None:
            part.insert(0, by, group)
        parts.append(part)
    return KaplanMeierResult(
        table=pd.concat(parts, ignore_index=True),
        duration=duration,
        event=event,
        by=by,
        conf_type=conf_type,
        conf_level=conf_level,
        groups=list(curves),
        _curves=curves,
        records=records,
        start=start,
        weights=weights,
    )


def _sort_key(value):
    """Sort group labels of mixed types stably (numbers before strings)."""
    return (isinstance(value, str), value if not isinstance(value, str) else str(value))
