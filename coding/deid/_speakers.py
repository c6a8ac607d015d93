"""Speaker labels: role labels are kept, real names used as labels are identifiers.

Transcription services label turns with whatever the meeting software knew: a role the
research team typed ("INTERVIEWER:", "P07:"), or the participant's own account name as Zoom
and Teams write it ("Kelly Smith:", "Kelly Smith (she/her):", "Kelly's iPhone:", a WebVTT
voice tag ``<v Kelly Smith>``, Zoom's saved transcript "[Kelly Smith] 11:02:09", Otter's
"Kelly Smith  0:34" on a line of its own). :func:`find_speakers` reads the label at the
start of each line and sorts it:

- a **role label** (:data:`~coding.deid._lexicon.ROLE_LABEL`) is protected: never flagged;
- a **person label** — one to four name words, maybe with pronouns in brackets, or a name
  before a device ("Jess's iPhone", "Kristy's Galaxy A14") — is a NAME span, and the person
  is added to the transcript's own roster: the full name and each of its words are then
  found anywhere in the text ("Thanks, Kelly", "kelly said"), so one person gets one
  pseudonym throughout (:func:`coding.deid._spans.replace`);
- anything else (a device with no name, "Samsung SM-G991U", a header such as "Date") is
  left to the other detectors.

A single capitalised word before a colon is taken as a person label only when it is a listed
given name or labels two or more turns, so that "Note:" or "Update:" at a line start is not
a name; in a voice tag or a bracketed or timed label it is always a name.

Tested in tests/coding/deid/test_speakers.py.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from coding.deid._lexicon import (
    DISCOURSE_WORDS,
    GIVEN_NAMES,
    KEEP_TERMS,
    LOWERCASE_WORDS,
    MONTHS,
    ROLE_LABEL,
    TITLES,
    US_STATES,
    WEEKDAYS,
    WORD_NAMES,
)
from coding.deid._spans import Span, name_words

_TIME = r"(?:\[?\(?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\)?\]?[ \t]+)?"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?"
_LABEL = re.compile(
    rf"^[ \t]*{_TIME}(?:<v(?:\.[\w.-]+)?[ \t]+(?P<voice>[^>\n]{{1,60}})>"
    r"|(?P<label>[^\s:<>\[\]][^:\n<>\[\]]{0,59}?)[ \t]*:(?=[ \t]|$))"
    # Zoom's saved transcript: "[Kelly Smith] 11:02:09" on its own line.
    rf"|^\[(?P<bracket>[^\]\n:]{{1,60}})\][ \t]+{_CLOCK}[ \t]*$"
    # Otter.ai: "Kelly Smith  0:34" on its own line.
    rf"|^(?P<timed>[^\s:\[\]<>][^:\n\[\]<>]{{0,59}}?)[ \t]+{_CLOCK}[ \t]*$",
    re.MULTILINE,
)
_GROUPS = ("voice", "label", "bracket", "timed")
_ROLE = re.compile(rf"(?:{ROLE_LABEL})", re.IGNORECASE)
_PRONOUNS = re.compile(r"\s*\((?:[a-z]+/[a-z]+(?:/[a-z]+)?)\)\s*$", re.IGNORECASE)
_DEVICE = re.compile(
    r"^(?P<name>.+?)['’]s\s+(?:iphone|ipad|macbook|mac|pc|laptop|computer|phone|android|"
    r"galaxy|pixel|samsung|moto|motorola|surface|chromebook|kindle|tablet)\b.*$",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"(?:[A-ZÀ-Þ][\wÀ-ÿ'’-]*|[A-Z]\.?)")
_LOWER_NAME_WORD = re.compile(r"[a-zà-ÿ][\wà-ÿ'’-]*")


@dataclass
class Speakers:
    """What the speaker labels of one text say.

    ``roles``: ``(start, end)`` of role labels (protected). ``spans``: NAME spans of the
    names in person labels. ``people``: each person's name in order of first appearance.
    ``labels``: label text as written → the person it names.
    """

    roles: list[tuple[int, int]] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)


def _ordinary_word(word: str) -> bool:
    lower = word.lower().rstrip(".")
    return (
        lower in ENGLISH_STOP_WORDS
        or lower in KEEP_TERMS
        or lower in DISCOURSE_WORDS
        or lower in US_STATES
        or lower in WEEKDAYS
        or bool(re.fullmatch(MONTHS, word, re.IGNORECASE))
    )


def _person(label: str, repeats: int, certain: bool = False) -> str | None:
    """The person's name a label gives, or None when the label is not a person's name.

    ``certain``: the label's shape (a voice tag, a bracketed or timed label on its own line)
    leaves no doubt that it is a label, so one capitalised word is enough."""
    label = _PRONOUNS.sub("", label).strip()
    device = _DEVICE.match(label)
    if device:
        label = device.group("name").strip()
    words = label.split()
    titled = len(words) > 1 and words[0].lower().rstrip(".") in TITLES
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        words = words[1:]  # "Dr. Vang": the title is not part of the name
    label = label[label.index(words[0]) :] if words else label
    if not 1 <= len(words) <= 4 or any(c.isdigit() for c in label):
        return None
    capitalised = all(_NAME_WORD.fullmatch(w) for w in words)
    lower_case = all(_LOWER_NAME_WORD.fullmatch(w) for w in words)
    if lower_case and words[0] not in GIVEN_NAMES:
        return None  # "note:" "update:" typed in lower case
    if not (capitalised or lower_case) or _ordinary_word(words[0]):
        return None
    if label.isupper() and len(words) == 1:
        return None  # "MOM:", "CHILD:": roles written in capitals
    if len(words) == 1 and not (device or titled or certain):
        listed = words[0].lower() in GIVEN_NAMES
        if not listed and repeats < 2:
            return None
    return label


def find_speakers(text: str, given: Iterable[str] = ()) -> Speakers:
    """Role labels and person labels at the starts of lines (see the module docstring).

    ``given``: speaker labels known from outside the text — caption voice tags or turn
    records an importer keeps apart from the words. Each that names a person joins the
    people (after those labelled in the text), so the text's mentions of them get the same
    pseudonym; role labels among them are ignored.
    """
    found = Speakers()
    _add_given(found, given)
    found.people, given_people = [], found.people
    matches = list(_LABEL.finditer(text))
    repeats = Counter(m.group(next(g for g in _GROUPS if m.group(g))).strip() for m in matches)
    for match in matches:
        group = next(g for g in _GROUPS if match.group(g))
        raw = match.group(group).strip()
        start = match.start(group)
        if _ROLE.fullmatch(_PRONOUNS.sub("", raw).strip()):
            found.roles.append((start, start + len(raw)))
            continue
        person = _person(raw, repeats[raw], certain=group != "label")
        if person is None:
            continue
        # The whole label goes ("Jess's iPhone" → "NAME 2", which still parses as a label),
        # all but a title before it and pronouns after it.
        offset = raw.index(person)
        shown = _PRONOUNS.sub("", raw[offset:]).rstrip()
        found.spans.append(
            Span(start + offset, start + offset + len(shown), "NAME", shown, speaker=person)
        )
        found.labels[raw] = person
        if person.lower() not in {p.lower() for p in found.people}:
            found.people.append(person)
    known = {p.lower() for p in found.people}
    found.people += [p for p in given_people if p.lower() not in known]
    return found


def _add_given(found: Speakers, given: Iterable[str]) -> None:
    for raw in dict.fromkeys(label.strip() for label in given):
        if not raw or _ROLE.fullmatch(_PRONOUNS.sub("", raw).strip()):
            continue
        person = _person(raw, repeats=1, certain=True)
        if person is None:
            continue
        found.labels[raw] = person
        if person.lower() not in {p.lower() for p in found.people}:
            found.people.append(person)


def mentions(text: str, people: list[str], taken: list[tuple[int, int]]) -> list[Span]:
    """Every other occurrence of the speakers' names in ``text``: the full name, and each
    word of it that identifies alone. Ordinary words and word-names ("Hope", "Will") count
    only when capitalised; other names in any case ("kelly"). ``taken``: label spans."""
    spans = []
    for person in people:
        for word in sorted({person, *name_words(person)}, key=len, reverse=True):
            lower = word.lower()
            if _ordinary_word(word) and word != person:
                continue
            careful = lower in WORD_NAMES or lower in LOWERCASE_WORDS or len(lower) < 3
            flags = 0 if careful else re.IGNORECASE
            for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, flags):
                if not any(s <= m.start() < e for s, e in taken):
                    spans.append(Span(m.start(), m.end(), "NAME", m.group()))
    return spans
