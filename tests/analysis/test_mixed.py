"""Mixed methods: indicators, linking, joint display — on a five-participant example
whose numbers are counted by hand in the comments."""

import pandas as pd
import pytest

from analysis.errors import AnalysisError
from analysis.mixed import joint_display, link_outcomes, theme_indicators


@pytest.fixture
def turn_codes() -> pd.DataFrame:
    rows = [
        ("P01", "patient", {"maternal_bonding"}),
        ("P01", "patient", {"stigma", "maternal_bonding"}),
        ("P02", "patient", {"stigma"}),
        ("P03", "patient", set()),
        ("P04", "patient", {"maternal_bonding"}),
        ("V01", "provider", {"stigma"}),
    ]
    return pd.DataFrame(rows, columns=["participant_id", "role", "codes"])


@pytest.fixture
def participants() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "participant_id": ["P01", "P02", "P03", "P04", "V01"],
            "role": ["patient"] * 4 + ["provider"],
            "person_id": ["A", "B", "C", "Z", None],
            "interview_date": ["2022-06-01"] * 5,
        }
    )


@pytest.fixture
def cohort() -> pd.DataFrame:
    # A has two deliveries: the interview (2022-06-01) is about the 2022-01-10 one.
    return pd.DataFrame(
        {
            "delivery_id": ["d1", "d2", "d3", "d4"],
            "person_id": ["A", "A", "B", "C"],
            "delivery_date": pd.to_datetime(
                ["2020-03-01", "2022-01-10", "2021-05-05", "2021-07-07"]
            ),
            "days_on_moud": [365, 40, 200, 90],
            "discontinued": [False, True, True, True],
            "relapse": [False, True, False, False],
        }
    )


def test_indicators(turn_codes):
    ind = theme_indicators(turn_codes).set_index("participant_id")
    assert list(ind.columns) == ["n_turns", "role", "maternal_bonding", "stigma"]
    assert ind.loc["P01", "n_turns"] == 2
    assert bool(ind.loc["P01", "stigma"]) and not bool(ind.loc["P03", "stigma"])


def test_link_picks_the_delivery_before_the_interview(turn_codes, participants, cohort):
    linked = link_outcomes(theme_indicators(turn_codes), participants, cohort)
    by_person = linked.set_index("participant_id")
    assert by_person.loc["P01", "delivery_id"] == "d2"
    # P04's person has no cohort record and V01 is a provider: both left out, and said so.
    assert sorted(linked["participant_id"]) == ["P01", "P02", "P03"]
    assert linked.attrs["unlinked"] == ["P04", "V01"]


def test_joint_display_counts(turn_codes, participants, cohort):
    linked = link_outcomes(theme_indicators(turn_codes), participants, cohort)
    table = joint_display(
        linked,
        ["stigma"],
        quotes={"stigma": "They looked at me like…"},
        code_names={"stigma": "Stigma"},
    ).iloc[0]
    # With stigma: P01 (d2: discontinued, relapse, 40 days) and P02 (d3: discontinued, 200).
    # Without: P03 (d4: discontinued, 90 days).
    assert table["Theme"] == "Stigma"
    assert (table["With theme"], table["Without"]) == (2, 1)
    assert table["Stopped MOUD within follow-up (with vs without)"] == "2/2 vs 1/1"
    assert table["Returned to use (with vs without)"] == "1/2 vs 0/1"
    assert table["Median days on MOUD (with vs without)"] == "120 vs 90"
    assert table["Quote"].startswith("They looked")


def test_unknown_code_is_named(turn_codes, participants, cohort):
    linked = link_outcomes(theme_indicators(turn_codes), participants, cohort)
    with pytest.raises(AnalysisError, match="nows_guilt"):
        joint_display(linked, ["nows_guilt"])
