"""``dyadlab risk`` and ``dyadlab effects`` end to end on a small synthetic study, and the
``risk:``/``effects:`` sections of study.yaml."""

from __future__ import annotations

import json

import pytest

from analysis import risk
from studies import load_study
from studies.cli import main
from studies.study_config import parse_config


@pytest.fixture(scope="module")
def study_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("risk_study") / "s"
    code = main(
        [
            "synth",
            str(folder),
            "--seed",
            "7",
            "--deliveries",
            "400",
            "--participants",
            "0",
            "--no-transcripts",
        ]
    )
    assert code == 0
    return folder


def test_risk_json_matches_the_library(study_dir, capsys):
    capsys.readouterr()
    assert main(["risk", str(study_dir), "--json", "--bootstrap", "3"]) == 0
    result = json.loads(capsys.readouterr().out)
    study = load_study(study_dir)
    settings = study.config.risk
    cohort = study.cohort()
    on = cohort[cohort["moud_status"].isin(settings.population)].copy()
    on["discontinued"] = on["discontinued"].astype(int)
    first = result["models"][0]
    assert first["outcome"] == "days_on_moud/discontinued" and first["horizon"] == 182
    model = risk.fit_risk_model(on, "days_on_moud", "discontinued", settings.predictors, [182])
    expected = risk.performance(model, on, 182)
    assert first["apparent"]["harrell_c"] == pytest.approx(expected["harrell_c"])
    assert set(first["groups"]) == {"race_ethnicity", "insurance"}


def test_effects_text_output(study_dir, capsys):
    capsys.readouterr()
    assert main(["effects", str(study_dir), "--bootstrap", "2"]) == 0
    out = capsys.readouterr().out
    assert "peer_recovery_coach started within 30 days vs not" in out
    assert "E-value" in out


def test_config_sections_and_unknown_keys():
    config = parse_config(
        {
            "name": "x",
            "risk": {"horizons": [90]},
            "effects": {"services": ["home_visiting"], "grace_days": 14},
        }
    )
    assert config.risk.horizons == [90] and config.effects.grace_days == 14
    with pytest.raises(Exception, match="unknown key 'risk.horizon'"):
        parse_config({"name": "x", "risk": {"horizon": [90]}})


def test_scores_are_written_beside_the_data_for_the_owner_only(study_dir, capsys):
    import stat

    assert main(["risk", str(study_dir), "--bootstrap", "2", "--scores", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    from pathlib import Path

    path = Path(result["scores_file"])
    statement = path.parent / "risk_scores_PERMITTED_USE.txt"
    assert path.parent == load_study(study_dir).data_root / "private"
    for written in (path, statement):
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
    header = path.read_text().splitlines()[0]
    assert header == "delivery_id,person_id,risk,tier,factors"
    assert "MUST NOT" in statement.read_text()


def test_effects_json_carries_the_trial_and_the_evalue(study_dir, capsys):
    capsys.readouterr()
    assert main(["effects", str(study_dir), "--bootstrap", "2", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    trial = result["services"][0]
    assert trial["service"] == "peer_recovery_coach"
    assert [e["measure"] for e in trial["estimates"]] == ["risk", "risk", "rmst"]
    exposure = result["exposure"]
    assert exposure["evalue"]["common_outcome"] is True  # discontinuation is common
    assert exposure["evalue"]["evalue"] >= 1
