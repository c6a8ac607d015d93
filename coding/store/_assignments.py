"""Who codes which transcript, and whether she is done.

Tested in tests/coding/store/test_store.py.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import delete, func, insert, select, update

from coding.errors import NotFoundError
from coding.store import _schema as s
from coding.store._audit import append_audit
from coding.store._base import StoreBase
from coding.store._records import check_name, now


class Assignments(StoreBase):
    """Assigning transcripts to coders and tracking their progress."""

    def assign(self, transcript_id: str, coder: str, *, actor: str = "cli") -> bool:
        """Assign a transcript to a coder; returns False when she already had it."""
        check_name(coder)
        self.transcript(transcript_id)  # type: ignore[attr-defined]  (Transcripts)
        with self.transaction() as c:
            exists = c.execute(
                select(s.assignments.c.coder).where(
                    s.assignments.c.transcript_id == transcript_id, s.assignments.c.coder == coder
                )
            ).first()
            if exists:
                return False
            c.execute(
                insert(s.assignments).values(
                    transcript_id=transcript_id, coder=coder, done=False, assigned_at=now()
                )
            )
            append_audit(c, actor, "assign", f"transcript:{transcript_id}", after={"coder": coder})
        return True

    def unassign(self, transcript_id: str, coder: str, *, actor: str = "cli") -> bool:
        """Take a transcript away from a coder (her codings stay); False if not assigned."""
        with self.transaction() as c:
            gone = c.execute(
                delete(s.assignments).where(
                    s.assignments.c.transcript_id == transcript_id, s.assignments.c.coder == coder
                )
            ).rowcount
            if gone:
                append_audit(
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
        with self.reading() as c:
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
        with self.reading() as c:
            found = c.execute(
                select(s.assignments.c.coder).where(
                    s.assignments.c.transcript_id == transcript_id,
                    s.assignments.c.coder == coder,
                )
            ).first()
        return found is not None

    def set_done(
        self, transcript_id: str, coder: str, done: bool = True, *, actor: str | None = None
    ) -> None:
        """Mark a coder's work on a transcript done (or not done)."""
        with self.transaction() as c:
            changed = c.execute(
                update(s.assignments)
                .where(
                    s.assignments.c.transcript_id == transcript_id, s.assignments.c.coder == coder
                )
                .values(done=done, done_at=now() if done else None)
            ).rowcount
            if not changed:
                raise NotFoundError(
                    f"transcript {transcript_id!r} is not assigned to {coder!r}",
                    field="transcript_id",
                )
            append_audit(
                c,
                actor or coder,
                "done" if done else "not_done",
                f"transcript:{transcript_id}",
                after={"coder": coder},
            )
