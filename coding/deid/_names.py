"""Names of people: from the study's roster, from context, from the name lists.

Rules, in order: the roster's names and their words; a title or a kinship/role word before a
capitalised word ("my daughter Kaylee", "Dr. Patel"); "my name is X"; a listed given name
(capitalised, or in lower case when it is not also a common word); any other capitalised
word in the middle of a sentence that is not an everyday, clinical, calendar or discourse
word. Finally :func:`propagate`: a name found once in a text is a name wherever else the same
capitalised string occurs in it (the sentence-initial "Wade threw out his shoulder" after
"my husband Wade") — the document-level consistency step of de-identification systems
(e.g. Philter, Norgeot et al. 2020), which also keeps one person under one pseudonym.

Tested in tests/coding/deid/test_redact.py.
"""

from __future__ import annotations

import re

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from coding.deid._context import context_names
from coding.deid._lexicon import (
    DISCOURSE_WORDS,
    GIVEN_NAMES,
    KEEP_TERMS,
    LOWERCASE_WORDS,
    MONTHS,
    NAME_CUES,
    NATIONS,
    NOT_PLACES,
    TITLES,
    US_STATES,
    WEEKDAYS,
    WORD_NAMES,
)
from coding.deid._places import CAP as _CAP
from coding.deid._spans import Roster, Span

_REGIONS = frozenset(
    """north south east west northern southern eastern western central upstate downstate
    northeast northwest southeast southwest northeastern northwestern southeastern
    southwestern""".split()
)
_CONTRACTION = re.compile(r".+['’](?:re|ll|ve|d|m|t)$", re.IGNORECASE)


def _is_name_word(word: str) -> bool:
    lower = word.lower()
    return (
        bool(re.fullmatch(_CAP, word))
        and not (word.endswith("-") and len(word) <= 3)  # "F-150", "P-017": a prefix
        and not re.match(r"I['’]", word)  # I'm, I'll, I've
        and lower.rstrip(".") not in TITLES
        and lower not in ENGLISH_STOP_WORDS
        and lower not in KEEP_TERMS
        and lower not in US_STATES
        and not re.fullmatch(MONTHS, word)
        and lower not in WEEKDAYS
        and lower not in NOT_PLACES
        and lower not in NATIONS
        and lower not in DISCOURSE_WORDS
        and not _CONTRACTION.fullmatch(word)  # We're, They'll, Didn't
    )


def _extend_surname(text: str, start: int, end: int) -> int:
    """Take a following capitalised word as a surname ("Kaylee Johnson")."""
    m = re.match(rf"[ \t]+({_CAP})\b", text[end:])
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


def _kind_before(text: str, start: int) -> str:
    """LOCATION after a place preposition ("in", "from", "at"…), else NAME."""
    before = text[max(0, start - 12) : start].lower()
    return "LOCATION" if re.search(r"\b(?:in|from|to|near|at|outside|by)\s+$", before) else "NAME"


_CUE = "|".join(sorted(NAME_CUES, key=len, reverse=True))
_PERSON_CLAUSES = (
    re.compile(
        rf"\b(?P<name>{_CAP})[ \t]*(?:,|--|—|–)?[ \t]*(?:is|was|that's|thats|that is|she's|he's|"
        rf"who's|who is)[ \t]+(?:my|her|his|our|their|the)[ \t]+(?:\w+[ \t]+)?(?:{_CUE})s?\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\b(?P<name>{_CAP})['’]s[ \t]+(?:{_CUE})\b", re.IGNORECASE),
    re.compile(
        rf"(?:^|(?<=[.!?]\s))(?P<name>{_CAP})(?=[ \t]+(?P<surname>{_CAP})[.,!?;])", re.MULTILINE
    ),
)


_ALONE = re.compile(
    rf"(?:^|(?<=[.!?:\]—–-])[ \t]*|(?<=\n))[ \t]*(?P<name>{_CAP})[.?!][ \t]+"
    r"(?:(?P<pronoun>(?:He|She)(?:['’]s|[ \t]+(?:is|was|has|had|lives|works))\b|That['’]s "
    r"(?:his|her) name)|(?:Yeah|Yes|Oh|Um|Uh|Mm)\b)",
    re.MULTILINE,
)


