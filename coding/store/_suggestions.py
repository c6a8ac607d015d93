"""The autocoder's suggestions (codings of coder ``auto``): each coder accepts (a copy into
her layer) or rejects each one once.

Tested in tests/coding/store/test_store.py.
"""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from coding.errors import NotFoundError, StaleEditError
from coding.store import _schema as s
from coding.store._audit import append_audit
from coding.store._base import StoreBase
from coding.store._records import AUTO, Coding, audit_view, coding_from_row, now


class Suggestions(StoreBase):
    """Reviewing the autocoder's suggestions."""

    def suggestions(self, transcript_id: str, coder: str) -> list[Coding]:
        """Live ``auto`` codings of a transcript that ``coder`` has not accepted/rejected."""
        reviewed = select(s.suggestion_reviews.c.coding_id).where(
            s.suggestion_reviews.c.coder == coder
        )
        query = (
            select(s.codings)
            .where(
                s.codings.c.transcript_id == transcript_id,
                s.codings.c.coder == AUTO,
                s.codings.c.deleted_at.is_(None),
                s.codings.c.id.not_in(reviewed),
            )
            .order_by(s.codings.c.start, s.codings.c.id)
        )
        with self.reading() as c:
            return [coding_from_row(r) for r in c.execute(query)]

    def review_suggestion(self, coding_id: int, coder: str, accept: bool) -> Coding | None:
        """Accept (copy into ``coder``'s layer; returns the copy) or reject a suggestion."""
        suggestion = self.get_coding(coding_id)  # type: ignore[attr-defined]  (Codings)
        if suggestion.coder != AUTO or suggestion.deleted_at is not None:
            raise NotFoundError(f"no live suggestion {coding_id}", field="coding_id")
        with self.transaction() as c:
            try:
                c.execute(
                    insert(s.suggestion_reviews).values(
                        coding_id=suggestion.id,
                        coder=coder,
                        decision="accepted" if accept else "rejected",
                        at=now(),
                    )
                )
            except IntegrityError as error:
                raise StaleEditError(
                    f"suggestion {coding_id} was already reviewed", field="coding_id"
                ) from error
            copy = None
            if accept:
                stamp = now()
                new_id = c.execute(
                    insert(s.codings)
                    .values(
                        transcript_id=suggestion.transcript_id,
                        coder=coder,
                        code_id=suggestion.code_id,
                        start=suggestion.start,
                        end=suggestion.end,
                        memo="",
                        created_at=stamp,
                        updated_at=stamp,
                        version=1,
                        suggestion_of=suggestion.id,
                    )
                    .returning(s.codings.c.id)
                ).scalar_one()
                copy = coding_from_row(
                    c.execute(select(s.codings).where(s.codings.c.id == new_id)).one()
                )
            append_audit(
                c,
                coder,
                "accept_suggestion" if accept else "reject_suggestion",
                f"coding:{suggestion.id}",
                after=None if copy is None else audit_view(copy),
            )
        return copy
