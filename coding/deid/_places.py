"""Places smaller than a state: streets and roads, named facilities, counties, ZIP codes,
and towns after a place preposition.

45 CFR 164.514(b)(2)(i)(B): "all geographic subdivisions smaller than a State, including
street address, city, county, precinct, zip code". A facility is one span however it is
written — "St. Mary's", "Saint Clare's Hospital", "St. Louis County" — never a place "St"
and a name "Mary" (issue 14). Roads by number ("Route 22", "Highway 77", "County Road D",
"I-35") are streets. Tested in tests/coding/deid/test_redact.py.
"""

from __future__ import annotations

import re

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from coding.deid._lexicon import (
    FACILITY_WORDS,
    GIVEN_NAMES,
    KEEP_TERMS,
    MONTHS,
    NOT_PLACES,
    STREET_TYPES,
    US_STATES,
    WEEKDAYS,
)
from coding.deid._spans import Span

CAP = r"[A-Z][a-z'’\-]+"  # a capitalised word
_CAP = CAP
_SAINT = re.compile(
    rf"\b(?:St\.?|Saint|Ste\.?)[ \t]+{CAP}(?:[ \t]+(?!(?:and|or|the|of)\b){CAP}){{0,3}}"
)
_ROAD = re.compile(
    r"\b(?:(?:State |U\.?S\.? |US |County |Farm to Market |Interstate |Old )?"
    r"(?:Route|Rte\.?|Highway|Hwy\.?|Road|Rd\.?|Interstate)[ \t]+\d{1,4}[A-Z]?\b"
    r"|County (?:Road|Rd\.?|Highway|Hwy\.?)[ \t]+[A-Z]{1,2}\b"
    r"|\bI-\d{1,3}\b)"
)


def saints_and_roads(text: str) -> list[Span]:
    """Places named for a saint, however short ("St. Mary's", "Saint Joseph's Hospital",
    "St. Louis County"), and numbered roads ("Route 22", "I-35", "County Road D")."""
    spans = []
    for m in _SAINT.finditer(text):
        spans.append(Span(m.start(), m.end(), "LOCATION", m.group()))
    spans += [Span(m.start(), m.end(), "LOCATION", m.group()) for m in _ROAD.finditer(text)]
    return spans


def locations(text: str) -> list[Span]:
    """Streets, facilities, counties, ZIP codes, and towns after a place preposition."""
    spans = []
    street = re.compile(
        rf"\b\d{{1,6}}[ \t]+(?:[NSEW]\.?[ \t]+)?(?:{_CAP}[ \t]+){{1,3}}(?:{STREET_TYPES})\b\.?"
        rf"|\b(?:{_CAP}[ \t]+){{1,2}}(?:Street|Avenue|Road|Boulevard|Lane|Drive|Parkway|Highway)\b"
    )
    facility = re.compile(
        r"\b(?:(?:St\.|Saint|[A-Z][\w'’&-]*)[ \t]+){1,4}"
        rf"(?:{'|'.join(re.escape(w) for w in FACILITY_WORDS)})\b"
    )
    county = re.compile(rf"\b(?:{_CAP}[ \t]+){{1,2}}(?:County|Parish|Township)\b")
    zip_code = re.compile(
        r"(?:(?<=\b[A-Z]{2} )|(?<=\bzip )|(?<=\bzip code )|(?<=\bzipcode )|(?<=\bzip code is ))"
        r"\d{5}(?:-\d{4})?\b",
        re.IGNORECASE,
    )
    zip_after = re.compile(r"\b\d{5}(?=\s+(?:zip|area|zipcode)\b)", re.IGNORECASE)
    for pattern, kind in (
        (street, "LOCATION"),
        (county, "LOCATION"),
        (zip_code, "LOCATION"),
        (zip_after, "LOCATION"),
    ):
        spans += [
            Span(m.start(), m.end(), kind, m.group().rstrip(".")) for m in pattern.finditer(text)
        ]
    for m in facility.finditer(text):
        words = m.group().split()
        while words and (words[0].lower() in ENGLISH_STOP_WORDS or words[0].lower() in KEEP_TERMS):
            words = words[1:]  # "The Riverside Clinic" → "Riverside Clinic"
        if len(words) >= 2:
            start = m.end() - len(" ".join(words))
            spans.append(Span(start, m.end(), "LOCATION", text[start : m.end()]))
    town = re.compile(
        r"\b(?:in|from|to|near|outside(?: of)?|over in|out in|down in|up in|up to|down to|"
        r"moved to|live in|lived in|living in|grew up in|back to|around)\s+"
        rf"(?P<place>{_CAP}(?:[ \t]+{_CAP}){{0,2}})(?:,\s*(?P<state>[A-Z]{{2}}\b|[A-Z][a-z]+))?"
    )
    for m in town.finditer(text):
        place = m.group("place")
        words = place.split()
        first = words[0].lower()
        if (
            place.lower() in US_STATES
            or first in ENGLISH_STOP_WORDS
            or first in KEEP_TERMS
            or first in NOT_PLACES
            or first in WEEKDAYS
            or re.fullmatch(MONTHS, words[0])
            or first in GIVEN_NAMES
            or first in {"i", "i'm", "im", "mom", "dad", "grandma", "rehab", "detox", "church"}
        ):
            continue
        spans.append(Span(m.start("place"), m.end("place"), "LOCATION", place))
    return spans
