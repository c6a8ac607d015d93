"""The JSON API behind every coder's page action (documented at ``/docs`` from the OpenAPI
schema); the lead's tools are in :mod:`coding.web.api_lead`.

Every route takes the logged-in :class:`~coding.web.auth.Principal` from the shared
dependencies, so the access rules of :mod:`coding.web.auth` hold for scripts and pages alike.
Writes return only after the store committed them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from coding.exchange import XML_INCOMPATIBLE
from coding.store import AUTO, Coding, NotFoundError, StaleEditError
from coding.web.auth import (
    AppContext,
    UserDep,
    coding_for_write,
    context,
    database_id,
    visible_coders,
    visible_transcript,
    writable_layers,
)
from coding.web.ids import MAX_PUBLIC_ID

router = APIRouter(prefix="/api", tags=["api"])
MAX_OFFSET = 1_000_000_000  # far beyond any transcript; keeps numbers inside SQL integers
MAX_VERSION = 2**31 - 1
PublicId = Annotated[int, Path(ge=0, le=MAX_PUBLIC_ID, description="a coding's public id")]

def _xml_compatible(text: str) -> str:
    """``text`` unchanged, or ValueError when it holds a character XML 1.0 cannot carry (C0
    controls but tab, LF, CR; surrogates; U+FFFE, U+FFFF): a memo holding one would break the
    REFI-QDA export, so it is refused on input (422 naming the field)."""
    bad = XML_INCOMPATIBLE.search(text)
    if bad is not None:
        raise ValueError(
            f"holds the control character U+{ord(bad.group()):04X} at character "
            f"{bad.start()}, which exports cannot carry; remove it"
        )
    return text


MemoText = Annotated[str, AfterValidator(_xml_compatible)]


class StrictBody(BaseModel):
    """A request body that refuses unknown fields (422)."""

    model_config = ConfigDict(extra="forbid")


class CodingIn(StrictBody):
    code_id: str = Field(min_length=1, max_length=128)
    start: int = Field(ge=0, le=MAX_OFFSET)
    end: int = Field(gt=0, le=MAX_OFFSET)
    memo: MemoText = Field(default="", max_length=20_000)
    coder: str | None = Field(
        default=None, description="layer; default: your own (a lead: consensus)"
    )


class CodingPatch(StrictBody):
    version: int = Field(
        ge=1, le=MAX_VERSION, description="the version you read (optimistic concurrency)"
    )
    code_id: str | None = Field(default=None, min_length=1, max_length=128)
    start: int | None = Field(default=None, ge=0, le=MAX_OFFSET)
    end: int | None = Field(default=None, gt=0, le=MAX_OFFSET)
    memo: MemoText | None = Field(default=None, max_length=20_000)


class DoneIn(StrictBody):
    done: bool = True


class MemoIn(StrictBody):
    text: MemoText = Field(max_length=20_000)
    version: int | None = Field(
        default=None,
        ge=0,
        le=MAX_VERSION,
        description="the memo version you read (0: there was none); 409 when it changed",
    )


def _check_code(ctx: AppContext, code_id: str | None) -> None:
    if code_id is not None and ctx.data.code(code_id) is None:
        raise HTTPException(400, f"unknown code {code_id!r}: not in the study's codebook")


def coding_json(ctx: AppContext, coding: Coding) -> dict[str, Any]:
    """A coding as the API shows it: ids permuted (:mod:`coding.web.ids`)."""
    out = coding.as_dict()
    out["id"] = ctx.ids.encode(coding.id)
    if coding.suggestion_of is not None:
        out["suggestion_of"] = ctx.ids.encode(coding.suggestion_of)
    return out


def _conflict(error: StaleEditError, current: dict[str, Any] | None) -> JSONResponse:
    """409 with what is stored now, so the page can keep what the loser typed beside it."""
    return JSONResponse(
        {"error": error.message, "field": error.field, "current": current}, status_code=409
    )


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
    return [vars(code) for code in context(request).data.codes]


@router.get("/transcripts")
def transcripts(request: Request, principal: UserDep) -> list[dict[str, Any]]:
    """Transcripts you may open with your progress (a lead also sees every coder's)."""
    ctx = context(request)
    ctx.refresh()
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
        if not principal.is_lead:  # blind: who else codes it, and whether she is done
            del row["coders"], row["done"]
        out.append(row)
    return out


@router.get("/transcripts/{transcript_id}")
def transcript(transcript_id: str, request: Request, principal: UserDep) -> dict[str, Any]:
    """Text, turns, the codings you may see, your pending suggestions and your memo (a lead
    also reads every coder's memo)."""
    ctx = context(request)
    view, info = visible_transcript(ctx, principal, transcript_id)
    coders = visible_coders(principal, info)
    codings = ctx.store.coding_list(transcript_id, coders=coders)
    suggestions = []
    if info["suggestions_enabled"] and not principal.is_lead:
        suggestions = ctx.store.suggestions(transcript_id, principal.name)
    memo = ctx.store.memo_record(transcript_id, principal.name)
    out = {
        "id": view.id,
        "text": view.text,
        "turns": [vars(t) for t in view.turns],
        "layer": principal.layer,
        "reconciliation_open": info["reconciliation_open"],
        "suggestions_enabled": info["suggestions_enabled"],
        "done": principal.name in info["done"],
        "codings": [coding_json(ctx, c) for c in codings if c.coder != AUTO or principal.is_lead],
        "suggestions": [coding_json(ctx, c) for c in suggestions],
        "memo": memo.text,
        "memo_version": memo.version,
    }
    if principal.is_lead:
        memos = ctx.store.memos(transcript_id)
        out["coder_memos"] = [
            {"coder": r.coder, "memo": r.memo, "updated_at": r.updated_at.isoformat()}
            for r in memos.itertuples()
            if r.coder != principal.name and r.memo
        ]
    return out


@router.post("/transcripts/{transcript_id}/codings", status_code=201)
def add_coding(
    transcript_id: str, body: CodingIn, request: Request, response: Response, principal: UserDep
) -> dict[str, Any]:
    """Apply a code to ``[start, end)`` of the text (in your layer; a lead may pick
    ``consensus``). Idempotent: when that layer already has this code on exactly this span,
    the existing coding is returned with 200 and nothing is added (a double click or a
    repeated key press makes no duplicate)."""
    ctx = context(request)
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
    coding, created = ctx.store.apply_code(
        transcript_id, layer, body.code_id, body.start, body.end, body.memo, actor=principal.name
    )
    if not created:
        response.status_code = 200
    return coding_json(ctx, coding)


@router.patch("/codings/{coding_id}", response_model=None)
def update_coding(
    coding_id: PublicId, body: CodingPatch, request: Request, principal: UserDep
) -> dict[str, Any] | JSONResponse:
    """Change code, span or memo; send the ``version`` you read. When the coding changed
    meanwhile the answer is 409 with ``current`` (the stored coding, null when deleted)."""
    ctx = context(request)
    stored = coding_for_write(ctx, principal, coding_id)
    _check_code(ctx, body.code_id)
    try:
        coding = ctx.store.update_coding(
            stored.id,
            body.version,
            code_id=body.code_id,
            start=body.start,
            end=body.end,
            memo=body.memo,
            actor=principal.name,
        )
    except StaleEditError as error:
        current = ctx.store.get_coding(stored.id)
        return _conflict(error, None if current.deleted_at else coding_json(ctx, current))
    return coding_json(ctx, coding)


@router.delete("/codings/{coding_id}")
def delete_coding(
    coding_id: PublicId,
    request: Request,
    principal: UserDep,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
) -> dict[str, Any]:
    """Delete (softly) one of your codings; ``?version=`` guards against stale deletes."""
    ctx = context(request)
    stored = coding_for_write(ctx, principal, coding_id)
    return coding_json(ctx, ctx.store.delete_coding(stored.id, version, actor=principal.name))


@router.post("/suggestions/{coding_id}/{decision}")
def review_suggestion(
    coding_id: PublicId, decision: str, request: Request, principal: UserDep
) -> dict[str, Any]:
    """``accept`` (copy into your layer) or ``reject`` an autocoder suggestion. Every
    refusal is the same 404, so the answer never tells which transcript an id belongs to."""
    ctx = context(request)
    not_found = HTTPException(404, f"no suggestion {coding_id}")
    if decision not in ("accept", "reject"):
        raise not_found
    try:
        suggestion = ctx.store.get_coding(database_id(ctx, coding_id, "suggestion"))
        _, info = visible_transcript(ctx, principal, suggestion.transcript_id)
    except (NotFoundError, HTTPException) as error:
        raise not_found from error
    if suggestion.coder != AUTO or not info["suggestions_enabled"] or principal.is_lead:
        raise not_found
    try:
        copy = ctx.store.review_suggestion(suggestion.id, principal.name, decision == "accept")
    except NotFoundError as error:
        raise not_found from error
    return {
        "accepted": copy is not None,
        "coding": None if copy is None else coding_json(ctx, copy),
    }


@router.post("/transcripts/{transcript_id}/done")
def mark_done(
    transcript_id: str, body: DoneIn, request: Request, principal: UserDep
) -> dict[str, Any]:
    """Mark your coding of this transcript done (or not)."""
    ctx = context(request)
    _, info = visible_transcript(ctx, principal, transcript_id)
    if principal.name not in info["coders"]:
        raise HTTPException(400, "this transcript is not assigned to you")
    ctx.store.set_done(transcript_id, principal.name, body.done)
    return {"transcript_id": transcript_id, "done": body.done}


@router.put("/transcripts/{transcript_id}/memo", response_model=None)
def put_memo(
    transcript_id: str, body: MemoIn, request: Request, principal: UserDep
) -> dict[str, Any] | JSONResponse:
    """Replace your memo on this transcript. Send the ``version`` you read: when the memo
    was saved elsewhere meanwhile (another tab), the answer is 409 with ``current`` (the
    stored text and version) and nothing is overwritten."""
    ctx = context(request)
    visible_transcript(ctx, principal, transcript_id)
    try:
        memo = ctx.store.set_memo(transcript_id, principal.name, body.text, body.version)
    except StaleEditError as error:
        current = ctx.store.memo_record(transcript_id, principal.name)
        return _conflict(error, {"text": current.text, "version": current.version})
    return {"transcript_id": transcript_id, "memo": memo.text, "version": memo.version}


__all__ = ["router"]
