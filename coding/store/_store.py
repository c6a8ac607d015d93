"""The coding store: every coder's spans, accounts, assignments and an append-only audit log.

A :class:`CodingStore` wraps one SQL database (SQLite by default, PostgreSQL for a team
server) and is the only writer of coded spans; the web app and the CLI go through it. Every
change is one transaction that also appends its audit entry (who, what, before, after), and a
method returns only after the transaction is committed — with SQLite's ``synchronous=FULL``
an acknowledged coding survives a killed process.

Edits use optimistic concurrency: each coding carries a ``version``; ``update_coding(id,
expected_version, ...)`` succeeds only when nobody changed the coding since the caller read
it, otherwise :class:`StaleEditError` says so (two browser tabs cannot silently overwrite each
other). Deletion is soft (``deleted_at``), so the history stays reconstructible.

>>> from coding.store import CodingStore
>>> store = CodingStore("sqlite:///coding.sqlite")
>>> store.register_transcripts({"T01": "INTERVIEWER: How was the birth?\\n\\nP01: Hard."})
>>> c = store.add_coding("T01", "coder_a", "delivery_pain", 38, 43, memo="short answer")
>>> store.update_coding(c.id, c.version, code_id="stigma").version
2
>>> store.codings(coder="coder_a")[["transcript_id", "code_id", "start", "end"]]
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import secrets
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from coding.errors import NotFoundError, StaleEditError, StoreError
from coding.store import _schema as s
from coding.store._commit import GroupCommitter

log = logging.getLogger(__name__)

ROLES = ("lead", "coder")
CONSENSUS = "consensus"
AUTO = "auto"
RESERVED_CODERS = (CONSENSUS, AUTO)
CODING_COLUMNS = [
    "coding_id",
    "transcript_id",
    "coder",
    "code_id",
    "start",
    "end",
    "memo",
    "created_at",
    "updated_at",
]
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")
DEFAULT_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (argon2-cffi default)


@dataclass(frozen=True)
class Coding:
    """One coded span ``[start, end)`` of a transcript's text, as stored."""

    id: int
    transcript_id: str
    coder: str
    code_id: str
    start: int
    end: int
    memo: str
    version: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    suggestion_of: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (timestamps in ISO 8601, UTC)."""
        out = asdict(self)
        for key in ("created_at", "updated_at", "deleted_at"):
            if out[key] is not None:
                out[key] = out[key].isoformat() + "Z"
        return out


@dataclass(frozen=True)
class User:
    """An account: ``role`` is ``lead`` or ``coder``."""

    name: str
    role: str
    disabled: bool


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _check_name(name: str, what: str = "coder") -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise StoreError(
            f"{what} name {name!r} is not valid: expected 1-64 letters, digits, '_', '.', '-'",
            field=what,
        )
    return name


class CodingStore:
    """A coding database at a SQLAlchemy ``url`` (created with its tables if missing).

    Parameters
    ----------
    url:
        ``sqlite:///path/coding.sqlite`` (default kind) or
        ``postgresql+psycopg://user:password@host/database``.
    password_hasher:
        An ``argon2.PasswordHasher``; the default is argon2-cffi's (argon2id, t=3, 64 MiB).
        Tests pass a cheaper one; stored hashes carry their parameters, and a login with a
        hash made under other parameters re-hashes it with these.
    group_commit:
        SQLite only: let concurrent writes of this process share one durable commit
        (:mod:`coding.store._commit`); False commits each write on its own (the benchmark's
        baseline).
    """

    def __init__(
        self,
        url: str,
        password_hasher: PasswordHasher | None = None,
        *,
        group_commit: bool = True,
    ) -> None:
        self.url = url
        self._hasher = password_hasher or DEFAULT_HASHER
        self._dummy_hash: str | None = None
        self._write, self._read = s.make_engines(url)
        # SQLite: one writer at a time and one disk flush per commit, so this process's
        # concurrent writes share commits (coding.store._commit); PostgreSQL does its own.
        self._committer = (
            GroupCommitter(self._write)
            if group_commit and self._write.dialect.name == "sqlite"
            else None
        )
        s.create_schema(self._write)

    def __repr__(self) -> str:
        return f"CodingStore({make_url(self.url).render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        """Release the database connections."""
        if self._committer is not None:
            self._committer.close()
        self._write.dispose()
        if self._read is not self._write:
            self._read.dispose()

    def __enter__(self) -> CodingStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _tx(self) -> Iterator[Connection]:
        """One write; committed (durably) when the ``with`` block is left without error."""
        if self._committer is not None:
            with self._committer.transaction() as connection:
                yield connection
        else:
            with self._write.begin() as connection:
                yield connection

    @staticmethod
    def _audit(
        connection: Connection,
        actor: str,
        action: str,
        target: str,
        before: Any = None,
        after: Any = None,
    ) -> None:
        def dump(value: Any) -> str | None:
            return None if value is None else json.dumps(value, sort_keys=True, default=str)

        connection.execute(
            insert(s.audit).values(
                at=_now(),
                actor=actor,
                action=action,
                target=target,
                before=dump(before),
                after=dump(after),
            )
        )

    # -- users -----------------------------------------------------------------------------

    def add_user(
        self, name: str, role: str = "coder", password: str | None = None, *, actor: str = "cli"
    ) -> User:
        """Create an account (no open registration: a lead or the CLI does this)."""
        _check_name(name, "user")
        if name in RESERVED_CODERS:
            raise StoreError(f"user name {name!r} is reserved for a coding layer", field="user")
        if role not in ROLES:
            raise StoreError(f"role {role!r} is not one of {ROLES}", field="role")
        password_hash = None
        if password is not None:
            password_hash = self._hasher.hash(_check_password(password))
        try:
            with self._tx() as c:
                c.execute(
                    insert(s.users).values(
                        name=name,
                        role=role,
                        password_hash=password_hash,
                        disabled=False,
                        created_at=_now(),
                    )
                )
                self._audit(c, actor, "add_user", f"user:{name}", after={"role": role})
        except IntegrityError as error:
            raise StoreError(f"user {name!r} already exists", field="user") from error
        return User(name, role, False)

    def set_password(self, name: str, password: str, *, actor: str = "cli") -> None:
        """Replace a user's password (argon2id hash) and end her sessions."""
        hashed = self._hasher.hash(_check_password(password))
        with self._tx() as c:
            done = c.execute(
                update(s.users).where(s.users.c.name == name).values(password_hash=hashed)
            ).rowcount
            if not done:
                raise NotFoundError(f"no user {name!r}", field="user")
            c.execute(delete(s.sessions).where(s.sessions.c.user == name))
            self._audit(c, actor, "set_password", f"user:{name}")

    def set_disabled(self, name: str, disabled: bool = True, *, actor: str = "cli") -> None:
        """Disable (or re-enable) an account; disabling ends her sessions."""
        with self._tx() as c:
            done = c.execute(
                update(s.users).where(s.users.c.name == name).values(disabled=disabled)
            ).rowcount
            if not done:
                raise NotFoundError(f"no user {name!r}", field="user")
            if disabled:
                c.execute(delete(s.sessions).where(s.sessions.c.user == name))
            self._audit(c, actor, "disable_user" if disabled else "enable_user", f"user:{name}")

    def user(self, name: str) -> User | None:
        """The account called ``name``, or None."""
        with self._read.connect() as c:
            row = c.execute(select(s.users).where(s.users.c.name == name)).first()
        return None if row is None else User(row.name, row.role, bool(row.disabled))

    def users(self) -> pd.DataFrame:
        """All accounts: ``name, role, disabled, has_password, created_at`` (never hashes)."""
        with self._read.connect() as c:
            rows = c.execute(select(s.users).order_by(s.users.c.name)).all()
        return pd.DataFrame(
            [
                {
                    "name": r.name,
                    "role": r.role,
                    "disabled": bool(r.disabled),
                    "has_password": r.password_hash is not None,
                    "created_at": r.created_at,
                }
                for r in rows
            ],
            columns=["name", "role", "disabled", "has_password", "created_at"],
        )

    def verify_password(self, name: str, password: str) -> User | None:
        """The user when ``password`` is hers and the account is enabled, else None.

        An unknown name still costs one argon2 verification, so timing does not reveal which
        names exist.
        """
        with self._read.connect() as c:
            row = c.execute(select(s.users).where(s.users.c.name == name)).first()
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash("not the password of anyone")
        stored = row.password_hash if row is not None and row.password_hash else self._dummy_hash
        try:
            self._hasher.verify(stored, password)
            ok = row is not None and row.password_hash is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or row.disabled:
            return None
        if self._hasher.check_needs_rehash(stored):
            with self._tx() as c:
                c.execute(
                    update(s.users)
                    .where(s.users.c.name == name)
                    .values(password_hash=self._hasher.hash(password))
                )
        return User(row.name, row.role, False)

    # -- sessions --------------------------------------------------------------------------

    def create_session(self, name: str) -> tuple[str, str]:
        """Start a login session: returns ``(session_token, csrf_token)``.

        Only the SHA-256 of the session token is stored, so a copy of the database does not
        hand out live sessions.
        """
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = _now()
        with self._tx() as c:
            c.execute(
                insert(s.sessions).values(
                    token_sha256=_sha(token),
                    user=name,
                    csrf_token=csrf,
                    created_at=now,
                    last_seen=now,
                )
            )
            self._audit(c, name, "login", f"user:{name}")
        return token, csrf

    def session(self, token: str, idle_timeout: timedelta) -> tuple[User, str] | None:
        """``(user, csrf_token)`` for a live session, else None (expired ones are removed)."""
        key = _sha(token)
        now = _now()
        with self._read.connect() as c:
            row = c.execute(
                select(s.sessions, s.users.c.role, s.users.c.disabled)
                .join(s.users, s.users.c.name == s.sessions.c.user)
                .where(s.sessions.c.token_sha256 == key)
            ).first()
        if row is None:
            return None
        if row.disabled or now - row.last_seen > idle_timeout:
            self.end_session(token)
            return None
        if now - row.last_seen > timedelta(seconds=30):
            with self._tx() as c:
                c.execute(
                    update(s.sessions).where(s.sessions.c.token_sha256 == key).values(last_seen=now)
                )
        return User(row.user, row.role, False), row.csrf_token

    def end_session(self, token: str) -> None:
        """Log out: forget the session."""
        with self._tx() as c:
            c.execute(delete(s.sessions).where(s.sessions.c.token_sha256 == _sha(token)))

    # -- transcripts and assignments -------------------------------------------------------

    def register_transcripts(self, texts: Mapping[str, str], *, actor: str = "import") -> int:
        """Record transcripts' ids, text hashes and lengths; returns how many were new.

        A transcript already registered with a *different* text raises :class:`StoreError`:
        codings point into the text by offset, so a changed text would silently move them.
        """
        now = _now()
        added = 0
        with self._tx() as c:
            known = {
                r.id: r.text_sha256
                for r in c.execute(select(s.transcripts.c.id, s.transcripts.c.text_sha256))
            }
            for transcript_id, text in texts.items():
                _check_id(transcript_id, "transcript_id")
                digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
                if transcript_id in known:
                    if known[transcript_id] != digest:
                        raise StoreError(
                            f"transcript {transcript_id!r} text changed since it was imported "
                            "(its codings point into the old text by offset); re-import under "
                            "a new id or migrate its codings first",
                            field="transcript_id",
                        )
                    continue
                c.execute(
                    insert(s.transcripts).values(
                        id=transcript_id,
                        text_sha256=digest,
                        text_length=len(text),
                        reconciliation_open=False,
                        suggestions_enabled=False,
                        created_at=now,
                    )
                )
                added += 1
            if added:
                self._audit(c, actor, "register_transcripts", "transcripts", after={"added": added})
        return added

    def transcripts(self) -> pd.DataFrame:
        """One row per transcript: ``transcript_id, text_sha256, text_length,
        reconciliation_open, suggestions_enabled, coders, done`` (lists of coder names)."""
        with self._read.connect() as c:
            rows = c.execute(select(s.transcripts).order_by(s.transcripts.c.id)).all()
            assigned = c.execute(select(s.assignments)).all()
        coders: dict[str, list[str]] = {}
        done: dict[str, list[str]] = {}
        for a in sorted(assigned, key=lambda a: a.coder):
            coders.setdefault(a.transcript_id, []).append(a.coder)
            if a.done:
                done.setdefault(a.transcript_id, []).append(a.coder)
        return pd.DataFrame(
            [
                {
                    "transcript_id": r.id,
                    "text_sha256": r.text_sha256,
                    "text_length": r.text_length,
                    "reconciliation_open": bool(r.reconciliation_open),
                    "suggestions_enabled": bool(r.suggestions_enabled),
                    "coders": coders.get(r.id, []),
                    "done": done.get(r.id, []),
                }
                for r in rows
            ],
            columns=[
                "transcript_id",
                "text_sha256",
                "text_length",
                "reconciliation_open",
                "suggestions_enabled",
                "coders",
                "done",
            ],
        )

    def transcript(self, transcript_id: str) -> dict[str, Any]:
        """One transcript's row as a dict (see :meth:`transcripts`); NotFoundError if none."""
        with self._read.connect() as c:
            row = c.execute(
                select(s.transcripts).where(s.transcripts.c.id == transcript_id)
            ).first()
            if row is None:
                raise NotFoundError(f"no transcript {transcript_id!r}", field="transcript_id")
            assigned = c.execute(
                select(s.assignments)
                .where(s.assignments.c.transcript_id == transcript_id)
                .order_by(s.assignments.c.coder)
            ).all()
        return {
            "transcript_id": row.id,
            "text_sha256": row.text_sha256,
            "text_length": row.text_length,
            "reconciliation_open": bool(row.reconciliation_open),
            "suggestions_enabled": bool(row.suggestions_enabled),
            "coders": [a.coder for a in assigned],
            "done": [a.coder for a in assigned if a.done],
        }

    def assign(self, transcript_id: str, coder: str, *, actor: str = "cli") -> bool:
        """Assign a transcript to a coder; returns False when she already had it."""
        _check_name(coder)
        self.transcript(transcript_id)
        with self._tx() as c:
            exists = c.execute(
                select(s.assignments.c.coder).where(
                    s.assignments.c.transcript_id == transcript_id, s.assignments.c.coder == coder
                )
            ).first()
            if exists:
                return False
            c.execute(
                insert(s.assignments).values(
                    transcript_id=transcript_id, coder=coder, done=False, assigned_at=_now()
                )
            )
            self._audit(c, actor, "assign", f"transcript:{transcript_id}", after={"coder": coder})
        return True

    def unassign(self, transcript_id: str, coder: str, *, actor: str = "cli") -> bool:
        """Take a transcript away from a coder (her codings stay); False if not assigned."""
        with self._tx() as c:
            gone = c.execute(
                delete(s.assignments).where(
                    s.assignments.c.transcript_id == transcript_id, s.assignments.c.coder == coder
                )
            ).rowcount
            if gone:
                self._audit(
                    c, actor, "unassign", f"transcript:{transcript_id}", before={"coder": coder}
                )
        return bool(gone)

    def assignments(self, coder: str | None = None) -> pd.DataFrame:
        """``transcript_id, coder, done, n_codings`` (live codings of that coder there)."""
        n = (
            select(func.count(s.codings.c.id))
            .where(
                s.codings.c.transcript_id == s.assignments.c.transcript_id,
                s.codings.c.coder == s.assignments.c.coder,
                s.codings.c.deleted_at.is_(None),
            )
            .scalar_subquery()
        )
        query = select(s.assignments, n.label("n_codings")).order_by(
            s.assignments.c.transcript_id, s.assignments.c.coder
        )
        if coder is not None:
            query = query.where(s.assignments.c.coder == coder)
        with self._read.connect() as c:
            rows = c.execute(query).all()
        return pd.DataFrame(
            [
                {
                    "transcript_id": r.transcript_id,
                    "coder": r.coder,
                    "done": bool(r.done),
                    "n_codings": int(r.n_codings),
                }
                for r in rows
            ],
            columns=["transcript_id", "coder", "done", "n_codings"],
        )

    def is_assigned(self, transcript_id: str, coder: str) -> bool:
        """Whether ``coder`` is assigned ``transcript_id``."""
        with self._read.connect() as c:
            return (
                c.execute(
                    select(s.assignments.c.coder).where(
                        s.assignments.c.transcript_id == transcript_id,
                        s.assignments.c.coder == coder,
                    )
                ).first()
                is not None
            )

    def set_done(
        self, transcript_id: str, coder: str, done: bool = True, *, actor: str | None = None
    ) -> None:
        """Mark a coder's work on a transcript done (or not done)."""
        with self._tx() as c:
            changed = c.execute(
                update(s.assignments)
                .where(
                    s.assignments.c.transcript_id == transcript_id, s.assignments.c.coder == coder
                )
                .values(done=done, done_at=_now() if done else None)
            ).rowcount
            if not changed:
                raise NotFoundError(
                    f"transcript {transcript_id!r} is not assigned to {coder!r}",
                    field="transcript_id",
                )
            self._audit(
                c,
                actor or coder,
                "done" if done else "not_done",
                f"transcript:{transcript_id}",
                after={"coder": coder},
            )

    def set_reconciliation(
        self, transcript_id: str, open_: bool = True, *, actor: str = "cli"
    ) -> None:
        """Open (or close) reconciliation: until it is open, coders see only their own layer."""
        self._set_flag(transcript_id, "reconciliation_open", open_, actor)

    def set_suggestions(
        self, transcript_id: str, enabled: bool = True, *, actor: str = "cli"
    ) -> None:
        """Show (or hide) the autocoder's suggestions (coder ``auto``) to the coders."""
        self._set_flag(transcript_id, "suggestions_enabled", enabled, actor)

    def _set_flag(self, transcript_id: str, flag: str, value: bool, actor: str) -> None:
        with self._tx() as c:
            changed = c.execute(
                update(s.transcripts)
                .where(s.transcripts.c.id == transcript_id)
                .values({flag: value})
            ).rowcount
            if not changed:
                raise NotFoundError(f"no transcript {transcript_id!r}", field="transcript_id")
            self._audit(c, actor, f"set_{flag}", f"transcript:{transcript_id}", after={flag: value})

    # -- codings ---------------------------------------------------------------------------

    def add_coding(
        self,
        transcript_id: str,
        coder: str,
        code_id: str,
        start: int,
        end: int,
        memo: str = "",
        *,
        actor: str | None = None,
        suggestion_of: int | None = None,
    ) -> Coding:
        """Store a new span ``[start, end)`` and return it (committed when this returns)."""
        _check_name(coder)
        _check_id(code_id, "code_id")
        memo = _check_memo(memo)
        with self._tx() as c:
            self._check_span(c, transcript_id, start, end)
            now = _now()
            new_id = c.execute(
                insert(s.codings)
                .values(
                    transcript_id=transcript_id,
                    coder=coder,
                    code_id=code_id,
                    start=int(start),
                    end=int(end),
                    memo=memo,
                    created_at=now,
                    updated_at=now,
                    version=1,
                    suggestion_of=suggestion_of,
                )
                .returning(s.codings.c.id)
            ).scalar_one()
            coding = _coding(c.execute(select(s.codings).where(s.codings.c.id == new_id)).one())
            self._audit(
                c, actor or coder, "add_coding", f"coding:{new_id}", after=_audit_view(coding)
            )
        return coding

    def get_coding(self, coding_id: int) -> Coding:
        """The coding with that id (deleted ones too); NotFoundError if none."""
        with self._read.connect() as c:
            row = c.execute(select(s.codings).where(s.codings.c.id == int(coding_id))).first()
        if row is None:
            raise NotFoundError(f"no coding {coding_id}", field="coding_id")
        return _coding(row)

    def update_coding(
        self,
        coding_id: int,
        expected_version: int,
        *,
        code_id: str | None = None,
        start: int | None = None,
        end: int | None = None,
        memo: str | None = None,
        actor: str | None = None,
    ) -> Coding:
        """Change a coding if it is still at ``expected_version``; returns the new version.

        Raises :class:`StaleEditError` when the coding was changed or deleted meanwhile.
        """
        with self._tx() as c:
            before = _live_coding(c, coding_id, expected_version, "was deleted")
            values: dict[str, Any] = {}
            if code_id is not None:
                values["code_id"] = _check_id(code_id, "code_id")
            if memo is not None:
                values["memo"] = _check_memo(memo)
            new_start = before.start if start is None else start
            new_end = before.end if end is None else end
            if start is not None or end is not None:
                self._check_span(c, before.transcript_id, new_start, new_end)
                values.update(start=int(new_start), end=int(new_end))
            values.update(updated_at=_now(), version=before.version + 1)
            changed = c.execute(
                update(s.codings)
                .where(
                    s.codings.c.id == before.id,
                    s.codings.c.version == expected_version,
                    s.codings.c.deleted_at.is_(None),
                )
                .values(values)
            ).rowcount
            if changed != 1:  # another writer won between our read and write (Postgres)
                raise StaleEditError(
                    f"coding {coding_id} changed meanwhile; reload", field="version"
                )
            after = _coding(c.execute(select(s.codings).where(s.codings.c.id == before.id)).one())
            self._audit(
                c,
                actor or before.coder,
                "update_coding",
                f"coding:{before.id}",
                before=_audit_view(before),
                after=_audit_view(after),
            )
        return after

    def delete_coding(
        self, coding_id: int, expected_version: int | None = None, *, actor: str | None = None
    ) -> Coding:
        """Soft-delete a coding (it stays in the database with ``deleted_at`` set)."""
        with self._tx() as c:
            before = _live_coding(c, coding_id, expected_version, "was already deleted")
            now = _now()
            changed = c.execute(
                update(s.codings)
                .where(s.codings.c.id == before.id, s.codings.c.version == before.version)
                .values(deleted_at=now, updated_at=now, version=before.version + 1)
            ).rowcount
            if changed != 1:
                raise StaleEditError(
                    f"coding {coding_id} changed meanwhile; reload", field="version"
                )
            self._audit(
                c,
                actor or before.coder,
                "delete_coding",
                f"coding:{before.id}",
                before=_audit_view(before),
            )
        return self.get_coding(before.id)

    def coding_list(
        self,
        transcript_id: str | None = None,
        coders: Iterable[str] | None = None,
        include_deleted: bool = False,
    ) -> list[Coding]:
        """Codings as :class:`Coding` objects (with versions), ordered by transcript, start."""
        query = select(s.codings).order_by(
            s.codings.c.transcript_id, s.codings.c.start, s.codings.c.end, s.codings.c.id
        )
        if transcript_id is not None:
            query = query.where(s.codings.c.transcript_id == transcript_id)
        if coders is not None:
            query = query.where(s.codings.c.coder.in_(list(coders)))
        if not include_deleted:
            query = query.where(s.codings.c.deleted_at.is_(None))
        with self._read.connect() as c:
            return [_coding(r) for r in c.execute(query)]

    def codings(self, coder: str | None = None, include_deleted: bool = False) -> pd.DataFrame:
        """All codings (of one ``coder`` if given) as a DataFrame.

        Columns ``coding_id, transcript_id, coder, code_id, start, end, memo, created_at,
        updated_at`` (timestamps UTC), plus ``deleted_at`` when ``include_deleted``.
        """
        rows = self.coding_list(
            coders=None if coder is None else [coder], include_deleted=include_deleted
        )
        columns = CODING_COLUMNS + (["deleted_at"] if include_deleted else [])
        frame = pd.DataFrame(
            [
                {
                    "coding_id": r.id,
                    "transcript_id": r.transcript_id,
                    "coder": r.coder,
                    "code_id": r.code_id,
                    "start": r.start,
                    "end": r.end,
                    "memo": r.memo,
                    "created_at": r.created_at,
                    "updated_at": r.updated_at,
                    "deleted_at": r.deleted_at,
                }
                for r in rows
            ],
            columns=CODING_COLUMNS + ["deleted_at"],
        )[columns]
        for column in ("created_at", "updated_at", "deleted_at"):
            if column in frame:
                frame[column] = pd.to_datetime(frame[column]).dt.tz_localize("UTC")
        return frame.astype({"coding_id": "int64", "start": "int64", "end": "int64"})

    def import_codings(
        self, frame: pd.DataFrame, *, source: str = "codings.csv", actor: str = "import"
    ) -> int:
        """Seed codings from a study's ``codings.csv`` frame; returns how many rows were new.

        Needs columns ``transcript_id, coder, code_id, start, end`` (``memo`` and
        ``coding_id`` optional). Rows whose ``coding_id`` was imported before are skipped, so
        re-running is harmless. All rows are checked first; one bad row stores nothing and
        raises :class:`StoreError` naming the row (1-based) and field.
        """
        required = ["transcript_id", "coder", "code_id", "start", "end"]
        missing = [c for c in required if c not in frame.columns]
        if missing:
            raise StoreError(f"missing column(s) {missing}; expected {required}", file=source)
        rows: list[dict[str, Any]] = []
        now = _now()
        with self._tx() as c:
            lengths = dict(c.execute(select(s.transcripts.c.id, s.transcripts.c.text_length)).all())
            seen = {
                r[0]
                for r in c.execute(
                    select(s.codings.c.source_id).where(s.codings.c.source_id.is_not(None))
                )
            }
            for number, record in enumerate(frame.to_dict("records"), start=1):
                where = {"file": source, "row": number}
                source_id = record.get("coding_id")
                source_id = None if _missing(source_id) else str(source_id)
                if source_id is not None and source_id in seen:
                    continue
                transcript_id = str(record["transcript_id"])
                if transcript_id not in lengths:
                    raise StoreError(
                        f"unknown transcript {transcript_id!r}", field="transcript_id", **where
                    )
                coder = str(record["coder"])
                if not _NAME.match(coder):
                    raise StoreError(f"coder name {coder!r} is not valid", field="coder", **where)
                code_id = str(record["code_id"])
                if _missing(record["code_id"]) or not code_id.strip():
                    raise StoreError("code_id is empty", field="code_id", **where)
                try:
                    start, end = int(record["start"]), int(record["end"])
                except (TypeError, ValueError) as error:
                    raise StoreError(
                        "start and end must be whole numbers", field="start", **where
                    ) from error
                if not 0 <= start < end <= lengths[transcript_id]:
                    raise StoreError(
                        f"span [{start}, {end}) is outside the text (length "
                        f"{lengths[transcript_id]}) or empty",
                        field="start",
                        **where,
                    )
                memo = "" if _missing(record.get("memo")) else str(record.get("memo"))
                rows.append(
                    dict(
                        transcript_id=transcript_id,
                        coder=coder,
                        code_id=code_id,
                        start=start,
                        end=end,
                        memo=memo,
                        source_id=source_id,
                        created_at=now,
                        updated_at=now,
                        version=1,
                    )
                )
                if source_id is not None:
                    seen.add(source_id)
            if rows:
                c.execute(insert(s.codings), rows)
                self._audit(
                    c,
                    actor,
                    "import_codings",
                    "codings",
                    after={"source": source, "rows": len(rows)},
                )
        return len(rows)

    # -- suggestions -----------------------------------------------------------------------

    def suggestions(self, transcript_id: str, coder: str) -> list[Coding]:
        """Live ``auto`` codings of a transcript that ``coder`` has not accepted/rejected."""
        reviewed = select(s.suggestion_reviews.c.coding_id).where(
            s.suggestion_reviews.c.coder == coder
        )
        query = (
            select(s.codings)
            .where(
                s.codings.c.transcript_id == transcript_id,
                s.codings.c.coder == AUTO,
                s.codings.c.deleted_at.is_(None),
                s.codings.c.id.not_in(reviewed),
            )
            .order_by(s.codings.c.start, s.codings.c.id)
        )
        with self._read.connect() as c:
            return [_coding(r) for r in c.execute(query)]

    def review_suggestion(self, coding_id: int, coder: str, accept: bool) -> Coding | None:
        """Accept (copy into ``coder``'s layer; returns the copy) or reject a suggestion."""
        suggestion = self.get_coding(coding_id)
        if suggestion.coder != AUTO or suggestion.deleted_at is not None:
            raise NotFoundError(f"no live suggestion {coding_id}", field="coding_id")
        with self._tx() as c:
            try:
                c.execute(
                    insert(s.suggestion_reviews).values(
                        coding_id=suggestion.id,
                        coder=coder,
                        decision="accepted" if accept else "rejected",
                        at=_now(),
                    )
                )
            except IntegrityError as error:
                raise StaleEditError(
                    f"suggestion {coding_id} was already reviewed", field="coding_id"
                ) from error
            copy = None
            if accept:
                now = _now()
                new_id = c.execute(
                    insert(s.codings)
                    .values(
                        transcript_id=suggestion.transcript_id,
                        coder=coder,
                        code_id=suggestion.code_id,
                        start=suggestion.start,
                        end=suggestion.end,
                        memo="",
                        created_at=now,
                        updated_at=now,
                        version=1,
                        suggestion_of=suggestion.id,
                    )
                    .returning(s.codings.c.id)
                ).scalar_one()
                copy = _coding(c.execute(select(s.codings).where(s.codings.c.id == new_id)).one())
            self._audit(
                c,
                coder,
                "accept_suggestion" if accept else "reject_suggestion",
                f"coding:{suggestion.id}",
                after=None if copy is None else _audit_view(copy),
            )
        return copy

    # -- memos -----------------------------------------------------------------------------

    def set_memo(self, transcript_id: str, coder: str, text: str) -> None:
        """Replace ``coder``'s memo on a transcript."""
        text = _check_memo(text)
        with self._tx() as c:
            before = c.execute(
                select(s.memos.c.text).where(
                    s.memos.c.transcript_id == transcript_id, s.memos.c.coder == coder
                )
            ).scalar()
            if before is None:
                self.transcript(transcript_id)
                c.execute(
                    insert(s.memos).values(
                        transcript_id=transcript_id, coder=coder, text=text, updated_at=_now()
                    )
                )
            else:
                c.execute(
                    update(s.memos)
                    .where(s.memos.c.transcript_id == transcript_id, s.memos.c.coder == coder)
                    .values(text=text, updated_at=_now())
                )
            self._audit(
                c,
                coder,
                "set_memo",
                f"transcript:{transcript_id}",
                before=None if before is None else {"memo": before},
                after={"memo": text},
            )

    def memo(self, transcript_id: str, coder: str) -> str:
        """``coder``'s memo on a transcript ('' when none)."""
        with self._read.connect() as c:
            return (
                c.execute(
                    select(s.memos.c.text).where(
                        s.memos.c.transcript_id == transcript_id, s.memos.c.coder == coder
                    )
                ).scalar()
                or ""
            )

    # -- audit -----------------------------------------------------------------------------

    def audit_log(self, limit: int | None = None) -> pd.DataFrame:
        """The audit log, oldest first: ``audit_id, at, actor, action, target, before, after``
        (``before``/``after`` decoded from JSON; None when absent). ``limit`` keeps the newest.
        """
        query = select(s.audit).order_by(s.audit.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self._read.connect() as c:
            rows = list(reversed(c.execute(query).all()))
        frame = pd.DataFrame(
            [
                {
                    "audit_id": r.id,
                    "at": r.at,
                    "actor": r.actor,
                    "action": r.action,
                    "target": r.target,
                    "before": None if r.before is None else json.loads(r.before),
                    "after": None if r.after is None else json.loads(r.after),
                }
                for r in rows
            ],
            columns=["audit_id", "at", "actor", "action", "target", "before", "after"],
        )
        frame["at"] = pd.to_datetime(frame["at"]).dt.tz_localize("UTC")
        return frame

    # -- checks ----------------------------------------------------------------------------

    @staticmethod
    def _check_span(c: Connection, transcript_id: str, start: Any, end: Any) -> None:
        length = c.execute(
            select(s.transcripts.c.text_length).where(s.transcripts.c.id == transcript_id)
        ).scalar()
        if length is None:
            raise NotFoundError(f"no transcript {transcript_id!r}", field="transcript_id")
        if (
            isinstance(start, bool)
            or isinstance(end, bool)
            or not (isinstance(start, int) and isinstance(end, int))
        ):
            raise StoreError("start and end must be whole numbers", field="start")
        if not 0 <= start < end <= length:
            raise StoreError(
                f"span [{start}, {end}) must satisfy 0 <= start < end <= {length} "
                f"(the length of transcript {transcript_id!r})",
                field="start" if not 0 <= start < length else "end",
            )


def _live_coding(c, coding_id: int, expected_version: int | None, deleted: str) -> Coding:
    """The coding about to be changed: it must exist, not be deleted, and (when a version is
    given) still be at the version the editor read."""
    row = c.execute(select(s.codings).where(s.codings.c.id == int(coding_id))).first()
    if row is None:
        raise NotFoundError(f"no coding {coding_id}", field="coding_id")
    before = _coding(row)
    if before.deleted_at is not None:
        raise StaleEditError(f"coding {coding_id} {deleted}", field="coding_id")
    if expected_version is not None and before.version != expected_version:
        raise StaleEditError(
            f"coding {coding_id} changed since you read it (version {before.version}, you had "
            f"{expected_version}); reload and try again",
            field="version",
        )
    return before


def _coding(row: Any) -> Coding:
    return Coding(
        id=row.id,
        transcript_id=row.transcript_id,
        coder=row.coder,
        code_id=row.code_id,
        start=row.start,
        end=row.end,
        memo=row.memo,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
        suggestion_of=row.suggestion_of,
    )


def _audit_view(coding: Coding) -> dict[str, Any]:
    return {
        k: coding.as_dict()[k]
        for k in ("transcript_id", "coder", "code_id", "start", "end", "memo", "version")
    }


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_id(value: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 128:
        raise StoreError(
            f"{field} must be a non-empty string of at most 128 characters", field=field
        )
    return value


def _check_memo(memo: Any) -> str:
    if memo is None:
        return ""
    if not isinstance(memo, str):
        raise StoreError("memo must be text", field="memo")
    if len(memo) > 20_000:
        raise StoreError("memo is longer than 20,000 characters", field="memo")
    return memo


def _check_password(password: str | None) -> str:
    if not isinstance(password, str) or len(password) < 10:
        raise StoreError("password must have at least 10 characters", field="password")
    return password


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


__all__ = [
    "AUTO",
    "CONSENSUS",
    "CodingStore",
    "Coding",
    "NotFoundError",
    "StaleEditError",
    "StoreError",
    "User",
]
