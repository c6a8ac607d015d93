"""Synthetic, double-coded interview transcripts for the demo study.

:func:`generate_interviews` writes one semi-structured interview per participant (patients
and providers), 1,500-4,000 words in speaker turns, in which the default codebook's codes
occur with role-specific prevalence, and three coding layers:

* ``consensus`` — the generator's truth: each coded segment's span (usually the sentences
  carrying the theme, sometimes the whole utterance);
* ``coder_a`` and ``coder_b`` — two simulated coders who sometimes miss a code, apply a
  neighbouring code (stigma vs provider_mistrust, parenting_support vs recovery_network …),
  add a code that is not there, or draw the span boundaries differently. Their turn-level
  Cohen's kappa per code lands mostly in 0.6-0.9, like trained human coders.

The text is composed, not templated wholesale: per code, propositions
(:mod:`studies.synth.language.patient_bank` / ``provider_bank``) with alternative surface
forms, filled with an invented persona (the baby's name, partner, towns, clinics, sometimes
a phone number or a date), made to sound spoken (:func:`~studies.synth.language.grammar.speechify`:
hesitations, "you know", false starts, run-on joins) and mixed with uncoded background
turns. The themes follow Martin et al., Subst Abus 2022;43(1):389-396 (online 2021), as
cited by the default codebook (recovery promoters and barriers after delivery for women with
OUD, as seen by them and their providers); all speech is invented.

Deterministic: the same participants, deliveries and seed give the same texts and codings;
each participant's interview depends only on the seed and her own rows.

>>> from studies.synth.transcripts import generate_interviews
>>> interviews = generate_interviews(participants, deliveries, seed=7)   # doctest: +SKIP
>>> interviews.texts["INT-P01"][:40]                                      # doctest: +SKIP
'INTERVIEWER: Okay, the recorder is on no'
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import random
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from studies.errors import StudyError
from studies.synth.language import background as bg
from studies.synth.language.details import DETAILS
from studies.synth.language.grammar import (
    OPENERS,
    Idiolect,
    expand,
    shuffle_clauses,
    speechify,
    template_flags,
)
from studies.synth.language.patient_bank import PATIENT
from studies.synth.language.provider_bank import PROVIDER

log = logging.getLogger(__name__)

#: Codes of the default codebook (themes are parents and are not applied to spans).
CODES: tuple[str, ...] = (
    "maternal_bonding",
    "parenting_support",
    "treatment_engagement",
    "recovery_network",
    "compassionate_care",
    "nows_guilt",
    "mental_health",
    "delivery_pain",
    "pain_misinformation",
    "parenting_stress",
    "stigma",
    "nows_information_gap",
    "provider_mistrust",
    "social_needs",
    "cps_barrier",
    "cps_promoter",
)
CODERS: tuple[str, ...] = ("coder_a", "coder_b")
IDENTIFIER_COLUMNS = ["transcript_id", "start", "end", "type", "text"]
INTERVIEWER_LABEL = "INTERVIEWER"
MIN_WORDS, MAX_WORDS = 1500, 4000
#: Uncoded sentences around a coded segment: mostly elaboration, sometimes an aside that
#: shares the theme's words without carrying it.
UNCODED_ASIDES = ("elaboration", "elaboration", "aside")
#: How a speaker runs two sentences together ("... the NICU, and then she ...").
JOINERS = (", and ", ", so ", " and then ", ", but ", ", and like ", " and ", ", 'cause ")

#: Codes a coder may confuse with each other (the disagreements trained coders actually have).
NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "maternal_bonding": ("parenting_support", "nows_guilt"),
    "parenting_support": ("recovery_network", "cps_promoter"),
    "treatment_engagement": ("recovery_network", "compassionate_care"),
    "recovery_network": ("parenting_support", "treatment_engagement"),
    "compassionate_care": ("treatment_engagement", "parenting_support"),
    "nows_guilt": ("nows_information_gap", "mental_health"),
    "mental_health": ("parenting_stress", "nows_guilt"),
    "delivery_pain": ("pain_misinformation",),
    "pain_misinformation": ("delivery_pain", "provider_mistrust"),
    "parenting_stress": ("mental_health", "social_needs"),
    "stigma": ("provider_mistrust", "cps_barrier"),
    "nows_information_gap": ("nows_guilt", "pain_misinformation"),
    "provider_mistrust": ("stigma", "cps_barrier"),
    "social_needs": ("parenting_stress",),
    "cps_barrier": ("provider_mistrust", "stigma"),
    "cps_promoter": ("parenting_support", "social_needs"),
}

#: Relative prevalence of each code by role (multiplied by the topic's weights).
ROLE_PREVALENCE: dict[str, dict[str, float]] = {
    "patient": {
        "maternal_bonding": 1.3,
        "parenting_support": 1.0,
        "treatment_engagement": 1.0,
        "recovery_network": 0.9,
        "compassionate_care": 0.8,
        "nows_guilt": 1.6,
        "mental_health": 1.0,
        "delivery_pain": 1.1,
        "pain_misinformation": 0.8,
        "parenting_stress": 1.2,
        "stigma": 1.0,
        "nows_information_gap": 0.8,
        "provider_mistrust": 0.9,
        "social_needs": 1.0,
        "cps_barrier": 1.0,
        "cps_promoter": 0.7,
    },
    "provider": {
        "maternal_bonding": 0.8,
        "parenting_support": 0.9,
        "treatment_engagement": 1.2,
        "recovery_network": 1.0,
        "compassionate_care": 1.5,
        "nows_guilt": 0.15,
        "mental_health": 0.8,
        "delivery_pain": 0.7,
        "pain_misinformation": 1.2,
        "parenting_stress": 0.4,
        "stigma": 1.4,
        "nows_information_gap": 1.4,
        "provider_mistrust": 0.6,
        "social_needs": 1.3,
        "cps_barrier": 1.0,
        "cps_promoter": 0.9,
    },
}

PROVIDER_TITLES = {
    "nurse": "nurse",
    "physician": "physician",
    "social_worker": "social worker",
    "peer_coach": "peer recovery coach",
    "counselor": "counselor",
}
PROVIDER_UNITS = {
    "nurse": ("the mother-baby unit", "labor and delivery", "the NICU", "postpartum"),
    "physician": ("the OB clinic", "the NICU", "the family medicine clinic", "the bridge clinic"),
    "social_worker": ("the mother-baby unit", "the NICU", "the OB clinic"),
    "peer_coach": ("the recovery program", "the OB clinic", "the hospital peer team"),
    "counselor": ("the outpatient program", "the OTP", "the women's program"),
}
PROVIDER_TRAINING = {
    "nurse": ["nursing", "maternal-child nursing", "psychiatric nursing"],
    "physician": ["family medicine", "obstetrics", "pediatrics", "addiction medicine"],
    "social_worker": ["social work", "clinical social work"],
    "peer_coach": ["my own recovery, and then peer certification", "peer support"],
    "counselor": ["counseling", "addiction counseling", "marriage and family therapy"],
}
MEMOS = (
    "Could also be {other}.",
    "Borderline; discuss at team meeting.",
    "Strong example.",
    "Whole turn is about this.",
    "Applied with {other}? check.",
    "Good quote for the report.",
    "Participant's own words, not a probe.",
    "Partly hypothetical - coded anyway.",
    "Unsure about span end.",
    "Same story as earlier turn.",
)


@dataclass
class InterviewSet:
    """Transcripts and their codings, ready to be written into a study folder.

    ``manifest``: transcript_id, participant_id, file, interview_date, interviewer.
    ``texts``: transcript_id -> full text (LF line endings, Unicode NFC).
    ``codings``: coding_id, transcript_id, coder, code_id, start, end, memo, with
    ``[start, end)`` Python string indices into the transcript text; coders ``coder_a``,
    ``coder_b`` and ``consensus``.
    ``identifiers``: the invented identifiers planted in the texts, for measuring
    de-identification: transcript_id, start, end, type (person | location | organization |
    phone | date), text. Not written into the study folder (it would defeat the exercise).
    """

    manifest: pd.DataFrame
    texts: dict[str, str]
    codings: pd.DataFrame
    identifiers: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=IDENTIFIER_COLUMNS)
    )


@dataclass
class _Persona:
    role: str
    flags: frozenset[str]
    slots: dict[str, str | list[str]]
    names: frozenset[str]
    disfluency: float
    planted: dict[str, str] = field(default_factory=dict)  # identifier text -> type


@dataclass
class _Span:
    code: str
    start: int  # offsets relative to the utterance while building, then to the text
    end: int


@dataclass
class _Turn:
    label: str
    utterance: str
    spans: list[_Span] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    topic: str = ""
    start: int = 0  # offset of the utterance in the text, set when the text is assembled

    @property
    def words(self) -> int:
        return len(self.utterance.split()) + 1


def _rng(seed: int, *keys: object) -> random.Random:
    digest = hashlib.sha256("|".join([str(seed), *map(str, keys)]).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "y", "t"}
    try:
        return bool(value) and not pd.isna(value)
    except (TypeError, ValueError):
        return bool(value)


# ---------------------------------------------------------------------------------- personas


_NUMBER_WORDS = (
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)


def _months(delivery_date: object, interview_date: object) -> str:
    """The baby's age at the interview in words ("seven"), two to twelve months."""
    try:
        days = (pd.Timestamp(interview_date) - pd.Timestamp(delivery_date)).days
    except (TypeError, ValueError):
        days = 180
    if pd.isna(days):
        days = 180
    months = min(max(round(days / 30.4), 2), 12)
    return _NUMBER_WORDS[months - 1]


