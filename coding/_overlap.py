"""The turn-overlap rule, in one place: which speaker turns a coded span marks.

The unit of analysis is the speaker turn (docs/architecture.md): a span ``[s, e)`` marks every
turn ``[ts, te)`` it overlaps (``s < te`` and ``e > ts``); an empty span (``s == e``) marks
the turn containing ``s``. :func:`coding.explore.turn_codes`, the reliability units
(:func:`coding.reliability.turn_units`) and the auto-coder's "already coded" check all ask
this module, so a span can never count for a turn in one and not in another.

The search is vectorised: the turns of all transcripts are laid end to end on one axis (each
transcript shifted past the previous one) so one :func:`numpy.searchsorted` finds the turns
every span touches. Tested in tests/coding/test_overlap.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def overlapping_turns(spans: pd.DataFrame, turns: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Every (span, turn) overlap as two arrays of row positions: ``(span_rows, turn_rows)``.

    ``spans`` and ``turns`` both have ``transcript_id, start, end`` (whole-number character
    offsets); turns of one transcript do not overlap each other. Pairs come in span order,
    then text order. A span whose transcript has no turn marks nothing; checking that spans
    lie inside their transcript is the caller's business.

    >>> turns = pd.DataFrame({"transcript_id": ["T1", "T1", "T2"], "start": [0, 10, 0],
    ...                       "end": [8, 20, 5]})
    >>> spans = pd.DataFrame({"transcript_id": ["T1", "T1", "T2", "T3"],
    ...                       "start": [5, 10, 5, 0], "end": [12, 10, 5, 1]})
    >>> [rows.tolist() for rows in overlapping_turns(spans, turns)]
    [[0, 0, 1], [0, 1, 1]]
    """
    empty = np.empty(0, dtype=np.int64)
    if not len(spans) or not len(turns):
        return empty, empty
    ids = pd.Index(pd.unique(turns["transcript_id"]))
    turn_transcript = ids.get_indexer(turns["transcript_id"]).astype(np.int64)
    turn_start = turns["start"].to_numpy(dtype=np.int64)
    turn_end = turns["end"].to_numpy(dtype=np.int64)
    order = np.lexsort((turn_start, turn_transcript))  # the turns in text order, per transcript
    span_transcript = ids.get_indexer(spans["transcript_id"]).astype(np.int64)
    span_start = spans["start"].to_numpy(dtype=np.int64)
    span_end = np.maximum(spans["end"].to_numpy(dtype=np.int64), span_start + 1)
    # one axis for all transcripts; the width leaves room for the widened empty spans
    width = int(max(turn_end.max(), span_end.max())) + 1
    axis_start = (turn_transcript * width + turn_start)[order]
    axis_end = (turn_transcript * width + turn_end)[order]
    first = np.searchsorted(axis_end, span_transcript * width + span_start, side="right")
    stop = np.searchsorted(axis_start, span_transcript * width + span_end, side="left")
    count = np.where(span_transcript >= 0, np.maximum(stop - first, 0), 0)
    span_rows = np.repeat(np.arange(len(spans), dtype=np.int64), count)
    within = np.arange(count.sum(), dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    turn_rows = order[np.repeat(first, count) + within]
    return span_rows, turn_rows
