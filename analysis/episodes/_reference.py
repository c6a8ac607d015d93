"""The plain-Python episode engine: one pass over each person's sorted fills.

This is ``engine="pandas"`` of :func:`analysis.episodes.derive_episodes`: the readable
statement of the rules, the reference the set-based ibis expression is tested against, and
the baseline of ``benchmarks/bench_episodes.py``. It follows the rules literally, fill by fill,
keeping the running supply end as state (see :class:`analysis.episodes._rules.EpisodeRules`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.episodes._rules import EpisodeRules

EPISODE_COLUMNS = ["person_id", "episode", "start", "end", "n_fills", "drugs"]
_EPOCH = np.datetime64("1970-01-01", "D")


def reference_episodes(fills: pd.DataFrame, rules: EpisodeRules) -> pd.DataFrame:
    """Episodes of validated fills (``person_id, fill_date, drug, days_supply, claim_id``).

    Returns one row per episode with :data:`EPISODE_COLUMNS`; ``start``/``end`` are
    ``datetime64[ns]``, ``end`` exclusive.
    """
    # the engines' total order: fills sharing a date and claim id are ordered by drug, supply
    ordered = fills.sort_values(
        ["person_id", "fill_date", "claim_id", "drug", "days_supply"], kind="mergesort"
    )
    days = (ordered["fill_date"].to_numpy().astype("datetime64[D]") - _EPOCH).astype(np.int64)
    persons = ordered["person_id"].astype(str).tolist()
    drugs = ordered["drug"].astype(str).tolist()
    supply = ordered["days_supply"].astype(np.int64).tolist()
    days_list = days.tolist()

    rows: list[tuple] = []
    # state per stream: stream key -> [previous drug, previous fill end, running end,
    # index of the open episode in `rows`]
    state: dict[tuple, list] = {}
    for person, day, drug, amount in zip(persons, days_list, drugs, supply, strict=True):
        key = (person, drug) if rules.per_drug else (person,)
        current = state.get(key)
        if current is not None and rules.drug_change_new_episode and drug != current[0]:
            current = None  # a new, independent segment
        if current is None:
            fill_end = day + amount
            state[key] = [drug, fill_end, fill_end, _open(rows, person, day, fill_end, drug)]
            continue
        previous_drug, previous_fill_end, running_end, open_index = current
        if rules.carryover == "all" or (rules.carryover == "same_drug" and drug == previous_drug):
            fill_end = max(day, previous_fill_end) + amount
        else:
            fill_end = day + amount
        if day - running_end > rules.gap_days:
            open_index = _open(rows, person, day, fill_end, drug)
            running_end = fill_end
        else:
            running_end = max(running_end, fill_end)
            episode = rows[open_index]
            episode[2] = running_end
            episode[3] += 1
            episode[4].add(drug)
        state[key] = [drug, fill_end, running_end, open_index]

    frame = pd.DataFrame(rows, columns=["person_id", "start", "end", "n_fills", "drugs"])
    if rules.append_gap:
        frame["end"] += rules.gap_days
    frame["drugs"] = [",".join(sorted(names)) for names in frame["drugs"]]
    return finish_episodes(frame)


def _open(rows: list, person: str, day: int, end: int, drug: str) -> int:
    rows.append([person, day, end, 1, {drug}])
    return len(rows) - 1


def finish_episodes(frame: pd.DataFrame) -> pd.DataFrame:
    """Number episodes per person in time order and turn day numbers into dates.

    ``frame`` has ``person_id, start, end`` (integer days since 1970-01-01), ``n_fills``,
    ``drugs``. Ties in start (possible with per-drug episodes) are ordered by end, then drugs.
    """
    frame = frame.sort_values(["person_id", "start", "end", "drugs"], kind="mergesort")
    frame = frame.reset_index(drop=True)
    frame["episode"] = frame.groupby("person_id").cumcount().astype(np.int64) + 1
    for column in ("start", "end"):
        frame[column] = (_EPOCH + frame[column].to_numpy(np.int64)).astype("datetime64[ns]")
    frame["n_fills"] = frame["n_fills"].astype(np.int64)
    frame["person_id"] = frame["person_id"].astype(object)
    frame["drugs"] = frame["drugs"].astype(object)
    return frame[EPISODE_COLUMNS]
