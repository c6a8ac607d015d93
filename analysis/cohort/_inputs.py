"""Checked inputs of the delivery cohort: deliveries, events, fills and the end of the data.

Every problem is an :class:`analysis.errors.AnalysisError` naming the table (``file``), the
1-based data row and the column, so a researcher can find the record in a spreadsheet:
dates missing or out of order (coverage that ends before the delivery, a delivery admission
after the delivery; a coverage start after the delivery is delayed entry, excluded and counted
by the cohort, not an error), events before their delivery, deaths before a
later delivery of the same person, two deliveries of one person on one date, and deliveries
after the end of the data (a negative follow-up: entry after exit).
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd

from analysis._validation import require_columns
from analysis.errors import AnalysisError

log = logging.getLogger(__name__)

EVENT_TYPES = (
    "return_to_use",
    "overdose_nonfatal",
    "overdose_fatal",
    "death_other",
    "coverage_loss",
)
DEATH_TYPES = ("overdose_fatal", "death_other")


def _fail(message: str, table: str, row: int, column: str) -> None:
    raise AnalysisError(message, file=table, row=row, field=column)


def _first(mask: np.ndarray) -> int:
    """0-based position of the first True of ``mask``."""
    return int(np.flatnonzero(mask)[0])


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce").dt.normalize().astype("datetime64[ns]")


def _open_ended(raw: pd.Series, parsed: pd.Series) -> np.ndarray:
    """Values that are dates beyond the pandas range (a sentinel such as 9999-12-31 for
    "still covered"): read as open-ended."""
    out = np.zeros(len(raw), dtype=bool)
    for i in np.flatnonzero(parsed.isna().to_numpy() & raw.notna().to_numpy()):
        value = raw.iloc[i]
        if isinstance(value, dt.date):
            out[i] = value.year > 2261
            continue
        try:
            out[i] = dt.date.fromisoformat(str(value)[:10]).year > 2261
        except ValueError:
            out[i] = False
    return out


def _require(frame: pd.DataFrame, columns: list[str], table: str) -> None:
    try:
        require_columns(frame, columns)
    except AnalysisError as error:
        raise AnalysisError(str(error), file=table, field=error.field) from None


def check_deliveries(deliveries: pd.DataFrame) -> pd.DataFrame:
    """The delivery columns the cohort needs, typed and checked (one row per input row).

    Returns ``delivery_id, person_id, delivery_date`` plus ``coverage_start_date``,
    ``coverage_end_date``, ``admission_date`` and ``discharge_date`` of the delivery stay
    (``NaT`` when the column is absent or the value missing) and
    ``row`` (1-based input row).
    """
    _require(deliveries, ["delivery_id", "person_id", "delivery_date"], "deliveries")
    base = pd.DataFrame(
        {
            "delivery_id": deliveries["delivery_id"].astype(str).to_numpy(),
            "person_id": deliveries["person_id"].astype(str).to_numpy(),
            "delivery_date": _dates(deliveries["delivery_date"]).to_numpy(),
            "row": np.arange(1, len(deliveries) + 1),
        }
    )
    if base["delivery_date"].isna().any():
        row = _first(base["delivery_date"].isna().to_numpy())
        _fail("delivery_date missing or not a date", "deliveries", row + 1, "delivery_date")
    repeated = base["delivery_id"].duplicated().to_numpy()
    if repeated.any():
        row = _first(repeated)
        _fail(
            f"delivery_id {base['delivery_id'].iloc[row]!r} appears more than once",
            "deliveries",
            row + 1,
            "delivery_id",
        )
    same_day = base.duplicated(["person_id", "delivery_date"]).to_numpy()
    if same_day.any():
        row = _first(same_day)
        _fail(
            f"person {base['person_id'].iloc[row]!r} has two deliveries on "
            f"{base['delivery_date'].iloc[row].date()}; a multiple birth is one delivery",
            "deliveries",
            row + 1,
            "delivery_date",
        )
    for column in ("coverage_start_date", "coverage_end_date", "admission_date", "discharge_date"):
        if column in deliveries.columns:
            raw = deliveries[column]
            base[column] = _dates(raw).to_numpy()
            given = raw.notna().to_numpy() & (raw.astype(str).str.strip() != "").to_numpy()
            unreadable = base[column].isna().to_numpy() & given
            unreadable &= ~_open_ended(raw, base[column])
            if unreadable.any():
                row = _first(unreadable)
                _fail(f"{column} is not a date: {raw.iloc[row]!r}", "deliveries", row + 1, column)
        else:
            base[column] = pd.NaT
    start, end, day0 = base["coverage_start_date"], base["coverage_end_date"], base["delivery_date"]
    admitted, discharged = base["admission_date"], base["discharge_date"]
    for mask, message, column in (
        (
            (admitted > day0).to_numpy(),
            "admission_date {admitted} is after the delivery date {day0}: the delivery "
            "admission starts on or before the delivery",
            "admission_date",
        ),
        (
            (discharged < day0).to_numpy(),
            "discharge_date {discharged} is before the delivery date {day0}",
            "discharge_date",
        ),
        (
            (end < day0).to_numpy(),
            "coverage_end_date {end} is before the delivery date {day0}: coverage must "
            "include the delivery",
            "coverage_end_date",
        ),
    ):
        if mask.any():
            row = _first(mask)
            _fail(
                message.format(
                    start=_day(start.iloc[row]),
                    end=_day(end.iloc[row]),
                    day0=_day(day0.iloc[row]),
                    admitted=_day(admitted.iloc[row]),
                    discharged=_day(discharged.iloc[row]),
                ),
                "deliveries",
                row + 1,
                column,
            )
    return base


def _day(value: pd.Timestamp) -> str:
    return "" if pd.isna(value) else str(value.date())


def check_events(events: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """``delivery_id, person_id, event_date, event_type, row, day`` of every event, checked:
    known type, a date, a delivery that exists and belongs to the same person, not before
    that delivery; and no delivery of a person after that person's death."""
    _require(events, ["delivery_id", "event_date", "event_type"], "events")
    ev = pd.DataFrame(
        {
            "delivery_id": events["delivery_id"].astype(str).to_numpy(),
            "event_date": _dates(events["event_date"]).to_numpy(),
            "event_type": events["event_type"].astype(str).to_numpy(),
            "row": np.arange(1, len(events) + 1),
        }
    )

    def fail(mask: np.ndarray, message: str, column: str) -> None:
        if mask.any():
            row = _first(mask)
            _fail(message.format(value=ev[column].iloc[row]), "events", row + 1, column)

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
    owners = base.set_index("delivery_id")
    ev["person_id"] = ev["delivery_id"].map(owners["person_id"]).to_numpy()
    if "person_id" in events.columns:
        mismatch = ev["person_id"].to_numpy() != events["person_id"].astype(str).to_numpy()
        fail(mismatch, "delivery_id {value!r} belongs to another person", "delivery_id")
    delivered = ev["delivery_id"].map(owners["delivery_date"])
    ev["day"] = (ev["event_date"] - delivered).dt.days.astype(np.int64)
    early = (ev["day"] < 0).to_numpy()
    if early.any():
        row = _first(early)
        _fail(
            f"{ev['event_type'].iloc[row]} on {_day(ev['event_date'].iloc[row])} is before its "
            f"delivery ({_day(delivered.iloc[row])}); events must be on or after the delivery "
            "date",
            "events",
            row + 1,
            "event_date",
        )
    _check_no_delivery_after_death(ev, base)
    return ev


