"""What is not an identifier although the detectors would flag it.

Role labels of speakers ("INTERVIEWER:", "P07:", "Speaker 2:"), clinical and programme
names ("Eat, Sleep, Console", "C-section", "Finnegan", "Healthy Start") and weekdays are what
researchers need to read; flagging them only lengthens the review (issue 14: on the demo
study they were a quarter of all spans). :func:`protected_ranges` finds them;
:func:`drop_protected` removes every name, place or date span that touches one. Numbers
(phones, record numbers…) are never dropped.

Tested in tests/coding/deid/test_redact.py (kept words) and test_speakers.py (labels).
"""

from __future__ import annotations

import re

from coding.deid._lexicon import NOT_IDENTIFIERS, ROLE_LABEL
from coding.deid._spans import Span

_NOT_IDENTIFIERS = re.compile(
    r"(?<![\w-])(?:" + "|".join(NOT_IDENTIFIERS) + r")(?![\w])", re.IGNORECASE
)
#: A role label on its own line after a timestamp, as Teams writes turns ("00:03:21
#: Interviewer" and the words on the next line).
_TIMESTAMPED_ROLE = re.compile(
    rf"^[ \t]*\[?\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:[.,]\d+)?\]?[ \t]+"
    rf"(?P<role>{ROLE_LABEL})[ \t]*:?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_WORD_TYPES = frozenset({"NAME", "LOCATION", "DATE"})


def protected_ranges(text: str, labels: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """``(start, end)`` of every clinical/programme term in ``text``, plus ``labels`` (the
    role labels found by :mod:`coding.deid._speakers`)."""
    found = [(m.start(), m.end()) for m in _NOT_IDENTIFIERS.finditer(text)]
    found += [(m.start("role"), m.end("role")) for m in _TIMESTAMPED_ROLE.finditer(text)]
    return sorted([*found, *labels])


def drop_protected(spans: list[Span], ranges: list[tuple[int, int]]) -> list[Span]:
    """The spans that overlap no protected range (number-like types are always kept)."""
    if not ranges:
        return spans
    return [
        span
        for span in spans
        if span.type not in _WORD_TYPES
        or not any(start < span.end and span.start < end for start, end in ranges)
    ]
