"""A tiny template grammar and the spoken-language transforms of the synthetic interviews.

Templates are plain strings with two kinds of markup:

* ``[a|b|c]`` — choose one alternative (nesting allowed; ``[a|]`` makes ``a`` optional);
* ``{slot}`` — a persona detail (the baby's name, the clinic, the medication ...), filled from
  a mapping whose values are strings or lists of strings (one is drawn per use).

A template may start with ``@flag,flag: `` to say it only fits personas that have all those
flags (e.g. ``@nows:`` for a baby treated for neonatal opioid withdrawal).

The transforms (:func:`speechify`) add what transcribed talk looks like: hesitations
("um", "uh"), discourse markers ("you know", "like", "I mean"), false starts ("I was — I
went"), and hedges at the end of a sentence. They are applied per sentence so offsets stay
simple: the caller measures spans on the transformed sentence.

>>> import random
>>> expand("[I was|I'd been] on {med} [for a while|since March]", {"med": ["methadone"]},
...        random.Random(1))
"I'd been on methadone since March"
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence

_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{([A-Za-z_0-9]+)\}")
_FLAGS = re.compile(r"^@([a-z_,]+):\s*")

SlotValues = Mapping[str, str | Sequence[str]]


def template_flags(template: str) -> tuple[frozenset[str], str]:
    """Split a template into its required persona flags and its body."""
    match = _FLAGS.match(template)
    if not match:
        return frozenset(), template
    return frozenset(match.group(1).split(",")), template[match.end() :]


def expand(template: str, slots: SlotValues, rng: random.Random) -> str:
    """Expand choices (innermost first) and slots; tidy spaces and punctuation.

    A slot missing from ``slots`` raises ``KeyError`` naming it: the banks and the persona
    must agree, and a silent blank would produce broken sentences.
    """
    _, text = template_flags(template)
    while True:
        match = _CHOICE.search(text)
        if match is None:
            break
        options = match.group(1).split("|")
        text = text[: match.start()] + rng.choice(options) + text[match.end() :]

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        value = slots[name.lower()]
        value = value if isinstance(value, str) else rng.choice(list(value))
        return value[:1].upper() + value[1:] if name[:1].isupper() else value

    # slot values may themselves hold choices/slots (e.g. "my [son|boy] {baby}")
    for _ in range(3):
        if "{" not in text and "[" not in text:
            break
        text = _SLOT.sub(fill, text)
        while (match := _CHOICE.search(text)) is not None:
            options = match.group(1).split("|")
            text = text[: match.start()] + rng.choice(options) + text[match.end() :]
    return tidy(text)


def tidy(text: str) -> str:
    """Collapse runs of spaces, remove spaces before punctuation, capitalise the start."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.?!;:])", r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    text = re.sub(r"([.?!])\s*\.", r"\1", text)
    text = re.sub(r"^,\s*", "", text)
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


OPENERS = (
    "Um, ",
    "Uh, ",
    "So ",
    "And ",
    "Like, ",
    "I mean, ",
    "Honestly, ",
    "Yeah, ",
    "Well, ",
    "Oh, ",
    "See, ",
    "But ",
    "Okay so ",
    "And like, ",
    "Um, so ",
    "Uh, honestly ",
    "I think ",
    "Man, ",
    "Right, so ",
    "Mm, ",
    "Gosh, ",
    "And honestly, ",
    "Yeah no, ",
    "So basically ",
)
MIDDLES = (
    "you know,",
    "like,",
    "I mean,",
    "um,",
    "uh,",
    "kind of",
    "sort of",
    "you know what I mean,",
    "honestly,",
    "like, literally,",
    "I guess,",
    "basically,",
    "or whatever,",
    "um, like,",
)
CLOSERS = (
    ", you know.",
    ", I guess.",
    ", or whatever.",
    ", like, at all.",
    ", if that makes sense.",
    ", you know what I mean?",
    " and stuff.",
    " and everything.",
    ", honestly.",
    ", so.",
    ", I don't know.",
    " or something.",
    ", yeah.",
    ", for real.",
)
_KEEP_CAPITAL = re.compile(r"^(I\b|I'|[A-Z][a-z]+[A-Z]|[A-Z]{2,})")


def _lower_first(sentence: str, names: frozenset[str]) -> str:
    first = sentence.split(" ", 1)[0].strip(",.;:!?")
    if _KEEP_CAPITAL.match(sentence) or first in names:
        return sentence
    return sentence[:1].lower() + sentence[1:]


def speechify(
    sentence: str, rng: random.Random, level: float = 1.0, names: frozenset[str] = frozenset()
) -> str:
    """Make one written sentence sound transcribed (hesitations, markers, false starts).

    ``level`` scales how disfluent the speaker is (0 = reads like prose, 1 = typical,
    1.5 = very). ``names`` are proper names that must keep their capital when a discourse
    marker is put before them.
    """
    if not sentence:
        return sentence
    words = sentence.split(" ")
    # false start: repeat the first one or two words with a dash, or abandon a clause
    if len(words) > 5 and rng.random() < 0.10 * level:
        k = rng.choice((1, 1, 2, 2, 3))
        head = " ".join(words[:k]).rstrip(",")
        sentence = f"{head} — {_lower_first(sentence, names)}"
        words = sentence.split(" ")
    elif len(words) > 6 and rng.random() < 0.05 * level:
        stub = rng.choice(
            (
                "I was gonna say —",
                "It's like —",
                "I don't know how —",
                "What was I —",
                "I felt — no, wait,",
                "They — well,",
                "It was — okay so",
            )
        )
        sentence = f"{stub} {_lower_first(sentence, names)}"
        words = sentence.split(" ")
    # a discourse marker inside the sentence, after a word that does not end a clause
    if len(words) > 7 and rng.random() < 0.30 * level:
        pos = rng.randint(2, len(words) - 3)
        if not words[pos - 1].endswith((",", "—", ".", "?", "!")):
            words.insert(pos, rng.choice(MIDDLES))
            sentence = " ".join(words)
    # an opener
    if rng.random() < 0.28 * level:
        sentence = rng.choice(OPENERS) + _lower_first(sentence, names)
    # a hedge at the end
    if sentence.endswith(".") and len(words) > 5 and rng.random() < 0.12 * level:
        sentence = sentence[:-1] + rng.choice(CLOSERS)
    return tidy(sentence)
