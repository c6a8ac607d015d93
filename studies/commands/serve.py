"""``dyadlab serve STUDY``: the coding web app for a study's coding team.

Opens (creating on first run) the study's coding store (``store:`` in study.yaml, default
``sqlite:///coding.sqlite`` in the study folder), registers the transcripts, imports the
study's codings.csv on the first run, and serves the app with uvicorn. It binds to
127.0.0.1 by default: to reach it from other machines put it behind a TLS reverse proxy
(docs/coding-team.md) and pass ``--proxy-headers --forwarded-allow-ips <proxy address>``.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
from datetime import timedelta

from studies.errors import StudyError

log = logging.getLogger(__name__)


def register(cli) -> None:
    parser = cli.command("serve", "serve the coding web app for a study", _serve)
    parser.add_argument("study", metavar="STUDY", help="study id (studies/<id>) or folder")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--https", action="store_true", help="users reach the app over https (marks cookies Secure)"
    )
    parser.add_argument(
        "--proxy-headers",
        action="store_true",
        help="trust X-Forwarded-For/-Proto from the reverse proxy",
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        help="proxy addresses whose forwarded headers are trusted",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name users reach the app by (the Host header is checked; repeatable; "
        "--host, 127.0.0.1 and localhost are always allowed)",
    )
    parser.add_argument(
        "--session-hours",
        type=float,
        default=12,
        help="log a user out this many hours after she logged in, whatever her activity "
        "(default 12)",
    )
    parser.add_argument(
        "--idle-minutes",
        type=int,
        default=60,
        help="log a user out after this many idle minutes (default 60)",
    )


def build_app(
    study,
    *,
    https: bool = False,
    idle_minutes: int = 60,
    session_hours: float = 12,
    allowed_hosts: tuple[str, ...] = (),
):
    """Open and seed the study's store and return ``(app, store)`` (used by tests too).

    The app re-reads the study's transcripts when the store learns of new ones (``dyadlab
    import transcripts`` while it runs), so they appear without a restart.
    """
    from coding.store import CodingStore
    from coding.web.accounts import Accounts
    from coding.web.app import DEFAULT_HOSTS, create_app
    from coding.web.data import from_objects
    from coding.web.seed import seed_store

    corpus = study.transcripts()
    codebook = study.codebook()
    codings = None
    if study.has_table("codings") and study.data_path("codings").exists():
        from data_dictionary import read_table

        codings = read_table(study.data_path("codings"), "codings")
    store = CodingStore(study.store_url)
    try:
        seed_store(
            store,
            corpus,
            codings,
            source=str(study.data_path("codings")) if codings is not None else "codings.csv",
        )
    except BaseException:
        store.close()
        raise
    accounts = Accounts(store)
    if not (accounts.users()["role"] == "lead").any():
        log.warning(
            "no lead account yet: create one with `dyadlab users add %s NAME --role lead`", study.id
        )
    data = from_objects(corpus, codebook, name=study.name, corpus=corpus)

    def reload():
        from studies import load_study

        fresh = load_study(study.path, check_files=False)
        corpus = fresh.transcripts()
        return from_objects(corpus, fresh.codebook(), name=fresh.name, corpus=corpus)

    app = create_app(
        store,
        data,
        accounts=accounts,
        secure_cookies=https,
        idle_timeout=timedelta(minutes=idle_minutes),
        session_max_age=timedelta(hours=session_hours),
        allowed_hosts=(*DEFAULT_HOSTS, *allowed_hosts),
        reload=reload,
    )
    return app, store


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from studies import load_study

    if not 0 < args.port < 65536:
        raise StudyError(f"--port must be 1-65535, got {args.port}", field="port")
    if args.idle_minutes < 1:
        raise StudyError("--idle-minutes must be at least 1", field="idle-minutes")
    if not args.session_hours > 0:
        raise StudyError("--session-hours must be positive", field="session-hours")
    study = load_study(args.study, check_files=False)
    hosts = (args.host, *args.allowed_host)
    app, store = build_app(
        study,
        https=args.https,
        idle_minutes=args.idle_minutes,
        session_hours=args.session_hours,
        allowed_hosts=tuple(h for h in hosts if h not in ("0.0.0.0", "::")),
    )
    try:
        loopback = ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = args.host == "localhost"
    if not loopback and not args.https:
        log.warning(
            "binding to %s without --https: serve it only behind a TLS reverse proxy "
            "(see docs/coding-team.md)",
            args.host,
        )
    print(
        f"dyadlab serve: {study.name} on http://{args.host}:{args.port} "
        f"(store {store!r}); Ctrl+C stops"
    )
    try:
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            proxy_headers=args.proxy_headers,
            forwarded_allow_ips=args.forwarded_allow_ips,
            server_header=False,
            log_level="info" if args.verbose else "warning",
        )
    finally:
        store.close()
    return 0
