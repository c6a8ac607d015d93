"""``dyadlab import transcripts``: files into a study folder, manifest, re-import safety."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pandas as pd
import pytest

from studies.cli import main

STUDY_YAML = """\
name: Import test study
data:
  participants: data/participants.csv
  transcripts: transcripts/manifest.csv
  codings: codings.csv
codebook: default
coders: [coder_a]
"""

TEXT = (
    "INTERVIEWER: How was the hospital?\n\n"
    "P07: The nurse judged me. I felt so guilty about the baby.\n\n"
    "INTERVIEWER: And after?\n\n"
    "P07: My peer coach helped."
)


@pytest.fixture
def study(tmp_path):
    folder = tmp_path / "study"
    (folder / "data").mkdir(parents=True)
    (folder / "study.yaml").write_text(STUDY_YAML, encoding="utf-8")
    (folder / "data" / "participants.csv").write_text(
        "participant_id,role,site,person_id,provider_type,interview_date\n"
        "P07,patient,A,X7,,2024-03-01\n",
        encoding="utf-8",
    )
    (folder / "codings.csv").write_text(
        "coding_id,transcript_id,coder,code_id,start,end,memo\n", encoding="utf-8"
    )
    return folder


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["import", "transcripts", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_import_text_infers_participant_and_loads_back(study, tmp_path, capsys):
    source = tmp_path / "interview7.txt"
    source.write_bytes(TEXT.replace("\n", "\r\n").encode("utf-8"))
    status, out, err = _run(
        capsys, str(study), str(source), "--id", "T07", "--interview-date", "2024-03-01", "--json"
    )
    assert status == 0, err
    result = json.loads(out)["transcripts"][0]
    assert result["status"] == "new" and result["participant_id"] == "P07"
    assert result["role"] == "patient" and result["turns"] == 4
    stored = (study / "transcripts" / "T07.txt").read_text(encoding="utf-8")
    assert stored == TEXT  # normalised CRLF -> LF
    manifest = pd.read_csv(study / "transcripts" / "manifest.csv", dtype=str)
    assert manifest.iloc[0].tolist()[:4] == ["T07", "P07", "T07.txt", "2024-03-01"]

    from studies import load_study

    corpus = load_study(study, check_files=False).transcripts()
    assert corpus.ids == ["T07"] and corpus["T07"].role == "patient"
    assert corpus["T07"].turn_text(1).startswith("The nurse judged me.")


def test_import_captions_keeps_turns_and_times_in_sidecar(study, tmp_path, capsys):
    source = tmp_path / "call.vtt"
    source.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v interviewer>hello?\n\n"
        "00:00:02.500 --> 00:00:04.000\n<v V02>Hi, I'm a nurse.\n",
        encoding="utf-8",
    )
    status, out, err = _run(
        capsys,
        str(study),
        str(source),
        *("--participant", "V02", "--role", "provider", "--site", "B"),
        *("--provider-type", "nurse"),
    )
    assert status == 0, err
    assert "new from" in out and "added" in out
    assert (study / "transcripts" / "call.turns.json").exists()  # lower-case label needs it
    people = pd.read_csv(study / "data" / "participants.csv", dtype=str, keep_default_na=False)
    assert people.loc[people.participant_id == "V02", ["role", "site"]].values.tolist() == [
        ["provider", "B"]
    ]
    from coding.transcripts import load_corpus

    corpus = load_corpus(study / "transcripts" / "manifest.csv", people)
    transcript = corpus["call"]
    assert [t.speaker for t in transcript.turns] == ["interviewer", "V02"]
    assert transcript.turns[1].metadata["start_time"] == 2.5
    assert transcript.turn_text(1) == "Hi, I'm a nurse."


def test_import_docx(study, tmp_path, capsys):
    document = docx.Document()
    document.add_paragraph("INTERVIEWER: What helped?")
    document.add_paragraph("P07: My sister.")
    source = tmp_path / "P07.docx"
    document.save(source)
    status, out, err = _run(capsys, str(study), str(source))
    assert status == 0, err
    assert (study / "transcripts" / "P07.txt").read_text(encoding="utf-8") == (
        "INTERVIEWER: What helped?\n\nP07: My sister."
    )
    assert not (study / "transcripts" / "P07.turns.json").exists()


def _import_with_codings(study, tmp_path, capsys):
    source = tmp_path / "T07.txt"
    source.write_text(TEXT, encoding="utf-8")
    assert _run(capsys, str(study), str(source))[0] == 0
    judged = TEXT.index("The nurse judged me.")
    coach = TEXT.index("My peer coach helped.")
    (study / "codings.csv").write_text(
        "coding_id,transcript_id,coder,code_id,start,end,memo\n"
        f"1,T07,coder_a,stigma,{judged},{judged + 20},first\n"
        f"2,T07,coder_a,recovery_network,{coach},{coach + 21},\n",
        encoding="utf-8",
    )
    return source


def test_changed_transcript_is_refused_without_reanchor(study, tmp_path, capsys):
    source = _import_with_codings(study, tmp_path, capsys)
    before = (study / "codings.csv").read_text(encoding="utf-8")
    source.write_text(
        TEXT.replace("The nurse judged me.", "The night nurse judged me."), encoding="utf-8"
    )
    status, out, err = _run(capsys, str(study), str(source))
    assert status == 1
    assert err.count("\n") == 1  # one line, no traceback
    assert "T07: text changed under 2 coded span(s) (0 unchanged, 1 moved, 1 broken)" in err
    assert "1 stigma" in err and "'The nurse judged me.'" in err
    assert "--reanchor" in err
    assert (study / "codings.csv").read_text(encoding="utf-8") == before
    assert (study / "transcripts" / "T07.txt").read_text(encoding="utf-8") == TEXT


def test_reanchor_moves_codings_and_reports_broken(study, tmp_path, capsys):
    source = _import_with_codings(study, tmp_path, capsys)
    new_text = TEXT.replace("The nurse judged me.", "The night nurse judged me.")
    source.write_text(new_text, encoding="utf-8")
    status, out, err = _run(capsys, str(study), str(source), "--reanchor", "--json")
    assert status == 0, err
    record = json.loads(out)["transcripts"][0]
    assert record["status"] == "reanchored"
    assert (record["codings"]["moved"], record["codings"]["broken"]) == (1, 1)
    assert "could not be re-anchored" in err and "please review" in err
    codings = pd.read_csv(study / "codings.csv", keep_default_na=False)
    coach = codings[codings.coding_id == 2].iloc[0]
    assert new_text[coach.start : coach.end] == "My peer coach helped."
    assert codings.loc[codings.coding_id == 1, "memo"].item() == "first"
    assert (study / "transcripts" / "T07.txt").read_text(encoding="utf-8") == new_text


def test_reimport_same_text_is_unchanged(study, tmp_path, capsys):
    source = _import_with_codings(study, tmp_path, capsys)
    status, out, _ = _run(capsys, str(study), str(source))
    assert status == 0 and "T07: unchanged" in out


@pytest.mark.parametrize(
    ("content", "extra", "needle"),
    [
        (b"\x00\x01binary", [], "NUL bytes"),
        (b"", [], "empty"),
        (TEXT.encode(), ["--participant", "P99"], "give --role"),
        (TEXT.encode(), ["--participant", "P07", "--role", "provider"], "is a patient"),
        (b"no labels at all here", [], "cannot tell who was interviewed"),
        (TEXT.encode(), ["--id", "../escape"], "may hold only letters"),
    ],
)
def test_bad_input_exits_1_with_one_line(study, tmp_path, capsys, content, extra, needle):
    source = tmp_path / "bad.txt"
    source.write_bytes(content)
    status, out, err = _run(capsys, str(study), str(source), *extra)
    assert status == 1
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (study / "transcripts" / "manifest.csv").exists()


def test_size_limit_option(study, tmp_path, capsys):
    source = tmp_path / "P07.txt"
    source.write_text("P07: " + "words " * 50_000, encoding="utf-8")
    status, _, err = _run(capsys, str(study), str(source), "--max-mb", "0.1")
    assert status == 1 and "over the limit" in err


def test_deid_required_on_import_gives_each_named_speaker_one_pseudonym(study, tmp_path, capsys):
    """Teams/Zoom captions name their speakers: after de-identification two different people
    keep two different labels (the same in the turn records and in the text), and no name
    remains in the stored text or the turn sidecar."""
    (study / "study.yaml").write_text(
        STUDY_YAML + "deid:\n  required_on_import: true\n", encoding="utf-8"
    )
    source = tmp_path / "call.vtt"
    source.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Jane Doe>Is Mark Ellis on the call?\n\n"
        "00:00:02.500 --> 00:00:04.000\n<v Mark Ellis>Yes, hi Jane Doe.\n\n"
        "00:00:04.500 --> 00:00:06.000\n<v Jane Doe>Thanks for coming.\n",
        encoding="utf-8",
    )
    status, out, err = _run(capsys, str(study), str(source), "--participant", "P07")
    assert status == 0, err
    stored = (study / "transcripts" / "call.txt").read_text(encoding="utf-8")
    sidecar = (study / "transcripts" / "call.turns.json").read_text(encoding="utf-8")
    for name in ("Jane", "Doe", "Mark", "Ellis"):
        assert name not in stored and name not in sidecar
    from coding.transcripts import read_transcript

    transcript = read_transcript(study / "transcripts" / "call.txt")
    speakers = [t.speaker for t in transcript.turns]
    assert len(speakers) == 3
    assert speakers[0] == speakers[2] != speakers[1]  # two people, told apart
    # the person asked about in turn 1 is the speaker of turn 2, under the same pseudonym
    assert speakers[1] in transcript.turn_text(0)
    assert speakers[0] in transcript.turn_text(1)



def test_store_backed_study_registers_new_and_protects_coded(study, tmp_path, capsys):
    from coding.store import CodingStore

    url = f"sqlite:///{study / 'coding.sqlite'}"
    (study / "study.yaml").write_text(STUDY_YAML + f"store: {url}\n", encoding="utf-8")
    with CodingStore(url):
        pass  # an empty store: the web app has been started once
    source = tmp_path / "T07.txt"
    source.write_text(TEXT, encoding="utf-8")
    status, _, err = _run(capsys, str(study), str(source))
    assert status == 0, err
    with CodingStore(url) as store:
        assert store.transcripts().transcript_id.tolist() == ["T07"]
        store.add_coding("T07", "coder_a", "stigma", 41, 61)
    source.write_text(TEXT.replace("The nurse", "The night nurse"), encoding="utf-8")
    status, _, err = _run(capsys, str(study), str(source), "--reanchor")
    assert status == 1
    assert "codings in the coding store" in err
    assert (study / "transcripts" / "T07.txt").read_text(encoding="utf-8") == TEXT


def test_dry_run_reports_and_writes_nothing(study, tmp_path, capsys):
    source = _import_with_codings(study, tmp_path, capsys)
    before = {p.name: p.read_bytes() for p in (study / "transcripts").iterdir()}
    codings_before = (study / "codings.csv").read_bytes()
    source.write_text(TEXT.replace("The nurse", "The night nurse"), encoding="utf-8")
    status, out, err = _run(capsys, str(study), str(source), "--dry-run", "--json")
    assert status == 1  # it would be refused without --reanchor
    assert "would refuse: T07: text changed under 2 coded span(s)" in err
    payload = json.loads(out)
    assert payload["dry_run"] is True
    assert payload["transcripts"][0]["codings"]["broken"] == 1
    status, out, _ = _run(capsys, str(study), str(source), "--dry-run", "--reanchor")
    assert status == 0 and out.startswith("(dry run) T07: reanchored")
    assert {p.name: p.read_bytes() for p in (study / "transcripts").iterdir()} == before
    assert (study / "codings.csv").read_bytes() == codings_before


def test_map_csv_sets_ids_and_participants_per_file(study, tmp_path, capsys):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "Interview Jane Smith 2024-03-01.txt").write_text(TEXT, encoding="utf-8")
    (incoming / "nurse call.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Interviewer>What helps?\n\n"
        "00:00:02.000 --> 00:00:04.000\n<v Nurse>Housing, mostly.\n",
        encoding="utf-8",
    )
    mapping = incoming / "map.csv"
    mapping.write_text(
        "file,transcript_id,participant_id,role,site,interview_date,provider_type\n"
        "Interview Jane Smith 2024-03-01.txt,T07,P07,,,2024-03-01,\n"
        "nurse call.vtt,T20,V20,provider,C,2024-04-02,nurse\n",
        encoding="utf-8",
    )
    status, out, err = _run(capsys, str(study), "--map", str(mapping), "--json")
    assert status == 0, err
    records = json.loads(out)["transcripts"]
    assert [(r["transcript_id"], r["participant_id"], r["role"]) for r in records] == [
        ("T07", "P07", "patient"),
        ("T20", "V20", "provider"),
    ]
    manifest = pd.read_csv(study / "transcripts" / "manifest.csv", dtype=str)
    assert manifest.transcript_id.tolist() == ["T07", "T20"]
    assert manifest.interview_date.tolist() == ["2024-03-01", "2024-04-02"]
    assert not any("Jane" in name for name in manifest.file)
    people = pd.read_csv(study / "data" / "participants.csv", dtype=str, keep_default_na=False)
    assert people.loc[people.participant_id == "V20", "site"].item() == "C"

    mapping.write_text("file,who\nx.txt,P1\n", encoding="utf-8")
    status, _, err = _run(capsys, str(study), "--map", str(mapping))
    assert status == 1 and "unknown column(s) ['who']" in err
    status, _, err = _run(capsys, str(study))
    assert status == 1 and "no files to import" in err


def test_stale_sidecar_is_ignored_with_warning(study, tmp_path, capsys):
    source = tmp_path / "T30.csv"
    source.write_text("speaker,text,start_time\nP07,I was scared.,1\nP07,Still am.,4\n")
    assert _run(capsys, str(study), str(source))[0] == 0
    from coding.transcripts import read_transcript

    stored = study / "transcripts" / "T30.txt"
    fresh = read_transcript(stored)
    assert [t.metadata for t in fresh.turns] == [{"start_time": 1.0}, {"start_time": 4.0}]
    stored.write_text(stored.read_text(encoding="utf-8") + " (edited)", encoding="utf-8")
    edited = read_transcript(stored)
    assert any("does not match the text" in w for w in edited.warnings)
    assert [t.speaker for t in edited.turns] == ["P07", "P07"]
    assert edited.turns[0].metadata == {}


def test_deid_on_import_with_the_real_redactor(study, tmp_path, capsys):
    (study / "study.yaml").write_text(
        STUDY_YAML + "deid:\n  required_on_import: true\n", encoding="utf-8"
    )
    source = tmp_path / "T08.txt"
    source.write_text(
        "INTERVIEWER: How can we reach you?\n\nP07: Call me at 555-123-4567, any time.",
        encoding="utf-8",
    )
    status, _, err = _run(capsys, str(study), str(source))
    assert status == 0, err
    stored = (study / "transcripts" / "T08.txt").read_text(encoding="utf-8")
    assert "555-123-4567" not in stored
    from coding.transcripts import read_transcript

    transcript = read_transcript(study / "transcripts" / "T08.txt")
    assert [t.speaker for t in transcript.turns] == ["INTERVIEWER", "P07"]
    assert transcript.turn_text(1).startswith("Call me at ")
    assert transcript.turn_text(1).endswith(", any time.")


REALWORLD = Path(__file__).parents[2] / "fixtures" / "realworld" / "transcripts"


def test_dry_run_lists_turns_and_marks_unattributed_speech(study, capsys):
    """A real Zoom caption file with cues that carry no name: the dry run lists every turn,
    marks the three turns that absorbed an unnamed cue, and writes nothing."""
    source = REALWORLD / "zoom_unlabelled_cues.vtt"
    status, out, err = _run(
        capsys,
        str(study),
        str(source),
        *("--participant", "V90", "--role", "provider", "--provider-type", "nurse", "--dry-run"),
    )
    assert status == 0
    assert not (study / "transcripts").exists()
    assert "attribution: check: 12 turns, 2 speaker(s); 3 caption cue(s) without a speaker" in out
    lines = [line for line in out.splitlines() if line.strip()[:2].strip().isdigit()]
    assert len(lines) == 12
    flagged = [line for line in lines if " ! " in line]
    assert len(flagged) == 3 and all("[1 cue(s) without a speaker]" in f for f in flagged)
    assert "Ashlee Kupor" in lines[0] and "Let's do that" in lines[0]
    assert "3 cue(s) without a speaker label were joined" in err


def test_json_reports_attribution_per_file(study, capsys):
    files = [REALWORLD / "otter_podcast.txt", REALWORLD / "no_speaker_labels.docx"]
    status, out, _ = _run(
        capsys,
        str(study),
        *map(str, files),
        "--participant",
        "P07",
        "--dry-run",
        "--json",
    )
    assert status == 0
    records = {r["transcript_id"]: r for r in json.loads(out)["transcripts"]}
    otter = records["otter_podcast"]["attribution"]
    assert otter["turns"] == 162 and otter["needs_review"] is False
    word = records["no_speaker_labels"]
    assert word["attribution"]["unknown_turns"] == 1
    assert word["turn_list"][0]["check"] == ["no speaker label"]
    assert records["otter_podcast"]["turn_list"][0]["time"] == "0:00"


def test_import_reports_attribution_without_dry_run(study, capsys):
    source = REALWORLD / "teams_style_interview.docx"
    status, out, _ = _run(capsys, str(study), str(source), "--participant", "P07")
    assert status == 0
    assert "attribution: check: 32 turns, 2 speaker(s); 13 paragraph(s) without a label" in out
    stored = (study / "transcripts" / "teams_style_interview.txt").read_text(encoding="utf-8")
    assert stored.startswith("Jordan Lee   0:01\n\nThanks for joining today, Alex.")


def test_an_import_that_would_leave_the_study_invalid_is_refused(study, tmp_path, capsys):
    """A provider without provider_type, a patient whose person_id is not in the cohort: the
    data dictionary would reject the participants table, so nothing is written."""
    source = tmp_path / "V05.txt"
    source.write_text(TEXT.replace("P07", "V05"), encoding="utf-8")
    before = (study / "data" / "participants.csv").read_bytes()
    status, _, err = _run(
        capsys, str(study), str(source), "--participant", "V05", "--role", "provider"
    )
    assert status == 1
    assert "participant 'V05' would be added with provider_type" in err
    assert "give --provider-type" in err
    assert (study / "data" / "participants.csv").read_bytes() == before
    assert not (study / "transcripts").exists()
    status, _, err = _run(
        capsys,
        str(study),
        str(source),
        *("--participant", "V05", "--role", "provider", "--provider-type", "midwife"),
    )
    assert status == 0, err
    table = pd.read_csv(study / "data" / "participants.csv", dtype=str, keep_default_na=False)
    assert table.set_index("participant_id").loc["V05", "provider_type"] == "midwife"
