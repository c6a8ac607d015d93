"""How the coding database is opened, so that an acknowledged write is durable and private.

SQLite is opened with WAL journalling, ``synchronous=FULL`` (a commit is on disk before it
returns, so an acknowledged write survives a killed process or a power cut), foreign keys
on, and a busy timeout. Writes use ``BEGIN IMMEDIATE`` so that concurrent writers queue on
the database lock instead of failing on a lock upgrade; reads use a separate engine with
ordinary deferred transactions, which WAL lets run beside a writer.

A new SQLite file is created with mode 0600 before SQLite opens it: it holds transcripts'
codings, memos and password hashes, so other accounts on the machine may not read it (SQLite
gives its ``-wal`` and ``-shm`` files the database file's permissions). Tested in
tests/coding/store/test_schema.py.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

BUSY_TIMEOUT_MS = 30_000
FILE_MODE = 0o600


def make_engines(url: str) -> tuple[Engine, Engine]:
    """Return ``(write_engine, read_engine)`` for ``url`` (the same engine twice off SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
        return engine, engine
    if (
        parsed.database
        and parsed.database != ":memory:"
        and not parsed.database.startswith("file:")
    ):
        create_private_file(Path(parsed.database))
    write = _sqlite_engine(url, immediate=True)
    read = _sqlite_engine(url, immediate=False)
    return write, read


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (an existing file is left alone:
    its owner chose its mode)."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        return
    os.close(descriptor)


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # pragma: no cover - driver hook
        # Autocommit at the driver level: SQLAlchemy's "begin" event emits BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # pragma: no cover - driver hook
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