def _spoken_date(value: object) -> str:
    """A delivery date as a mother would say it ("March 13th"); "that spring" if unknown."""
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError):
        return "that spring"
    if pd.isna(day):
        return "that spring"
    suffix = "th" if 11 <= day.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{day.strftime('%B')} {day.day}{suffix}"


def _patient_persona(
    delivery: pd.Series, rng: random.Random, interview_date: object = None
) -> _Persona:
    girl = rng.random() < 0.5
    baby = rng.choice(bg.BABY_NAMES_GIRL if girl else bg.BABY_NAMES_BOY)
    women = rng.sample(bg.ADULT_WOMEN, 7)
    partner = rng.choice(bg.ADULT_MEN)
    towns = rng.sample(bg.TOWNS, 2)
    clinic = rng.choice(bg.CLINICS)
    moud = str(delivery.get("moud", "none") or "none")
    meds = {
        "methadone": (
            ["methadone", "methadone", "the methadone"],
            ["the clinic", clinic, "the methadone clinic", "my clinic"],
        ),
        "buprenorphine": (
            ["Suboxone", "Subutex", "buprenorphine", "my Suboxone"],
            [clinic, "my doctor's office", "the Suboxone clinic"],
        ),
        "naltrexone": (
            ["Vivitrol", "the Vivitrol shot", "naltrexone"],
            [clinic, "the clinic", "my doctor's office"],
        ),
    }
    med, medplace = meds.get(moud, (["treatment", "my program"], [clinic, "the program"]))
    medadj = {"methadone": "methadone", "buprenorphine": "Suboxone", "naltrexone": "Vivitrol"}.get(
        moud, "addict"
    )
    kid = ["daughter", "girl", "little girl"] if girl else ["son", "boy", "little guy"]
    flags = {
        "nows" if _truthy(delivery.get("infant_nows")) else "nonows",
        "cps" if _truthy(delivery.get("cps_report")) else "nocps",
        moud,
    }
    if moud in ("methadone", "buprenorphine"):
        flags.add("daily")
    flags.add("partner" if rng.random() < 0.7 else "single")
    flags.add("kids" if rng.random() < 0.55 else "firstbaby")
    for column, flag in (
        ("housing_instability", "housing"),
        ("pmad", "pmad"),
        ("peer_recovery_coach", "peer"),
    ):
        if _truthy(delivery.get(column)):
            flags.add(flag)
    family = rng.choice(
        [
            ["my mom", "my mother"],
            ["my grandma", "my nana"],
            [f"my aunt {women[4]}", "my aunt"],
            [f"my sister {women[0]}"],
        ]
    )
    slots: dict[str, str | list[str]] = {
        "baby": baby,
        "babyref": [baby, baby, f"my {kid[0]}", f"my {kid[1]}", "my baby", "the baby"],
        "he": "she" if girl else "he",
        "him": "her" if girl else "him",
        "his": "her" if girl else "his",
        "partner": partner,
        "family": family,
        "sister": women[0],
        "nurse": women[1],
        "counselor": women[2],
        "peer": women[3] if "peer" in flags else [women[3], f"this lady {women[3]}"],
        "sponsor": women[5],
        "caseworker": [women[6], f"Ms. {women[6]}"],
        "clinic": clinic,
        "hospital": rng.choice(bg.HOSPITALS),
        "town": towns[0],
        "town2": towns[1],
        "med": med,
        "medplace": medplace,
        "medadj": medadj,
        "month": list(bg.MONTHS),
        "day": [str(d) for d in range(1, 29)],
        "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        "digits": [f"{d:02d}" for d in range(100)],
        "echo": [
            f"{baby}'s dad",
            "the NICU",
            clinic,
            "your mom",
            "the nurses",
            "your counselor",
            "the social worker",
            "your recovery",
            "going home",
            "the hospital",
        ],
        "carewho": ["the hospital", "the clinic", "the nurses", "CPS"],
        "age_months": _months(delivery.get("delivery_date"), interview_date),
        "birth_date": _spoken_date(delivery.get("delivery_date")),
    }
    slots.update({name: list(items) for name, items in DETAILS.items()})
    names = frozenset([baby, partner, *women, clinic.split()[0], *towns, "Ms."])
    planted = {
        **{name: "person" for name in (baby, partner, *women)},
        **{town: "location" for town in towns},
        clinic: "organization",
        str(slots["hospital"]): "organization",
    }
    return _Persona("patient", frozenset(flags), slots, names, rng.uniform(0.6, 1.5), planted)


