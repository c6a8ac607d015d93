"""Table 1 helpers, checked against counts done by hand on a six-row frame."""

import numpy as np
import pandas as pd
import pytest

from analysis.describe import (
    category_counts,
    cohort_table_one,
    numeric_summary,
    standardized_differences,
    table_one,
)
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
    six["pmad"] = [True, False, True, True, False, False]
    table = table_one(
        six,
        by="moud",
        categorical=["insurance", "pmad"],
        numeric=["age"],
        labels={"insurance": "Insurance", "pmad": "Mood disorder"},
        category_labels={"insurance": {"medicaid": "Medicaid"}},
    ).set_index("Characteristic")
    assert list(table.columns) == ["All", "buprenorphine", "methadone", "none"]
    assert table.loc["N"].tolist() == ["6", "3", "2", "1"]
    assert table.loc["Insurance"].tolist() == ["", "", "", ""]  # heading row
    assert table.loc["\u2003Medicaid", "All"] == "4 (66.7%)"
    assert table.loc["\u2003Medicaid", "methadone"] == "1 (50.0%)"
    assert table.loc["\u2003Private", "All"] == "1 (16.7%)"  # unlabelled: prettified
    # one "Missing" row under each variable with missing values: insurance, then age
    missing = table.loc["\u2003Missing"]
    assert missing["buprenorphine"].tolist() == ["1 (33.3%)", "1 (33.3%)"]
    assert missing["All"].tolist() == ["1 (16.7%)", "1 (16.7%)"]
    # A yes/no variable is one row counting "yes": 3 of 6 overall, 2 of 3 on buprenorphine.
    assert table.loc["Mood disorder, n (%)", "All"] == "3 (50.0%)"
    assert table.loc["Mood disorder, n (%)", "buprenorphine"] == "2 (66.7%)"
    assert table.loc["Age, median [IQR]", "All"] == "30 [25–35]"


def test_cohort_table_one_uses_the_dictionary_labels(six):
    cohort = six.rename(columns={"moud": "moud_at_delivery"})
    table = cohort_table_one(cohort)
    assert "Insurance at delivery" in table["Characteristic"].tolist()
    assert "\u2003Medicaid" in table["Characteristic"].tolist()


def test_missing_column_is_named(six):
    with pytest.raises(AnalysisError, match="parity"):
        category_counts(six, ["parity"])


def test_zero_one_integers_count_the_ones():
    # 0/1 integers are yes/no: 2 of 4 overall, 1 of 2 in each group; a missing value is
    # shown in its own row (1 of 4 = 25.0%, in group b 1 of 2).
    frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "flag": pd.array([1, 0, 1, None], "Int64")})
    table = table_one(frame, by="g", categorical=["flag"]).set_index("Characteristic")
    assert table.loc["Flag, n (%)"].tolist() == ["2 (50.0%)", "1 (50.0%)", "1 (50.0%)"]
    assert table.loc["\u2003Missing"].tolist() == ["1 (25.0%)", "0 (0.0%)", "1 (50.0%)"]


@pytest.fixture
def two_groups() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "g": ["A", "A", "B", "B", "B"],
            "age": [20, 30, 25, 35, 45],
            "pmad": [1, 0, 1, 1, 0],
            "insurance": ["medicaid", "private", "medicaid", "medicaid", "uninsured"],
        }
    )


def test_standardized_differences_by_hand(two_groups):
    smd = standardized_differences(two_groups, "g", ["pmad", "insurance"], ["age"])
    # age: A mean 25, sample variance 50; B mean 35, variance 100 -> 10 / sqrt(75) = 1.1547
    assert smd["age"] == pytest.approx(10 / np.sqrt(75))
    # pmad: p = 1/2 vs 2/3 -> (1/6) / sqrt((1/4 + 2/9) / 2) = 0.3430
    assert smd["pmad"] == pytest.approx((1 / 6) / np.sqrt((0.25 + 2 / 9) / 2))
    # insurance (Yang & Dalton): levels after the first: private, uninsured; A = (1/2, 0),
    # B = (0, 1/3). S = ((1/4, 0), (0, 0)) / 2 + ((0, 0), (0, 2/9)) / 2 = diag(1/8, 1/9);
    # d = (1/2, -1/3): d' S^-1 d = (1/4) * 8 + (1/9) * 9 = 3 -> sqrt(3)
    assert smd["insurance"] == pytest.approx(np.sqrt(3))


def test_smd_of_three_groups_is_the_mean_over_pairs(two_groups):
    extra = pd.DataFrame({"g": ["C", "C"], "age": [25, 25], "pmad": [1, 1]})
    three = pd.concat([two_groups, extra], ignore_index=True)
    smd = standardized_differences(three, "g", numeric=["age"])
    # C: mean 25, variance 0. A-C: 0 / sqrt((50 + 0) / 2) = 0; B-C: 10 / sqrt((100 + 0) / 2)
    # = 10 / sqrt(50); A-B: 10 / sqrt(75). The mean of the three pairs:
    pairs = [10 / np.sqrt(75), 0.0, 10 / np.sqrt(50)]
    assert smd["age"] == pytest.approx(np.mean(pairs))


def test_table_one_smd_column(two_groups):
    table = table_one(two_groups, by="g", categorical=["pmad"], numeric=["age"], smd=True)
    table = table.set_index("Characteristic")
    assert table.loc["Age, median [IQR]", "SMD"] == f"{10 / np.sqrt(75):.3f}"
    assert table.loc["N", "SMD"] == ""
