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
>>> expand("I was on {med} [for a while|since March]", {"med": ["methadone"]},
...        random.Random(1)) in {"I was on methadone for a while", "I was on methadone since March"}
True
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
    "you know, like,",
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
    ", or something like that.",
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
STUBS = (
    "I was gonna say —",
    "It's like —",
    "I don't know how —",
    "What was I —",
    "I felt — no, wait,",
    "They — well,",
    "It was — okay so",
    "The thing — the thing is,",
    "How do I say this —",
    "We were — anyway,",
)


@dataclass(frozen=True)
class Palette:
    """The fillers one speaker uses: openers, sentence-internal markers, end hedges."""

    openers: tuple[str, ...]
    middles: tuple[str, ...]
    closers: tuple[str, ...]


_INTERJECTION = re.compile(
    r"^(Oh|Yeah|Um|Uh|Well|So|Honestly|Okay|Alright|Ha|Hmm|Mm|Sorry|Anyway|But anyway|Man|"
    r"Gosh|Right|No|Yes|Wait|Hold on|Like|I mean|See)\b"
)
_KEEP_CAPITAL = re.compile(r"^(I\b|I'|[A-Z][a-z]+[A-Z]|[A-Z]{2,})")


def _lower_first(sentence: str, names: frozenset[str]) -> str:
    first = sentence.split(" ", 1)[0].strip(",.;:!?")
    if _KEEP_CAPITAL.match(sentence) or first in names:
        return sentence
    return sentence[:1].lower() + sentence[1:]


#: Words a discourse marker can go in front of without splitting a phrase.
_PHRASE_STARTS = frozenset(
    {
        "the",
        "a",
        "an",
        "to",
        "and",
        "but",
        "i",
        "it",
        "that",
        "like",
        "with",
        "about",
        "because",
        "so",
        "when",
        "my",
        "he",
        "she",
        "they",
        "we",
        "in",
        "on",
        "at",
        "for",
        "after",
        "before",
        "then",
        "there",
        "this",
        "his",
        "her",
        "their",
        "our",
        "you",
        "was",
    }
)


def speechify(
    sentence: str,
    rng: random.Random,
    level: float = 1.0,
    names: frozenset[str] = frozenset(),
    palette: Palette | None = None,
) -> str:
    """Make one written sentence sound transcribed (hesitations, markers, false starts).

    ``level`` scales how disfluent the speaker is (0 = reads like prose, 1 = typical,
    1.5 = very). ``names`` are proper names that must keep their capital when a discourse
    marker is put before them. ``palette`` is the speaker's own set of fillers (see
    :class:`Idiolect`); by default all of them.
    """
    if not sentence:
        return sentence
    palette = palette or Palette(OPENERS, MIDDLES, CLOSERS)
    words = sentence.split(" ")
    # false start: repeat the first one or two words with a dash, or abandon a clause
    if len(words) > 5 and rng.random() < 0.10 * level:
        k = rng.choice((1, 1, 2, 2, 3))
        head = " ".join(words[:k]).rstrip(",")
        sentence = f"{head} — {_lower_first(sentence, names)}"
        words = sentence.split(" ")
    elif len(words) > 6 and rng.random() < 0.05 * level:
        stub = rng.choice(STUBS)
        sentence = f"{stub} {_lower_first(sentence, names)}"
        words = sentence.split(" ")
    # a discourse marker inside the sentence, at a phrase boundary
    if len(words) > 7 and rng.random() < 0.30 * level:
        spots = [
            i
            for i in range(2, len(words) - 2)
            if words[i].lower().strip(",") in _PHRASE_STARTS
            and not words[i - 1].endswith(("—", ".", "?", "!"))
        ]
        if spots:
            pos = rng.choice(spots)
            marker = rng.choice(palette.middles)
            if not words[pos - 1].endswith(","):
                marker = marker.rstrip(",")
                words[pos - 1] += ","
            words.insert(pos, marker if marker.endswith(",") else marker + ",")
            sentence = " ".join(words)
    # an opener, unless the sentence already starts with one
    if rng.random() < 0.28 * level and not _INTERJECTION.match(sentence):
        sentence = rng.choice(palette.openers) + _lower_first(sentence, names)
    # a hedge at the end
    if sentence.endswith(".") and len(words) > 5 and rng.random() < 0.12 * level:
        sentence = sentence[:-1] + rng.choice(palette.closers)
    return tidy(sentence)


