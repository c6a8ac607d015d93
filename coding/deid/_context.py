"""Names that only their context shows: lower-case typing, initials, word-names as subjects.

A capital letter is the strongest sign of a name, and typed answers lose it ("my cousin
jordy gave me my first pill", "dr patel, hes nice"). Here a word is a name because of the
words around it, not because of its shape or a list:

* after a possessive and a kinship or role word ("my husband rusty", "his wife sissy") or a
  title ("dr patel", "ms okafor"): a lower-case word that is no everyday word, followed by
  what follows a name (a verb — "gave", "lived" —, punctuation, a dash, the end); a listed
  given name needs no such check;
* after "my/his/her name is" ("his real name is darrell");
* after "we call him", "goes by", "this lady" ("this lady joy at the front desk"), and
  before "-- my son" or "are my twins" ("liv and hayden are my twins");
* beside "me" in a pair of people ("me and destiny met", "Mark and me split up"), where a
  word-name at the start of a sentence is a person;
* initials after a kinship word or "name is" ("my fiancé TJ", "my son A.J.").

Lower-case names found this way are carried to their other occurrences in the same text
where a name's verb follows them ("rusty was sober"), and everywhere when they are listed
given names that are no everyday word. Tested in tests/coding/deid/test_redact.py
(``test_names_from_context``).
"""

from __future__ import annotations

import re

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from coding.deid._lexicon import (
    AFTER_NAME_VERBS,
    DISCOURSE_WORDS,
    GIVEN_NAMES,
    KEEP_TERMS,
    LOWERCASE_WORDS,
    MONTHS,
    NAME_CUES,
    NOT_NAMES_AFTER_CUE,
    TITLES,
    US_STATES,
    WEEKDAYS,
    WORD_NAMES,
)
from coding.deid._places import LOWER
from coding.deid._spans import Span

_CUE = "|".join(sorted(NAME_CUES, key=len, reverse=True))
_POSSESSIVE = r"(?:my|his|her|our|their|your|ur|me and my)"
_MODIFIER = (
    r"(?:(?:ex|step|baby|little|lil|big|older|younger|oldest|youngest|late|best|twin|new|"
    r"real|other)[ -]?)?"
)
_LOWER_WORD = rf"[a-z][{LOWER}'’-]*[{LOWER}]"
_AFTER_CUE = re.compile(
    rf"(?i:\b{_POSSESSIVE}[ \t]+{_MODIFIER}(?:{_CUE})s?['’]?,?)[ \t]+(?P<name>{_LOWER_WORD})"
)
_AFTER_TITLE = re.compile(rf"(?i:\b(?:dr|mr|mrs|ms|miss)\.?)[ \t]+(?P<name>{_LOWER_WORD})")
_NAME_IS = re.compile(
    r"(?i:\b(?:my|his|her|their|your|our|[a-z]+['’]s)[ \t]+(?:real[ \t]+|first[ \t]+|last[ \t]+|"
    r"middle[ \t]+|full[ \t]+|legal[ \t]+|given[ \t]+)?name(?:['’]s|[ \t]+is|[ \t]+was))"
    rf"[ \t]+(?P<name>{_LOWER_WORD}|[A-Z][a-z'’-]+)"
)
_CALLED = re.compile(
    r"(?i:\b(?:call|calls|called|calling)[ \t]+(?:him|her|them|me)|\bgo(?:es|ing)?[ \t]+by"
    r"|\b(?:this|that|a)[ \t]+(?:lady|guy|girl|woman|man|dude|gal|chick))"
    rf"[ \t]+(?P<name>{_LOWER_WORD})"
)
_APPOSITION = re.compile(  # "will -- my son", "liv and hayden are my twins"
    rf"\b(?P<name>{_LOWER_WORD})(?:[ \t]+and[ \t]+(?P<other>{_LOWER_WORD}))?[ \t]*"
    rf"(?:,|--|—|–|(?<=\w)[ \t]+(?:is|was|are|were))[ \t]*(?i:my|her|his|our|their)[ \t]+"
    rf"(?:\w+[ \t]+)?(?i:{_CUE})s?\b"
)
_INTRODUCED = re.compile(  # "this is ma'kayla from the study", "my new worker is chloé landry"
    rf"(?i:\b(?:hey|hi|hello)\b[^.!?\n]{{0,40}}?\bthis[ \t]+is|\b{_POSSESSIVE}[ \t]+{_MODIFIER}"
    rf"(?:{_CUE})s?[ \t]+(?:is|was))[ \t]+(?P<name>{_LOWER_WORD})"
    rf"(?:[ \t]+(?P<surname>{_LOWER_WORD}))?"
)
_NUMBER = re.compile(
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred)(?:-\w+)?"
)
_PRONOUN_BEFORE = re.compile(r"(?i:\b(?:i|you|u|he|she|we|they|it|who|that|which))[ \t]*$")
_ME_AND = re.compile(r"(?i:\bme[ \t]+and)[ \t]+(?P<name>[A-Za-z][a-z'’-]*[a-z])")
_AND_ME = re.compile(r"\b(?P<name>[A-Za-z][a-z'’-]*[a-z])[ \t]+and[ \t]+(?:me|I)\b(?!['’])")
_INITIALS = re.compile(
    rf"(?i:\b(?:(?:{_CUE})s?,?|name(?:['’]s|[ \t]+is|[ \t]+was)))[ \t]+"
    r"(?P<name>[A-Z]{2,3}|(?:[A-Z]\.){2,3})(?![\w])"
)
_CREDENTIALS = frozenset(
    "rn lpn np pa md do cna crna phd msw lcsw lpc lmft cadc ceo ok ii iii jr sr".split()
)


