"""Coding ids as the browser sees them: a keyed permutation of the database ids.

Database ids are one sequence for the whole study, so a coder who saw her codings numbered
17 and 25 would learn that others made seven codings meanwhile — activity that blind
double-coding is meant to hide. The API therefore never shows a database id: it shows
``encode(id)``, a 4-round Feistel permutation of ``[0, 2**52)`` keyed by a secret kept in the
coding database (so ids stay valid across restarts), with HMAC-SHA256 as the round function
(Luby–Rackoff: four rounds of a pseudo-random function give a strong pseudo-random
permutation). Public ids are below ``2**52``, so JavaScript numbers hold them exactly; any
other number decodes to nothing and is answered with 404. Tested in
tests/coding/web/test_security.py.
"""

from __future__ import annotations

import hashlib
import hmac

ID_BITS = 52
MAX_PUBLIC_ID = (1 << ID_BITS) - 1
_HALF = ID_BITS // 2
_MASK = (1 << _HALF) - 1
_ROUNDS = 4


class IdCipher:
    """``encode``/``decode`` between database ids and public ids under ``key``."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the id key must have at least 16 bytes")
        self._key = key

    def _round(self, number: int, half: int) -> int:
        message = bytes([number]) + half.to_bytes(4, "big")
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return int.from_bytes(digest[:4], "big") & _MASK

    def encode(self, database_id: int) -> int:
        """The public id of a database id (``0 <= database_id < 2**52``)."""
        if not 0 <= database_id <= MAX_PUBLIC_ID:
            raise ValueError(f"id {database_id} is outside [0, 2**{ID_BITS})")
        left, right = database_id >> _HALF, database_id & _MASK
        for number in range(_ROUNDS):
            left, right = right, left ^ self._round(number, right)
        return (left << _HALF) | right

    def decode(self, public_id: int) -> int | None:
        """The database id behind a public id, or None for a number outside the range."""
        if isinstance(public_id, bool) or not 0 <= public_id <= MAX_PUBLIC_ID:
            return None
        left, right = public_id >> _HALF, public_id & _MASK
        for number in reversed(range(_ROUNDS)):
            left, right = right ^ self._round(number, left), left
        return (left << _HALF) | right
