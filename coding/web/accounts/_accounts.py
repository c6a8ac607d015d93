"""Accounts of the coding web app: users with a role, argon2id password hashes, and login
sessions — kept in the coding database beside the store's tables, but no part of the store
(a notebook that reads codings never touches them).

Changes to accounts are audited in the store's append-only log, in the same transaction.
Only the SHA-256 of a session token is stored, so a copy of the database does not hand out
live sessions. Tested in tests/coding/web/test_accounts.py.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from coding.errors import NotFoundError, StoreError
from coding.store import RESERVED_CODERS, CodingStore, check_name
from coding.web.accounts import _schema as a
from coding.web.accounts._passwords import (
    DEFAULT_MAX_CONCURRENT,
    PasswordHashing,
    check_password,
)

ROLES = ("lead", "coder")
LAST_SEEN_RESOLUTION = timedelta(seconds=30)


@dataclass(frozen=True)
class User:
    """An account: ``role`` is ``lead`` or ``coder``."""

    name: str
    role: str
    disabled: bool


@dataclass(frozen=True)
class SessionInfo:
    """A live session: its user and the CSRF token that goes with it."""

    user: User
    csrf: str


class Accounts:
    """The accounts kept in ``store``'s database (tables created or migrated on first use).

    Parameters
    ----------
    store:
        The opened :class:`~coding.store.CodingStore` whose database holds the accounts.
    password_hasher:
        An ``argon2.PasswordHasher``; the default is argon2-cffi's (argon2id, t=3, 64 MiB).
        Tests pass a cheaper one; stored hashes carry their parameters, and a login with a
        hash made under other parameters re-hashes it with these.
    max_concurrent_hashes:
        How many argon2 hashes may run at once (each takes the hasher's memory cost).
    """

    def __init__(
        self,
        store: CodingStore,
        password_hasher: PasswordHasher | None = None,
        *,
        max_concurrent_hashes: int = DEFAULT_MAX_CONCURRENT,
    ) -> None:
        self.store = store
        self.passwords = PasswordHashing(password_hasher, max_concurrent_hashes)
        store.upgrade_component(
            "accounts", a.metadata, a.ACCOUNTS_SCHEMA_VERSION, a.STEPS, legacy_table="users"
        )

    def __repr__(self) -> str:
        return f"Accounts({self.store!r})"

    # -- users -----------------------------------------------------------------------------

    def add_user(
        self, name: str, role: str = "coder", password: str | None = None, *, actor: str = "cli"
    ) -> User:
        """Create an account (no open registration: a lead or the CLI does this)."""
        check_name(name, "user")
        if name in RESERVED_CODERS:
            raise StoreError(f"user name {name!r} is reserved for a coding layer", field="user")
        if role not in ROLES:
            raise StoreError(f"role {role!r} is not one of {ROLES}", field="role")
        hashed = None if password is None else self.passwords.hash(check_password(password))
        try:
            with self.store.transaction() as c:
                c.execute(
                    insert(a.users).values(
                        name=name,
                        role=role,
                        password_hash=hashed,
                        disabled=False,
                        created_at=now(),
                    )
                )
                self.store.audit(c, actor, "add_user", f"user:{name}", after={"role": role})
        except IntegrityError as error:
            raise StoreError(f"user {name!r} already exists", field="user") from error
        return User(name, role, False)

    def set_password(self, name: str, password: str, *, actor: str = "cli") -> None:
        """Replace a user's password (argon2id hash) and end her sessions."""
        hashed = self.passwords.hash(check_password(password))
        with self.store.transaction() as c:
            done = c.execute(
                update(a.users).where(a.users.c.name == name).values(password_hash=hashed)
            ).rowcount
            if not done:
                raise NotFoundError(f"no user {name!r}", field="user")
            c.execute(delete(a.sessions).where(a.sessions.c.user == name))
            self.store.audit(c, actor, "set_password", f"user:{name}")

    def set_disabled(self, name: str, disabled: bool = True, *, actor: str = "cli") -> None:
        """Disable (or re-enable) an account; disabling ends her sessions."""
        with self.store.transaction() as c:
            done = c.execute(
                update(a.users).where(a.users.c.name == name).values(disabled=disabled)
            ).rowcount
            if not done:
                raise NotFoundError(f"no user {name!r}", field="user")
            if disabled:
                c.execute(delete(a.sessions).where(a.sessions.c.user == name))
            action = "disable_user" if disabled else "enable_user"
            self.store.audit(c, actor, action, f"user:{name}")

    def user(self, name: str) -> User | None:
        """The account called ``name``, or None."""
        with self.store.reading() as c:
            row = c.execute(select(a.users).where(a.users.c.name == name)).first()
        return None if row is None else User(row.name, row.role, bool(row.disabled))

    def users(self) -> pd.DataFrame:
        """All accounts: ``name, role, disabled, has_password, created_at`` (never hashes)."""
        with self.store.reading() as c:
            rows = c.execute(select(a.users).order_by(a.users.c.name)).all()
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
        with self.store.reading() as c:
            row = c.execute(select(a.users).where(a.users.c.name == name)).first()
        stored = row.password_hash if row is not None else None
        if not self.passwords.verify(stored, password) or row is None or row.disabled:
            return None
        if self.passwords.needs_rehash(stored):
            rehashed = self.passwords.hash(password)
            with self.store.transaction() as c:
                c.execute(
                    update(a.users).where(a.users.c.name == name).values(password_hash=rehashed)
                )
        return User(row.name, row.role, False)

    def secret(self, name: str) -> bytes:
        """A 32-byte key called ``name``, made at random on first use and kept in the
        database (so that what it signs or permutes stays valid across restarts)."""
        with self.store.reading() as c:
            found = c.execute(select(a.web_secrets.c.value).where(a.web_secrets.c.name == name))
            value = found.scalar()
        if value is None:
            try:
                with self.store.transaction() as c:
                    c.execute(insert(a.web_secrets).values(name=name, value=secrets.token_hex(32)))
            except IntegrityError:
                pass  # another process made it first: read theirs
            with self.store.reading() as c:
                value = c.execute(
                    select(a.web_secrets.c.value).where(a.web_secrets.c.name == name)
                ).scalar_one()
        return bytes.fromhex(value)

    # -- sessions --------------------------------------------------------------------------

    def create_session(self, name: str) -> tuple[str, str]:
        """Start a login session: returns ``(session_token, csrf_token)``."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        stamp = now()
        with self.store.transaction() as c:
            c.execute(
                insert(a.sessions).values(
                    token_sha256=_sha(token),
                    user=name,
                    csrf_token=csrf,
                    created_at=stamp,
                    last_seen=stamp,
                )
            )
            self.store.audit(c, name, "login", f"user:{name}")
        return token, csrf

    def session(
        self, token: str, idle_timeout: timedelta, max_age: timedelta | None = None
    ) -> SessionInfo | None:
        """The live session of ``token``, else None (an expired one is removed).

        A session ends after ``idle_timeout`` without a request, and — whatever the activity —
        ``max_age`` after it began (an absolute lifetime, so a stolen cookie does not live
        for ever).
        """
        key = _sha(token)
        stamp = now()
        with self.store.reading() as c:
            row = c.execute(
                select(a.sessions, a.users.c.role, a.users.c.disabled)
                .join(a.users, a.users.c.name == a.sessions.c.user)
                .where(a.sessions.c.token_sha256 == key)
            ).first()
        if row is None:
            return None
        too_old = max_age is not None and stamp - row.created_at > max_age
        if row.disabled or stamp - row.last_seen > idle_timeout or too_old:
            self.end_session(token)
            return None
        if stamp - row.last_seen > LAST_SEEN_RESOLUTION:
            with self.store.transaction() as c:
                c.execute(
                    update(a.sessions)
                    .where(a.sessions.c.token_sha256 == key)
                    .values(last_seen=stamp)
                )
        return SessionInfo(User(row.user, row.role, False), row.csrf_token)

    def end_session(self, token: str) -> None:
        """Log out: forget the session."""
        with self.store.transaction() as c:
            c.execute(delete(a.sessions).where(a.sessions.c.token_sha256 == _sha(token)))


def now() -> datetime:
    """The current time, UTC, without tzinfo (how the timestamp columns store it)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