def _everyday(word: str, morphology: bool = True) -> bool:
    """Whether a lower-case word is an everyday word rather than a name after a cue; with
    ``morphology``, also a word that ends like a verb or an adverb ("cried", "sleeps",
    "really") — not after a title, where a surname is expected ("mr. hollins")."""
    return (
        word in ENGLISH_STOP_WORDS
        or word in NOT_NAMES_AFTER_CUE
        or word in NAME_CUES
        or word.rstrip("s") in NAME_CUES
        or word.rstrip(".") in TITLES
        or word in KEEP_TERMS
        or word in DISCOURSE_WORDS
        or word in WEEKDAYS
        or word in US_STATES
        or re.fullmatch(MONTHS, word.capitalize()) is not None
        or len(word) < 2
        or (
            morphology
            and re.search(r"(?:.{3}(?:ing|ly|ness|ment|tion)|.{2}(?:ed|[^s]s))$", word) is not None
        )
    )


def _name_follows(text: str, end: int, punctuation: bool = True) -> bool:
    """Whether what follows ``end`` is what follows a name: punctuation, a dash, the end of
    the text (unless ``punctuation`` is false), a possessive, or a verb that starts a clause
    ("gave", "lived", "said")."""
    after = text[end : end + 30]
    if re.match(r"['’]s\b", after) or (
        punctuation and re.match(r"\s*(?:[,;.!?:)\]]|--|—|–|$)", after)
    ):
        return True
    m = re.match(r"[ \t]+([a-z']+)", after.lower())
    return bool(m) and (m.group(1) in AFTER_NAME_VERBS or re.fullmatch(r"\w{2,}ed", m.group(1)))


def _listed(word: str) -> bool:
    return word in GIVEN_NAMES or word in WORD_NAMES or word in LOWERCASE_WORDS


