"""The result shape every adapter returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

DELIVERY_COLUMNS = ["delivery_id", "person_id", "delivery_date"]
DISPENSING_COLUMNS = ["claim_id", "person_id", "fill_date", "drug", "days_supply", "source"]
EVENT_COLUMNS = ["event_id", "person_id", "delivery_id", "event_date", "event_type"]


@dataclass
class StudyTables:
    """``deliveries``, ``dispensing`` and ``events`` with dyadlab's columns, and notes on
    what the adapter could not map (counts, never silent)."""

    deliveries: pd.DataFrame
    dispensing: pd.DataFrame
    events: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def cohort(self, **options) -> pd.DataFrame:
        """:func:`analysis.cohort.build_cohort` of these tables."""
        from analysis.cohort import build_cohort

        return build_cohort(self.deliveries, self.dispensing, self.events, **options)


def assign_deliveries(
    events: pd.DataFrame, deliveries: pd.DataFrame, date_column: str = "event_date"
) -> pd.DataFrame:
    """Give each person-level event the person's latest delivery on or before its date;
    events before a person's first delivery (or of persons without one) are dropped.

    Returns ``events`` with a ``delivery_id`` column (rows kept in input order).
    """
    if events.empty:
        return events.assign(delivery_id=pd.Series(dtype=object))
    left = events.reset_index(names="_order").sort_values(date_column, kind="mergesort")
    right = deliveries[["person_id", "delivery_id", "delivery_date"]].sort_values(
        "delivery_date", kind="mergesort"
    )
    left[date_column] = pd.to_datetime(left[date_column]).astype("datetime64[ns]")
    right = right.assign(
        delivery_date=pd.to_datetime(right["delivery_date"]).astype("datetime64[ns]")
    )
    merged = pd.merge_asof(
        left,
        right,
        left_on=date_column,
        right_on="delivery_date",
        by="person_id",
        direction="backward",
    )
    merged = merged.dropna(subset=["delivery_id"]).sort_values("_order")
    return merged.drop(columns=["_order", "delivery_date"]).reset_index(drop=True)
