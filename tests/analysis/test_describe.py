"""Table 1 helpers, checked against counts done by hand on a six-row frame."""

import numpy as np
import pandas as pd
import pytest

from analysis.describe import category_counts, numeric_summary, table_one
from analysis.errors import AnalysisError


@pytest.fixture
def six() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "moud": [
                "methadone",
                "methadone",
                "buprenorphine",
                "buprenorphine",
                "buprenorphine",
                "none",
            ],
            "insurance": ["medicaid", "private", "medicaid", "medicaid", None, "medicaid"],
            "age": [20, 30, 25, 35, np.nan, 40],
        }
    )


def test_category_counts_by_hand(six):
    counts = category_counts(six, ["insurance"], by="moud").set_index(["group", "category"])
    # Overall: medicaid 4 of 6, private 1, missing 1.
    assert counts.loc[("All", "medicaid"), "n"] == 4
    assert counts.loc[("All", "missing"), "n"] == 1
    assert counts.loc[("All", "medicaid"), "percent"] == pytest.approx(400 / 6)
    # Buprenorphine: medicaid 2 of 3, missing 1 of 3.
    assert counts.loc[("buprenorphine", "medicaid"), "n"] == 2
    assert counts.loc[("buprenorphine", "medicaid"), "denominator"] == 3
    # Each variable's counts add up to the group size.
    sums = category_counts(six, ["insurance"], by="moud").groupby("group")["n"].sum()
    assert sums.to_dict() == {"All": 6, "buprenorphine": 3, "methadone": 2, "none": 1}


def test_numeric_summary_by_hand(six):
    summary = numeric_summary(six, ["age"], by="moud").set_index("group")
    assert summary.loc["All", "n"] == 5  # one missing age
    assert summary.loc["All", "median"] == 30
    assert summary.loc["methadone", "median"] == 25
    assert summary.loc["buprenorphine", "q1"] == pytest.approx(27.5)  # quartile of 25, 35


def test_table_one_cells(six):
    table = table_one(six, by="moud", categorical=["insurance"], numeric=["age"])
    assert list(table.columns) == [
        "variable",
        "category",
        "All",
        "buprenorphine",
        "methadone",
        "none",
    ]
    assert table.iloc[0].tolist() == ["N", "", "6", "3", "2", "1"]
    medicaid = table[(table["variable"] == "insurance") & (table["category"] == "medicaid")].iloc[0]
    assert medicaid["All"] == "4 (66.7%)"
    assert medicaid["methadone"] == "1 (50.0%)"
    age = table[table["variable"] == "age"].iloc[0]
    assert age["All"] == "30.0 [25.0–35.0]"


def test_missing_column_is_named(six):
    with pytest.raises(AnalysisError, match="parity"):
        category_counts(six, ["parity"])
