"""Coded spans: add, read, edit with optimistic versions, soft-delete, and seed from a
study's ``codings.csv``.

Edits use optimistic concurrency: each coding carries a ``version``; ``update_coding(id,
expected_version, ...)`` succeeds only when nobody changed the coding since the caller read
it, otherwise :class:`StaleEditError` says so (two browser tabs cannot silently overwrite each
other). Deletion is soft (``deleted_at``), so the history stays reconstructible.

Tested in tests/coding/store/test_store.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Connection, insert, select, text, update

from coding.errors import NotFoundError, StaleEditError, StoreError
from coding.store import _schema as s
from coding.store._audit import append_audit
from coding.store._base import StoreBase
from coding.store._records import (
    CODING_COLUMNS,
    NAME_PATTERN,
    Coding,
    audit_view,
    check_id,
    check_memo,
    check_name,
    coding_from_row,
    missing,
    now,
)


class Codings(StoreBase):
    """Every coder's spans."""

    def add_coding(
        self,
        transcript_id: str,
        coder: str,
        code_id: str,
        start: int,
        end: int,
        memo: str = "",
        *,
        actor: str | None = None,
        suggestion_of: int | None = None,
    ) -> Coding:
        """Store a new span ``[start, end)`` and return it (committed when this returns)."""
        check_name(coder)
        check_id(code_id, "code_id")
        memo = check_memo(memo)
        with self.transaction() as c:
            check_span(c, transcript_id, start, end)
            return _insert(c, transcript_id, coder, code_id, start, end, memo, actor, suggestion_of)

    def apply_code(
        self,
        transcript_id: str,
        coder: str,
        code_id: str,
        start: int,
        end: int,
        memo: str = "",
        *,
        actor: str | None = None,
    ) -> tuple[Coding, bool]:
        """Apply a code once: ``(coding, created)``.

        When ``coder`` already has a live coding of ``code_id`` on exactly ``[start, end)``,
        that coding is returned with ``created=False`` and nothing is stored — a double click
        or a repeated key press does not make a duplicate. The check and the insert run in
        one write transaction (serialised per transcript and coder by an advisory lock on
        PostgreSQL, by the database lock on SQLite), so parallel repeats are caught too.
        There is deliberately no unique constraint: imported projects may hold duplicates.
        """
        check_name(coder)
        check_id(code_id, "code_id")
        memo = check_memo(memo)
        with self.transaction() as c:
            check_span(c, transcript_id, start, end)
            if c.dialect.name == "postgresql":
                c.execute(
                    text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                    {"key": f"apply:{transcript_id}:{coder}"},
                )
            found = c.execute(
                select(s.codings)
                .where(
                    s.codings.c.transcript_id == transcript_id,
                    s.codings.c.coder == coder,
                    s.codings.c.code_id == code_id,
                    s.codings.c.start == int(start),
                    s.codings.c.end == int(end),
                    s.codings.c.deleted_at.is_(None),
                )
                .order_by(s.codings.c.id)
            ).first()
            if found is not None:
                return coding_from_row(found), False
            return _insert(c, transcript_id, coder, code_id, start, end, memo, actor, None), True

    def get_coding(self, coding_id: int) -> Coding:
        """The coding with that id (deleted ones too); NotFoundError if none."""
        with self.reading() as c:
            row = c.execute(select(s.codings).where(s.codings.c.id == int(coding_id))).first()
        if row is None:
            raise NotFoundError(f"no coding {coding_id}", field="coding_id")
        return coding_from_row(row)

    def update_coding(
        self,
        coding_id: int,
        expected_version: int,
        *,
        code_id: str | None = None,
        start: int | None = None,
        end: int | None = None,
        memo: str | None = None,
        actor: str | None = None,
    ) -> Coding:
        """Change a coding if it is still at ``expected_version``; returns the new version.

        Raises :class:`StaleEditError` when the coding was changed or deleted meanwhile.
        """
        with self.transaction() as c:
            before = live_coding(c, coding_id, expected_version, "was deleted")
            values: dict[str, Any] = {}
            if code_id is not None:
                values["code_id"] = check_id(code_id, "code_id")
            if memo is not None:
                values["memo"] = check_memo(memo)
            new_start = before.start if start is None else start
            new_end = before.end if end is None else end
            if start is not None or end is not None:
                check_span(c, before.transcript_id, new_start, new_end)
                values.update(start=int(new_start), end=int(new_end))
            values.update(updated_at=now(), version=before.version + 1)
            changed = c.execute(
                update(s.codings)
                .where(
                    s.codings.c.id == before.id,
                    s.codings.c.version == expected_version,
                    s.codings.c.deleted_at.is_(None),
                )
                .values(values)
            ).rowcount
            if changed != 1:  # another writer won between our read and write (Postgres)
                raise StaleEditError(
                    f"coding {coding_id} changed meanwhile; reload", field="version"
                )
            after = coding_from_row(
                c.execute(select(s.codings).where(s.codings.c.id == before.id)).one()
            )
            append_audit(
                c,
                actor or before.coder,
                "update_coding",
                f"coding:{before.id}",
                before=audit_view(before),
                after=audit_view(after),
            )
        return after

    def delete_coding(
        self, coding_id: int, expected_version: int | None = None, *, actor: str | None = None
    ) -> Coding:
        """Soft-delete a coding (it stays in the database with ``deleted_at`` set)."""
        with self.transaction() as c:
            before = live_coding(c, coding_id, expected_version, "was already deleted")
            stamp = now()
            changed = c.execute(
                update(s.codings)
                .where(s.codings.c.id == before.id, s.codings.c.version == before.version)
                .values(deleted_at=stamp, updated_at=stamp, version=before.version + 1)
            ).rowcount
            if changed != 1:
                raise StaleEditError(
                    f"coding {coding_id} changed meanwhile; reload", field="version"
                )
            append_audit(
                c,
                actor or before.coder,
                "delete_coding",
                f"coding:{before.id}",
                before=audit_view(before),
            )
        return self.get_coding(before.id)

    def coding_list(
        self,
        transcript_id: str | None = None,
        coders: Iterable[str] | None = None,
        include_deleted: bool = False,
    ) -> list[Coding]:
        """Codings as :class:`Coding` objects (with versions), ordered by transcript, start."""
        query = select(s.codings).order_by(
            s.codings.c.transcript_id, s.codings.c.start, s.codings.c.end, s.codings.c.id
        )
        if transcript_id is not None:
            query = query.where(s.codings.c.transcript_id == transcript_id)
        if coders is not None:
            query = query.where(s.codings.c.coder.in_(list(coders)))
        if not include_deleted:
            query = query.where(s.codings.c.deleted_at.is_(None))
        with self.reading() as c:
            return [coding_from_row(r) for r in c.execute(query)]

    def codings(self, coder: str | None = None, include_deleted: bool = False) -> pd.DataFrame:
        """All codings (of one ``coder`` if given) as a DataFrame.

        Columns ``coding_id, transcript_id, coder, code_id, start, end, memo, created_at,
        updated_at`` (timestamps UTC), plus ``deleted_at`` when ``include_deleted``.
        """
        rows = self.coding_list(
            coders=None if coder is None else [coder], include_deleted=include_deleted
        )
        columns = CODING_COLUMNS + (["deleted_at"] if include_deleted else [])
        frame = pd.DataFrame(
            [
                {
                    "coding_id": r.id,
                    "transcript_id": r.transcript_id,
                    "coder": r.coder,
                    "code_id": r.code_id,
                    "start": r.start,
                    "end": r.end,
                    "memo": r.memo,
                    "created_at": r.created_at,
                    "updated_at": r.updated_at,
                    "deleted_at": r.deleted_at,
                }
                for r in rows
            ],
            columns=CODING_COLUMNS + ["deleted_at"],
        )[columns]
        for column in ("created_at", "updated_at", "deleted_at"):
            if column in frame:
                frame[column] = pd.to_datetime(frame[column]).dt.tz_localize("UTC")
        return frame.astype({"coding_id": "int64", "start": "int64", "end": "int64"})

    def import_codings(
        self, frame: pd.DataFrame, *, source: str = "codings.csv", actor: str = "import"
    ) -> int:
        """Seed codings from a study's ``codings.csv`` frame; returns how many rows were new.

        Needs columns ``transcript_id, coder, code_id, start, end`` (``memo`` and
        ``coding_id`` optional). Rows whose ``coding_id`` was imported before are skipped, so
        re-running is harmless. All rows are checked first; one bad row stores nothing and
        raises :class:`StoreError` naming the row (1-based) and field.
        """
        required = ["transcript_id", "coder", "code_id", "start", "end"]
        missing_columns = [c for c in required if c not in frame.columns]
        if missing_columns:
            raise StoreError(
                f"missing column(s) {missing_columns}; expected {required}", file=source
            )
        rows: list[dict[str, Any]] = []
        stamp = now()
        with self.transaction() as c:
            lengths = dict(c.execute(select(s.transcripts.c.id, s.transcripts.c.text_length)).all())
            seen = {
                r[0]
                for r in c.execute(
                    select(s.codings.c.source_id).where(s.codings.c.source_id.is_not(None))
                )
            }
            for number, record in enumerate(frame.to_dict("records"), start=1):
                row = _import_row(record, {"file": source, "row": number}, lengths)
                if row["source_id"] is not None and row["source_id"] in seen:
                    continue
                rows.append({**row, "created_at": stamp, "updated_at": stamp, "version": 1})
                if row["source_id"] is not None:
                    seen.add(row["source_id"])
            if rows:
                c.execute(insert(s.codings), rows)
                append_audit(
                    c,
                    actor,
                    "import_codings",
                    "codings",
                    after={"source": source, "rows": len(rows)},
                )
        return len(rows)


