"""What the coding web app shows: transcripts (text + turns) and the codebook, read-only.

The app does not parse files itself. :func:`from_objects` adapts the library's objects — a
:class:`coding.transcripts.Corpus` (or any iterable of transcripts with ``id``, ``text``,
``turns``) and a :class:`coding.codebook.Codebook` (or any iterable of codes with ``id``,
``name``, ``color``, ``definition``, ``include``, ``exclude``, ``parent``) — into the small
immutable records below, so the views never depend on the loaders' internals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coding.errors import CodingError

HIGHLIGHT_ALPHA = 0.4
"""Opacity of a code's colour when it highlights text (static/app.js uses the same)."""
HIGHLIGHT_PALETTE = (
    "#8866FF",
    "#AA6600",
    "#66FF00",
    "#00CCAA",
    "#FF2244",
    "#226644",
    "#000044",
    "#FF4400",
    "#662200",
    "#FFFF00",
    "#AA00AA",
    "#00CCFF",
    "#0066FF",
    "#2200FF",
    "#884466",
    "#668800",
)
"""Sixteen code colours whose highlights stay apart: at :data:`HIGHLIGHT_ALPHA` over white
every pair is at least 12 CIEDE2000 units apart, at least 20 from white, light enough
(L* >= 62) for black text, and none is grey (chroma of the full colour >= 30). Under
simulated deuteranopia, protanopia and tritanopia (Machado et al. 2009) the codes of one
theme — runs of 5, 9 and 2 in this order, as in the default codebook — stay at least 6
apart (no 16-colour palette keeps every pair apart under those: the labelled margin carries
the rest). Chosen by a max-min search over an sRGB grid; checked in
tests/coding/web/test_palette.py. Codes without a colour of their own get these in order;
the default codebook uses them."""


@dataclass(frozen=True)
class TurnView:
    """One speaker turn: ``text[start:end]`` is what ``speaker`` said."""

    index: int
    speaker: str
    start: int
    end: int


@dataclass(frozen=True)
class TranscriptView:
    """A transcript as the app shows it."""

    id: str
    text: str
    turns: tuple[TurnView, ...]
    participant_id: str | None = None

    def turn_text(self, turn: TurnView) -> str:
        return self.text[turn.start : turn.end]

    def line_of(self, turn: TurnView) -> int:
        """1-based line of the transcript file on which the turn starts (the number coders
        and the .txt file share)."""
        return self.text.count("\n", 0, turn.start) + 1


@dataclass(frozen=True)
class CodeView:
    """A codebook entry as the app shows it (``color`` is ``#rrggbb``)."""

    id: str
    name: str
    color: str
    definition: str = ""
    include: str = ""
    exclude: str = ""
    parent: str | None = None


@dataclass
class StudyData:
    """Everything read-only the app needs: transcripts by id and the codes (themes last in
    the palette)."""

    transcripts: dict[str, TranscriptView]
    codes: list[CodeView]
    name: str = "dyadlab"
    corpus: Any = None  # the library Corpus, passed on to exports when available
    codebook: Any = None
    _by_id: dict[str, CodeView] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {c.id: c for c in self.codes}

    def code(self, code_id: str) -> CodeView | None:
        return self._by_id.get(code_id)

    def themes(self) -> set[str]:
        """Ids of the codes that are parents of others (the codebook's themes)."""
        return {c.parent for c in self.codes if c.parent}

    def palette(self) -> list[CodeView]:
        """Codes a coder can apply, in codebook order: the codes under the themes (and codes
        without children) first, then the themes themselves — the codebook lets a theme be
        applied to talk that fits none of its child codes, and REFI-QDA carries it. Themes
        come last so the number keys of the other codes do not move. Tested in
        tests/coding/web/test_palette.py."""
        themes = self.themes()
        return [c for c in self.codes if c.id not in themes] + [
            c for c in self.codes if c.id in themes
        ]

    def turns_frame(self) -> pd.DataFrame:
        """Turns of every transcript: ``transcript_id, turn, speaker, start, end``."""
        return pd.DataFrame(
            [
                {
                    "transcript_id": t.id,
                    "turn": turn.index,
                    "speaker": turn.speaker,
                    "start": turn.start,
                    "end": turn.end,
                }
                for t in self.transcripts.values()
                for turn in t.turns
            ],
            columns=["transcript_id", "turn", "speaker", "start", "end"],
        )


def _color(value: Any, number: int) -> str:
    """A safe ``#rrggbb`` (anything else would reach CSS): the code's own, else the palette."""
    if isinstance(value, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        return value
    return HIGHLIGHT_PALETTE[number % len(HIGHLIGHT_PALETTE)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def _turns(raw: Any) -> tuple[TurnView, ...]:
    if isinstance(raw, pd.DataFrame):
        records: Iterable[Any] = raw.to_dict("records")
    else:
        records = raw or []
    turns = []
    for number, item in enumerate(records):
        get = item.get if isinstance(item, Mapping) else lambda k, d=None, i=item: getattr(i, k, d)
        index = get("index", get("turn", number))
        turns.append(
            TurnView(
                int(number if index is None else index),
                str(get("speaker", "")),
                int(get("start")),
                int(get("end")),
            )
        )
    return tuple(turns)


def from_objects(
    transcripts: Iterable[Any], codebook: Iterable[Any], name: str = "dyadlab", corpus: Any = None
) -> StudyData:
    """Adapt transcript and code objects (see the module docstring) into :class:`StudyData`.

    >>> data = from_objects(study.transcripts(), study.codebook(), name="demo")
    """
    views: dict[str, TranscriptView] = {}
    for transcript in transcripts:
        tid = str(transcript.id)
        if tid in views:
            raise CodingError(f"transcript id {tid!r} appears twice", field="transcript_id")
        views[tid] = TranscriptView(
            tid,
            transcript.text,
            _turns(transcript.turns),
            getattr(transcript, "participant_id", None),
        )
    codes = []
    raw_codes = codebook.codes if hasattr(codebook, "codes") else codebook
    if isinstance(raw_codes, Mapping):
        raw_codes = raw_codes.values()
    for number, code in enumerate(raw_codes):
        get = code.get if isinstance(code, Mapping) else lambda k, d=None, c=code: getattr(c, k, d)
        codes.append(
            CodeView(
                id=str(get("id")),
                name=str(get("name") or get("id")),
                color=_color(get("color"), number),
                definition=_text(get("definition")),
                include=_text(get("include")),
                exclude=_text(get("exclude")),
                parent=get("parent") or None,
            )
        )
    return StudyData(
        views,
        codes,
        name=name,
        corpus=corpus if corpus is not None else transcripts,
        codebook=codebook,
    )
