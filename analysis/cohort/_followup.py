"""Follow-up and outcomes of each delivery, in whole days from delivery (day 0).

Two follow-ups (docs/cohort.md, "Follow-up" and "Overdose and death"):

* claims follow-up ``followup_days`` = the earliest of the horizon, the end of the data, the
  last covered day (``coverage_end_date``, or the day before a ``coverage_loss`` event, never
  before day 0), the person's next delivery and death. Claims-based outcomes (return to use,
  any overdose, discontinuation) are observed only within it.
* vital-records follow-up = the earliest of the horizon, the end of the death file
  (``vital_data_end``, default the claims data end), the next delivery and death: deaths are
  seen whatever the coverage, so fatal overdose is followed past loss of coverage, but not
  past the death file's own end.
* ``overdose_events`` counts overdose events within claims follow-up for recurrent-event
  rates; records no more than ``overdose_merge_days`` apart are one event.

An outcome on a day ``<=`` the end of its follow-up is an event at that day; otherwise the
delivery is censored at the end of follow-up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.cohort._inputs import EVENT_TYPES


def _within(day: np.ndarray, limit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(day of the event or ``limit``, whether the event happened by ``limit``)."""
    happened = ~np.isnan(day) & (np.nan_to_num(day, nan=np.inf) <= limit)
    return np.where(happened, np.nan_to_num(day), limit).astype(np.int64), happened


def outcomes(
    base: pd.DataFrame,
    ev: pd.DataFrame,
    *,
    horizon: int,
    data_end: pd.Timestamp,
    next_delivery: np.ndarray,
    vital_data_end: pd.Timestamp | None = None,
    overdose_merge_days: int = 1,
) -> pd.DataFrame:
    """Follow-up ends and outcome days per delivery (rows of ``base``, same order)."""
    first = ev.groupby(["delivery_id", "event_type"])["day"].min().unstack()
    first = first.reindex(index=base["delivery_id"], columns=list(EVENT_TYPES))

    def day_of(*types: str) -> np.ndarray:
        return first[list(types)].min(axis=1).to_numpy(float)

    death_overdose = day_of("overdose_fatal")
    death_other = day_of("death_other")
    death = np.fmin(death_overdose, death_other)
    to_data_end = (data_end - base["delivery_date"]).dt.days.to_numpy(float)
    vital = data_end if vital_data_end is None else vital_data_end
    to_vital_end = (vital - base["delivery_date"]).dt.days.to_numpy(float)
    loss = day_of("coverage_loss")
    coverage = np.where(np.isnan(loss), np.nan, np.maximum(loss - 1, 0))  # last covered day
    last_covered = (base["coverage_end_date"] - base["delivery_date"]).dt.days.to_numpy(float)
    coverage = np.fmin(coverage, last_covered)
    horizon_days = np.full(len(base), float(horizon))
    common = np.fmin.reduce([horizon_days, to_data_end, next_delivery])
    vital_end = np.fmin(np.fmin.reduce([horizon_days, to_vital_end, next_delivery]), death)
    vital_end = vital_end.astype(np.int64)
    claims_end = np.fmin(np.fmin(common, death), coverage).astype(np.int64)

    days_relapse, relapse = _within(day_of("return_to_use"), claims_end)
    days_overdose, overdose = _within(day_of("overdose_nonfatal", "overdose_fatal"), claims_end)
    _, other_in_claims = _within(death_other, claims_end)
    status = np.where(overdose, 1, np.where(other_in_claims, 2, 0))
    days_fatal, fatal = _within(death_overdose, vital_end)
    _, other_death = _within(death_other, vital_end)
    fatal_status = np.where(fatal, 1, np.where(other_death & ~fatal, 2, 0))
    died = fatal | other_death
    return pd.DataFrame(
        {
            "followup_days": claims_end,
            "days_to_relapse": days_relapse,
            "relapse": relapse,
            "days_to_overdose": days_overdose,
            "overdose": overdose,
            "overdose_status": status.astype(np.int64),
            "overdose_events": _recurrent(base, ev, claims_end, overdose_merge_days),
            "days_to_fatal_overdose": np.where(fatal, days_fatal, vital_end).astype(np.int64),
            "fatal_overdose_status": fatal_status.astype(np.int64),
            "death": died,
            "followup_end": _reasons(
                claims_end, horizon, to_data_end, next_delivery, death, coverage
            ),
        }
    )


def _recurrent(
    base: pd.DataFrame, ev: pd.DataFrame, limit: np.ndarray, merge_days: int
) -> np.ndarray:
    """Overdose events (non-fatal and fatal) within claims follow-up, counting records of one
    delivery no more than ``merge_days`` after the previous record as the same event (an
    emergency visit and the admission that follows it)."""
    limits = pd.Series(limit, index=base["delivery_id"].to_numpy())
    rows = ev[ev["event_type"].isin(["overdose_nonfatal", "overdose_fatal"])]
    rows = rows[rows["day"].to_numpy() <= rows["delivery_id"].map(limits).to_numpy()]
    if rows.empty:
        return np.zeros(len(base), dtype=np.int64)
    rows = rows.sort_values(["delivery_id", "day"], kind="mergesort")
    previous = rows.groupby("delivery_id", sort=False)["day"].shift()
    new_event = previous.isna() | (rows["day"] - previous > merge_days)
    counts = new_event.groupby(rows["delivery_id"].to_numpy()).sum()
    return base["delivery_id"].map(counts).fillna(0).to_numpy(np.int64)


def _reasons(
    end: np.ndarray,
    horizon: int,
    data_end: np.ndarray,
    next_delivery: np.ndarray,
    death: np.ndarray,
    coverage: np.ndarray,
) -> np.ndarray:
    """Why claims follow-up ended: the first reason, in this order, whose day equals the end."""
    reasons = np.full(end.shape, "horizon", dtype=object)
    for day, name in reversed(
        [
            (death, "death"),
            (coverage, "coverage"),
            (next_delivery, "next_delivery"),
            (data_end, "data_end"),
            (np.full(end.shape, float(horizon)), "horizon"),
        ]
    ):
        reasons = np.where(np.nan_to_num(day, nan=np.inf) == end, name, reasons)
    return reasons
