"""The append-only audit log: every change writes who, what, before and after in the same
transaction as the change itself (triggers refuse UPDATE and DELETE on the table).

Tested in tests/coding/store/test_store.py (``test_audit_log_*``).
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from sqlalchemy import Connection, insert, select

from coding.store import _schema as s
from coding.store._base import StoreBase
from coding.store._records import now

AUDIT_COLUMNS = ["audit_id", "at", "actor", "action", "target", "before", "after"]


def append_audit(
    connection: Connection,
    actor: str,
    action: str,
    target: str,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append one entry inside the caller's transaction (``before``/``after`` as JSON)."""

    def dump(value: Any) -> str | None:
        return None if value is None else json.dumps(value, sort_keys=True, default=str)

    connection.execute(
        insert(s.audit).values(
            at=now(),
            actor=actor[:64],
            action=action,
            target=target[:256],
            before=dump(before),
            after=dump(after),
        )
    )


class AuditLog(StoreBase):
    """Reading the audit log, and appending to it from components outside the store."""

    def audit(
        self,
        connection: Connection,
        actor: str,
        action: str,
        target: str,
        before: Any = None,
        after: Any = None,
    ) -> None:
        """Append an entry inside ``connection``'s transaction (from :meth:`transaction`)."""
        append_audit(connection, actor, action, target, before, after)

    def record(self, actor: str, action: str, target: str, after: Any = None) -> None:
        """Append an entry on its own (an event that changes nothing else, e.g. a failed
        login)."""
        with self.transaction() as connection:
            append_audit(connection, actor, action, target, after=after)

    def audit_log(self, limit: int | None = None) -> pd.DataFrame:
        """The audit log, oldest first: ``audit_id, at, actor, action, target, before, after``
        (``before``/``after`` decoded from JSON; None when absent). ``limit`` keeps the newest.
        """
        query = select(s.audit).order_by(s.audit.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self.reading() as c:
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
            columns=AUDIT_COLUMNS,
        )
        frame["at"] = pd.to_datetime(frame["at"]).dt.tz_localize("UTC")
        return frame
