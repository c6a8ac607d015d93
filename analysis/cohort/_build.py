"""``build_cohort``: one row per delivery with exposure at delivery, follow-up and outcomes.

The rules are stated with citations and worked examples in docs/cohort.md; each has a test on
a hand-built fixture in tests/analysis/cohort/.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.cohort._enrolment import cohort_entry
from analysis.cohort._exposure import (
    MOUD_HIERARCHY,
    exposure_at_delivery,
    extend_over_admission,
    lookback_observed,
    moud_group,
    moud_status,
)
from analysis.cohort._followup import outcomes
from analysis.cohort._inputs import (
    check_deliveries,
    check_events,
    next_delivery_days,
    resolve_data_end,
)
from analysis.cohort._retention import retention
from analysis.cohort._timevarying import START_SUFFIX, dated_services
from analysis.episodes import derive_episodes
from analysis.errors import AnalysisError, CohortWarning

log = logging.getLogger(__name__)

DERIVED_COLUMNS = [
    "moud_at_delivery",
    "moud_recent",
    "moud_status",
    "moud_group",
    "moud_episode",
    "lookback_observed",
    "days_on_moud",
    "discontinued",
    "discontinued_status",
    "followup_days",
    "followup_end",
    "days_to_relapse",
    "relapse",
    "days_to_overdose",
    "overdose",
    "overdose_status",
    "overdose_events",
    "days_to_fatal_overdose",
    "fatal_overdose_status",
    "death",
    "repeat_delivery",
]


def build_cohort(
    deliveries: pd.DataFrame,
    dispensing: pd.DataFrame,
    events: pd.DataFrame,
    gap_days: int = 30,
    follow_up_days: int = 365,
    data_end: str | dt.date | pd.Timestamp | None = None,
    *,
    moud_window_days: int = 30,
    lookback_days: int = 90,
    bridge_delivery_gap: bool = False,
    moud_hierarchy: Sequence[str] = MOUD_HIERARCHY,
    carryover: bool = False,
    discontinuation_time: str = "supply_end",
    vital_data_end: str | dt.date | pd.Timestamp | None = None,
    enrolment: pd.DataFrame | None = None,
    enrolment_gap_days: int = 31,
    first_delivery_only: bool = False,
    min_delivery_interval_days: int = 0,
    next_conception_days: int | None = None,
    overdose_merge_days: int = 1,
    engine: str = "duckdb",
    episodes: pd.DataFrame | None = None,
    **episode_options: Any,
) -> pd.DataFrame:
    """One row per delivery: every delivery column plus the derived columns below.

    Days are whole days from delivery (day 0). Rules and sources: docs/cohort.md.

    * ``moud_at_delivery`` — drug(s) whose supply covers the delivery date
      (``"buprenorphine"``, ``"buprenorphine,methadone"`` when two cover it), else
      ``"none"``. Fixed at delivery: a later switch does not change it. No look-ahead by
      default: a delivery in a gap that only a refill after delivery bridges is ``"none"``;
      ``bridge_delivery_gap=True`` (a sensitivity analysis) counts it as covered. A supply
      running on the ``admission_date`` of the delivery stay (when the deliveries give it)
      is paused during the stay (lengthened by ``discharge_date - admission_date``).
    * ``moud_recent`` — for ``"none"``: the drug(s) of treatment that ended at most
      ``moud_window_days`` uncovered days before delivery, else ``""``.
    * ``moud_status`` — ``"current"``, ``"recent"`` or ``"none"`` (a reference group without
      the recently stopped); ``moud_group`` — one drug, a combination collapsed to its first
      drug in ``moud_hierarchy``.
    * ``moud_episode`` — the covering episode's number (``<NA>`` when none).
    * ``lookback_observed`` — covered for the whole ``lookback_days`` before delivery
      (``coverage_start_date``); ``<NA>`` when the data has no coverage start.
    * ``followup_days`` — the earliest of ``follow_up_days``, ``data_end``, the last covered
      day, the next delivery of the person, and death; ``followup_end`` names which.
    * ``discontinued`` — the covering episode's supply ended and the ``gap_days`` after it
      lie within follow-up (otherwise censored). ``days_on_moud`` on one time scale
      (``discontinuation_time``): ``"supply_end"`` (default) dates a discontinuation at the
      supply end ``s`` and censors an unobservable gap at ``min(s, followup_days)``;
      ``"gap_end"`` dates it at ``s + gap_days`` and censors at ``followup_days``; 0 when
      ``"none"``. ``discontinued_status`` 0 censored, 1 discontinued, 2 death first (death
      competes with discontinuation).
    * ``overdose_status`` (0 censored, 1 any overdose, 2 death from other causes) and
      ``days_to_overdose`` — within ``followup_days`` (censored at loss of coverage);
      ``overdose`` the 0/1 form; ``days_to_relapse``/``relapse`` likewise.
    * ``fatal_overdose_status`` (0, 1 fatal overdose, 2 other death) and
      ``days_to_fatal_overdose`` — from vital records, followed to the horizon, the data end,
      the next delivery or death, not cut at loss of coverage; ``death`` died then.
    * ``repeat_delivery`` — the person has more than one delivery (cluster on ``person_id``).
    * ``X_at_delivery`` for every dated service ``X`` (a column with ``X_start_date``): the
      service had started by the delivery date (the baseline-safe version of ``X``).

    ``data_end`` (a date) is the end of the data extract; when not given, the latest fill,
    event or delivery date is used and logged. Episodes come from
    :func:`analysis.episodes.derive_episodes` (``gap_days``, ``carryover``, ``engine``,
    ``episode_options``) unless ``episodes`` is given. ``attrs["data_end"]`` and
    ``attrs["settings"]`` record what was used.

    With the demo study's tables (``fills`` is its dispensing table):

    >>> cohort = build_cohort(deliveries, fills, events, data_end="2025-06-30")
    >>> cohort["delivery_id"].is_unique, set(cohort["overdose_status"]) <= {0, 1, 2}
    (True, True)
    """
    for name, value in (
        ("gap_days", gap_days),
        ("follow_up_days", follow_up_days),
        ("moud_window_days", moud_window_days),
        ("lookback_days", lookback_days),
        ("enrolment_gap_days", enrolment_gap_days),
        ("overdose_merge_days", overdose_merge_days),
        ("min_delivery_interval_days", min_delivery_interval_days),
        ("next_conception_days", 0 if next_conception_days is None else next_conception_days),
    ):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise AnalysisError(f"{name} must be a whole number >= 0, got {value!r}", field=name)
    if dispensing is None:
        raise AnalysisError(
            "dispensing is needed: moud_at_delivery is the drug whose supply covers the "
            "delivery date, which only the fills tell",
            field="dispensing",
        )
    everyone = check_deliveries(deliveries)
    ev_all = check_events(events, everyone)
    base, kept, real, exclusions = cohort_entry(
        everyone,
        enrolment,
        enrolment_gap_days=enrolment_gap_days,
        first_delivery_only=first_delivery_only,
        min_delivery_interval_days=min_delivery_interval_days,
    )
    notes: list[str] = []
    if exclusions:
        text = "; ".join(f"{reason}: {count}" for reason, count in exclusions.items())
        notes.append(f"{int((~kept).sum())} of {len(base)} deliveries excluded ({text})")
        log.warning("%s", notes[-1])
    dispensing, paused = extend_over_admission(base, dispensing)
    if paused:
        log.info("%d fill(s) running at a delivery admission paused during the stay", paused)
        if episodes is not None:
            log.warning(
                "episodes were given: the %d fill(s) paused during a delivery stay change the "
                "labels but not the given episodes; derive the episodes here instead",
                paused,
            )
    if episodes is None:
        episodes = derive_episodes(
            dispensing, gap_days=gap_days, carryover=carryover, engine=engine, **episode_options
        )
    eps = episodes[["person_id", "episode", "start", "end"]].copy()
    eps["person_id"] = eps["person_id"].astype(str)
    for column in ("start", "end"):
        eps[column] = pd.to_datetime(eps[column]).astype("datetime64[ns]")
    fills = pd.DataFrame(
        {
            "person_id": dispensing["person_id"].astype(str).to_numpy(),
            "fill_date": pd.to_datetime(dispensing["fill_date"]).dt.normalize().to_numpy(),
            "drug": dispensing["drug"].astype(str).to_numpy(),
            "days_supply": pd.to_numeric(dispensing["days_supply"]).to_numpy(),
        }
    )
    no_fills = ~base["person_id"].isin(set(eps["person_id"]))
    if no_fills.any():
        log.info(
            "%d of %d deliveries: person has no dispensing records (moud_at_delivery 'none')",
            int(no_fills.sum()),
            len(base),
        )
    end = resolve_data_end(data_end, base, fills, ev_all)
    if data_end is None:
        notes.append(
            f"data_end not given: follow-up ends at the latest record in the data, "
            f"{end.date()}; claims lag, so set outcomes.data_end to the date the extract ends"
        )
        warnings.warn(notes[-1], CohortWarning, stacklevel=2)
    vital_end = (
        end if vital_data_end is None else resolve_data_end(vital_data_end, base, fills, ev_all)
    )
    # a later delivery ends the follow-up of the one before even when it is excluded
    next_delivery = np.full(len(base), np.nan)
    next_delivery[real] = next_delivery_days(base[real].reset_index(drop=True))
    if next_conception_days is not None:  # sensitivity: end at the estimated next conception
        next_delivery = np.maximum(next_delivery - next_conception_days, 0)
    next_delivery = next_delivery[kept]
    base = base[kept].reset_index(drop=True)
    ev = ev_all[ev_all["delivery_id"].isin(set(base["delivery_id"]))]
    if len(ev) < len(ev_all):
        notes.append(f"{len(ev_all) - len(ev)} event(s) filed under excluded deliveries not used")
        log.warning("%s", notes[-1])
    _warn_events_after_next_delivery(base, ev, next_delivery)
    exposure = exposure_at_delivery(
        base,
        fills,
        eps,
        moud_window_days=moud_window_days,
        bridge_delivery_gap=bridge_delivery_gap,
    )
    result = outcomes(
        base,
        ev,
        horizon=follow_up_days,
        data_end=end,
        vital_data_end=vital_end,
        next_delivery=next_delivery,
        overdose_merge_days=overdose_merge_days,
    )
    followup = result["followup_days"].to_numpy(np.int64)
    negative = followup < 0
    if negative.any():  # unreachable after the checks above; kept as the last guard
        row = int(np.flatnonzero(negative)[0]) + 1
        raise AnalysisError("negative follow-up", file="deliveries", row=row, field="delivery_date")
    days_on, discontinued, discontinued_status = retention(
        exposure["supply_end_day"].to_numpy(float),
        followup,
        (result["followup_end"] == "death").to_numpy(),
        gap_days=gap_days,
        discontinuation_time=discontinuation_time,
    )

    out = deliveries[kept].copy().reset_index(drop=True)
    out["moud_at_delivery"] = exposure["moud_at_delivery"].to_numpy()
    out["moud_recent"] = exposure["moud_recent"].to_numpy()
    out["moud_status"] = moud_status(out["moud_at_delivery"], out["moud_recent"])
    out["moud_group"] = moud_group(out["moud_at_delivery"], moud_hierarchy)
    out["moud_episode"] = exposure["moud_episode"].to_numpy()
    out["lookback_observed"] = lookback_observed(base, lookback_days).to_numpy()
    out["days_on_moud"] = days_on
    out["discontinued"] = discontinued
    out["discontinued_status"] = discontinued_status
    for column in result.columns:
        out[column] = result[column].to_numpy()
    counts = base["person_id"].map(everyone["person_id"].value_counts())
    out["repeat_delivery"] = (counts > 1).to_numpy()
    for service, start in dated_services(out).items():
        if f"{service}_at_delivery" in deliveries.columns:
            continue
        begun = pd.to_datetime(out[start])
        started = pd.Series((begun <= base["delivery_date"]).to_numpy(), dtype="boolean")
        started[begun.isna().to_numpy()] = pd.NA
        # Kleene logic: no service -> False; a service with no start date -> <NA>
        value = out[service].astype("boolean") & started
        out[f"{service}_at_delivery"] = value if value.isna().any() else value.astype(bool)
    if base["coverage_start_date"].isna().all() and len(base):
        notes.append(
            "no coverage start in the data: lookback_observed is unknown for every delivery "
            "and no delivery is excluded for a short lookback"
        )
        warnings.warn(notes[-1], CohortWarning, stacklevel=2)
    out.attrs = {
        "data_end": end.date().isoformat(),
        "vital_data_end": vital_end.date().isoformat(),
        "exclusions": exclusions,
        "warnings": notes,
        "settings": {
            "gap_days": gap_days,
            "follow_up_days": follow_up_days,
            "moud_window_days": moud_window_days,
            "lookback_days": lookback_days,
            "bridge_delivery_gap": bridge_delivery_gap,
            "moud_hierarchy": list(moud_hierarchy),
            "carryover": carryover,
            "discontinuation_time": discontinuation_time,
            "enrolment_gap_days": enrolment_gap_days if enrolment is not None else None,
            "first_delivery_only": first_delivery_only,
            "overdose_merge_days": overdose_merge_days,
            "min_delivery_interval_days": min_delivery_interval_days,
            "next_conception_days": next_conception_days,
        },
        "start_suffix": START_SUFFIX,
        "derived_windows": {
            **{
                name: [-moud_window_days, 0]
                for name in ("moud_at_delivery", "moud_recent", "moud_status", "moud_group")
            },
            "lookback_observed": [-lookback_days, 0],
            **{f"{s}_at_delivery": [None, 0] for s in dated_services(deliveries)},
        },
    }
    return out


def _warn_events_after_next_delivery(
    base: pd.DataFrame, ev: pd.DataFrame, next_delivery: np.ndarray
) -> None:
    """Events filed under a delivery but dated after the person's next delivery fall outside
    that delivery's follow-up: say so (with the first events row) rather than drop them
    silently; they may belong to the later delivery."""
    limit = pd.Series(next_delivery, index=base["delivery_id"].to_numpy())
    late = ev["day"].to_numpy(float) > ev["delivery_id"].map(limit).to_numpy(float)
    if late.any():
        first = int(ev["row"].to_numpy()[late][0])
        log.warning(
            "%d event(s) are dated after the next delivery of the same person (first: events "
            "row %d); they lie outside the follow-up of the delivery they are filed under",
            int(late.sum()),
            first,
        )
