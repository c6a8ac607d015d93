"""Group commit for SQLite: many threads' writes share one durable commit.

With ``synchronous=FULL`` every SQLite commit waits for the disk (about 14 ms on the test
VM), and SQLite admits one writer at a time, so ten coders saving at once would queue behind
ten disk flushes. Here the writes of one process are run one after another on a shared
connection, each inside its own SAVEPOINT (a failing write is rolled back alone), and the
transaction is committed when no further writer is waiting to join: one flush then makes the
whole group durable. A caller returns only after the commit that contains its write, so an
acknowledged write still survives a killed process. (The same idea as PostgreSQL's and
InnoDB's group commit.)
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from sqlalchemy import Connection, Engine


class _Batch:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.error: BaseException | None = None


class GroupCommitter:
    """``with committer.transaction() as connection:`` — a savepoint in a shared transaction;
    on leaving the block, the caller waits until that transaction is committed."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()  # held while a writer runs or the group commits
        self._count_lock = threading.Lock()
        self._entering = 0  # writers waiting for _lock
        self._connection: Connection | None = None
        self._transaction = None
        self._batch: _Batch | None = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self._count_lock:
            self._entering += 1
        self._lock.acquire()
        with self._count_lock:
            self._entering -= 1
        batch: _Batch | None = None
        succeeded = False
        try:
            if self._connection is None:
                self._connection = self._engine.connect()
            if self._transaction is None:
                self._transaction = self._connection.begin()
                self._batch = _Batch()
            batch = self._batch
            savepoint = self._connection.begin_nested()
            try:
                yield self._connection
            except BaseException:
                savepoint.rollback()
                raise
            savepoint.commit()
            succeeded = True
        finally:
            try:
                with self._count_lock:
                    last = self._entering == 0
                if last:
                    self._commit()
            finally:
                self._lock.release()
        if succeeded and batch is not None:
            batch.done.wait()
            if batch.error is not None:
                raise batch.error

    def _commit(self) -> None:
        """Commit the open group (caller holds ``_lock``) and wake its writers."""
        batch, transaction = self._batch, self._transaction
        self._batch = self._transaction = None
        if transaction is None or batch is None:
            return
        try:
            transaction.commit()
        except BaseException as error:
            batch.error = error
            self._discard()
        finally:
            batch.done.set()

    def _discard(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
        self._connection = None

    def close(self) -> None:
        """Close the shared connection (after the last write)."""
        with self._lock:
            if self._transaction is not None:
                self._commit()
            self._discard()