def names(text: str, roster: Roster | None) -> list[Span]:
    spans = []
    # 1. The study's roster: whole names and their words, as whole words.
    if roster is not None:
        for name in sorted(roster.words(), key=len, reverse=True):
            word_name = name.lower() in WORD_NAMES
            flags = 0 if word_name else re.IGNORECASE
            for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, flags):
                spans.append(Span(m.start(), m.end(), "NAME", m.group()))
    # 2. A title or a kinship/role word, then a capitalised word ("my daughter Kaylee").
    # A full stop only after a title ("Dr. Patel"): "my doctors. Uh," crosses a sentence.
    cue = "|".join(sorted(NAME_CUES, key=len, reverse=True))
    title = "|".join(sorted(TITLES, key=len, reverse=True))
    for m in re.finditer(
        rf"\b(?:(?:{cue})s?,?|(?:{title})\.?,?)[ \t]+"
        rf"(?=(?:(?:named|called|is)[ \t]+)?(?P<name>{_CAP}))",
        text,
        re.IGNORECASE,
    ):
        word = m.group("name")
        if word.isupper() and len(word) > 1:
            continue  # "INTERVIEWER", "NICU": capitals are labels and acronyms
        listed = re.sub(r"['’]s$", "", word.lower())
        after = text[m.start("name") + len(word) : m.start("name") + len(word) + 3]
        lowercase_name = (listed in GIVEN_NAMES and listed not in WORD_NAMES) or (
            listed in WORD_NAMES and re.match(r"\s*(?:[,;.!?]|--|—)", after) is not None
        )  # "my cousin faith, not like faith faith"
        if not (word[0].isupper() or lowercase_name):
            continue
        if not _is_name_word(word.capitalize()) and not (
            word[0].isupper() and listed in WORD_NAMES  # "my boyfriend Bill": a stop word
        ):
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
    #    it makes it a place. A run of capitalised words is cut at every word that is not a
    #    name word and at a sentence start ("After Tucker was born" → "Tucker").
    for m in re.finditer(rf"\b{_CAP}(?:[ \t]+{_CAP})*\b", text):
        run: list[re.Match] = []
        words = list(re.finditer(_CAP, m.group()))
        states = {  # "West Virginia", "New York": a state is not a name
            i + k
            for i in range(len(words) - 1)
            if f"{words[i].group()} {words[i + 1].group()}".lower() in US_STATES
            for k in (0, 1)
        }
        states |= {  # "Eastern Kentucky", "Upstate New York": a region of a state
            i
            for i in range(len(words) - 1)
            if words[i].group().lower() in _REGIONS
            and (i + 1 in states or words[i + 1].group().lower() in US_STATES)
        }
        for index, word in enumerate([*words, None]):
            usable = word is not None and index not in states and _is_name_word(word.group())
            if usable and not run and _sentence_start(text, m.start() + word.start()):
                usable = False
            if usable:
                run.append(word)
                continue
            if run:
                start, end = m.start() + run[0].start(), m.start() + run[-1].end()
                spans.append(Span(start, end, _kind_before(text, start), text[start:end]))
            run = []
    # 7. A capitalised word that a clause says is a person, wherever it stands: "Grace is my
    #    sponsor", "Will -- that's my brother", "Joy's husband", "Ruby Estep." (a word-name
    #    and a surname). This is where a word-name at a sentence start is a name.
    for pattern in _PERSON_CLAUSES:
        for m in pattern.finditer(text):
            word = m.group("name")
            surname = m.groupdict().get("surname")
            if surname is not None and not _is_name_word(surname):
                continue
            listed = word.lower() in WORD_NAMES and word[0].isupper()  # "Will", "Heaven"
            if (listed or _is_name_word(word)) and word.lower() not in NAME_CUES:
                spans.append(Span(m.start("name"), m.end("name"), "NAME", word))
    # 8. Names only their context shows: lower-case typing, initials, "me and destiny".
    spans.extend(context_names(text))
    # 9. A name given alone as an answer: a one-word sentence followed by "He's…", "She…",
    #    "That's his name", or answering a question about a person ("And the baby's dad?" —
    #    "Will? Yeah."). Word-names count here: the turn is the name.
    for m in _ALONE.finditer(text):
        word = m.group("name")
        lower = word.lower()
        if lower in NAME_CUES or not (_is_name_word(word) or lower in WORD_NAMES):
            continue
        before = text[max(0, m.start() - 160) : m.start()]
        asked = re.search(
            rf"(?i:\b(?:{_CUE}|partner|who|name)\b)[^\n]*\?\s*\n[^\n]*$", before
        )
        if m.group("pronoun") or asked:
            spans.append(Span(m.start("name"), m.end("name"), "NAME", word))
    # Possessives: "Kaylee's" → redact "Kaylee".
    trimmed = []
    for span in spans:
        original = re.sub(r"['’]s$", "", span.original)
        trimmed.append(Span(span.start, span.start + len(original), span.type, original))
    return trimmed


#: Word-names too common as the first word of a sentence to be carried there ("Will you…",
#: "May I…", "Frank talk"); every other name found in a text is carried, "Summer" and
#: "Tucker" included: a reviewer rejects a wrong one in a second, a missed name leaks.
_NOT_CARRIED = frozenset(
    """
    will may mark bill frank chase art pat sue rich major king justice august june april jan
    lee kay christian angel royal prince cash miracle genesis journey patience charity
    """.split()
)


def propagate(text: str, spans: list[Span]) -> list[Span]:
    """Other occurrences of each capitalised name or place already found in ``text``.

    Only exact, capitalised strings are carried (so "Hope" the name never makes "hope" the
    word a name), never an everyday word alone, nor the word-names in :data:`_NOT_CARRIED`:
    a name found in a name context is a name at a sentence start too, where rule 6 cannot
    see it ("Tucker was born at 38 weeks" after "my son Tucker").
    """
    seen = {
        s.original
        for s in spans
        if s.type in ("NAME", "LOCATION")
        and re.fullmatch(rf"{_CAP}(?:\s+{_CAP}){{0,3}}", s.original)
        and not (
            " " not in s.original
            and (
                s.original.lower() in _NOT_CARRIED
                or not (s.original.lower() in WORD_NAMES or _is_name_word(s.original))
            )
        )
    }
    kinds = {s.original: s.type for s in spans if s.original in seen}
    # The given name of a full name found in context is carried on its own too ("Paisley
    # was almost six pounds" after "my baby was Paisley Dawn").
    for full in [o for o in seen if " " in o and kinds[o] == "NAME"]:
        first = full.split()[0]
        if first.lower() not in _NOT_CARRIED and (
            first.lower() in GIVEN_NAMES or first.lower() in WORD_NAMES
        ):
            seen.add(first)
            kinds.setdefault(first, "NAME")
    found = []
    for original in sorted(seen, key=len, reverse=True):
        for m in re.finditer(rf"(?<![\w-]){re.escape(original)}(?![\w-])", text):
            found.append(Span(m.start(), m.end(), kinds[original], original))
    return found
