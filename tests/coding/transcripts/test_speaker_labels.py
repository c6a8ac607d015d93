"""Speaker labels that transcription services write, and captions that break the format.

The layouts follow what the services document and what the real files of
tests/fixtures/realworld/transcripts show; these constructed cases cover the variants for which
no redistributable real file was found (see that folder's README).
"""

from __future__ import annotations

import docx
import pytest

from coding.transcripts import parse_turns, read_transcript


@pytest.mark.parametrize(
    ("line", "speaker", "words", "meta"),
    [
        ("Zoë Ödegaard: Ja, das stimmt.", "Zoë Ödegaard", "Ja, das stimmt.", {}),
        ("José Álvarez-Núñez: Sí.", "José Álvarez-Núñez", "Sí.", {}),
        ("Sam Lee (they/them): I came alone.", "Sam Lee", "I came alone.", {"note": "they/them"}),
        ("Ana Ruiz (she/her/ella): Yes.", "Ana Ruiz", "Yes.", {"note": "she/her/ella"}),
        ("Kelly's iPhone: Can you hear me?", "Kelly's iPhone", "Can you hear me?", {}),
        ("iPad (2): Hello?", "iPad (2)", "Hello?", {}),
        ("Maria de la Cruz: Bueno.", "Maria de la Cruz", "Bueno.", {}),
        ("Mary Anne Van Dyke: Four words.", "Mary Anne Van Dyke", "Four words.", {}),
        ("Dr. Jo Ann Smith: We screen everyone.", "Dr. Jo Ann Smith", "We screen everyone.", {}),
        ("MS-01-AB: I live alone.", "MS-01-AB", "I live alone.", {}),
        ("@0:25 - Tom Okoro\nSo, we focus.", "Tom Okoro", "So, we focus.", {"time": "0:25"}),
        ("**Interviewer:** Tell me.", "Interviewer", "Tell me.", {}),
    ],
)
def test_service_labels(line, speaker, words, meta):
    other = "**P01:** ok" if line.startswith("**") else "P01: ok"
    text = "\n\n".join([line, other, line, other])
    turns, warnings = parse_turns(text)
    assert turns[0].speaker == speaker
    assert text[turns[0].start : turns[0].end] == words
    assert turns[0].metadata == meta
    assert not [w for w in warnings if "no speaker labels" in w]


@pytest.mark.parametrize(
    "line",
    [
        "So here's the thing: it was hard.",
        "The problem was this: nobody called.",
        "and then she said: fine",
        "Transcribed by https://otter.ai",
        "Note: take with food",
    ],
)
def test_sentences_with_a_colon_are_not_labels(line):
    text = "P01: first.\n" + line + "\n\nP02: second."
    turns, _ = parse_turns(text)
    assert [t.speaker for t in turns] == ["P01", "P02"]


def test_lower_case_labels_count_when_they_recur():
    text = "interviewer: how was it?\nparticipant: hard.\ninterviewer: and then?\nparticipant: ok."
    turns, warnings = parse_turns(text)
    assert [t.speaker for t in turns] == ["interviewer", "participant"] * 2
    one_off = "P01: I said\nwell: it was fine"
    assert [t.speaker for t in parse_turns(one_off)[0]] == ["P01"]
    # among established lower-case labels, a speaker who speaks once is a speaker (and warned)
    turns, warnings = parse_turns(text + "\nmother: me too.")
    assert turns[-1].speaker == "mother"


def test_bracketed_sounds_are_not_speakers():
    text = "[id1] hello\n[laughs] yes\n[id2] hi\n[inaudible] so\n[id1] bye"
    turns, _ = parse_turns(text)
    assert [t.speaker for t in turns] == ["id1", "id2", "id1"]
    assert text[turns[0].start : turns[0].end] == "hello\n[laughs] yes"


def test_transcribeme_style_footer_and_bracket_times():
    text = (
        "[00:00:01] Interviewer: Thank you for coming.\n\n"
        "[00:00:05] Respondent: Of course.\n\n"
        "[END OF AUDIO]\n"
    )
    turns, warnings = parse_turns(text)
    assert [(t.speaker, t.metadata["time"], text[t.start : t.end]) for t in turns] == [
        ("Interviewer", "00:00:01", "Thank you for coming."),
        ("Respondent", "00:00:05", "Of course."),
    ]
    assert any("footer '[END OF AUDIO]'" in w for w in warnings)


def test_joined_paragraphs_are_counted():
    text = "P01: one.\n\nstill P01?\n\nP02: two."
    turns, warnings = parse_turns(text)
    assert turns[0].metadata == {"joined_paragraphs": 1}
    assert any("1 paragraph(s) without a speaker label" in w for w in warnings)


# ----------------------------------------------------------------------------- captions
def _vtt(tmp_path, body, name="c.vtt"):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return read_transcript(path)


