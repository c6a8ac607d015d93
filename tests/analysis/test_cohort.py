"""build_cohort and counting_process on hand-made deliveries, fills and events.

Every expected day count is computed by hand in the comments (days from delivery)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.cohort import build_cohort, counting_process
from analysis.episodes import derive_episodes
from analysis.errors import AnalysisError
from tests.analysis.episodes.fixtures import fills


def frame(rows, columns, dates):
    out = pd.DataFrame(rows, columns=columns)
    for column in dates:
        out[column] = pd.to_datetime(out[column])
    return out


@pytest.fixture
def data():
    deliveries = frame(
        [
            ("d1", "a", "2023-03-01", 30, "2024-01-01"),
            ("d2", "b", "2023-03-01", 25, None),
            ("d3", "c", "2023-03-01", 28, None),
            ("d4", "d", "2022-01-01", 31, None),
            ("d5", "d", "2023-06-01", 32, None),
        ],
        ["delivery_id", "person_id", "delivery_date", "age", "coverage_end_date"],
        ["delivery_date", "coverage_end_date"],
    )
    dispensing = fills(
        [
            ("a", "2023-02-01", "methadone", 90),  # [02-01, 05-02): 62 days after 03-01
            ("b", "2023-01-10", "buprenorphine", 30),  # ends 02-09, 20 days before delivery
            ("d", "2022-12-01", "buprenorphine", 365),  # [2022-12-01, 2023-12-01)
        ]
    )
    events = frame(
        [
            ("e1", "a", "d1", "2023-04-01", "return_to_use"),  # day 31
            ("e2", "a", "d1", "2023-06-01", "overdose_nonfatal"),  # day 92
            ("e3", "b", "d2", "2023-05-01", "death_other"),  # day 61
            ("e4", "c", "d3", "2023-04-10", "coverage_loss"),  # day 40
            ("e5", "c", "d3", "2023-05-01", "return_to_use"),  # day 61, after follow-up
            ("e6", "d", "d5", "2023-07-01", "overdose_fatal"),  # day 30
        ],
        ["event_id", "person_id", "delivery_id", "event_date", "event_type"],
        ["event_date"],
    )
    return deliveries, dispensing, events


def test_cohort_fields_by_hand(data, caplog):
    deliveries, dispensing, events = data
    with caplog.at_level("INFO", logger="analysis.cohort"):
        cohort = build_cohort(deliveries, dispensing, events, moud_window_days=30)
    assert "1 of 5 deliveries: person has no dispensing records" in caplog.text
    by = cohort.set_index("delivery_id")
    assert list(cohort["age"]) == [30, 25, 28, 31, 32]  # delivery columns kept
    assert list(by["moud_at_delivery"]) == [
        "methadone",
        "buprenorphine",
        "none",
        "none",
        "buprenorphine",
    ]
    # d1 coverage ends 2024-01-01 = day 306; d2 dies day 61; d3 loses coverage day 40;
    # d5 fatal overdose day 30.
    assert list(by["followup_days"]) == [306, 61, 40, 365, 30]
    assert list(by["days_on_moud"]) == [62, 0, 0, 0, 30]
    assert list(by["discontinued"]) == [True, True, False, False, False]
    assert list(by["relapse"]) == [True, False, False, False, False]
    assert list(by["days_to_relapse"]) == [31, 61, 40, 365, 30]
    assert list(by["overdose"]) == [True, False, False, False, True]
    assert list(by["days_to_overdose"]) == [92, 61, 40, 365, 30]
    assert list(by["overdose_status"]) == [1, 2, 0, 0, 1]
    assert list(by["death"]) == [False, True, False, False, True]
    assert list(by["repeat_delivery"]) == [False, False, False, True, True]
    assert by["moud_episode"].isna().tolist() == [False, False, True, True, False]


def test_moud_window_and_gap_options(data):
    deliveries, dispensing, events = data
    # with a 19-day window, b's episode (20 uncovered days before delivery) no longer counts
    cohort = build_cohort(deliveries, dispensing, events, moud_window_days=19)
    assert cohort.loc[1, "moud_at_delivery"] == "none"
    # episodes may be passed in (e.g. derived on Spark)
    episodes = derive_episodes(dispensing, engine="pandas")
    again = build_cohort(deliveries, None, events, episodes=episodes)
    pd.testing.assert_frame_equal(again, build_cohort(deliveries, dispensing, events))


def test_event_before_delivery_is_an_error(data):
    deliveries, dispensing, events = data
    events.loc[3, "event_date"] = pd.Timestamp("2023-02-27")
    with pytest.raises(AnalysisError, match="before its delivery") as error:
        build_cohort(deliveries, dispensing, events)
    assert (error.value.file, error.value.row, error.value.field) == ("events", 4, "event_date")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("event_type", "overdose", "unknown event_type 'overdose'"),
        ("delivery_id", "d9", "'d9' is not in deliveries"),
        ("person_id", "zz", "belongs to another person"),
    ],
)
def test_bad_events(data, column, value, message):
    deliveries, dispensing, events = data
    events.loc[2, column] = value
    with pytest.raises(AnalysisError, match=message) as error:
        build_cohort(deliveries, dispensing, events)
    assert error.value.row == 3


def test_duplicate_delivery_is_an_error(data):
    deliveries, dispensing, events = data
    deliveries.loc[4, "delivery_id"] = "d1"
    with pytest.raises(AnalysisError, match="more than once") as error:
        build_cohort(deliveries, dispensing, events)
    assert error.value.row == 5


def test_counting_process_rows_by_hand(data):
    deliveries, dispensing, events = data
    cohort = build_cohort(deliveries, dispensing, events)
    episodes = derive_episodes(dispensing, engine="pandas")
    rows = counting_process(cohort, episodes, covariates=["age"])
    got = {
        d: g[["start", "stop", "on_moud", "event"]].values.tolist()
        for d, g in rows.groupby("delivery_id")
    }
    # d1: covered days [0, 62), overdose day 92; d2: episode ended before delivery, censored
    # by death day 61; d3: none, censored day 40; d4: episode starts day 334 of 365;
    # d5: covered through the fatal overdose on day 30.
    assert got["d1"] == [[0, 62, 1, 0], [62, 92, 0, 1]]
    assert got["d2"] == [[0, 61, 0, 0]]
    assert got["d3"] == [[0, 40, 0, 0]]
    assert got["d4"] == [[0, 334, 0, 0], [334, 365, 1, 0]]
    assert got["d5"] == [[0, 30, 1, 1]]
    assert set(rows.columns) == {
        "delivery_id",
        "person_id",
        "start",
        "stop",
        "on_moud",
        "event",
        "age",
    }
    # every delivery's rows tile (0, duration] without gaps or overlaps
    for delivery, group in rows.groupby("delivery_id"):
        assert group["start"].iloc[0] == 0
        assert np.array_equal(group["start"].to_numpy()[1:], group["stop"].to_numpy()[:-1])
        total = cohort.set_index("delivery_id").loc[delivery, "days_to_overdose"]
        assert group["stop"].iloc[-1] == total


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
    episodes = derive_episodes(fills([("p", "2022-12-20", "methadone", 30)]), engine="pandas")
    rows = counting_process(cohort, episodes)
    assert rows[["start", "stop", "on_moud", "event"]].values.tolist() == [[0, 0.5, 1, 1]]


def test_counting_process_fits_lifelines_time_varying_cox(data):
    from lifelines import CoxTimeVaryingFitter

    deliveries, dispensing, events = data
    cohort = build_cohort(deliveries, dispensing, events)
    rows = counting_process(cohort, derive_episodes(dispensing, engine="pandas"))
    fitter = CoxTimeVaryingFitter(penalizer=0.1)
    fitter.fit(
        rows.drop(columns=["person_id"]),
        id_col="delivery_id",
        start_col="start",
        stop_col="stop",
        event_col="event",
    )
    assert "on_moud" in fitter.summary.index


def test_synthetic_study_moud_at_delivery_matches_the_generator_truth():
    # Independent check against engineer A's generator (studies.synth): the MOUD each
    # synthetic delivery was simulated with must be recovered from its dispensing records.
    from studies.synth import generate_cohort

    synthetic = generate_cohort(300, seed=5)
    cohort = build_cohort(synthetic.deliveries, synthetic.dispensing(), synthetic.events)
    agree = (cohort["moud_at_delivery"] == synthetic.deliveries["moud"]).mean()
    assert agree >= 0.99
    assert (cohort["followup_days"] <= 365).all() and (cohort["followup_days"] >= 0).all()
    assert set(cohort["overdose_status"]) <= {0, 1, 2}