def _insert(
    c: Connection,
    transcript_id: str,
    coder: str,
    code_id: str,
    start: int,
    end: int,
    memo: str,
    actor: str | None,
    suggestion_of: int | None,
) -> Coding:
    """Insert one checked coding and its audit entry inside ``c``'s transaction."""
    stamp = now()
    new_id = c.execute(
        insert(s.codings)
        .values(
            transcript_id=transcript_id,
            coder=coder,
            code_id=code_id,
            start=int(start),
            end=int(end),
            memo=memo,
            created_at=stamp,
            updated_at=stamp,
            version=1,
            suggestion_of=suggestion_of,
        )
        .returning(s.codings.c.id)
    ).scalar_one()
    coding = coding_from_row(c.execute(select(s.codings).where(s.codings.c.id == new_id)).one())
    append_audit(c, actor or coder, "add_coding", f"coding:{new_id}", after=audit_view(coding))
    return coding


def _import_row(
    record: dict[str, Any], where: dict[str, Any], lengths: dict[str, int]
) -> dict[str, Any]:
    """One checked row of an imported codings table (``where`` names the file and row)."""
    source_id = record.get("coding_id")
    source_id = None if missing(source_id) else str(source_id)
    transcript_id = str(record["transcript_id"])
    if transcript_id not in lengths:
        raise StoreError(f"unknown transcript {transcript_id!r}", field="transcript_id", **where)
    coder = str(record["coder"])
    if not NAME_PATTERN.match(coder):
        raise StoreError(f"coder name {coder!r} is not valid", field="coder", **where)
    code_id = str(record["code_id"])
    if missing(record["code_id"]) or not code_id.strip():
        raise StoreError("code_id is empty", field="code_id", **where)
    try:
        start, end = int(record["start"]), int(record["end"])
    except (TypeError, ValueError) as error:
        raise StoreError("start and end must be whole numbers", field="start", **where) from error
    if not 0 <= start < end <= lengths[transcript_id]:
        raise StoreError(
            f"span [{start}, {end}) is outside the text (length {lengths[transcript_id]}) or empty",
            field="start",
            **where,
        )
    memo = "" if missing(record.get("memo")) else str(record.get("memo"))
    return dict(
        transcript_id=transcript_id,
        coder=coder,
        code_id=code_id,
        start=start,
        end=end,
        memo=memo,
        source_id=source_id,
    )


