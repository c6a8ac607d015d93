"""The plumbing every part of the store shares: the engines, one durable write transaction,
read connections, and the schema upgrade run when a database is opened.

The parts of :class:`coding.store.CodingStore` (codings, transcripts, assignments,
suggestions, memos, audit) are small classes over this base; a component that keeps its own
tables in the same database (the web app's accounts, :mod:`coding.web.accounts`) uses the
same three public hooks: :meth:`StoreBase.transaction`, :meth:`StoreBase.reading` and
:meth:`StoreBase.upgrade_component`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping

from sqlalchemy import Connection, MetaData
from sqlalchemy.engine import make_url

from coding.store import _migrations
from coding.store._commit import GroupCommitter
from coding.store._engine import make_engines


class StoreBase:
    """Engines and transactions of one coding database at a SQLAlchemy ``url``."""

    def __init__(self, url: str, *, group_commit: bool = True) -> None:
        self.url = url
        self._write, self._read = make_engines(url)
        # SQLite: one writer at a time and one disk flush per commit, so this process's
        # concurrent writes share commits (coding.store._commit); PostgreSQL does its own.
        self._committer = (
            GroupCommitter(self._write)
            if group_commit and self._write.dialect.name == "sqlite"
            else None
        )
        with self._write.begin() as connection:
            _migrations.upgrade_store(connection)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({make_url(self.url).render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        """Release the database connections."""
        if self._committer is not None:
            self._committer.close()
        self._write.dispose()
        if self._read is not self._write:
            self._read.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write; committed (durably) when the ``with`` block is left without error."""
        if self._committer is not None:
            with self._committer.transaction() as connection:
                yield connection
        else:
            with self._write.begin() as connection:
                yield connection

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only connection (beside writers under SQLite's WAL)."""
        with self._read.connect() as connection:
            yield connection

    def schema_version(self, component: str = "store") -> int | None:
        """The schema version recorded for ``component`` (``store`` or e.g. ``accounts``)."""
        with self.reading() as connection:
            return _migrations.schema_version(connection, component)

    def upgrade_component(
        self,
        component: str,
        metadata: MetaData,
        latest: int,
        steps: Mapping[int, _migrations.Step],
        legacy_table: str,
    ) -> int:
        """Create or migrate another component's tables in this database (see
        :func:`coding.store._migrations.upgrade_component`); returns the version found."""
        with self._write.begin() as connection:
            return _migrations.upgrade_component(
                connection, component, metadata, latest, steps, legacy_table
            )
