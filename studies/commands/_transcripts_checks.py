"""Safety checks of ``dyadlab import transcripts`` before anything is written: a re-imported
transcript whose text changed must not move its codings silently (re-anchoring), and a study
that requires de-identification gets redacted text and speaker names."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from studies.commands._transcripts_report import short
from studies.errors import StudyError

if TYPE_CHECKING:
    from studies.commands._transcripts_plan import ImportPlan


def deidentify(text: str, turns: list, source: Path) -> tuple[str, list, list[str]]:
    """Redact ``text`` with coding.deid; turns are mapped through the redaction."""
    try:
        from coding.deid import redact
    except ImportError:
        raise StudyError(
            "study.yaml requires de-identification on import (deid.required_on_import) but "
            "coding.deid is not available",
            field="deid.required_on_import",
        ) from None
    from coding.transcripts._reanchor import OffsetMap
    from coding.transcripts._turns import Turn

    # Speaker labels kept outside the text (caption voice tags, turn records) name people
    # too: each person gets one pseudonym, the same in the labels and in the text, so turns
    # stay attributable to distinct speakers after redaction.
    result = redact(text, speakers=sorted({turn.speaker for turn in turns}))
    offsets = OffsetMap(text, result.text)
    speakers = {turn.speaker: result.speakers.get(turn.speaker, turn.speaker) for turn in turns}
    new_turns = []
    for turn in turns:
        start, end = offsets.span(turn.start, turn.end)
        new_turns.append(Turn(turn.index, speakers[turn.speaker], start, end, dict(turn.metadata)))
    spans = getattr(result, "spans", None)
    n = 0 if spans is None else len(spans)
    return result.text, new_turns, [f"de-identified: {n} span(s) redacted"] if n else []


def check_existing(
    args: argparse.Namespace,
    plan: ImportPlan,
    folder: Path,
    manifest_rows: dict[str, dict[str, str]],
    codings: pd.DataFrame | None,
    store_codings: pd.DataFrame | None,
    problems: list[str],
) -> None:
    from coding.transcripts import read_transcript, reanchor

    row = manifest_rows.get(plan.transcript_id)
    if row is None:
        return
    if row["participant_id"] != plan.participant_id:
        raise StudyError(
            f"transcript {plan.transcript_id!r} belongs to participant "
            f"{row['participant_id']!r}, not {plan.participant_id!r}",
            file=plan.source,
            field="participant_id",
        )
    old_path = folder / row["file"]
    old_text = read_transcript(old_path).text if old_path.is_file() else None
    if old_text == plan.text:
        plan.status = "unchanged"
        return
    plan.status = "replaced"
    if old_text is None:
        return
    if store_codings is not None and (store_codings["transcript_id"] == plan.transcript_id).any():
        problems.append(
            f"{plan.transcript_id}: its text changed and it has codings in the coding store; "
            "re-anchoring store codings is not supported by this command (re-import under a "
            "new id)"
        )
        return
    if codings is None or codings.empty:
        return
    mask = codings["transcript_id"] == plan.transcript_id
    if not mask.any():
        return
    subset = codings[mask].copy()
    try:
        subset["start"] = subset["start"].astype("int64")
        subset["end"] = subset["end"].astype("int64")
    except ValueError:
        raise StudyError(
            f"codings of {plan.transcript_id} have non-integer offsets", field="start"
        ) from None
    moved, report = reanchor(old_text, plan.text, subset)
    plan.reanchor = report.to_dict()
    if report.n_moved == 0 and report.n_broken == 0:
        return
    if not args.reanchor:
        listed = ", ".join(
            f"{row.get('coding_id', '?')} {row.get('code_id', '')} "
            f"[{row['old_start']}:{row['old_end']}] {short(row['old_text'])!r}"
            for row in report.broken.to_dict("records")[:5]
        )
        more = f" and {report.n_broken - 5} more" if report.n_broken > 5 else ""
        problems.append(
            f"{plan.transcript_id}: text changed under {report.n_moved + report.n_broken} "
            f"coded span(s) ({report.summary()})"
            + (f"; changed spans: {listed}{more}" if report.n_broken else "")
        )
        return
    plan.status = "reanchored"
    plan.codings_update = moved


def coded_in_store(study) -> pd.DataFrame | None:
    path = study.store_path
    if path is None or not path.exists():
        return None
    from coding.store import CodingStore

    with CodingStore(study.store_url) as store:
        return store.codings()


# ------------------------------------------------------------------------------- writing
