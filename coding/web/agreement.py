"""Agreement and disagreement views for the lead, on the reliability unit of the design: a turn.

Coder X applied code C to turn T when one of X's spans for C overlaps T
(docs/architecture.md, "Reliability unit"). The coefficients come from
:mod:`coding.reliability` (``agreement_table`` when present, else ``fleiss_kappa`` on the
coders × turns decisions, which for two coders is Fleiss' generalisation of Scott's pi);
this module only arranges the units and the side-by-side rows the reconciliation page shows.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from coding import reliability
from coding.errors import CodingError
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


def _fallback_rows(codings: pd.DataFrame, turns: pd.DataFrame, coders: list[str]) -> pd.DataFrame:
    """Per code: percent of turns where all coders agree, and Fleiss' kappa."""
    hits = applied(codings, turns)
    units = turns[["transcript_id", "turn"]].drop_duplicates()
    rows = []
    for code in sorted(hits["code_id"].unique()):
        mine = hits[hits["code_id"] == code]
        yes = (
            mine.groupby(["transcript_id", "turn"])["coder"]
            .nunique()
            .reindex(pd.MultiIndex.from_frame(units), fill_value=0)
            .to_numpy()
        )
        counts = np.column_stack([len(coders) - yes, yes])
        agree = float(np.mean((yes == 0) | (yes == len(coders))))
        try:
            kappa = float(reliability.fleiss_kappa(counts))
        except (CodingError, ValueError, ZeroDivisionError):
            kappa = float("nan")
        rows.append(
            {
                "code_id": code,
                "n_units": int(len(units)),
                "percent_agreement": agree,
                "kappa": kappa,
            }
        )
    return pd.DataFrame(rows, columns=["code_id", "n_units", "percent_agreement", "kappa"])


def _table(codings: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    coders = sorted(codings["coder"].unique())
    # units are the turns of transcripts someone coded: untouched transcripts are not
    # agreement, they are work not done yet
    turns = turns[turns["transcript_id"].isin(codings["transcript_id"].unique())]
    if len(coders) < 2:
        return pd.DataFrame(columns=["code_id", "n_units", "percent_agreement", "kappa"])
    if hasattr(reliability, "agreement_table"):
        table = reliability.agreement_table(codings, turns, coders=coders, bootstrap=0)
        pooled = table[table["coder_a"] == "(all)"]
        return pooled[["code_id", "n_units", "percent_agreement", "kappa"]].reset_index(drop=True)
    return _fallback_rows(codings, turns, coders)


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
    names = {c.id: c.name for c in ctx.data.codes}
    rows = []
    for turn in view.turns:
        inside = [c for c in codings if c.start < turn.end and c.end > turn.start]
        by_coder = {
            coder: [_entry(view.text, c, names) for c in inside if c.coder == coder]
            for coder in coders
        }
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
                "consensus": [_entry(view.text, c, names) for c in inside if c.coder == CONSENSUS],
            }
        )
    return rows


def _entry(text: str, coding: Any, names: dict[str, str]) -> dict[str, Any]:
    return {
        "coding_id": coding.id,
        "code_id": coding.code_id,
        "name": names.get(coding.code_id, coding.code_id),
        "start": coding.start,
        "end": coding.end,
        "quote": text[coding.start : coding.end],
        "memo": coding.memo,
        "version": coding.version,
    }