def test_voice_tags_with_character_references(tmp_path):
    transcript = _vtt(
        tmp_path,
        "WEBVTT\n\n001ec368/8-0\n00:00:05.485 --> 00:00:05.725\n"
        "<v Carlos Far&#237;as>No.</v>\n\n001ec368/9-0\n00:00:07.165 --> 00:00:08.845\n"
        "<v Carlos Far&#237;as>Ya la voy a presentar.</v>\n\n001ec368/10-0\n"
        "00:00:09.000 --> 00:00:10.000\n<v O&apos;Brien, Pat>Gracias &amp; adiós.</v>\n",
    )
    assert [(t.speaker, transcript.turn_text(t.index)) for t in transcript.turns] == [
        ("Carlos Farías", "No. Ya la voy a presentar."),
        ("O'Brien, Pat", "Gracias & adiós."),
    ]
    assert "001ec368" not in transcript.text


def test_two_speaker_dash_cues_are_split(tmp_path):
    transcript = _vtt(
        tmp_path,
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nNurse: Are you in pain?\n\n"
        "00:00:03.000 --> 00:00:05.000\n- Nurse: Any pain now?\n- Mother: No, it's better.\n\n"
        "00:00:05.000 --> 00:00:06.000\n- Good.\n- Thanks.\n",
    )
    assert [(t.speaker, transcript.turn_text(t.index)) for t in transcript.turns] == [
        ("Nurse", "Are you in pain? Any pain now?"),
        ("Mother", "No, it's better."),
        ("UNKNOWN", "Good."),
        ("UNKNOWN", "Thanks."),
    ]
    assert transcript.metadata["attribution"]["unknown_turns"] == 2


def test_device_name_cues_from_zoom(tmp_path):
    transcript = _vtt(
        tmp_path,
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nKelly's iPhone: Can you hear me?\n\n"
        "2\n00:00:02.500 --> 00:00:04.000\nDr. Ana María Ortiz (she/her): Yes, loud and clear.\n",
    )
    assert [t.speaker for t in transcript.turns] == ["Kelly's iPhone", "Dr. Ana María Ortiz"]
    assert transcript.turn_text(1) == "Yes, loud and clear."


def test_unreadable_cues_are_kept_with_a_warning(tmp_path):
    transcript = _vtt(
        tmp_path,
        "WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nP01: Comma times.\n\n"
        "00:00:03.000 --> 00:00:0x.000\nP01: A broken timing line.\n\n"
        "Text after a stray blank line.\n\n"
        "00:00:05.000 --> 00:00:06.000\nP02: Fine.\n",
    )
    assert [(t.speaker, transcript.turn_text(t.index)) for t in transcript.turns] == [
        ("P01", "Comma times. A broken timing line. Text after a stray blank line."),
        ("P02", "Fine."),
    ]
    assert transcript.turns[0].metadata["start_time"] == 1.0
    joined = "\n".join(transcript.warnings)
    assert "1 WebVTT timestamp(s) written with a comma" in joined and "line(s) 3" in joined
    assert "1 cue timing(s) could not be read" in joined and "line(s) 6" in joined
    assert "1 block(s) of text outside any timed cue" in joined and "line(s) 9" in joined


def test_srt_with_missing_timing_keeps_text(tmp_path):
    path = tmp_path / "s.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:02,000\nA: one\n\n2\nA: two without a time\n\n"
        "3\n00:00:03,000 --> 00:00:04,000\nB: three\n",
        encoding="utf-8",
    )
    transcript = read_transcript(path)
    assert [(t.speaker, transcript.turn_text(t.index)) for t in transcript.turns] == [
        ("A", "one two without a time"),
        ("B", "three"),
    ]
    assert any("outside any timed cue" in w and "line(s) 6" in w for w in transcript.warnings)


# ------------------------------------------------------------------------------- Word
def test_docx_typed_timestamps_are_metadata_not_text(tmp_path):
    document = docx.Document()
    document.add_paragraph("[00:00:03] Interviewer: How did the birth go?")
    document.add_paragraph("P07: It was long. [00:01:23] Then they took him to the NICU.")
    document.add_paragraph("[00:02:10]")
    document.add_paragraph("Interviewer: And after that?")
    path = tmp_path / "P07.docx"
    document.save(path)
    transcript = read_transcript(path)
    assert [(t.speaker, transcript.turn_text(t.index)) for t in transcript.turns] == [
        ("Interviewer", "How did the birth go?"),
        ("P07", "It was long. Then they took him to the NICU."),
        ("Interviewer", "And after that?"),
    ]
    assert "[00:01:23]" not in transcript.text and "[00:02:10]" not in transcript.text
    assert transcript.turns[0].metadata == {"time": "00:00:03"}
    assert transcript.turns[1].metadata == {"timestamps": ["00:01:23"], "time": "00:01:23"}
    assert transcript.turns[2].metadata == {"timestamps": ["00:02:10"], "time": "00:02:10"}
    assert any("2 timestamp(s) typed in the paragraphs" in w for w in transcript.warnings)


