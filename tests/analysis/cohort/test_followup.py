"""Rule 2 — end of follow-up; rule 3 — discontinuation; rule 8 — repeat deliveries
(docs/cohort.md). Expected values derived by hand in the comments.

Day counts from 2023-03-01: April 1 is day 31, May 1 day 61, June 1 day 92, July 1 day 122,
Dec 1 day 275, Dec 31 day 305 (31+30+31+30+31+31+30+31+30 = 275 to Dec 1).
"""

from __future__ import annotations

import logging

import pytest

from analysis.cohort import build_cohort, coverage_loss_bound
from analysis.errors import AnalysisError
from tests.analysis.cohort.helpers import NO_EVENTS, NO_FILLS, deliveries, events, fills

D = "2023-03-01"


def test_follow_up_ends_at_the_earliest_of_five_dates():
    births = deliveries(
        [
            ("f1", "p1", D),  # nothing else: the data end 2023-12-31 = day 305
            ("f2", "p2", D, None, "2023-06-01"),  # last covered day 06-01 = day 92
            ("f3", "p3", D),  # coverage_loss on 05-01: last covered day 04-30 = day 60
            ("f4", "p4", D),  # next delivery 2023-12-01 = day 275
            ("f4b", "p4", "2023-12-01"),  # then 12-01 -> 12-31 = 30 days to the data end
            ("f5", "p5", D),  # death from other causes 04-01 = day 31
            ("f6", "p6", "2022-03-01"),  # a year before: the 365-day horizon comes first
        ]
    )
    ev = events(
        [
            ("p3", "f3", "2023-05-01", "coverage_loss"),
            ("p5", "f5", "2023-04-01", "death_other"),
        ]
    )
    cohort = build_cohort(births, NO_FILLS, ev, data_end="2023-12-31").set_index("delivery_id")
    assert cohort["followup_days"].to_dict() == {
        "f1": 305,
        "f2": 92,
        "f3": 60,
        "f4": 275,
        "f4b": 30,
        "f5": 31,
        "f6": 365,
    }
    assert cohort["followup_end"].to_dict() == {
        "f1": "data_end",
        "f2": "coverage",
        "f3": "coverage",
        "f4": "next_delivery",
        "f4b": "data_end",
        "f5": "death",
        "f6": "horizon",
    }
    # Repeat deliveries: both of p4's are flagged (errors are clustered on person_id).
    assert cohort["repeat_delivery"].to_dict()["f4"] and cohort["repeat_delivery"]["f4b"]
    assert not cohort.loc["f1", "repeat_delivery"]


def test_data_end_defaults_to_the_latest_record_never_a_coverage_sentinel(caplog):
    # Coverage "to 9999-12-31" means still covered; the latest record is the event on
    # 2023-09-30 (fill 2023-02-15, delivery 2023-03-01): follow-up 03-01 -> 09-30 = 31+30+31
    # +30+31+31+29 = 213 days.
    births = deliveries([("d1", "p1", D)])
    births["coverage_end_date"] = births["coverage_end_date"].astype(object)
    births.loc[0, "coverage_end_date"] = "9999-12-31"
    ev = events([("p1", "d1", "2023-09-30", "return_to_use")])
    with caplog.at_level(logging.INFO, logger="analysis.cohort"):
        cohort = build_cohort(births, fills([("p1", "2023-02-15", "buprenorphine", 7)]), ev)
    assert cohort.attrs["data_end"] == "2023-09-30"
    assert cohort.loc[0, "followup_days"] == 213
    assert "latest event date in the data, 2023-09-30" in caplog.text


def test_follow_up_horizon_is_a_setting():
    births = deliveries([("d1", "p1", D)])
    cohort = build_cohort(births, NO_FILLS, NO_EVENTS, follow_up_days=180, data_end="2025-01-01")
    assert cohort.loc[0, "followup_days"] == 180