def _provider_persona(ptype: str, rng: random.Random) -> _Persona:
    women = rng.sample(bg.ADULT_WOMEN, 2)
    clinic = rng.choice(bg.CLINICS)
    towns = rng.sample(bg.TOWNS, 2)
    slots: dict[str, str | list[str]] = {
        "moms": [
            "our moms",
            "these moms",
            "the mothers",
            "a lot of our patients",
            "the women we see",
            "our patients with OUD",
        ],
        "med": ["methadone", "buprenorphine", "Suboxone", "MOUD", "their medication"],
        "medadj": ["methadone", "Suboxone", "MOUD"],
        "unit": rng.choice(PROVIDER_UNITS.get(ptype, ("the unit",))),
        "ptype": PROVIDER_TITLES.get(ptype, ptype.replace("_", " ")),
        "training": PROVIDER_TRAINING.get(ptype, ["public health"]),
        "lived": "in recovery myself" if ptype == "peer_coach" else "a mom myself",
        "hospital": rng.choice(bg.HOSPITALS),
        "clinic": clinic,
        "town": towns,
        "town2": towns[1],
        "colleague": women,
        "month": list(bg.MONTHS),
        "digits": [f"{d:02d}" for d in range(100)],
        "echo": ["rooming-in", "the plan of safe care", "the scoring", "the pharmacy", clinic],
        "carewho": ["the hospital", "the system"],
    }
    slots.update({name: list(items) for name, items in DETAILS.items()})
    names = frozenset([*women, clinic.split()[0], *towns])
    planted = {
        **{name: "person" for name in women},
        **{town: "location" for town in towns},
        clinic: "organization",
        str(slots["hospital"]): "organization",
    }
    return _Persona("provider", frozenset({ptype}), slots, names, rng.uniform(0.4, 1.0), planted)


