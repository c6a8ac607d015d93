"""Who is asking, and may she: sessions, CSRF, login throttling and the access rules.

Pages and the JSON API share these FastAPI dependencies, so one rule decides for both:

* a session is a random token in an HttpOnly, SameSite=Strict cookie (``Secure`` when the app
  is served over https); the accounts keep only its SHA-256 and end it after ``idle_timeout``
  without a request or ``session_max_age`` after login, whatever the activity;
* every state-changing request carries the session's CSRF token (synchronizer pattern): the
  ``X-CSRF-Token`` header for the JSON API, a hidden ``csrf_token`` field for HTML forms;
* a coder sees only transcripts assigned to her and, until the lead opens reconciliation for
  a transcript, only her own codings, progress and memo there; guessing another id gives 404,
  not data, and coding ids are shown permuted (:mod:`coding.web.ids`);
* a coder writes only her own layer; a lead writes her own layer and ``consensus``.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from coding.errors import LoginRequiredError
from coding.store import CONSENSUS, Coding, CodingStore, NotFoundError
from coding.web.accounts import Accounts, LoginThrottle, User
from coding.web.data import StudyData, TranscriptView
from coding.web.ids import IdCipher

log = logging.getLogger(__name__)

SESSION_COOKIE = "dyadlab_session"
LOGIN_CSRF_COOKIE = "dyadlab_login_csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SESSION_EXPIRED = "your session has expired: log in again (what you were doing is kept)"
REFRESH_INTERVAL = 2.0  # seconds between checks for transcripts imported meanwhile


@dataclass
class AppContext:
    """The objects every request needs (kept on ``app.state.ctx``).

    ``reload`` (optional) re-reads the study's transcripts and codebook: when the store
    knows a transcript the app does not show yet (``dyadlab import transcripts`` ran while
    the server was up), :meth:`refresh` calls it, so the new transcript appears without a
    restart.
    """

    store: CodingStore
    accounts: Accounts
    data: StudyData
    idle_timeout: timedelta
    session_max_age: timedelta
    secure_cookies: bool
    throttle: LoginThrottle
    ids: IdCipher
    reload: Callable[[], StudyData] | None = None
    _checked: float = field(default=0.0, repr=False)
    _reloaded_for: frozenset = field(default_factory=frozenset, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def refresh(self) -> bool:
        """Re-read the study when the store holds transcripts the app does not show yet;
        returns whether it did. Looks at most every ``REFRESH_INTERVAL`` seconds, and
        re-reads once per new set of transcripts (a registered transcript whose file is
        missing does not make every request re-read the study)."""
        if self.reload is None:
            return False
        with self._lock:
            now = time.monotonic()
            if now - self._checked < REFRESH_INTERVAL:
                return False
            self._checked = now
            known = frozenset(self.store.transcripts()["transcript_id"])
            if known <= set(self.data.transcripts) or known == self._reloaded_for:
                return False
            self._reloaded_for = known
            self.data = self.reload()
            log.info("study re-read: %d transcripts", len(self.data.transcripts))
            return True


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


def context(request: Request) -> AppContext:
    return request.app.state.ctx


def optional_principal(request: Request) -> Principal | None:
    """The session's user, or None when there is no live session."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    ctx = context(request)
    found = ctx.accounts.session(token, ctx.idle_timeout, ctx.session_max_age)
    if found is None:
        return None
    return Principal(found.user, token, found.csrf)


async def require_user(request: Request) -> Principal:
    """The logged-in user; for unsafe methods also checks the CSRF token."""
    principal = await run_in_threadpool(optional_principal, request)
    if principal is None:
        expired = bool(request.cookies.get(SESSION_COOKIE))
        raise LoginRequiredError(SESSION_EXPIRED if expired else "log in first", field="session")
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
    if view is None and ctx.refresh():
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


def database_id(ctx: AppContext, public_id: int, what: str = "coding") -> int:
    """The database id behind a public coding id; 404 for a number that is none."""
    found = ctx.ids.decode(public_id)
    if found is None:
        raise HTTPException(404, f"no {what} {public_id}")
    return found


def coding_for_write(ctx: AppContext, principal: Principal, public_id: int) -> Coding:
    """A coding she may change: in a layer she writes, on a transcript she may see."""
    not_found = HTTPException(404, f"no coding {public_id}")
    try:
        coding = ctx.store.get_coding(database_id(ctx, public_id))
    except NotFoundError as error:
        raise not_found from error
    try:
        _, info = visible_transcript(ctx, principal, coding.transcript_id)
    except HTTPException as error:
        raise not_found from error
    if coding.coder not in writable_layers(principal):
        readable = visible_coders(principal, info)
        if readable is not None and coding.coder not in readable:
            raise not_found
        raise HTTPException(403, f"coding {public_id} belongs to {coding.coder}'s layer")
    return coding
