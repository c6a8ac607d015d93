"""Landmark prediction: the rows kept and the clock moved as analysis.cohort.landmark does,
and a predictor known only at the landmark (still on MOUD) that the simulation made
protective improves discrimination over the at-delivery model."""

import numpy as np
import pandas as pd
import pytest

from analysis.risk import landmark_data, landmark_performance


@pytest.fixture(scope="module")
def cohort():
    rng = np.random.default_rng(8)
    n = 3000
    days_on_moud = np.ceil(rng.exponential(120, n))
    age = rng.normal(28, 5, n).round()
    # overdose hazard is 4 times higher off MOUD: simulate piecewise from delivery
    base = 0.0008 * np.exp(0.03 * (age - 28))
    draw = rng.exponential(1.0, n)
    on_part = base * days_on_moud
    t = np.where(draw <= on_part, draw / base, days_on_moud + (draw - on_part) / (4 * base))
    return pd.DataFrame(
        {
            "delivery_date": pd.Timestamp("2023-01-01"),
            "age": age,
            "days_on_moud": days_on_moud,
            "days_to_overdose": np.minimum(np.ceil(t), 365),
            "overdose": (t <= 365).astype(int),
        }
    )


def test_landmark_rows_and_clock(cohort):
    at_90 = landmark_data(cohort, 90, "days_to_overdose", "overdose")
    kept = cohort["days_to_overdose"] > 90
    assert len(at_90) == kept.sum()
    np.testing.assert_array_equal(
        at_90["days_to_overdose"], cohort.loc[kept, "days_to_overdose"] - 90
    )
    np.testing.assert_array_equal(
        at_90["on_moud_at_landmark"], cohort.loc[kept, "days_on_moud"] > 90
    )


def test_what_is_known_at_the_landmark_improves_discrimination(cohort):
    table = landmark_performance(
        cohort, "days_to_overdose", "overdose", ["age"], 180, landmarks=(0, 90)
    ).set_index("landmark")
    assert "on_moud_at_landmark" in table.loc[90, "predictors"]
    assert table.loc[90, "harrell_c"] > table.loc[0, "harrell_c"] + 0.03