# ------------------------------------------------------------------------------ composition


def _fits(template: str, flags: frozenset[str]) -> bool:
    """A template fits a persona with all its ``@flags`` (and a partner if it names one)."""
    required, body = template_flags(template)
    return required <= flags and not ("single" in flags and "{partner" in body.lower())


class _Bank:
    """Templates of one role, filtered by persona flags; drawn without repeats per interview."""

    def __init__(self, templates: dict[str, list[str]], flags: frozenset[str], rng: random.Random):
        self.rng = rng
        self.pools: dict[str, list[str]] = {}
        for code, items in templates.items():
            fitting = [t for t in items if _fits(t, flags)]
            if fitting:
                self.pools[code] = fitting
        self.unused: dict[str, list[str]] = {}

    def has(self, code: str) -> bool:
        return code in self.pools

    def draw(self, code: str) -> str:
        if not self.unused.get(code):
            self.unused[code] = self.rng.sample(self.pools[code], len(self.pools[code]))
        return self.unused[code].pop()


class _Composer:
    """Writes one interview: the persona's turns, the truth spans, the sentence boundaries."""

    def __init__(self, participant_id: str, persona: _Persona, rng: random.Random):
        self.pid = participant_id
        self.persona = persona
        self.rng = rng
        self.role = persona.role
        self.bank = _Bank(PATIENT if self.role == "patient" else PROVIDER, persona.flags, rng)
        patient = self.role == "patient"
        self.background = bg.PATIENT_BACKGROUND if patient else bg.PROVIDER_BACKGROUND
        self.background_bank = _Bank(self.background, persona.flags, rng)
        self.idiolect = Idiolect(rng, patient)
        self.turns: list[_Turn] = []
        self.words = 0

    # -- sentences
    def say(self, template: str, spoken: bool = True) -> str:
        text = expand(template, self.persona.slots, self.rng)
        if spoken:
            text = self.idiolect.apply(text)
            if self.rng.random() < 0.4:
                text = shuffle_clauses(text, self.rng, self.persona.names)
            text = speechify(
                text,
                self.rng,
                self.persona.disfluency,
                self.persona.names,
                self.idiolect.palette,
            )
        return unicodedata.normalize("NFC", text)

    def background_sentence(self, kind: str) -> str:
        return self.say(self.background_bank.draw(kind))

    # -- turns
    def add(self, turn: _Turn) -> None:
        self.turns.append(turn)
        self.words += turn.words

    def interviewer(self, template: str, topic: str) -> None:
        self.add(_Turn(INTERVIEWER_LABEL, self.say(template, spoken=False), topic=topic))

    def participant(self, pieces: list[tuple[str, str | None]], topic: str) -> None:
        """Join sentence pieces (text, code or None) into one utterance with truth spans."""
        parts: list[str] = []
        bounds: list[tuple[int, int]] = []
        position = 0
        for index, (text, _code) in enumerate(pieces):
            if index:
                previous = parts[-1]
                if (
                    previous.endswith(".")
                    and not text.startswith(OPENERS)
                    and self.rng.random() < 0.14 * self.persona.disfluency
                ):
                    joiner = self.rng.choice(JOINERS)
                    parts[-1] = previous[:-1]
                    start, _ = bounds[-1]
                    bounds[-1] = (start, start + len(parts[-1]))
                    position = start + len(parts[-1])
                    text = _decapitalise(text, self.persona.names)
                else:
                    joiner = " "
                parts.append(joiner)
                position += len(joiner)
            parts.append(text)
            bounds.append((position, position + len(text)))
            position += len(text)
        utterance = "".join(parts)
        spans: list[_Span] = []
        codes = [code for _, code in pieces if code]
        whole = self.rng.random() < 0.15
        for code in dict.fromkeys(codes):
            idx = [i for i, (_, c) in enumerate(pieces) if c == code]
            if whole and len(set(codes)) == 1:
                spans.append(_Span(code, 0, len(utterance)))
            else:
                spans.append(_Span(code, bounds[idx[0]][0], bounds[idx[-1]][1]))
        self.add(_Turn(self.pid, utterance, spans, bounds, topic))

    def answer(self, topic: str, weights: dict[str, float], probe: bool) -> None:
        """One participant answer to a question or probe: coded or background talk."""
        rng = self.rng
        if topic == "opening":
            self.participant([(self.background_sentence("smalltalk"), None)], topic)
            return
        if not weights:
            kinds = ("demographics", "demographics", "logistics")
            n = rng.choice((1, 2, 2, 3))
            if not probe and "history" in self.background:
                # her treatment history comes up when she introduces herself
                pieces = [(self.background_sentence(rng.choice(kinds)), None) for _ in range(n)]
                pieces.insert(rng.randint(0, n), (self.background_sentence("history"), None))
                self.participant(pieces, topic)
                return
            self.participant(
                [(self.background_sentence(rng.choice(kinds)), None) for _ in range(n)], topic
            )
            return
        if rng.random() < (0.22 if probe else 0.08):
            if probe and self._yes_no_question() and rng.random() < 0.4:
                self.participant([(self.backchannel(), None)], topic)
                return
            n = rng.choice((1, 2, 2, 3))
            kinds = ("elaboration", "logistics", "aside")
            pieces = [(self.background_sentence(rng.choice(kinds)), None) for _ in range(n)]
            self.participant(pieces, topic)
            return
        codes = self._pick_codes(weights, 2 if rng.random() < 0.22 else 1)
        if not codes:
            self.participant([(self.background_sentence("elaboration"), None)], topic)
            return
        pieces: list[tuple[str, str | None]] = []
        if probe and rng.random() < 0.2:
            pieces.append((self.say(rng.choice(bg.PREFACES), spoken=False), None))
        if rng.random() < 0.15:
            pieces.append((self.background_sentence(rng.choice(UNCODED_ASIDES)), None))
        for n_code, code in enumerate(codes):
            if n_code and rng.random() < 0.3:
                pieces.append((self.background_sentence("elaboration"), None))
            count = rng.choices((1, 2, 3), weights=(0.5, 0.38, 0.12))[0]
            for _ in range(count):
                pieces.append((self.say(self.bank.draw(code)), code))
        if rng.random() < 0.25:
            pieces.append((self.background_sentence(rng.choice(UNCODED_ASIDES)), None))
        self.participant(pieces, topic)

    def _yes_no_question(self) -> bool:
        last = self.turns[-1].utterance if self.turns else ""
        return last.split(". ")[-1].startswith(("Was ", "Is ", "Has ", "Anything", "Did "))

    def backchannel(self) -> str:
        return self.say(self.rng.choice(self.background["backchannel"]), spoken=False)

    def _pick_codes(self, weights: dict[str, float], n: int) -> list[str]:
        prevalence = ROLE_PREVALENCE[self.role]
        flags = self.persona.flags
        candidates: dict[str, float] = {}
        for code, weight in weights.items():
            if not self.bank.has(code):
                continue
            factor = prevalence[code]
            if code == "nows_guilt" and "nonows" in flags:
                factor *= 0.25
            if code.startswith("cps_") and self.role == "patient" and "nocps" in flags:
                factor *= 0.25
            if code == "social_needs" and "housing" in flags:
                factor *= 1.6
            if code == "mental_health" and "pmad" in flags:
                factor *= 1.6
            if code == "recovery_network" and "peer" in flags:
                factor *= 1.5
            candidates[code] = weight * factor
        chosen: list[str] = []
        for _ in range(n):
            pool = {c: w for c, w in candidates.items() if c not in chosen and w > 0}
            if not pool:
                break
            chosen.append(self.rng.choices(list(pool), weights=list(pool.values()))[0])
        return chosen


