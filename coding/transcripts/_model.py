"""The transcript record: de-identified text plus speaker turns as character offsets.

Offsets are the contract of the whole coding library: a turn, a coded span and a redaction
all point into :attr:`Transcript.text` by half-open ``[start, end)`` Python string indices
(code points of the normalised text, see :func:`coding.transcripts._normalize.normalize_text`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coding.errors import TranscriptError
from coding.transcripts._normalize import normalize_text
from coding.transcripts._turns import Turn, parse_turns

ROLES = ("patient", "provider", "other")
"""Allowed values of :attr:`Transcript.role`."""


@dataclass
class Transcript:
    """An interview transcript with its speaker turns.

    Parameters
    ----------
    id:
        The transcript id (the manifest's ``transcript_id``).
    participant_id:
        The interviewee (``P07``, ``V03``); ``None`` when not known.
    role:
        ``patient``, ``provider`` or ``other``.
    text:
        The full de-identified, normalised text; every offset points into it.
    turns:
        :class:`Turn` records (or a DataFrame with ``speaker, start, end`` and optionally
        ``turn``), in text order, not overlapping, inside the text.
    metadata:
        Anything else: ``interview_date``, ``interviewer``, ``site``, ``person_id``, ``file``,
        ``sha256``, ``format``.
    warnings:
        What the importer noticed but accepted (encoding fallback, no speaker labels, …).

    >>> t = Transcript.from_text("T01", "INTERVIEWER: Hi.\\n\\nP01: Hello.", participant_id="P01")
    >>> [(turn.speaker, t.turn_text(turn.index)) for turn in t.turns]
    [('INTERVIEWER', 'Hi.'), ('P01', 'Hello.')]
    """

    id: str
    participant_id: str | None
    role: str
    text: str
    turns: list[Turn] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise TranscriptError(f"transcript id must be a non-empty string, got {self.id!r}")
        if self.role is None:
            self.role = "other"
        if self.role not in ROLES:
            raise TranscriptError(
                f"role must be one of {', '.join(ROLES)}, got {self.role!r}",
                field="role",
                file=self.metadata.get("file"),
            )
        if not isinstance(self.text, str):
            raise TranscriptError(f"transcript {self.id}: text must be a string")
        self.turns = _as_turns(self.turns)
        self._check_turns()

    @classmethod
    def from_text(
        cls,
        id: str,
        text: str,
        *,
        participant_id: str | None = None,
        role: str = "other",
        metadata: Mapping[str, Any] | None = None,
        speaker_patterns: Iterable[str] | None = None,
        normalize: bool = False,
    ) -> Transcript:
        """Build a transcript from a string, finding speaker turns by label.

        ``normalize=True`` first applies :func:`~coding.transcripts._normalize.normalize_text`
        (offsets then index the normalised text); leave it off when offsets from elsewhere
        (a REFI-QDA project, a store) already point into ``text`` as given.
        """
        if normalize:
            text = normalize_text(text)
        turns, warnings = parse_turns(text, speaker_patterns)
        return cls(
            id=id,
            participant_id=participant_id,
            role=role,
            text=text,
            turns=turns,
            metadata=dict(metadata or {}),
            warnings=warnings,
        )

    def turn_text(self, index: int) -> str:
        """What was said in turn ``index`` (``text[start:end]``)."""
        turn = self.turns[index]
        return self.text[turn.start : turn.end]

    def turn_at(self, offset: int) -> Turn | None:
        """The turn containing character ``offset``, or ``None`` (between turns)."""
        import bisect

        starts = [turn.start for turn in self.turns]
        position = bisect.bisect_right(starts, offset) - 1
        if position >= 0 and offset < self.turns[position].end:
            return self.turns[position]
        return None

    def turn_frame(self) -> pd.DataFrame:
        """Turns as a DataFrame: ``turn, speaker, start, end, text``."""
        return pd.DataFrame(
            {
                "turn": [turn.index for turn in self.turns],
                "speaker": [turn.speaker for turn in self.turns],
                "start": [turn.start for turn in self.turns],
                "end": [turn.end for turn in self.turns],
                "text": [self.text[turn.start : turn.end] for turn in self.turns],
            },
            columns=["turn", "speaker", "start", "end", "text"],
        )

    @property
    def speakers(self) -> list[str]:
        """Distinct speakers in order of first appearance."""
        return list(dict.fromkeys(turn.speaker for turn in self.turns))

    def _check_turns(self) -> None:
        previous_end = 0
        for position, turn in enumerate(self.turns):
            if not (0 <= turn.start <= turn.end <= len(self.text)):
                raise TranscriptError(
                    f"transcript {self.id}: turn {turn.index} [{turn.start}, {turn.end}) is "
                    f"outside the text (length {len(self.text)})",
                    field="turns",
                )
            if turn.start < previous_end:
                raise TranscriptError(
                    f"transcript {self.id}: turn {turn.index} starts at {turn.start}, before "
                    f"the previous turn ends ({previous_end}); turns must be in text order "
                    "and not overlap",
                    field="turns",
                )
            if turn.index != position:
                raise TranscriptError(
                    f"transcript {self.id}: turn at position {position} has index "
                    f"{turn.index}; turns are numbered 0, 1, 2, … in text order",
                    field="turns",
                )
            previous_end = turn.end


def _as_turns(turns: Any) -> list[Turn]:
    if turns is None:
        return []
    if isinstance(turns, pd.DataFrame):
        missing = {"speaker", "start", "end"} - set(turns.columns)
        if missing:
            raise TranscriptError(f"turns frame lacks column(s) {sorted(missing)}", field="turns")
        reserved = {"turn", "speaker", "start", "end", "text", "index"}
        extra = [c for c in turns.columns if c not in reserved]
        return [
            Turn(
                index=position,
                speaker=str(row["speaker"]),
                start=int(row["start"]),
                end=int(row["end"]),
                metadata={c: row[c] for c in extra if pd.notna(row[c])},
            )
            for position, (_, row) in enumerate(turns.iterrows())
        ]
    result = []
    for turn in turns:
        if isinstance(turn, Turn):
            result.append(turn)
        elif isinstance(turn, Mapping):
            result.append(
                Turn(
                    index=int(turn.get("index", turn.get("turn", len(result)))),
                    speaker=str(turn["speaker"]),
                    start=int(turn["start"]),
                    end=int(turn["end"]),
                    metadata=dict(turn.get("metadata", {})),
                )
            )
        else:
            raise TranscriptError(f"a turn must be a Turn or a mapping, got {type(turn).__name__}")
    return result