def context_names(text: str) -> list[Span]:
    """Names shown by their context only (see the module docstring)."""
    spans: list[Span] = []
    for pattern in (_AFTER_CUE, _AFTER_TITLE, _NAME_IS):
        for m in pattern.finditer(text):
            word = re.sub(r"['’]s$", "", m.group("name"))
            lower = word.lower()
            if word[0].isupper():
                # Capitalised: "name is Will" — a word-name the stop-word list would drop.
                if pattern is _NAME_IS and lower in WORD_NAMES:
                    spans.append(Span(m.start("name"), m.start("name") + len(word), "NAME", word))
                continue
            if _everyday(lower, morphology=pattern is not _AFTER_TITLE):
                continue
            # After a title or "my name is" a surname or a given name is expected: no verb
            # needs to follow ("mr. hollins and hes", "my name is kayleigh but").
            if pattern is not _AFTER_CUE or _listed(lower) or _name_follows(
                text, m.start("name") + len(word)
            ):
                spans.append(Span(m.start("name"), m.start("name") + len(word), "NAME", word))
    for m in _INTRODUCED.finditer(text):
        word, surname = m.group("name"), m.group("surname")
        listed_word = word not in GIVEN_NAMES and _listed(word)
        if _everyday(word) or listed_word or _NUMBER.fullmatch(word):
            continue
        end = m.end("name")
        if surname and not _everyday(surname) and not _listed(surname):
            end = m.end("surname")  # "chloé landry"
        if surname is None or end == m.end("surname") or _name_follows(text, end):
            spans.append(Span(m.start("name"), end, "NAME", text[m.start("name") : end]))
        elif surname in ("from", "and", "but", "here", "again", "with"):
            spans.append(Span(m.start("name"), end, "NAME", word))
    for m in _CALLED.finditer(text):  # "we call him will": a word-name is a name here
        word = m.group("name")
        if _listed(word) or (not _everyday(word) and _name_follows(text, m.end("name"))):
            spans.append(Span(m.start("name"), m.end("name"), "NAME", word))
    for m in _APPOSITION.finditer(text):
        # A pair is two names when neither is an everyday word and one is a listed name.
        pair = (
            m.group("other") is not None
            and not any(_everyday(m.group(g)) for g in ("name", "other"))
            and any(_listed(m.group(g)) for g in ("name", "other"))
        )
        for group in ("name", "other"):
            word = m.group(group)
            if not word or word in ENGLISH_STOP_WORDS - WORD_NAMES:
                continue
            if word in ENGLISH_STOP_WORDS and _PRONOUN_BEFORE.search(text[: m.start(group)]):
                continue  # "i will -- my mom says": the verb
            if _listed(word) or (pair and not _everyday(word)):
                spans.append(Span(m.start(group), m.end(group), "NAME", word))
    for pattern in (_ME_AND, _AND_ME):
        for m in pattern.finditer(text):
            word = re.sub(r"['’]s$", "", m.group("name"))
            lower = word.lower()
            if (
                lower in ENGLISH_STOP_WORDS - WORD_NAMES
                or lower in NAME_CUES
                or lower in (KEEP_TERMS | DISCOURSE_WORDS | NOT_NAMES_AFTER_CUE)
            ):
                continue
            capitalised = word[0].isupper() and (lower in GIVEN_NAMES or lower in WORD_NAMES)
            lower_listed = word.islower() and _listed(lower)
            if pattern is _ME_AND and not _name_follows(text, m.end("name")):
                continue
            if capitalised or lower_listed:
                spans.append(Span(m.start("name"), m.start("name") + len(word), "NAME", word))
    for m in _INITIALS.finditer(text):
        word = m.group("name")
        if word.replace(".", "").lower() not in KEEP_TERMS | _CREDENTIALS:
            spans.append(Span(m.start("name"), m.end("name"), "NAME", word))
    return spans + _carried(text, spans)


def _carried(text: str, spans: list[Span]) -> list[Span]:
    """Other occurrences of lower-case names and initials found in context ("rusty" only
    where a name's verb follows it: it is also a word)."""
    found = []
    for original in {s.original for s in spans if s.original.islower() or s.original.isupper()}:
        lower = original.lower()
        careful = original.islower() and not (
            lower in GIVEN_NAMES and lower not in LOWERCASE_WORDS | WORD_NAMES
        )
        for m in re.finditer(rf"(?<![\w-]){re.escape(original)}(?![\w-])", text):
            if careful and not _name_follows(text, m.end(), punctuation=False):
                continue
            found.append(Span(m.start(), m.end(), "NAME", original))
    return found
