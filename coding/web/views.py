"""Server-rendered pages: login, the coder's list and transcript page, the lead's tools.

Templates are Jinja2 with autoescaping on for every template, so transcript text, memos and
code names are always escaped; page actions go through the JSON API (:mod:`coding.web.api`)
via ``static/app.js``, so there is one authorisation path.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from coding.store import CONSENSUS
from coding.web import agreement
from coding.web.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    LeadDep,
    UserDep,
    client_address,
    context,
    visible_transcript,
)

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """Render a page (autoescaped) with the common values every layout needs."""
    values.setdefault("principal", None)
    values.setdefault("csrf", values["principal"].csrf if values["principal"] else "")
    values["study_name"] = context(request).data.name
    return HTMLResponse(_env.get_template(template).render(**values), status_code=status)


def _secure(request: Request) -> bool:
    """Mark cookies Secure when configured, or when this request came over https (directly
    or, with uvicorn's ``--proxy-headers``, through a TLS reverse proxy)."""
    return context(request).secure_cookies or request.url.scheme == "https"


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message)


@router.get("/login")
def login_page(request: Request, expired: bool = False) -> Response:
    token = secrets.token_urlsafe(24)
    message = "Your session has expired: log in again." if expired else ""
    response = render(request, "login.html", login_csrf=token, message=message)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/login",
    )
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    ctx = context(request)
    form = await request.form()
    name = str(form.get("name", ""))[:64]
    password = str(form.get("password", ""))[:1024]
    sent = str(form.get("login_csrf", ""))
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    address = client_address(request)

    def again(message: str, status: int) -> Response:
        token = secrets.token_urlsafe(24)
        response = render(request, "login.html", status=status, login_csrf=token, message=message)
        response.set_cookie(
            LOGIN_CSRF_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=_secure(request),
            path="/login",
        )
        return response

    if not cookie or not secrets.compare_digest(sent, cookie):
        return again("Your login form expired; please try again.", 403)
    # The in-page "session expired" dialog sends the page's user: its pending request is then
    # replayed, so it must never run as anyone else (tests/coding/web/test_security.py).
    page_user = str(form.get("page_user", ""))[:64]
    if page_user and page_user != name:
        return again(
            f"This page belongs to {page_user}: log in as {page_user}, "
            "or reload the page to work as someone else.",
            409,
        )
    # Counted before the (slow) password check, so parallel attempts cannot slip past.
    reservation = ctx.throttle.reserve(name, address)
    if reservation is None:
        wait = ctx.throttle.retry_after(name, address)
        log.warning("login throttled: %r from %s", name, address)
        refused = ctx.throttle.refusal_to_audit(address)
        if refused:  # at most one entry per address per minute, however many arrive
            await run_in_threadpool(
                ctx.store.record,
                name or "(empty)",
                "login_refused",
                f"user:{name}",
                {"address": address, "refused_since_last_entry": refused},
            )
        response = again(
            f"Too many failed attempts; wait {max(1, wait // 60)} minute(s) and try again.", 429
        )
        response.headers["Retry-After"] = str(wait)
        return response
    user = None
    try:
        user = await run_in_threadpool(ctx.accounts.verify_password, name, password)
    finally:
        ctx.throttle.settle(reservation, succeeded=user is not None)
    if user is None:
        await run_in_threadpool(
            ctx.store.record,
            name or "(empty)",
            "login_failed",
            f"user:{name}",
            {"address": address},
        )
        return again("Wrong name or password.", 401)
    token, _ = await run_in_threadpool(ctx.accounts.create_session, user.name)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/"
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, principal: UserDep) -> Response:
    context(request).accounts.end_session(principal.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(request: Request, principal: UserDep) -> Response:
    ctx = context(request)
    ctx.refresh()
    table = ctx.store.transcripts()
    table = table[table["transcript_id"].isin(list(ctx.data.transcripts))]
    counts = ctx.store.assignments()
    if principal.is_lead:
        coders = ctx.accounts.users()
        coders = coders[(coders["role"] == "coder") & ~coders["disabled"]]["name"].tolist()
        # every coder account is offered; the ones a transcript already has are shown as such
        return render(
            request,
            "lead_home.html",
            principal=principal,
            transcripts=table.to_dict("records"),
            coders=coders,
            counts=counts.to_dict("records"),
        )
    mine = counts[counts["coder"] == principal.name]
    # progress: the turns (the reliability unit) her codings touch, per transcript
    touched = agreement.applied(ctx.store.codings(coder=principal.name), ctx.data.turns_frame())
    turns_coded = touched.drop_duplicates(["transcript_id", "turn"])["transcript_id"]
    turns_coded = turns_coded.value_counts().to_dict()
    rows = [
        {
            **row,
            "turns": len(ctx.data.transcripts[row["transcript_id"]].turns),
            "turns_coded": int(turns_coded.get(row["transcript_id"], 0)),
        }
        for row in mine.to_dict("records")
        if row["transcript_id"] in ctx.data.transcripts
    ]
    return render(request, "coder_home.html", principal=principal, rows=rows)


@router.get("/transcripts/{transcript_id}")
def transcript_page(transcript_id: str, request: Request, principal: UserDep) -> Response:
    ctx = context(request)
    view, info = visible_transcript(ctx, principal, transcript_id)
    palette = ctx.data.palette()
    return render(
        request,
        "transcript.html",
        principal=principal,
        transcript=view,
        info=info,
        palette=palette,
        themes=ctx.data.themes(),
        layer=principal.layer,
        coder_memos=_coder_memos(ctx, transcript_id, principal.name) if principal.is_lead else [],
    )


def _coder_memos(ctx, transcript_id: str, lead: str) -> list[dict[str, Any]]:
    """Each coder's (non-empty) memo on a transcript, for the lead (not her own)."""
    memos = ctx.store.memos(transcript_id)
    return [r for r in memos.to_dict("records") if r["coder"] != lead and r["memo"]]


@router.get("/lead/agreement")
def agreement_page(request: Request, principal: LeadDep) -> Response:
    result = agreement.summary(context(request))
    return render(
        request,
        "agreement.html",
        principal=principal,
        codes=result["codes"].to_dict("records"),
        transcripts=result["transcripts"].to_dict("records"),
    )


@router.get("/lead/transcripts/{transcript_id}/reconcile")
def reconcile_page(
    transcript_id: str, request: Request, principal: LeadDep, all: bool = False
) -> Response:
    ctx = context(request)
    view, info = visible_transcript(ctx, principal, transcript_id)
    rows = agreement.side_by_side(ctx, transcript_id, only_disagreements=not all)
    coders = sorted({c for row in rows for c in row["coders"]} | set(info["coders"]))
    return render(
        request,
        "reconcile.html",
        principal=principal,
        transcript=view,
        info=info,
        rows=rows,
        coders=coders,
        consensus=CONSENSUS,
        show_all=all,
        coder_memos=_coder_memos(ctx, transcript_id, principal.name),
    )


@router.get("/lead/audit")
def audit_page(request: Request, principal: LeadDep) -> Response:
    frame = context(request).store.audit_log(limit=500)
    return render(
        request, "audit.html", principal=principal, entries=list(reversed(frame.to_dict("records")))
    )


@router.get("/openapi.json")
def openapi_schema(request: Request, principal: LeadDep) -> Response:
    """The OpenAPI schema of the JSON API (leads only)."""
    from fastapi.responses import JSONResponse

    return JSONResponse(request.app.openapi())


@router.get("/docs")
def api_docs(request: Request, principal: LeadDep) -> Response:
    """A self-contained API reference built from the OpenAPI schema (no external assets)."""
    spec = request.app.openapi()
    routes = [
        {
            "method": method.upper(),
            "path": path,
            "summary": op.get("summary", ""),
            "description": op.get("description", ""),
            "body": _body_fields(spec, op),
        }
        for path, methods in spec.get("paths", {}).items()
        for method, op in methods.items()
    ]
    return render(
        request,
        "api_docs.html",
        principal=principal,
        routes=routes,
        description=spec.get("info", {}).get("description", ""),
    )


def _body_fields(spec: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    schema = spec.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
    required = set(schema.get("required", []))
    return [f"{name}{'' if name in required else '?'}" for name in schema.get("properties", {})]