def _retention(scale: str = "supply_end"):
    # Everyone fills buprenorphine 2023-02-01 for 90 days: supply [02-01, 05-02), its end
    # is 05-02 = day 62 (May 1 is day 61). Permissible gap 30 days: the discontinuation is
    # known once follow-up reaches day 62 + 30 = 92.
    people = ["c1", "c2", "c3", "c5", "c6", "c7"]
    births = deliveries(
        [
            ("c1", "c1", D),  # followed 365 days: discontinued at day 62
            ("c2", "c2", D, None, "2023-05-15"),  # covered to day 75 < 92: censored at 75
            ("c3", "c3", D, None, "2023-06-01"),  # covered to day 92 = 62 + 30: discontinued
            ("c4", "c4", D),  # 365 days of supply, see below
            ("c5", "c5", D),  # no fills: none
            ("c6", "c6", D),  # dies on 05-20 = day 80, in the gap [62, 92)
            ("c7", "c7", D),  # dies on 04-10 = day 40, still supplied (40 < 62)
        ]
    )
    rows = [(p, "2023-02-01", "buprenorphine", 90) for p in people if p != "c5"]
    # c4: [02-01, 2024-02-01): end is day 365 - 28 = 337; 337 + 30 = 367 > 365, so at the
    # horizon the gap is not yet observable: censored at 365.
    rows.append(("c4", "2023-02-01", "buprenorphine", 365))
    ev = events(
        [("c6", "c6", "2023-05-20", "death_other"), ("c7", "c7", "2023-04-10", "death_other")]
    )
    return build_cohort(
        births, fills(rows), ev, data_end="2025-12-31", discontinuation_time=scale
    ).set_index("delivery_id")


@pytest.fixture
def retention():
    return _retention()


def test_discontinuation_only_when_the_permissible_gap_is_observable(retention):
    assert retention["discontinued"].to_dict() == {
        "c1": True,
        "c2": False,
        "c3": True,
        "c4": False,
        "c5": False,
        "c6": False,
        "c7": False,
    }


def test_one_time_scale_supply_end_censors_at_the_supply_end(retention):
    # Supply-end scale: the event is day 62; an unobservable gap is censored at
    # min(62, follow-up): days after the supply ran out are not counted as retained.
    # c2 covered to 75 -> 62 (not 75); c4 supply to 337, horizon 365 -> 337; c6 died on day
    # 80 in the gap -> censored at 62 (status 0: a refill by day 92 is unknown); c7 died on
    # day 40 while supplied -> death competes (status 2) at 40.
    assert retention["days_on_moud"].to_dict() == {
        "c1": 62, "c2": 62, "c3": 62, "c4": 337, "c5": 0, "c6": 62, "c7": 40,
    }  # fmt: skip
    assert retention["discontinued_status"].to_dict() == {
        "c1": 1, "c2": 0, "c3": 1, "c4": 0, "c5": 0, "c6": 0, "c7": 2,
    }  # fmt: skip


def test_coverage_loss_bound_counts_loss_of_coverage_as_discontinuation(retention):
    # Only c2 was censored by loss of coverage (covered to day 75, censored at its supply end
    # 62): in the bound it is discontinued on day 62. c4 (horizon) and c6 (death) stay
    # censored; c7 (death first) keeps status 2.
    bound = coverage_loss_bound(retention)
    assert bound["discontinued_status"].to_dict() == {
        "c1": 1, "c2": 1, "c3": 1, "c4": 0, "c5": 0, "c6": 0, "c7": 2,
    }  # fmt: skip
    assert bound.loc["c2", "days_on_moud"] == 62 and bound.loc["c2", "discontinued"]
    assert bound.attrs["coverage_loss_bound"] == 1


def test_one_time_scale_gap_end_dates_the_event_when_the_gap_runs_out():
    # Gap-end scale: the event is day 62 + 30 = 92 and censoring is at the end of follow-up:
    # c2 -> 75, c4 -> 365, c6 died on day 80 < 92 -> death competes at 80, c7 at 40.
    gap_end = _retention("gap_end")
    assert gap_end["days_on_moud"].to_dict() == {
        "c1": 92, "c2": 75, "c3": 92, "c4": 365, "c5": 0, "c6": 80, "c7": 40,
    }  # fmt: skip
    assert gap_end["discontinued_status"].to_dict() == {
        "c1": 1, "c2": 0, "c3": 1, "c4": 0, "c5": 0, "c6": 2, "c7": 2,
    }  # fmt: skip
    assert gap_end["discontinued"].equals(_retention()["discontinued"])
    with pytest.raises(AnalysisError, match="discontinuation_time"):
        _retention("refill")


def test_an_event_after_the_next_delivery_is_reported(caplog):
    # p1 delivers on 2023-03-01 and 2023-12-01; a return to use on 2023-12-15 filed under the
    # first delivery lies after its follow-up (cut on day 275): a warning names events row 1.
    births = deliveries([("d1", "p1", D), ("d2", "p1", "2023-12-01")])
    ev = events([("p1", "d1", "2023-12-15", "return_to_use")])
    with caplog.at_level(logging.WARNING, logger="analysis.cohort"):
        cohort = build_cohort(births, NO_FILLS, ev, data_end="2024-06-30")
    assert "1 event(s) are dated after the next delivery" in caplog.text
    assert "events row 1" in caplog.text
    assert not cohort.loc[0, "relapse"] and cohort.loc[0, "followup_days"] == 275
