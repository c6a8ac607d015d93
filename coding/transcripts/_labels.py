"""Speaker labels: the default label patterns and the rules that decide a label is credible.

What transcription services write at the start of a speaker's turn (tested on the real files of
``tests/fixtures/realworld/transcripts``, see ``tests/coding/transcripts/test_realworld.py``):

- ``[00:01:02] Name: …`` — a bracketed timestamp then a name (TranscribeMe, many typists);
- ``[Jane Doe] 10:02:33`` alone on a line (Zoom's saved chat-style transcript);
- ``Jane Doe  00:01:02`` alone on a line (Otter.ai, Microsoft Teams .docx);
- ``0:0:1.230 --> 0:0:5.200`` then ``Jane Doe`` on the next line (older Microsoft Teams and
  Stream .docx and .txt transcripts);
- ``@0:25 - Jane Doe`` alone on a line (Google Meet / note-taker exports);
- ``Speaker 1 (00:01): …``, ``Lex Fridman: 00:12 …``, ``Speaker 1: (00:05)`` — Rev;
- ``**Jane** [0:18] …`` or ``**Jane:** …`` — Markdown bold names (podcast sites, Rev to Markdown);
- ``[id1] …`` — a bracketed label on the line of the words (QDA example files);
- ``00:00:03 <v Jane Doe>…`` — WebVTT voice tags in a text export (Talk Python's transcripts);
- ``### Interviewer`` — a Markdown heading per turn; ``01:27:42<TAB>Name:<TAB>…`` — Zoom's
  saved chat; ``0:00:14.3 **Name** …`` — podcast transcripts;
- ``Name: …`` with names of up to four words: accents (``Zoë Ödegaard``), particles
  (``Maria de la Cruz``), device names (``Kelly's iPhone``), ids (``P07``, ``MS-01-AB``), and an
  optional note in brackets — pronouns (``Sam (they/them):``), a role (``Ashlee (SL):``) — which
  goes into the turn's metadata as ``note`` rather than into the name.

A pattern match is only a *candidate*: :func:`label_credibility` rejects a sentence that happens
to start with a few words and a colon (``So here's the thing: …``) and asks for labels that are
easily confused with text — lower-case labels (``interviewer:``), Markdown bold words and
bracketed words — to be used at least twice before they count (a one-off ``**Note**`` or
``[laughs]`` is text, not a speaker).
"""

from __future__ import annotations

import re

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_FIRST = r"(?:[^\W\d_][\w.'’-]*|\d[\w.'’-]*[^\W\d_][\w.'’-]*)"
_NEXT = r"(?:[^\W_][\w.'’-]*|\(\d+\)|&)"
NAME = rf"{_FIRST}(?:[ ]{_NEXT}){{0,5}}"
"""A speaker name of one to four words, or up to six joined by ``&`` (checked further by
:func:`label_credibility`)."""
_NOTE = r"\((?P<note>[^()\n:]{1,40})\)"

_SPEAKER_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "bracketed time",
        rf"\[(?P<time>{_TIME}(?:[.,]\d+)?)\][ \t]*"
        r"(?P<speaker>[^\s:\[\]][^:\n\[\]]{0,39}?)[ \t]*:[ \t]*",
    ),
    ("zoom saved", rf"\[(?P<speaker>[^\]\n:]{{1,40}})\][ \t]+(?P<time>{_TIME})[ \t]*(?=\n|\Z)"),
    ("zoom chat", rf"(?P<time>{_TIME})\t(?P<speaker>{NAME}):[ \t]*"),
    (
        "timing then name",
        r"(?P<time>\d{1,2}:\d{1,2}:\d{1,2}(?:[.,]\d+)?)[ \t]+-->[ \t]+\S+[ \t]*\n(?:[ \t]*\n)?"
        rf"(?P<speaker>{NAME})[ \t]*(?=\n|\Z)",
    ),
    (
        "voice tag",
        rf"(?:(?P<time>{_TIME})(?:\.\d+)?[ \t]+)?"
        r"<v(?:\.[\w.-]+)*[ \t]+(?P<speaker>[^>\n]{1,60})>[ \t]*",
    ),
    (
        "name then time",
        rf"(?P<speaker>{NAME})(?:[ \t]+{_NOTE})?[ \t]+(?P<time>{_TIME})[ \t]*(?=\n|\Z)",
    ),
    (
        "time dash name",
        rf"@?(?P<time>{_TIME})[ \t]+[-–][ \t]+(?P<speaker>{NAME})(?:[ \t]+{_NOTE})?[ \t]*(?=\n|\Z)",
    ),
    ("rev", rf"(?P<speaker>{NAME})(?:[ \t]*{_NOTE})?[ \t]*\((?P<time>{_TIME})\)[ \t]*:[ \t]*"),
    (
        "bold",
        rf"(?:(?P<time>{_TIME})(?:\.\d+)?[ \t]+)?\*\*\(?(?P<speaker>{NAME})\)?:?\*\*[ \t]*"
        rf"(?:\[(?P<bracketed>{_TIME})\])?[ \t]*:?[ \t]*",
    ),
    ("bracketed label", r"\[(?P<speaker>[^\]\n:\d][^\]\n:]{0,29})\][ \t]+(?=\S)"),
    ("heading", rf"\#{{1,6}}[ \t]+(?P<speaker>{NAME})[ \t]*:?[ \t]*(?=\n|\Z)"),
    (
        "name colon",
        rf"(?P<speaker>{NAME})(?:[ \t]*{_NOTE})?[ \t]*:[ \t]*"
        rf"(?:\((?P<bracketed>{_TIME})\)[ \t]*(?:\n|$)"
        rf"|(?P<time>{_TIME})(?:[ \t]+|[ \t]*(?:\n|$)))?",
    ),
)
DEFAULT_SPEAKER_PATTERNS: tuple[str, ...] = tuple(pattern for _, pattern in _SPEAKER_PATTERNS)
"""Speaker-label regular expressions tried at the start of each line (first match wins)."""
PATTERN_KINDS: tuple[str, ...] = tuple(kind for kind, _ in _SPEAKER_PATTERNS)
"""What each default pattern recognises, in the same order."""

