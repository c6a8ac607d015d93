"""Speaker labels in de-identification: role labels are kept, real names used as labels (as
Zoom, Teams and phone apps write them) are one pseudonym per person, label and mentions.

The label shapes are those the meeting tools write: "Kelly Smith:", "Name (she/her):",
"Kelly's iPhone:", WebVTT voice tags "<v Kelly Smith>" (W3C WebVTT §3.4, cue voice span).
"""

import re
from pathlib import Path

import pytest

from coding.deid import find_identifiers, redact
from coding.transcripts import parse_turns

ZOOM = (
    "Kelly Smith (she/her): hi, can you hear me?\n"
    "INTERVIEWER: Yes, thanks for joining, Kelly.\n"
    "Kelly Smith (she/her): my sister Dana is here. kelly is fine, or Smith.\n"
    "Jess's iPhone: sorry, Jess here, on my phone.\n"
    "Kelly Smith (she/her): Jess is my cousin.\n"
)


def test_one_pseudonym_per_person_in_labels_and_mentions():
    result = redact(ZOOM)
    assert result.text == (
        "NAME 1 (she/her): hi, can you hear me?\n"
        "INTERVIEWER: Yes, thanks for joining, [NAME 1].\n"
        "NAME 1 (she/her): my sister [NAME] is here. [NAME 1] is fine, or [NAME 1].\n"
        "NAME 2: sorry, [NAME 2] here, on my phone.\n"
        "NAME 1 (she/her): [NAME 2] is my cousin.\n"
    )
    assert result.speakers == {"Kelly Smith (she/her)": "NAME 1", "Jess's iPhone": "NAME 2"}
    for span in result.spans.itertuples():
        assert ZOOM[span.start : span.end] == span.original


def test_pseudonyms_number_other_people_after_the_speakers():
    text = redact(ZOOM, pseudonyms=True).text
    assert "my sister [NAME 3] is here" in text
    assert text.startswith("NAME 1 (she/her):")


def test_the_redacted_transcript_still_parses_into_the_same_turns():
    before, _ = parse_turns(ZOOM)
    after, _ = parse_turns(redact(ZOOM).text)
    assert [t.speaker for t in before] == [
        "Kelly Smith", "INTERVIEWER", "Kelly Smith", "Jess's iPhone", "Kelly Smith",
    ]  # fmt: skip
    assert [t.speaker for t in after] == ["NAME 1", "INTERVIEWER", "NAME 1", "NAME 2", "NAME 1"]


@pytest.mark.parametrize(
    "label",
    ["INTERVIEWER", "Interviewer", "P07", "P-07", "INT-P01", "Speaker 2", "Participant",
     "Respondent 3", "Moderator", "Mom", "R"],
)  # fmt: skip
def test_role_labels_are_not_identifiers(label):
    text = f"{label}: we talked about it.\n{label}: yes.\n"
    assert redact(text).text == text


@pytest.mark.parametrize(
    "text",
    [
        "Samsung SM-G991U: hello?\n",  # a device with no name in it
        "Note: the call dropped here.\n",
        "so then she said: no way\n",
        "Date: 2023\n",
    ],
)
def test_lines_with_a_colon_that_are_not_person_labels(text):
    assert not [s for s in find_identifiers(text) if s.speaker]


def test_voice_tags_titles_and_lower_case_labels():
    vtt = "00:01.000 --> 00:04.000\n<v Kelly Smith>so the baby came early\n"
    assert "Kelly" not in redact(vtt).text
    assert redact("Dr. Vang: hello\nINTERVIEWER: hi Dr. Vang\n").text == (
        "Dr. NAME 1: hello\nINTERVIEWER: hi Dr. [NAME 1]\n"
    )
    assert redact("kelly: hi\nINTERVIEWER: hi kelly\n").text == (
        "NAME 1: hi\nINTERVIEWER: hi [NAME 1]\n"
    )


def test_a_word_name_as_a_label_is_a_name_only_when_capitalised():
    text = "Hope Bisson: hi\nINTERVIEWER: Thanks, Hope. Is there hope?\n"
    assert redact(text).text == "NAME 1: hi\nINTERVIEWER: Thanks, [NAME 1]. Is there hope?\n"


REALWORLD = Path(__file__).resolve().parents[2] / "fixtures" / "realworld" / "transcripts"


@pytest.mark.parametrize(
    ("name", "people"),
    [
        # Real files from public repositories (sources, commits, licences in the README there).
        ("zoom_multi_speaker.vtt", ["Andrew Knight", "Paul McCartney", "George Harrison",
                                    "Ringo Starr", "John Lennon"]),
        ("teams_short_timestamps.vtt", ["Yuri Bakulin", "Adrian Petrescu"]),
        ("zoom_saved_transcript.txt", ["Johnny Doe", "Janet Dough"]),
        ("otter_podcast.txt", ["Emma", "Kelly", "Tailor", "Sidney"]),
    ],
)  # fmt: skip
def test_real_transcripts_keep_who_said_what_without_the_names(name, people):
    text = (REALWORLD / name).read_text(encoding="utf-8")
    result = redact(text)
    assert sorted(set(result.speakers)) == sorted(people)
    pseudonyms = list(result.speakers.values())
    assert len(set(pseudonyms)) == len(pseudonyms)  # one pseudonym per person
    for person in people:
        for word in person.split():
            assert not re.search(rf"\b{word}\b", result.text), (name, word)
    if name.endswith(".txt") or name.startswith("zoom"):
        before, _ = parse_turns(text)
        after, _ = parse_turns(result.text)
        rename = {**result.speakers, "Unknown Speaker": "Unknown Speaker"}
        assert [rename[t.speaker] for t in before] == [t.speaker for t in after]


def test_speakers_given_from_outside_the_text():
    """Caption importers keep the speaker apart from the words: given the labels, the text's
    mentions get the labels' pseudonyms and ``.speakers`` says how to rename the turns."""
    result = redact(
        "so then Kelly said to Yuri that Kelly was fine.",
        speakers=["Kelly Smith", "INTERVIEWER", "Yuri Bakulin", "Kelly Smith"],
    )
    assert result.text == "so then [NAME 1] said to [NAME 2] that [NAME 1] was fine."
    assert result.speakers == {"Kelly Smith": "NAME 1", "Yuri Bakulin": "NAME 2"}
    # Labels in the text come first; given ones are numbered after them.
    result = redact("Kelly Smith: hello Jess\n", speakers=["Jess Brown"])
    assert result.text == "NAME 1: hello [NAME 2]\n"
    assert result.speakers == {"Kelly Smith": "NAME 1", "Jess Brown": "NAME 2"}
