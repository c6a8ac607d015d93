"""Schema versions of the coding database, and the steps that bring an older database up.

Each component that keeps tables in the database (``store`` — this package — and the web
app's ``accounts``) records its schema version in ``dyadlab_meta`` (key ``schema_version`` for
the store, ``<component>_schema_version`` for the others). Opening a database runs, in one
transaction (serialised by ``BEGIN IMMEDIATE`` on SQLite and an advisory lock on PostgreSQL,
so two processes opening it at once do not race):

1. the component's pending migration steps, oldest first, each an ``ALTER``/``UPDATE`` that
   keeps every row (a database is migrated, never rebuilt);
2. ``CREATE TABLE IF NOT EXISTS`` for tables new in this version;
3. the new version number.

A database whose version is newer than this code knows is refused with a clear error instead
of being written by code that does not understand it. Tested in
tests/coding/store/test_schema.py against a database made with the schema of an earlier
commit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy import Connection, MetaData, inspect, select, text, update
from sqlalchemy import insert as sql_insert

from coding.errors import StoreError
from coding.store import _schema as s

STORE_SCHEMA_VERSION = 2
"""Version history: 1 — codings, transcripts, assignments, suggestions, memos, audit;
2 — transcript memos carry a version (a stale memo save is refused like a stale coding edit).
"""

Step = Callable[[Connection], None]


def _memo_versions(connection: Connection) -> None:
    """2: ``memos.version``, 1 for every memo already written."""
    connection.execute(text("ALTER TABLE memos ADD COLUMN version INTEGER NOT NULL DEFAULT 1"))


STORE_STEPS: dict[int, Step] = {2: _memo_versions}

_SQLITE_APPEND_ONLY = [
    """CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]

_POSTGRES_APPEND_ONLY = [
    """CREATE OR REPLACE FUNCTION dyadlab_audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION dyadlab_audit_append_only()""",
    """CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION dyadlab_audit_append_only()""",
]


def version_key(component: str) -> str:
    """The ``dyadlab_meta`` key holding ``component``'s schema version."""
    return "schema_version" if component == "store" else f"{component}_schema_version"


def schema_version(connection: Connection, component: str = "store") -> int | None:
    """The recorded schema version of ``component``, or None when none is recorded."""
    if not inspect(connection).has_table(s.meta.name):
        return None
    value = connection.execute(
        select(s.meta.c.value).where(s.meta.c.key == version_key(component))
    ).scalar()
    return None if value is None else int(value)


def upgrade_component(
    connection: Connection,
    component: str,
    metadata: MetaData,
    latest: int,
    steps: Mapping[int, Step],
    legacy_table: str,
) -> int:
    """Bring ``component``'s tables to version ``latest``; returns the version found.

    A database without a recorded version but with ``legacy_table`` is taken to be at
    version 1 (databases made before the component recorded its version); a database with
    neither is new and gets the latest tables directly.
    """
    if connection.dialect.name == "postgresql":
        # Serialise concurrent first runs: CREATE TABLE IF NOT EXISTS can race in Postgres.
        connection.execute(text("SELECT pg_advisory_xact_lock(482017)"))
    s.meta.create(connection, checkfirst=True)
    found = schema_version(connection, component)
    if found is None:
        found = 1 if inspect(connection).has_table(legacy_table) else latest
    if found > latest:
        raise StoreError(
            f"the coding database's {component} schema is version {found}, newer than this "
            f"dyadlab understands (version {latest}); upgrade dyadlab to open it",
            field="schema_version",
        )
    for version in range(found + 1, latest + 1):
        steps[version](connection)
    metadata.create_all(connection, checkfirst=True)
    key = version_key(component)
    if schema_version(connection, component) is None:
        connection.execute(sql_insert(s.meta).values(key=key, value=str(latest)))
    else:
        connection.execute(update(s.meta).where(s.meta.c.key == key).values(value=str(latest)))
    return found


def upgrade_store(connection: Connection) -> int:
    """Create or migrate the store's own tables and the append-only audit triggers."""
    found = upgrade_component(
        connection, "store", s.metadata, STORE_SCHEMA_VERSION, STORE_STEPS, "codings"
    )
    backend = connection.dialect.name
    for statement in _POSTGRES_APPEND_ONLY if backend == "postgresql" else _SQLITE_APPEND_ONLY:
        connection.execute(text(statement))
    return found
