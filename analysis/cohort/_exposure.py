"""Exposure fixed at delivery: the drug(s) covering the delivery date, recent treatment, lookback.

Rules (docs/cohort.md, "Exposure at delivery" and "Lookback"):

* A delivery is on MOUD when a treatment episode covers the delivery date
  (``start <= delivery_date < end``; episodes join fills across gaps of at most ``gap_days``
  uncovered days, see :mod:`analysis.episodes`).
* Its label ``moud_at_delivery`` is the drug(s) of the episode's fills whose own supply
  ``[fill_date, fill_date + days_supply)`` covers the delivery date. By default a delivery in
  a gap that only a refill after delivery bridges is ``none`` (no look-ahead); with
  ``bridge_delivery_gap`` (sensitivity) it is covered, labelled with the drug(s) of the latest
  fill dated on or before delivery. A supply running at the delivery admission is paused
  during the stay (:func:`extend_over_admission`). Never the drugs
  of the whole episode: a switch months later does not change the label (that would sort
  women by how long they stayed, an immortal-time bias).
* No covering episode: ``"none"``; ``moud_recent`` holds the drug(s) of the latest fill of an
  episode that ended at most ``moud_window_days`` uncovered days before delivery (else ``""``).
* ``moud_status``: current / recent / none; ``moud_group``: one drug, combinations collapsed
  by a stated hierarchy (methadone, buprenorphine, naltrexone by default).
* ``lookback_observed``: the person was covered for the whole ``lookback_days`` before delivery
  (``coverage_start_date <= delivery_date - lookback_days``); missing when the data has no
  coverage start.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

MOUD_HIERARCHY = ("methadone", "buprenorphine", "naltrexone")


def _join(values: pd.Series) -> str:
    return ",".join(sorted(set(values)))


def exposure_at_delivery(
    base: pd.DataFrame,
    fills: pd.DataFrame,
    episodes: pd.DataFrame,
    *,
    moud_window_days: int,
    bridge_delivery_gap: bool = False,
) -> pd.DataFrame:
    """Per delivery (rows of ``base``, same order): ``moud_at_delivery``, ``moud_recent``,
    ``moud_episode`` (the covering episode's number, ``<NA>`` when none) and
    ``supply_end_day`` (days from delivery to the covering episode's supply end, NaN when
    none).

    ``bridge_delivery_gap=False`` (default) is the strict reading: a delivery falling in a
    gap that a later refill bridges is ``none`` (no look-ahead past delivery), with
    ``moud_recent`` when the last supply ended at most ``moud_window_days`` before it.
    ``True`` (a sensitivity analysis) counts the bridged delivery as covered, labelled with
    the drug(s) of the latest fill on or before delivery.
    """
    keys = base[["delivery_id", "person_id", "delivery_date"]]
    pairs = keys.merge(episodes, on="person_id", how="inner")
    pairs = pairs[pairs["start"] <= pairs["delivery_date"]]
    covering = pairs[pairs["delivery_date"] < pairs["end"]]
    lag = (pairs["delivery_date"] - pairs["end"]).dt.days
    recent = pairs[(lag >= 0) & (lag <= moud_window_days)]
    recent = recent[~recent["delivery_id"].isin(set(covering["delivery_id"]))]
    recent = recent.sort_values(["delivery_id", "end"], kind="mergesort").drop_duplicates(
        "delivery_id", keep="last"
    )

    # one pass over the fills for both sets (their deliveries are disjoint)
    found = _drugs_at(pd.concat([covering, recent], ignore_index=True), fills)
    labels = found["label"]
    at = labels[labels.index.isin(set(covering["delivery_id"]))]
    was = labels[labels.index.isin(set(recent["delivery_id"]))]
    if not bridge_delivery_gap:
        in_gap = found.index.isin(set(covering["delivery_id"])) & ~found["covered"].to_numpy()
        gap_ids = set(found.index[in_gap])
        covering = covering[~covering["delivery_id"].isin(gap_ids)]
        at = at[~at.index.isin(gap_ids)]
        near = found[in_gap & (found["uncovered_days"] <= moud_window_days).to_numpy()]
        was = pd.concat([was, near["label"]])
    spans = covering.groupby("delivery_id").agg(end=("end", "max"), episode=("episode", "max"))
    index = base["delivery_id"]
    end = pd.to_datetime(index.map(spans["end"]))
    return pd.DataFrame(
        {
            "moud_at_delivery": index.map(at).fillna("none").astype(object).to_numpy(),
            "moud_recent": index.map(was).fillna("").astype(object).to_numpy(),
            "moud_episode": pd.array(index.map(spans["episode"]).to_numpy(), dtype="Int64"),
            "supply_end_day": (end - base["delivery_date"]).dt.days.to_numpy(float),
        }
    )


def _drugs_at(chosen: pd.DataFrame, fills: pd.DataFrame) -> pd.DataFrame:
    """Drug(s) at each delivery of ``chosen`` (delivery × episode pairs): ``label`` = the
    drugs with a fill covering the delivery date, else the drug(s) of the latest fill dated on
    or before it (and not before the episode's start); ``covered`` = a fill covers the date;
    ``uncovered_days`` = days from the latest supply end to delivery (0 when covered).

    One sorted pass per drug with binary searches (no delivery × fill join, so memory stays
    proportional to the fills at a million deliveries): for each person the running maximum
    of supply ends tells whether any fill dated on or before the delivery covers it.
    """
    if chosen.empty or fills.empty:
        return pd.DataFrame(
            {"label": pd.Series(dtype=object), "covered": pd.Series(dtype=bool),
             "uncovered_days": pd.Series(dtype=float)}
        )  # fmt: skip
    target = chosen.groupby("delivery_id", sort=False).agg(
        person_id=("person_id", "first"), day0=("delivery_date", "first"), start=("start", "min")
    )
    codes, _ = pd.factorize(pd.concat([fills["person_id"], target["person_id"]], ignore_index=True))
    fill_person, person = codes[: len(fills)], codes[len(fills) :]
    fill_day = _days(fills["fill_date"])
    fill_end = fill_day + fills["days_supply"].to_numpy(np.int64)
    day0, start = _days(target["day0"]), _days(target["start"])
    low = min(int(fill_day.min()), int(start.min()))
    width = max(int(fill_day.max()), int(day0.max())) - low + 2
    wanted = person.astype(np.int64) * width + (day0 - low)
    drug_names = sorted(set(fills["drug"].astype(str)))
    covering = np.zeros((len(drug_names), len(target)), dtype=bool)
    latest = np.full((len(drug_names), len(target)), np.iinfo(np.int64).min)
    reach = np.full(len(target), np.iinfo(np.int64).min)
    drug_of = fills["drug"].astype(str).to_numpy()
    for k, name in enumerate(drug_names):
        mask = drug_of == name
        order = np.lexsort((fill_day[mask], fill_person[mask]))
        who, day, end = fill_person[mask][order], fill_day[mask][order], fill_end[mask][order]
        running = pd.Series(end).groupby(who).cummax().to_numpy()
        at = np.searchsorted(who.astype(np.int64) * width + (day - low), wanted, "right") - 1
        found = at >= 0
        found[found] = who[at[found]] == person[found]
        covering[k] = found & (running[np.maximum(at, 0)] > day0)
        latest[k] = np.where(found, day[np.maximum(at, 0)], latest[k])
        reach = np.where(found, np.maximum(reach, running[np.maximum(at, 0)]), reach)
    names = np.array(drug_names, dtype=object)
    newest = latest.max(axis=0)
    last = (latest == newest) & (newest >= start)
    pick = np.where(covering.any(axis=0), covering, last)
    labels = [",".join(names[pick[:, i]]) for i in range(len(target))]
    out = pd.DataFrame(
        {
            "label": pd.Series(labels, index=target.index, dtype=object),
            "covered": covering.any(axis=0),
            "uncovered_days": np.maximum(day0 - reach, 0).astype(float),
        },
        index=target.index,
    )
    return out[out["label"] != ""]


def _days(values: pd.Series) -> np.ndarray:
    """Dates as whole days since 1970-01-01 (int64)."""
    return pd.to_datetime(values).to_numpy().astype("datetime64[D]").astype(np.int64)


def extend_over_admission(base: pd.DataFrame, dispensing: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Dispensing with every fill whose supply covers a delivery admission date lengthened by
    the days of the stay (``discharge_date - admission_date``; the delivery date when the
    discharge is not given), and the number of fills lengthened.

    In hospital the medication comes from the ward, not from the dispensed supply: a supply
    running when she was admitted is paused, not used up (Suissa's immeasurable time). Only a
    fill dated before the admission is used, so the label at delivery needs no information
    from after delivery. Deliveries without ``admission_date`` change nothing.
    """
    stays = base.dropna(subset=["admission_date"])
    if stays.empty or dispensing.empty:
        return dispensing, 0
    leave = stays["discharge_date"].fillna(stays["delivery_date"])
    stay = pd.DataFrame(
        {
            "person_id": stays["person_id"].to_numpy(),
            "admitted": stays["admission_date"].to_numpy(),
            "stay_days": (leave - stays["admission_date"]).dt.days.to_numpy(np.int64),
        }
    )
    fills = pd.DataFrame(
        {
            "position": np.arange(len(dispensing)),
            "person_id": dispensing["person_id"].astype(str).to_numpy(),
            "fill_date": pd.to_datetime(dispensing["fill_date"]).dt.normalize().to_numpy(),
            "days_supply": pd.to_numeric(dispensing["days_supply"]).to_numpy(),
        }
    )
    pairs = fills.merge(stay, on="person_id", how="inner")
    ends = pairs["fill_date"] + pd.to_timedelta(pairs["days_supply"], unit="D")
    running = (pairs["fill_date"] <= pairs["admitted"]) & (pairs["admitted"] < ends)
    extra = pairs[running].groupby("position")["stay_days"].sum()
    extra = extra[extra > 0]
    if extra.empty:
        return dispensing, 0
    out = dispensing.copy()
    supply = pd.to_numeric(out["days_supply"]).to_numpy().copy()
    supply[extra.index.to_numpy()] += extra.to_numpy()
    out["days_supply"] = supply
    return out, len(extra)


def moud_status(at_delivery: pd.Series, recent: pd.Series) -> np.ndarray:
    """``"current"`` (a supply covers delivery), ``"recent"`` (treatment ended within the
    window before delivery) or ``"none"``: a reference group without the recently stopped,
    the group at highest risk."""
    return np.where(
        at_delivery.to_numpy() != "none",
        "current",
        np.where(recent.to_numpy() != "", "recent", "none"),
    ).astype(object)


def moud_group(labels: pd.Series, hierarchy: Sequence[str] = MOUD_HIERARCHY) -> np.ndarray:
    """One drug per delivery: a combination label (``"buprenorphine,methadone"``) becomes its
    first drug in ``hierarchy``; drugs not listed follow in alphabetical order."""
    rank = {drug: k for k, drug in enumerate(hierarchy)}

    def first(label: str) -> str:
        drugs = label.split(",")
        return min(drugs, key=lambda drug: (rank.get(drug, len(rank)), drug))

    text = labels.astype(str)
    mapping = {label: first(label) for label in text.unique()}  # few distinct labels
    return text.map(mapping).to_numpy(dtype=object)


def lookback_observed(base: pd.DataFrame, lookback_days: int) -> pd.Series:
    """``True`` when coverage started at least ``lookback_days`` before delivery, ``False``
    when later, ``<NA>`` when the coverage start is unknown."""
    start = base["coverage_start_date"]
    needed = base["delivery_date"] - pd.to_timedelta(int(lookback_days), unit="D")
    observed = pd.array(np.asarray(start <= needed, dtype=bool), dtype="boolean")
    observed[start.isna().to_numpy()] = pd.NA
    return pd.Series(observed, index=base.index)
