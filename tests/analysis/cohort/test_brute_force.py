"""build_cohort against a brute-force restatement of the rules of docs/cohort.md, day by day.

The reference below shares no code with analysis.cohort or analysis.episodes: for each
delivery it marks every covered day in a boolean array from the raw fills, walks the array to
find the stretch of treatment around the delivery date (uncovered runs of at most gap_days
join stretches), and applies the follow-up, discontinuation and outcome rules literally. The
random data make the hard cases common: gaps near the permissible gap, supplies ending on the
delivery date, switches, coverage ending inside a gap, deaths, repeat deliveries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.cohort import build_cohort

GAP = 14
WINDOW = 10
HORIZON = 120
DATA_END = pd.Timestamp("2024-01-31")
DRUGS = ["buprenorphine", "methadone", "naltrexone"]


def random_study(seed: int, persons: int = 60):
    rng = np.random.default_rng(seed)
    births, fills, events = [], [], []
    for p in range(persons):
        person = f"p{p:03d}"
        day0 = pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(rng.integers(0, 300)))  # to 10-28
        dates = [day0]
        if rng.random() < 0.2:  # a second delivery 60-200 days later
            dates.append(day0 + pd.Timedelta(days=int(rng.integers(60, 90))))
        for k, date in enumerate(dates):
            coverage_end = (
                date + pd.Timedelta(days=int(rng.integers(0, 150))) if rng.random() < 0.3 else None
            )
            births.append((f"{person}d{k}", person, date, coverage_end))
        day = int(rng.integers(-80, 10))
        for _ in range(int(rng.integers(0, 10))):
            supply = int(rng.choice([1, 7, 14, 28, 30]))
            fills.append(
                (person, day0 + pd.Timedelta(days=day), DRUGS[int(rng.integers(0, 3))], supply)
            )
            day += supply + int(rng.choice([-3, 0, 2, GAP - 1, GAP, GAP + 1, 25]))
        for k, date in enumerate(dates):
            for kind in ("overdose_nonfatal", "return_to_use", "overdose_fatal", "death_other"):
                if rng.random() < 0.15:
                    when = date + pd.Timedelta(days=int(rng.integers(0, 150)))
                    if kind in ("overdose_fatal", "death_other") and k + 1 < len(dates):
                        continue  # she delivers again: no death after the earlier delivery
                    events.append((person, f"{person}d{k}", when, kind))
    deliveries = pd.DataFrame(
        births, columns=["delivery_id", "person_id", "delivery_date", "coverage_end_date"]
    )
    deliveries["coverage_end_date"] = pd.to_datetime(deliveries["coverage_end_date"])
    dispensing = pd.DataFrame(fills, columns=["person_id", "fill_date", "drug", "days_supply"])
    dispensing["claim_id"] = [f"c{i:05d}" for i in range(len(dispensing))]
    ev = pd.DataFrame(events, columns=["person_id", "delivery_id", "event_date", "event_type"])
    # keep one death per person (the first), as vital records would
    deaths = ev[ev["event_type"].isin(["overdose_fatal", "death_other"])].sort_values("event_date")
    ev = ev.drop(deaths.index[deaths.duplicated("person_id")])
    ev.insert(0, "event_id", [f"e{i}" for i in range(len(ev))])
    return deliveries, dispensing, ev.reset_index(drop=True)


def reference(
    deliveries, dispensing, events, bridge: bool = True, scale: str = "supply_end"
) -> pd.DataFrame:
    rows = []
    for d in deliveries.itertuples():
        day0 = d.delivery_date
        lo, hi = -800, 800  # days from delivery covered by the arrays
        covered = np.zeros(hi - lo, dtype=bool)
        mine = dispensing[dispensing["person_id"] == d.person_id]
        for f in mine.itertuples():
            a = (f.fill_date - day0).days - lo
            covered[max(a, 0) : max(a + f.days_supply, 0)] = True
        at = -lo  # index of the delivery day

        def last_covered_before(i, covered=covered):  # last covered index < i, or None
            idx = np.flatnonzero(covered[:i])
            return idx[-1] if len(idx) else None

        def next_covered_from(i, covered=covered):
            idx = np.flatnonzero(covered[i:])
            return i + idx[0] if len(idx) else None

        if covered[at]:
            on = True
        else:
            before, after = last_covered_before(at), next_covered_from(at)
            bridged = before is not None and after is not None and after - before - 1 <= GAP
            on = bridge and bridged
        label, recent, supply_end = "none", "", np.nan
        if on:
            here = mine[
                (mine["fill_date"] <= day0)
                & (mine["fill_date"] + pd.to_timedelta(mine["days_supply"], unit="D") > day0)
            ]
            if here.empty:  # inside a bridged gap: the latest fill on or before delivery
                here = mine[
                    mine["fill_date"] == mine.loc[mine["fill_date"] <= day0, "fill_date"].max()
                ]
            label = ",".join(sorted(set(here["drug"])))
            # walk forward: the stretch ends at the first uncovered run longer than GAP
            i = at
            while True:
                while i < len(covered) and covered[i]:
                    i += 1
                nxt = next_covered_from(i)
                if nxt is None or nxt - i > GAP:
                    break
                i = nxt
            supply_end = i + lo  # first uncovered day, days from delivery
        else:
            before = last_covered_before(at + 1)
            if before is not None and at - (before + 1) <= WINDOW:
                last = mine.loc[mine["fill_date"] <= day0, "fill_date"].max()
                recent = ",".join(sorted(set(mine.loc[mine["fill_date"] == last, "drug"])))
        # follow-up
        mine_ev = events[events["delivery_id"] == d.delivery_id]
        day = {
            kind: min(
                ((e - day0).days for e in mine_ev.loc[mine_ev["event_type"] == kind, "event_date"]),
                default=np.inf,
            )
            for kind in ("overdose_nonfatal", "return_to_use", "overdose_fatal", "death_other")
        }
        later = deliveries[
            (deliveries["person_id"] == d.person_id) & (deliveries["delivery_date"] > day0)
        ]
        next_day = (later["delivery_date"].min() - day0).days if len(later) else np.inf
        cover = (d.coverage_end_date - day0).days if pd.notna(d.coverage_end_date) else np.inf
        death = min(day["overdose_fatal"], day["death_other"])
        vital = min(HORIZON, (DATA_END - day0).days, next_day, death)
        claims = min(vital, cover)
        discontinued = on and supply_end + GAP <= claims
        # one time scale: on the supply-end scale the event is day supply_end and a gap that
        # cannot be observed is censored there (or at the end of follow-up if earlier); on the
        # gap-end scale the event is supply_end + GAP and censoring is at follow-up's end.
        if not on:
            days_on, disc_status = 0, 0
        elif scale == "supply_end":
            days_on = supply_end if discontinued else min(supply_end, claims)
            died_first = death == claims and death <= supply_end
            disc_status = 1 if discontinued else (2 if died_first else 0)
        else:
            days_on = supply_end + GAP if discontinued else claims
            disc_status = 1 if discontinued else (2 if death == claims else 0)
        overdose = min(day["overdose_nonfatal"], day["overdose_fatal"])
        if overdose <= claims:
            status, t = 1, overdose
        elif day["death_other"] <= claims:
            status, t = 2, day["death_other"]
        else:
            status, t = 0, claims
        if day["overdose_fatal"] <= vital:
            fatal, tf = 1, day["overdose_fatal"]
        elif day["death_other"] <= vital:
            fatal, tf = 2, day["death_other"]
        else:
            fatal, tf = 0, vital
        rows.append(
            {
                "delivery_id": d.delivery_id,
                "moud_at_delivery": label,
                "moud_recent": recent,
                "followup_days": int(claims),
                "discontinued": bool(discontinued),
                "days_on_moud": int(days_on),
                "discontinued_status": disc_status,
                "overdose_status": status,
                "days_to_overdose": int(t),
                "fatal_overdose_status": fatal,
                "days_to_fatal_overdose": int(tf),
            }
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("bridge", "scale"), [(True, "supply_end"), (False, "supply_end"), (False, "gap_end")]
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_build_cohort_equals_the_day_by_day_reference(seed, bridge, scale):
    deliveries, dispensing, events = random_study(seed)
    got = build_cohort(
        deliveries,
        dispensing,
        events,
        gap_days=GAP,
        follow_up_days=HORIZON,
        data_end=DATA_END,
        moud_window_days=WINDOW,
        engine="pandas",
        bridge_delivery_gap=bridge,
        discontinuation_time=scale,
    )
    want = reference(deliveries, dispensing, events, bridge=bridge, scale=scale)
    columns = list(want.columns)
    pd.testing.assert_frame_equal(got[columns].reset_index(drop=True), want, check_dtype=False)
    # the data exercise every branch
    assert {"none"} < set(got["moud_at_delivery"]) and got["discontinued"].any()
    assert (got["moud_recent"] != "").sum() >= 5
    assert set(got["overdose_status"]) == {0, 1, 2}
    assert set(got["fatal_overdose_status"]) >= {0, 1}
    assert set(got["discontinued_status"]) >= {0, 1}
