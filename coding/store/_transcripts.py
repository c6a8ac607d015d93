"""Transcripts as the store knows them: id, text hash and length (codings point into the
text by offset, so a changed text must not slip in), and the per-transcript switches the lead
turns on (reconciliation open, suggestions shown).

Tested in tests/coding/store/test_store.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import insert, select, update

from coding.errors import NotFoundError, StoreError
from coding.store import _schema as s
from coding.store._audit import append_audit
from coding.store._base import StoreBase
from coding.store._records import check_id, now

TRANSCRIPT_COLUMNS = [
    "transcript_id",
    "text_sha256",
    "text_length",
    "reconciliation_open",
    "suggestions_enabled",
    "coders",
    "done",
]


class Transcripts(StoreBase):
    """Registering transcripts and reading their state."""

    def register_transcripts(self, texts: Mapping[str, str], *, actor: str = "import") -> int:
        """Record transcripts' ids, text hashes and lengths; returns how many were new.

        A transcript already registered with a *different* text raises :class:`StoreError`:
        codings point into the text by offset, so a changed text would silently move them.
        """
        stamp = now()
        added = 0
        with self.transaction() as c:
            known = {
                r.id: r.text_sha256
                for r in c.execute(select(s.transcripts.c.id, s.transcripts.c.text_sha256))
            }
            for transcript_id, text in texts.items():
                check_id(transcript_id, "transcript_id")
                digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
                if transcript_id in known:
                    if known[transcript_id] != digest:
                        raise StoreError(
                            f"transcript {transcript_id!r} text changed since it was imported "
                            "(its codings point into the old text by offset); re-import under "
                            "a new id or migrate its codings first",
                            field="transcript_id",
                        )
                    continue
                c.execute(
                    insert(s.transcripts).values(
                        id=transcript_id,
                        text_sha256=digest,
                        text_length=len(text),
                        reconciliation_open=False,
                        suggestions_enabled=False,
                        created_at=stamp,
                    )
                )
                known[transcript_id] = digest
                added += 1
            if added:
                append_audit(
                    c, actor, "register_transcripts", "transcripts", after={"added": added}
                )
        return added

    def transcripts(self) -> pd.DataFrame:
        """One row per transcript: ``transcript_id, text_sha256, text_length,
        reconciliation_open, suggestions_enabled, coders, done`` (lists of coder names)."""
        with self.reading() as c:
            rows = c.execute(select(s.transcripts).order_by(s.transcripts.c.id)).all()
            assigned = c.execute(select(s.assignments)).all()
        coders: dict[str, list[str]] = {}
        done: dict[str, list[str]] = {}
        for a in sorted(assigned, key=lambda a: a.coder):
            coders.setdefault(a.transcript_id, []).append(a.coder)
            if a.done:
                done.setdefault(a.transcript_id, []).append(a.coder)
        return pd.DataFrame(
            [
                {
                    "transcript_id": r.id,
                    "text_sha256": r.text_sha256,
                    "text_length": r.text_length,
                    "reconciliation_open": bool(r.reconciliation_open),
                    "suggestions_enabled": bool(r.suggestions_enabled),
                    "coders": coders.get(r.id, []),
                    "done": done.get(r.id, []),
                }
                for r in rows
            ],
            columns=TRANSCRIPT_COLUMNS,
        )

    def transcript(self, transcript_id: str) -> dict[str, Any]:
        """One transcript's row as a dict (see :meth:`transcripts`); NotFoundError if none."""
        with self.reading() as c:
            row = c.execute(
                select(s.transcripts).where(s.transcripts.c.id == transcript_id)
            ).first()
            if row is None:
                raise NotFoundError(f"no transcript {transcript_id!r}", field="transcript_id")
            assigned = c.execute(
                select(s.assignments)
                .where(s.assignments.c.transcript_id == transcript_id)
                .order_by(s.assignments.c.coder)
            ).all()
        return {
            "transcript_id": row.id,
            "text_sha256": row.text_sha256,
            "text_length": row.text_length,
            "reconciliation_open": bool(row.reconciliation_open),
            "suggestions_enabled": bool(row.suggestions_enabled),
            "coders": [a.coder for a in assigned],
            "done": [a.coder for a in assigned if a.done],
        }

    def set_reconciliation(
        self, transcript_id: str, open_: bool = True, *, actor: str = "cli"
    ) -> None:
        """Open (or close) reconciliation: until it is open, coders see only their own layer."""
        self._set_flag(transcript_id, "reconciliation_open", open_, actor)

    def set_suggestions(
        self, transcript_id: str, enabled: bool = True, *, actor: str = "cli"
    ) -> None:
        """Show (or hide) the autocoder's suggestions (coder ``auto``) to the coders."""
        self._set_flag(transcript_id, "suggestions_enabled", enabled, actor)

    def _set_flag(self, transcript_id: str, flag: str, value: bool, actor: str) -> None:
        with self.transaction() as c:
            changed = c.execute(
                update(s.transcripts)
                .where(s.transcripts.c.id == transcript_id)
                .values({flag: value})
            ).rowcount
            if not changed:
                raise NotFoundError(f"no transcript {transcript_id!r}", field="transcript_id")
            append_audit(
                c, actor, f"set_{flag}", f"transcript:{transcript_id}", after={flag: value}
            )
