"""Real transcripts from public repositories import with the right speakers, turns and text.

The files and their sources are listed in tests/fixtures/realworld/transcripts/README.md. The
expected values come from the files themselves, read independently of the importer: label
lines counted with plain regular expressions over the raw file, cue timings read off the
timing lines, Word paragraphs listed with python-docx.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import groupby
from pathlib import Path

import docx
import pytest

from coding.transcripts import normalize_text, read_transcript

FIXTURES = Path(__file__).parents[2] / "fixtures" / "realworld" / "transcripts"
ALL_FILES = sorted(p.name for p in FIXTURES.iterdir() if p.suffix != ".md" or "bold" in p.name)


def _raw(name: str) -> str:
    return normalize_text((FIXTURES / name).read_text(encoding="utf-8-sig"))


def _timings(name: str) -> list[tuple[str, str]]:
    return re.findall(r"^(\S+) --> (\S+)", _raw(name), re.MULTILINE)


def _clock(stamp: str) -> float:
    """``00:01:02,500`` → 62.5 (read here independently of the importer)."""
    hours, minutes, seconds = stamp.replace(",", ".").split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _cue_label_sequence(name: str) -> tuple[list[str], int]:
    """Speakers of a Zoom .vtt read naively (``Name:`` / ``Name (X):`` after a timing line),
    consecutive repeats collapsed; and the number of cues without a label."""
    raw = _raw(name)
    first_lines = re.findall(r"^\S+ --> \S+\n(.*)$", raw, re.MULTILINE)
    labels = [re.match(r"^([A-Z][\w ]+?)(?: \(\w+\))?: ", line) for line in first_lines]
    sequence = [key for key, _ in groupby(m.group(1) for m in labels if m)]
    return sequence, sum(m is None for m in labels)


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_file_keeps_the_offset_contract(name):
    transcript = read_transcript(FIXTURES / name)
    assert transcript.text == normalize_text(transcript.text)
    previous_end = 0
    for turn in transcript.turns:
        assert previous_end <= turn.start < turn.end <= len(transcript.text)
        piece = transcript.text[turn.start : turn.end]
        assert piece == piece.strip() and piece
        previous_end = turn.end
    summary = transcript.metadata["attribution"]
    assert summary["turns"] == len(transcript.turns)
    if summary["needs_review"]:  # never silent: the reason is in the warnings
        assert any(
            ("UNKNOWN" in w or "joined" in w or "no speaker labels" in w)
            for w in transcript.warnings
        )


# ----------------------------------------------------------------------------- captions
def test_zoom_vtt_single_speaker():
    transcript = read_transcript(FIXTURES / "zoom_single_speaker.vtt")
    timings = _timings("zoom_single_speaker.vtt")
    assert [t.speaker for t in transcript.turns] == ["Caleob King"]
    assert transcript.turn_text(0).startswith("Hello, everybody, I hope you're doing all right.")
    assert "Caleob King:" not in transcript.turn_text(0)
    assert transcript.turns[0].metadata == {
        "start_time": 4.16,
        "end_time": 193.469,
        "cues": len(timings),
    }
    assert (timings[0][0], timings[-1][1]) == ("00:00:04.160", "00:03:13.469")
    assert transcript.metadata["attribution"]["needs_review"] is False


@pytest.mark.parametrize(
    ("name", "speakers"),
    [
        ("zoom_unlabelled_cues.vtt", {"Ashlee Kupor", "Dora Demszky"}),
        (
            "zoom_multi_speaker.vtt",
            {"Andrew Knight", "Paul McCartney", "George Harrison", "Ringo Starr", "John Lennon"},
        ),
    ],
)
def test_zoom_vtt_cues_without_a_name_are_counted_not_hidden(name, speakers):
    transcript = read_transcript(FIXTURES / name)
    sequence, unlabelled = _cue_label_sequence(name)
    assert [t.speaker for t in transcript.turns] == sequence
    assert set(sequence) == speakers
    assert unlabelled > 0
    assert transcript.metadata["attribution"]["unlabelled_cues"] == unlabelled
    assert sum(t.metadata.get("unlabelled_cues", 0) for t in transcript.turns) == unlabelled
    assert any(f"{unlabelled} cue(s) without a speaker label" in w for w in transcript.warnings)


def test_zoom_vtt_role_in_brackets_is_not_part_of_the_name():
    transcript = read_transcript(FIXTURES / "zoom_unlabelled_cues.vtt")
    assert transcript.turns[0].speaker == "Ashlee Kupor"
    assert transcript.turn_text(0) == "Let's do that"
    # the unnamed cue "No, it's gonna. I think it's" was joined to Dora Demszky's turn
    dora = transcript.turns[1]
    assert dora.speaker == "Dora Demszky" and dora.metadata["unlabelled_cues"] == 1
    assert "No, it's gonna. I think it's" in transcript.turn_text(1)


def test_teams_vtt_short_timestamps_and_voice_tags():
    transcript = read_transcript(FIXTURES / "teams_short_timestamps.vtt")
    assert [(t.speaker, transcript.turn_text(t.index)) for t in transcript.turns] == [
        ("Yuri Bakulin", "There you go."),
        ("Adrian Petrescu", "Why hello there, Yuri."),
    ]
    assert [(t.metadata["start_time"], t.metadata["end_time"]) for t in transcript.turns] == [
        (0.0, 0.57),
        (0.21, 1.13),
    ]


def test_youtube_auto_captions_rolling_lines_appear_once():
    transcript = read_transcript(FIXTURES / "youtube_auto_rolling.vtt")
    # the words a viewer sees, each once: "yeah", "what", then the timed line
    assert transcript.turn_text(0) == "yeah what this will happen is I'm telling"
    assert transcript.turns[0].speaker == "UNKNOWN"
    assert transcript.turns[0].metadata["start_time"] == 4 * 60 + 46.07
    assert any("2 repeated caption line(s) left out" in w for w in transcript.warnings)
    assert any("no speaker labels" in w for w in transcript.warnings)


@pytest.mark.parametrize(
    ("name", "first_words"),
    [
        ("youtube_manual_captions.vtt", "Hi I’m John Green and this is Crash Course"),
        ("rev_captions_dash.srt", "Hi, I'm Matthew Feickert. I'm a particle physicist"),
        ("youtube_overlapping.srt", "hello my name is Zhian Kamvar and I'm the Lesson"),
    ],
)
def test_captions_without_speakers_keep_every_word_and_say_so(name, first_words):
    transcript = read_transcript(FIXTURES / name)
    raw = _raw(name)
    spoken = [
        line.lstrip("- ")
        for line in raw.split("\n")[1:]
        if line.strip() and "-->" not in line and not line.strip().isdigit()
    ]
    words = " ".join(spoken).split()
    assert [t.speaker for t in transcript.turns] == ["UNKNOWN"]
    assert transcript.turn_text(0).startswith(first_words)
    assert transcript.turn_text(0).split() == words
    timings = _timings(name)
    assert transcript.turns[0].metadata["cues"] == len(timings)
    first, last = timings[0][0], timings[-1][1]
    assert transcript.turns[0].metadata["start_time"] == pytest.approx(_clock(first))
    assert transcript.turns[0].metadata["end_time"] == pytest.approx(
        max(_clock(end) for _, end in timings)
    )
    assert _clock(last) <= transcript.turns[0].metadata["end_time"]
    assert transcript.metadata["attribution"]["unknown_turns"] == 1
    assert any("no speaker labels" in w for w in transcript.warnings)


# --------------------------------------------------------------------------------- text
def test_otter_export_speakers_times_and_footer():
    transcript = read_transcript(FIXTURES / "otter_podcast.txt")
    raw = _raw("otter_podcast.txt")
    labels = re.findall(r"^(.+?)  (\d+:\d\d)  $", raw, re.MULTILINE)
    assert len(transcript.turns) == len(labels) == 162
    assert Counter(t.speaker for t in transcript.turns) == Counter(name for name, _ in labels)
    assert [t.metadata["time"] for t in transcript.turns] == [time for _, time in labels]
    assert transcript.turn_text(0).startswith("It's more important than ever to build secure")
    last = transcript.turn_text(len(transcript.turns) - 1)
    assert last.endswith("See you guys.") and "otter.ai" not in last
    assert any("footer 'Transcribed by https://otter.ai'" in w for w in transcript.warnings)
    # Otter's misheard guest name is a real one-off label: reported for a person to check
    assert any("'Tailor'" in w and "only once" in w for w in transcript.warnings)


def test_markdown_bold_names_with_bracketed_times():
    transcript = read_transcript(FIXTURES / "bold_names_bracket_times.md")
    raw = _raw("bold_names_bracket_times.md")
    labels = re.findall(r"^\*\*(\w+)\*\* \[(\d+:\d\d)\]", raw, re.MULTILINE)
    assert [(t.speaker, t.metadata["time"]) for t in transcript.turns] == labels
    assert len(labels) == 20
    assert transcript.turn_text(0).startswith("Today we&#39;re talking about ourselves.")
    assert transcript.turn_text(1) == "Welcome to the Ladybug podcast. I&#39;m Kelly."


def test_zoom_saved_transcript_text():
    transcript = read_transcript(FIXTURES / "zoom_saved_transcript.txt")
    labels = re.findall(r"^\[(.+)\] (\d\d:\d\d:\d\d)$", _raw("zoom_saved_transcript.txt"), re.M)
    assert [(t.speaker, t.metadata["time"]) for t in transcript.turns] == labels
    assert len(labels) == 12
    assert transcript.turn_text(1) == "Hey, I'm Janet, how are you?"


def test_lower_case_bracketed_ids_are_labels():
    transcript = read_transcript(FIXTURES / "lowercase_bracket_ids.txt")
    assert [t.speaker for t in transcript.turns] == [
        "id1", "id2", "id3", "id1", "id3", "id1", "id2",
    ]  # fmt: skip
    assert transcript.turn_text(0).startswith("hello, I like the course.")
    assert transcript.metadata["attribution"]["needs_review"] is False


def test_research_interview_with_numbered_interviewer():
    transcript = read_transcript(FIXTURES / "interview_numbered_interviewer.txt")
    labels = re.findall(
        r"^(Interviewer 1|Interviewee): ", _raw("interview_numbered_interviewer.txt"), re.M
    )
    assert [t.speaker for t in transcript.turns] == labels
    assert len(labels) == 16
    assert transcript.turn_text(0).startswith("All right. Uh, so what we want to do")


# --------------------------------------------------------------------------------- Word
def _paragraphs(name: str) -> list[str]:
    return [p.text for p in docx.Document(FIXTURES / name).paragraphs]


def test_teams_layout_word_transcript():
    transcript = read_transcript(FIXTURES / "teams_style_interview.docx")
    paragraphs = [p.strip() for p in _paragraphs("teams_style_interview.docx") if p.strip()]
    label = re.compile(r"^(Jordan Lee|Alex Morgan)\s+(\d+:\d\d)$")
    labels = [label.match(p).groups() for p in paragraphs if label.match(p)]
    spoken = [p for p in paragraphs if not label.match(p)]
    assert [(t.speaker, t.metadata["time"]) for t in transcript.turns] == labels
    assert Counter(t.speaker for t in transcript.turns) == {"Jordan Lee": 16, "Alex Morgan": 16}
    assert transcript.turn_text(0).startswith("Thanks for joining today, Alex.")
    # paragraphs after the first of each turn have no label of their own: counted
    joined = len(spoken) - len(labels)
    assert joined > 0
    assert transcript.metadata["attribution"]["joined_paragraphs"] == joined


def test_otter_word_export_header_is_not_speech():
    transcript = read_transcript(FIXTURES / "otter_export.docx")
    assert [(t.speaker, transcript.turn_text(t.index), t.metadata) for t in transcript.turns] == [
        ("Interviewer", "Interviewer talks.", {"note": "name", "time": "00:00"}),
        ("MS-01-AB", "Participant speaks.", {"time": "01:48"}),
    ]
    assert any("Otter.ai header" in w for w in transcript.warnings)
    assert "SUMMARY KEYWORDS" not in " ".join(transcript.turn_text(i) for i in range(2))


def test_bold_labels_alone_on_a_line():
    transcript = read_transcript(FIXTURES / "bold_labels.docx")
    bold_lines = [
        p.text.strip()
        for p in docx.Document(FIXTURES / "bold_labels.docx").paragraphs
        if p.text.strip() and all(r.bold for r in p.runs if r.text.strip())
    ]
    names = [re.sub(r"\s*\(name\)$", "", line) for line in bold_lines]
    assert [t.speaker for t in transcript.turns] == names
    assert transcript.turn_text(0).startswith("Interviewer asks a question. This is not")
    assert transcript.turns[0].metadata == {"note": "name"}
    assert transcript.metadata["format"] == "docx-bold-labels"


def test_word_document_without_labels_is_one_unknown_turn():
    transcript = read_transcript(FIXTURES / "no_speaker_labels.docx")
    assert [t.speaker for t in transcript.turns] == ["UNKNOWN"]
    assert transcript.turn_text(0).startswith("I really like learning new things.")
    assert transcript.metadata["attribution"]["unknown_turns"] == 1
    assert any("no speaker labels" in w for w in transcript.warnings)