#: Words and phrases people say differently: each speaker prefers one variant (an idiolect).
#: Patterns are chosen so that every variant fits every context the pattern matches.
LEXICON: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"\ba lot of\b", ("a lot of", "a ton of", "lots of", "plenty of")),
    (r"\bscared\b", ("scared", "afraid", "terrified", "frightened")),
    (r"\bhonestly\b", ("honestly", "truthfully", "to be honest", "seriously")),
    (r"\bI think(?! about| of| so)\b", ("I think", "I feel like", "I'd say", "I believe")),
    (r"\bkids\b", ("kids", "children")),
    (r"\bexhausted\b", ("exhausted", "wiped out", "drained", "worn out")),
    (r"\b(?<=is |as |so )hard\b", ("hard", "tough", "rough", "difficult")),
    (r"\bgonna\b", ("gonna", "going to")),
    (r"\bbecause(?! of)\b", ("because", "'cause", "since")),
    (
        r"\breally(?= (?:good|bad|hard|nice|kind|scared|tired|supportive|helpful|tight|low))",
        ("really", "so", "super", "real", "pretty"),
    ),
    (r"\bevery day\b", ("every day", "every single day", "each day", "daily")),
    (r"\ball the time\b", ("all the time", "constantly", "twenty-four seven", "nonstop")),
    (r"\bright away\b", ("right away", "immediately", "right off the bat", "straight away")),
    (r"\ba few\b", ("a few", "a couple", "a handful of")),
    (r"\bpretty much\b", ("pretty much", "basically", "more or less")),
    (r"\bI don't know\b", ("I don't know", "I dunno", "I don't even know")),
    (r"\bkind of\b", ("kind of", "kinda", "sort of", "sorta")),
    (r"\bwant to\b", ("want to", "wanna")),
    (r"\bterrible\b", ("terrible", "awful", "horrible")),
    (r"\band stuff\b", ("and stuff", "and things", "and all that")),
    (r"\bokay\b", ("okay", "alright", "all right")),
    (r"\bthe nurses\b", ("the nurses", "the nursing staff", "the nurses there")),
    (r"\bthe doctor\b", ("the doctor", "the doc")),
    (r"\bfreaking out\b", ("freaking out", "panicking", "losing it")),
    (r"\bfor real\b", ("for real", "no lie", "seriously")),
    (r"\bsuper\b(?= \w)", ("super", "really", "so")),
    (r"\bthe baby\b", ("the baby", "the little one")),
    (r"\bbig\b(?= (?:deal|help|difference|thing))", ("big", "huge", "major")),
    (r"\bat first\b", ("at first", "in the beginning", "early on")),
    (r"\bthese days\b", ("these days", "nowadays", "lately")),
)
_LEXICON = tuple((re.compile(p, re.IGNORECASE), v) for p, v in LEXICON)


class Idiolect:
    """A speaker's habits: preferred variants of common words and a favourite filler.

    Built once per persona, so one mother always says "kinda" and "wiped out" while
    another says "sort of" and "exhausted" — variety across interviews, consistency within.
    """

    def __init__(self, rng: random.Random, patient: bool = True):
        self.rng = rng
        self.prefer = [rng.randrange(len(variants)) for _, variants in _LEXICON]
        self.patient = patient
        self.palette = Palette(
            tuple(rng.sample(OPENERS, 9)),
            tuple(rng.sample(MIDDLES, 6)),
            tuple(rng.sample(CLOSERS, 6)),
        )

    def apply(self, text: str) -> str:
        for (pattern, variants), preferred in zip(_LEXICON, self.prefer, strict=True):
            if not self.patient and variants[0] == "the baby":
                continue

            def swap(match: re.Match[str], variants=variants, preferred=preferred) -> str:
                pick = preferred if self.rng.random() < 0.7 else self.rng.randrange(len(variants))
                word = variants[pick]
                if match.group(0)[:1].isupper():
                    word = word[:1].upper() + word[1:]
                return word

            text = pattern.sub(swap, text)
        return text


_TRAILING_CLAUSE = re.compile(
    r"^(?P<main>[^,—]{12,}), (?P<conj>because|since|when|once|after|if|'cause) "
    r"(?P<sub>[^,—]{8,})\.$"
)
_LEADING_CLAUSE = re.compile(
    r"^(?P<conj>When|Once|After|If|Because|Since) (?P<sub>[^,—]{6,}), (?P<main>[^,—]{8,})\.$"
)


def shuffle_clauses(sentence: str, rng: random.Random, names: frozenset[str] = frozenset()) -> str:
    """Swap a main clause and its subordinate clause ("X, because Y." <-> "Because Y, X.").

    Only sentences that are exactly "main, conj sub." (or the reverse) are touched, so the
    meaning is kept; the speaker's word order just varies.

    >>> shuffle_clauses("I cried a lot, because he was so sick.", random.Random(0))
    'Because he was so sick, I cried a lot.'
    """
    match = _TRAILING_CLAUSE.match(sentence)
    if match:
        conj = "because" if match["conj"] == "'cause" else match["conj"]
        main = _lower_first(match["main"], names)
        return f"{conj.capitalize()} {match['sub']}, {main}."
    match = _LEADING_CLAUSE.match(sentence)
    if match:
        main = match["main"]
        main = main[:1].upper() + main[1:]
        return f"{main} {match['conj'].lower()} {match['sub']}."
    return sentence
