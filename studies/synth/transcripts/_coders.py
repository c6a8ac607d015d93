"""Simulated coders: two coding layers derived from the truth with the noise trained coders show.

Each coder misses some codes, confuses neighbouring codes (one confusion habitually), draws
span boundaries differently and now and then adds a code that is not there; the
``consensus`` layer is the truth itself.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from studies.synth.transcripts._model import CODERS, CODES, INTERVIEWER_LABEL, _rng, _Turn

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
