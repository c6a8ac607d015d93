"""Audit entries: who changed what in a codebook or a set of codings, and when.

Codebook operations (:func:`coding.codebook.rename_code`, :func:`~coding.codebook.merge_codes`,
:func:`~coding.codebook.split_code`) return :class:`AuditEntry` records instead of writing a
log themselves; the coding store appends them to its append-only audit table. One record shape
for every part of dyadlab keeps the audit trail readable in one place.
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