def _check_no_delivery_after_death(ev: pd.DataFrame, base: pd.DataFrame) -> None:
    deaths = ev[ev["event_type"].isin(DEATH_TYPES)]
    if deaths.empty:
        return
    first = deaths.sort_values(["event_date", "row"]).drop_duplicates("person_id")
    died = base.merge(first[["person_id", "event_date", "row"]], on="person_id", how="inner")
    after = died[died["delivery_date"] > died["event_date"]]
    if len(after):
        bad = after.sort_values("row_x").iloc[0]
        _fail(
            f"delivery on {_day(bad['delivery_date'])} is after the death of person "
            f"{bad['person_id']!r} on {_day(bad['event_date'])} (events row {bad['row_y']})",
            "deliveries",
            int(bad["row_x"]),
            "delivery_date",
        )


def resolve_data_end(
    data_end: str | dt.date | pd.Timestamp | None,
    base: pd.DataFrame,
    fills: pd.DataFrame,
    ev: pd.DataFrame,
) -> pd.Timestamp:
    """The end of the data extract: ``data_end`` when given, else the latest fill, event or
    delivery date (never a coverage end, which may be a sentinel such as 9999-12-31), logged.

    A delivery after the end of the data would have a negative follow-up: an error naming the
    row (entry after exit).
    """
    if data_end is not None:
        end = pd.to_datetime(data_end, errors="coerce")
        if pd.isna(end):
            raise AnalysisError(f"data_end is not a date: {data_end!r}", field="data_end")
        end = pd.Timestamp(end).normalize()
        source = "given"
    else:
        candidates = {
            "delivery": base["delivery_date"].max(),
            "fill": pd.to_datetime(fills["fill_date"]).max() if len(fills) else pd.NaT,
            "event": ev["event_date"].max() if len(ev) else pd.NaT,
        }
        known = {k: v for k, v in candidates.items() if not pd.isna(v)}
        source, end = max(known.items(), key=lambda item: item[1])
        end = pd.Timestamp(end).normalize()
        log.info(
            "data_end not given: using the latest %s date in the data, %s (set data_end, or "
            "outcomes.data_end in study.yaml, to the date the extract ends)",
            source,
            end.date(),
        )
    late = (base["delivery_date"] > end).to_numpy()
    if late.any():
        row = _first(late)
        _fail(
            f"delivery on {_day(base['delivery_date'].iloc[row])} is after the end of the data "
            f"({end.date()}, {source}): follow-up would be negative (entry after exit)",
            "deliveries",
            int(base["row"].iloc[row]),
            "delivery_date",
        )
    return end


def next_delivery_days(base: pd.DataFrame) -> np.ndarray:
    """Days from each delivery to the same person's next delivery (NaN when none)."""
    order = base.sort_values(["person_id", "delivery_date"], kind="mergesort")
    following = order.groupby("person_id", sort=False)["delivery_date"].shift(-1)
    days = (following - order["delivery_date"]).dt.days
    return days.reindex(base.index).to_numpy(float)
