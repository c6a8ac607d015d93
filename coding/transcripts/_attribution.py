"""How much of a transcript's speech was attributed to a speaker with confidence.

Importers never attribute speech silently: what they could not attribute is recorded on the
turns (``metadata["joined_paragraphs"]`` — paragraphs without a label joined to the turn
before them; ``metadata["unlabelled_cues"]`` — caption cues without a speaker joined to the
previous speaker's turn; speaker ``UNKNOWN`` — no label at all). :func:`attribution_summary`
counts them per transcript, for ``dyadlab import transcripts`` to report per file and for a
person to check with ``--dry-run`` before importing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from coding.transcripts._turns import UNKNOWN_SPEAKER, Turn


def attribution_summary(turns: Sequence[Turn]) -> dict[str, Any]:
    """Counts of turns and of speech attributed without a label.

    Keys: ``turns``, ``speakers`` (distinct, ``UNKNOWN`` excluded), ``unknown_turns``,
    ``joined_paragraphs``, ``unlabelled_cues``, ``turns_to_check`` (turns with any of these)
    and ``needs_review`` (``turns_to_check > 0``).

    >>> attribution_summary([Turn(0, "UNKNOWN", 0, 5), Turn(1, "P1", 6, 9, {"unlabelled_cues": 2})])
    ... # doctest: +NORMALIZE_WHITESPACE
    {'turns': 2, 'speakers': 1, 'unknown_turns': 1, 'joined_paragraphs': 0,
     'unlabelled_cues': 2, 'turns_to_check': 2, 'needs_review': True}
    """
    unknown = sum(turn.speaker == UNKNOWN_SPEAKER for turn in turns)
    joined = sum(int(turn.metadata.get("joined_paragraphs", 0)) for turn in turns)
    unlabelled = sum(int(turn.metadata.get("unlabelled_cues", 0)) for turn in turns)
    to_check = sum(needs_check(turn) for turn in turns)
    return {
        "turns": len(turns),
        "speakers": len({turn.speaker for turn in turns} - {UNKNOWN_SPEAKER}),
        "unknown_turns": unknown,
        "joined_paragraphs": joined,
        "unlabelled_cues": unlabelled,
        "turns_to_check": to_check,
        "needs_review": to_check > 0,
    }


def needs_check(turn: Turn) -> bool:
    """Was any of this turn attributed without a label?"""
    return (
        turn.speaker == UNKNOWN_SPEAKER
        or bool(turn.metadata.get("joined_paragraphs"))
        or bool(turn.metadata.get("unlabelled_cues"))
    )


def describe(summary: dict[str, Any]) -> str:
    """One line for people: ``"32 turns, 2 speakers; 13 paragraph(s) joined …"``."""
    parts = [f"{summary['turns']} turns, {summary['speakers']} speaker(s)"]
    if summary["unknown_turns"]:
        parts.append(f"{summary['unknown_turns']} turn(s) by UNKNOWN (no speaker label)")
    if summary["joined_paragraphs"]:
        parts.append(
            f"{summary['joined_paragraphs']} paragraph(s) without a label joined to the turn "
            "before them"
        )
    if summary["unlabelled_cues"]:
        parts.append(
            f"{summary['unlabelled_cues']} caption cue(s) without a speaker joined to the "
            "previous speaker"
        )
    if not summary["needs_review"]:
        parts.append("every turn starts at a speaker label")
    return "; ".join(parts)
