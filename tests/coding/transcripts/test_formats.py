"""Word, WebVTT, SRT and CSV transcripts: turns, offsets, timing metadata, bad files."""

from __future__ import annotations

import docx
import pytest

from coding.transcripts import (
    BinaryFileError,
    EmptyTranscriptError,
    Transcript,
    TranscriptError,
    read_transcript,
)


def _check_offsets(transcript: Transcript) -> list[tuple[str, str]]:
    """Every turn's text[start:end] equals the turn text; returns (speaker, text) pairs."""
    frame = transcript.turn_frame()
    for row in frame.itertuples():
        assert transcript.text[row.start : row.end] == row.text
        assert row.text == row.text.strip() and row.text
    return list(zip(frame.speaker, frame.text, strict=True))


# ------------------------------------------------------------------------------ docx
def test_docx_paragraphs(tmp_path):
    document = docx.Document()
    document.add_paragraph("Interview 4 — site B")
    document.add_paragraph("INTERVIEWER: How did the delivery go?")
    document.add_paragraph("")
    document.add_paragraph("P04: They gave me the epidural, finally.")
    document.add_paragraph("It still hurt after, though.")  # continues P04's turn
    document.add_paragraph("INTERVIEWER: Cafe\u0301 later?")  # NFD in Word -> NFC
    path = tmp_path / "P04.docx"
    document.save(path)
    transcript = read_transcript(path, participant_id="P04", role="patient")
    assert _check_offsets(transcript) == [
        ("INTERVIEWER", "How did the delivery go?"),
        ("P04", "They gave me the epidural, finally.\n\nIt still hurt after, though."),
        ("INTERVIEWER", "Caf\u00e9 later?"),
    ]
    assert transcript.metadata["format"] == "docx"
    assert any("before the first speaker label" in w for w in transcript.warnings)


def test_docx_bold_labels_without_colons(tmp_path):
    document = docx.Document()
    document.add_paragraph("Transcript 12")
    for label, words in [
        ("Interviewer", " How are you doing?"),
        ("María", ""),
        ("Interviewer", "\tAnd the baby?"),
    ]:
        paragraph = document.add_paragraph()
        paragraph.add_run(label).bold = True
        if words:
            paragraph.add_run(words)
        if label == "María":
            document.add_paragraph("Better, honestly.")
            document.add_paragraph("Some days.")
    document.add_paragraph("He is sleeping more.")
    path = tmp_path / "bold.docx"
    document.save(path)
    transcript = read_transcript(path)
    assert _check_offsets(transcript) == [
        ("Interviewer", "How are you doing?"),
        ("María", "Better, honestly.\n\nSome days."),
        ("Interviewer", "And the baby?\n\nHe is sleeping more."),
    ]
    assert transcript.metadata["format"] == "docx-bold-labels"
    assert any("before the first bold speaker label" in w for w in transcript.warnings)


def test_docx_table_layout(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=4, cols=3)
    cells = [
        ("Time", "Speaker", "Text"),
        ("00:00:05", "Interviewer", "Who helps you most?"),
        ("00:00:09", "my sister", "My sister, she takes the baby on clinic days."),
        ("00:00:20", "my sister", "And my coach."),
    ]
    for row, values in zip(table.rows, cells, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    path = tmp_path / "table.docx"
    document.save(path)
    transcript = read_transcript(path)
    assert _check_offsets(transcript) == [
        ("Interviewer", "Who helps you most?"),
        ("my sister", "My sister, she takes the baby on clinic days."),
        ("my sister", "And my coach."),
    ]
    assert transcript.turns[1].metadata == {"time": "00:00:09"}


def test_docx_zip_bomb_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * 5_000_000)  # 5 MB -> a few KB
    assert path.stat().st_size < 100_000
    with pytest.raises(TranscriptError, match="zip bomb"):
        read_transcript(path, max_bytes=1_000_000)


def test_docx_bad_and_empty(tmp_path):
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"this is not a zip file")
    with pytest.raises(TranscriptError, match="not a readable Word .docx"):  # not a zip
        read_transcript(fake)
    empty = tmp_path / "empty.docx"
    docx.Document().save(empty)
    with pytest.raises(EmptyTranscriptError, match="no text"):
        read_transcript(empty)


# ---------------------------------------------------------------------------- WebVTT
VTT = """WEBVTT

00:00:01.000 --> 00:00:03.500
<v Interviewer>How are you feeling
since the birth?

00:00:04.000 --> 00:00:06.000
<v P07>Honestly, tired.

00:00:06.000 --> 00:00:08.250
<v P07>The baby was in the NICU.

00:00:08.500 --> 00:00:09.000
and it was hard.

00:00:10.000 --> 00:00:12.000
Interviewer: What helped?
"""


