"""From coded spans to reliability units: which coder applied which code to which turn.

The reliability unit is a turn (docs/architecture.md): coder X applied code C to turn T when one
of X's spans for C overlaps T (``start < turn_end and end > turn_start``; the rule of
:mod:`coding._overlap`, shared with :func:`coding.explore.turn_codes`). A coder *rated* every
turn of each transcript in which they made at least one coding; turns of transcripts a coder
never opened are missing for that coder (NaN in Krippendorff's terms), not "absent".
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coding._overlap import overlapping_turns
from coding._validation import require_columns
from coding.errors import CodingError

log = logging.getLogger(__name__)

CONSENSUS = "consensus"
CODING_COLUMNS = ("transcript_id", "coder", "code_id", "start", "end")


@dataclass
class TurnUnits:
    """Presence of each code, per coder and turn.

    ``units`` has one row per turn (``transcript_id``, ``turn``, ``start``, ``end`` and
    ``text`` when known); ``applied[c, x, u]`` is True when coder ``coders[x]`` applied
    ``codes[c]`` to unit ``u``; ``rated[x, u]`` when that coder coded the unit's transcript;
    ``cluster[u]`` numbers the unit's transcript (0-based, for cluster bootstrap);
    ``hits`` lists every (coding row, unit) overlap with the span's ``start``/``end``.
    """

    units: pd.DataFrame
    coders: list[str]
    codes: list[str]
    applied: np.ndarray
    rated: np.ndarray
    cluster: np.ndarray
    hits: pd.DataFrame


def clean_codings(codings: pd.DataFrame, name: str = "codings") -> pd.DataFrame:
    """Check the coding columns and drop soft-deleted rows (``deleted``/``deleted_at``).

    Raises :class:`CodingError` naming the row and field of the first bad value.
    """
    require_columns(codings, CODING_COLUMNS, name=name)
    frame = codings.reset_index(drop=True)
    keep = np.ones(len(frame), dtype=bool)
    if "deleted_at" in frame.columns:
        keep &= frame["deleted_at"].isna().to_numpy()
    if "deleted" in frame.columns:
        keep &= ~frame["deleted"].fillna(False).astype(bool).to_numpy()
    for field in ("start", "end"):
        values = pd.to_numeric(frame[field], errors="coerce")
        bad = values.isna() | (values < 0) | (values != values.round())
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
            raise CodingError(
                f"expected a whole number ≥ 0, got {frame[field].iloc[row - 1]!r}",
                file=name,
                row=row,
                field=field,
            )
    bad = (frame["end"].astype(int) <= frame["start"].astype(int)).to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 1
        raise CodingError("end must be greater than start", file=name, row=row, field="end")
    frame = frame.loc[keep].copy()
    frame["start"] = frame["start"].astype(np.int64)
    frame["end"] = frame["end"].astype(np.int64)
    for field in ("transcript_id", "coder", "code_id"):
        frame[field] = frame[field].astype(str)
    frame["_row"] = frame.index + 1
    return frame


def corpus_turns(corpus: Any) -> pd.DataFrame:
    """The turns of a corpus as a DataFrame ``transcript_id, turn, start, end[, text]``.

    ``corpus`` is a :class:`coding.transcripts.Corpus` (its ``turns()``) or a turns DataFrame.
    """
    if isinstance(corpus, pd.DataFrame):
        turns = corpus.copy()
    elif hasattr(corpus, "turns"):
        turns = corpus.turns()
        turns = turns.copy() if isinstance(turns, pd.DataFrame) else pd.DataFrame(turns)
    else:
        raise CodingError("corpus must be a Corpus or a turns DataFrame", field="corpus")
    if "turn" not in turns.columns and "index" in turns.columns:
        turns = turns.rename(columns={"index": "turn"})
    require_columns(turns, ("transcript_id", "start", "end"), name="turns")
    turns["transcript_id"] = turns["transcript_id"].astype(str)
    if "turn" not in turns.columns:
        turns["turn"] = turns.groupby("transcript_id").cumcount()
    if "text" not in turns.columns and hasattr(corpus, "text"):
        turns["text"] = [
            corpus.text(t)[s:e]
            for t, s, e in zip(turns["transcript_id"], turns["start"], turns["end"], strict=True)
        ]
    turns = turns.sort_values(["transcript_id", "start"], kind="stable").reset_index(drop=True)
    turns["start"] = turns["start"].astype(np.int64)
    turns["end"] = turns["end"].astype(np.int64)
    return turns


def coded_segments(codings: pd.DataFrame) -> pd.DataFrame:
    """Units for when no corpus is given: merged coded segments, as a turns-like frame.

    Per transcript, every span of every coder and code is laid on one line and overlapping
    spans are merged; each merged stretch is one unit (``transcript_id, turn, start, end``).
    Text nobody coded is not a unit, so agreement on "absent" is only counted inside
    segments someone coded — prefer turns (pass the corpus) whenever the texts are at hand.
    """
    frame = clean_codings(codings)
    frame = frame.sort_values(["transcript_id", "start", "end"], kind="stable")
    previous_end = frame.groupby("transcript_id")["end"].transform(
        lambda s: s.cummax().shift(fill_value=-1)
    )
    new = (frame["start"] >= previous_end).to_numpy()
    number = pd.Series(np.cumsum(new), index=frame.index)
    segments = (
        frame.assign(segment=number)
        .groupby("segment")
        .agg(transcript_id=("transcript_id", "first"), start=("start", "min"), end=("end", "max"))
    )
    segments["turn"] = segments.groupby("transcript_id").cumcount()
    return segments.reset_index(drop=True)[["transcript_id", "turn", "start", "end"]]


def _choose(values: Sequence[str] | None, present: Sequence[str], what: str) -> list[str]:
    """The requested coders/codes; an unknown coder is an error, an unused code a warning
    (nobody applied it: agreement on absence only, kappa undefined)."""
    if values is None:
        return sorted(present)
    chosen = list(dict.fromkeys(str(v) for v in values))
    unknown = sorted(set(chosen) - set(present))
    if unknown and what == "codes":
        log.warning("codes %s were applied by none of the chosen coders", unknown)
    elif unknown:
        raise CodingError(f"no codings by {what} {unknown}; present: {sorted(present)}", field=what)
    return chosen


def locate_spans(codings: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    """Every (coding, turn) overlap: the coding's columns plus ``unit`` (row of ``turns``).

    Spans in transcripts that are not in ``turns`` raise :class:`CodingError`; spans that
    overlap no turn (e.g. a header before the first turn) are logged and skipped.
    """
    ids = pd.Index(turns["transcript_id"].unique())
    position = ids.get_indexer(codings["transcript_id"])
    if (position < 0).any():
        bad = int(np.flatnonzero(position < 0)[0])
        raise CodingError(
            f"transcript {codings['transcript_id'].iloc[bad]!r} is not in the corpus",
            file="codings",
            row=int(codings["_row"].iloc[bad]) if "_row" in codings else bad + 1,
            field="transcript_id",
        )
    span_rows, turn_rows = overlapping_turns(codings, turns)
    unplaced = len(codings) - len(np.unique(span_rows))
    if unplaced:
        log.warning("%d coded span(s) overlap no turn and are ignored", unplaced)
    hits = codings.iloc[span_rows].reset_index(drop=True)
    hits["unit"] = turn_rows
    return hits


def turn_units(
    codings: pd.DataFrame,
    corpus: Any,
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    exclude_speakers: Sequence[str] | None = None,
) -> TurnUnits:
    """Build the :class:`TurnUnits` presence arrays for the chosen coders and codes.

    Default coders: everyone in ``codings`` except ``consensus``; default codes: every code
    used by those coders. ``exclude_speakers`` (e.g. ``["INTERVIEWER"]``, matched without
    regard to case) drops those speakers' turns from the units; spans in them are ignored.
    """
    frame = clean_codings(codings)
    turns = corpus_turns(corpus)
    present = sorted(set(frame["coder"]) - ({CONSENSUS} if coders is None else set()))
    chosen_coders = _choose(coders, present, "coders")
    frame = frame[frame["coder"].isin(chosen_coders)]
    chosen_codes = _choose(codes, sorted(set(frame["code_id"])), "codes")
    hits = locate_spans(frame, turns)
    coder_index = pd.Index(chosen_coders)
    code_index = pd.Index(chosen_codes)
    cluster = pd.Index(turns["transcript_id"].unique()).get_indexer(turns["transcript_id"])
    rated = np.zeros((len(chosen_coders), len(turns)), dtype=bool)
    seen = frame[["coder", "transcript_id"]].drop_duplicates()
    transcript_index = pd.Index(turns["transcript_id"].unique())
    by_transcript = transcript_index.get_indexer(seen["transcript_id"])
    coded = np.zeros((len(chosen_coders), len(transcript_index)), dtype=bool)
    coded[coder_index.get_indexer(seen["coder"]), by_transcript] = True
    rated[:] = coded[:, cluster]
    applied = np.zeros((len(chosen_codes), len(chosen_coders), len(turns)), dtype=bool)
    hits = hits[hits["code_id"].isin(chosen_codes)].reset_index(drop=True)
    applied[
        code_index.get_indexer(hits["code_id"]),
        coder_index.get_indexer(hits["coder"]),
        hits["unit"].to_numpy(),
    ] = True
    if exclude_speakers:
        if "speaker" not in turns.columns:
            raise CodingError("turns have no speaker column to exclude by", field="corpus")
        dropped = {str(s).casefold() for s in exclude_speakers}
        keep = ~turns["speaker"].astype(str).str.casefold().isin(dropped).to_numpy()
        new_index = np.cumsum(keep) - 1
        hits = hits[keep[hits["unit"].to_numpy()]].copy()
        hits["unit"] = new_index[hits["unit"].to_numpy()]
        hits = hits.reset_index(drop=True)
        turns = turns.loc[keep].reset_index(drop=True)
        applied, rated = applied[:, :, keep], rated[:, keep]
        cluster = pd.factorize(cluster[keep])[0]
    return TurnUnits(turns, chosen_coders, chosen_codes, applied, rated, cluster, hits)


def transcript_texts(corpus: Any) -> dict[str, str]:
    """``{transcript_id: text}`` from a Corpus, a mapping, or an iterable of transcripts."""
    if isinstance(corpus, Mapping):
        return {str(k): str(v) for k, v in corpus.items()}
    items = getattr(corpus, "transcripts", corpus)
    if isinstance(items, Mapping):
        items = items.values()
    try:
        return {str(t.id): t.text for t in items}
    except (TypeError, AttributeError) as error:
        raise CodingError(
            "corpus must be a Corpus, a {transcript_id: text} mapping or a list of transcripts",
            field="corpus",
        ) from error
