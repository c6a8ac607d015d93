"""Funder tables: small groups never shown, counts coarsened, interview findings in words."""

import numpy as np
import pandas as pd
import pytest

from analysis.survival import kaplan_meier
from coding.codebook import default_codebook
from studies.reports._funder import (
    frequency_word,
    funder_joint_display,
    glossary_table,
    retention_for_funders,
)


@pytest.fixture
def cohort() -> pd.DataFrame:
    # 40 on methadone, 8 on naltrexone (too few to show an estimate).
    rng = np.random.default_rng(3)
    n_m, n_n = 40, 8
    return pd.DataFrame(
        {
            "moud_at_delivery": ["methadone"] * n_m + ["naltrexone"] * n_n,
            "days_on_moud": np.concatenate([rng.integers(20, 365, n_m), rng.integers(5, 100, n_n)]),
            "discontinued": np.concatenate([rng.random(n_m) < 0.5, np.ones(n_n, bool)]),
        }
    )


def test_retention_hides_small_groups_and_coarsens(cohort):
    km = kaplan_meier(cohort, "days_on_moud", "discontinued", by="moud_at_delivery")
    table = retention_for_funders(km, [91, 182, 365], "moud_at_delivery", min_cell=11)
    assert set(table["Medication"]) == {"methadone"}
    shown = table["Mothers still followed (rounded)"].dropna()
    assert all(v % 5 == 0 and (v == 0 or v >= 15) for v in shown)
    at = km.at([91]).set_index("moud_at_delivery").loc["methadone"]
    assert table.iloc[0]["Still on MOUD"] == f"{100 * at['survival']:.0f}%"


def test_frequency_words():
    assert [frequency_word(s) for s in (0.9, 0.75, 0.5, 0.3, 0.1)] == [
        "most",
        "most",
        "many",
        "some",
        "a few",
    ]


def test_joint_display_shows_outcomes_only_for_large_groups():
    linked = pd.DataFrame(
        {
            "stigma": [True] * 12 + [False] * 12,
            "nows_guilt": [True] * 3 + [False] * 21,
            "days_on_moud": list(range(100, 124)) + [0] * 0,
        }
    )
    table = funder_joint_display(linked, ["stigma", "nows_guilt"], default_codebook())
    stigma, guilt = table.iloc[0], table.iloc[1]
    # Stigma: medians of 100..111 and 112..123 are 105.5 and 117.5 (shown rounded).
    assert stigma["Median days on MOUD (with vs without the theme)"] == "106 vs 118 days"
    assert guilt["Median days on MOUD (with vs without the theme)"] == "too few mothers to show"
    assert guilt["Raised by"] == "a few mothers"


def test_glossary_explains_every_term():
    table = glossary_table()
    assert {"MOUD", "NOWS", "95% CI", "<11"} <= set(table["Term"])
