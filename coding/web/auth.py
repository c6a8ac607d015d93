"""Who is asking, and may she: sessions, CSRF, login rate limiting and the access rules.

Pages and the JSON API share these FastAPI dependencies, so one rule decides for both:

* a session is a random token in an HttpOnly, SameSite=Strict cookie (``Secure`` when the app
  is served over https); the store keeps only its SHA-256 and ends it after ``idle_timeout``;
* every state-changing request carries the session's CSRF token (synchronizer pattern): the
  ``X-CSRF-Token`` header for the JSON API, a hidden ``csrf_token`` field for HTML forms;
* a coder sees only transcripts assigned to her and, until the lead opens reconciliation for
  a transcript, only her own codings there; guessing another id gives 404, not data;
* a coder writes only her own layer; a lead writes her own layer and ``consensus``.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from coding.errors import LoginRequiredError
from coding.store import CONSENSUS, Coding, CodingStore, NotFoundError
from coding.web.accounts import Accounts, User
from coding.web.data import StudyData, TranscriptView

SESSION_COOKIE = "dyadlab_session"
LOGIN_CSRF_COOKIE = "dyadlab_login_csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass
class AppContext:
    """The objects every request needs (kept on ``app.state.ctx``)."""

    store: CodingStore
    accounts: Accounts
    data: StudyData
    idle_timeout: timedelta
    secure_cookies: bool
    limiter: LoginLimiter


@dataclass(frozen=True)
class Principal:
    """The logged-in user of this request, her session token and its CSRF token."""

    user: User
    token: str
    csrf: str

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def is_lead(self) -> bool:
        return self.user.role == "lead"

    @property
    def layer(self) -> str:
        """The coder layer her coding page writes into (a lead codes the consensus)."""
        return CONSENSUS if self.is_lead else self.user.name


class LoginLimiter:
    """At most ``max_failures`` failed logins per (user, client address) per ``window`` s."""

    def __init__(self, max_failures: int = 5, window: float = 300.0) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures[key]
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def blocked(self, user: str, address: str) -> bool:
        with self._lock:
            return len(self._recent((user, address), time.monotonic())) >= self.max_failures

    def failed(self, user: str, address: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent((user, address), now).append(now)

    def succeeded(self, user: str, address: str) -> None:
        with self._lock:
            self._failures.pop((user, address), None)


def context(request: Request) -> AppContext:
    return request.app.state.ctx


def optional_principal(request: Request) -> Principal | None:
    """The session's user, or None when there is no live session."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    ctx = context(request)
    found = ctx.accounts.session(token, ctx.idle_timeout)
    if found is None:
        return None
    return Principal(found.user, token, found.csrf)


async def require_user(request: Request) -> Principal:
    """The logged-in user; for unsafe methods also checks the CSRF token."""
    principal = await run_in_threadpool(optional_principal, request)
    if principal is None:
        raise LoginRequiredError("log in first")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
        if not sent or not secrets.compare_digest(sent, principal.csrf):
            raise HTTPException(403, "missing or wrong CSRF token (reload the page)")
    return principal


UserDep = Annotated[Principal, Depends(require_user)]


async def require_lead(principal: UserDep) -> Principal:
    if not principal.is_lead:
        raise HTTPException(403, "only a lead may do this")
    return principal


LeadDep = Annotated[Principal, Depends(require_lead)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# -- access rules ---------------------------------------------------------------------------


def visible_transcript(
    ctx: AppContext, principal: Principal, transcript_id: str
) -> tuple[TranscriptView, dict[str, Any]]:
    """The transcript and its store row, if she may see it; 404 otherwise (no hint)."""
    view = ctx.data.transcripts.get(transcript_id)
    if view is None:
        raise HTTPException(404, f"no transcript {transcript_id!r}")
    try:
        info = ctx.store.transcript(transcript_id)
    except NotFoundError as error:
        raise HTTPException(404, f"no transcript {transcript_id!r}") from error
    if not principal.is_lead and principal.name not in info["coders"]:
        raise HTTPException(404, f"no transcript {transcript_id!r}")
    return view, info


def visible_coders(principal: Principal, info: dict[str, Any]) -> list[str] | None:
    """Whose codings she may read on this transcript (None = everyone's).

    Blind double-coding: a coder reads only her own layer until reconciliation is open.
    """
    if principal.is_lead or info["reconciliation_open"]:
        return None
    return [principal.name]


def writable_layers(principal: Principal) -> set[str]:
    return {principal.name, CONSENSUS} if principal.is_lead else {principal.name}


def coding_for_write(ctx: AppContext, principal: Principal, coding_id: int) -> Coding:
    """A coding she may change: in a layer she writes, on a transcript she may see."""
    try:
        coding = ctx.store.get_coding(coding_id)
    except NotFoundError as error:
        raise HTTPException(404, f"no coding {coding_id}") from error
    try:
        _, info = visible_transcript(ctx, principal, coding.transcript_id)
    except HTTPException as error:
        raise HTTPException(404, f"no coding {coding_id}") from error
    if coding.coder not in writable_layers(principal):
        readable = visible_coders(principal, info)
        if readable is not None and coding.coder not in readable:
            raise HTTPException(404, f"no coding {coding_id}")
        raise HTTPException(403, f"coding {coding_id} belongs to {coding.coder}'s layer")
    return coding
