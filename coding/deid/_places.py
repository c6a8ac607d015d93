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
    DISCOURSE_WORDS,
    FACILITY_WORDS,
    GIVEN_NAMES,
    KEEP_TERMS,
    MONTHS,
    NAME_CUES,
    NOT_NAMES_AFTER_CUE,
    NOT_PLACES,
    STATE_CODES,
    STREET_TYPES,
    TOWNS,
    US_STATES,
    WEEKDAYS,
)
from coding.deid._spans import Span

#: Upper- and lower-case letters, accented ones included ("Élodie", "Ramírez", "Nguyễn").
UPPER = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x1F00)) if c.isupper())
LOWER = "a-z" + "".join(c for c in map(chr, range(0xC0, 0x1F00)) if c.islower())
#: A capitalised word, with the surname prefixes that carry a second capital ("McArthur",
#: "O'Brien", "D'Andre") and hyphenated parts ("Mary-Kate", "Urbana-Champaign").
CAP = rf"(?:Ma?c|O['’]|D['’])?[{UPPER}][{LOWER}'’]+(?:-[{UPPER}{LOWER}][{LOWER}'’]+)*"
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


_STATE_NAMES = "|".join(sorted((s.title() for s in US_STATES), key=len, reverse=True))
_STATE_CODES = "|".join(sorted(STATE_CODES))
_TOWN_AND_STATE = re.compile(
    rf"\b(?P<town>{CAP}(?:[ \t]+{CAP}){{0,2}})"
    rf"(?:(?:,[ \t]*|[ \t]+)(?:{_STATE_NAMES})\b|,[ \t]*(?:{_STATE_CODES})\b(?![\w'’]))"
)
#: Words before a state that name a region of it, not a town ("Northwest Ohio").
_REGION_WORDS = frozenset(
    """
    north south east west northern southern eastern western central upstate downstate rural
    appalachian coastal northeast northwest southeast southwest northeastern northwestern
    southeastern southwestern middle lower upper greater metro small town in of
    """.split()
)
_LOWER_STATES = "|".join(sorted(US_STATES, key=len, reverse=True))
_LOWER_TOWN_AND_STATE = re.compile(  # typed in lower case: "in kokomo indiana"
    r"\b(?:in|from|to|near|outside(?: of)?|by)[ \t]+"
    rf"(?P<town>[a-z][a-z'’-]+(?:[ \t]+[a-z][a-z'’-]+)?),?[ \t]+(?:{_LOWER_STATES})\b"
)
_LOWER_COUNTY = re.compile(r"\b(?P<county>[a-z][a-z'’-]+)[ \t]+(?:county|parish)\b")
_ZIP_AFTER_STATE = re.compile(
    rf"(?:\b(?:{_STATE_NAMES})|\b(?:{_STATE_CODES}))[ \t]*,?[ \t]*(?P<zip>\d{{5}}(?:-\d{{4}})?)\b"
)
_ZIP_IN_ADDRESS = re.compile(r"(?<=,)[ \t]*(?P<zip>\d{5}(?:-\d{4})?)\b(?![-/.]\d)")
_LOWER_TOWN_AND_ZIP = re.compile(
    r",[ \t]*(?P<town>[a-z][a-z'’]+(?:[ \t]+[a-z][a-z'’]+)?),?[ \t]+(?P<zip>\d{5}(?:-\d{4})?)\b"
)
_HOUSE_NUMBER = re.compile(rf"\b\d{{1,6}}[ \t]+(?:[NSEW]\.?[ \t]+)?{CAP}")
_LANDMARK = re.compile(
    r"\b(?i:right by|by|across from|across the street from|next to|behind|beside|"
    r"in front of|near|past|down from|up from|close to)[ \t]+the[ \t]+"
    rf"(?P<place>(?:[A-Z]{{2,5}}|{CAP})(?:[ \t]+(?:[A-Z]{{2,5}}\b|{CAP})){{0,2}})"
)


