"""The redaction log: decisions survive re-runs, rejected spans keep their text, added spans
are redacted, and the CLI writes outputs and the private log."""

import pandas as pd
import pytest

from coding.deid import review
from coding.errors import CodingError

TEXTS = {
    "T1": "My daughter Kaylee was born March 3rd.",
    "T2": "Call 555-123-4567. Grace helped.",
}


def test_detect_apply_and_decisions_survive_a_rerun():
    log = review.detect(TEXTS)
    assert log["status"].eq("pending").all()
    assert review.apply(TEXTS, log) == {
        "T1": "My daughter [NAME] was born [DATE].",
        "T2": "Call [PHONE]. Grace helped.",
    }
    kaylee = log.loc[log["original"] == "Kaylee", "span_id"].item()
    log = review.decide(log, [kaylee], "rejected", "reviewer1")
    assert review.apply(TEXTS, log)["T1"] == "My daughter Kaylee was born [DATE]."
    # "Grace" (a word-name, not caught) is added by hand at offsets 19–24.
    log = review.add_span(log, TEXTS, "T2", 19, 24, "NAME", "reviewer1")
    again = review.detect(TEXTS, previous=log)
    assert again.loc[again["span_id"] == kaylee, "status"].item() == "rejected"
    assert review.apply(TEXTS, again) == {
        "T1": "My daughter Kaylee was born [DATE].",
        "T2": "Call [PHONE]. [NAME] helped.",
    }


def test_bad_decisions_are_refused():
    log = review.detect(TEXTS)
    with pytest.raises(CodingError, match="no span with id nope"):
        review.decide(log, ["nope"], "accepted", "r")
    with pytest.raises(CodingError, match="outside transcript 'T1'"):
        review.add_span(log, TEXTS, "T1", 30, 99, "NAME", "r")
    with pytest.raises(CodingError, match="unknown identifier type"):
        review.add_span(log, TEXTS, "T1", 0, 2, "SHOE", "r")


def test_read_log_names_a_bad_status(tmp_path):
    path = tmp_path / "log.csv"
    log = review.detect(TEXTS)
    log.loc[0, "status"] = "maybe"
    log.to_csv(path, index=False)
    with pytest.raises(CodingError, match=r"row 1, field 'status'.*'maybe'"):
        review.read_log(path)
    assert review.read_log(tmp_path / "missing.csv").empty


def test_cli_writes_outputs_and_log(tmp_path, capsys):
    from studies.cli import main

    study = tmp_path / "s"
    (study / "transcripts").mkdir(parents=True)
    (study / "transcripts" / "T1.txt").write_text(
        "INTERVIEWER: Who helps?\n\nP01: My sister Amber and Dr. Patel at Riverside Clinic.",
        encoding="utf-8",
    )
    pd.DataFrame(
        {
            "transcript_id": ["T1"],
            "participant_id": ["P01"],
            "file": ["T1.txt"],
            "interview_date": ["2023-05-01"],
            "interviewer": ["I1"],
        }
    ).to_csv(study / "transcripts" / "manifest.csv", index=False)
    (study / "study.yaml").write_text(
        "name: t\ndata:\n  transcripts: transcripts/manifest.csv\n", encoding="utf-8"
    )
    assert main(["deid", str(study)]) == 0
    out = (study / "transcripts_deidentified" / "T1.txt").read_text(encoding="utf-8")
    assert out.endswith("P01: My sister [NAME] and Dr. [NAME] at [LOCATION].")
    log = review.read_log(study / "private" / "redaction_log.csv")
    assert sorted(log["original"]) == ["Amber", "Patel", "Riverside Clinic"]
    capsys.readouterr()
    amber = log.loc[log["original"] == "Amber", "span_id"].item()
    assert main(["deid", str(study), "--reject", amber, "--reviewer", "lead"]) == 0
    out = (study / "transcripts_deidentified" / "T1.txt").read_text(encoding="utf-8")
    assert "My sister Amber and" in out
    assert main(["deid", str(study), "--list", "--status", "rejected"]) == 0
    assert "[Amber]" in capsys.readouterr().out
    assert main(["deid", str(study), "--accept", "0000000000"]) == 1


def test_one_decision_per_text_across_transcripts():
    texts = {
        "T1": "We met by the Dollar General. My son Tucker was there.",
        "T2": "The Dollar General on Main Street. And my boy Tucker again.",
    }
    log = review.detect(texts)
    grouped = review.group(log)
    top = grouped.iloc[0]
    assert (top["original"], top["spans"], top["transcripts"], top["pending"]) == (
        "Dollar General", 2, 2, 2,
    )  # fmt: skip
    assert grouped["spans"].sum() == len(log)
    log = review.decide_text(log, ["Dollar General"], "rejected", "lead")
    out = review.apply(texts, log)
    assert "Dollar General" in out["T1"] and "Dollar General" in out["T2"]
    assert "Tucker" not in out["T1"] + out["T2"]
    with pytest.raises(CodingError, match="no span of type DATE with the text 'Tucker'"):
        review.decide_text(log, ["Tucker"], "accepted", "lead", kind="date")


def test_cli_group_and_decide_by_text(tmp_path, capsys):
    from studies.cli import main

    study = tmp_path / "s"
    (study / "transcripts").mkdir(parents=True)
    for tid in ("T1", "T2"):
        (study / "transcripts" / f"{tid}.txt").write_text(
            "INTERVIEWER: Where?\n\nP01: At the Dollar General, with my sister Amber.",
            encoding="utf-8",
        )
    pd.DataFrame(
        {"transcript_id": ["T1", "T2"], "participant_id": ["P01", "P02"],
         "file": ["T1.txt", "T2.txt"], "interview_date": ["2023-05-01"] * 2,
         "interviewer": ["I1"] * 2}
    ).to_csv(study / "transcripts" / "manifest.csv", index=False)  # fmt: skip
    (study / "study.yaml").write_text(
        "name: t\ndata:\n  transcripts: transcripts/manifest.csv\n", encoding="utf-8"
    )
    assert main(["deid", str(study)]) == 0
    capsys.readouterr()
    assert main(["deid", str(study), "--list", "--group"]) == 0
    listed = capsys.readouterr().out
    assert "2 distinct text(s) in 4 span(s)" in listed and "'Dollar General'" in listed
    assert main(["deid", str(study), "--reject-text", "Dollar General", "--type", "LOCATION"]) == 0
    for tid in ("T1", "T2"):
        out = (study / "transcripts_deidentified" / f"{tid}.txt").read_text(encoding="utf-8")
        assert out.endswith("At the Dollar General, with my sister [NAME].")
    assert main(["deid", str(study), "--accept-text", "Amber", "Nobody"]) == 1
    assert "'Nobody'" in capsys.readouterr().err
