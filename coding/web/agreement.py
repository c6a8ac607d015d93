"""Agreement and disagreement views for the lead, on the reliability unit of the design: a turn.

Coder X applied code C to turn T when one of X's spans for C overlaps T
(docs/architecture.md, "Reliability unit"). The coefficients come from
:func:`coding.reliability.agreement_table`; this module only arranges the units, the
side-by-side rows the reconciliation page shows, and the spans all coders agree on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from coding import reliability
from coding.store import AUTO, CONSENSUS

if TYPE_CHECKING:
    from coding.web.auth import AppContext

log = logging.getLogger(__name__)


def _coder_codings(ctx: AppContext, transcript_id: str | None = None) -> pd.DataFrame:
    frame = ctx.store.codings()
    frame = frame[~frame["coder"].isin([CONSENSUS, AUTO])]
    if transcript_id is not None:
        frame = frame[frame["transcript_id"] == transcript_id]
    return frame[frame["transcript_id"].isin(list(ctx.data.transcripts))]


def applied(codings: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    """One row per (transcript_id, turn, coder, code_id) where a span overlaps the turn."""
    if codings.empty or turns.empty:
        return pd.DataFrame(columns=["transcript_id", "turn", "coder", "code_id"])
    merged = codings.merge(turns, on="transcript_id", suffixes=("", "_turn"))
    hit = merged[(merged["start"] < merged["end_turn"]) & (merged["end"] > merged["start_turn"])]
    return hit[["transcript_id", "turn", "coder", "code_id"]].drop_duplicates()


def _table(codings: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    coders = sorted(codings["coder"].unique())
    # units are the turns of transcripts someone coded: untouched transcripts are not
    # agreement, they are work not done yet
    turns = turns[turns["transcript_id"].isin(codings["transcript_id"].unique())]
    if len(coders) < 2:
        return pd.DataFrame(columns=["code_id", "n_units", "percent_agreement", "kappa"])
    table = reliability.agreement_table(codings, turns, coders=coders, bootstrap=0)
    pooled = table[table["coder_a"] == "(all)"]
    return pooled[["code_id", "n_units", "percent_agreement", "kappa"]].reset_index(drop=True)


def summary(ctx: AppContext) -> dict[str, pd.DataFrame]:
    """``{"codes": per code over all transcripts, "transcripts": per transcript}``."""
    turns = ctx.data.turns_frame()
    codings = _coder_codings(ctx)
    codes = _table(codings, turns)
    names = {c.id: c.name for c in ctx.data.codes}
    codes.insert(1, "name", codes["code_id"].map(lambda c: names.get(c, c)))
    per_transcript = []
    for transcript_id in sorted(codings["transcript_id"].unique()):
        subset = codings[codings["transcript_id"] == transcript_id]
        table = _table(subset, turns[turns["transcript_id"] == transcript_id])
        overall = table[table["code_id"] == "(all)"]
        coders = sorted(subset["coder"].unique())
        if overall.empty and not table.empty:  # fallback: mean over codes
            values = table[["percent_agreement", "kappa"]].mean()
            overall = pd.DataFrame(
                [{"percent_agreement": values["percent_agreement"], "kappa": values["kappa"]}]
            )
        per_transcript.append(
            {
                "transcript_id": transcript_id,
                "coders": ", ".join(coders),
                "percent_agreement": float(overall["percent_agreement"].iloc[0])
                if not overall.empty
                else float("nan"),
                "kappa": float(overall["kappa"].iloc[0]) if not overall.empty else float("nan"),
            }
        )
    transcripts = pd.DataFrame(
        per_transcript, columns=["transcript_id", "coders", "percent_agreement", "kappa"]
    )
    return {
        "codes": codes.replace({np.nan: None}),
        "transcripts": transcripts.replace({np.nan: None}),
    }


def side_by_side(
    ctx: AppContext, transcript_id: str, only_disagreements: bool = True
) -> list[dict[str, Any]]:
    """Rows per turn: the turn's text, each coder's codings there, and the consensus."""
    view = ctx.data.transcripts[transcript_id]
    info = ctx.store.transcript(transcript_id)
    codings = ctx.store.coding_list(transcript_id)
    coders = sorted(
        {c.coder for c in codings if c.coder not in (CONSENSUS, AUTO)} | set(info["coders"])
    )
    rows = []
    for turn in view.turns:
        inside = [c for c in codings if c.start < turn.end and c.end > turn.start]
        by_coder = {
            coder: [_entry(ctx, view.text, c) for c in inside if c.coder == coder]
            for coder in coders
        }
        consensus = [_entry(ctx, view.text, c) for c in inside if c.coder == CONSENSUS]
        sets = [frozenset(e["code_id"] for e in entries) for entries in by_coder.values()]
        differs = len(set(sets)) > 1
        if only_disagreements and not differs:
            continue
        rows.append(
            {
                "turn": turn.index,
                "line": view.line_of(turn),
                "speaker": turn.speaker,
                "text": view.turn_text(turn),
                "coders": by_coder,
                "differs": differs,
                "consensus": consensus,
                # decided: the lead put something into consensus here
                "decided": bool(consensus),
            }
        )
    return rows


def agreed_spans(
    codings: Iterable[Any], turns: Iterable[Any], coders: list[str]
) -> list[dict[str, Any]]:
    """Per turn and code that every one of ``coders`` applied there: the text all of them
    coded with it (the intersection, within the turn, of each coder's union of spans), as
    ``{"code_id", "start", "end"}`` pieces. A turn where their spans touch the same turn but
    share no character gives nothing: that is for the lead to decide."""
    codings = list(codings)
    out = []
    for turn in turns:
        inside = [c for c in codings if c.start < turn.end and c.end > turn.start]
        for code_id in sorted({c.code_id for c in inside}):
            common: list[tuple[int, int]] | None = None
            for coder in coders:
                mine = _union(
                    (max(c.start, turn.start), min(c.end, turn.end))
                    for c in inside
                    if c.coder == coder and c.code_id == code_id
                )
                common = mine if common is None else _intersect(common, mine)
                if not common:
                    break
            out.extend({"code_id": code_id, "start": s, "end": e} for s, e in common or [])
    return out


def _union(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _intersect(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for s1, e1 in a:
        for s2, e2 in b:
            start, end = max(s1, s2), min(e1, e2)
            if start < end:
                out.append((start, end))
    return sorted(out)


def _entry(ctx: AppContext, text: str, coding: Any) -> dict[str, Any]:
    code = ctx.data.code(coding.code_id)
    return {
        "coding_id": ctx.ids.encode(coding.id),
        "code_id": coding.code_id,
        "name": code.name if code else coding.code_id,
        "color": code.color if code else "#999999",
        "start": coding.start,
        "end": coding.end,
        "quote": text[coding.start : coding.end],
        "memo": coding.memo,
        "version": coding.version,
    }
