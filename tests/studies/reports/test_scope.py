"""ReportScope: one filter for every table of a report."""

import dataclasses

import pandas as pd
import pytest

from studies import load_study
from studies.errors import StudyError
from studies.reports._scope import ReportScope


@pytest.fixture(scope="module")
def demo():
    return load_study("demo")


def test_site_and_period_filter_the_cohort_and_the_interviews(demo):
    site = demo.sites()[0]
    scope = ReportScope.from_parameters(
        demo, site=site, period_start="2021-01-01", period_end="2022-12-31"
    )
    cohort = scope.cohort()
    assert len(cohort) > 0
    assert set(cohort["site"]) == {site}
    dates = pd.to_datetime(cohort["delivery_date"])
    assert dates.min() >= pd.Timestamp("2021-01-01") and dates.max() <= pd.Timestamp("2022-12-31")
    everyone = demo.deliveries()
    expected = everyone[
        (everyone["site"] == site)
        & (pd.to_datetime(everyone["delivery_date"]).between("2021-01-01", "2022-12-31"))
    ]
    assert sorted(cohort["delivery_id"]) == sorted(expected["delivery_id"])
    participants = set(scope.participants()["participant_id"])
    assert {t.participant_id for t in scope.corpus()} <= participants
    assert set(scope.codings()["transcript_id"]) <= set(scope.corpus().ids)
    assert scope.label == f"{site}, deliveries from 2021-01-01 to 2022-12-31"


def test_bad_parameters_are_named(demo):
    with pytest.raises(StudyError, match="site 'Atlantis' does not exist"):
        ReportScope.from_parameters(demo, site="Atlantis")
    with pytest.raises(StudyError, match="period_end must be a date"):
        ReportScope.from_parameters(demo, period_end="last year")
    with pytest.raises(StudyError, match="audience must be one of"):
        ReportScope.from_parameters(demo, audience="press")


def test_redact_uses_the_study_roster(demo, tmp_path, monkeypatch):
    roster = tmp_path / "roster.csv"
    roster.write_text("name\nHope Zorbaugh\n", encoding="utf-8")
    scope = ReportScope.from_parameters(demo)
    monkeypatch.setattr(type(demo), "data_root", property(lambda self: tmp_path))
    deid = dataclasses.replace(demo.config.deid, roster="roster.csv")
    monkeypatch.setattr(demo, "config", dataclasses.replace(demo.config, deid=deid))
    assert scope.redact("Hope came with Zorbaugh.") == "[NAME] came with [NAME]."


def test_provenance_lists_inputs_with_hashes(demo):
    table = ReportScope.from_parameters(demo).provenance({"study": "demo"})
    hashes = table[table["section"] == "input sha256"]
    assert {"study.yaml (study.yaml)", "deliveries (deliveries.csv)"} <= set(hashes["item"])
    assert hashes["value"].str.fullmatch(r"[0-9a-f]{64}").all()