def _decapitalise(text: str, names: frozenset[str]) -> str:
    first = re.split(r"[\s,.'—]", text, maxsplit=1)[0]
    if first in names or first in {"I", "I'm", "I've", "I'd", "I'll", "CPS", "NA", "NICU"}:
        return text
    return text[:1].lower() + text[1:]


# ------------------------------------------------------------------------------ interviews


def _interview(participant_id: str, persona: _Persona, rng: random.Random) -> list[_Turn]:
    """The sequence of turns: opening, topic questions with probes, revisits, closing.

    The interview aims at a random length of 1,700-3,000 words: topics (then revisits of
    them) continue until the target is reached, and no new question is asked past 3,100
    words. One answer is at most ~400 words and the closing ~450, so every transcript stays
    within 1,500-4,000 words.
    """
    composer = _Composer(participant_id, persona, rng)
    topics = bg.PATIENT_TOPICS if persona.role == "patient" else bg.PROVIDER_TOPICS
    patient = persona.role == "patient"
    probes = bg.PROBES if patient else bg.PROVIDER_PROBES
    intro_probes = bg.BACKGROUND_PROBES if patient else bg.PROVIDER_BACKGROUND_PROBES
    target = rng.randint(MIN_WORDS + 200, MAX_WORDS - 1000)
    limit = MAX_WORDS - 900
    composer.interviewer(rng.choice(bg.OPENING), "opening")
    composer.answer("opening", {}, probe=False)
    substantive = [topic for topic in topics if topic[2]]
    budget = target / len(topics)
    schedule = list(topics)
    for revisit in itertools.count():
        for topic, questions, weights in schedule:
            if composer.words >= min(target, limit):
                break
            question = rng.choice(questions)
            if revisit:
                question = rng.choice(bg.REVISITS) + " " + question
            composer.interviewer(question, topic)
            composer.answer(topic, weights, probe=False)
            start, n_probes = composer.words, 0
            block = budget * rng.uniform(0.5, 1.3) * (1.0 if weights else 0.4)
            while composer.words - start < block and n_probes < 4 and composer.words < limit:
                composer.interviewer(rng.choice(probes if weights else intro_probes), topic)
                composer.answer(topic, weights, probe=True)
                n_probes += 1
        if composer.words >= min(target, limit):
            break
        schedule = rng.sample(substantive, len(substantive))
    composer.interviewer(rng.choice(bg.CLOSING_Q), "closing")
    final_topic = topics[-1][2]
    composer.answer("closing", final_topic, probe=False)
    composer.interviewer(rng.choice(bg.CLOSING_THANKS), "closing")
    goodbye = composer.say(rng.choice(bg.GOODBYES), spoken=False)
    composer.participant([(goodbye, None)], "closing")
    return composer.turns


