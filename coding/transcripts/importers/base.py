"""What every importer returns, and rendering of speaker turns into transcript text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from coding.transcripts._turns import Turn


@dataclass
class ImportedText:
    """The result of reading one file: normalised ``text``, its ``turns``, ``warnings``."""

    text: str
    turns: list[Turn]
    warnings: list[str] = field(default_factory=list)
    format: str = "text"
    metadata: dict[str, Any] = field(default_factory=dict)


def render_turns(
    utterances: Iterable[tuple[str, str, dict[str, Any]]],
) -> tuple[str, list[Turn]]:
    """Lay out ``(speaker, utterance, metadata)`` triples in the plain-text transcript format.

    Each turn becomes a paragraph ``SPEAKER: utterance`` and paragraphs are separated by one
    blank line, the format of docs/architecture.md; a turn's ``[start, end)`` covers the
    utterance only. Utterances must already be normalised and stripped.

    >>> text, turns = render_turns([("I", "Hi.", {}), ("P01", "Hello.", {})])
    >>> text
    'I: Hi.\\n\\nP01: Hello.'
    >>> text[turns[1].start:turns[1].end]
    'Hello.'
    """
    pieces: list[str] = []
    turns: list[Turn] = []
    length = 0
    for speaker, utterance, metadata in utterances:
        if pieces:
            pieces.append("\n\n")
            length += 2
        label = f"{speaker}: "
        pieces.append(label)
        pieces.append(utterance)
        start = length + len(label)
        length = start + len(utterance)
        turns.append(Turn(len(turns), speaker, start, length, dict(metadata)))
    return "".join(pieces), turns
