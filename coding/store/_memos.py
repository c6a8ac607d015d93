"""Each coder's memo on a transcript, versioned like codings.

A memo carries a ``version`` (0 while none is written): ``set_memo(..., expected_version=v)``
succeeds only when nobody saved that memo since the caller read version ``v``, otherwise
:class:`StaleEditError` says so and nothing is overwritten — two tabs cannot silently lose
each other's text. Tested in tests/coding/store/test_store.py (``test_memos*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import insert, select, update

from coding.errors import StaleEditError
from coding.store import _schema as s
from coding.store._audit import append_audit
from coding.store._base import StoreBase
from coding.store._records import check_memo, now

MEMO_COLUMNS = ["transcript_id", "coder", "memo", "version", "updated_at"]


@dataclass(frozen=True)
class Memo:
    """A coder's memo on a transcript; ``version`` 0 means none was written yet."""

    transcript_id: str
    coder: str
    text: str
    version: int
    updated_at: datetime | None = None


class Memos(StoreBase):
    """Transcript memos, one per coder and transcript."""

    def set_memo(
        self,
        transcript_id: str,
        coder: str,
        text: str,
        expected_version: int | None = None,
    ) -> Memo:
        """Replace ``coder``'s memo on a transcript; returns the stored memo.

        With ``expected_version`` (the version the writer read; 0 for "there was none") the
        save is refused with :class:`StaleEditError` when the memo changed meanwhile.
        """
        text = check_memo(text)
        where = (s.memos.c.transcript_id == transcript_id, s.memos.c.coder == coder)
        with self.transaction() as c:
            before = c.execute(select(s.memos.c.text, s.memos.c.version).where(*where)).first()
            current = 0 if before is None else before.version
            if expected_version is not None and expected_version != current:
                raise StaleEditError(
                    f"the memo on {transcript_id!r} was saved elsewhere since you read it "
                    f"(version {current}, you had {expected_version}); your text is kept: "
                    "merge it with the saved one and save again",
                    field="version",
                )
            stamp = now()
            if before is None:
                self.transcript(transcript_id)  # type: ignore[attr-defined]  (Transcripts)
                c.execute(
                    insert(s.memos).values(
                        transcript_id=transcript_id,
                        coder=coder,
                        text=text,
                        updated_at=stamp,
                        version=1,
                    )
                )
            else:
                changed = c.execute(
                    update(s.memos)
                    .where(*where, s.memos.c.version == current)
                    .values(text=text, updated_at=stamp, version=current + 1)
                ).rowcount
                if changed != 1:
                    raise StaleEditError("the memo changed meanwhile; reload", field="version")
            append_audit(
                c,
                coder,
                "set_memo",
                f"transcript:{transcript_id}",
                before=None if before is None else {"memo": before.text},
                after={"memo": text},
            )
        return Memo(transcript_id, coder, text, current + 1, stamp)

    def memo(self, transcript_id: str, coder: str) -> str:
        """``coder``'s memo on a transcript ('' when none)."""
        return self.memo_record(transcript_id, coder).text

    def memo_record(self, transcript_id: str, coder: str) -> Memo:
        """``coder``'s memo on a transcript with its version (version 0, '' when none)."""
        with self.reading() as c:
            row = c.execute(
                select(s.memos).where(
                    s.memos.c.transcript_id == transcript_id, s.memos.c.coder == coder
                )
            ).first()
        if row is None:
            return Memo(transcript_id, coder, "", 0)
        return Memo(transcript_id, coder, row.text, row.version, row.updated_at)

    def memos(self, transcript_id: str | None = None) -> pd.DataFrame:
        """Every coder's transcript memos: ``transcript_id, coder, memo, version,
        updated_at`` (UTC), ordered by transcript and coder."""
        query = select(s.memos).order_by(s.memos.c.transcript_id, s.memos.c.coder)
        if transcript_id is not None:
            query = query.where(s.memos.c.transcript_id == transcript_id)
        with self.reading() as c:
            rows = c.execute(query).all()
        frame = pd.DataFrame(
            [
                {
                    "transcript_id": r.transcript_id,
                    "coder": r.coder,
                    "memo": r.text,
                    "version": int(r.version),
                    "updated_at": r.updated_at,
                }
                for r in rows
            ],
            columns=MEMO_COLUMNS,
        )
        frame["updated_at"] = pd.to_datetime(frame["updated_at"]).dt.tz_localize("UTC")
        return frame.astype({"version": "int64"})
