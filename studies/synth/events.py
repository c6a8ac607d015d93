"""Outcome events after each delivery, drawn from piecewise-constant hazards.

For each delivery, follow-up ``(0, HORIZON_DAYS]`` is cut into segments at the postpartum
periods (90, 180, 365 days), at every start and end of a true treatment span and 28 days after
each stop; on each segment the events of each type arrive as a Poisson process with a daily
rate

    rate = base[type] * period[type][p] * (off_moud[type] if not on MOUD)
           * (recent_stop[type] in the first 28 days after stopping) * covariates,

so that overdose risk is
about three times higher after discontinuation (six times in its first four weeks) and highest
7-12 months postpartum (Schiff et al., Obstet Gynecol 2018: overdose events were lowest in the
third trimester and highest 7-12 months after delivery). Return to use is kept only at its
first occurrence; non-fatal overdoses may repeat. The first death (fatal overdose or other
cause) ends follow-up. Loss of coverage follows the Medicaid rules of the time: before the
April 2022 postpartum extension many lost Medicaid about 60 days after delivery.

After loss of coverage, claims no longer see return to use or non-fatal overdoses, so those
are dropped (deaths still come from vital records); dispensing stops on the coverage end date.
For a person's first of two deliveries no death is simulated (she has a later delivery).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.cohort import EVENT_TYPES  # one list of event types; the order matters here
from studies.synth.cohort import HORIZON_DAYS, CohortTruth, _ids

PERIOD_BOUNDS = (0, 90, 180, 365)
#: Daily base rates on MOUD, the multipliers by postpartum period (0-90, 91-180, 181-365,
#: 366+ days) and the multiplier when not on MOUD.
BASE_RATE = {
    "return_to_use": 0.0004,
    "overdose_nonfatal": 0.00005,
    "overdose_fatal": 0.000004,
    "death_other": 0.000008,
}
PERIOD_MULTIPLIER = {
    "return_to_use": (1.0, 1.0, 1.0, 1.0),
    "overdose_nonfatal": (0.7, 1.1, 2.0, 1.4),
    "overdose_fatal": (0.7, 1.1, 2.0, 1.4),
    "death_other": (1.0, 1.0, 1.0, 1.0),
}
OFF_MOUD_MULTIPLIER = {
    "return_to_use": 5.0,
    "overdose_nonfatal": 3.0,
    "overdose_fatal": 3.0,
    "death_other": 1.0,
}
#: The first four weeks after stopping MOUD carry extra risk on top of being off MOUD (lost
#: tolerance): Sordo et al., BMJ 2017 (357:j1550) found mortality highest in the first four
#: weeks after leaving methadone or buprenorphine treatment.
RECENT_STOP_DAYS = 28
RECENT_STOP_MULTIPLIER = {
    "return_to_use": 1.5,
    "overdose_nonfatal": 2.0,
    "overdose_fatal": 2.0,
    "death_other": 1.0,
}
MEDICAID_EXTENSION = np.datetime64("2022-04-01")


@dataclass(frozen=True)
class EventTruth:
    """The ``events`` table plus per-delivery cut-offs used by the dispensing generator.

    ``death_day`` and ``coverage_end_day`` are days from delivery (``HORIZON_DAYS + 1`` when
    none); ``segments`` holds the follow-up segments with ``delivery, start, end, on_moud,
    recently_stopped, period`` (``(start, end]`` in days) for checking rates.
    """

    events: pd.DataFrame
    death_day: np.ndarray
    coverage_end_day: np.ndarray
    segments: pd.DataFrame


def _segments(n: int, spans: pd.DataFrame) -> pd.DataFrame:
    """Cut each delivery's follow-up at the period bounds and the span starts/ends."""
    s_delivery = spans["delivery"].to_numpy()
    s_start = np.clip(spans["start"].to_numpy(), 0, HORIZON_DAYS)
    s_end = np.clip(spans["end"].to_numpy(), 0, HORIZON_DAYS)
    keep = s_end > s_start
    stopped = keep & spans["ended"].to_numpy()
    after = np.minimum(s_end[stopped] + RECENT_STOP_DAYS, HORIZON_DAYS)
    bounds = np.array((*PERIOD_BOUNDS, HORIZON_DAYS))
    delivery = np.concatenate(
        [
            np.repeat(np.arange(n), bounds.size),
            s_delivery[keep],
            s_delivery[keep],
            s_delivery[stopped],
        ]
    )
    point = np.concatenate([np.tile(bounds, n), s_start[keep], s_end[keep], after])
    delta = np.concatenate(
        [
            np.zeros(n * bounds.size, dtype=np.int64),
            np.ones(keep.sum(), dtype=np.int64),
            -np.ones(keep.sum(), dtype=np.int64),
            np.zeros(stopped.sum(), dtype=np.int64),
        ]
    )
    order = np.lexsort((-delta, point, delivery))  # ends (-1) after starts at the same point
    delivery, point, delta = delivery[order], point[order], delta[order]
    active = np.cumsum(delta)
    same = delivery[:-1] == delivery[1:]
    seg_start, seg_end = point[:-1], point[1:]
    on = active[:-1] > 0
    valid = same & (seg_end > seg_start)
    seg_start, seg_end = seg_start[valid], seg_end[valid]
    seg_delivery = delivery[:-1][valid]
    on = on[valid]
    period = np.searchsorted(np.array(PERIOD_BOUNDS), seg_start, side="right") - 1
    # Days since the latest stop of the same delivery at or before the segment start.
    key = HORIZON_DAYS + 1
    stop_key = np.sort(s_delivery[stopped] * key + s_end[stopped])
    at = np.searchsorted(stop_key, seg_delivery * key + seg_start, side="right") - 1
    found = at >= 0
    last_stop = stop_key[np.maximum(at, 0)]
    found &= last_stop // key == seg_delivery
    recent = found & ~on & (seg_start - last_stop % key < RECENT_STOP_DAYS)
    return pd.DataFrame(
        {
            "delivery": seg_delivery,
            "start": seg_start,
            "end": seg_end,
            "on_moud": on,
            "recently_stopped": recent,
            "period": period,
        }
    )