def test_markdown_headings_zoom_chat_and_timed_bold_names():
    headings = (
        "# Transcript\n\n### Interviewer\nHoe gaat het?\n\n### Manager\nGoed.\n\n"
        "### Interviewer\nEn?"
    )
    turns, _ = parse_turns(headings)
    assert [(t.speaker, headings[t.start : t.end]) for t in turns] == [
        ("Interviewer", "Hoe gaat het?"),
        ("Manager", "Goed."),
        ("Interviewer", "En?"),
    ]
    chat = "01:27:42\tGaurang T:\tIt seems we wait\n03:14:20\tBella N:\tThanks 🙂"
    turns, _ = parse_turns(chat)
    assert [(t.speaker, t.metadata["time"], chat[t.start : t.end]) for t in turns] == [
        ("Gaurang T", "01:27:42", "It seems we wait"),
        ("Bella N", "03:14:20", "Thanks 🙂"),
    ]
    podcast = (
        "(Intro music)\n\n0:00:14.3 **Adam Garrett-Harris** So, welcome.\n\n"
        "0:00:20.2 **Jen Luker** 3.\n\n0:00:20.6 **Adam Garrett-Harris** Is that right?\n\n"
        "0:21:57.7 **Adam Garrett-Harris & Jen Luker** (laughing)"
    )
    turns, warnings = parse_turns(podcast)
    assert [(t.speaker, t.metadata["time"]) for t in turns] == [
        ("Adam Garrett-Harris", "0:00:14"),
        ("Jen Luker", "0:00:20"),
        ("Adam Garrett-Harris", "0:00:20"),
        ("Adam Garrett-Harris & Jen Luker", "0:21:57"),
    ]
    assert any("before the first speaker label" in w for w in warnings)


def test_youtube_header_after_blank_line_and_space_lines_inside_cues(tmp_path):
    transcript = _vtt(
        tmp_path,
        "WEBVTT\n\nKind: captions\nLanguage: pt\n\n"
        "00:00:00.000 --> 00:00:04.670 align:start position:0%\n \n"
        "o Olá<00:00:00.870> como<00:00:01.709> você\n\n"
        "00:00:04.670 --> 00:00:04.680 align:start position:0%\no Olá como você\n \n\n"
        "00:00:04.680 --> 00:00:07.579 align:start position:0%\no Olá como você\n"
        "nosso<00:00:04.830> Senai &amp; Play\n",
    )
    assert [t.speaker for t in transcript.turns] == ["UNKNOWN"]
    assert transcript.turn_text(0) == "o Olá como você nosso Senai & Play"
    assert not [w for w in transcript.warnings if "outside any timed cue" in w]
    assert any("2 repeated caption line(s)" in w for w in transcript.warnings)


def test_zoom_display_names_typed_in_lower_case(tmp_path):
    """Zoom shows the display name people typed: ``Anand sharma``, ``pulla sai durga prasad``
    (seen in a public Zoom recording transcript); they count once they recur, and then a
    one-off name of the same shape counts too."""
    cues = [
        ("Coding Ninjas", "Good evening."),
        ("pulla sai durga prasad", "Okay."),
        ("Anand sharma", "Yes sir."),
        ("pulla sai durga prasad", "Done."),
        ("shruthi", "Good evening."),
        ("Anand sharma", "Clear."),
        ("pulla sai durga prasad", "Greater than one."),
        ("Nandani butola", "Yes."),
    ]
    body = "WEBVTT\n\n" + "\n\n".join(
        f"{i}\n00:00:{i:02d}.000 --> 00:00:{i:02d}.900\n{name}: {words}"
        for i, (name, words) in enumerate(cues, start=1)
    )
    transcript = _vtt(tmp_path, body + "\n")
    assert [t.speaker for t in transcript.turns] == [name for name, _ in cues]
    assert transcript.metadata["attribution"]["unlabelled_cues"] == 0


def test_voice_tags_in_a_text_export():
    text = (
        "00:00:00 <v Michael K>Coding agents have gotten good.\n\n"
        "00:00:03 <v Trevor M>You scope a feature.\n"
        "still Trevor\n\n00:00:07 <v Michael K>It happens on disk."
    )
    turns, warnings = parse_turns(text)
    assert [(t.speaker, t.metadata["time"], text[t.start : t.end]) for t in turns] == [
        ("Michael K", "00:00:00", "Coding agents have gotten good."),
        ("Trevor M", "00:00:03", "You scope a feature.\nstill Trevor"),
        ("Michael K", "00:00:07", "It happens on disk."),
    ]


