"""Reconciliation: list where coders disagree, then record the team's decisions as ``consensus``.

Workflow: :func:`disagreements` gives one row per turn and code on which the coders differ
(who applied it, who did not, the turn's text, and a proposed span); the team decides each row
(``apply`` or ``reject``); :func:`reconcile` writes the decided codes, plus the turns on which
every coder already agreed, as codings by the reserved coder ``consensus``.

One interview; both coders apply ``stigma`` to the patient's first turn (over different
extents), only coder_a applies ``support`` to her second:

>>> from coding import Corpus
>>> from coding.transcripts import Transcript
>>> text = ("INTERVIEWER: How was the hospital?\\n\\n"
...         "P01: The nurse judged me.\\n\\nP01: My partner helped.")
>>> corpus = Corpus.from_transcripts([Transcript.from_text("T01", text)])
>>> def coding(coder, code, words):
...     return (coder, code, "T01", text.index(words), text.index(words) + len(words))
>>> codings = pd.DataFrame([coding("coder_a", "stigma", "judged me"),
...                         coding("coder_b", "stigma", "nurse judged me"),
...                         coding("coder_a", "support", "partner helped")],
...                        columns=["coder", "code_id", "transcript_id", "start", "end"])
>>> todo = disagreements(codings, corpus, coders=["coder_a", "coder_b"])
>>> todo[["turn", "code_id", "applied_by", "not_applied_by", "text"]]
   turn  code_id applied_by not_applied_by                text
0     2  support    coder_a        coder_b  My partner helped.
>>> todo["decision"] = "apply"            # or edit in a spreadsheet
>>> codings = reconcile(codings, todo, corpus=corpus)

The agreed code gets the hull of the coders' spans; the decided one the proposed span:

>>> [text[c.start:c.end] for c in codings[codings["coder"] == "consensus"].itertuples()]
['nurse judged me', 'partner helped']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from coding._validation import require_columns
from coding.errors import CodingError
from coding.reliability._units import CONSENSUS, TurnUnits, clean_codings, turn_units

DISAGREEMENT_COLUMNS = [
    "transcript_id", "turn", "code_id", "applied_by", "not_applied_by", "start", "end", "text",
]  # fmt: skip


def _hull(units: TurnUnits) -> pd.DataFrame:
    """Per (code, unit): the smallest span covering the coders' spans, clipped to the turn."""
    hits = units.hits
    if hits.empty:
        return pd.DataFrame(columns=["code_id", "unit", "start", "end"])
    bounds = units.units[["start", "end"]].to_numpy()
    spans = hits.groupby(["code_id", "unit"]).agg(start=("start", "min"), end=("end", "max"))
    spans = spans.reset_index()
    spans["start"] = np.maximum(spans["start"], bounds[spans["unit"], 0])
    spans["end"] = np.minimum(spans["end"], bounds[spans["unit"], 1])
    return spans