def _assemble(turns: list[_Turn]) -> str:
    """Join turns into the transcript text; set each turn's offset and make spans absolute."""
    chunks: list[str] = []
    position = 0
    for turn in turns:
        prefix = f"{turn.label}: "
        turn.start = position + len(prefix)
        chunks.append(prefix + turn.utterance)
        position += len(prefix) + len(turn.utterance) + 2  # "\n\n" between paragraphs
    return "\n\n".join(chunks) + "\n"


# ---------------------------------------------------------------------------------- coders


@dataclass(frozen=True)
class _CoderHabits:
    """How one simulated coder deviates from the truth (rates per applied code).

    ``miss``: per-code probability of not applying a code that is there (a coder is
    blind to some codes more than others); ``swap``: probability of applying a neighbouring
    code instead; ``habit``: one confusion this coder makes three times as often (e.g.
    always reading provider_mistrust as stigma); ``whole``: probability of coding the whole
    utterance instead of the sentences; ``liberal``: scales added codes.
    """

    miss: dict[str, float]
    swap: float
    habit: tuple[str, str]
    whole: float
    liberal: float


def _habits(coder: str, seed: int) -> _CoderHabits:
    rng = _rng(seed, "habits", coder)
    miss = {code: 0.07 * rng.uniform(0.5, 1.6) for code in CODES}
    source = rng.choice(CODES)
    habit = (source, rng.choice(NEIGHBOURS[source]))
    whole = 0.08 if coder == "coder_a" else 0.16
    return _CoderHabits(miss, 0.05, habit, whole, 1.0 if coder == "coder_a" else 1.4)


