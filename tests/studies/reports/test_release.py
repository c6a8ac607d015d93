"""Audience, threshold and consent to quote: fixed by the templates and the study, not by
a run (studies.reports._release, ReportScope.quotable_participants)."""

import pandas as pd
import pytest

from studies import cli, load_study
from studies.errors import StudyError
from studies.reports import ReportError, ReportScope
from studies.reports._release import fixed_parameters, template_audience


def test_the_shipped_templates_declare_their_audience():
    assert template_audience("funder_report") == "funder"
    for template in ("study_report", "coding_report", "outcomes_report"):
        assert template_audience(template) == "researcher"


def test_a_run_may_raise_the_threshold_but_not_lower_it_or_change_the_audience():
    demo = load_study("demo")
    assert fixed_parameters(demo, "funder_report", {}) == {"audience": "funder", "min_cell": 11}
    assert fixed_parameters(demo, "funder_report", {"min_cell": "20"})["min_cell"] == 20
    with pytest.raises(ReportError, match="below the study's policy"):
        fixed_parameters(demo, "funder_report", {"min_cell": "10"})
    with pytest.raises(ReportError, match="fixed by the template"):
        fixed_parameters(demo, "outcomes_report", {"audience": "funder"})
    with pytest.raises(StudyError, match="below the study's policy"):
        ReportScope.from_parameters(demo, min_cell=3, audience="funder")


@pytest.fixture
def study_with_consent(tmp_path):
    folder = tmp_path / "study"
    assert cli.main(["synth", str(folder), "--seed", "3", "--deliveries", "60"]) == 0
    participants = pd.read_csv(folder / "data" / "participants.csv", dtype=str)
    participants["consent_to_quote"] = ["true", "false", ""] * (len(participants) // 3) + [
        "true"
    ] * (len(participants) % 3)
    participants.to_csv(folder / "data" / "participants.csv", index=False)
    return folder, participants


def test_only_participants_who_consented_are_quoted(study_with_consent):
    folder, participants = study_with_consent
    scope = ReportScope.from_parameters(str(folder / "study.yaml"))
    agreed = set(participants.loc[participants["consent_to_quote"] == "true", "participant_id"])
    assert scope.quotable_participants() == agreed
    quoted = scope.quote_codings()
    owners = {t.id: str(t.participant_id) for t in scope.corpus()}
    assert set(quoted["transcript_id"].map(owners)) <= agreed
    assert len(quoted) < len(scope.codings())  # the analyses still see every interview


def test_a_study_that_does_not_record_consent_quotes_everyone(tmp_path):
    folder = tmp_path / "study"
    assert cli.main(["synth", str(folder), "--seed", "3", "--deliveries", "60"]) == 0
    scope = ReportScope.from_parameters(str(folder / "study.yaml"))
    assert scope.quotable_participants() == set(scope.participants()["participant_id"])