# Patterns whose matches are also ordinary text often enough that a label must recur.
_RECURRING = {"bold", "bracketed label", "heading"}
_BRACKETED = {"bracketed time", "zoom saved", "bracketed label", "voice tag"}
_PARTICLES = {
    "al", "bin", "da", "das", "de", "del", "della", "den", "der", "des", "di", "do", "dos", "du",
    "el", "la", "le", "van", "von", "y", "zu",
}  # fmt: skip
_DEVICE = re.compile(r"^i[A-Z]\w*$")  # iPhone, iPad, iMac
_NOT_SPEAKERS = {
    "applause", "background noise", "beep", "break", "coughs", "crosstalk", "end", "inaudible",
    "indiscernible", "laughing", "laughs", "laughter", "music", "noise", "overlapping",
    "overtalk", "pause", "phone rings", "sighs", "silence", "unclear", "unintelligible",
    "note", "notes", "example", "source", "summary", "keywords", "speakers", "http", "https",
    "transcribed by", "ps", "nb", "re", "subject", "date", "time", "title", "edit", "update",
    # annotations that meeting note-takers (Fathom, Otter, Meet) put between utterances
    "action item", "action items", "positive reaction", "negative reaction", "next steps",
    "next step", "follow up", "follow-up", "key takeaway", "takeaway", "highlight", "chapter",
    "topic", "agenda", "decision", "outline", "fin",
}  # fmt: skip


def label_credibility(speaker: str, pattern_index: int | None) -> str:
    """How much a candidate label needs before it counts as a speaker.

    ``"ok"`` (a label), ``"no"`` (text), ``"recurring"`` (a label if used at least twice, or
    if the transcript has established labels of the same shape) or ``"frequent"`` (at least
    three times). ``pattern_index`` is the position of the matching pattern in
    :data:`DEFAULT_SPEAKER_PATTERNS` (``None`` for a WebVTT voice tag or a custom pattern,
    which are always believed). Zoom display names are often typed in lower case
    (``pulla sai durga prasad``, ``Anand sharma``); such names count once they recur.

    >>> colon = PATTERN_KINDS.index("name colon")
    >>> names = ("Zoë Ödegaard", "Kelly's iPhone", "So here's the thing", "Note")
    >>> [label_credibility(s, colon) for s in names]
    ['ok', 'ok', 'no', 'no']
    >>> [label_credibility(s, colon) for s in ("interviewer", "Anand sharma", "pulla sai durga")]
    ['recurring', 'recurring', 'frequent']
    """
    if pattern_index is None:
        return "ok"
    kind = PATTERN_KINDS[pattern_index]
    name = speaker.strip()
    if not name or name.lower() in _NOT_SPEAKERS or re.fullmatch(r"[\d:.,\s]+", name):
        return "no"
    words = name.split(" ")
    if len(words) > 4 and "&" not in words:
        return "no"
    if kind in _BRACKETED:  # any text inside the brackets counts as the name
        return "recurring" if kind in _RECURRING else "ok"
    if words[0][0].islower() and not _DEVICE.match(words[0]):
        if not all(word[0].islower() or word[0].isdigit() for word in words[1:]):
            return "no"
        return "recurring" if len(words) <= 2 else "frequent"
    lower = 0
    for word in words[1:]:
        if (
            word[0].isupper()
            or word[0].isdigit()
            or word.startswith("(")
            or word == "&"
            or word.lower() in _PARTICLES
            or _DEVICE.match(word)
        ):
            continue
        if not word[0].islower():
            return "no"
        lower += 1
    if lower:
        return "recurring" if len(words) <= 3 else "no"
    return "recurring" if kind in _RECURRING else "ok"


def label_shape(speaker: str) -> str:
    """``"lower"``, ``"mixed"`` (``Anand sharma``) or ``"name"``: labels of one shape vouch for
    each other (see :func:`coding.transcripts._turns.credible`)."""
    words = speaker.split(" ")
    if words[0][:1].islower() and not _DEVICE.match(words[0]):
        return "lower"
    if any(w[:1].islower() and w.lower() not in _PARTICLES and not _DEVICE.match(w) for w in words):
        return "mixed"
    return "name"
