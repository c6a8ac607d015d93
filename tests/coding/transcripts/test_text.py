"""Plain-text transcripts: decoding, normalisation, speaker turns, offsets, bad input."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from coding import Corpus
from coding.transcripts import (
    BinaryFileError,
    EmptyTranscriptError,
    Transcript,
    TranscriptError,
    TranscriptTooLargeError,
    UnsupportedFormatError,
    load_corpus,
    normalize_text,
    parse_turns,
    read_transcript,
)

DEMO = (
    "INTERVIEWER: Thanks for talking with me. How was the first week home?\n\n"
    "P07: Honestly it was hard, you know, like the baby was in the NICU for the withdrawal.\n\n"
    "INTERVIEWER: What helped?\n\n"
    "P07: My peer coach. She called every day.\nEvery single day."
)


def _offsets_hold(transcript: Transcript, expected: list[tuple[str, str]]) -> None:
    got = [(turn.speaker, transcript.text[turn.start : turn.end]) for turn in transcript.turns]
    assert got == expected
    frame = transcript.turn_frame()
    for row in frame.itertuples():
        assert transcript.text[row.start : row.end] == row.text


def test_demo_format_turns_cover_words_after_label(tmp_path):
    path = tmp_path / "T01.txt"
    path.write_text(DEMO, encoding="utf-8")
    transcript = read_transcript(path, participant_id="P07", role="patient")
    assert transcript.id == "T01"
    assert transcript.warnings == []
    _offsets_hold(
        transcript,
        [
            ("INTERVIEWER", "Thanks for talking with me. How was the first week home?"),
            (
                "P07",
                "Honestly it was hard, you know, like the baby was in the NICU for the withdrawal.",
            ),
            ("INTERVIEWER", "What helped?"),
            ("P07", "My peer coach. She called every day.\nEvery single day."),
        ],
    )
    # hand-counted: "INTERVIEWER: " is 13 characters
    assert transcript.turns[0].start == 13
    assert transcript.metadata["format"] == "text"
    assert len(transcript.metadata["sha256"]) == 64


@pytest.mark.parametrize(
    ("line", "speaker", "words", "meta"),
    [
        ("INTERVIEWER: Hello there", "INTERVIEWER", "Hello there", {}),
        ("P07: Hi", "P07", "Hi", {}),
        ("Dr. Smith: We screen everyone", "Dr. Smith", "We screen everyone", {}),
        ("[00:01:02] Jane Doe: It was fine", "Jane Doe", "It was fine", {"time": "00:01:02"}),
        (
            "Speaker 1  00:01:02\nSo the nurse said",
            "Speaker 1",
            "So the nurse said",
            {"time": "00:01:02"},
        ),
        ("Interviewer (I): Tell me more", "Interviewer", "Tell me more", {"note": "I"}),
        ("Speaker 2 (01:02:03): Yes.", "Speaker 2", "Yes.", {"time": "01:02:03"}),
        ("[Jane Doe] 10:02:33\nHello everyone", "Jane Doe", "Hello everyone", {"time": "10:02:33"}),
    ],
)
def test_default_speaker_patterns(line, speaker, words, meta):
    text = line + "\n\nP01: ok"
    turns, warnings = parse_turns(text)
    assert warnings == []
    assert turns[0].speaker == speaker
    assert text[turns[0].start : turns[0].end] == words
    assert turns[0].metadata == meta
    assert text[turns[1].start : turns[1].end] == "ok"


def test_sentence_with_colon_is_not_a_label():
    text = "P01: I told her this: no more.\nand then she said: fine"
    turns, _ = parse_turns(text)
    assert len(turns) == 1
    assert (
        text[turns[0].start : turns[0].end] == "I told her this: no more.\nand then she said: fine"
    )


def test_custom_speaker_patterns():
    text = "-- Q -- How are you?\n-- A -- Tired."
    turns, warnings = parse_turns(text, [r"-- (?P<speaker>[QA]) --\s*"])
    assert [(t.speaker, text[t.start : t.end]) for t in turns] == [
        ("Q", "How are you?"),
        ("A", "Tired."),
    ]
    with pytest.raises(TranscriptError, match="named group"):
        parse_turns(text, [r"-- [QA] --"])
    with pytest.raises(TranscriptError, match="not a regular expression"):
        parse_turns(text, [r"(?P<speaker>"])


def test_no_labels_is_one_unknown_turn_with_warning(tmp_path, caplog):
    path = tmp_path / "notes.txt"
    path.write_text("  she talked about the baby and the clinic.\n", encoding="utf-8")
    transcript = read_transcript(path)
    assert len(transcript.turns) == 1
    assert transcript.turns[0].speaker == "UNKNOWN"
    assert transcript.turn_text(0) == "she talked about the baby and the clinic."
    assert any("no speaker labels" in w for w in transcript.warnings)
    assert "no speaker labels" in caplog.text


def test_one_off_label_inside_a_conversation_is_warned():
    text = "\n\n".join(
        [
            "INTERVIEWER: q?",
            "P01: a.",
            "INTERVIEWER: q?",
            "P01: a.",
            "INTERVIEWER: q?",
            "P01: it said\nMom: take twice daily\nNote: with food",
            "P01: ok",
        ]
    )
    turns, warnings = parse_turns(text)
    assert [t.speaker for t in turns].count("Mom") == 1
    assert "Note" not in [t.speaker for t in turns]  # a known non-speaker word
    assert len(warnings) == 1 and "'Mom'" in warnings[0] and "only once" in warnings[0]
    turns, warnings = parse_turns(text, [r"(?P<speaker>INTERVIEWER|P01):\s*"])
    assert "Mom" not in [t.speaker for t in turns] and warnings == []


def test_undefined_windows_1252_byte_is_binary(tmp_path):
    path = tmp_path / "odd.txt"
    path.write_bytes(b"P01: caf\xe9 \x81 here")  # 0x81 is undefined in cp1252 and not UTF-8
    with pytest.raises(BinaryFileError, match="neither UTF-8 nor Windows-1252"):
        read_transcript(path)


def test_preamble_and_empty_label_are_warned():
    turns, warnings = parse_turns("Interview 3, site A\nINTERVIEWER:\nP01: yes")
    assert [t.speaker for t in turns] == ["P01"]
    assert any("before the first speaker label" in w for w in warnings)
    assert any("no words after them" in w for w in warnings)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("A\r\nB\r\n", "A\nB\n"),
        ("A\rB", "A\nB"),
        ("\ufeffP01: hi", "P01: hi"),
        ("Cafe\u0301", "Caf\u00e9"),  # NFD e + combining acute -> NFC é (one character shorter)
        ("  two  spaces\t\u201cquotes\u201d  ", "  two  spaces\t\u201cquotes\u201d  "),
    ],
)
def test_normalisation(raw, normalised):
    assert normalize_text(raw) == normalised
    assert normalize_text(normalised) == normalised  # idempotent: re-import keeps offsets


def test_crlf_bom_nfd_file_offsets_index_normalised_text(tmp_path):
    raw = "\ufeffINTERVIEWER: Was it the cafe\u0301?\r\n\r\nP02: Yes, the cafe\u0301.\r\n"
    path = tmp_path / "T02.txt"
    path.write_bytes(raw.encode("utf-8"))
    transcript = read_transcript(path)
    assert "\r" not in transcript.text and not transcript.text.startswith("\ufeff")
    _offsets_hold(
        transcript, [("INTERVIEWER", "Was it the caf\u00e9?"), ("P02", "Yes, the caf\u00e9.")]
    )
    assert len(transcript.text) < len(raw)


def test_cp1252_falls_back_with_warning(tmp_path, caplog):
    path = tmp_path / "T03.txt"
    path.write_bytes("P01: the caf\u00e9 \u2014 \u201cfine\u201d".encode("cp1252"))
    transcript = read_transcript(path)
    assert transcript.turn_text(0) == "the caf\u00e9 \u2014 \u201cfine\u201d"
    assert any("Windows-1252" in w for w in transcript.warnings)
    assert "Windows-1252" in caplog.text


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "T04.txt"
    path.write_bytes("P01: caf\u00e9".encode("utf-16"))
    assert read_transcript(path).turn_text(0) == "caf\u00e9"


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "scan.txt"
    path.write_bytes(b"%PDF-1.4\x00\x01\x02binary")
    with pytest.raises(BinaryFileError, match="NUL bytes") as info:
        read_transcript(path)
    assert str(path) in str(info.value)


def test_word_line_break_and_form_feed_are_text(tmp_path):
    path = tmp_path / "word.txt"
    path.write_bytes(b"P01: first\x0bsecond\x0cthird")  # Word's manual line break, page break
    assert read_transcript(path).turn_text(0) == "first\x0bsecond\x0cthird"


def test_control_characters_are_refused(tmp_path):
    path = tmp_path / "odd.txt"
    path.write_bytes(b"P01: hello\n\x1b[31mred\x07")
    with pytest.raises(BinaryFileError, match="line 2"):
        read_transcript(path)


@pytest.mark.parametrize("content", [b"", b"  \n\r\n\t "])
def test_empty_file_is_refused(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(EmptyTranscriptError, match="empty"):
        read_transcript(path)


def test_missing_and_unsupported_files(tmp_path):
    with pytest.raises(TranscriptError, match="not found"):
        read_transcript(tmp_path / "nope.txt")
    old_word = tmp_path / "old.doc"
    old_word.write_bytes(b"x")
    with pytest.raises(UnsupportedFormatError, match=r"save \.doc files as \.docx"):
        read_transcript(old_word)


def test_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("P01: " + "word " * 1000, encoding="utf-8")
    with pytest.raises(TranscriptTooLargeError, match="over the limit"):
        read_transcript(path, max_bytes=1000)


def _large_file(tmp_path, blocks: int):
    utterance = "so the nurse, you know, she was kind about the baby and the methadone dose " * 2
    block = "".join(f"INTERVIEWER: question {i}?\n\nP07: {utterance}\n\n" for i in range(1000))
    path = tmp_path / "large.txt"
    with open(path, "w", encoding="utf-8") as handle:
        for _ in range(blocks):
            handle.write(block)
    return path, utterance


def test_5mb_transcript_is_fast(tmp_path):
    path, utterance = _large_file(tmp_path, 25)
    started = time.process_time()
    transcript = read_transcript(path)
    elapsed = time.process_time() - started
    assert len(transcript.turns) == 50_000
    assert transcript.turn_text(49_999) == utterance.strip()
    # CPU time (the machine is shared): about 0.4 s; generous for slow CI machines
    assert elapsed < 8, f"5 MB transcript took {elapsed:.1f} s"


@pytest.mark.slow
def test_50mb_transcript_is_handled(tmp_path):
    # ~50 MB: 500,000 turns of ~75 words; about 3-4 s of CPU time on a 2-core VM
    path, utterance = _large_file(tmp_path, 250)
    assert path.stat().st_size > 45_000_000
    started = time.process_time()
    transcript = read_transcript(path)
    elapsed = time.process_time() - started
    assert len(transcript.turns) == 500_000
    assert transcript.turn_text(499_999) == utterance.strip()
    assert elapsed < 30, f"50 MB transcript took {elapsed:.1f} s"


def test_transcript_validates_turns_and_role():
    with pytest.raises(TranscriptError, match="role"):
        Transcript("T1", "P1", "nurse", "text")
    with pytest.raises(TranscriptError, match="outside the text"):
        Transcript(
            "T1", "P1", "patient", "abc", pd.DataFrame({"speaker": ["A"], "start": [0], "end": [9]})
        )
    with pytest.raises(TranscriptError, match="overlap"):
        Transcript.from_text("T1", "A: x").__class__(
            "T1",
            None,
            "other",
            "abcdef",
            [{"speaker": "A", "start": 0, "end": 4}, {"speaker": "B", "start": 2, "end": 6}],
        )


def test_turn_at():
    transcript = Transcript.from_text("T1", "A: one\n\nB: two")
    assert transcript.turn_at(3).speaker == "A"
    assert transcript.turn_at(6) is None  # the newline between turns
    assert transcript.turn_at(11).speaker == "B"


def _study(tmp_path):
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "T01.txt").write_text(DEMO, encoding="utf-8")
    (folder / "V01.txt").write_text(
        "INTERVIEWER: What do patients need?\n\nV01: Housing, mostly.", encoding="utf-8"
    )
    manifest = folder / "manifest.csv"
    manifest.write_text(
        "transcript_id,participant_id,file,interview_date,interviewer\n"
        "T01,P07,T01.txt,2024-03-01,I1\n"
        "T02,V01,V01.txt,2024-03-02,I2\n",
        encoding="utf-8",
    )
    participants = pd.DataFrame(
        {
            "participant_id": ["P07", "V01"],
            "role": ["patient", "provider"],
            "site": ["A", "B"],
            "person_id": ["X1", None],
            "provider_type": [None, "nurse"],
        }
    )
    return manifest, participants


def test_load_corpus_joins_participants(tmp_path):
    manifest, participants = _study(tmp_path)
    corpus = load_corpus(manifest, participants)
    assert isinstance(corpus, Corpus)
    assert corpus.ids == ["T01", "T02"] and len(corpus) == 2
    assert corpus["T02"].role == "provider"
    assert corpus["T01"].metadata["person_id"] == "X1"
    assert corpus["T02"].metadata["provider_type"] == "nurse"
    assert corpus["T01"].metadata["interview_date"] == "2024-03-01"
    turns = corpus.turns()
    assert list(turns.columns) == [
        "transcript_id",
        "turn",
        "participant_id",
        "role",
        "speaker",
        "start",
        "end",
        "text",
    ]
    assert len(turns) == 6
    assert turns.loc[turns.transcript_id == "T02", "text"].tolist() == [
        "What do patients need?",
        "Housing, mostly.",
    ]
    for row in turns.itertuples():
        assert corpus.text(row.transcript_id)[row.start : row.end] == row.text
    assert [t.id for t in corpus] == ["T01", "T02"]


def test_load_corpus_errors_name_row_and_field(tmp_path):
    manifest, participants = _study(tmp_path)
    with pytest.raises(TranscriptError) as info:
        load_corpus(manifest, participants[participants.participant_id == "P07"])
    assert "row 2" in str(info.value) and "participant_id" in str(info.value)
    assert "'V01'" in str(info.value)

    manifest.write_text(
        "transcript_id,participant_id,file\nT01,P07,T01.txt\nT09,P07,missing.txt\n",
        encoding="utf-8",
    )
    with pytest.raises(TranscriptError) as info:
        load_corpus(manifest)
    assert "row 2" in str(info.value) and "field 'file'" in str(info.value)
    assert "missing.txt" in str(info.value)

    manifest.write_text("transcript_id,file\nT01,T01.txt\n", encoding="utf-8")
    with pytest.raises(TranscriptError, match="participant_id"):
        load_corpus(manifest)

    manifest.write_text(
        "transcript_id,participant_id,file\nT01,P07,T01.txt\nT01,P07,T01.txt\n", encoding="utf-8"
    )
    with pytest.raises(TranscriptError, match="repeats row 1"):
        load_corpus(manifest)


def test_corpus_rejects_duplicates_and_reports_missing_ids():
    t = Transcript.from_text("T1", "A: x")
    with pytest.raises(TranscriptError, match="twice"):
        Corpus.from_transcripts([t, t])
    with pytest.raises(KeyError, match="no transcript 'T9'"):
        Corpus([t])["T9"]
