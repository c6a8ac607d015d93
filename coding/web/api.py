"""The JSON API behind every page action (documented at ``/docs`` by FastAPI's OpenAPI).

Every route takes the logged-in :class:`~coding.web.auth.Principal` from the shared
dependencies, so the access rules of :mod:`coding.web.auth` hold for scripts and pages alike.
Writes return only after the store committed them.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from coding.store import AUTO, CONSENSUS, Coding
from coding.web import agreement
from coding.web.auth import (
    AppContext,
    LeadDep,
    UserDep,
    coding_for_write,
    context,
    visible_coders,
    visible_transcript,
    writable_layers,
)

router = APIRouter(prefix="/api", tags=["api"])


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CodingIn(_Body):
    code_id: str = Field(min_length=1, max_length=128)
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    memo: str = Field(default="", max_length=20_000)
    coder: str | None = Field(
        default=None, description="layer; default: your own (a lead: consensus)"
    )


class CodingPatch(_Body):
    version: int = Field(ge=1, description="the version you read (optimistic concurrency)")
    code_id: str | None = Field(default=None, min_length=1, max_length=128)
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, gt=0)
    memo: str | None = Field(default=None, max_length=20_000)


class DoneIn(_Body):
    done: bool = True


class MemoIn(_Body):
    text: str = Field(max_length=20_000)


class FlagIn(_Body):
    enabled: bool


class AssignIn(_Body):
    coder: str = Field(min_length=1, max_length=64)


def _ctx(request: Request) -> AppContext:
    return context(request)


def _check_code(ctx: AppContext, code_id: str | None) -> None:
    if code_id is not None and ctx.data.code(code_id) is None:
        raise HTTPException(400, f"unknown code {code_id!r}: not in the study's codebook")


def _coding_json(coding: Coding) -> dict[str, Any]:
    return coding.as_dict()


@router.get("/me")
def me(principal: UserDep) -> dict[str, Any]:
    """Who you are, your role and the CSRF token to send in ``X-CSRF-Token``."""
    return {
        "name": principal.name,
        "role": principal.user.role,
        "layer": principal.layer,
        "csrf_token": principal.csrf,
    }


@router.get("/codebook")
def codebook(request: Request, principal: UserDep) -> list[dict[str, Any]]:
    """The codes: ``id, name, color, definition, include, exclude, parent``."""
    return [vars(code) for code in _ctx(request).data.codes]


@router.get("/transcripts")
def transcripts(request: Request, principal: UserDep) -> list[dict[str, Any]]:
    """Transcripts you may open, with assignment and progress."""
    ctx = _ctx(request)
    table = ctx.store.transcripts()
    counts = ctx.store.assignments()
    out = []
    for row in table.to_dict("records"):
        if row["transcript_id"] not in ctx.data.transcripts:
            continue
        if not principal.is_lead and principal.name not in row["coders"]:
            continue
        mine = counts[
            (counts.transcript_id == row["transcript_id"]) & (counts.coder == principal.name)
        ]
        row["my_codings"] = int(mine["n_codings"].sum())
        row["my_done"] = principal.name in row["done"]
        del row["text_sha256"]
        out.append(row)
    return out


@router.get("/transcripts/{transcript_id}")
def transcript(transcript_id: str, request: Request, principal: UserDep) -> dict[str, Any]:
    """Text, turns, the codings you may see, your pending suggestions and memo."""
    ctx = _ctx(request)
    view, info = visible_transcript(ctx, principal, transcript_id)
    coders = visible_coders(principal, info)
    codings = ctx.store.coding_list(transcript_id, coders=coders)
    suggestions = []
    if info["suggestions_enabled"] and not principal.is_lead:
        suggestions = ctx.store.suggestions(transcript_id, principal.name)
    return {
        "id": view.id,
        "text": view.text,
        "turns": [vars(t) for t in view.turns],
        "layer": principal.layer,
        "reconciliation_open": info["reconciliation_open"],
        "suggestions_enabled": info["suggestions_enabled"],
        "done": principal.name in info["done"],
        "codings": [_coding_json(c) for c in codings if c.coder != AUTO or principal.is_lead],
        "suggestions": [_coding_json(c) for c in suggestions],
        "memo": ctx.store.memo(transcript_id, principal.name),
    }


@router.post("/transcripts/{transcript_id}/codings", status_code=201)
def add_coding(
    transcript_id: str, body: CodingIn, request: Request, principal: UserDep
) -> dict[str, Any]:
    """Apply a code to ``[start, end)`` of the text (in your layer; a lead may pick
    ``consensus``)."""
    ctx = _ctx(request)
    view, _ = visible_transcript(ctx, principal, transcript_id)
    layer = body.coder or principal.layer
    if layer not in writable_layers(principal):
        raise HTTPException(403, f"you may not write into {layer!r}'s layer")
    _check_code(ctx, body.code_id)
    if not body.start < body.end <= len(view.text):
        raise HTTPException(
            400,
            f"span [{body.start}, {body.end}) is outside the text "
            f"(length {len(view.text)}) or empty",
        )
    coding = ctx.store.add_coding(
        transcript_id, layer, body.code_id, body.start, body.end, body.memo, actor=principal.name
    )
    return _coding_json(coding)


@router.patch("/codings/{coding_id}")
def update_coding(
    coding_id: int, body: CodingPatch, request: Request, principal: UserDep
) -> dict[str, Any]:
    """Change code, span or memo; send the ``version`` you read (409 when stale)."""
    ctx = _ctx(request)
    coding_for_write(ctx, principal, coding_id)
    _check_code(ctx, body.code_id)
    coding = ctx.store.update_coding(
        coding_id,
        body.version,
        code_id=body.code_id,
        start=body.start,
        end=body.end,
        memo=body.memo,
        actor=principal.name,
    )
    return _coding_json(coding)


@router.delete("/codings/{coding_id}")
def delete_coding(
    coding_id: int, request: Request, principal: UserDep, version: int | None = None
) -> dict[str, Any]:
    """Delete (softly) one of your codings; ``?version=`` guards against stale deletes."""
    ctx = _ctx(request)
    coding_for_write(ctx, principal, coding_id)
    return _coding_json(ctx.store.delete_coding(coding_id, version, actor=principal.name))


@router.post("/suggestions/{coding_id}/{decision}")
def review_suggestion(
    coding_id: int, decision: str, request: Request, principal: UserDep
) -> dict[str, Any]:
    """``accept`` (copy into your layer) or ``reject`` an autocoder suggestion."""
    ctx = _ctx(request)
    if decision not in ("accept", "reject"):
        raise HTTPException(404, "decision must be accept or reject")
    try:
        suggestion = ctx.store.get_coding(coding_id)
    except Exception as error:
        raise HTTPException(404, f"no suggestion {coding_id}") from error
    _, info = visible_transcript(ctx, principal, suggestion.transcript_id)
    if suggestion.coder != AUTO or not info["suggestions_enabled"] or principal.is_lead:
        raise HTTPException(404, f"no suggestion {coding_id}")
    copy = ctx.store.review_suggestion(coding_id, principal.name, decision == "accept")
    return {"accepted": copy is not None, "coding": None if copy is None else _coding_json(copy)}


@router.post("/transcripts/{transcript_id}/done")
def mark_done(
    transcript_id: str, body: DoneIn, request: Request, principal: UserDep
) -> dict[str, Any]:
    """Mark your coding of this transcript done (or not)."""
    ctx = _ctx(request)
    _, info = visible_transcript(ctx, principal, transcript_id)
    if principal.name not in info["coders"]:
        raise HTTPException(400, "this transcript is not assigned to you")
    ctx.store.set_done(transcript_id, principal.name, body.done)
    return {"transcript_id": transcript_id, "done": body.done}


@router.put("/transcripts/{transcript_id}/memo")
def put_memo(
    transcript_id: str, body: MemoIn, request: Request, principal: UserDep
) -> dict[str, Any]:
    """Replace your memo on this transcript."""
    ctx = _ctx(request)
    visible_transcript(ctx, principal, transcript_id)
    ctx.store.set_memo(transcript_id, principal.name, body.text)
    return {"transcript_id": transcript_id, "memo": body.text}


# -- lead --------------------------------------------------------------------------------


@router.post("/transcripts/{transcript_id}/assignments")
def assign(
    transcript_id: str, body: AssignIn, request: Request, principal: LeadDep
) -> dict[str, Any]:
    """Assign the transcript to a coder (lead)."""
    ctx = _ctx(request)
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
    ctx = _ctx(request)
    visible_transcript(ctx, principal, transcript_id)
    ctx.store.unassign(transcript_id, coder, actor=principal.name)
    return ctx.store.transcript(transcript_id)


@router.post("/transcripts/{transcript_id}/reconciliation")
def reconciliation(
    transcript_id: str, body: FlagIn, request: Request, principal: LeadDep
) -> dict[str, Any]:
    """Open (coders then see each other's codings) or close reconciliation."""
    ctx = _ctx(request)
    visible_transcript(ctx, principal, transcript_id)
    ctx.store.set_reconciliation(transcript_id, body.enabled, actor=principal.name)
    return ctx.store.transcript(transcript_id)


@router.post("/transcripts/{transcript_id}/suggestions")
def suggestions(
    transcript_id: str, body: FlagIn, request: Request, principal: LeadDep
) -> dict[str, Any]:
    """Show (or hide) the autocoder's suggestions to this transcript's coders."""
    ctx = _ctx(request)
    visible_transcript(ctx, principal, transcript_id)
    ctx.store.set_suggestions(transcript_id, body.enabled, actor=principal.name)
    return ctx.store.transcript(transcript_id)


@router.get("/agreement")
def agreement_summary(request: Request, principal: LeadDep) -> dict[str, Any]:
    """Turn-level agreement per code (pooled over transcripts) and per transcript."""
    result = agreement.summary(_ctx(request))
    return {key: value.to_dict("records") for key, value in result.items()}


@router.get("/transcripts/{transcript_id}/disagreements")
def disagreements(transcript_id: str, request: Request, principal: LeadDep) -> list[dict[str, Any]]:
    """Turns where the coders' code sets differ, side by side."""
    ctx = _ctx(request)
    visible_transcript(ctx, principal, transcript_id)
    return agreement.side_by_side(ctx, transcript_id, only_disagreements=True)


@router.post("/transcripts/{transcript_id}/consensus/agreed")
def consensus_from_agreement(
    transcript_id: str, request: Request, principal: LeadDep
) -> dict[str, Any]:
    """Add to ``consensus`` every code all coders applied to the same turn (the hull of their
    spans), using ``coding.reliability.reconcile``; codes already in consensus are skipped."""
    from coding.reliability import reconcile

    ctx = _ctx(request)
    visible_transcript(ctx, principal, transcript_id)
    frame = ctx.store.codings()
    frame = frame[(frame["transcript_id"] == transcript_id) & (frame["coder"] != AUTO)]
    turns = ctx.data.turns_frame()
    turns = turns[turns["transcript_id"] == transcript_id]
    coders = sorted(set(frame["coder"]) - {CONSENSUS})
    if len(coders) < 2:
        raise HTTPException(400, "agreement needs codings from at least two coders")
    decisions = pd.DataFrame(columns=["transcript_id", "code_id", "start", "end", "decision"])
    result = reconcile(frame, decisions, corpus=turns, coders=coders)
    have = {
        (r.code_id, int(r.start), int(r.end))
        for r in frame[frame["coder"] == CONSENSUS].itertuples()
    }
    added = []
    for row in result[result["coder"] == CONSENSUS].itertuples():
        key = (str(row.code_id), int(row.start), int(row.end))
        if key in have:
            continue
        have.add(key)
        memo = "" if pd.isna(row.memo) else str(row.memo)
        coding = ctx.store.add_coding(
            transcript_id, CONSENSUS, key[0], key[1], key[2], memo, actor=principal.name
        )
        added.append(_coding_json(coding))
    return {"added": len(added), "codings": added}


@router.get("/audit")
def audit(request: Request, principal: LeadDep, limit: int = 500) -> list[dict[str, Any]]:
    """The newest ``limit`` audit entries (oldest first)."""
    frame = _ctx(request).store.audit_log(limit=max(1, min(limit, 10_000)))
    frame["at"] = frame["at"].map(lambda t: t.isoformat())
    return frame.to_dict("records")


@router.get("/export/codings.csv")
def export_csv(request: Request, principal: LeadDep) -> Response:
    """Every live coding (all layers) as ``codings.csv`` (the study's codings columns)."""
    frame = _ctx(request).store.codings()
    buffer = io.StringIO()
    frame[["coding_id", "transcript_id", "coder", "code_id", "start", "end", "memo"]].to_csv(
        buffer, index=False
    )
    return Response(
        buffer.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="codings.csv"'},
    )


@router.get("/export/project.qdpx")
def export_qdpx(request: Request, principal: LeadDep) -> Response:
    """Corpus, codebook and codings as a REFI-QDA project (``coding.exchange.write_qdpx``)."""
    ctx = _ctx(request)
    try:
        from coding.exchange import write_qdpx
    except ImportError as error:
        raise HTTPException(501, "QDPX export is not available in this installation") from error
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "project.qdpx"
        write_qdpx(path, ctx.data.corpus, ctx.data.codebook, ctx.store.codings())
        payload = path.read_bytes()
    return Response(
        payload,
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="project.qdpx"'},
    )


__all__ = ["router"]
