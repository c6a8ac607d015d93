"""Rule 5 — on/off MOUD intervals with a grace period; rule 6 — services that start after
delivery are time-varying, refused as baseline covariates, usable in a landmark model
(docs/cohort.md). Expected values derived by hand in the comments.

Delivery 2023-03-01 (day 0); March 31 = day 30, April 10 = day 40.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.cohort import build_cohort, check_baseline_covariates, counting_process, landmark
from analysis.errors import AnalysisError, CohortWarning
from tests.analysis.cohort.helpers import NO_EVENTS, NO_FILLS, deliveries, fills

D = "2023-03-01"


@pytest.fixture
def one():
    # Follow-up to an overdose on day 100. Fills: [02-20, 03-22) = days [-9, 21) and
    # [04-10, 05-10) = days [40, 70). Home visiting starts 03-31 = day 30.
    cohort = pd.DataFrame(
        {
            "delivery_id": ["d1"],
            "person_id": ["p1"],
            "delivery_date": [pd.Timestamp(D)],
            "days_to_overdose": [100],
            "overdose_status": [1],
            "age": [30],
            "home_visiting": [True],
            "home_visiting_start_date": [pd.Timestamp("2023-03-31")],
        }
    )
    supply = fills(
        [("p1", "2023-02-20", "buprenorphine", 30), ("p1", "2023-04-10", "buprenorphine", 30)]
    )
    return cohort, supply


def rows_of(frame: pd.DataFrame, columns=("start", "stop", "on_moud", "event")) -> list:
    return frame[list(columns)].values.tolist()


@pytest.mark.parametrize(
    ("grace", "expected"),
    [
        # no grace: on [0, 21), off [21, 40), on [40, 70), off to the overdose on day 100
        (0, [[0, 21, 1, 0], [21, 40, 0, 0], [40, 70, 1, 0], [70, 100, 0, 1]]),
        # 7 days of grace: on to 21 + 7 = 28 and from 40 to 70 + 7 = 77
        (7, [[0, 28, 1, 0], [28, 40, 0, 0], [40, 77, 1, 0], [77, 100, 0, 1]]),
        # 20 days: [0, 41) overlaps [40, 90): on from 0 to 90
        (20, [[0, 90, 1, 0], [90, 100, 0, 1]]),
    ],
)
def test_on_off_moud_intervals_with_a_grace_period(one, grace, expected):
    cohort, supply = one
    rows = counting_process(
        cohort, supply, duration="days_to_overdose", event="overdose_status",
        grace_days=grace, services=[],
    )  # fmt: skip
    assert rows_of(rows) == expected


def test_off_time_split_into_recent_and_later_and_a_lagged_exposure(one):
    # Supplies [-9, 21) and [40, 70), overdose on day 100. recent_off_days=14: off-time within
    # 14 days after a supply end is "recent": (21, 35] and (70, 84]; (35, 40] and (84, 100]
    # are later off-time.
    cohort, supply = one
    rows = counting_process(
        cohort, supply, duration="days_to_overdose", event="overdose_status", services=[],
        recent_off_days=14,
    )  # fmt: skip
    assert rows_of(rows, ("start", "stop", "on_moud", "recent_off", "event")) == [
        [0, 21, 1, 0, 0], [21, 35, 0, 1, 0], [35, 40, 0, 0, 0], [40, 70, 1, 0, 0],
        [70, 84, 0, 1, 0], [84, 100, 0, 0, 1],
    ]  # fmt: skip
    # A 3-day lag moves every supply 3 days later: on (0, 24], off (24, 43], on (43, 73].
    lagged = counting_process(
        cohort, supply, duration="days_to_overdose", event="overdose_status", services=[],
        lag_days=3,
    )  # fmt: skip
    assert rows_of(lagged) == [[0, 24, 1, 0], [24, 43, 0, 0], [43, 73, 1, 0], [73, 100, 0, 1]]
    # A supply that ended before delivery: 01-25 x 30 ends 02-24 = day -5, so days 0-9 are
    # within 14 days of stopping: (0, 9] recent, (9, 100] later.
    before = fills([("p1", "2023-01-25", "buprenorphine", 30)])
    stopped = counting_process(
        cohort, before, duration="days_to_overdose", event="overdose_status", services=[],
        recent_off_days=14,
    )  # fmt: skip
    assert rows_of(stopped, ("start", "stop", "on_moud", "recent_off")) == [
        [0, 9, 0, 1], [9, 100, 0, 0],
    ]  # fmt: skip
    with pytest.raises(AnalysisError, match="lag_days"):
        counting_process(cohort, supply, event="overdose_status", lag_days=-1)


def test_services_are_split_at_their_start(one):
    cohort, supply = one
    rows = counting_process(
        cohort, supply, duration="days_to_overdose", event="overdose_status", covariates=["age"]
    )
    # cuts at 21, 30 (home visiting starts), 40, 70
    assert rows_of(rows, ["start", "stop", "on_moud", "home_visiting", "event"]) == [
        [0, 21, 1, 0, 0],
        [21, 30, 0, 0, 0],
        [30, 40, 0, 1, 0],
        [40, 70, 1, 1, 0],
        [70, 100, 0, 1, 1],
    ]
    assert rows["age"].tolist() == [30] * 5


def test_counting_process_same_day_event():
    cohort = pd.DataFrame(
        {
            "delivery_id": ["x"],
            "person_id": ["p"],
            "delivery_date": [pd.Timestamp("2023-01-01")],
            "days_to_overdose": [0],
            "overdose": [True],
        }
    )
    supply = fills([("p", "2022-12-20", "methadone", 30)])
    assert rows_of(counting_process(cohort, supply)) == [[0, 0.5, 1, 1]]


def test_a_post_delivery_service_is_refused_as_a_baseline_covariate(one):
    cohort, _ = one
    with pytest.raises(AnalysisError, match="immortal-time bias") as caught:
        check_baseline_covariates(cohort, ["age", "C(home_visiting)"])
    assert caught.value.field == "home_visiting"
    check_baseline_covariates(cohort, ["age"])  # baseline covariates pass


def test_every_baseline_covariate_needs_a_window_ending_at_delivery():
    # Windows stated (days from delivery): pmad [-280, 0] and age [0, 0] end at delivery;
    # a postpartum depression screen [-280, 84] ends 84 days after: refused. A covariate with
    # no stated window (housing) is refused. The cohort's own moud_at_delivery needs none.
    births = deliveries([("d1", "p1", D), ("d2", "p2", D)])
    births["age"], births["pmad"] = [25, 30], [True, False]
    births["ppd_screen"], births["housing"] = [True, False], [False, True]
    cohort = build_cohort(births, NO_FILLS, NO_EVENTS, data_end="2024-12-31")
    windows = {"pmad": [-280, 0], "age": [0, 0], "ppd_screen": [-280, 84]}
    check_baseline_covariates(cohort, ["C(moud_at_delivery)", "age", "pmad"], windows)
    with pytest.raises(AnalysisError, match="ends after delivery") as caught:
        check_baseline_covariates(cohort, ["age", "ppd_screen"], windows)
    assert caught.value.field == "ppd_screen"
    with pytest.raises(AnalysisError, match="no ascertainment window is stated for housing"):
        check_baseline_covariates(cohort, ["age", "housing"], windows)
    with pytest.raises(AnalysisError, match="first_day, last_day"):
        check_baseline_covariates(cohort, ["age"], {"age": "at delivery"})
    # windows from the frame (Study.cohort() puts study.yaml's there); they survive row
    # selection, as the reports select deliveries on MOUD
    cohort.attrs["covariate_windows"] = windows
    with pytest.raises(AnalysisError, match="ppd_screen"):
        check_baseline_covariates(cohort[cohort["age"] > 26], ["ppd_screen"])
    # nothing stated anywhere: a warning names the covariates of unknown ascertainment
    del cohort.attrs["covariate_windows"]
    with pytest.warns(CohortWarning, match="no ascertainment window is stated for age, pmad"):
        check_baseline_covariates(cohort, ["moud_at_delivery", "age", "pmad"])


def test_build_cohort_adds_the_at_delivery_version_of_each_service():
    births = deliveries([("d1", "p1", D), ("d2", "p2", D), ("d3", "p3", D), ("d4", "p4", D)])
    births["home_visiting"] = [True, True, False, True]
    # d1 started before delivery (02-15), d2 after (03-31), d3 none, d4 date unknown
    births["home_visiting_start_date"] = pd.to_datetime(["2023-02-15", "2023-03-31", None, None])
    cohort = build_cohort(births, NO_FILLS, NO_EVENTS, data_end="2024-12-31")
    assert cohort["home_visiting_at_delivery"].tolist() == [True, False, False, pd.NA]
    check_baseline_covariates(cohort, ["home_visiting_at_delivery"])


def test_a_landmark_model_may_use_what_is_known_by_the_landmark(one):
    cohort, _ = one
    two = pd.concat([cohort, cohort.assign(delivery_id="d2", days_to_overdose=60)])
    # landmark at day 45: d2 (overdose on day 60) is kept with 60 - 45 = 15 days; home
    # visiting started on day 30 <= 45, so it is known at the landmark.
    at = landmark(two, 45, duration="days_to_overdose", event="overdose_status")
    assert at["days_to_overdose"].tolist() == [55, 15]
    assert at["home_visiting"].tolist() == [True, True]
    check_baseline_covariates(at, ["home_visiting"])
    # at day 20 the service has not started yet
    early = landmark(two, 20, duration="days_to_overdose", event="overdose_status")
    assert early["home_visiting"].tolist() == [False, False]
    # deliveries whose follow-up ended by the landmark are left out
    assert len(landmark(two, 60, duration="days_to_overdose", event="overdose_status")) == 1
    assert np.all(at.attrs["known_by_landmark"] == ["home_visiting"])