def disagreements(
    codings: pd.DataFrame,
    corpus: Any,
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    exclude_speakers: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Turns and codes on which the coders who rated the turn did not all agree.

    Columns: ``transcript_id, turn, code_id, applied_by, not_applied_by`` (comma-separated
    coder names), ``start, end`` (the proposed consensus span: the hull of the applying coders'
    spans within the turn) and ``text`` (the turn's text). Sorted by transcript, turn, code.
    """
    units = turn_units(
        codings, corpus, coders=coders, codes=codes, exclude_speakers=exclude_speakers
    )
    hull = _hull(units).set_index(["code_id", "unit"])
    rows = []
    for c, code in enumerate(units.codes):
        applied = units.applied[c] & units.rated
        n_applied = applied.sum(axis=0)
        n_rated = units.rated.sum(axis=0)
        for u in np.flatnonzero((n_rated >= 2) & (n_applied > 0) & (n_applied < n_rated)):
            turn = units.units.iloc[u]
            span = hull.loc[(code, u)]
            rows.append(
                {
                    "transcript_id": turn["transcript_id"],
                    "turn": turn["turn"],
                    "code_id": code,
                    "applied_by": ", ".join(x for k, x in enumerate(units.coders) if applied[k, u]),
                    "not_applied_by": ", ".join(
                        x
                        for k, x in enumerate(units.coders)
                        if units.rated[k, u] and not applied[k, u]
                    ),
                    "start": int(span["start"]),
                    "end": int(span["end"]),
                    "text": turn.get("text", ""),
                }
            )
    frame = pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)
    return frame.sort_values(["transcript_id", "turn", "code_id"], kind="stable").reset_index(
        drop=True
    )


def _decisions(decisions: pd.DataFrame) -> pd.DataFrame:
    needed = ["transcript_id", "code_id", "start", "end", "decision"]
    require_columns(decisions, needed, name="decisions")
    frame = decisions.reset_index(drop=True).copy()
    text = frame["decision"].astype(str).str.strip().str.lower()
    mapping = {"apply": True, "true": True, "yes": True}
    mapping |= {"reject": False, "false": False, "no": False}
    bad = ~text.isin(list(mapping))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        raise CodingError(
            f"decision must be 'apply' or 'reject', got {frame['decision'].iloc[row - 1]!r}",
            file="decisions",
            row=row,
            field="decision",
        )
    frame["apply"] = text.map(mapping).astype(bool)
    checked = clean_codings(frame.assign(coder=CONSENSUS), name="decisions")
    checked["apply"] = frame["apply"].to_numpy()
    return checked


def reconcile(
    codings: pd.DataFrame,
    decisions: pd.DataFrame,
    corpus: Any = None,
    coders: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Return ``codings`` with reconciled codes added as coder ``consensus``.

    ``decisions`` has ``transcript_id, code_id, start, end, decision`` (``apply`` | ``reject``)
    and optionally ``memo`` — e.g. the output of :func:`disagreements` with a decision column.
    ``apply`` adds a consensus coding for that span; ``reject`` removes existing consensus
    codings of that code overlapping the span. With ``corpus``, turns on which every rating
    coder (at least two) applied a code are added too, spanning the hull of their spans.
    Duplicate consensus codings (same transcript, code, start, end) are kept once.
    """
    base = codings.reset_index(drop=True).copy()
    decided = _decisions(decisions)
    new = []
    if corpus is not None:
        units = turn_units(codings, corpus, coders=coders)
        hull = _hull(units).set_index(["code_id", "unit"])
        n_rated = units.rated.sum(axis=0)
        for c, code in enumerate(units.codes):
            agreed = ((units.applied[c] & units.rated).sum(axis=0) == n_rated) & (n_rated >= 2)
            for u in np.flatnonzero(agreed):
                span = hull.loc[(code, u)]
                new.append(
                    {
                        "transcript_id": units.units["transcript_id"].iloc[u],
                        "code_id": code,
                        "start": int(span["start"]),
                        "end": int(span["end"]),
                        "memo": "agreed by "
                        + ", ".join(x for k, x in enumerate(units.coders) if units.rated[k, u]),
                    }
                )
    for row in decided[decided["apply"]].itertuples():
        new.append(
            {
                "transcript_id": row.transcript_id,
                "code_id": row.code_id,
                "start": int(row.start),
                "end": int(row.end),
                "memo": getattr(row, "memo", "") if "memo" in decided.columns else "",
            }
        )
    for row in decided[~decided["apply"]].itertuples():
        drop = (
            (base["coder"] == CONSENSUS)
            & (base["transcript_id"].astype(str) == row.transcript_id)
            & (base["code_id"].astype(str) == row.code_id)
            & (base["start"] < row.end)
            & (base["end"] > row.start)
        )
        base = base.loc[~drop]
        new = [
            n
            for n in new
            if not (
                n["transcript_id"] == row.transcript_id
                and n["code_id"] == row.code_id
                and n["start"] < row.end
                and n["end"] > row.start
            )
        ]
    added = pd.DataFrame(new, columns=["transcript_id", "code_id", "start", "end", "memo"])
    added["coder"] = CONSENSUS
    if "coding_id" in base.columns:
        added["coding_id"] = [
            f"consensus-{t}-{c}-{s}-{e}"
            for t, c, s, e in zip(
                added["transcript_id"], added["code_id"], added["start"], added["end"], strict=True
            )
        ]
    out = pd.concat([base, added], ignore_index=True)
    key = ["transcript_id", "coder", "code_id", "start", "end"]
    is_consensus = out["coder"] == CONSENSUS
    duplicate = out[key].astype(str).duplicated() & is_consensus
    return out.loc[~duplicate].reset_index(drop=True)
