"""``dyadlab validate``: codings against the codebook and the transcripts' lengths."""

from __future__ import annotations

from pathlib import Path

from studies import load_study
from studies.cli import main
from studies.commands._codings_checks import codings_problems

TEXT = "Interviewer: How are you?\nP1: Fine, the nurse was kind."  # 55 characters


def make_study(root: Path, codings: str) -> Path:
    assert main(["new", str(root)]) == 0
    (root / "data" / "participants.csv").write_text(
        "participant_id,role,site,person_id,provider_type,interview_date\n"
        "P1,provider,north,,nurse,2023-06-01\n"
    )
    (root / "transcripts" / "P1.txt").write_text(TEXT)
    (root / "transcripts" / "manifest.csv").write_text(
        "transcript_id,participant_id,file,interview_date,interviewer\n"
        "INT-P1,P1,P1.txt,2023-06-01,ia\n"
    )
    (root / "codings.csv").write_text(
        "coding_id,transcript_id,coder,code_id,start,end,memo\n" + codings
    )
    return root


def test_known_codes_inside_the_text_pass(tmp_path: Path, capsys) -> None:
    assert len(TEXT) == 55
    study = make_study(tmp_path / "s", "c1,INT-P1,coder_a,compassionate_care,30,55,\n")
    assert main(["validate", str(study)]) == 0, capsys.readouterr().err


def test_misspelt_code_named_with_did_you_mean(tmp_path: Path, capsys) -> None:
    study = make_study(tmp_path / "s", "c1,INT-P1,coder_a,compasionate_care,30,55,\n")
    assert main(["validate", str(study)]) == 1
    err = capsys.readouterr().err
    assert (
        "row 1 (line 2), column code_id: code id 'compasionate_care' is not in the codebook "
        "(the default codebook); did you mean 'compassionate_care'?" in err
    )


def test_span_past_the_end_named_with_file_and_row(tmp_path: Path, capsys) -> None:
    study = make_study(
        tmp_path / "s",
        "c1,INT-P1,coder_a,compassionate_care,30,55,\nc2,INT-P1,coder_a,compassionate_care,40,56,\n",
    )
    assert main(["validate", str(study)]) == 1
    err = capsys.readouterr().err
    assert (
        "row 2 (line 3), column end: span 40-56 runs past the end of transcript 'INT-P1' "
        "(file P1.txt, 55 characters)" in err
    )
    problems = codings_problems(load_study(study), load_study(study).codings())
    assert problems["row"].tolist() == [2]
