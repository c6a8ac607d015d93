"""The lead's JSON API: assignments, reconciliation and suggestion switches, agreement, the
agreed consensus, the audit log and the exports (every route needs a lead).

Shares the request models and the coding JSON of :mod:`coding.web.api`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import Field

from coding.store import AUTO, CONSENSUS
from coding.web import agreement
from coding.web.api import StrictBody, coding_json
from coding.web.auth import LeadDep, context, visible_transcript
from coding.web.exports import spreadsheet_csv

router = APIRouter(prefix="/api", tags=["lead"])


class FlagIn(StrictBody):
    enabled: bool


class AssignIn(StrictBody):
    coder: str = Field(min_length=1, max_length=64)


@router.post("/transcripts/{transcript_id}/assignments")
def assign(
    transcript_id: str, body: AssignIn, request: Request, principal: LeadDep
) -> dict[str, Any]:
    """Assign the transcript to a coder (lead)."""
    ctx = context(request)
    visible_transcript(ctx, principal, transcript_id)
    user = ctx.accounts.user(body.coder)
    if user is None or user.role != "coder" or user.disabled:
        raise HTTPException(400, f"{body.coder!r} is not an enabled coder account")
    ctx.store.assign(transcript_id, body.coder, actor=principal.name)
    return ctx.store.transcript(transcript_id)


@router.delete("/transcripts/{transcript_id}/assignments/{coder}")
def unassign(
    transcript_id: str, coder: str, request: Request, principal: LeadDep
) -> dict[str, Any]:
    """Take the transcript away from a coder (her codings stay)."""
    ctx = context(request)
    visible_transcript(ctx, principal, transcript_id)
    ctx.store.unassign(transcript_id, coder, actor=principal.name)
    return ctx.store.transcript(transcript_id)


@router.post("/transcripts/{transcript_id}/reconciliation")
def reconciliation(
    transcript_id: str, body: FlagIn, request: Request, principal: LeadDep
) -> dict[str, Any]:
    """Open (coders then see each other's codings) or close reconciliation."""
    ctx = context(request)
    visible_transcript(ctx, principal, transcript_id)
    ctx.store.set_reconciliation(transcript_id, body.enabled, actor=principal.name)
    return ctx.store.transcript(transcript_id)


@router.post("/transcripts/{transcript_id}/suggestions")
def suggestions(
    transcript_id: str, body: FlagIn, request: Request, principal: LeadDep
) -> dict[str, Any]:
    """Show (or hide) the autocoder's suggestions to this transcript's coders."""
    ctx = context(request)
    visible_transcript(ctx, principal, transcript_id)
    ctx.store.set_suggestions(transcript_id, body.enabled, actor=principal.name)
    return ctx.store.transcript(transcript_id)


@router.get("/agreement")
def agreement_summary(request: Request, principal: LeadDep) -> dict[str, Any]:
    """Turn-level agreement per code (pooled over transcripts) and per transcript."""
    result = agreement.summary(context(request))
    return {key: value.to_dict("records") for key, value in result.items()}


@router.get("/transcripts/{transcript_id}/disagreements")
def disagreements(transcript_id: str, request: Request, principal: LeadDep) -> list[dict[str, Any]]:
    """Turns where the coders' code sets differ, side by side."""
    ctx = context(request)
    visible_transcript(ctx, principal, transcript_id)
    return agreement.side_by_side(ctx, transcript_id, only_disagreements=True)


@router.post("/transcripts/{transcript_id}/consensus/agreed")
def consensus_from_agreement(
    transcript_id: str, request: Request, principal: LeadDep
) -> dict[str, Any]:
    """Add to ``consensus`` every code all coders applied to the same turn, over the text
    they *all* coded with it there (the intersection of their spans within the turn: text
    only one coder coded is not "agreed" and stays for the lead to decide). Codes already in
    consensus on that span are skipped."""
    ctx = context(request)
    view, _ = visible_transcript(ctx, principal, transcript_id)
    codings = [c for c in ctx.store.coding_list(transcript_id) if c.coder not in (AUTO,)]
    coders = sorted({c.coder for c in codings} - {CONSENSUS})
    if len(coders) < 2:
        raise HTTPException(400, "agreement needs codings from at least two coders")
    added = []
    for span in agreement.agreed_spans(codings, view.turns, coders):
        coding, created = ctx.store.apply_code(
            transcript_id,
            CONSENSUS,
            span["code_id"],
            span["start"],
            span["end"],
            "agreed by " + ", ".join(coders),
            actor=principal.name,
        )
        if created:
            added.append(coding_json(ctx, coding))
    return {"added": len(added), "codings": added}


@router.get("/audit")
def audit(
    request: Request, principal: LeadDep, limit: Annotated[int, Query(ge=1, le=10_000)] = 500
) -> list[dict[str, Any]]:
    """The newest ``limit`` audit entries (oldest first)."""
    frame = context(request).store.audit_log(limit=limit)
    frame["at"] = frame["at"].map(lambda t: t.isoformat())
    return frame.to_dict("records")


def _csv(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/export/codings.csv")
def export_csv(request: Request, principal: LeadDep) -> Response:
    """Every live coding (all layers) as ``codings.csv`` (the study's codings columns); text
    cells that a spreadsheet would run as a formula are neutralised (:mod:`coding.web.exports`)."""
    frame = context(request).store.codings()
    columns = ["coding_id", "transcript_id", "coder", "code_id", "start", "end", "memo"]
    return _csv(spreadsheet_csv(frame[columns]), "codings.csv")


@router.get("/export/memos.csv")
def export_memos(request: Request, principal: LeadDep) -> Response:
    """Every coder's transcript memos: ``transcript_id, coder, memo, version, updated_at``
    (formula-like cells neutralised, as in ``codings.csv``)."""
    frame = context(request).store.memos()
    frame["updated_at"] = frame["updated_at"].map(lambda t: t.isoformat())
    return _csv(spreadsheet_csv(frame), "memos.csv")


@router.get("/export/project.qdpx")
def export_qdpx(request: Request, principal: LeadDep) -> Response:
    """Corpus, codebook and codings as a REFI-QDA project (``coding.exchange.write_qdpx``)."""
    ctx = context(request)
    try:
        from coding.exchange import write_qdpx
    except ImportError as error:
        raise HTTPException(501, "QDPX export is not available in this installation") from error
    with tempfile.TemporaryDirectory() as folder:
        path = FilePath(folder) / "project.qdpx"
        write_qdpx(path, ctx.data.corpus, ctx.data.codebook, ctx.store.codings())
        payload = path.read_bytes()
    return Response(
        payload,
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="project.qdpx"'},
    )


__all__ = ["router"]
