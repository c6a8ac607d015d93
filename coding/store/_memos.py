"""Each coder's memo on a transcript.

Tested in tests/coding/store/test_store.py (``test_memos``).
"""

from __future__ import annotations

from sqlalchemy import insert, select, update

from coding.store import _schema as s
from coding.store._audit import append_audit
from coding.store._base import StoreBase
from coding.store._records import check_memo, now


class Memos(StoreBase):
    """Transcript memos, one per coder and transcript."""

    def set_memo(self, transcript_id: str, coder: str, text: str) -> None:
        """Replace ``coder``'s memo on a transcript."""
        text = check_memo(text)
        with self.transaction() as c:
            before = c.execute(
                select(s.memos.c.text).where(
                    s.memos.c.transcript_id == transcript_id, s.memos.c.coder == coder
                )
            ).scalar()
            if before is None:
                self.transcript(transcript_id)  # type: ignore[attr-defined]  (Transcripts)
                c.execute(
                    insert(s.memos).values(
                        transcript_id=transcript_id, coder=coder, text=text, updated_at=now()
                    )
                )
            else:
                c.execute(
                    update(s.memos)
                    .where(s.memos.c.transcript_id == transcript_id, s.memos.c.coder == coder)
                    .values(text=text, updated_at=now())
                )
            append_audit(
                c,
                coder,
                "set_memo",
                f"transcript:{transcript_id}",
                before=None if before is None else {"memo": before},
                after={"memo": text},
            )

    def memo(self, transcript_id: str, coder: str) -> str:
        """``coder``'s memo on a transcript ('' when none)."""
        with self.reading() as c:
            found = c.execute(
                select(s.memos.c.text).where(
                    s.memos.c.transcript_id == transcript_id, s.memos.c.coder == coder
                )
            ).scalar()
        return found or ""
