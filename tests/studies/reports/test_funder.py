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
    key_themes,
    month_days,
    perspectives,
    retention_for_funders,
    retention_grid,
    site_label,
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
    assert set(table["Medication"]) == {"Methadone"}
    assert list(table["After delivery"]) == ["3 months", "6 months", "12 months"]
    shown = table["Mothers still followed (rounded)"].dropna()
    assert all(v % 5 == 0 and (v == 0 or v >= 15) for v in shown)
    at = km.at([91]).set_index("moud_at_delivery").loc["methadone"]
    assert table.iloc[0]["Still on MOUD"] == f"{100 * at['survival']:.0f}%"


def test_frequency_words():
    assert [frequency_word(s) for s in (0.9, 0.75, 0.5, 0.3, 0.1, 0.0)] == [
        "most",
        "most",
        "many",
        "some",
        "a few",
        "no",  # never "a few mothers" for a theme no mother raised
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
    # Stigma: medians of 100..111 and 112..123 are 105.5 and 117.5 days; in months of
    # 30.4375 days: 3.47 and 3.86, shown to one decimal.
    column = "Median months on MOUD (with vs without the theme)"
    assert stigma[column] == "3.5 vs 3.9 months"
    assert guilt[column] == "too few mothers to show"
    assert guilt["Raised by"] == "a few mothers"


def test_glossary_explains_every_term():
    from analysis.disclosure import SUPPRESSED

    table = glossary_table()
    assert {"MOUD", "NOWS", "95% CI", SUPPRESSED} <= set(table["Term"])
    assert "<11" not in set(table["Term"])


def test_site_labels_and_month_days():
    assert [site_label(s) for s in ("north", "st-mary_east", "Site A")] == [
        "North",
        "St Mary East",
        "Site A",
    ]
    # 3, 6, 12 months of 365.25 / 12 days: 91.3, 182.6, 365.25 days.
    assert [month_days(m) for m in (3, 6, 12)] == [91, 183, 365]


def test_retention_grid_hides_what_the_count_table_hides():
    rng = np.random.default_rng(5)
    rows = []
    for site, drug, n in [
        ("north", "methadone", 40),
        ("north", "naltrexone", 30),
        ("south", "methadone", 8),
    ]:
        for _ in range(n):
            rows.append(
                {
                    "site": site,
                    "moud_at_delivery": drug,
                    "days_on_moud": int(rng.integers(200, 400)),
                    "discontinued": False,
                }
            )
    data = pd.DataFrame(rows)
    published = pd.DataFrame(
        {"Methadone": [40, pd.NA], "Naltrexone": [pd.NA, 0]}, index=["north", "south"]
    )
    grid = retention_grid(
        data, "site", "moud_at_delivery", months=(6,), min_cell=11, published=published
    )
    # north methadone: 40 mothers, all followed past 183 days (200+) and none stopped.
    assert grid.loc["north", "Methadone, 6 months"] == "100%"
    # naltrexone's count is hidden in the published table: no percentage derived from it.
    assert pd.isna(grid.loc["north", "Naltrexone, 6 months"])
    # south methadone: 8 mothers, below 11.
    assert pd.isna(grid.loc["south", "Methadone, 6 months"])


class _Code:
    def __init__(self, name):
        self.name = name


class _Codebook(dict):
    def get(self, code_id):
        return dict.get(self, code_id)


def test_key_themes_quote_only_mothers_and_skip_themes_no_mother_raised(monkeypatch):
    import coding.explore as explore

    frequencies = pd.DataFrame(
        {
            "code_id": ["stigma", "stigma", "cps", "cps"],
            "role": ["patient", "provider", "patient", "provider"],
            "n_transcripts": [3, 2, 0, 4],
            "n_turns": [5, 2, 0, 9],
            "share": [0.6, 0.4, 0.0, 0.8],
        }
    )
    quotes = pd.DataFrame(
        {
            "quote": ["A provider said this", "A mother said this"],
            "role": ["provider", "patient"],
            "participant_id": ["V1", "P1"],
        }
    )
    monkeypatch.setattr(explore, "code_frequencies", lambda *a, **k: frequencies)
    monkeypatch.setattr(explore, "exemplars", lambda *a, **k: quotes)
    codebook = _Codebook(stigma=_Code("Stigma"), cps=_Code("CPS as a barrier"))
    table = key_themes(None, pd.DataFrame(), codebook, top=5)
    assert list(table["Theme"]) == ["Stigma"]  # no mother raised CPS: not listed
    assert table.iloc[0]["In her words"] == "“A mother said this”"
    assert table.iloc[0]["Raised by"] == "many mothers"
    side = perspectives(None, pd.DataFrame(), codebook)
    cps = side.set_index("Theme").loc["CPS as a barrier"]
    assert cps["Mothers"] == "no mothers" and cps["Providers"] == "most providers"
    assert cps["A provider's view"] == "“A provider said this”"
