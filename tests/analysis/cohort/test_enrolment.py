"""Rule 3 (enrolment spans, data ends by source), cohort entry (delayed entry, first delivery
only) and recurrent overdose events (docs/cohort.md). Expected values derived by hand.

Day counts from 2023-03-01: April 30 is day 60, June 30 day 121, Sept 30 day 213, Oct 31
day 244, Nov 1 day 245, Dec 1 day 275, Dec 31 day 305.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.cohort import build_cohort
from analysis.errors import AnalysisError, CohortWarning
from tests.analysis.cohort.helpers import NO_EVENTS, NO_FILLS, deliveries, events

D = "2023-03-01"
END = "2023-12-31"


def spans(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["person_id", "coverage_start_date", "coverage_end_date"])


@pytest.fixture
def churn():
    births = deliveries([(f"e{i}", f"e{i}", D) for i in range(1, 8)])
    enrolment = spans(
        [
            # e1: 05-01 .. 05-19 uncovered = 19 days <= 31: joined, covered to 10-31 = day 244
            ("e1", "2022-06-01", "2023-04-30"),
            ("e1", "2023-05-20", "2023-10-31"),
            # e2: 05-01 .. 05-31 = 31 days: joined (31 <= 31), open-ended: the data end, 305
            ("e2", "2022-06-01", "2023-04-30"),
            ("e2", "2023-06-01", None),
            # e3: 05-01 .. 06-01 = 32 days > 31: follow-up ends on 04-30, day 60
            ("e3", "2022-06-01", "2023-04-30"),
            ("e3", "2023-06-02", None),
            # e4: enrolled from 03-05, after the delivery: not enrolled at delivery
            ("e4", "2023-03-05", None),
            # e5: no span at all: not enrolled at delivery
            # e6: 2023-01-01 .. 01-19 uncovered (19 days) joins 2022-10-01 .. 12-31: the
            # joined span starts 2022-10-01 <= 2022-12-01 (90 days back): lookback observed
            ("e6", "2022-10-01", "2022-12-31"),
            ("e6", "2023-01-20", "9999-12-31"),
            # e7: a span inside another: joined, covered to 06-30 = day 121
            ("e7", "2022-01-01", "2023-06-30"),
            ("e7", "2023-03-01", "2023-03-31"),
        ]
    )
    return births, enrolment


def test_enrolment_spans_are_joined_across_gaps_of_a_month(churn):
    births, enrolment = churn
    cohort = build_cohort(births, NO_FILLS, NO_EVENTS, data_end=END, enrolment=enrolment)
    got = cohort.set_index("delivery_id")
    assert got["followup_days"].to_dict() == {"e1": 244, "e2": 305, "e3": 60, "e6": 305, "e7": 121}
    assert got["followup_end"].to_dict() == {
        "e1": "coverage", "e2": "data_end", "e3": "coverage", "e6": "data_end", "e7": "coverage",
    }  # fmt: skip
    assert got.loc["e6", "lookback_observed"] == True  # noqa: E712
    assert cohort.attrs["exclusions"] == {"not enrolled at delivery": 2}
    assert "2 of 7 deliveries excluded" in cohort.attrs["warnings"][0]
    # a 30-day bridge no longer joins e2's 31-day gap (ends day 60); e1's 19 days still join
    strict = build_cohort(
        births, NO_FILLS, NO_EVENTS, data_end=END, enrolment=enrolment, enrolment_gap_days=30
    ).set_index("delivery_id")
    assert strict.loc["e2", "followup_days"] == 60 and strict.loc["e1", "followup_days"] == 244
    # with no bridge at all, e1 ends at its first span (day 60)
    none = build_cohort(
        births, NO_FILLS, NO_EVENTS, data_end=END, enrolment=enrolment, enrolment_gap_days=0
    ).set_index("delivery_id")
    assert none.loc["e1", "followup_days"] == 60


def test_enrolment_errors_name_the_table_row_and_column(churn):
    births, enrolment = churn
    enrolment.loc[3, "coverage_end_date"] = "2022-01-01"  # e2's second span ends before start
    with pytest.raises(AnalysisError, match="before coverage_start_date") as caught:
        build_cohort(births, NO_FILLS, NO_EVENTS, data_end=END, enrolment=enrolment)
    assert (caught.value.file, caught.value.row, caught.value.field) == (
        "enrolment", 4, "coverage_end_date",
    )  # fmt: skip
    enrolment.loc[3, "coverage_end_date"] = None
    enrolment.loc[6, "coverage_start_date"] = None  # e4's span has no start
    with pytest.raises(AnalysisError, match="coverage_start_date missing") as caught:
        build_cohort(births, NO_FILLS, NO_EVENTS, data_end=END, enrolment=enrolment)
    assert (caught.value.file, caught.value.row) == ("enrolment", 7)


def test_delayed_entry_is_excluded_and_counted_not_an_error():
    # d1's coverage starts on 03-02, the day after delivery: excluded (counted); its event
    # does not break the build. d2 is kept.
    births = deliveries([("d1", "p1", D, "2023-03-02"), ("d2", "p2", D, "2022-01-01")])
    ev = events([("p1", "d1", "2023-04-01", "overdose_nonfatal")])
    cohort = build_cohort(births, NO_FILLS, ev, data_end=END)
    assert cohort["delivery_id"].tolist() == ["d2"]
    assert cohort.attrs["exclusions"] == {"coverage starts after delivery": 1}


def test_first_delivery_only_keeps_the_cut_at_the_next_delivery():
    # f1 delivers on 03-01 and 12-01: only the first is kept, and its follow-up still ends at
    # the second delivery (day 275): the next pregnancy ends the postpartum year.
    births = deliveries([("f1a", "f1", D), ("f1b", "f1", "2023-12-01"), ("g1", "g1", D)])
    cohort = build_cohort(births, NO_FILLS, NO_EVENTS, data_end=END, first_delivery_only=True)
    assert cohort["delivery_id"].tolist() == ["f1a", "g1"]
    assert cohort["followup_days"].tolist() == [275, 305]
    assert cohort.loc[0, "followup_end"] == "next_delivery" and cohort.loc[0, "repeat_delivery"]
    assert cohort.attrs["exclusions"] == {"not the person's first delivery": 1}


def test_fatal_follow_up_stops_at_the_end_of_the_death_file():
    # v1 loses coverage on 05-01 (claims end day 60) and dies of an overdose on 11-01 (day
    # 245). The death file ends 09-30 (day 213): the death is past it, fatal status 0 at 213.
    # When the death file runs to the claims data end (12-31, day 305): fatal status 1 at 245.
    births = deliveries([("v1", "v1", D)])
    ev = events(
        [("v1", "v1", "2023-05-01", "coverage_loss"), ("v1", "v1", "2023-11-01", "overdose_fatal")]
    )
    short = build_cohort(births, NO_FILLS, ev, data_end=END, vital_data_end="2023-09-30")
    assert (short.loc[0, "fatal_overdose_status"], short.loc[0, "days_to_fatal_overdose"]) == (
        0, 213,
    )  # fmt: skip
    assert short.attrs["vital_data_end"] == "2023-09-30"
    full = build_cohort(births, NO_FILLS, ev, data_end=END)
    assert (full.loc[0, "fatal_overdose_status"], full.loc[0, "days_to_fatal_overdose"]) == (
        1, 245,
    )  # fmt: skip
    assert full.loc[0, "followup_days"] == short.loc[0, "followup_days"] == 60


def test_missing_data_end_is_a_warning_reports_can_show():
    births = deliveries([("d1", "p1", D)])
    ev = events([("p1", "d1", "2023-09-30", "return_to_use")])
    with pytest.warns(CohortWarning, match="data_end not given"):
        cohort = build_cohort(births, NO_FILLS, ev)
    assert any("data_end not given" in note for note in cohort.attrs["warnings"])
    with pytest.warns(CohortWarning, match="no coverage start"):
        build_cohort(births, NO_FILLS, ev, data_end=END)


def test_recurrent_overdose_events_merge_records_close_together():
    # Overdose records on days 10, 11, 20 and 60. Merging records at most 1 day apart (an ED
    # visit and the admission after it): {10, 11}, {20}, {60} = 3 events; 0 days: 4; 10
    # days: {10, 11, 20}, {60} = 2. r2 is covered to 04-15 (day 45): day 60 is outside its
    # claims follow-up, so {10, 11}, {20} = 2.
    births = deliveries([("r1", "r1", D), ("r2", "r2", D, None, "2023-04-15")])
    dates = ["2023-03-11", "2023-03-12", "2023-03-21", "2023-04-30"]
    ev = events([(p, p, day, "overdose_nonfatal") for p in ("r1", "r2") for day in dates])
    counts = {
        merge: build_cohort(births, NO_FILLS, ev, data_end=END, overdose_merge_days=merge)[
            "overdose_events"
        ].tolist()
        for merge in (0, 1, 10)
    }
    assert counts == {0: [4, 3], 1: [3, 2], 10: [2, 1]}


def test_duplicate_delivery_records_and_the_estimated_next_conception():
    # h1: delivery records on 03-01 and 03-05 (a second claim of the same delivery) and a
    # real next delivery on 12-01. Without deduplication the 03-05 record ends the first
    # delivery's follow-up on day 4; with a 180-day minimum interval it is excluded (its
    # event is not used, and said so) and follow-up runs to the real next delivery (275).
    births = deliveries(
        [("h1a", "h1", D), ("h1b", "h1", "2023-03-05"), ("h1c", "h1", "2023-12-01")]
    )
    ev = events([("h1", "h1b", "2023-03-20", "overdose_nonfatal")])
    raw = build_cohort(births, NO_FILLS, ev, data_end=END)
    assert raw.loc[0, "followup_days"] == 4
    clean = build_cohort(births, NO_FILLS, ev, data_end=END, min_delivery_interval_days=180)
    assert clean["delivery_id"].tolist() == ["h1a", "h1c"]
    assert clean.loc[0, "followup_days"] == 275
    assert clean.attrs["exclusions"] == {"delivery record within 180 days of the previous": 1}
    assert any("1 event(s) filed under excluded" in n for n in clean.attrs["warnings"])
    # Sensitivity: end follow-up at the estimated conception of the next pregnancy, 266 days
    # before the next delivery: 275 - 266 = 9 days.
    early = build_cohort(
        births, NO_FILLS, ev, data_end=END, min_delivery_interval_days=180, next_conception_days=266
    )
    assert early.loc[0, "followup_days"] == 9 and early.loc[0, "followup_end"] == "next_delivery"
