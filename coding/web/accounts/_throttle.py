"""Login throttling that holds under parallel attempts: the attempt is counted *before* the
password is checked.

Counting failures only after the (deliberately slow) argon2 check let twelve requests sent at
once all pass the "fewer than five failures?" test before any of them had failed. Here
:meth:`LoginThrottle.reserve` counts the attempt at once, under a lock, as a pending failure;
:meth:`LoginThrottle.settle` then forgets it (success) or keeps it as a failure. So at most
``per_account`` attempts on one account, and ``per_address`` from one client address, are
ever in flight or failed within ``window`` seconds, however many arrive together.

Two limits, because each alone fails someone: per address alone lets an attacker with many
addresses try one account without end, and would lock a whole hospital out when its network
shares one address (so that limit is high); per account alone would let one address try
every account. A successful login clears its account's failures. Tested in
tests/coding/web/test_security.py; the parallel bound is measured in benchmarks/bench_web.py.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Reservation:
    """One admitted login attempt, to be settled once its password check is done."""

    number: int
    account: str
    address: str


class LoginThrottle:
    """At most ``per_account`` failed-or-pending logins per account and ``per_address`` per
    client address within ``window`` seconds."""

    def __init__(self, per_account: int = 5, per_address: int = 30, window: float = 300.0) -> None:
        self.per_account = per_account
        self.per_address = per_address
        self.window = window
        self._lock = threading.Lock()
        self._numbers = itertools.count()
        # key -> {attempt number: time}; pending attempts count like failures
        self._accounts: dict[str, dict[int, float]] = {}
        self._addresses: dict[str, dict[int, float]] = {}

    def _prune(self, table: dict[str, dict[int, float]], key: str, now: float) -> dict[int, float]:
        """The live entries of ``key`` (read only: an unseen key adds nothing, so refused
        attempts with ever new names cannot grow the tables)."""
        entries = table.get(key)
        if entries is None:
            return {}
        for number in [n for n, at in entries.items() if now - at > self.window]:
            del entries[number]
        if not entries:
            del table[key]
            return {}
        return entries

    def reserve(self, account: str, address: str) -> Reservation | None:
        """Admit one attempt (counted at once) or refuse it (None) when a limit is reached."""
        with self._lock:
            now = time.monotonic()
            by_account = self._prune(self._accounts, account, now)
            by_address = self._prune(self._addresses, address, now)
            if len(by_account) >= self.per_account or len(by_address) >= self.per_address:
                return None
            number = next(self._numbers)
            self._accounts.setdefault(account, {})[number] = now
            self._addresses.setdefault(address, {})[number] = now
            return Reservation(number, account, address)

    def settle(self, reservation: Reservation, succeeded: bool) -> None:
        """Record the outcome: a failure stays counted; a success clears the account."""
        if not succeeded:
            return
        with self._lock:
            self._accounts.pop(reservation.account, None)
            entries = self._addresses.get(reservation.address, {})
            entries.pop(reservation.number, None)
            if not entries:
                self._addresses.pop(reservation.address, None)

    def retry_after(self, account: str, address: str) -> int:
        """Seconds until an attempt on ``account`` from ``address`` may be admitted again."""
        with self._lock:
            now = time.monotonic()
            times = [
                at
                for table, key, limit in (
                    (self._accounts, account, self.per_account),
                    (self._addresses, address, self.per_address),
                )
                if len(entries := self._prune(table, key, now)) >= limit
                for at in sorted(entries.values())[:1]
            ]
        return max(1, int(max((self.window - (now - at) for at in times), default=1)) + 1)
