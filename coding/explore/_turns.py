"""Codes per speaker turn, and the selection of one coder's spans every exploration starts from.

The unit of analysis is the speaker turn (docs/architecture.md): coder X applied code C to
turn T when one of X's spans for C overlaps T's ``[start, end)``. :func:`turn_codes` is what
the theme classifier and the reports read. Tested in tests/coding/explore/test_explore.py.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from coding._overlap import overlapping_turns
from coding._validation import require_columns
from coding.errors import CodingError
from coding.transcripts._corpus import Corpus

logger = logging.getLogger(__name__)

TURN_CODE_COLUMNS = [
    "transcript_id",
    "turn",
    "participant_id",
    "role",
    "speaker",
    "text",
    "codes",
    "start",
    "end",
]


# ----------------------------------------------------------------------------- helpers
def _select(codings: pd.DataFrame, coder: str | None, corpus: Corpus | None = None) -> pd.DataFrame:
    """Rows of one coder (all with ``None``), checked, soft-deleted rows dropped."""
    required = ["transcript_id", "code_id", "start", "end"] + (["coder"] if coder else [])
    require_columns(codings, required)
    frame = codings
    if "deleted_at" in frame.columns:
        frame = frame[frame["deleted_at"].isna()]
    if coder is not None:
        frame = frame[frame["coder"] == coder]
        if frame.empty and len(codings):
            coders = sorted(codings["coder"].dropna().astype(str).unique())
            logger.warning("no codings by coder %r (coders: %s)", coder, ", ".join(coders))
    frame = frame.copy()
    frame["start"] = frame["start"].astype("int64")
    frame["end"] = frame["end"].astype("int64")
    if corpus is not None and len(frame):
        unknown = sorted(set(frame["transcript_id"].astype(str)) - set(corpus.ids))
        if unknown:
            raise CodingError(
                f"codings refer to transcript(s) not in the corpus: {', '.join(unknown[:10])}",
                field="transcript_id",
            )
    return frame


def _transcript_table(corpus: Corpus) -> pd.DataFrame:
    """One row per transcript: ``transcript_id, participant_id, role`` + metadata fields."""
    rows = []
    for transcript in corpus:
        row = {
            "transcript_id": transcript.id,
            "participant_id": transcript.participant_id,
            "role": transcript.role,
        }
        for key, value in transcript.metadata.items():
            if isinstance(value, str | int | float | bool) or value is None:
                row.setdefault(key, value)
        rows.append(row)
    return pd.DataFrame(rows, columns=None if rows else ["transcript_id", "participant_id", "role"])


# -------------------------------------------------------------------------- turn codes
def turn_codes(
    corpus: Corpus, codings: pd.DataFrame, coder: str | None = "consensus"
) -> pd.DataFrame:
    """One row per turn with the set of codes ``coder`` applied to it.

    A span ``[s, e)`` for code C marks every turn ``[ts, te)`` it overlaps (``s < te`` and
    ``e > ts``; an empty span ``s == e`` marks the turn containing ``s``: the rule of
    :mod:`coding._overlap`). Turns without codes
    have an empty set. Columns: ``transcript_id, turn, participant_id, role, speaker, text,
    codes, start, end``. ``coder=None`` pools every coder. This is the unit the reliability
    statistics and the theme classifier use.

    >>> from coding.transcripts._corpus import Corpus
    >>> from coding.transcripts._model import Transcript
    >>> corpus = Corpus([Transcript.from_text("T1", "I: How?\\n\\nP1: Hard. Alone.")])
    >>> spans = pd.DataFrame({"transcript_id": ["T1"], "coder": ["consensus"],
    ...                       "code_id": ["social_needs"], "start": [13], "end": [19]})
    >>> turn_codes(corpus, spans)[["turn", "speaker", "codes"]].values.tolist()
    [[0, 'I', set()], [1, 'P1', {'social_needs'}]]
    """
    spans = _select(codings, coder, corpus)
    turns = corpus.turns()
    lengths = {tid: len(corpus.text(tid)) for tid in pd.unique(spans["transcript_id"])}
    length = spans["transcript_id"].map(lengths).to_numpy(dtype=np.int64)
    start, end = spans["start"].to_numpy(), spans["end"].to_numpy()
    outside = ~((start >= 0) & (start <= end) & (end <= length))
    if outside.any():
        bad = spans.iloc[int(np.flatnonzero(outside)[0])]
        raise CodingError(
            f"span [{bad['start']}, {bad['end']}) of code {bad['code_id']!r} lies outside "
            f"transcript {bad['transcript_id']} (length {lengths[bad['transcript_id']]})",
            field="start",
        )
    codes: list[set[str]] = [set() for _ in range(len(turns))]
    code_ids = spans["code_id"].to_numpy()
    for span_row, turn_row in zip(*overlapping_turns(spans, turns), strict=True):
        codes[turn_row].add(code_ids[span_row])
    result = turns[["transcript_id", "turn", "participant_id", "role", "speaker", "text"]].copy()
    result["codes"] = pd.Series(codes, index=turns.index, dtype="object")
    result["start"] = turns["start"]
    result["end"] = turns["end"]
    return result[TURN_CODE_COLUMNS].reset_index(drop=True)
