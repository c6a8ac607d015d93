"""Builders for the hand-made cohort fixtures: deliveries, fills and events from tuples."""

from __future__ import annotations

import pandas as pd

from tests.analysis.episodes.fixtures import fills  # noqa: F401  (re-exported for the tests)

DELIVERY_COLUMNS = [
    "delivery_id",
    "person_id",
    "delivery_date",
    "coverage_start_date",
    "coverage_end_date",
]


def deliveries(rows: list[tuple]) -> pd.DataFrame:
    """(delivery_id, person_id, delivery_date[, coverage_start, coverage_end]) tuples."""
    padded = [tuple(row) + (None,) * (5 - len(row)) for row in rows]
    out = pd.DataFrame(padded, columns=DELIVERY_COLUMNS)
    for column in DELIVERY_COLUMNS[2:]:
        out[column] = pd.to_datetime(out[column])
    return out


def events(rows: list[tuple]) -> pd.DataFrame:
    """(person_id, delivery_id, event_date, event_type) tuples; ids e1, e2, … added."""
    out = pd.DataFrame(rows, columns=["person_id", "delivery_id", "event_date", "event_type"])
    out.insert(0, "event_id", [f"e{i}" for i in range(1, len(out) + 1)])
    out["event_date"] = pd.to_datetime(out["event_date"])
    return out


NO_EVENTS = events([])
NO_FILLS = pd.DataFrame(
    {
        "person_id": pd.Series(dtype=object),
        "fill_date": pd.Series(dtype="datetime64[ns]"),
        "drug": pd.Series(dtype=object),
        "days_supply": pd.Series(dtype="int64"),
        "claim_id": pd.Series(dtype=object),
    }
)
