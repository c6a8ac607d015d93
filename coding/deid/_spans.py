"""The records of de-identification: spans, the roster, the result, and how spans become text.

A :class:`Span` is one identifier in the *original* text. Detectors propose spans that may
overlap; :func:`resolve` keeps one span per stretch of text, and :func:`replace` writes the
redacted text with a placeholder per span. Placeholders are ``[TYPE]``, or with pseudonyms
``[TYPE n]``, numbered per *person* for names: every way a person is named in a text — the
speaker label "Kelly Smith:", "Kelly", "Smith", a roster entry and its words — gets the same
number. People named in speaker labels are always numbered, pseudonyms or not, so that turns
stay attributable once the names are gone; in the label position the placeholder is written
without brackets (``NAME 1:``) so the de-identified transcript still parses into turns.

Tested in tests/coding/deid/test_redact.py and test_speakers.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from coding.errors import CodingError

#: Identifier types, in the order that wins when two detections cover the same text.
TYPES = (
    "EMAIL",
    "URL",
    "HANDLE",
    "IP",
    "SSN",
    "PHONE",
    "FAX",
    "MRN",
    "ID",
    "ACCOUNT",
    "LICENSE",
    "PLATE",
    "DATE",
    "AGE",
    "LOCATION",
    "NAME",
)
SPAN_COLUMNS = ["start", "end", "type", "original", "replacement"]


@dataclass(frozen=True)
class Span:
    """One identifier found in the original text: ``text[start:end]`` is ``original``.

    ``speaker`` is set when the span is a speaker label at the start of a line: the name of
    the person the label gives ("Jess" for the label "Jess's iPhone").
    """

    start: int
    end: int
    type: str
    original: str
    speaker: str = ""


@dataclass
class Redaction:
    """The redacted text and the spans it replaced (offsets into the *original* text).

    ``speakers`` maps each speaker label that names a person ("Kelly Smith", "Jess's
    iPhone") to the pseudonym that replaced it (``NAME 1``), so a caller holding turns can
    rename their speakers the same way.
    """

    text: str
    spans: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SPAN_COLUMNS))
    speakers: dict[str, str] = field(default_factory=dict)

    @property
    def counts(self) -> pd.Series:
        """Number of redacted spans per identifier type."""
        return self.spans["type"].value_counts()


@dataclass(frozen=True)
class Roster:
    """Names a study knows: participants, babies, family members, staff.

    ``names`` are full or partial names ("Kaylee", "Denise Rivera"); each whole name and each
    of its words is matched as a whole word, case-insensitively (word-names such as "Hope"
    only when capitalised). Load one from a CSV with :meth:`from_csv`.
    """

    names: tuple[str, ...] = ()

    @classmethod
    def from_csv(cls, path) -> Roster:
        """A roster from a CSV with a ``name`` column (other columns are ignored)."""
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
            raise CodingError(f"cannot read the roster: {error}", file=path) from None
        if "name" not in frame.columns:
            raise CodingError("the roster needs a 'name' column", file=path, field="name")
        blank = frame.index[frame["name"].str.strip() == ""]
        if len(blank):
            raise CodingError("empty name", file=path, row=int(blank[0]) + 1, field="name")
        return cls(tuple(frame["name"].str.strip()))

    def words(self) -> set[str]:
        """Every name and every word of a multi-word name, for matching."""
        found = set()
        for name in self.names:
            found.add(name)
            found.update(name_words(name))
        return found


def name_words(name: str) -> list[str]:
    """The words of a full name that identify on their own ("Kelly Two Moons" → Kelly, Two,
    Moons; initials such as "W." are dropped)."""
    return [w for w in re.split(r"\s+", name.strip()) if len(w.rstrip(".")) > 1]


def resolve(spans: list[Span]) -> list[Span]:
    """Keep non-overlapping spans: the longer wins; on a tie, the earlier type in TYPES."""
    rank = {t: i for i, t in enumerate(TYPES)}
    ordered = sorted(spans, key=lambda s: (-(s.end - s.start), rank[s.type], s.start))
    kept: list[Span] = []
    for span in ordered:
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def person_keys(people: list[str]) -> dict[str, str]:
    """Lower-case name or name word → the person it belongs to (the full name).

    A word shared by two people ("Kelly Smith" and "Kelly Jones") belongs to neither.
    """
    owners: dict[str, set[str]] = {}
    for person in people:
        key = person.lower()
        for part in [person, *name_words(person)]:
            owners.setdefault(part.lower(), set()).add(key)
    return {part: next(iter(keys)) for part, keys in owners.items() if len(keys) == 1}


def replace(
    text: str,
    spans: list[Span],
    pseudonyms: bool,
    speakers: list[str] = (),
    roster_names: tuple[str, ...] = (),
) -> Redaction:
    """Write the redacted text: each span replaced by its placeholder (see the module doc).

    ``speakers``: names used as speaker labels, in order of first appearance (numbered
    first, always). ``roster_names``: full names whose words count as the same person.
    """
    speaker_of = person_keys(list(speakers))
    person_of = {**person_keys(list(roster_names)), **speaker_of}
    numbers: dict[tuple[str, str], int] = {}
    per_type: dict[str, int] = {}

    def number(kind: str, key: str) -> int:
        if (kind, key) not in numbers:
            per_type[kind] = per_type.get(kind, 0) + 1
            numbers[(kind, key)] = per_type[kind]
        return numbers[(kind, key)]

    for speaker in speakers:  # speakers are NAME 1, NAME 2… in order of appearance
        number("NAME", speaker.lower())
    pieces, rows, cursor = [], [], 0
    for span in spans:
        key = (span.speaker or re.sub(r"['’]s$", "", span.original)).lower()
        if span.type == "NAME":
            key = person_of.get(key, key)
        numbered = pseudonyms or (span.type == "NAME" and key in speaker_of.values())
        if numbered:
            token = f"{span.type} {number(span.type, key)}"
            replacement = token if span.speaker else f"[{token}]"
        else:
            replacement = f"[{span.type}]"
        pieces += [text[cursor : span.start], replacement]
        cursor = span.end
        rows.append((span.start, span.end, span.type, span.original, replacement))
    pieces.append(text[cursor:])
    labels = {s.lower(): s for s in speakers}
    speaker_names = {
        labels[key]: f"NAME {n}"
        for (kind, key), n in numbers.items()
        if kind == "NAME" and key in labels
    }
    return Redaction("".join(pieces), pd.DataFrame(rows, columns=SPAN_COLUMNS), speaker_names)
