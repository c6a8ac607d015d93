"""Login throttling that holds under parallel attempts: the attempt is counted *before* the
password is checked.

Counting failures only after the (deliberately slow) argon2 check let twelve requests sent at
once all pass the "fewer than five failures?" test before any of them had failed. Here
:meth:`LoginThrottle.reserve` counts the attempt at once, under a lock, as a pending failure;
:meth:`LoginThrottle.settle` then forgets it (success) or keeps it as a failure. So at most
``per_account`` attempts on one account, and ``per_address`` from one client address, are
ever in flight or failed within ``window`` seconds, however many arrive together.

Two limits, because each alone fails someone: per account alone would let one address try
every account; per address as a hard lock would shut a whole team out when its network (a
hospital NAT, a proxy) shares one address and someone there — or an attacker — failed
``per_address`` times. So the account limit is hard, and the address limit *slows down*
instead of locking: past it, an address gets one password check at a time (others are
refused while one is in flight), an account that is itself throttled is still refused, and
an account that logged in from that address before skips the queue. A correct password for
an account that is not throttled therefore still gets in, while a flood from one address is
held to one check at a time and every account to ``per_account`` failures per window.

Refused attempts are reported for the audit log by :meth:`LoginThrottle.refusal_to_audit`:
at most one entry per address per ``audit_every`` seconds carrying the number refused since
the last, so a flood cannot fill the log. A successful login clears its account's failures.
Tested in tests/coding/web/test_security.py; the parallel bound is measured in
benchmarks/bench_web.py.
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
    """At most ``per_account`` failed-or-pending logins per account within ``window`` seconds;
    past ``per_address`` from one client address, one password check at a time from it."""

    # bounds on the small tables kept for addresses (known logins, refusal counts)
    MAX_TRACKED = 10_000

    def __init__(
        self,
        per_account: int = 5,
        per_address: int = 30,
        window: float = 300.0,
        audit_every: float = 60.0,
        stale_check: float = 60.0,
    ) -> None:
        self.per_account = per_account
        self.per_address = per_address
        self.window = window
        self.audit_every = audit_every
        self.stale_check = stale_check
        self._lock = threading.Lock()
        self._numbers = itertools.count()
        # key -> {attempt number: time}; pending attempts count like failures
        self._accounts: dict[str, dict[int, float]] = {}
        self._addresses: dict[str, dict[int, float]] = {}
        # address -> (attempt number, start) of its one check in flight past the address limit
        self._slow_lane: dict[str, tuple[int, float]] = {}
        # (account, address) pairs that logged in successfully (skip the slow lane)
        self._known: dict[tuple[str, str], float] = {}
        # address -> [refusals not yet audited, time of its last audit entry]
        self._refusals: dict[str, list[float]] = {}

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
        """Admit one attempt (counted at once) or refuse it (None): the account is throttled,
        or its address is past its limit and already has a check in flight."""
        with self._lock:
            now = time.monotonic()
            by_account = self._prune(self._accounts, account, now)
            by_address = self._prune(self._addresses, address, now)
            if len(by_account) >= self.per_account:
                return self._refused(address, now)
            number = next(self._numbers)
            if len(by_address) >= self.per_address and (account, address) not in self._known:
                busy = self._slow_lane.get(address)
                if busy is not None and now - busy[1] < self.stale_check:
                    return self._refused(address, now)
                self._slow_lane[address] = (number, now)
            self._accounts.setdefault(account, {})[number] = now
            self._addresses.setdefault(address, {})[number] = now
            return Reservation(number, account, address)

    def _refused(self, address: str, now: float) -> None:
        counts = self._refusals.get(address)
        if counts is None:
            if len(self._refusals) >= self.MAX_TRACKED:
                self._refusals.pop(next(iter(self._refusals)))
            counts = self._refusals[address] = [0, -float("inf")]
        counts[0] += 1
        return None

    def refusal_to_audit(self, address: str) -> int:
        """How many refused attempts from ``address`` to write in one audit entry now (0: not
        yet — one entry per address per ``audit_every`` seconds, counting all since the last)."""
        with self._lock:
            now = time.monotonic()
            counts = self._refusals.get(address)
            if counts is None or counts[0] == 0 or now - counts[1] < self.audit_every:
                return 0
            refused = int(counts[0])
            counts[0], counts[1] = 0, now
            return refused

    def settle(self, reservation: Reservation, succeeded: bool) -> None:
        """Record the outcome: a failure stays counted; a success clears the account and
        remembers the account's address."""
        with self._lock:
            lane = self._slow_lane.get(reservation.address)
            if lane is not None and lane[0] == reservation.number:
                del self._slow_lane[reservation.address]
            if not succeeded:
                return
            self._accounts.pop(reservation.account, None)
            entries = self._addresses.get(reservation.address, {})
            entries.pop(reservation.number, None)
            if not entries:
                self._addresses.pop(reservation.address, None)
            if len(self._known) >= self.MAX_TRACKED:
                self._known.pop(next(iter(self._known)))
            self._known[(reservation.account, reservation.address)] = time.monotonic()

    def retry_after(self, account: str, address: str) -> int:
        """Seconds until an attempt on ``account`` from ``address`` may be admitted again."""
        with self._lock:
            now = time.monotonic()
            entries = self._prune(self._accounts, account, now)
            if len(entries) >= self.per_account:
                oldest = min(entries.values())
                return max(1, int(self.window - (now - oldest)) + 1)
        return 1  # only the address's one check in flight: try again in a moment
