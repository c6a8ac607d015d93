"""``dyadlab new``: a study that validates at once, filled by hand into a valid study."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import yaml

import data_dictionary as dd
from studies import load_study
from studies.cli import main


def test_new_study_validates_at_once(tmp_path: Path, capsys) -> None:
    study = tmp_path / "my-study"
    assert main(["new", str(study)]) == 0
    assert main(["validate", str(study)]) == 0
    out = capsys.readouterr().out
    assert "6 tables, 0 rows, no problems" in out
    text = (study / "study.yaml").read_text()
    assert text.count("#") > 15  # every key commented
    config = yaml.safe_load(text)
    assert config["name"] == "My study" and config["data_root"] == "."
    for table, relative in config["data"].items():
        header = (study / relative).read_text().strip().split(",")
        assert header == dd.load_schema(table).field_names
    assert "coding.sqlite" in (study / ".gitignore").read_text()


def test_data_root_outside_the_study(tmp_path: Path, capsys) -> None:
    study, secure = tmp_path / "code" / "study", tmp_path / "secure" / "share"
    assert main(["new", str(study), "--data-root", str(secure), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["data_root"] == str(secure.resolve())
    assert sorted(p.name for p in study.iterdir()) == [".gitignore", "study.yaml"]
    assert (secure / "data" / "deliveries.csv").is_file()
    assert load_study(study).data_path("codings") == secure.resolve() / "codings.csv"
    assert main(["validate", str(study)]) == 0


def test_refuses_an_existing_study_or_a_full_folder(tmp_path: Path, capsys) -> None:
    assert main(["new", str(tmp_path / "s")]) == 0
    assert main(["new", str(tmp_path / "s")]) == 1
    assert "a study already exists here" in capsys.readouterr().err
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("x")
    assert main(["new", str(tmp_path / "full")]) == 1
    assert "not an empty folder" in capsys.readouterr().err


def test_hand_made_rows_validate(tmp_path: Path, capsys) -> None:
    study = tmp_path / "s"
    assert main(["new", str(study)]) == 0
    deliveries = pd.read_csv(study / "data" / "deliveries.csv")
    row = {c: "" for c in deliveries.columns}
    row.update(
        delivery_id="D1", person_id="p1", delivery_date="2023-03-01", site="north", moud="none"
    )
    pd.DataFrame([row]).to_csv(study / "data" / "deliveries.csv", index=False)
    (study / "data" / "participants.csv").write_text(
        "participant_id,role,site,person_id,provider_type,interview_date\n"
        "P1,patient,north,p1,,2023-06-01\n"
    )
    (study / "transcripts" / "P1.txt").write_text("Interviewer: How are you?\nP1: Fine.\n")
    (study / "transcripts" / "manifest.csv").write_text(
        "transcript_id,participant_id,file,interview_date,interviewer\n"
        "INT-P1,P1,P1.txt,2023-06-01,ia\n"
    )
    assert main(["validate", str(study)]) == 0, capsys.readouterr().err
