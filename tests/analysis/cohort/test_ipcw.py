"""coverage_ipcw: inverse-probability-of-censoring weights for loss of coverage, derived by
hand on a fixture where the pooled logistic model reproduces the cell proportions exactly.

Group A (x = 1), 4 deliveries: censored by coverage on days 10 and 20, on day 45, and one
discontinuation on day 50. Group B (x = 0), 8 deliveries: censored by coverage on days 15 and
25 and on day 40; discontinued on days 5, 12, 35 and 55; one followed to the horizon (60).
Intervals of 30 days: (0, 30] and (30, 60].

Interval 1: A 2 of 4 lose coverage (p = 1/2, odds 1), B 2 of 8 (p = 1/4, odds 1/3).
Interval 2: A 1 of 2 at risk (p = 1/2, odds 1), B 1 of 4 at risk (p = 1/4, odds 1/3).
The odds ratio A:B is 3 in both intervals, so the additive model (interval + x) contains the
cell proportions and its maximum-likelihood fit reproduces them.

Weights (unstabilised) = 1 / P(still covered at the interval's start): interval 1 rows 1;
interval 2 rows A 1 / (1 - 1/2) = 2, B 1 / (1 - 1/4) = 4/3. Stabilised: times the same
probability without covariates, 1 - 4/12 = 2/3: A 4/3, B 8/9.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import survival
from analysis.cohort import coverage_ipcw
from analysis.errors import AnalysisError

RECORDS = [
    # id, x, days, discontinued, followup_end
    ("a1", 1, 10, 0, "coverage"),
    ("a2", 1, 20, 0, "coverage"),
    ("a3", 1, 45, 0, "coverage"),
    ("a4", 1, 50, 1, "horizon"),
    ("b1", 0, 15, 0, "coverage"),
    ("b2", 0, 25, 0, "coverage"),
    ("b3", 0, 5, 1, "horizon"),
    ("b4", 0, 12, 1, "horizon"),
    ("b5", 0, 40, 0, "coverage"),
    ("b6", 0, 35, 1, "horizon"),
    ("b7", 0, 55, 1, "horizon"),
    ("b8", 0, 60, 0, "horizon"),
]


@pytest.fixture
def cohort():
    frame = pd.DataFrame(
        RECORDS, columns=["delivery_id", "x", "days_on_moud", "discontinued", "followup_end"]
    )
    frame["person_id"] = frame["delivery_id"]
    return frame


def weights_by_interval(rows: pd.DataFrame) -> dict:
    second = rows[rows["interval"] == 1]
    return {
        "first": sorted(set(rows.loc[rows["interval"] == 0, "weight"].round(9))),
        "A": sorted(set(second.loc[second["x"] == 1, "weight"].round(9))),
        "B": sorted(set(second.loc[second["x"] == 0, "weight"].round(9))),
    }


def test_weights_are_the_inverse_probability_of_staying_covered(cohort):
    rows = coverage_ipcw(cohort, ["x"], stabilized=False)
    assert weights_by_interval(rows) == {"first": [1.0], "A": [2.0], "B": [round(4 / 3, 9)]}
    assert rows.attrs["lost"] == 6  # a1, a2, a3, b1, b2, b5
    # rows tile each follow-up: a3 has (0, 30] and (30, 45], censored by coverage on the last
    a3 = rows[rows["delivery_id"] == "a3"]
    assert a3[["start", "stop", "event", "lost"]].values.tolist() == [[0, 30, 0, 0], [30, 45, 0, 1]]
    assert rows.loc[rows["delivery_id"] == "a4", "event"].tolist() == [0, 1]


def test_stabilised_weights(cohort):
    rows = coverage_ipcw(cohort, ["x"])
    assert weights_by_interval(rows) == {
        "first": [1.0], "A": [round(4 / 3, 9)], "B": [round(8 / 9, 9)],
    }  # fmt: skip


def test_weighted_rows_feed_kaplan_meier_with_delayed_entry(cohort):
    # Unweighted, the rows give the ordinary Kaplan–Meier estimate (the split changes
    # nothing): events on days 5, 12, 35 and 50 with 12, 10, 6 and 3 at risk:
    # S(50) = (11/12)(9/10)(5/6)(2/3).
    rows = coverage_ipcw(cohort, ["x"], stabilized=False)
    rows["one"] = 1.0
    plain = survival.kaplan_meier(rows, "stop", "event", start="start", weights="one")
    expected = (11 / 12) * (9 / 10) * (5 / 6) * (2 / 3)
    assert plain.at([50])["survival"].iloc[0] == pytest.approx(expected)
    weighted = survival.kaplan_meier(rows, "stop", "event", start="start", weights="weight")
    # Weighted at day 35 (interval 2): at risk a3, a4 (weight 2 each) and b5..b8 (4/3 each)
    # = 4 + 16/3 = 28/3; the event b6 weighs 4/3: factor 1 - (4/3)/(28/3) = 6/7.
    # Before: days 5 and 12 in interval 1 with weight 1: 11/12 and 9/10.
    expected = (11 / 12) * (9 / 10) * (6 / 7)
    assert weighted.at([35])["survival"].iloc[0] == pytest.approx(expected)


def test_bad_input(cohort):
    cohort.loc[2, "x"] = None
    with pytest.raises(AnalysisError, match="covariate x") as caught:
        coverage_ipcw(cohort, ["x"])
    assert caught.value.row == 3
    with pytest.raises(AnalysisError, match="interval_days"):
        coverage_ipcw(cohort, [], interval_days=0)