def test_rev_exports_times_after_the_name_and_page_lines():
    text = (
        "Interview 6 (Completed 10/24/22)\nTranscript by Rev.com\n\n"
        "Lex F: 00:12 What is war?\n\nElon M: 00:20\nI am for peace.\n\nPage 2 of 12\n\n"
        "Speaker 1: (01:05)\nYes."
    )
    turns, warnings = parse_turns(text)
    assert [(t.speaker, t.metadata["time"], text[t.start : t.end]) for t in turns] == [
        ("Lex F", "00:12", "What is war?"),
        ("Elon M", "00:20", "I am for peace.\n\nPage 2 of 12"),
        ("Speaker 1", "01:05", "Yes."),
    ]
    assert any("1 page header/footer line(s)" in w for w in warnings)


def test_note_taker_annotations_are_not_speakers():
    """Meeting note-takers (Fathom, Google Meet) put "ACTION ITEM: …" lines between the
    utterances of a real export; they are not speakers."""
    text = (
        "@0:25 - Tom Okoro\nSo we focus on shipping.\n\nACTION ITEM: Send the list - WATCH\n\n"
        "@0:31 - Lloyd Ian\nOkay.\n\n@0:40 - Tom Okoro\nGood."
    )
    turns, warnings = parse_turns(text)
    assert [t.speaker for t in turns] == ["Tom Okoro", "Lloyd Ian", "Tom Okoro"]
    assert turns[0].metadata["joined_paragraphs"] == 1


def test_names_without_a_colon_are_hinted_not_guessed(tmp_path):
    """Captions whose cues start with a name but no colon (seen in a public corporate-video
    caption file): the names are not guessed, the warning says how to give them."""
    lines = [("Tim Davis", "There are several things."), ("Chris Adkins", "we have a model.")] * 3
    body = "WEBVTT\n\n" + "\n\n".join(
        f"00:00:{i:02d}.000 --> 00:00:{i:02d}.900\n{name} {words}"
        for i, (name, words) in enumerate(lines, start=1)
    )
    transcript = _vtt(tmp_path, body + "\n")
    assert [t.speaker for t in transcript.turns] == ["UNKNOWN"]
    assert any(
        "name without a colon ('Tim Davis', 'Chris Adkins')" in w and "--speaker-pattern" in w
        for w in transcript.warnings
    )
    pattern = r"(?P<speaker>[A-Z][\w-]+ [A-Z][\w-]+) "
    path = tmp_path / "c.vtt"
    again = read_transcript(path, speaker_patterns=[pattern])
    assert [t.speaker for t in again.turns] == ["Tim Davis", "Chris Adkins"] * 3


def test_older_teams_word_layout_timing_then_name(tmp_path):
    document = docx.Document()
    for paragraph in [
        "0:0:0.0 --> 0:0:5.200",
        "Ana Ruiz",
        "Shall we start?",
        "0:0:5.900 --> 0:0:9.100",
        "Kelly's iPhone",
        "Yes, I can hear you.",
    ]:
        document.add_paragraph(paragraph)
    path = tmp_path / "teams.docx"
    document.save(path)
    transcript = read_transcript(path)
    assert [
        (t.speaker, t.metadata["time"], transcript.turn_text(t.index)) for t in transcript.turns
    ] == [
        ("Ana Ruiz", "0:0:0.0", "Shall we start?"),
        ("Kelly's iPhone", "0:0:5.900", "Yes, I can hear you."),
    ]


def test_docx_timestamps_without_a_name(tmp_path):
    """ " [00:41] : um" paragraphs (a public transcription-service export): the time and the
    colon are metadata, the words are text, the speaker is UNKNOWN and said so."""
    document = docx.Document()
    for paragraph in ["TRANSCRIPT", " [00:41] : um ", " [02:30] : part of it so i agree "]:
        document.add_paragraph(paragraph)
    path = tmp_path / "capio.docx"
    document.save(path)
    transcript = read_transcript(path)
    assert transcript.text == "TRANSCRIPT\n\num\n\npart of it so i agree"
    assert transcript.turns[0].speaker == "UNKNOWN"
    assert transcript.turns[0].metadata["timestamps"] == ["00:41", "02:30"]
    assert any("no speaker labels" in w for w in transcript.warnings)


def test_typed_timestamps_in_plain_text_are_listed_as_metadata():
    text = "S1: How did it go? [00:01:10]\n\nS2: Long. [00:01:15] Then quiet. [00:02:00]"
    turns, _ = parse_turns(text)
    assert [(t.speaker, t.metadata.get("timestamps")) for t in turns] == [
        ("S1", ["00:01:10"]),
        ("S2", ["00:01:15", "00:02:00"]),
    ]
    assert text[turns[1].start : turns[1].end] == "Long. [00:01:15] Then quiet. [00:02:00]"
