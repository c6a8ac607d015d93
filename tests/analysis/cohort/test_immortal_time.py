"""The check of issue 12: exposure fixed at delivery removes the immortal-time bias of an
episode-wide drug label.

600 women deliver on 2023-03-01, 300 on buprenorphine and 300 on methadone, with identical
retention: woman i (i = 0..299 in each group) fills 30 days on 02-19 (covering delivery,
supply to day 20) and then every 30 days n_i = i mod 12 more times, so her supply ends on
day 20 + 30 n_i. Women with n_i >= 6 (still on treatment at day 200) switch to the other
drug for their later refills, inside the same episode.

By hand: every woman's label is the drug of her delivery fill. With a 30-day permissible
gap and a 365-day horizon, she is discontinued at day 20 + 30 n_i when 20 + 30 n_i + 30 <=
365, i.e. n_i <= 10; n_i = 11 (supply to day 350) is censored at 350 (the supply end: the
days after it are not counted as retained, Rule 4). The two groups have
exactly the same times and events, so the Cox score at beta = 0 is zero: the hazard ratio
is exactly 1. An episode-wide label ("buprenorphine,methadone" for the switchers, who are
by construction the long-retained) would find a hazard ratio far below 1 (0.085 in issue
12), pure immortal time.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import survival
from analysis.cohort import build_cohort
from tests.analysis.cohort.helpers import NO_EVENTS, deliveries, fills


@pytest.fixture(scope="module")
def six_hundred():
    births, rows = [], []
    delivery = pd.Timestamp("2023-03-01")
    for group, (drug, other) in enumerate(
        [("buprenorphine", "methadone"), ("methadone", "buprenorphine")]
    ):
        for i in range(300):
            person = f"g{group}w{i:03d}"
            births.append((person, person, "2023-03-01"))
            first = delivery - pd.Timedelta(days=10)  # 02-19: covers days -10 .. 19
            rows.append((person, first, drug, 30))
            for k in range(1, i % 12 + 1):
                rows.append(
                    (person, first + pd.Timedelta(days=30 * k), drug if k < 6 else other, 30)
                )
    return build_cohort(deliveries(births), fills(rows), NO_EVENTS, data_end="2025-01-01")


def test_all_women_on_one_drug_at_delivery_carry_that_label(six_hundred):
    labels = six_hundred.groupby(six_hundred["delivery_id"].str[:2])["moud_at_delivery"]
    assert labels.unique().to_dict() == {"g0": ["buprenorphine"], "g1": ["methadone"]}


def test_retention_by_hand(six_hundred):
    n = six_hundred["delivery_id"].str[-3:].astype(int) % 12
    expected_days = 20 + 30 * n
    assert six_hundred["days_on_moud"].tolist() == expected_days.tolist()
    assert six_hundred["discontinued"].tolist() == (n <= 10).tolist()


def test_cox_hazard_ratio_between_drugs_is_one(six_hundred):
    fit = survival.cox(six_hundred, "days_on_moud", "discontinued", ["C(moud_at_delivery)"])
    assert fit.summary["hr"].iloc[0] == pytest.approx(1.0, abs=1e-9)