def _coder_spans(
    turn: _Turn, rng: random.Random, habits: _CoderHabits
) -> list[tuple[str, int, int, str]]:
    """One simulated coder's spans for a turn, derived from the truth with realistic noise."""
    out: list[tuple[str, int, int, str]] = []
    length = len(turn.utterance)
    for span in turn.spans:
        if rng.random() < habits.miss[span.code]:
            continue  # missed
        code = span.code
        memo = ""
        habitual = span.code == habits.habit[0]
        if rng.random() < habits.swap * (3 if habitual else 1):
            code = habits.habit[1] if habitual else rng.choice(NEIGHBOURS[span.code])
            if rng.random() < 0.3:
                memo = f"Could also be {span.code}."
        start, end = span.start, span.end
        b = rng.random()
        inside = [s for s in turn.sentences if s[0] >= start and s[1] <= end]
        if b < habits.whole:
            start, end = 0, length
        elif b < habits.whole + 0.12 and len(inside) > 1:
            # drop the first or the last sentence of a multi-sentence segment
            if rng.random() < 0.5:
                start, end = inside[0][0], inside[-2][1]
            else:
                start = inside[1][0]
        elif b < habits.whole + 0.22:
            before = [s for s in turn.sentences if s[1] <= start]
            after = [s for s in turn.sentences if s[0] >= end]
            if after and rng.random() < 0.5:
                end = after[0][1]
            elif before:
                start = before[-1][0]
        out.append((code, start, end, memo))
        if rng.random() < 0.025 * habits.liberal:
            out.append((rng.choice(NEIGHBOURS[span.code]), start, end, "Double-coded."))
    if (
        not turn.spans
        and len(turn.utterance.split()) > 12
        and rng.random() < 0.025 * habits.liberal
    ):
        code = rng.choice(CODES)
        out.append((code, 0, length, "Tentative."))
    return out


def _codings(transcript_id: str, turns: list[_Turn], seed: int) -> list[dict]:
    rows: list[dict] = []
    habits = {coder: _habits(coder, seed) for coder in CODERS}
    for layer in ("consensus", *CODERS):
        rng = _rng(seed, transcript_id, layer)
        counter = 0
        for turn in turns:
            if turn.label == INTERVIEWER_LABEL:
                continue
            if layer == "consensus":
                spans = [(s.code, s.start, s.end, "") for s in turn.spans]
            else:
                spans = _coder_spans(turn, rng, habits[layer])
            seen: set[tuple[str, int, int]] = set()
            for code, start, end, memo in spans:
                start, end = _trim(turn.utterance, start, end)
                if end <= start or (code, start, end) in seen:
                    continue
                seen.add((code, start, end))
                if not memo and layer != "consensus" and rng.random() < 0.04:
                    other = rng.choice(NEIGHBOURS[code])
                    memo = rng.choice(MEMOS).format(other=other)
                counter += 1
                rows.append(
                    {
                        "coding_id": f"{transcript_id}-{layer}-{counter:04d}",
                        "transcript_id": transcript_id,
                        "coder": layer,
                        "code_id": code,
                        "start": turn.start + start,
                        "end": turn.start + end,
                        "memo": memo,
                    }
                )
    return rows


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# ----------------------------------------------------------------------------------- public


#: Identifiers every interview may contain besides the persona's own names and places.
_PATTERNS = (
    (r"555-01\d\d", "phone"),
    (
        r"(?:January|February|March|April|May|June|July|August|September|October|November|"
        r"December) \d{1,2}(?:st|nd|rd|th)?\b",
        "date",
    ),
    (r"(?:Main|Fifth|Railroad|Church) Street|Route \d+|the church on Main", "location"),
)


def _identifiers(transcript_id: str, text: str, persona: _Persona) -> list[dict]:
    """Every occurrence of a planted identifier in ``text`` (longest match wins)."""
    names = sorted(persona.planted, key=len, reverse=True)
    pattern = "|".join(
        [f"(?P<p{i}>{regex})" for i, (regex, _) in enumerate(_PATTERNS)]
        + [rf"(?P<n{i}>\b{re.escape(name)}\b)" for i, name in enumerate(names)]
    )
    rows = []
    for match in re.finditer(pattern, text):
        group = match.lastgroup or ""
        index = int(group[1:])
        kind = _PATTERNS[index][1] if group[0] == "p" else persona.planted[names[index]]
        rows.append(
            {
                "transcript_id": transcript_id,
                "start": match.start(),
                "end": match.end(),
                "type": kind,
                "text": match.group(0),
            }
        )
    return rows


PARTICIPANT_COLUMNS = ("participant_id", "role", "site", "interview_date")
DELIVERY_COLUMNS = ("person_id", "delivery_date", "moud", "infant_nows", "cps_report")