def test_vtt_merges_consecutive_cues_and_keeps_times(tmp_path):
    path = tmp_path / "call.vtt"
    path.write_text(VTT, encoding="utf-8")
    transcript = read_transcript(path, participant_id="P07")
    assert _check_offsets(transcript) == [
        ("Interviewer", "How are you feeling since the birth?"),
        ("P07", "Honestly, tired. The baby was in the NICU. and it was hard."),
        ("Interviewer", "What helped?"),
    ]
    assert transcript.turns[1].metadata == {
        "start_time": 4.0,
        "end_time": 9.0,
        "cues": 3,
        "unlabelled_cues": 1,
    }
    assert transcript.turns[0].metadata["end_time"] == 3.5
    assert transcript.text.startswith("Interviewer: How are you")
    # the cue without a label was joined to P07's turn: said, not silent
    assert [w for w in transcript.warnings if "joined" in w] == [
        "1 cue(s) without a speaker label were joined to the turn of the speaker before them "
        "(check them with --dry-run)"
    ]


def test_vtt_tags_and_character_references(tmp_path):
    path = tmp_path / "styled.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v.loud P03>Tom &amp; me, <i>really</i> &lt;3\n",
        encoding="utf-8",
    )
    assert _check_offsets(read_transcript(path)) == [("P03", "Tom & me, really <3")]


def test_vtt_without_speakers_warns(tmp_path):
    path = tmp_path / "plain.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello there\n\n"
        "00:00:02.000 --> 00:00:03.000\nhow are you\n",
        encoding="utf-8",
    )
    transcript = read_transcript(path)
    assert _check_offsets(transcript) == [("UNKNOWN", "hello there how are you")]
    assert any("no speaker labels" in w for w in transcript.warnings)


def test_malformed_and_empty_captions(tmp_path):
    bad = tmp_path / "bad.vtt"
    bad.write_text("not a caption file at all", encoding="utf-8")
    with pytest.raises(TranscriptError, match="not a valid WebVTT"):
        read_transcript(bad)
    bad_srt = tmp_path / "bad.srt"
    bad_srt.write_text("garbage\n", encoding="utf-8")
    with pytest.raises(TranscriptError, match="SubRip"):
        read_transcript(bad_srt)
    binary = tmp_path / "audio.vtt"
    binary.write_bytes(b"WEBVTT\x00\x00\x01")
    with pytest.raises(BinaryFileError):
        read_transcript(binary)


# ------------------------------------------------------------------------------- SRT
SRT = (
    "1\r\n00:00:01,000 --> 00:00:02,500\r\nINTERVIEWER: Did anyone explain the NICU stay?\r\n\r\n"
    "2\r\n00:00:03,000 --> 00:00:05,000\r\nP02: No. Nobody told me\r\nhe'd stay two weeks.\r\n\r\n"
    "3\r\n00:00:05,000 --> 00:00:06,000\r\nP02: I packed for two days.\r\n"
)


def test_srt_crlf_labels_and_merge(tmp_path):
    path = tmp_path / "P02.srt"
    path.write_bytes(SRT.encode("utf-8"))
    transcript = read_transcript(path)
    assert _check_offsets(transcript) == [
        ("INTERVIEWER", "Did anyone explain the NICU stay?"),
        ("P02", "No. Nobody told me he'd stay two weeks. I packed for two days."),
    ]
    assert transcript.turns[1].metadata == {"start_time": 3.0, "end_time": 6.0, "cues": 2}
    assert transcript.metadata["format"] == "srt"


# ------------------------------------------------------------------------------- CSV
def test_csv_one_turn_a_row(tmp_path):
    path = tmp_path / "T9.csv"
    path.write_text(
        "Speaker,Text,Start_Time\n"
        'Interviewer,"What do you need, most?",00:00:01.5\n'
        'P09,"Housing.\nAnd a ride to the clinic.",62\n'
        "P09,,70\n"
        ",I'm not sure who said this,80\n",
        encoding="utf-8",
    )
    transcript = read_transcript(path)
    assert _check_offsets(transcript) == [
        ("Interviewer", "What do you need, most?"),
        ("P09", "Housing.\nAnd a ride to the clinic."),
        ("UNKNOWN", "I'm not sure who said this"),
    ]
    assert transcript.turns[0].metadata == {"start_time": 1.5}
    assert transcript.turns[1].metadata == {"start_time": 62.0}
    assert any("without text skipped (rows [3])" in w for w in transcript.warnings)
    assert any("without a speaker" in w for w in transcript.warnings)


def test_csv_errors_name_row_and_field(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("who,said\nA,b\n", encoding="utf-8")
    with pytest.raises(TranscriptError, match="needs columns 'speaker' and 'text'") as info:
        read_transcript(path)
    assert "line 1" in str(info.value)
    path.write_text("speaker,text,start_time\nA,hello,soon\n", encoding="utf-8")
    with pytest.raises(TranscriptError) as info:
        read_transcript(path)
    assert "row 1" in str(info.value) and "field 'start_time'" in str(info.value)
    assert "'soon'" in str(info.value)
    path.write_text("speaker,text\nA,hello,extra\n", encoding="utf-8")
    with pytest.raises(TranscriptError, match="3 cells, the header has 2"):
        read_transcript(path)
    path.write_text("speaker,text\n", encoding="utf-8")
    with pytest.raises(EmptyTranscriptError):
        read_transcript(path)
