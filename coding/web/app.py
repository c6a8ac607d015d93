"""The coding web app: one FastAPI application, server-rendered pages plus a JSON API.

>>> from coding.store import CodingStore
>>> from coding.web.app import create_app
>>> from coding.web.data import from_objects
>>> app = create_app(CodingStore("sqlite:///coding.sqlite"),
...                  from_objects(study.transcripts(), study.codebook()))
>>> # uvicorn.run(app, host="127.0.0.1", port=8000)   (or: dyadlab serve demo)

Safety built in here: a Host header check, security headers on every response including
errors (a CSP that allows only this server's own scripts and styles, no framing, no
referrer), a request body limit (64 KiB by default), and one error shape —
``{"error": "..."}`` with a 4xx status — for bad requests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coding.errors import CodingError, LoginRequiredError, RequestTooLargeError
from coding.store import CodingStore, NotFoundError, StaleEditError
from coding.web import api, api_lead, views
from coding.web.accounts import Accounts, LoginThrottle
from coding.web.auth import SESSION_EXPIRED, AppContext
from coding.web.data import StudyData
from coding.web.ids import IdCipher

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
DEFAULT_HOSTS = ("127.0.0.1", "localhost", "[::1]")


class SecurityMiddleware:
    """The outermost guard: refuses a Host header that is not one of ``allowed_hosts`` (400;
    DNS rebinding and poisoned absolute links), bodies larger than ``max_body`` bytes (413),
    and turns any unexpected error into a plain 500 — every answer, errors included, carrying
    the security headers."""

    def __init__(self, app: ASGIApp, max_body: int, allowed_hosts: Iterable[str]) -> None:
        self.app = app
        self.max_body = max_body
        self.allowed_hosts = {h.lower() for h in allowed_hosts}

    def _host_allowed(self, headers: dict[bytes, bytes]) -> bool:
        if "*" in self.allowed_hosts:
            return True
        host = headers.get(b"host", b"").decode("latin-1").lower()
        if host.startswith("["):  # [::1]:8000
            name = host.split("]")[0] + "]"
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return name in self.allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if not self._host_allowed(headers):
            refused = JSONResponse({"error": "unknown Host header"}, status_code=400)
            await self._send_with_headers(refused, scope, receive, send)
            return
        declared = headers.get(b"content-length")
        too_big = JSONResponse(
            {"error": f"request body larger than {self.max_body} bytes"}, status_code=413
        )
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await self._send_with_headers(too_big, scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise RequestTooLargeError("request body too large")
            return message

        async def secured_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                if b"cache-control" not in names and not scope["path"].startswith("/static/"):
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        try:
            await self.app(scope, limited_receive, secured_send)
        except RequestTooLargeError:
            await self._send_with_headers(too_big, scope, receive, send)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await self._send_with_headers(
                JSONResponse({"error": "internal error (logged on the server)"}, status_code=500),
                scope,
                receive,
                send,
            )

    async def _send_with_headers(
        self, response: Response, scope: Scope, receive: Receive, send: Send
    ) -> None:
        async def secured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await response(scope, receive, secured_send)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(
    store: CodingStore,
    data: StudyData,
    *,
    secure_cookies: bool = False,
    idle_timeout: timedelta = timedelta(minutes=60),
    session_max_age: timedelta = timedelta(hours=12),
    max_body: int = 64 * 1024,
    login_throttle: LoginThrottle | None = None,
    accounts: Accounts | None = None,
    allowed_hosts: Iterable[str] = DEFAULT_HOSTS,
    reload: Callable[[], StudyData] | None = None,
) -> FastAPI:
    """Build the app over an opened store and the study's transcripts and codebook.

    ``secure_cookies=True`` marks the session cookie ``Secure`` (set it when users reach the
    app over https, e.g. behind a TLS reverse proxy); ``dyadlab serve`` decides from
    ``--https``. ``accounts`` are the logins kept in the store's database (default:
    :class:`~coding.web.accounts.Accounts` with argon2-cffi's default hasher). A session
    ends after ``idle_timeout`` without a request and ``session_max_age`` after login.
    ``allowed_hosts`` are the names users reach the server by (the Host header; ``"*"``
    turns the check off). ``reload`` re-reads the study's transcripts and codebook, so that
    transcripts imported while the server runs appear without a restart.
    """
    app = FastAPI(
        title=f"dyadlab coding — {data.name}",
        description="JSON API of the dyadlab coding web app. Log in through /login; send the "
        "session cookie and, on every POST/PUT/PATCH/DELETE, the X-CSRF-Token header "
        "(GET /api/me returns it).",
        version="1",
        # FastAPI's own /docs pulls Swagger UI from a CDN: nothing may phone home, so the
        # schema and a plain reference page are served by views.py, to leads only.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    accounts = accounts or Accounts(store)
    app.state.ctx = AppContext(
        store=store,
        accounts=accounts,
        data=data,
        idle_timeout=idle_timeout,
        session_max_age=session_max_age,
        secure_cookies=secure_cookies,
        throttle=login_throttle or LoginThrottle(),
        ids=IdCipher(accounts.secret("coding_ids")),
        reload=reload,
    )
    app.add_middleware(SecurityMiddleware, max_body=max_body, allowed_hosts=allowed_hosts)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(api_lead.router)
    app.include_router(views.router)

    @app.exception_handler(LoginRequiredError)
    async def _login_required(request: Request, error: LoginRequiredError) -> Response:
        expired = error.message == SESSION_EXPIRED
        if _is_api(request):
            return JSONResponse(
                {"error": error.message, "login_required": True, "expired": expired},
                status_code=401,
            )
        return RedirectResponse("/login?expired=1" if expired else "/login", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, error: HTTPException) -> Response:
        if _is_api(request) or error.status_code not in (403, 404):
            return JSONResponse(
                {"error": str(error.detail)},
                status_code=error.status_code,
                headers=getattr(error, "headers", None),
            )
        return views.error_page(request, error.status_code, str(error.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body')}: {e.get('msg')}"
            for e in error.errors()
        )
        return JSONResponse({"error": f"invalid request: {problems}"}, status_code=422)

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, error: NotFoundError) -> Response:
        return JSONResponse({"error": error.message, "field": error.field}, status_code=404)

    @app.exception_handler(StaleEditError)
    async def _stale(request: Request, error: StaleEditError) -> Response:
        return JSONResponse({"error": error.message, "field": error.field}, status_code=409)

    @app.exception_handler(CodingError)
    async def _bad(request: Request, error: CodingError) -> Response:
        return JSONResponse({"error": error.message, "field": error.field}, status_code=400)

    return app
