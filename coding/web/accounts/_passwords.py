"""Password hashing with argon2id, with a bound on how many hashes run at once.

Each argon2id hash with argon2-cffi's default parameters (RFC 9106 low-memory profile:
t=3, m=64 MiB, p=4) takes 64 MiB while it runs. Every login attempt costs one — also for
names that do not exist, so that timing does not reveal which names do — so a burst of
parallel attempts would otherwise take 64 MiB per worker thread (40 at once under
FastAPI's thread pool). :class:`PasswordHashing` lets at most ``max_concurrent`` hashes run
at a time; the others wait their turn, which bounds the memory a burst can take to about
``max_concurrent × 64 MiB`` (measured in benchmarks/bench_web.py, recorded in
benchmarks/RESULTS.md). Tested in tests/coding/web/test_accounts.py.
"""

from __future__ import annotations

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from coding.errors import StoreError

DEFAULT_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (argon2-cffi default)
DEFAULT_MAX_CONCURRENT = 2
MIN_PASSWORD = 10


def check_password(password: str | None) -> str:
    """A new password: text of at least 10 characters."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise StoreError(f"password must have at least {MIN_PASSWORD} characters", field="password")
    return password


class PasswordHashing:
    """An argon2 ``hasher`` that runs at most ``max_concurrent`` hashes at once."""

    def __init__(
        self, hasher: PasswordHasher | None = None, max_concurrent: int = DEFAULT_MAX_CONCURRENT
    ) -> None:
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.hasher = hasher or DEFAULT_HASHER
        self.max_concurrent = max_concurrent
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        """The argon2id hash of ``password`` (waits for a free slot)."""
        with self._slots:
            return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether ``password`` matches ``stored``; a missing hash is checked against a dummy
        one, so that the answer costs the same time either way."""
        if self._dummy is None:
            self._dummy = self.hash("not the password of anyone")
        with self._slots:
            try:
                self.hasher.verify(stored or self._dummy, password)
            except (VerificationError, InvalidHashError):
                return False
        return stored is not None

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` was made with other parameters than the current hasher's."""
        return self.hasher.check_needs_rehash(stored)