def _not_a_town(word: str) -> bool:
    lower = word.lower()
    return (
        lower in ENGLISH_STOP_WORDS
        or lower in KEEP_TERMS
        or lower in WEEKDAYS
        or lower in DISCOURSE_WORDS
        or lower in NAME_CUES
        or lower in US_STATES
        or lower in _REGION_WORDS
        or re.fullmatch(MONTHS, word) is not None
    )


def towns_and_zip_codes(text: str) -> list[Span]:
    """A town named with its state ("Mexico, Maine", "Hutchinson, Kansas", "Bangor, ME")
    and its other mentions in the text — even a town that is also a country or a word —;
    ZIP codes after a state or after a street address and town ("77 Hillcrest Dr, Jackson,
    45640"); and a store or other place after a landmark phrase ("right by the IGA")."""
    spans, towns = [], set()
    for m in _TOWN_AND_STATE.finditer(text):
        words = m.group("town").split()
        while words and _not_a_town(words[0]):
            words = words[1:]
        if not words or any(_not_a_town(w) for w in words):
            continue
        town = " ".join(words)
        start = m.end("town") - len(town)
        spans.append(Span(start, m.end("town"), "LOCATION", town))
        towns.add(town)
    for m in _LOWER_TOWN_AND_STATE.finditer(text):
        words = m.group("town").split()
        if not any(_not_a_town(w) or w in GIVEN_NAMES or w in NOT_PLACES for w in words):
            spans.append(Span(m.start("town"), m.end("town"), "LOCATION", m.group("town")))
    for m in _LOWER_COUNTY.finditer(text):
        if not _not_a_town(m.group("county")):
            spans.append(Span(m.start(), m.end(), "LOCATION", m.group()))
    for town in towns:
        for m in re.finditer(rf"(?<![\w-]){re.escape(town)}(?![\w-])", text):
            spans.append(Span(m.start(), m.end(), "LOCATION", town))
    for m in _ZIP_AFTER_STATE.finditer(text):
        spans.append(Span(m.start("zip"), m.end("zip"), "LOCATION", m.group("zip")))
    for m in _ZIP_IN_ADDRESS.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[max(line_start, m.start() - 120) : m.start()]
        if _HOUSE_NUMBER.search(before):
            spans.append(Span(m.start("zip"), m.end("zip"), "LOCATION", m.group("zip")))
            town = re.search(rf"(?P<town>{CAP}(?:[ \t]+{CAP}){{0,2}}),$", before)
            if town:  # the town between the street and the ZIP code
                start = m.start() - len(before) + town.start("town")
                spans.append(Span(start, start + len(town.group("town")), "LOCATION",
                                  town.group("town")))  # fmt: skip
    for m in _LOWER_TOWN_AND_ZIP.finditer(text):  # "Unit 12, spokane 99202"
        line_start = text.rfind("\n", 0, m.start()) + 1
        if _HOUSE_NUMBER.search(text[max(line_start, m.start() - 120) : m.start()]) and not (
            _not_a_town(m.group("town").split()[0])
        ):
            spans.append(Span(m.start("town"), m.end("town"), "LOCATION", m.group("town")))
            spans.append(Span(m.start("zip"), m.end("zip"), "LOCATION", m.group("zip")))
    for m in _LANDMARK.finditer(text):
        words = m.group("place").split()
        first = words[0].lower()
        if (
            _not_a_town(words[0])
            or first in NOT_PLACES
            or (
                words[0].isupper()
                and first in ("er", "ed", "icu", "nicu", "picu", "or", "dmv", "atm", "tv")
            )
        ):
            continue
        spans.append(Span(m.start("place"), m.end("place"), "LOCATION", m.group("place")))
    return spans


