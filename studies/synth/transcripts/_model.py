"""What a generated interview is made of: the codes it may carry, its turns with their truth
spans, and the seeded random streams that make each interview depend only on the seed and
its own keys (so adding a participant changes no other interview).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

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
INTERVIEWER_LABEL = "INTERVIEWER"


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
