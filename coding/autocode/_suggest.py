"""Write the autocoder's suggestions into a coding store as coder ``auto``.

The web app shows live ``auto`` codings of a transcript to its coders when the lead enables
suggestions (``CodingStore.set_suggestions``); a coder accepts (copied into her layer) or
rejects each one. Rules kept here:

* one suggestion per predicted turn × code, a span covering the whole turn's utterance
  (``[turn.start, turn.end)``), the calibrated probability in the memo;
* never over human work: a turn × code that any human coder (every coder except ``auto``,
  ``consensus`` included) already applied gets no suggestion;
* only earlier ``auto`` suggestions are replaced (soft-deleted) — human codings are never
  touched.

>>> plan = suggestions(model, units, codings)
>>> memo = plan["memo"]
>>> bool(memo.str.startswith("autocode p=").all() and memo.str.endswith("consensus)").all())
True
>>> from coding.store import CodingStore
>>> store = CodingStore("sqlite:///coding.sqlite")          # a new store in this folder
>>> _ = store.register_transcripts({transcript.id: transcript.text for transcript in corpus})
>>> first = write_suggestions(store, plan, transcripts=units["transcript_id"].unique())
>>> first == {"removed": 0, "added": len(plan)}
True
>>> write_suggestions(store, plan) == {"removed": len(plan), "added": len(plan)}  # replaced
True
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import pandas as pd

from coding._overlap import overlapping_turns
from coding._validation import require_columns
from coding.autocode._estimator import AutocodeError, ThemeClassifier
from coding.store import AUTO

logger = logging.getLogger(__name__)

SUGGESTION_COLUMNS = ["transcript_id", "turn", "code_id", "start", "end", "probability", "memo"]


def _human_turn_codes(units: pd.DataFrame, codings: pd.DataFrame) -> set[tuple[str, int, str]]:
    """``(transcript_id, turn, code_id)`` triples some human coder applied (the span-overlap
    rule of :mod:`coding._overlap`)."""
    human = codings[codings["coder"].astype(str) != AUTO]
    if "deleted_at" in human.columns:
        human = human[human["deleted_at"].isna()]
    span_rows, turn_rows = overlapping_turns(human, units)
    return set(
        zip(
            human["transcript_id"].astype(str).to_numpy()[span_rows].tolist(),
            units["turn"].astype(int).to_numpy()[turn_rows].tolist(),
            human["code_id"].astype(str).to_numpy()[span_rows].tolist(),
            strict=True,
        )
    )


def suggestions(
    model: ThemeClassifier,
    units: pd.DataFrame,
    codings: pd.DataFrame,
    trained_on: str = "consensus",
) -> pd.DataFrame:
    """The suggestions ``model`` makes for ``units`` (turns: ``transcript_id, turn, text,
    start, end``), minus every turn × code a human coder in ``codings`` already applied.

    Returns ``SUGGESTION_COLUMNS``; ``memo`` reads ``"autocode p=0.87 (trained on
    consensus)"``.
    """
    require_columns(
        units, ["transcript_id", "turn", "text", "start", "end"], name="units", error=AutocodeError
    )
    if units.empty:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    proba = model.predict_proba(units["text"].tolist())
    predicted = model.predict(units["text"].tolist())
    applied = _human_turn_codes(units, codings)
    rows = []
    skipped = 0
    for i, (unit, codes) in enumerate(zip(units.itertuples(index=False), predicted, strict=True)):
        for code in sorted(codes):
            key = (str(unit.transcript_id), int(unit.turn), code)
            if key in applied:
                skipped += 1
                continue
            p = float(proba.at[i, code])
            rows.append(
                {
                    "transcript_id": key[0],
                    "turn": key[1],
                    "code_id": code,
                    "start": int(unit.start),
                    "end": int(unit.end),
                    "probability": p,
                    "memo": f"autocode p={p:.2f} (trained on {trained_on})",
                }
            )
    logger.info(
        "autocode: %d suggestions, %d predictions skipped (a human already coded "
        "the turn with that code)",
        len(rows),
        skipped,
    )
    return pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)


def write_suggestions(
    store: Any, plan: pd.DataFrame, transcripts: Iterable[str] | None = None
) -> dict[str, int]:
    """Replace the live ``auto`` codings of ``transcripts`` (default: those in ``plan``) by
    ``plan``'s rows. Returns ``{"removed": …, "added": …}``. Human codings are not touched:
    only codings whose coder is ``auto`` are deleted."""
    targets = (
        set(plan["transcript_id"].astype(str))
        if transcripts is None
        else {str(t) for t in transcripts}
    )
    removed = added = 0
    for coding in store.coding_list(coders=[AUTO]):
        if coding.coder == AUTO and coding.transcript_id in targets:
            store.delete_coding(coding.id, coding.version, actor="autocode")
            removed += 1
    for row in plan.itertuples(index=False):
        store.add_coding(
            row.transcript_id,
            AUTO,
            row.code_id,
            int(row.start),
            int(row.end),
            memo=row.memo,
            actor="autocode",
        )
        added += 1
    return {"removed": removed, "added": added}
