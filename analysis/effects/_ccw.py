"""Target trial emulation of a service that starts after delivery: clone–censor–weight.

The target trial: eligible deliveries are those not already receiving the service at delivery;
time zero is the delivery; the strategies are "start the service within ``grace_days``" and
"do not start it within ``grace_days``". Every eligible delivery is cloned into both arms at
time zero, so nobody is classified by what happens later and no immortal time enters
(Hernán & Robins 2016; Maringe et al. 2020, Int J Epidemiol 49:1719). A clone is censored
artificially when its observed course deviates from its arm:

* **no-service arm**: at the day the service starts, when that day is within the grace period
  and before the outcome;
* **service arm**: at the end of the grace period (day ``grace_days``) when the service has
  not started by then and the outcome has not happened.

The artificial censoring depends on covariates that also predict the outcome, so each clone's
person-time is weighted by the inverse probability of remaining uncensored
(inverse-probability-of-censoring weights). The daily hazard h_m(L) of starting the service
among deliveries still followed and not yet started is a pooled logistic regression over
person-days 0…grace (day, day² and log(1 + day) for time, plus the baseline covariates). With
Pₖ = Πₘ≤ₖ (1 − hₘ): a no-service clone's piece (k−1, k] has weight 1/Pₖ₋₁ (1/P_grace after the
grace period); a service clone is unweighted during the grace period and weighted
1/(1 − P_grace) after it. Weighted Kaplan–Meier curves per arm (delayed-entry pieces with their
weights, :func:`analysis.survival.kaplan_meier`) give the risks at the horizons and the RMST
(:func:`analysis.survival.rmst`). Intervals come from a bootstrap that resamples persons and
repeats everything, the weight model included: after cloning a person appears in both arms
and a robust variance of one model would not be enough.

Known-truth check (a simulation with immortal-time bias) and checks by hand:
tests/analysis/effects/test_ccw.py; docs/effects.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from analysis import survival
from analysis._validation import durations, events, require_columns
from analysis.effects._design import covariate_matrix
from analysis.errors import AnalysisError

ARMS = ("service", "no_service")


def start_days(df: pd.DataFrame, service_start: str) -> np.ndarray:
    """Days from delivery to the service start (NaN: never), from a numeric column or a date
    column (then relative to ``delivery_date``)."""
    require_columns(df, [service_start])
    column = df[service_start]
    if pd.api.types.is_datetime64_any_dtype(column):
        require_columns(df, ["delivery_date"])
        delta = column - pd.to_datetime(df["delivery_date"])
        return delta.dt.days.to_numpy(dtype=float)
    values = pd.to_numeric(column, errors="coerce")
    bad = values.isna() & column.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        raise AnalysisError(
            f"expected a day number or a date, got {column[bad].iloc[0]!r}",
            row=row,
            field=service_start,
        )
    return values.to_numpy(dtype=float)


def _time_terms(day: np.ndarray) -> np.ndarray:
    day = day.astype(float)
    return np.column_stack([day, day**2 / 100.0, np.log1p(day)])


def uncensored_probability(
    time: np.ndarray, start: np.ndarray, x: np.ndarray, grace_days: int
) -> np.ndarray:
    """P_k(L) = P(no start on days 0..k | L) for k = 0..grace, one row per delivery, from a
    pooled logistic model of the daily start hazard among those followed and not yet started."""
    n = len(time)
    last = np.minimum(np.minimum(np.nan_to_num(start, nan=np.inf), time), grace_days)
    counts = last.astype(int) + 1
    person = np.repeat(np.arange(n), counts)
    day = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    started = (day == np.nan_to_num(start, nan=-1)[person]).astype(float)
    if started.sum() == 0 or started.sum() == len(started):
        raise AnalysisError(
            "the service starts for nobody (or everybody) in the grace period: no weights",
            field="service_start",
        )
    design = np.column_stack([np.ones(len(day)), _time_terms(day), x[person]])
    fit = sm.GLM(started, design, family=sm.families.Binomial()).fit()
    days = np.arange(grace_days + 1)
    grid = np.column_stack(
        [
            np.ones(n * len(days)),
            np.tile(_time_terms(days), (n, 1)),
            np.repeat(x, len(days), axis=0),
        ]
    )
    hazard = fit.predict(grid).reshape(n, len(days))
    return np.cumprod(1 - hazard, axis=1)


def _arm_rows(
    stop: np.ndarray,
    status: np.ndarray,
    weight_in_grace: np.ndarray,
    weight_after: np.ndarray,
    grace_days: int,
) -> pd.DataFrame:
    """(start, stop] pieces of the clones of one arm: one per day of the grace period with
    its weight (``weight_in_grace[i, k-1]`` for (k−1, k]), then one piece after it."""
    keep = stop > 0
    idx = np.flatnonzero(keep)
    stop, status = stop[keep], status[keep]
    n_grace = np.minimum(np.ceil(stop), grace_days).astype(int)
    person = np.repeat(idx, n_grace)
    k = np.arange(n_grace.sum()) - np.repeat(np.cumsum(n_grace) - n_grace, n_grace) + 1
    piece_stop = np.minimum(k.astype(float), stop[np.searchsorted(idx, person)])
    is_last = piece_stop >= stop[np.searchsorted(idx, person)]
    grace = pd.DataFrame(
        {
            "row": person,
            "start": (k - 1).astype(float),
            "stop": piece_stop,
            "event": np.where(is_last, status[np.searchsorted(idx, person)], 0),
            "w": weight_in_grace[person, k - 1],
        }
    )
    after = stop > grace_days
    tail = pd.DataFrame(
        {
            "row": idx[after],
            "start": float(grace_days),
            "stop": stop[after],
            "event": status[after],
            "w": weight_after[idx[after]],
        }
    )
    return pd.concat([grace, tail], ignore_index=True)


def _clone(time, event, start, probability, grace_days):
    """Both arms' weighted pieces (columns row, start, stop, event, w, arm)."""
    s = np.nan_to_num(start, nan=np.inf)
    n = len(time)
    within = s <= grace_days
    # no-service arm: censored at the start day when it comes first within the grace period
    deviates = within & (s < time)
    stop0 = np.where(deviates, s, time)
    status0 = np.where(deviates, 0, event)
    # piece (k-1, k] needs no start on days 0..k-1: weight 1/P_{k-1}, k = 1..grace
    rows0 = _arm_rows(stop0, status0, 1 / probability[:, :-1], 1 / probability[:, -1], grace_days)
    # service arm: censored at the end of the grace period without the service
    deviates = ~within & (time > grace_days)
    stop1 = np.where(deviates, float(grace_days), time)
    status1 = np.where(deviates, 0, event)
    after1 = np.where(within, 1 / (1 - probability[:, -1]), 1.0)
    rows1 = _arm_rows(stop1, status1, np.ones((n, grace_days)), after1, grace_days)
    rows0["arm"], rows1["arm"] = ARMS[1], ARMS[0]
    return pd.concat([rows1, rows0], ignore_index=True)


