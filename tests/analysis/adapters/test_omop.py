"""OMOP CDM extract → tables, on a small hand-made CDM. Ingredient concept ids are the
standard RxNorm ones (buprenorphine 1133201, methadone 1103640, naltrexone 1714319);
the clinical-drug ids 9000001… and the overdose/relapse condition ids 9100001… are invented
for the fixture and linked to the ingredients through a hand-made concept_ancestor."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.adapters.omop import from_omop
from analysis.episodes._validate import InvalidFillsWarning
from analysis.errors import AnalysisError

D = pd.Timestamp


@pytest.fixture
def cdm():
    person = pd.DataFrame({"person_id": [1, 2, 3], "year_of_birth": [1993, 1990, 1999]})
    ancestor = pd.DataFrame(
        {
            "ancestor_concept_id": [
                1133201,
                1133201,
                1103640,
                1714319,
                1133201,
                1103640,
                1714319,
                9100001,
            ],
            "descendant_concept_id": [
                9000001,
                9000002,
                9000003,
                9000004,
                1133201,
                1103640,
                1714319,
                9100002,
            ],
        }
    )
    drug_exposure = pd.DataFrame(
        {
            "drug_exposure_id": [11, 12, 13, 14, 15, 16],
            "person_id": [1, 1, 2, 2, 3, 1],
            "drug_concept_id": [9000001, 9000002, 9000003, 9000004, 1125315, 1133201],
            "drug_exposure_start_date": [
                D("2023-02-01"),
                D("2023-03-05"),
                D("2023-01-10"),
                D("2023-06-01"),
                D("2023-01-01"),
                D("2023-04-01"),
            ],
            "drug_exposure_end_date": [None, D("2023-04-03"), None, None, None, None],
            "days_supply": [30, None, 60, None, 10, 0],
        }
    )
    conditions = pd.DataFrame(
        {
            "condition_occurrence_id": [101, 102, 103, 104, 105, 106],
            "person_id": [1, 1, 1, 2, 2, 1],
            # person 1: live birth 03-01 recorded twice (03-01, 03-03), again 2024-02-01
            "condition_concept_id": [4014295, 4014295, 4014295, 9100002, 4014295, 9100001],
            "condition_start_date": [
                D("2023-03-01"),
                D("2023-03-03"),
                D("2024-02-01"),
                D("2023-05-01"),
                D("2023-03-20"),
                D("2023-01-01"),
            ],
        }
    )
    periods = pd.DataFrame(
        {
            "person_id": [1, 2],
            "observation_period_start_date": [D("2022-01-01"), D("2022-06-01")],
            "observation_period_end_date": [D("2024-12-31"), D("2023-09-30")],
        }
    )
    death = pd.DataFrame(
        {"person_id": [2], "death_date": [D("2023-08-01")], "cause_concept_id": [9100002]}
    )
    return dict(
        person=person,
        drug_exposure=drug_exposure,
        condition_occurrence=conditions,
        observation_period=periods,
        death=death,
        concept_ancestor=ancestor,
    )


def test_dispensing_maps_descendants_and_end_dates(cdm):
    tables = from_omop(**cdm, overdose_concepts=[9100001])
    f = tables.dispensing
    # acetaminophen (1125315) is not MOUD; exposure 12 has no days_supply: 03-05..04-03
    # inclusive = 30 days; 14 (naltrexone) has neither; 16 has days_supply 0 -> missing.
    assert f["claim_id"].tolist() == ["de11", "de12", "de13", "de14", "de16"]
    assert f["drug"].tolist() == [
        "buprenorphine",
        "buprenorphine",
        "methadone",
        "naltrexone",
        "buprenorphine",
    ]
    assert f["days_supply"].tolist()[:3] == [30, 30, 60]
    assert f["days_supply"].isna().tolist() == [False, False, False, True, True]
    assert any("neither days_supply nor an end date" in n for n in tables.notes)
    # without concept_ancestor only ingredient-level records match
    plain = from_omop(**{**cdm, "concept_ancestor": None})
    assert plain.dispensing["claim_id"].tolist() == ["de16"]


def test_deliveries_collapse_records_and_take_coverage(cdm):
    d = from_omop(**cdm).deliveries
    assert d["delivery_id"].tolist() == ["1-20230301", "1-20240201", "2-20230320"]
    assert d["age"].tolist() == [30, 31, 33]
    assert d["coverage_end_date"].tolist() == [D("2024-12-31"), D("2024-12-31"), D("2023-09-30")]


def test_events_fatal_overdose_and_assignment(cdm):
    tables = from_omop(**cdm, overdose_concepts=[9100001])
    e = tables.events
    # 9100002 descends from overdose concept 9100001: person 2's non-fatal overdose on
    # 05-01 and the death with an overdose cause on 08-01; person 1's overdose on
    # 2023-01-01 is before her first delivery and is dropped.
    assert e[["person_id", "delivery_id", "event_type"]].values.tolist() == [
        ["2", "2-20230320", "overdose_nonfatal"],
        ["2", "2-20230320", "overdose_fatal"],
    ]
    assert any(
        "1 events of persons without a delivery, or before their first" in n for n in tables.notes
    )


def test_tables_feed_the_cohort(cdm):
    tables = from_omop(**cdm, overdose_concepts=[9100001])
    # exposure 16 (buprenorphine, days_supply 0, no end date) cannot be placed: reported
    with pytest.raises(AnalysisError, match="missing days_supply"):
        tables.cohort(default_days_supply={"naltrexone": 31})
    with pytest.warns(InvalidFillsWarning, match="dropped 1"):
        cohort = tables.cohort(
            default_days_supply={"naltrexone": 31}, on_invalid="drop_with_warning"
        )
    row = cohort.set_index("delivery_id").loc["2-20230320"]
    # methadone 01-10 x60 ends 03-11: 9 days before delivery, so not on MOUD at delivery
    # but recently treated (within the 30-day window; docs/cohort.md)
    assert row["moud_at_delivery"] == "none"
    assert row["moud_recent"] == "methadone"
    assert row["overdose"] and row["days_to_overdose"] == 42  # 03-20 -> 05-01
    assert row["death"] and row["followup_days"] == 134  # 03-20 -> 08-01


def test_missing_columns_are_named(cdm):
    with pytest.raises(AnalysisError, match="drug_exposure lacks") as error:
        from_omop(
            **{
                **cdm,
                "drug_exposure": cdm["drug_exposure"].drop(columns="drug_exposure_start_date"),
            }
        )
    assert error.value.field == "drug_exposure_start_date"
