"""The delivery cohort: one row per delivery with MOUD and outcome fields for survival and
competing-risks analyses, and its counting-process form for time-varying MOUD.

All durations are whole days from the delivery date (day 0). Follow-up of a delivery ends at
``followup_days`` = the earliest of ``follow_up_days`` (365), death (fatal overdose or death
from other causes) and loss of coverage (a ``coverage_loss`` event or the delivery's
``coverage_end_date``). An outcome on or before that day is an event; otherwise the
delivery is censored at ``followup_days``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.episodes import derive_episodes, episode_at
from analysis.errors import AnalysisError

log = logging.getLogger(__name__)

EVENT_TYPES = (
    "return_to_use",
    "overdose_nonfatal",
    "overdose_fatal",
    "death_other",
    "coverage_loss",
)
DERIVED_COLUMNS = [
    "moud_at_delivery",
    "moud_episode",
    "days_on_moud",
    "discontinued",
    "followup_days",
    "days_to_relapse",
    "relapse",
    "days_to_overdose",
    "overdose",
    "overdose_status",
    "death",
    "repeat_delivery",
]


def build_cohort(
    deliveries: pd.DataFrame,
    dispensing: pd.DataFrame,
    events: pd.DataFrame,
    *,
    gap_days: int = 30,
    follow_up_days: int = 365,
    carryover: bool = False,
    moud_window_days: int = 30,
    engine: str = "duckdb",
    episodes: pd.DataFrame | None = None,
    **episode_options: Any,
) -> pd.DataFrame:
    """One row per delivery: every delivery column plus the derived outcome columns.

    Derived columns (days from delivery, integers):

    * ``moud_at_delivery`` — the drug(s) of the episode covering the delivery date or ending
      at most ``moud_window_days`` before it (``"buprenorphine"``,
      ``"buprenorphine,methadone"``…), else ``"none"``; ``moud_episode`` its number;
    * ``days_on_moud`` — days from delivery to that episode's end, capped at
      ``followup_days`` (0 when none or when it ended before delivery);
    * ``discontinued`` — the episode ended before follow-up ended (False when none: filter
      ``moud_at_delivery != "none"`` for retention analyses);
    * ``followup_days`` — min(``follow_up_days``, death, coverage loss);
    * ``days_to_relapse``/``relapse`` — first ``return_to_use`` within follow-up;
    * ``days_to_overdose``/``overdose`` — first overdose, fatal or not, within follow-up;
    * ``overdose_status`` — 0 censored, 1 overdose, 2 death from other causes first (the
      competing risk), at ``days_to_overdose``;
    * ``death`` — died within follow-up; ``repeat_delivery`` — the person has more than one
      delivery (cluster on ``person_id``).

    Episodes come from :func:`analysis.episodes.derive_episodes` (``gap_days``,
    ``carryover``, ``engine`` and ``episode_options``) unless ``episodes`` is given.
    Deliveries of persons without dispensing records get ``"none"`` (counted in the log).

    >>> cohort = build_cohort(study.deliveries(), study.dispensing(), study.events())
    >>> cohort.groupby("moud_at_delivery")["overdose"].mean()
    """
    base = _check_deliveries(deliveries)
    if episodes is None:
        episodes = derive_episodes(
            dispensing, gap_days=gap_days, carryover=carryover, engine=engine, **episode_options
        )
    eps = episodes[["person_id", "episode", "start", "end", "drugs"]].copy()
    eps["person_id"] = eps["person_id"].astype(str)
    for column in ("start", "end"):
        eps[column] = pd.to_datetime(eps[column]).astype("datetime64[ns]")

    no_fills = ~base["person_id"].isin(set(eps["person_id"]))
    if no_fills.any():
        log.info(
            "%d of %d deliveries: person has no dispensing records (moud_at_delivery 'none')",
            int(no_fills.sum()),
            len(base),
        )

    at = episode_at(base, eps, window_days=moud_window_days).set_index("delivery_id")
    index = base["delivery_id"]
    drugs = index.map(at["drugs"])
    end = index.map(at["end"])
    outcome = _outcome_days(base, events, follow_up_days)

    followup = outcome["followup_days"].to_numpy(np.int64)
    remaining = (pd.to_datetime(end) - base["delivery_date"]).dt.days.to_numpy(float)
    has = ~np.isnan(remaining)
    days_on = np.where(has, np.clip(np.nan_to_num(remaining), 0, followup), 0)

    out = deliveries.copy().reset_index(drop=True)
    out["moud_at_delivery"] = drugs.fillna("none").astype(object).to_numpy()
    out["moud_episode"] = pd.array(index.map(at["episode"]).to_numpy(), dtype="Int64")
    out["days_on_moud"] = days_on.astype(np.int64)
    out["discontinued"] = has & (np.nan_to_num(remaining, nan=np.inf) < followup)
    for column in outcome.columns:
        out[column] = outcome[column].to_numpy()
    counts = base["person_id"].map(base["person_id"].value_counts())
    out["repeat_delivery"] = (counts > 1).to_numpy()
    return out


def _check_deliveries(deliveries: pd.DataFrame) -> pd.DataFrame:
    _require(deliveries, ["delivery_id", "person_id", "delivery_date"], "deliveries")
    base = pd.DataFrame(
        {
            "delivery_id": deliveries["delivery_id"].astype(str).to_numpy(),
            "person_id": deliveries["person_id"].astype(str).to_numpy(),
            "delivery_date": pd.to_datetime(deliveries["delivery_date"], errors="coerce")
            .dt.normalize()
            .to_numpy(),
        }
    )
    bad = base["delivery_date"].isna().to_numpy()
    if bad.any():
        raise AnalysisError(
            "delivery_date missing or not a date",
            file="deliveries",
            row=int(np.flatnonzero(bad)[0]) + 1,
            field="delivery_date",
        )
    repeated = base["delivery_id"].duplicated().to_numpy()
    if repeated.any():
        row = int(np.flatnonzero(repeated)[0])
        raise AnalysisError(
            f"delivery_id {base['delivery_id'].iloc[row]!r} appears more than once",
            file="deliveries",
            row=row + 1,
            field="delivery_id",
        )
    if "coverage_end_date" in deliveries.columns:
        base["coverage_end_date"] = (
            pd.to_datetime(deliveries["coverage_end_date"], errors="coerce")
            .dt.normalize()
            .to_numpy()
        )
    return base


def _outcome_days(base: pd.DataFrame, events: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Follow-up end and first-event days per delivery, from the events table."""
    _require(events, ["delivery_id", "event_date", "event_type"], "events")
    ev = pd.DataFrame(
        {
            "delivery_id": events["delivery_id"].astype(str).to_numpy(),
            "event_date": pd.to_datetime(events["event_date"], errors="coerce")
            .dt.normalize()
            .to_numpy(),
            "event_type": events["event_type"].astype(str).to_numpy(),
            "row": np.arange(1, len(events) + 1),
        }
    )
    _check_events(ev, events, base)
    ev = ev.merge(base[["delivery_id", "delivery_date"]], on="delivery_id", how="left")
    ev["day"] = (ev["event_date"] - ev["delivery_date"]).dt.days.astype(np.int64)
    early = ev["day"] < 0
    if early.any():
        first = ev.loc[early].iloc[0]
        raise AnalysisError(
            f"event on {first['event_date'].date()} is before its delivery "
            f"({first['delivery_date'].date()}); events must be on or after the delivery date",
            file="events",
            row=int(first["row"]),
            field="event_date",
        )
    first = ev.groupby(["delivery_id", "event_type"])["day"].min().unstack()
    first = first.reindex(index=base["delivery_id"], columns=list(EVENT_TYPES))

    def day_of(*types: str) -> np.ndarray:
        return first[list(types)].min(axis=1).to_numpy(float)

    death_overdose = day_of("overdose_fatal")
    death_other = day_of("death_other")
    death = np.fmin(death_overdose, death_other)
    coverage = day_of("coverage_loss")
    if "coverage_end_date" in base.columns:
        cover_end = (base["coverage_end_date"] - base["delivery_date"]).dt.days.to_numpy(float)
        if (cover_end < 0).any():
            row = int(np.flatnonzero(cover_end < 0)[0]) + 1
            raise AnalysisError(
                "coverage_end_date is before the delivery date",
                file="deliveries",
                row=row,
                field="coverage_end_date",
            )
        coverage = np.fmin(coverage, cover_end)
    followup = np.fmin(np.fmin(float(horizon), death), coverage).astype(np.int64)

    def first_within(day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        happened = ~np.isnan(day) & (np.nan_to_num(day, nan=np.inf) <= followup)
        return np.where(happened, np.nan_to_num(day), followup).astype(np.int64), happened

    days_relapse, relapse = first_within(day_of("return_to_use"))
    days_overdose, overdose = first_within(day_of("overdose_nonfatal", "overdose_fatal"))
    died = ~np.isnan(death) & (np.nan_to_num(death, nan=np.inf) <= followup)
    other_death = (
        ~overdose & ~np.isnan(death_other) & (np.nan_to_num(death_other, nan=np.inf) <= followup)
    )
    status = np.where(overdose, 1, np.where(other_death, 2, 0)).astype(np.int64)
    return pd.DataFrame(
        {
            "followup_days": followup,
            "days_to_relapse": days_relapse,
            "relapse": relapse,
            "days_to_overdose": days_overdose,
            "overdose": overdose,
            "overdose_status": status,
            "death": died,
        }
    )


def _check_events(ev: pd.DataFrame, events: pd.DataFrame, base: pd.DataFrame) -> None:
    def fail(mask: np.ndarray, message: str, column: str) -> None:
        if mask.any():
            row = int(np.flatnonzero(mask)[0])
            raise AnalysisError(
                message.format(value=ev[column].iloc[row]), file="events", row=row + 1, field=column
            )

    fail(ev["event_date"].isna().to_numpy(), "event_date missing or not a date", "event_date")
    fail(
        ~ev["event_type"].isin(EVENT_TYPES).to_numpy(),
        "unknown event_type {value!r}; expected one of " + ", ".join(EVENT_TYPES),
        "event_type",
    )
    fail(
        ~ev["delivery_id"].isin(set(base["delivery_id"])).to_numpy(),
        "delivery_id {value!r} is not in deliveries",
        "delivery_id",
    )
    if "person_id" in events.columns:
        owner = ev["delivery_id"].map(base.set_index("delivery_id")["person_id"])
        mismatch = (owner != events["person_id"].astype(str).to_numpy()).to_numpy()
        fail(mismatch, "delivery_id {value!r} belongs to another person", "delivery_id")


def counting_process(
    cohort: pd.DataFrame,
    episodes: pd.DataFrame,
    *,
    duration: str = "days_to_overdose",
    event: str = "overdose",
    covariates: Sequence[str] = (),
) -> pd.DataFrame:
    """Split each delivery's follow-up into ``(start, stop]`` rows with time-varying
    ``on_moud`` (1 while an episode's supply covers the day), for a Cox model with a
    time-varying covariate (lifelines ``CoxTimeVaryingFitter``, R ``coxph(Surv(start, stop,
    event) ~ on_moud)``).

    Days ``[a, b)`` covered by an episode (relative to delivery, clipped to
    ``[0, duration]``) become a row ``(a, b]`` with ``on_moud = 1``; uncovered stretches rows
    with 0. ``event`` is 1 only on a delivery's last row, when the outcome happened. An event
    on the delivery day itself (duration 0) gets the row ``(0, 0.5]``, so no interval is empty.

    Returns ``delivery_id, person_id, start, stop, on_moud, event`` plus ``covariates``.

    >>> rows = counting_process(cohort, episodes, covariates=["age"])
    """
    _require(cohort, ["delivery_id", "person_id", "delivery_date", duration, event], "cohort")
    _require(episodes, ["person_id", "start", "end"], "episodes")
    base = cohort[["delivery_id", "person_id", "delivery_date", duration, event]].copy()
    base["person_id"] = base["person_id"].astype(str)
    base["delivery_date"] = pd.to_datetime(base["delivery_date"]).astype("datetime64[ns]")
    eps = episodes[["person_id", "start", "end"]].copy()
    eps["person_id"] = eps["person_id"].astype(str)
    pairs = base.merge(eps, on="person_id", how="inner")
    a = (pd.to_datetime(pairs["start"]) - pairs["delivery_date"]).dt.days.clip(lower=0)
    # a zero-length follow-up still looks at day 0 (is the delivery day covered?)
    limit = pairs[duration].clip(lower=1)
    b = np.minimum((pd.to_datetime(pairs["end"]) - pairs["delivery_date"]).dt.days, limit)
    pairs = pairs.assign(a=a, b=b).loc[lambda p: p["b"] > p["a"]]
    spans: dict[Any, list[tuple[int, int]]] = {}
    for key, x, y in sorted(
        zip(pairs["delivery_id"], pairs["a"], pairs["b"], strict=True),
        key=lambda r: (str(r[0]), r[1], r[2]),
    ):
        merged = spans.setdefault(key, [])
        if merged and x <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], y))
        else:
            merged.append((x, y))

    records = []
    for delivery, person, total, happened in zip(
        base["delivery_id"], base["person_id"], base[duration], base[event], strict=True
    ):
        total = int(total)
        rows: list[list] = []
        cursor = 0
        for x, y in spans.get(delivery, []):
            if x > cursor:
                rows.append([delivery, person, cursor, x, 0, 0])
            rows.append([delivery, person, x, y, 1, 0])
            cursor = y
        if cursor < total or not rows:
            rows.append([delivery, person, cursor, total, 0, 0])
        if total == 0:
            rows = [[delivery, person, 0, 0.5, 1 if spans.get(delivery) else 0, 0]]
        rows[-1][5] = int(bool(happened))
        records.extend(rows)
    out = pd.DataFrame(
        records, columns=["delivery_id", "person_id", "start", "stop", "on_moud", "event"]
    )
    if covariates:
        _require(cohort, list(covariates), "cohort")
        extra = cohort[["delivery_id", *covariates]]
        out = out.merge(extra, on="delivery_id", how="left")
    return out


def _require(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(
            f"{name} lacks column(s) {', '.join(missing)}", file=name, field=missing[0]
        )
