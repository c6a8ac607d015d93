"""``dyadlab import qdpx`` of real projects into a fresh synthetic study, then ``validate``.

The projects are the real exports in tests/fixtures/realworld/qda (sources in its README).
What a user needs: the codebook taken (merged by name or adopted), participants given, codings
on the right words, a study that validates after every import that exits 0, and nothing
changed by one that fails.
"""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest

from coding.codebook import Codebook, default_codebook, load_codebook
from coding.exchange import write_qdpx
from coding.transcripts._corpus import Corpus
from studies.cli import main


@pytest.fixture(scope="module")
def qda(repo_root):
    return repo_root / "tests" / "fixtures" / "realworld" / "qda"


@pytest.fixture()
def study(tmp_path):
    folder = tmp_path / "fresh"
    args = ["synth", str(folder), "--seed", "3", "--deliveries", "40", "--participants", "3"]
    assert main(args) == 0
    return folder


def _snapshot(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _mapping(tmp_path, rows: str):
    path = tmp_path / "people.csv"
    path.write_text(rows, encoding="utf-8")
    return str(path)


def test_nvivo_windows_project_merged_into_a_new_study(study, qda, tmp_path, capsys):
    project = qda / "nvivo-win-12.6-vaccine-comments.qdpx"
    before = _snapshot(study)
    # Codes the study lacks: refused, one readable line naming the ways forward.
    assert main(["import", "qdpx", str(study), str(project)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    # Both things missing are said at once, on one line.
    assert len(err) == 1 and "--codebook merge" in err[0] and "--participants FILE" in err[0]
    # No case links the source to a participant: refused, asks for a mapping.
    assert main(["import", "qdpx", str(study), str(project), "--codebook", "merge"]) == 1
    assert "--participants FILE" in capsys.readouterr().err
    assert _snapshot(study) == before
    people = _mapping(
        tmp_path, "source,participant_id,role,provider_type\n"
        "videos_10_selected,YT01,provider,public commenter\n",
    )  # fmt: skip
    args = ["import", "qdpx", str(study), str(project), "--codebook", "merge"]
    assert main([*args, "--participants", people, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["positions"] == "utf16"
    assert summary["codings_added"] == 303 and summary["participants_added"] == ["YT01"]
    assert summary["codebook"]["matched_by_name"] == 0
    assert len(summary["codebook"]["added"]) == 152
    assert main(["validate", str(study)]) == 0
    capsys.readouterr()
    book = load_codebook(study / "codebook.yaml")
    assert len(book) == len(default_codebook()) + 152 and "stigma" in book and "piros" in book
    codings = pd.read_csv(study / "codings.csv")
    red = codings[codings["code_id"] == "piros"].iloc[0]
    text = (study / "transcripts" / "videos_10_selected.txt").read_text(encoding="utf-8")
    assert text[red.start : red.end].startswith("Senkit nem lehet kötelezni oltásra")
    # Importing again adds nothing.
    assert main([*args, "--participants", people, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["codings_added"] == 0


def test_positions_override_and_dry_run(study, qda, tmp_path, capsys):
    people = _mapping(tmp_path, "source,participant_id\nvideos_10_selected,P01\n")
    before = _snapshot(study)
    args = ["import", "qdpx", str(study), str(qda / "nvivo-win-12.6-vaccine-comments.qdpx")]
    args += ["--codebook", "merge", "--participants", people, "--dry-run", "--json"]
    assert main([*args, "--positions", "codepoints"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["dry_run"] and summary["positions"] == "codepoints"
    assert any("selections suggest otherwise" in w for w in summary["warnings"])
    assert _snapshot(study) == before


def test_adopting_is_refused_while_study_codings_use_other_codes(study, qda, tmp_path, capsys):
    people = _mapping(tmp_path, "source,participant_id\nvideos_10_selected,P01\n")
    before = _snapshot(study)
    args = ["import", "qdpx", str(study), str(qda / "nvivo-win-12.6-vaccine-comments.qdpx")]
    assert main([*args, "--codebook", "adopt", "--participants", people]) == 1
    assert "--codebook merge" in capsys.readouterr().err
    assert _snapshot(study) == before


def test_adopting_into_a_study_without_codings(study, qda, tmp_path, capsys):
    (study / "codings.csv").write_text(
        "coding_id,transcript_id,coder,code_id,start,end,memo\n", encoding="utf-8"
    )
    people = _mapping(tmp_path, "source,participant_id\nvideos_10_selected,P01\n")
    args = ["import", "qdpx", str(study), str(qda / "nvivo-win-12.6-vaccine-comments.qdpx")]
    assert main([*args, "--codebook", "adopt", "--participants", people]) == 0
    assert "303 new codings" in capsys.readouterr().out
    assert len(load_codebook(study / "codebook.yaml")) == 152
    assert main(["validate", str(study)]) == 0


def test_an_import_that_would_not_validate_changes_nothing(study, qda, tmp_path, capsys):
    # A new patient needs a person_id of the cohort: the study would not validate.
    people = _mapping(tmp_path, "source,participant_id,role\nvideos_10_selected,YT01,patient\n")
    before = _snapshot(study)
    args = ["import", "qdpx", str(study), str(qda / "nvivo-win-12.6-vaccine-comments.qdpx")]
    assert main([*args, "--codebook", "merge", "--participants", people]) == 1
    err = capsys.readouterr().err
    assert "nothing was changed" in err and "participants" in err and "person_id" in err
    assert _snapshot(study) == before


def test_nvivo_mac_codebook_and_empty_sources(study, qda, tmp_path, capsys):
    # NVivo for Mac wrote both sources with empty plain text: they are not imported (an empty
    # transcript would leave the study unloadable), the 262 codes are.
    project = qda / "nvivo-mac-15-project.qdpx"
    args = ["import", "qdpx", str(study), str(project), "--codebook", "merge", "--json"]
    assert main(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["transcripts_added"] == [] and summary["codings_added"] == 0
    assert sum("has no text; not imported" in w for w in summary["warnings"]) == 2
    assert len(summary["codebook"]["added"]) == 262
    assert main(["validate", str(study)]) == 0
    from studies import load_study

    assert len(load_study(study).transcripts()) == 3  # the study still loads


def test_codebook_only_project_merges_by_name(study, tmp_path, capsys):
    # A codebook-only project (no sources, no codings) used to fail with KeyError: 'coding_id'.
    book = Codebook(
        [
            {"id": "stigma_x", "name": "  STIGMA "},  # same name as the study's "Stigma"
            {"id": "housing", "name": "Housing", "parent": "stigma_x"},
        ]
    )
    path = tmp_path / "codes.qdpx"
    empty = pd.DataFrame(columns=["transcript_id", "coder", "code_id", "start", "end", "memo"])
    write_qdpx(path, Corpus([]), book, empty)
    args = ["import", "qdpx", str(study), str(path), "--json"]
    assert main(args) == 0  # nothing to import but the codebook: said, not failed
    summary = json.loads(capsys.readouterr().out)
    assert any("--codebook merge" in w for w in summary["warnings"])
    assert main([*args, "--codebook", "merge"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["codebook"]["matched_by_name"] == 1 and summary["codebook"]["added"] == [
        "housing"
    ]
    merged = load_codebook(study / "codebook.yaml")
    assert merged.get("housing").parent == "stigma"  # the child follows its mapped parent
    assert "stigma_x" not in merged
    assert main(["validate", str(study)]) == 0


def test_one_participant_for_all_sources_and_a_qdc_codebook(study, qda, capsys):
    project = qda / "nvivo-win-12.6-vaccine-comments.qdpx"
    args = ["import", "qdpx", str(study), str(project), "--participant", "P01", "--json"]
    assert main([*args, "--codebook", "merge"]) == 0
    assert json.loads(capsys.readouterr().out)["transcripts_added"] == ["videos_10_selected"]
    manifest = pd.read_csv(study / "transcripts" / "manifest.csv", dtype=str)
    assert manifest["participant_id"].iloc[-1] == "P01"
    qdc = qda / "atlasti-win-23.4-codebook.qdc"
    assert main(["import", "qdpx", str(study), str(qdc), "--codebook", "merge", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["codebook"]["added"] == ["code1"]
    assert any("code group 1" in w for w in summary["warnings"])
    assert load_codebook(study / "codebook.yaml").get("code1").color == "#46AA00"
    assert main(["validate", str(study)]) == 0


def test_participant_from_a_case_and_its_attributes(study, tmp_path, capsys):
    # The shape NVivo and ATLAS.ti write: a Case with attributes, linked to its source.
    qde = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="NVivo 14">
<Users><User guid="a1b2c3d4-0000-0000-0000-000000000001" name="Ann"/></Users>
<CodeBook><Codes><Code guid="a1b2c3d4-0000-0000-0000-000000000002" name="Stigma"
 isCodable="true"/></Codes></CodeBook>
<Variables>
 <Variable guid="a1b2c3d4-0000-0000-0000-000000000003" name="Role" typeOfVariable="Text"/>
 <Variable guid="a1b2c3d4-0000-0000-0000-000000000004" name="Provider type"
  typeOfVariable="Text"/>
 <Variable guid="a1b2c3d4-0000-0000-0000-000000000005" name="Age" typeOfVariable="Integer"/>
</Variables>
<Cases><Case guid="a1b2c3d4-0000-0000-0000-000000000006" name="Nurse 7">
 <VariableValue><VariableRef targetGUID="a1b2c3d4-0000-0000-0000-000000000003"/>
  <TextValue>Provider</TextValue></VariableValue>
 <VariableValue><VariableRef targetGUID="a1b2c3d4-0000-0000-0000-000000000004"/>
  <TextValue>nurse</TextValue></VariableValue>
 <VariableValue><VariableRef targetGUID="a1b2c3d4-0000-0000-0000-000000000005"/>
  <IntegerValue>41</IntegerValue></VariableValue>
 <SourceRef targetGUID="a1b2c3d4-0000-0000-0000-000000000007"/>
</Case></Cases>
<Sources><TextSource guid="a1b2c3d4-0000-0000-0000-000000000007" name="Nurse interview"
 plainTextPath="internal://n7.txt">
 <PlainTextSelection guid="a1b2c3d4-0000-0000-0000-000000000008" startPosition="24"
  endPosition="48" creatingUser="a1b2c3d4-0000-0000-0000-000000000001">
  <Coding guid="a1b2c3d4-0000-0000-0000-000000000009"
   creatingUser="a1b2c3d4-0000-0000-0000-000000000001">
   <CodeRef targetGUID="a1b2c3d4-0000-0000-0000-000000000002"/></Coding>
 </PlainTextSelection></TextSource></Sources>
</Project>"""
    path = tmp_path / "cases.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("Sources/n7.txt", "INTERVIEWER: Hi\r\nNURSE: They judged the mothers.\r\n")
    assert main(["import", "qdpx", str(study), str(path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["participants_added"] == ["Nurse_7"]
    assert any("['Age']" in w and "not imported" in w for w in summary["warnings"])
    people = pd.read_csv(study / "data" / "participants.csv", dtype=str).set_index("participant_id")
    assert people.loc["Nurse_7", "role"] == "provider"
    assert people.loc["Nurse_7", "provider_type"] == "nurse"
    coding = pd.read_csv(study / "codings.csv").iloc[-1]
    text = (study / "transcripts" / "Nurse_interview.txt").read_text(encoding="utf-8")
    assert (coding.code_id, coding.coder) == ("stigma", "Ann")
    assert text[coding.start : coding.end] == "They judged the mothers."  # CRLF positions moved
    assert main(["validate", str(study)]) == 0


def test_deid_required_on_import_redacts_and_moves_codings(study, tmp_path, capsys):
    yaml = study / "study.yaml"
    text = yaml.read_text(encoding="utf-8")
    yaml.write_text(text.replace("required_on_import: false", "required_on_import: true"))
    raw = "INTERVIEWER: Hi\r\nNURSE: John Miller said staff judged the mothers.\r\n"
    judged = raw.index("judged"), raw.index("judged") + len("judged the mothers")
    name = raw.index("John"), raw.index(" said")
    selections = "".join(
        f'<PlainTextSelection guid="a1b2c3d4-0000-0000-0000-00000000000{i}" '
        f'startPosition="{start}" endPosition="{end}"><Coding '
        f'guid="a1b2c3d4-0000-0000-0000-00000000001{i}"><CodeRef '
        'targetGUID="a1b2c3d4-0000-0000-0000-000000000002"/></Coding></PlainTextSelection>'
        for i, (start, end) in enumerate((judged, name))
    )
    qde = (
        '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
        'name="p"><CodeBook><Codes><Code guid="a1b2c3d4-0000-0000-0000-000000000002" '
        'name="Stigma" isCodable="true"/></Codes></CodeBook><Sources><TextSource '
        'guid="a1b2c3d4-0000-0000-0000-000000000007" name="n7" plainTextPath="internal://n7.txt">'
        f"{selections}</TextSource></Sources></Project>"
    )
    path = tmp_path / "deid.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/n7.txt", raw)
    assert main(["import", "qdpx", str(study), str(path), "--participant", "P01"]) == 0
    assert "de-identified" in capsys.readouterr().err
    stored = (study / "transcripts" / "n7.txt").read_text(encoding="utf-8")
    assert "John" not in stored and "Miller" not in stored
    codings = pd.read_csv(study / "codings.csv").tail(2)
    spans = [stored[row.start : row.end] for row in codings.itertuples()]
    assert spans[0] == "judged the mothers"  # a coding away from the name keeps its words
    assert spans[1] and "John" not in spans[1]  # one on the name covers its replacement
    assert main(["validate", str(study)]) == 0
    # Importing again compares with the de-identified text: nothing new, nothing refused.
    rows = len(pd.read_csv(study / "codings.csv"))
    assert main(["import", "qdpx", str(study), str(path), "--participant", "P01"]) == 0
    assert "0 new transcripts" in capsys.readouterr().out
    assert len(pd.read_csv(study / "codings.csv")) == rows