#: Acronyms after "at"/"went to" that are agencies, units or programmes, not places.
_NOT_FACILITY_ACRONYMS = frozenset(
    """
    nicu picu icu er ed or cps dhs dcfs dss dcs dcyf dfcs dhhs hhs wic snap tanf iop php otp
    mat moud oud sud na aa ssi chip cco ihs va dmv atm ob gyn obgyn tv pt ot ama aap acog
    samhsa cdc fda dea nih usa us uk ged ssa irs hud ems ymca ywca nas nows esc ppd cvs ups
    fqhc hiv hcv std sti tpr hmo ppo ngo ceo
    """.split()
)
_ACRONYM_PLACE = re.compile(
    r"\b(?:(?i:at)|went to|go to|going to|goes to|got into|transferred to|sent me to|over at|"
    r"down at|up at|out at)[ \t]+(?P<place>[A-Z]{3,6})\b(?![-'’]\w)"
    # an acronym before "in" and a town: "BAART in St. Albans"
    r"|\b(?P<place2>[A-Z]{3,6})(?=[ \t]+in[ \t]+(?:St\.?[ \t]+)?[A-Z][a-z])"
)
_LIVE_IN = re.compile(  # "i live in opp (yes…", "on 412 Bolt Hollow Rd in coal fork and"
    r"(?:\b(?:live|lives|living|lived|moved|stay|stays|staying|grew up)[ \t]+"
    rf"(?:with[ \t]+\w+[ \t]+)?in|\b(?:{STREET_TYPES})\.?[ \t]+in)[ \t]+"
    r"(?P<place>[a-z][a-z'’]+(?:[ \t]+[a-z][a-z'’]+)?)(?=[ \t]*(?:[.,;!?(]|--|—|–|$|"
    r"[ \t]+(?:and|but|so|with|for|now|since|where|which|near|by|area|county)\b))"
)
#: Lower-case words after "live in" that are not places ("living in fear", "lived in sin").
_NOT_LOWER_PLACES = frozenset(
    """
    fear sin recovery rehab detox jail prison treatment shelter town city county state
    country poverty housing hotel motel apartment apartments trailer car tent woods camper
    denial hiding peace sober sobriety hell hope limbo survival chaos addiction grief debt
    basement attic garage projects section place house home there here it that this night
    noon midnight church court first once best most lunch dinner breakfast war peace risk
    """.split()
)


def _everyday_shape(word: str) -> bool:
    """A lower-case word that ends like a verb, adverb or abstract noun ("hiding", "really")."""
    return re.search(r"(?:.{3}(?:ing|ly|ness|ment|tion|ity)|.{2}ed)$", word) is not None
_LOWER_STREET = re.compile(  # "i live on elm st in manchester"
    r"\b(?:live|lives|living|lived|stay|stays|staying|moved|house|place|apartment)[ \t]+on[ \t]+"
    r"(?P<street>[a-z][a-z'’]+[ \t]+(?:st|street|ave|avenue|rd|road|dr|drive|ln|lane|blvd|ct|"
    r"way|pike|hwy)\b\.?)"
)
_LOWER_PLACE = re.compile(  # "in columbus for 28 days", "the library in thibodaux"
    r"\b(?:in|at|from|to|near|outside(?: of)?|around)[ \t]+"
    r"(?=(?P<place>[a-z][a-z'’-]+(?:[ \t]+[a-z][a-z'’]+)?)\b)"
)


