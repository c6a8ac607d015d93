"""Exposure fixed at delivery: the drug(s) covering the delivery date, recent treatment, lookback.

Rules (docs/cohort.md, "Exposure at delivery" and "Lookback"):

* A delivery is on MOUD when a treatment episode covers the delivery date
  (``start <= delivery_date < end``; episodes join fills across gaps of at most ``gap_days``
  uncovered days, see :mod:`analysis.episodes`).
* Its label ``moud_at_delivery`` is the drug(s) of the episode's fills whose own supply
  ``[fill_date, fill_date + days_supply)`` covers the delivery date; when the delivery falls in
  a bridged gap, the drug(s) of the latest fill dated on or before delivery. Never the drugs
  of the whole episode: a switch months later does not change the label (that would sort
  women by how long they stayed, an immortal-time bias).
* No covering episode: ``"none"``; ``moud_recent`` holds the drug(s) of the latest fill of an
  episode that ended at most ``moud_window_days`` uncovered days before delivery (else ``""``).
* ``lookback_observed``: the person was covered for the whole ``lookback_days`` before delivery
  (``coverage_start_date <= delivery_date - lookback_days``); missing when the data has no
  coverage start.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _join(values: pd.Series) -> str:
    return ",".join(sorted(set(values)))


def exposure_at_delivery(
    base: pd.DataFrame,
    fills: pd.DataFrame,
    episodes: pd.DataFrame,
    *,
    moud_window_days: int,
) -> pd.DataFrame:
    """Per delivery (rows of ``base``, same order): ``moud_at_delivery``, ``moud_recent``,
    ``moud_episode`` (the covering episode's number, ``<NA>`` when none) and
    ``supply_end_day`` (days from delivery to the covering episode's supply end, NaN when
    none)."""
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

    at = _drugs_at(covering, fills)
    was = _drugs_at(recent, fills)
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


def _drugs_at(chosen: pd.DataFrame, fills: pd.DataFrame) -> pd.Series:
    """Drug(s) at each delivery of ``chosen`` (delivery × episode pairs): the fills of those
    episodes covering the delivery date, else the latest fill dated on or before it."""
    if chosen.empty:
        return pd.Series(dtype=object)
    near = chosen[["delivery_id", "person_id", "delivery_date", "start"]].merge(
        fills, on="person_id", how="inner"
    )
    near = near[(near["fill_date"] >= near["start"]) & (near["fill_date"] <= near["delivery_date"])]
    supply_end = near["fill_date"] + pd.to_timedelta(near["days_supply"], unit="D")
    covers = near[supply_end > near["delivery_date"]]
    label = covers.groupby("delivery_id")["drug"].agg(_join)
    rest = near[~near["delivery_id"].isin(set(label.index))]
    if len(rest):
        latest = rest.groupby("delivery_id")["fill_date"].transform("max")
        last = rest[rest["fill_date"] == latest].groupby("delivery_id")["drug"].agg(_join)
        label = pd.concat([label, last])
    return label


def lookback_observed(base: pd.DataFrame, lookback_days: int) -> pd.Series:
    """``True`` when coverage started at least ``lookback_days`` before delivery, ``False``
    when later, ``<NA>`` when the coverage start is unknown."""
    start = base["coverage_start_date"]
    needed = base["delivery_date"] - pd.to_timedelta(int(lookback_days), unit="D")
    observed = pd.array(np.asarray(start <= needed, dtype=bool), dtype="boolean")
    observed[start.isna().to_numpy()] = pd.NA
    return pd.Series(observed, index=base.index)