def weighted_product_limit(
    start: np.ndarray, stop: np.ndarray, event: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Event times and the weighted Kaplan–Meier survival just after each, for (start, stop]
    rows (at risk at t when start < t ≤ stop). The point estimate of
    :func:`analysis.survival.kaplan_meier` without its variance, for the bootstrap (equal to it
    in tests/analysis/effects/test_ccw.py)."""
    times = np.unique(stop[event == 1])
    entered = np.concatenate([[0.0], np.cumsum(w[np.argsort(start, kind="stable")])])
    left = np.concatenate([[0.0], np.cumsum(w[np.argsort(stop, kind="stable")])])
    sorted_start, sorted_stop = np.sort(start), np.sort(stop)
    at_risk = (
        entered[np.searchsorted(sorted_start, times, side="left")]
        - left[np.searchsorted(sorted_stop, times, side="left")]
    )
    slot = np.searchsorted(times, stop[event == 1])
    deaths = np.bincount(slot, weights=w[event == 1], minlength=len(times))
    return times, np.cumprod(1 - deaths / at_risk)


def _read(times: np.ndarray, surv: np.ndarray, day: float) -> float:
    i = np.searchsorted(times, day, side="right")
    return 1.0 if i == 0 else float(surv[i - 1])


def _area(times: np.ndarray, surv: np.ndarray, tau: float) -> float:
    keep = times < tau
    knots = np.concatenate([[0.0], times[keep], [tau]])
    heights = np.concatenate([[1.0], surv[keep]])
    return float(np.sum(np.diff(knots) * heights))


def _estimate(time, event, start, x, grace_days, horizons, tau):
    probability = uncensored_probability(time, start, x, grace_days)
    rows = _clone(time, event, start, probability, grace_days)
    out = {}
    for arm in ARMS:
        part = rows[rows["arm"] == arm]
        times, surv = weighted_product_limit(
            part["start"].to_numpy(),
            part["stop"].to_numpy(),
            part["event"].to_numpy(),
            part["w"].to_numpy(),
        )
        for h in horizons:
            out[("risk", h, arm)] = 1 - _read(times, surv, h)
        if tau is not None:
            out[("rmst", tau, arm)] = _area(times, surv, tau)
    return out, rows


@dataclass
class CloneCensorWeightResult:
    """Estimates of a clone–censor–weight analysis.

    ``estimates``: one row per measure (``risk`` at each horizon, ``rmst`` to τ) with
    ``service``, ``no_service``, ``difference`` (service − no service) and its bootstrap
    percentile interval ``lower``/``upper``; ``curves``: weighted survival per arm;
    ``bootstrap``: the differences of each replicate; ``counts``: eligibility.
    """

    estimates: pd.DataFrame
    curves: pd.DataFrame
    bootstrap: pd.DataFrame = field(repr=False)
    counts: dict
    grace_days: int


def clone_censor_weight(
    df: pd.DataFrame,
    duration: str,
    event: str,
    service_start: str,
    covariates: Sequence[str],
    *,
    grace_days: int = 30,
    horizons: Sequence[int] = (182, 365),
    tau: float | None = 365,
    id_column: str = "person_id",
    n_bootstrap: int = 200,
    conf_level: float = 0.95,
    seed: int = 0,
) -> CloneCensorWeightResult:
    """Effect of starting a service within ``grace_days`` of delivery vs not.

    ``service_start`` is the start day (days from delivery) or date of the service (empty:
    never); deliveries whose service started before delivery are not eligible (prevalent
    users) and are counted in ``counts``. ``covariates`` are baseline (at-delivery) predictors
    of starting the service and of the outcome. Intervals: ``n_bootstrap`` resamples of
    persons (``id_column``; each row its own person when the column is absent).

    On the demo study, without the bootstrap (each resample refits the weights, about a
    second each here; the default 200 give the intervals):

    >>> res = clone_censor_weight(cohort, "days_on_moud", "discontinued",
    ...                           "peer_recovery_coach_start_date", ["age", "insurance"],
    ...                           n_bootstrap=0)
    >>> res.estimates[["measure", "day"]].values.tolist()   # the default horizons and tau
    [['risk', 182], ['risk', 365], ['rmst', 365]]
    """
    require_columns(df, [duration, event])
    if grace_days < 1:
        raise AnalysisError(f"grace_days must be >= 1, got {grace_days}", field="grace_days")
    start = start_days(df, service_start)
    eligible = np.isnan(start) | (start >= 0)
    data = df.loc[eligible]
    start = start[eligible]
    time = durations(data, duration)
    status = events(data, event).astype(int)
    x = covariate_matrix(data, covariates).to_numpy(dtype=float)
    horizons = [int(h) for h in horizons]
    point, rows = _estimate(time, status, start, x, grace_days, horizons, tau)
    curves = {
        arm: survival.kaplan_meier(
            rows[rows["arm"] == arm], "stop", "event", start="start", weights="w"
        ).survival_function()
        for arm in ARMS
    }
    persons = data[id_column].to_numpy() if id_column in data.columns else np.arange(len(data))
    codes, inverse = np.unique(persons, return_inverse=True)
    members = [np.flatnonzero(inverse == i) for i in range(len(codes))]
    rng = np.random.default_rng(seed)
    keys = list(point)
    replicates = []
    for _ in range(n_bootstrap):
        drawn = rng.integers(0, len(codes), len(codes))
        take = np.concatenate([members[i] for i in drawn])
        try:
            rep, _ = _estimate(
                time[take], status[take], start[take], x[take], grace_days, horizons, tau
            )
        except AnalysisError:
            continue
        replicates.append([rep[k] for k in keys])
    boot = pd.DataFrame(replicates, columns=pd.MultiIndex.from_tuples(keys))
    alpha = (1 - conf_level) / 2
    rows_out = []
    measures = dict.fromkeys((m, h) for m, h, _ in keys)
    for measure, h in measures:
        service, none = point[(measure, h, ARMS[0])], point[(measure, h, ARMS[1])]
        row = {
            "measure": measure,
            "day": h,
            "service": service,
            "no_service": none,
            "difference": service - none,
            "lower": np.nan,
            "upper": np.nan,
        }
        if len(boot):
            diff = boot[(measure, h, ARMS[0])] - boot[(measure, h, ARMS[1])]
            row["lower"], row["upper"] = np.quantile(diff, [alpha, 1 - alpha])
        rows_out.append(row)
    estimates = pd.DataFrame(rows_out)
    estimates.attrs["n_bootstrap"] = len(boot)
    curve = pd.concat([c.assign(arm=a) for a, c in curves.items()], ignore_index=True)
    counts = {
        "deliveries": int(len(df)),
        "eligible": int(eligible.sum()),
        "started_before_delivery": int((~eligible).sum()),
        "started_within_grace": int((np.nan_to_num(start, nan=np.inf) <= grace_days).sum()),
        "bootstrap_replicates": int(len(boot)),
        "max_weight": float(rows["w"].max()),
        "clones_without_follow_up": int(2 * len(data) - rows.groupby("arm")["row"].nunique().sum()),
    }
    return CloneCensorWeightResult(estimates, curve, boot, counts, grace_days)
