"""Composing one interview: questions, probes and answers in speaker turns, with truth spans.

A participant's answer joins sentences drawn from the role's proposition bank (coded) and
background talk (uncoded), made to sound spoken; the sentences carrying a code become its
truth span. The interview runs topic by topic until a random target length is reached.
"""

from __future__ import annotations

import itertools
import random
import re
import unicodedata

from studies.synth.language import background as bg
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
from studies.synth.transcripts._model import INTERVIEWER_LABEL, _Span, _Turn
from studies.synth.transcripts._personas import _Persona

MIN_WORDS, MAX_WORDS = 1500, 4000
#: Uncoded sentences around a coded segment: mostly elaboration, sometimes an aside that
#: shares the theme's words without carrying it.
UNCODED_ASIDES = ("elaboration", "elaboration", "aside")
#: How a speaker runs two sentences together ("... the NICU, and then she ...").
JOINERS = (", and ", ", so ", " and then ", ", but ", ", and like ", " and ", ", 'cause ")

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
