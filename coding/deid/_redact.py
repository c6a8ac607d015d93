"""De-identification of interview transcripts (HIPAA Safe Harbor identifiers).

:func:`redact` finds the identifiers that occur in interviews — names (from a study roster
of participant, baby, family and staff names, and names in context that are not on it),
places smaller than a state (street addresses, cities and towns, counties, ZIP codes, named
hospitals and clinics), every date element except the year, ages over 89, telephone and fax
numbers, e-mail addresses, SSNs, medical record, Medicaid/plan, account and licence numbers,
vehicle plates, URLs and IP addresses — and replaces each with a bracketed placeholder
(``[NAME]``, ``[DATE]``…) or, with ``pseudonyms=True``, a numbered one that stays the same for
the same original within the text (``[NAME 1]`` is always Kaylee).

It deliberately keeps what researchers need: drug names (Suboxone, Subutex, Narcan, Vivitrol…),
relative time ("two weeks postpartum", "at 24 weeks"), years, states, and everyday words that
are also names ("hope", "will", "grace") unless a name context or the roster says otherwise.

Everything is rules and shipped word lists (:mod:`coding.deid._lexicon`): no model, nothing
downloaded, fully offline. Rules miss what they were not written for, so the redaction log
(:mod:`coding.deid.review`) lets a reviewer accept or reject each span and add what was
missed; measured recall and precision are in benchmarks/RESULTS.md.

>>> result = redact("My daughter Kaylee was born March 3rd at Riverside Hospital.")
>>> result.text
'My daughter [NAME] was born [DATE] at [LOCATION].'
>>> result.spans[["start", "end", "type", "original"]].values.tolist()[0]
[12, 18, 'NAME', 'Kaylee']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from coding.deid._lexicon import (
    FACILITY_WORDS,
    GIVEN_NAMES,
    KEEP_TERMS,
    LOWERCASE_WORDS,
    MONTHS,
    NAME_CUES,
    STREET_TYPES,
    TITLES,
    US_STATES,
    WORD_NAMES,
)
from coding.errors import CodingError

#: Identifier types, in the order that wins when two detections cover the same text.
TYPES = (
    "EMAIL",
    "URL",
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

_CAP = r"[A-Z][a-z'’\-]+"  # a capitalised word
_NOT_PLACES = frozenset(
    """
    god jesus christ lord english spanish bible christmas heaven church mass spanish
    america american mexico canada africa
    """.split()
)
_WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mondays fridays".split()
)


@dataclass(frozen=True)
class Span:
    """One identifier found in the original text: ``text[start:end]`` is ``original``."""

    start: int
    end: int
    type: str
    original: str


@dataclass
class Redaction:
    """The redacted text and the spans it replaced (offsets into the *original* text)."""

    text: str
    spans: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SPAN_COLUMNS))

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
            found.update(part for part in re.split(r"\s+", name) if len(part) > 1)
        return found


def redact(
    text: str,
    roster: Roster | Iterable[str] | None = None,
    *,
    pseudonyms: bool = False,
    types: Iterable[str] | None = None,
) -> Redaction:
    """Find Safe Harbor identifiers in ``text`` and replace them.

    ``roster``: a :class:`Roster` or a list of names known to the study. ``pseudonyms``:
    numbered placeholders consistent within this text (``[NAME 1]``…) instead of ``[NAME]``.
    ``types``: only these identifier types (default: all of :data:`TYPES`).

    Returns a :class:`Redaction`: ``.text`` and ``.spans`` (``start, end, type, original,
    replacement``, offsets into the original ``text``).
    """
    if not isinstance(text, str):
        raise CodingError(f"redact() takes text (str), got {type(text).__name__}")
    if roster is not None and not isinstance(roster, Roster):
        roster = Roster(tuple(roster))
    wanted = set(types) if types is not None else set(TYPES)
    if unknown := wanted - set(TYPES):
        raise CodingError(f"unknown identifier type(s) {sorted(unknown)}; known: {list(TYPES)}")
    found = [s for s in find_identifiers(text, roster) if s.type in wanted]
    return _replace(text, _resolve(found), pseudonyms)


def find_identifiers(text: str, roster: Roster | None = None) -> list[Span]:
    """Every candidate identifier span (possibly overlapping), before resolution."""
    spans: list[Span] = []
    for detector in _DETECTORS:
        spans.extend(detector(text))
    spans.extend(_names(text, roster))
    return spans


# --------------------------------------------------------------------------- resolution
def _resolve(spans: list[Span]) -> list[Span]:
    """Keep non-overlapping spans: the longer wins; on a tie, the earlier type in TYPES."""
    rank = {t: i for i, t in enumerate(TYPES)}
    ordered = sorted(spans, key=lambda s: (-(s.end - s.start), rank[s.type], s.start))
    kept: list[Span] = []
    for span in ordered:
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def _replace(text: str, spans: list[Span], pseudonyms: bool) -> Redaction:
    numbers: dict[tuple[str, str], int] = {}
    per_type: dict[str, int] = {}
    pieces, rows, cursor = [], [], 0
    for span in spans:
        if pseudonyms:
            key = (span.type, span.original.lower())
            if key not in numbers:
                per_type[span.type] = per_type.get(span.type, 0) + 1
                numbers[key] = per_type[span.type]
            replacement = f"[{span.type} {numbers[key]}]"
        else:
            replacement = f"[{span.type}]"
        pieces += [text[cursor : span.start], replacement]
        cursor = span.end
        rows.append((span.start, span.end, span.type, span.original, replacement))
    pieces.append(text[cursor:])
    return Redaction("".join(pieces), pd.DataFrame(rows, columns=SPAN_COLUMNS))


# ---------------------------------------------------------------------------- detectors
def _regex(kind: str, pattern: str, flags: int = 0, group: int | str = 0):
    compiled = re.compile(pattern, flags)

    def detect(text: str) -> list[Span]:
        return [
            Span(m.start(group), m.end(group), kind, m.group(group))
            for m in compiled.finditer(text)
            if m.group(group)
        ]

    detect.__name__ = f"detect_{kind.lower()}"
    return detect


def _phones(text: str) -> list[Span]:
    pattern = re.compile(
        r"(?<![\w-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-])"
        r"|(?<=[\s:])\d{10}(?!\d)|(?<![\w-])\d{3}[.-]\d{4}(?![\w-])"
    )
    spans = []
    for m in pattern.finditer(text):
        before = text[max(0, m.start() - 25) : m.start()].lower()
        if re.fullmatch(r"\d{3}[.-]\d{4}", m.group()) and not re.search(
            r"(call|phone|number|cell|text|reach|dial)", before
        ):
            continue  # a bare 7-digit number needs a phone cue
        if re.fullmatch(r"\d{10}", m.group()) and not re.search(
            r"(call|phone|number|cell|text|reach|dial|fax)", before
        ):
            continue
        clause = text[max(0, m.start() - 45) : m.start()].lower()
        kind = (
            "FAX"
            if re.search(r"\bfax", clause) and not re.search(r"\b(?:cell|phone)\b", before)
            else "PHONE"
        )
        spans.append(Span(m.start(), m.end(), kind, m.group()))
    return spans


def _ip_addresses(text: str) -> list[Span]:
    spans = []
    for m in re.finditer(r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{1,4}(?![\w:])", text):
        if "::" in m.group() or m.group().count(":") >= 3:
            spans.append(Span(m.start(), m.end(), "IP", m.group()))
    for m in re.finditer(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)", text):
        if all(int(part) <= 255 for part in m.group().split(".")):
            spans.append(Span(m.start(), m.end(), "IP", m.group()))
    return spans


_ID_CUES = [
    (
        "MRN",
        r"(?:mrn|mr ?#|mr number|medical record(?: number| no\.?| #)?|chart(?: number| #)"
        r"|record number)",
    ),
    (
        "ID",
        r"(?:medicaid|medicare|insurance|member|policy|plan|subscriber|beneficiary|"
        r"patient|client|case|wic|ebt|snap)(?: id| number| no\.?| #| card(?: number)?)"
        r"|\bid(?: number| no\.?| #)",
    ),
    ("ACCOUNT", r"(?:account|acct)(?: number| no\.?| #)?"),
    ("LICENSE", r"(?:driver'?s licen[cs]e|licen[cs]e|certificate|dea|npi)(?: number| no\.?| #)?"),
]


def _numbered_ids(text: str) -> list[Span]:
    """Record, plan, account and licence numbers: a cue word, then a token with digits."""
    spans = []
    for kind, cue in _ID_CUES:
        pattern = re.compile(
            rf"(?<!\w)(?:{cue})(?!\w)(?:[\s,:#]+(?:is|was|number|of|like|uh|um|it's|its|"
            rf"the|my|her)(?!\w))*[\s,:#]*"
            r"(?P<id>[A-Z0-9]*\d[A-Z0-9]*(?:[- ][A-Z0-9]*\d[A-Z0-9]*){0,3})",
            re.IGNORECASE,
        )
        for m in pattern.finditer(text):
            token = m.group("id")
            if sum(c.isdigit() for c in token) >= 4:
                spans.append(Span(m.start("id"), m.end("id"), kind, token))
    return spans


_NUMBER_CUES = (
    ("LICENSE", r"licen[cs]e|\bdl\b|dea\b|npi\b|certificate|registration"),
    ("ACCOUNT", r"account|acct|card"),
    ("MRN", r"\bmrn?\b|medical record|chart"),
    ("PLATE", r"plate|\btags?\b|\bvin\b"),
)


def _long_numbers(text: str) -> list[Span]:
    """Any other long identifying number (seven or more digits, maybe grouped, maybe with a
    letter prefix): Safe Harbor's "any other unique identifying number". Typed by the
    nearest cue word before it, else ID. Phone numbers, SSNs and dates win on overlap."""
    spans = []
    pattern = re.compile(r"(?<![\w.,/-])[A-Z]{0,3}[-.]?\d[\d .-]{5,}\d(?![\w/-]|\.\d|,\d)")
    for m in pattern.finditer(text):
        token = m.group().rstrip(" .-")
        if sum(c.isdigit() for c in token) < 7 or re.fullmatch(r"(?:19|20)\d\d(?: \d+)*", token):
            continue
        before = text[max(0, m.start() - 40) : m.start()].lower()
        kind = next((k for k, cue in _NUMBER_CUES if re.search(cue, before)), "ID")
        spans.append(Span(m.start(), m.start() + len(token), kind, token))
    return spans


def _plates(text: str) -> list[Span]:
    pattern = re.compile(
        r"\b(?:licen[cs]e )?plates?(?: number)?(?: is| was| reads|:)?\s+"
        r"(?P<plate>[A-Z0-9]{2,4}[- ]?[A-Z0-9]{2,5})\b",
        re.IGNORECASE,
    )
    spans = [
        Span(m.start("plate"), m.end("plate"), "PLATE", m.group("plate"))
        for m in pattern.finditer(text)
        if any(c.isdigit() for c in m.group("plate"))
    ]
    # Letters and digits in the shape of a plate, with a vehicle word nearby ("GHX 4471").
    for m in re.finditer(r"\b[A-Z]{2,3}[- ]?\d{3,4}\b", text):
        around = text[max(0, m.start() - 60) : m.end() + 30].lower()
        if re.search(r"\b(?:plate|tags?|car|truck|van|suv|vehicle|parked)\b", around):
            spans.append(Span(m.start(), m.end(), "PLATE", m.group()))
    return spans


_HOLIDAYS = (
    r"Christmas(?: Eve| Day)?|Thanksgiving(?: Day)?|Easter(?: Sunday)?|Halloween|"
    r"New Year'?s(?: Eve| Day)?|Valentine'?s Day|Fourth of July|4th of July|Independence Day|"
    r"Mother'?s Day|Father'?s Day|Memorial Day|Labor Day"
)


def _dates(text: str) -> list[Span]:
    """Every date element except the year: full dates, month and day, months, holidays."""
    ordinal = r"\d{1,2}(?:st|nd|rd|th)?"
    patterns = [
        r"\b\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})\b",  # 3/14/2022, 03-14-22
        r"\b\d{4}-\d{2}-\d{2}\b",  # 2022-03-14
        rf"\b(?:{MONTHS})\.?\s+{ordinal}\b(?:,?\s+\d{{4}})?",  # March 14th, 2022
        rf"\b{ordinal}\s+(?:of\s+)?(?:{MONTHS})\b(?:,?\s+\d{{4}})?",  # 14th of March
        rf"\b(?:{MONTHS})(?=\s+(?:19|20)\d{{2}}\b)",  # March (2022): the year is kept
        r"\b(?:0?[1-9]|1[0-2])[/-](?:0?[1-9]|[12]\d|3[01])\b(?![/-]|\s*(?:a|an|of|mg|"
        r"milligrams?|tabs?|pills?|strips?|doses?|cups?|minutes?|mins?|hours?|hrs?|days?|weeks?|"
        r"months?|years?|times|people|pounds|lbs|percent|%)\b)",  # 10/12, 7-15
        rf"\b(?i:{_HOLIDAYS})\b",
        r"(?<=\bthe )\d{1,2}(?:st|nd|rd|th)\b(?!\s+(?:century|time|floor|grade|week|percent|"
        r"place|birthday|day|of (?:the|my|her|his|every|each)))",
    ]
    spans = []
    for index, pattern in enumerate(patterns):
        for m in re.finditer(pattern, text):
            if index == 5 and re.fullmatch(r"\d/\d", m.group()):
                before = text[max(0, m.start() - 20) : m.start()].lower()
                if not re.search(r"\b(on|since|by|until|born|due|date|from|til)\s*$", before):
                    continue  # "1/2" alone is more often a fraction than a date
            spans.append(Span(m.start(), m.end(), "DATE", m.group().rstrip()))
    # A month on its own after a time preposition ("in March", "last May").
    lone = re.compile(
        rf"\b(?i:in|on|since|until|till|by|last|this|next|early|late|mid|around|from|of|"
        rf"through|during|before|after)\s+(?:(?:early|late|mid)[- ])?(?P<m>{MONTHS})\b(?!\s*\d)"
    )
    for m in lone.finditer(text):
        spans.append(Span(m.start("m"), m.end("m"), "DATE", m.group("m")))
    return spans


def _ages(text: str) -> list[Span]:
    """Ages over 89 (Safe Harbor keeps younger ages)."""
    old = r"(?:9\d|1[0-1]\d)"
    patterns = [
        rf"\b{old}(?=[\s-]*(?:years?|yrs?)[\s-]*old\b|\s*y/?o\b)",
        rf"(?<=\bage )\b{old}\b|(?<=\baged )\b{old}\b",
        rf"(?<=\bturned )\b{old}\b|(?<=\bturning )\b{old}\b",
        rf"(?<=\bis )\b{old}\b(?=\s*(?:now|this year|years|\.|,|$))",
        rf"(?:(?<=\bshe's )|(?<=\bhe's )|(?<=\bi'm )|(?<=\bi am )|(?<=\bwho's )|(?<=\bshe is )"
        rf"|(?<=\bhe is ))\b{old}\b(?!\s*(?:%|percent|mg|milligrams|pounds|lbs|weeks|days|"
        rf"minutes|hours|dollars|bucks))",
        r"(?:(?<=\bturned )|(?<=\bturning )|(?<=\bage )|(?<=\bis )|(?<=\bshe's )|(?<=\bhe's ))"
        r"\b(?:ninety(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|a hundred"
        r"(?: and \w+)?|one hundred(?: and \w+)?)\b",
    ]
    spans = []
    for pattern in patterns:
        for m in re.finditer(pattern, text, re.IGNORECASE):
            spans.append(Span(m.start(), m.end(), "AGE", m.group()))
    return spans


def _locations(text: str) -> list[Span]:
    """Streets, facilities, counties, ZIP codes, and towns after a place preposition."""
    spans = []
    street = re.compile(
        rf"\b\d{{1,6}}\s+(?:[NSEW]\.?\s+)?(?:{_CAP}\s+){{1,3}}(?:{STREET_TYPES})\b\.?"
        rf"|\b(?:{_CAP}\s+){{1,2}}(?:Street|Avenue|Road|Boulevard|Lane|Drive|Parkway|Highway)\b"
    )
    facility = re.compile(
        r"\b(?:(?:St\.|Saint|[A-Z][\w'’&-]*)\s+){1,4}"
        rf"(?:{'|'.join(re.escape(w) for w in FACILITY_WORDS)})\b"
    )
    county = re.compile(rf"\b(?:{_CAP}\s+){{1,2}}(?:County|Parish|Township)\b")
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
        rf"(?P<place>{_CAP}(?:\s+{_CAP}){{0,2}})(?:,\s*(?P<state>[A-Z]{{2}}\b|[A-Z][a-z]+))?"
    )
    for m in town.finditer(text):
        place = m.group("place")
        words = place.split()
        first = words[0].lower()
        if (
            place.lower() in US_STATES
            or first in ENGLISH_STOP_WORDS
            or first in KEEP_TERMS
            or first in _NOT_PLACES
            or first in _WEEKDAYS
            or re.fullmatch(MONTHS, words[0])
            or first in GIVEN_NAMES
            or first in {"i", "i'm", "im", "mom", "dad", "grandma", "rehab", "detox", "church"}
        ):
            continue
        spans.append(Span(m.start("place"), m.end("place"), "LOCATION", place))
    return spans


# -------------------------------------------------------------------------------- names
def _is_name_word(word: str) -> bool:
    lower = word.lower()
    return (
        bool(re.fullmatch(_CAP, word))
        and not re.match(r"I['’]", word)  # I'm, I'll, I've
        and lower.rstrip(".") not in TITLES
        and lower not in ENGLISH_STOP_WORDS
        and lower not in KEEP_TERMS
        and lower not in US_STATES
        and not re.fullmatch(MONTHS, word)
        and lower not in _WEEKDAYS
        and lower not in _NOT_PLACES
    )


def _extend_surname(text: str, start: int, end: int) -> int:
    """Take a following capitalised word as a surname ("Kaylee Johnson")."""
    m = re.match(rf"\s+({_CAP})\b", text[end:])
    if (
        m
        and _is_name_word(m.group(1))
        and not re.fullmatch(r"(?:Hospital|Clinic|Center|County|Street|Avenue|Road)", m.group(1))
    ):
        return end + m.end(1)
    return end


def _sentence_start(text: str, position: int) -> bool:
    """Whether ``position`` starts a sentence, a line or a speaker turn."""
    before = text[max(0, position - 20) : position]
    return bool(re.search(r"(?:^|[.!?…]\s+|\n\s*|^\s*|:\s+|[\"“(]\s*)$", before)) or position == 0


def _names(text: str, roster: Roster | None) -> list[Span]:
    spans = []
    # 1. The study's roster: whole names and their words, as whole words.
    if roster is not None:
        for name in sorted(roster.words(), key=len, reverse=True):
            word_name = name.lower() in WORD_NAMES
            flags = 0 if word_name else re.IGNORECASE
            for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, flags):
                spans.append(Span(m.start(), m.end(), "NAME", m.group()))
    # 2. A title or a kinship/role word, then a capitalised word ("my daughter Kaylee").
    cue = "|".join(sorted(NAME_CUES | set(TITLES), key=len, reverse=True))
    for m in re.finditer(
        rf"\b(?:{cue})s?\.?,?\s+(?=(?:(?:named|called|is)\s+)?(?P<name>{_CAP}))",
        text,
        re.IGNORECASE,
    ):
        word = m.group("name")
        listed = re.sub(r"['’]s$", "", word.lower())
        lowercase_name = listed in GIVEN_NAMES and listed not in WORD_NAMES
        if not (word[0].isupper() or lowercase_name) or not _is_name_word(word.capitalize()):
            continue
        end = _extend_surname(text, m.start("name"), m.end("name"))
        spans.append(Span(m.start("name"), end, "NAME", text[m.start("name") : end]))
    # 3. "my name is X", "her name's X".
    for m in re.finditer(rf"\bname(?:'s| is| was)\s+(?P<name>{_CAP})", text, re.IGNORECASE):
        if _is_name_word(m.group("name")) and m.group("name")[0].isupper():
            end = _extend_surname(text, m.start("name"), m.end("name"))
            spans.append(Span(m.start("name"), end, "NAME", text[m.start("name") : end]))
    # 4. Known given names, capitalised; a name that is also a word ("Hope", "Grace") only
    #    in the middle of a sentence, where the capital letter marks it as a name.
    for m in re.finditer(rf"\b{_CAP}\b", text):
        word = m.group()
        lower = re.sub(r"['’]s$", "", word.lower())
        if lower in WORD_NAMES and (_sentence_start(text, m.start()) or re.fullmatch(MONTHS, word)):
            continue
        if (lower in GIVEN_NAMES or lower in WORD_NAMES) and _is_name_word(word):
            end = _extend_surname(text, m.start(), m.end())
            spans.append(Span(m.start(), end, "NAME", text[m.start() : end]))
    # 5. A listed given name in lower case (typed transcripts often lose capitals), unless
    #    it is also an everyday lower-case word.
    for m in re.finditer(r"\b[a-z][a-z'’]+\b", text):
        word = re.sub(r"['’]s$", "", m.group())
        if word in GIVEN_NAMES and word not in WORD_NAMES and word not in LOWERCASE_WORDS:
            spans.append(Span(m.start(), m.start() + len(word), "NAME", word))
    # 6. Any other capitalised word in the middle of a sentence that is not an everyday,
    #    clinical or calendar word. In transcribed speech, capitals mid-sentence mark names,
    #    places and brands; brands researchers need are in KEEP_TERMS. A place word before
    #    it makes it a place.
    for m in re.finditer(rf"\b{_CAP}(?:\s+{_CAP})*\b", text):
        if _sentence_start(text, m.start()):
            continue
        words = m.group().split()
        if not all(_is_name_word(w) for w in words):
            continue
        before = text[max(0, m.start() - 12) : m.start()].lower()
        kind = (
            "LOCATION" if re.search(r"\b(?:in|from|to|near|at|outside|by)\s+$", before) else "NAME"
        )
        spans.append(Span(m.start(), m.end(), kind, m.group()))
    # Possessives: "Kaylee's" → redact "Kaylee".
    trimmed = []
    for span in spans:
        original = re.sub(r"['’]s$", "", span.original)
        trimmed.append(Span(span.start, span.start + len(original), span.type, original))
    return trimmed


_DETECTORS = (
    _long_numbers,
    _regex("EMAIL", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    _regex(
        "URL",
        r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)]"
        r"|\b[\w-]+\.(?:com|org|net|gov|edu|io|info|us)(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)])?\b",
        re.IGNORECASE,
    ),
    _ip_addresses,
    _regex(
        "SSN",
        r"\b\d{3}-\d{2}-\d{4}\b|(?<=social security number )\d{9}\b|"
        r"(?<=social security number is )[\d -]{9,11}\d|"
        r"(?<=social is )\d{3}[ -]?\d{2}[ -]?\d{4}\b|(?<=ssn is )\d{3}[ -]?\d{2}[ -]?\d{4}\b|"
        r"\b\d{3} \d{2} \d{4}\b",
        re.IGNORECASE,
    ),
    _phones,
    _numbered_ids,
    _plates,
    _dates,
    _ages,
    _locations,
)
