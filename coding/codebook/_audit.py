"""The change record of codebook edits: who changed what, when, before and after.

:func:`~coding.codebook.rename_code`, :func:`~coding.codebook.merge_codes` and
:func:`~coding.codebook.split_code` return :class:`AuditEntry` records instead of writing a
log themselves, so they stay pure functions of (codebook, codings). The fields match a row of
the coding store's append-only ``audit_log`` (``at, actor, action, target, before, after``;
``who`` is its ``actor``), so a caller that keeps a log can append them as they are. Tested in
tests/coding/codebook/test_codebook.py.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AuditEntry:
    """One change: ``who`` did ``action`` to ``target``; ``before``/``after`` are JSON-able.

    ``action`` is a short verb phrase such as ``"rename_code"``, ``"merge_codes"``,
    ``"split_code"`` or ``"recode"``; ``target`` names the thing changed (a code id, a coding id);
    ``before`` and ``after`` hold the changed fields (plain dicts, lists, strings, numbers).

    >>> entry = AuditEntry("lead", "rename_code", "stigma", {"id": "stigma"}, {"id": "stigma_felt"})
    >>> entry.to_dict()["action"]
    'rename_code'
    """

    who: str
    action: str
    target: str
    before: Any = None
    after: Any = None
    at: datetime = field(default_factory=_now)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (``at`` as an ISO 8601 string) for JSON or a database row."""
        record = asdict(self)
        record["at"] = self.at.isoformat()
        return record

    def to_json(self) -> str:
        """The record as one JSON object (keys sorted, so equal entries give equal text)."""
        return json.dumps(self.to_dict(), sort_keys=True, default=str)
