"""What the store hands out and what it accepts: the :class:`Coding` record, the reserved
layers, and the input checks every write shares (names, ids, memos).

Tested in tests/coding/store/test_store.py.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from coding.errors import StoreError

CONSENSUS = "consensus"
"""The coder layer that holds the reconciled codes."""
AUTO = "auto"
"""The coder layer that holds the autocoder's suggestions."""
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
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")
MAX_MEMO = 20_000


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


def now() -> datetime:
    """The current time, UTC, without tzinfo (how every timestamp column stores it)."""
    return datetime.now(UTC).replace(tzinfo=None)


def coding_from_row(row: Any) -> Coding:
    """A :class:`Coding` from a row of the ``codings`` table."""
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


def audit_view(coding: Coding) -> dict[str, Any]:
    """The fields of a coding the audit log records before and after a change."""
    return {
        k: coding.as_dict()[k]
        for k in ("transcript_id", "coder", "code_id", "start", "end", "memo", "version")
    }


def check_name(name: str, what: str = "coder") -> str:
    """A coder or user name: 1-64 letters, digits, ``_``, ``.``, ``-``."""
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise StoreError(
            f"{what} name {name!r} is not valid: expected 1-64 letters, digits, '_', '.', '-'",
            field=what,
        )
    return name


def check_id(value: str, field: str) -> str:
    """A transcript or code id: a non-empty string of at most 128 characters."""
    if not isinstance(value, str) or not value.strip() or len(value) > 128:
        raise StoreError(
            f"{field} must be a non-empty string of at most 128 characters", field=field
        )
    return value


def check_memo(memo: Any) -> str:
    """A memo: text of at most 20,000 characters (None means empty)."""
    if memo is None:
        return ""
    if not isinstance(memo, str):
        raise StoreError("memo must be text", field="memo")
    if len(memo) > MAX_MEMO:
        raise StoreError("memo is longer than 20,000 characters", field="memo")
    return memo


def missing(value: Any) -> bool:
    """None or NaN (an empty cell of a pandas frame)."""
    return value is None or (isinstance(value, float) and value != value)
