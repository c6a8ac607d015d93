"""Codes per speaker turn, and the selection of one coder's spans every exploration starts from.

The unit of analysis is the speaker turn (docs/architecture.md): coder X applied code C to
turn T when one of X's spans for C overlaps T's ``[start, end)``. :func:`turn_codes` is what
the theme classifier and the reports read. Tested in tests/coding/explore/test_explore.py.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

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
    required = {"transcript_id", "code_id", "start", "end"} | ({"coder"} if coder else set())
    missing = required - set(codings.columns)
    if missing:
        raise CodingError(f"codings lack column(s) {sorted(missing)}", field=sorted(missing)[0])
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
    ``e > ts``; an empty span ``s == e`` marks the turn containing ``s``). Turns without codes
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
    codes: list[set[str]] = [set() for _ in range(len(turns))]
    if len(turns) and len(spans):
        # turns of a transcript are contiguous rows of corpus.turns(), in text order
        first_row = turns.reset_index().groupby("transcript_id", sort=False)["index"].min()
        starts_all = turns["start"].to_numpy()
        ends_all = turns["end"].to_numpy()
        sizes = turns.groupby("transcript_id", sort=False).size()
        for transcript_id, group in spans.groupby("transcript_id", sort=False):
            if transcript_id not in first_row.index:
                continue  # a transcript without turns
            base = int(first_row[transcript_id])
            size = int(sizes[transcript_id])
            t_starts = starts_all[base : base + size]
            t_ends = ends_all[base : base + size]
            length = len(corpus.text(transcript_id))
            for start, end, code in zip(
                group["start"], group["end"], group["code_id"], strict=True
            ):
                if not 0 <= start <= end <= length:
                    raise CodingError(
                        f"span [{start}, {end}) of code {code!r} lies outside transcript "
                        f"{transcript_id} (length {length})",
                        field="start",
                    )
                end_eff = max(end, start + 1)
                low = int(np.searchsorted(t_ends, start, side="right"))
                high = int(np.searchsorted(t_starts, end_eff, side="left"))
                for position in range(low, high):
                    codes[base + position].add(code)
    result = turns[["transcript_id", "turn", "participant_id", "role", "speaker", "text"]].copy()
    result["codes"] = pd.Series(codes, index=turns.index, dtype="object")
    result["start"] = turns["start"]
    result["end"] = turns["end"]
    return result[TURN_CODE_COLUMNS].reset_index(drop=True)