def simulate_events(truth: CohortTruth, rng: np.random.Generator) -> EventTruth:
    """Draw the events of every delivery in ``truth`` (see the module docstring).

    >>> import numpy as np
    >>> from studies.synth.cohort import simulate_deliveries
    >>> truth = simulate_deliveries(1000, np.random.default_rng(1))
    >>> outcome = simulate_events(truth, np.random.default_rng(2))
    >>> returns = outcome.events[outcome.events["event_type"] == "return_to_use"]
    >>> returns["delivery_id"].is_unique             # kept at its first occurrence only
    True
    """
    deliveries = truth.deliveries
    n = len(deliveries)
    seg = _segments(n, truth.spans)
    d = seg["delivery"].to_numpy()
    length = (seg["end"] - seg["start"]).to_numpy().astype(float)
    pmad = deliveries["pmad"].to_numpy()[d]
    housing = deliveries["housing_instability"].to_numpy()[d]
    off = ~seg["on_moud"].to_numpy()
    recent = seg["recently_stopped"].to_numpy()
    period = seg["period"].to_numpy()
    no_death = truth.has_later_delivery[d]

    delivery_out, day_out, type_out = [], [], []
    for code, name in enumerate(EVENT_TYPES[:4]):
        rate = BASE_RATE[name] * np.array(PERIOD_MULTIPLIER[name])[period]
        rate = rate * np.where(off, OFF_MOUD_MULTIPLIER[name], 1.0)
        rate = rate * np.where(recent, RECENT_STOP_MULTIPLIER[name], 1.0)
        if name != "death_other":
            rate = rate * np.where(pmad, 1.3, 1.0) * np.where(housing, 1.5, 1.0)
        if name in ("overdose_fatal", "death_other"):
            rate = np.where(no_death, 0.0, rate)
        count = rng.poisson(rate * length)
        where = np.repeat(np.arange(d.size), count)
        # Event day in (start, end]: day 1 is the first day after delivery.
        offset = np.floor(rng.random(where.size) * length[where]).astype(np.int64)
        delivery_out.append(d[where])
        day_out.append(seg["start"].to_numpy()[where] + 1 + offset)
        type_out.append(np.full(where.size, code))
    delivery = np.concatenate(delivery_out)
    day = np.concatenate(day_out)
    etype = np.concatenate(type_out)

    # First death ends follow-up.
    death_day = np.full(n, HORIZON_DAYS + 1, dtype=np.int64)
    is_death = (etype == 2) | (etype == 3)
    np.minimum.at(death_day, delivery[is_death], day[is_death])

    # Coverage loss.
    insurance = deliveries["insurance"].to_numpy()
    dates = deliveries["delivery_date"].to_numpy().astype("datetime64[D]")
    u = rng.random(n)
    early_rule = (insurance == "medicaid") & (dates < MEDICAID_EXTENSION)
    lose = np.select(
        [early_rule, insurance == "medicaid", insurance == "private"],
        [u < 0.15, u < 0.04, u < 0.05],
        False,
    )
    loss_day = np.where(
        early_rule,
        60 + rng.integers(0, 15, n),
        rng.integers(1, HORIZON_DAYS, n),
    )
    coverage_end_day = np.where(lose, loss_day, HORIZON_DAYS + 1)
    coverage_end_day = np.where(coverage_end_day < death_day, coverage_end_day, HORIZON_DAYS + 1)
    has_loss = np.flatnonzero(coverage_end_day <= HORIZON_DAYS)
    # The coverage_loss event is dated the day after the last covered day.
    delivery = np.concatenate([delivery, has_loss])
    day = np.concatenate([day, coverage_end_day[has_loss] + 1])
    etype = np.concatenate([etype, np.full(has_loss.size, 4)])

    # Keep: first return to use; nothing after death (except the death itself, which is the
    # first death); claims-only events not after the coverage end.
    keep = day <= death_day[delivery]
    keep &= ~(is_death_type := ((etype == 2) | (etype == 3))) | (day == death_day[delivery])
    claims_only = (etype == 0) | (etype == 1)
    keep &= ~claims_only | (day <= coverage_end_day[delivery])
    keep &= (etype != 4) | (day <= HORIZON_DAYS)
    delivery, day, etype = delivery[keep], day[keep], etype[keep]
    is_death_type = is_death_type[keep]
    # Deduplicate: one death per delivery, first return to use only.
    order = np.lexsort((etype, day, delivery))
    delivery, day, etype = delivery[order], day[order], etype[order]
    first_of_kind = np.ones(delivery.size, dtype=bool)
    for codes in ((0,), (2, 3)):
        mask = np.isin(etype, codes)
        idx = np.flatnonzero(mask)
        dup = np.zeros(idx.size, dtype=bool)
        dup[1:] = delivery[idx][1:] == delivery[idx][:-1]
        first_of_kind[idx[dup]] = False
    # Two non-fatal overdoses of one person on one day are one event.
    same_day = np.zeros(delivery.size, dtype=bool)
    same_day[1:] = (
        (delivery[1:] == delivery[:-1]) & (day[1:] == day[:-1]) & (etype[1:] == etype[:-1])
    )
    keep = first_of_kind & ~same_day
    delivery, day, etype = delivery[keep], day[keep], etype[keep]

    events = pd.DataFrame(
        {
            "event_id": _ids("E", np.arange(1, delivery.size + 1), max(delivery.size, 1)),
            "person_id": deliveries["person_id"].to_numpy()[delivery],
            "delivery_id": deliveries["delivery_id"].to_numpy()[delivery],
            "event_date": (dates[delivery] + day.astype("timedelta64[D]")).astype("datetime64[ns]"),
            "event_type": np.array(EVENT_TYPES, dtype=object)[etype],
        }
    )
    return EventTruth(events, death_day, coverage_end_day, seg)
