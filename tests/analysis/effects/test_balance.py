"""Standardised mean differences computed by hand; love plot and weight summary."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from analysis.effects import balance_table, love_plot, standardized_mean_difference, weight_summary


def test_continuous_smd_by_hand():
    # treated 1,2,3 (mean 2, var 1); control 2,4 (mean 3, var 2): (2-3)/sqrt(1.5) = -0.8165
    x = np.array([1, 2, 3, 2, 4.0])
    a = np.array([1, 1, 1, 0, 0], bool)
    assert standardized_mean_difference(x, a) == pytest.approx(-1 / np.sqrt(1.5))
    # weights 1,1,2 on the treated: weighted mean 9/4; the denominator stays unweighted
    w = np.array([1, 1, 2, 1, 1.0])
    assert standardized_mean_difference(x, a, w) == pytest.approx(-0.75 / np.sqrt(1.5))


def test_binary_smd_by_hand():
    # p1 = 0.5, p0 = 0.25: 0.25 / sqrt((0.25 + 0.1875) / 2) = 0.5345
    x = np.array([1, 1, 0, 0, 1, 0, 0, 0.0])
    a = np.array([1, 1, 1, 1, 0, 0, 0, 0], bool)
    assert standardized_mean_difference(x, a) == pytest.approx(0.25 / np.sqrt(0.21875))


def test_balance_table_love_plot_and_weight_summary():
    df = pd.DataFrame(
        {
            "drug": ["m", "m", "m", "b", "b"],
            "age": [1, 2, 3, 2, 4],
            "ins": ["a", "b", "b", "a", "a"],
        }
    )
    table = balance_table(df, "drug", "m", ["age", "ins"], weights=np.ones(5))
    assert list(table.index) == ["age", "ins[b]"]
    assert table.loc["age", "smd_weighted"] == pytest.approx(table.loc["age", "smd_unweighted"])
    assert not table["balanced"].any()
    ax = love_plot(table)
    assert ax.get_xlabel() == "absolute standardised mean difference"
    summary = weight_summary(pd.Series([1.0, 1.0, 2.0, 2.0]))
    assert summary.loc["all", "effective_n"] == pytest.approx(36 / 10)
