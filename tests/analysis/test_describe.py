"""Table 1 helpers, checked against counts done by hand on a six-row frame."""

import numpy as np
import pandas as pd
import pytest

from analysis.describe import category_counts, cohort_table_one, numeric_summary, table_one
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
    assert table.loc["\u2003Missing", "buprenorphine"] == "1 (33.3%)"
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
