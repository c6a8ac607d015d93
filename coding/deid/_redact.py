"""De-identification of interview transcripts (HIPAA Safe Harbor identifiers).

:func:`redact` finds the identifiers that occur in interviews — names (from a study roster
of participant, baby, family and staff names, from speaker labels, and names in context that
are on neither), places smaller than a state (street addresses and roads, cities and towns,
counties, ZIP codes, named hospitals and clinics), every date element except the year, ages
over 89, telephone and fax numbers, e-mail addresses, SSNs, medical record, Medicaid/plan,
account and licence numbers, vehicle plates, URLs and IP addresses — and replaces each with a
bracketed placeholder (``[NAME]``, ``[DATE]``…) or, with ``pseudonyms=True``, a numbered one
that stays the same for the same person within the text (``[NAME 1]`` is always Kaylee).

It deliberately keeps what researchers need: role labels (``INTERVIEWER:``, ``P07:``), drug
names (Suboxone, Subutex, Narcan, Vivitrol…), clinical and programme terms ("Eat, Sleep,
Console", C-section, Finnegan, Healthy Start), weekdays, relative time ("two weeks
postpartum", "at 24 weeks"), years, states, and everyday words that are also names ("hope",
"will", "grace") unless a name context, a speaker label or the roster says otherwise.

The pieces, one idea per module: :mod:`._spans` (records, resolution, placeholders),
:mod:`._numbers`, :mod:`._dates`, :mod:`._places`, :mod:`._names` (detectors),
:mod:`._speakers` (speaker labels), :mod:`._keep` (what is not an identifier) and
:mod:`._lexicon` (word lists). Everything is rules and shipped word lists: no model, nothing
downloaded, fully offline. Rules miss what they were not written for, so the redaction log
(:mod:`coding.deid.review`) lets a reviewer accept or reject each span and add what was
missed; measured recall and precision are in benchmarks/RESULTS.md and docs/deid-heldout.md.

>>> result = redact("My daughter Kaylee was born March 3rd at Riverside Hospital.")
>>> result.text
'My daughter [NAME] was born [DATE] at [LOCATION].'
>>> result.spans[["start", "end", "type", "original"]].values.tolist()[0]
[12, 18, 'NAME', 'Kaylee']
"""

from __future__ import annotations

from collections.abc import Iterable

from coding.deid._dates import ages, dates
from coding.deid._keep import drop_protected, protected_ranges
from coding.deid._names import names, propagate
from coding.deid._numbers import NUMBER_DETECTORS
from coding.deid._places import (
    locations,
    lower_case_places,
    saints_and_roads,
    towns_and_zip_codes,
)
from coding.deid._spans import TYPES, Redaction, Roster, Span, replace, resolve
from coding.deid._speakers import find_speakers, mentions
from coding.errors import CodingError

_DETECTORS = (
    *NUMBER_DETECTORS,
    dates,
    ages,
    locations,
    lower_case_places,
    saints_and_roads,
    towns_and_zip_codes,
)


def redact(
    text: str,
    roster: Roster | Iterable[str] | None = None,
    *,
    pseudonyms: bool = False,
    types: Iterable[str] | None = None,
    speakers: Iterable[str] = (),
) -> Redaction:
    """Find Safe Harbor identifiers in ``text`` and replace them.

    ``roster``: a :class:`Roster` or a list of names known to the study. ``pseudonyms``:
    numbered placeholders consistent within this text (``[NAME 1]``…) instead of ``[NAME]``;
    people named in speaker labels ("Kelly Smith:") are numbered either way, label and
    mentions alike, so turns stay attributable (``NAME 1:`` … ``[NAME 1]``).
    ``types``: only these identifier types (default: all of :data:`TYPES`).
    ``speakers``: speaker labels kept outside ``text`` (caption voice tags, turn records);
    the people they name are numbered like labels in the text, and ``.speakers`` maps each
    to its pseudonym, so an importer can rename its turns the way the text was redacted.

    Returns a :class:`Redaction`: ``.text``, ``.spans`` (``start, end, type, original,
    replacement``, offsets into the original ``text``) and ``.speakers`` (speaker label →
    pseudonym).
    """
    if not isinstance(text, str):
        raise CodingError(f"redact() takes text (str), got {type(text).__name__}")
    if roster is not None and not isinstance(roster, Roster):
        roster = Roster(tuple(roster))
    wanted = set(types) if types is not None else set(TYPES)
    if unknown := wanted - set(TYPES):
        raise CodingError(f"unknown identifier type(s) {sorted(unknown)}; known: {list(TYPES)}")
    speakers = find_speakers(text, speakers)
    found = [s for s in find_identifiers(text, roster, speakers.labels) if s.type in wanted]
    redaction = replace(
        text,
        resolve(found),
        pseudonyms,
        speakers=speakers.people if "NAME" in wanted else [],
        roster_names=roster.names if roster is not None else (),
    )
    redaction.speakers = {
        label: redaction.speakers[person]
        for label, person in speakers.labels.items()
        if person in redaction.speakers
    }
    return redaction


def find_identifiers(
    text: str, roster: Roster | None = None, speakers: Iterable[str] = ()
) -> list[Span]:
    """Every candidate identifier span (possibly overlapping), before resolution.

    Speaker labels first: role labels and clinical/programme terms protect their text from
    the word detectors; names in person labels (in the text, or ``speakers`` given from
    outside it) join the roster of this text.
    """
    speakers = find_speakers(text, speakers)
    spans: list[Span] = []
    for detector in _DETECTORS:
        spans.extend(detector(text))
    spans.extend(names(text, roster))
    label_ranges = [(s.start, s.end) for s in speakers.spans]
    named = mentions(text, speakers.people, label_ranges)
    # A speaker named in the text is that person, not a place of the same length ("to Yuri").
    spans = [
        s
        for s in spans
        if s.type == "NAME" or not any(m.start <= s.start and s.end <= m.end for m in named)
    ]
    spans.extend(named)
    spans = drop_protected(spans, protected_ranges(text, speakers.roles))
    spans = [s for s in spans if not any(a < s.end and s.start < b for a, b in label_ranges)]
    spans.extend(speakers.spans)
    spans.extend(drop_protected(propagate(text, spans), protected_ranges(text, speakers.roles)))
    return spans