def lower_case_places(text: str) -> list[Span]:
    """Places typed in lower case: a listed US town after a place preposition ("in kokomo",
    "at uk in lexington"), a street after "live on" ("elm st"), a facility acronym after
    "at" or "went to" ("went to DACCO")."""
    spans = []
    for m in _LOWER_PLACE.finditer(text):
        words = m.group("place").split()
        for size in (2, 1):
            candidate = " ".join(words[:size])
            if len(words) >= size and candidate in TOWNS:
                end = m.start("place") + len(candidate)
                spans.append(Span(m.start("place"), end, "LOCATION", candidate))
                break
    for m in _LOWER_STREET.finditer(text):
        street = m.group("street").rstrip(".")
        if not _not_a_town(street.split()[0]):
            spans.append(Span(m.start("street"), m.start("street") + len(street), "LOCATION",
                              street))  # fmt: skip
    for m in _LIVE_IN.finditer(text):
        words = m.group("place").split()
        if not any(_not_a_town(w) or w in _NOT_LOWER_PLACES or _everyday_shape(w) for w in words):
            spans.append(Span(m.start("place"), m.end("place"), "LOCATION", m.group("place")))
    for m in _ACRONYM_PLACE.finditer(text):
        group = "place" if m.group("place") else "place2"
        word = m.group(group).lower()  # "not at ALL", "at NIGHT": a shouted word
        if not (word in _NOT_FACILITY_ACRONYMS | KEEP_TERMS or _not_a_town(word)
                or word in NOT_NAMES_AFTER_CUE or word in _NOT_LOWER_PLACES):  # fmt: skip
            spans.append(Span(m.start(group), m.end(group), "LOCATION", m.group(group)))
    return spans


def locations(text: str) -> list[Span]:
    """Streets, facilities, counties, ZIP codes, and towns after a place preposition."""
    spans = []
    street = re.compile(
        rf"\b\d{{1,6}}[ \t]+(?:[NSEW]\.?[ \t]+)?(?:{_CAP}[ \t]+){{1,3}}(?:{STREET_TYPES})\b\.?"
        r"(?:,?[ \t]+(?:Apt|Apartment|Unit|Lot|Suite|Ste|Trailer|#)\.?[ \t]*#?[A-Z0-9-]{1,5}\b)?"
        rf"|\b(?:{_CAP}[ \t]+){{1,2}}(?:Street|Avenue|Road|Boulevard|Lane|Drive|Parkway|Highway)\b"
    )
    facility = re.compile(
        r"\b(?:(?:St\.|Saint|[A-Z][\w'’&-]*)[ \t]+){1,4}"
        rf"(?:{'|'.join(re.escape(w) for w in FACILITY_WORDS)})\b"
    )
    county = re.compile(rf"\b(?:{_CAP}[ \t]+){{1,2}}(?:County|Parish|Township)\b")
    counties = re.compile(  # "Androscoggin and Oxford counties": each name is a county
        rf"\b(?P<a>{_CAP})(?:,[ \t]*{_CAP})*,?[ \t]+(?:and|&|or)[ \t]+(?P<b>{_CAP})[ \t]+"
        r"(?:counties|parishes)\b"
    )
    county_list = re.compile(  # "Delaware, Jay, Blackford counties"
        rf"\b(?P<list>{_CAP}(?:,[ \t]*{_CAP})+),?[ \t]+(?:counties|parishes)\b"
    )
    for m in county_list.finditer(text):
        for word in re.finditer(_CAP, m.group("list")):
            start = m.start("list") + word.start()
            spans.append(Span(start, start + len(word.group()), "LOCATION", word.group()))
    lot = re.compile(
        r"(?<![Aa] )(?i:\b(?:lot|trailer|apt|apartment)(?: number| no\.?| #)?)[ \t]*#?[ \t]*"
        r"(?P<lot>\d{1,4}[A-Z]?)\b(?![ \t]*(?:mg|minutes|hours|days|weeks|months|years|am|pm))"
    )
    for m in counties.finditer(text):
        spans += [Span(m.start(g), m.end(g), "LOCATION", m.group(g)) for g in ("a", "b")]
    for m in lot.finditer(text):
        spans.append(Span(m.start("lot"), m.end("lot"), "LOCATION", m.group("lot")))
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
            or (first in _REGION_WORDS and " ".join(words[1:]).lower() in US_STATES)
        ):
            continue
        spans.append(Span(m.start("place"), m.end("place"), "LOCATION", place))
    return spans