def _check_columns(frame: pd.DataFrame, required: tuple[str, ...], name: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise StudyError(f"missing column(s) {', '.join(missing)}", file=name, field=missing[0])


def _delivery_for(deliveries: pd.DataFrame, person_id: str, when: pd.Timestamp) -> pd.Series | None:
    rows = deliveries[deliveries["person_id"].astype(str) == person_id]
    if rows.empty:
        return None
    dates = pd.to_datetime(rows["delivery_date"])
    before = rows[dates <= when] if pd.notna(when) else rows
    pick = before if not before.empty else rows
    return pick.loc[pd.to_datetime(pick["delivery_date"]).idxmax()]


def generate_interviews(
    participants: pd.DataFrame, deliveries: pd.DataFrame, seed: int
) -> InterviewSet:
    """Write one double-coded interview transcript per participant.

    ``participants``: participant_id, role (patient|provider), site, person_id (patients),
    provider_type (providers), interview_date. ``deliveries``: the cohort table; a patient's
    story follows her latest delivery on or before the interview (MOUD type, infant NOWS,
    CPS report, peer coach, housing instability, perinatal mood disorder).

    Returns an :class:`InterviewSet`: transcript ids are ``INT-<participant_id>``, files
    ``INT-<participant_id>.txt``; codings of ``consensus`` (the truth), ``coder_a`` and
    ``coder_b``. Raises :class:`~studies.errors.StudyError` naming the row and field when a
    participant's role is unknown or a patient has no delivery.

    >>> from studies.synth import generate_cohort
    >>> cohort = generate_cohort(1500, seed=1)                               # doctest: +SKIP
    >>> interviews = generate_interviews(cohort.participants, cohort.deliveries, seed=1)
    ... # doctest: +SKIP
    >>> interviews.codings.groupby("coder").size()                          # doctest: +SKIP
    """
    _check_columns(participants, PARTICIPANT_COLUMNS, "participants")
    _check_columns(deliveries, DELIVERY_COLUMNS, "deliveries")
    manifest_rows: list[dict] = []
    texts: dict[str, str] = {}
    coding_rows: list[dict] = []
    identifier_rows: list[dict] = []
    interviewers = ("interviewer_1", "interviewer_2", "interviewer_3")
    for row_number, (_, row) in enumerate(participants.iterrows(), start=1):
        pid = str(row["participant_id"]).strip()
        role = str(row["role"]).strip()
        rng = _rng(seed, pid)
        when = pd.to_datetime(row["interview_date"], errors="coerce")
        if role == "patient":
            person = row.get("person_id")
            if person is None or pd.isna(person) or not str(person).strip():
                raise StudyError(
                    "a patient needs a person_id",
                    file="participants",
                    row=row_number,
                    field="person_id",
                )
            delivery = _delivery_for(deliveries, str(person).strip(), when)
            if delivery is None:
                raise StudyError(
                    f"person {person} has no delivery in the deliveries table",
                    file="participants",
                    row=row_number,
                    field="person_id",
                )
            persona = _patient_persona(delivery, rng, when)
        elif role == "provider":
            ptype = row.get("provider_type")
            ptype = "nurse" if ptype is None or pd.isna(ptype) else str(ptype).strip()
            persona = _provider_persona(ptype, rng)
        else:
            raise StudyError(
                f"role must be 'patient' or 'provider', got {role!r}",
                file="participants",
                row=row_number,
                field="role",
            )
        turns = _interview(pid, persona, rng)
        text = _assemble(turns)
        transcript_id = f"INT-{pid}"
        texts[transcript_id] = text
        coding_rows.extend(_codings(transcript_id, turns, seed))
        identifier_rows.extend(_identifiers(transcript_id, text, persona))
        manifest_rows.append(
            {
                "transcript_id": transcript_id,
                "participant_id": pid,
                "file": f"{transcript_id}.txt",
                "interview_date": when.date() if pd.notna(when) else None,
                "interviewer": interviewers[rng.randrange(len(interviewers))],
            }
        )
        log.debug("interview %s: %d words", transcript_id, len(text.split()))
    manifest = pd.DataFrame(
        manifest_rows,
        columns=["transcript_id", "participant_id", "file", "interview_date", "interviewer"],
    )
    codings = pd.DataFrame(
        coding_rows,
        columns=["coding_id", "transcript_id", "coder", "code_id", "start", "end", "memo"],
    )
    codings[["start", "end"]] = codings[["start", "end"]].astype("int64")
    identifiers = pd.DataFrame(identifier_rows, columns=IDENTIFIER_COLUMNS)
    return InterviewSet(manifest, texts, codings, identifiers)
