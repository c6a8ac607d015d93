"""Rule 1 — exposure fixed at delivery; rule 7 — lookback (docs/cohort.md).

Every expected value is derived by hand in the comments. Delivery date 2023-03-01 (day 0);
February 2023 has 28 days. A fill covers [fill_date, fill_date + days_supply).
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.cohort import build_cohort
from analysis.errors import AnalysisError
from tests.analysis.cohort.helpers import NO_EVENTS, NO_FILLS, deliveries, fills

D = "2023-03-01"


@pytest.fixture
def exposure_data():
    births = deliveries([(f"d{i}", f"p{i}", D) for i in range(1, 9)])
    dispensing = fills(
        [
            # p1: [02-15, 03-17) covers 03-01; methadone from 03-17 continues the same
            # episode (a switch 16 days after delivery) -> still "buprenorphine".
            ("p1", "2023-02-15", "buprenorphine", 30),
            ("p1", "2023-03-17", "methadone", 30),
            # p2: [01-10, 02-09): 02-09 -> 03-01 = 19 + 1 = 20 uncovered days before delivery.
            ("p2", "2023-01-10", "buprenorphine", 30),
            # p3: [2022-12-01, 12-31): 12-31 -> 03-01 = 1 + 31 + 28 = 60 days: too long ago.
            ("p3", "2022-12-01", "methadone", 30),
            # p4: [02-01, 02-21) then methadone 03-10: 02-21 -> 03-10 = 7 + 10 = 17 uncovered
            # days <= 30, one episode [02-01, 04-09) covering delivery; no fill covers 03-01,
            # the latest fill on or before it is buprenorphine.
            ("p4", "2023-02-01", "buprenorphine", 20),
            ("p4", "2023-03-10", "methadone", 30),
            # p5: [02-20, 03-06) and [02-25, 03-04) both cover 03-01.
            ("p5", "2023-02-20", "buprenorphine", 14),
            ("p5", "2023-02-25", "methadone", 7),
            # p6: no fills.
            # p7: an injection on the delivery day covers it.
            ("p7", "2023-03-01", "naltrexone", 28),
            # p8: [02-01, 03-01): the supply ends exactly at delivery, 0 uncovered days.
            ("p8", "2023-02-01", "buprenorphine", 28),
        ]
    )
    return births, dispensing


def test_moud_at_delivery_is_the_drug_covering_the_delivery_date(exposure_data):
    births, dispensing = exposure_data
    cohort = build_cohort(
        births, dispensing, NO_EVENTS, data_end="2024-12-31", bridge_delivery_gap=True
    )
    assert list(cohort["moud_at_delivery"]) == [
        "buprenorphine",  # p1: the later switch to methadone does not change the label
        "none",  # p2: ended 20 days before
        "none",  # p3
        "buprenorphine",  # p4: delivery in a bridged 17-day gap, last fill buprenorphine
        "buprenorphine,methadone",  # p5: two drugs cover the day
        "none",  # p6
        "naltrexone",  # p7
        "none",  # p8: never "on MOUD with a day-0 discontinuation"
    ]
    # moud_recent: treatment that ended within 30 uncovered days before delivery.
    assert list(cohort["moud_recent"]) == ["", "buprenorphine", "", "", "", "", "", "buprenorphine"]


def test_strict_default_and_three_level_status(exposure_data):
    # Default: no look-ahead. p4's delivery lies in a gap that only the methadone refill of
    # 03-10 (after delivery) bridges: "none", recent buprenorphine (02-21 -> 03-01 = 8
    # uncovered days <= 30). moud_status: current for p1, p5, p7; recent for p2 (20 days),
    # p4 (8) and p8 (0); none for p3 (60 days) and p6 (no fills).
    births, dispensing = exposure_data
    cohort = build_cohort(births, dispensing, NO_EVENTS, data_end="2024-12-31")
    assert cohort.loc[3, "moud_at_delivery"] == "none"
    assert cohort["moud_status"].tolist() == [
        "current", "recent", "none", "recent", "current", "none", "current", "recent",
    ]  # fmt: skip
    # moud_group collapses p5's "buprenorphine,methadone" by the stated hierarchy
    # (methadone before buprenorphine before naltrexone); a hierarchy putting buprenorphine
    # first gives buprenorphine.
    assert cohort["moud_group"].tolist() == [
        "buprenorphine", "none", "none", "none", "methadone", "none", "naltrexone", "none",
    ]  # fmt: skip
    bup_first = build_cohort(
        births, dispensing, NO_EVENTS, data_end="2024-12-31",
        moud_hierarchy=("buprenorphine", "methadone", "naltrexone"),
    )  # fmt: skip
    assert bup_first.loc[4, "moud_group"] == "buprenorphine"
    assert bup_first.loc[4, "moud_at_delivery"] == "buprenorphine,methadone"


def test_a_supply_running_at_the_delivery_admission_is_paused_during_the_stay():
    # q1: bup 02-01 x 28 covers [02-01, 03-01): it ends on the delivery date (no fill covers
    # 03-01). Admitted 02-27 (covered), delivered 03-01, discharged 03-03: the stay is 4
    # days (02-27 -> 03-03), so the supply becomes [02-01, 03-05): covers delivery, label
    # buprenorphine, supply end 03-05 = day 4. Only the fill dated before the admission is
    # used. q2: the same fill, admitted on 03-01 (the supply had ended): unchanged, recent.
    # q3: no discharge date: the stay runs to delivery (02-27 -> 03-01 = 2 days), supply to
    # 03-03 = day 2.
    births = deliveries([("q1", "q1", D), ("q2", "q2", D), ("q3", "q3", D)])
    births["admission_date"] = pd.to_datetime(["2023-02-27", "2023-03-01", "2023-02-27"])
    births["discharge_date"] = pd.to_datetime(["2023-03-03", "2023-03-03", None])
    dispensing = fills([(p, "2023-02-01", "buprenorphine", 28) for p in ("q1", "q2", "q3")])
    cohort = build_cohort(births, dispensing, NO_EVENTS, data_end="2024-12-31", gap_days=30)
    assert cohort["moud_at_delivery"].tolist() == ["buprenorphine", "none", "buprenorphine"]
    assert cohort["moud_status"].tolist() == ["current", "recent", "current"]
    # followed 365 days: discontinued at the (paused) supply end
    assert cohort["days_on_moud"].tolist() == [4, 0, 2]
    births.loc[0, "admission_date"] = pd.Timestamp("2023-03-02")
    with pytest.raises(AnalysisError, match="admission_date"):
        build_cohort(births, dispensing, NO_EVENTS, data_end="2024-12-31")


def test_drug_specific_episodes_end_retention_at_a_switch(exposure_data):
    # p1: bup 02-15 x 30 covers [02-15, 03-17): supply end 03-17 = day 16; methadone from 03-17
    # continues the any-MOUD episode to 04-16 = day 46 (31 + 15). With drug-specific episodes
    # (switch_continues=False, as OMOP drug eras and AdhereR's default) the switch ends the
    # buprenorphine episode: discontinued on day 16. Followed 365 days, both are observable.
    births, dispensing = exposure_data
    any_moud = build_cohort(births, dispensing, NO_EVENTS, data_end="2024-12-31")
    per_drug = build_cohort(
        births, dispensing, NO_EVENTS, data_end="2024-12-31", switch_continues=False
    )
    assert any_moud.loc[0, "days_on_moud"] == 46 and any_moud.loc[0, "discontinued"]
    assert per_drug.loc[0, "days_on_moud"] == 16 and per_drug.loc[0, "discontinued"]
    assert per_drug.loc[0, "moud_at_delivery"] == "buprenorphine"


def test_moud_window_days_bounds_recent_treatment(exposure_data):
    births, dispensing = exposure_data
    # p2 ended 20 uncovered days before delivery: inside a 20-day window, outside a 19-day one.
    wide = build_cohort(births, dispensing, NO_EVENTS, data_end="2024-12-31", moud_window_days=20)
    narrow = build_cohort(births, dispensing, NO_EVENTS, data_end="2024-12-31", moud_window_days=19)
    assert wide.loc[1, "moud_recent"] == "buprenorphine"
    assert narrow.loc[1, "moud_recent"] == ""
    assert wide.loc[1, "moud_at_delivery"] == narrow.loc[1, "moud_at_delivery"] == "none"


def test_gap_tolerance_decides_whether_a_gap_at_delivery_is_bridged(exposure_data):
    births, dispensing = exposure_data
    # p4's 17 uncovered days (02-21 .. 03-10) span the delivery: bridged with gap_days 30
    # (the postpartum studies) but not with 7 (NQF 3175), where the first episode ended 8
    # days before delivery (02-21 -> 03-01 = 8): "none", recent buprenorphine.
    nqf = build_cohort(
        births, dispensing, NO_EVENTS, gap_days=7, data_end="2024-12-31", bridge_delivery_gap=True
    )
    assert nqf.loc[3, "moud_at_delivery"] == "none"
    assert nqf.loc[3, "moud_recent"] == "buprenorphine"


def test_lookback_observed_needs_coverage_for_the_whole_window():
    # 90 days before 2023-03-01: 03-01 - 28 (Feb) = 02-01, - 31 (Jan) = 01-01, - 31 (Dec)
    # = 2022-12-01. Coverage from 2022-12-01 sees the whole window; from 12-02 it misses a day.
    births = deliveries(
        [
            ("d1", "p1", D, "2022-12-01"),
            ("d2", "p2", D, "2022-12-02"),
            ("d3", "p3", D, None),
        ]
    )
    cohort = build_cohort(births, NO_FILLS, NO_EVENTS, data_end="2024-12-31")
    assert cohort["lookback_observed"].tolist() == [True, False, pd.NA]
    # a 91-day lookback needs coverage from 2022-11-30: neither is observed
    longer = build_cohort(births, NO_FILLS, NO_EVENTS, data_end="2024-12-31", lookback_days=91)
    assert longer["lookback_observed"].tolist()[:2] == [False, False]


def test_strict_exposure_without_look_ahead(exposure_data):
    # p4 delivered in a 17-day gap (supply ended 02-21, next fill 03-10): bridged only with
    # bridge_delivery_gap=True;
    # without looking past delivery she is "none", and her supply ended 02-21 -> 03-01 = 8
    # uncovered days before delivery, within the 30-day window: recent buprenorphine. A
    # 7-day window leaves it out. Deliveries a fill covers (p1, p5, p7) do not change.
    births, dispensing = exposure_data
    strict = build_cohort(
        births, dispensing, NO_EVENTS, data_end="2024-12-31", bridge_delivery_gap=False
    )
    assert strict.loc[3, "moud_at_delivery"] == "none"
    assert strict.loc[3, "moud_recent"] == "buprenorphine"
    assert strict.loc[3, "discontinued"] == False  # noqa: E712  (none: no retention)
    assert list(strict["moud_at_delivery"].iloc[[0, 4, 6]]) == [
        "buprenorphine",
        "buprenorphine,methadone",
        "naltrexone",
    ]
    narrow = build_cohort(
        births, dispensing, NO_EVENTS, data_end="2024-12-31", bridge_delivery_gap=False,
        moud_window_days=7,
    )  # fmt: skip
    assert narrow.loc[3, "moud_recent"] == ""
