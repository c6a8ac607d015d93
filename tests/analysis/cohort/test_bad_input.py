"""Bad input: clear errors naming the table, the 1-based row and the column."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.cohort import build_cohort
from analysis.errors import AnalysisError
from tests.analysis.cohort.helpers import NO_EVENTS, NO_FILLS, deliveries, events, fills

D = "2023-03-01"


def where(error: pytest.ExceptionInfo) -> tuple:
    return error.value.file, error.value.row, error.value.field


def test_coverage_end_before_delivery():
    births = deliveries([("d1", "p1", D), ("d2", "p2", D, None, "2023-02-27")])
    with pytest.raises(AnalysisError, match="coverage_end_date 2023-02-27 is before") as caught:
        build_cohort(births, NO_FILLS, NO_EVENTS, data_end="2024-01-01")
    assert where(caught) == ("deliveries", 2, "coverage_end_date")


def test_unreadable_coverage_date():
    births = deliveries([("d1", "p1", D)])
    births["coverage_end_date"] = ["soon"]
    with pytest.raises(AnalysisError, match="not a date: 'soon'") as caught:
        build_cohort(births, NO_FILLS, NO_EVENTS, data_end="2024-01-01")
    assert where(caught) == ("deliveries", 1, "coverage_end_date")


def test_empty_coverage_text_is_missing_not_an_error():
    births = deliveries([("d1", "p1", D)])
    births["coverage_end_date"] = [""]
    cohort = build_cohort(births, NO_FILLS, NO_EVENTS, data_end="2023-04-01")
    assert cohort.loc[0, "followup_days"] == 31  # 03-01 -> 04-01, the data end


def test_death_before_a_later_delivery():
    births = deliveries([("d1", "p1", "2022-01-01"), ("d2", "p1", D)])
    ev = events([("p1", "d1", "2022-06-01", "overdose_fatal")])
    with pytest.raises(AnalysisError, match="after the death of person 'p1'") as caught:
        build_cohort(births, NO_FILLS, ev, data_end="2024-01-01")
    assert where(caught) == ("deliveries", 2, "delivery_date")


def test_event_before_its_delivery():
    births = deliveries([("d1", "p1", D)])
    ev = events(
        [("p1", "d1", "2023-03-02", "return_to_use"), ("p1", "d1", "2023-02-27", "death_other")]
    )
    with pytest.raises(AnalysisError, match="death_other on 2023-02-27 is before") as caught:
        build_cohort(births, NO_FILLS, ev, data_end="2024-01-01")
    assert where(caught) == ("events", 2, "event_date")


def test_delivery_after_the_end_of_the_data_is_negative_follow_up():
    births = deliveries([("d1", "p1", D), ("d2", "p2", "2024-02-01")])
    with pytest.raises(AnalysisError, match="follow-up would be negative") as caught:
        build_cohort(births, NO_FILLS, NO_EVENTS, data_end="2024-01-01")
    assert where(caught) == ("deliveries", 2, "delivery_date")


def test_two_deliveries_of_one_person_on_one_day():
    births = deliveries([("d1", "p1", D), ("d2", "p1", D)])
    with pytest.raises(AnalysisError, match="a multiple birth is one delivery") as caught:
        build_cohort(births, NO_FILLS, NO_EVENTS, data_end="2024-01-01")
    assert where(caught) == ("deliveries", 2, "delivery_date")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("event_type", "overdose", "unknown event_type 'overdose'"),
        ("delivery_id", "d9", "'d9' is not in deliveries"),
        ("person_id", "zz", "belongs to another person"),
    ],
)
def test_bad_events(column, value, message):
    births = deliveries([("d1", "p1", D)])
    ev = events([("p1", "d1", "2023-04-01", "return_to_use")] * 3)
    ev.loc[2, column] = value
    with pytest.raises(AnalysisError, match=message) as caught:
        build_cohort(births, NO_FILLS, ev, data_end="2024-01-01")
    assert caught.value.file == "events" and caught.value.row == 3


def test_duplicate_delivery_id_and_bad_settings():
    births = deliveries([("d1", "p1", D), ("d1", "p2", D)])
    with pytest.raises(AnalysisError, match="more than once") as caught:
        build_cohort(births, NO_FILLS, NO_EVENTS)
    assert where(caught) == ("deliveries", 2, "delivery_id")
    with pytest.raises(AnalysisError, match="gap_days must be a whole number"):
        build_cohort(births.iloc[:1], NO_FILLS, NO_EVENTS, gap_days=-1)
    with pytest.raises(AnalysisError, match="data_end is not a date"):
        build_cohort(births.iloc[:1], NO_FILLS, NO_EVENTS, data_end="yesterday")
    with pytest.raises(AnalysisError, match="dispensing is needed"):
        build_cohort(births.iloc[:1], None, NO_EVENTS)


def test_missing_delivery_column_names_the_table():
    with pytest.raises(AnalysisError) as caught:
        build_cohort(pd.DataFrame({"delivery_id": ["d1"]}), fills([]), NO_EVENTS)
    assert caught.value.file == "deliveries" and caught.value.field == "person_id"
