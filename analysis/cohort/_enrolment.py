"""Coverage from an enrolment table of spans: churn bridged, delayed entry excluded.

Rule 3 of docs/cohort.md. Claims see a person only while she is enrolled, and Medicaid
enrolment churns: a woman may lose coverage for a few weeks and come back. With an enrolment
table (``person_id, coverage_start_date, coverage_end_date``, one row per span, the end the
last covered day, empty for still enrolled) the spans of each person are joined across gaps
of at most ``enrolment_gap_days`` uncovered days (31 by default, one month); a longer gap ends
follow-up. The joined span that holds the delivery gives the delivery's ``coverage_start_date``
(for the lookback) and ``coverage_end_date`` (for follow-up). A delivery no joined span holds
was not enrolled at delivery: it is excluded and counted, not an error (delayed entry).

Tested in tests/analysis/cohort/test_enrolment.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis._validation import require_columns
from analysis.errors import AnalysisError

OPEN_END = pd.Timestamp("2262-01-01")  # "still enrolled" while joining spans


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce").dt.normalize().astype("datetime64[ns]")


def join_spans(enrolment: pd.DataFrame, gap_days: int) -> pd.DataFrame:
    """``person_id, start, end`` of each person's enrolment spans joined across gaps of at
    most ``gap_days`` uncovered days (overlapping and adjacent spans always join). ``end`` is
    the last covered day (``NaT`` = still enrolled)."""
    try:
        require_columns(enrolment, ["person_id", "coverage_start_date", "coverage_end_date"])
    except AnalysisError as error:
        raise AnalysisError(str(error), file="enrolment", field=error.field) from None
    raw_end = enrolment["coverage_end_date"]
    spans = pd.DataFrame(
        {
            "person_id": enrolment["person_id"].astype(str).to_numpy(),
            "start": _dates(enrolment["coverage_start_date"]).to_numpy(),
            "end": _dates(raw_end).to_numpy(),
            "row": np.arange(1, len(enrolment) + 1),
        }
    )
    if spans["start"].isna().any():
        row = int(spans.loc[spans["start"].isna(), "row"].iloc[0])
        raise AnalysisError(
            "coverage_start_date missing or not a date",
            file="enrolment",
            row=row,
            field="coverage_start_date",
        )
    text = raw_end.astype(str).str.strip().to_numpy()
    sentinel = np.array([t[:4].isdigit() and int(t[:4]) > 2261 for t in text], dtype=bool)
    unreadable = spans["end"].isna().to_numpy() & raw_end.notna().to_numpy()
    unreadable &= (text != "") & (text != "NaT") & ~sentinel
    if unreadable.any():
        row = int(np.flatnonzero(unreadable)[0]) + 1
        raise AnalysisError(
            f"coverage_end_date is not a date: {raw_end.iloc[row - 1]!r}",
            file="enrolment",
            row=row,
            field="coverage_end_date",
        )
    spans["end"] = spans["end"].fillna(OPEN_END)
    backwards = (spans["end"] < spans["start"]).to_numpy()
    if backwards.any():
        row = int(np.flatnonzero(backwards)[0]) + 1
        raise AnalysisError(
            "coverage_end_date is before coverage_start_date",
            file="enrolment",
            row=row,
            field="coverage_end_date",
        )
    spans = spans.sort_values(["person_id", "start", "end"], kind="mergesort")
    reach = spans.groupby("person_id", sort=False)["end"].cummax()
    before = reach.groupby(spans["person_id"], sort=False).shift()
    uncovered = (spans["start"] - before).dt.days - 1  # days between the two spans
    new_span = before.isna() | (uncovered > gap_days)
    joined = spans.groupby(new_span.cumsum().to_numpy(), sort=False).agg(
        person_id=("person_id", "first"), start=("start", "min"), end=("end", "max")
    )
    joined["end"] = joined["end"].where(joined["end"] < OPEN_END)
    return joined.reset_index(drop=True)


def coverage_at_delivery(base: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """``coverage_start_date``, ``coverage_end_date`` of the joined span holding each delivery
    (rows of ``base``, same order; ``NaT`` when no span holds it) and ``enrolled`` (a span
    holds the delivery)."""
    left = base[["person_id", "delivery_date"]].copy()
    left["position"] = np.arange(len(base))
    left = left.sort_values("delivery_date", kind="mergesort")
    right = spans.sort_values("start", kind="mergesort")
    found = pd.merge_asof(
        left,
        right,
        left_on="delivery_date",
        right_on="start",
        by="person_id",
        direction="backward",
    ).sort_values("position")
    holds = found["start"].notna() & (
        found["end"].isna() | (found["end"] >= found["delivery_date"])
    )
    holds &= found["start"].notna()
    return pd.DataFrame(
        {
            "coverage_start_date": found["start"].where(holds).to_numpy(),
            "coverage_end_date": found["end"].where(holds).to_numpy(),
            "enrolled": holds.to_numpy(bool),
        }
    )


def cohort_entry(
    base: pd.DataFrame,
    enrolment: pd.DataFrame | None,
    *,
    enrolment_gap_days: int,
    first_delivery_only: bool,
    min_delivery_interval_days: int = 0,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, dict[str, int]]:
    """``(base with coverage, included mask, real-delivery mask, {exclusion reason: count})``.

    With ``min_delivery_interval_days`` a delivery record less than that many days after the
    person's previous one is a duplicate claim of the same delivery: excluded, and it does not
    end the previous delivery's follow-up (``real`` is False for it).

    With an enrolment table the coverage columns come from the joined span holding each
    delivery. Excluded, in this order and counted once each: a delivery no span holds ("not
    enrolled at delivery"), a coverage span starting after the delivery ("coverage starts
    after delivery": delayed entry, from the deliveries' own ``coverage_start_date``), and
    with ``first_delivery_only`` every delivery after a person's first.
    """
    base = base.copy()
    reasons = np.full(len(base), "", dtype=object)
    real = np.ones(len(base), dtype=bool)
    if min_delivery_interval_days:
        order = base.sort_values(["person_id", "delivery_date"], kind="mergesort")
        since = order.groupby("person_id", sort=False)["delivery_date"].diff().dt.days
        close = (since < min_delivery_interval_days).reindex(base.index).to_numpy(bool)
        real[close] = False
        reasons[close] = f"delivery record within {min_delivery_interval_days} days of the previous"
    if enrolment is not None:
        found = coverage_at_delivery(base, join_spans(enrolment, enrolment_gap_days))
        base["coverage_start_date"] = found["coverage_start_date"].to_numpy()
        base["coverage_end_date"] = found["coverage_end_date"].to_numpy()
        reasons[~found["enrolled"].to_numpy()] = "not enrolled at delivery"
    late = (base["coverage_start_date"] > base["delivery_date"]).to_numpy() & (reasons == "")
    reasons[late] = "coverage starts after delivery"
    if first_delivery_only:
        first = base.groupby("person_id")["delivery_date"].transform("min")
        later = (base["delivery_date"] > first).to_numpy() & (reasons == "") & real
        reasons[later] = "not the person's first delivery"
    kept = reasons == ""
    counts = pd.Series(reasons[~kept]).value_counts()
    return base, kept, real, {str(k): int(v) for k, v in counts.items()}