def check_span(c: Connection, transcript_id: str, start: Any, end: Any) -> None:
    """``[start, end)`` must be whole numbers inside the registered transcript's text."""
    length = c.execute(
        select(s.transcripts.c.text_length).where(s.transcripts.c.id == transcript_id)
    ).scalar()
    if length is None:
        raise NotFoundError(f"no transcript {transcript_id!r}", field="transcript_id")
    if (
        isinstance(start, bool)
        or isinstance(end, bool)
        or not (isinstance(start, int) and isinstance(end, int))
    ):
        raise StoreError("start and end must be whole numbers", field="start")
    if not 0 <= start < end <= length:
        raise StoreError(
            f"span [{start}, {end}) must satisfy 0 <= start < end <= {length} "
            f"(the length of transcript {transcript_id!r})",
            field="start" if not 0 <= start < length else "end",
        )


def live_coding(
    c: Connection, coding_id: int, expected_version: int | None, deleted: str
) -> Coding:
    """The coding about to be changed: it must exist, not be deleted, and (when a version is
    given) still be at the version the editor read."""
    row = c.execute(select(s.codings).where(s.codings.c.id == int(coding_id))).first()
    if row is None:
        raise NotFoundError(f"no coding {coding_id}", field="coding_id")
    before = coding_from_row(row)
    if before.deleted_at is not None:
        raise StaleEditError(f"coding {coding_id} {deleted}", field="coding_id")
    if expected_version is not None and before.version != expected_version:
        raise StaleEditError(
            f"coding {coding_id} changed since you read it (version {before.version}, you had "
            f"{expected_version}); reload and try again",
            field="version",
        )
    return before
