"""Shared helpers for the episode tests: fills builders, random fills, an oracle."""

from __future__ import annotations

import numpy as np
import pandas as pd

DRUGS = ["buprenorphine", "methadone", "naltrexone"]


def fills(rows: list[tuple]) -> pd.DataFrame:
    """(person, date, drug, days[, claim]) tuples -> a fills frame; claims default c01, c02…"""
    records = []
    for i, row in enumerate(rows, start=1):
        person, date, drug, days, *claim = row
        records.append(
            {
                "person_id": person,
                "fill_date": pd.Timestamp(date),
                "drug": drug,
                "days_supply": days,
                "claim_id": claim[0] if claim else f"c{i:02d}",
            }
        )
    return pd.DataFrame(records)


def random_fills(seed: int, persons: int = 40, max_fills: int = 12) -> pd.DataFrame:
    """Random fills with the hard cases made common: same-day fills, early refills, exact
    gap boundaries (gaps drawn near 7/14/30), drug switches, and claim ids whose order
    differs from input order."""
    rng = np.random.default_rng(seed)
    records = []
    claim = 0
    for p in range(persons):
        day = int(rng.integers(0, 60))
        for _ in range(int(rng.integers(1, max_fills + 1))):
            supply = int(rng.choice([1, 3, 7, 14, 28, 30, 31, 90]))
            drug = DRUGS[int(rng.choice(3, p=[0.5, 0.4, 0.1]))]
            claim += 1
            records.append(
                {
                    "person_id": f"p{p:03d}",
                    "fill_date": pd.Timestamp("2023-01-01") + pd.Timedelta(days=day),
                    "drug": drug,
                    "days_supply": supply,
                    "claim_id": f"k{int(rng.integers(0, 10**6)):06d}-{claim}",
                }
            )
            step = rng.choice(
                [
                    0,
                    int(rng.integers(1, supply + 1)),
                    supply + int(rng.integers(6, 9)),
                    supply + int(rng.integers(13, 16)),
                    supply + int(rng.integers(29, 32)),
                    supply + int(rng.integers(40, 120)),
                ]
            )
            day += int(step)
    frame = pd.DataFrame(records)
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def interval_oracle(
    frame: pd.DataFrame, gap_days: int, per_drug: bool = False, carryover: bool = False
) -> pd.DataFrame:
    """Episodes by a different route: mark the covered days of each person on a calendar,
    then join covered stretches separated by at most ``gap_days`` uncovered days.

    Without carry-over a day is covered when some fill's ``[fill_date, fill_date + days)``
    contains it. With carry-over the calendar is a stockpile simulation: each day the
    day's fills are added to the stock, and a day is covered (and consumes one day of
    stock) when the stock is positive. Returns ``person_id, start, end, n_fills, drugs``
    sorted like the engines."""
    out = []
    keys = ["person_id", "drug"] if per_drug else ["person_id"]
    for key, group in frame.groupby(keys):
        person = key[0]
        origin = group["fill_date"].min()
        first = (group["fill_date"] - origin).dt.days.to_numpy()
        last = first + group["days_supply"].to_numpy()
        horizon = int(first.max() + group["days_supply"].sum()) + gap_days + 2
        covered = np.zeros(max(horizon, int(last.max()) + gap_days + 2), dtype=bool)
        if carryover:
            added = np.bincount(
                first, weights=group["days_supply"].to_numpy(), minlength=len(covered)
            )
            stock = 0
            for day in range(len(covered)):
                stock += int(added[day])
                if stock > 0:
                    covered[day] = True
                    stock -= 1
        else:
            for a, b in zip(first, last, strict=True):
                covered[a:b] = True
        stretches = []
        day = 0
        while day < len(covered):
            if covered[day]:
                stop = day
                while stop < len(covered) and covered[stop]:
                    stop += 1
                if stretches and day - stretches[-1][1] <= gap_days:
                    stretches[-1][1] = stop
                else:
                    stretches.append([day, stop])
                day = stop
            else:
                day += 1
        for a, b in stretches:
            n = int(((first >= a) & (first < b)).sum())
            drugs = ",".join(sorted(set(group["drug"][(first >= a) & (first < b)])))
            out.append(
                (person, origin + pd.Timedelta(days=a), origin + pd.Timedelta(days=b), n, drugs)
            )
    result = pd.DataFrame(out, columns=["person_id", "start", "end", "n_fills", "drugs"])
    result = result.sort_values(["person_id", "start", "end", "drugs"]).reset_index(drop=True)
    return result
