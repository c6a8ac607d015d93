"""Tables of the coding store and the engine settings that make them durable.

One idea per module: this file says *what* is stored (SQLAlchemy Core tables) and *how* the
database is opened (SQLite pragmas, write transactions, the append-only audit trigger);
:mod:`coding.store` says what one can do with it.

SQLite is opened with WAL journalling, ``synchronous=FULL`` (a commit is on disk before it
returns, so an acknowledged write survives a killed process or a power cut), foreign keys
on, and a busy timeout. Writes use ``BEGIN IMMEDIATE`` so that concurrent writers queue on
the database lock instead of failing on a lock upgrade; reads use a separate engine with
ordinary deferred transactions, which WAL lets run beside a writer.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import make_url

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 30_000

metadata = MetaData()

meta = Table(
    "dyadlab_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),  # lead | coder
    Column("password_hash", Text, nullable=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
)

transcripts = Table(
    "transcripts",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("text_sha256", String(64), nullable=False),
    Column("text_length", Integer, nullable=False),
    Column("reconciliation_open", Boolean, nullable=False, default=False),
    Column("suggestions_enabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
)

assignments = Table(
    "assignments",
    metadata,
    Column("transcript_id", String(128), ForeignKey("transcripts.id"), primary_key=True),
    Column("coder", String(64), primary_key=True),
    Column("done", Boolean, nullable=False, default=False),
    Column("assigned_at", DateTime, nullable=False),
    Column("done_at", DateTime, nullable=True),
)

codings = Table(
    "codings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("transcript_id", String(128), ForeignKey("transcripts.id"), nullable=False),
    Column("coder", String(64), nullable=False),
    Column("code_id", String(128), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("memo", Text, nullable=False, default=""),
    Column("source_id", String(128), nullable=True, unique=True),  # coding_id in codings.csv
    Column("suggestion_of", Integer, ForeignKey("codings.id"), nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("deleted_at", DateTime, nullable=True),
    Column("version", Integer, nullable=False, default=1),
)
Index("codings_transcript_coder", codings.c.transcript_id, codings.c.coder)

suggestion_reviews = Table(
    "suggestion_reviews",
    metadata,
    Column("coding_id", Integer, ForeignKey("codings.id"), primary_key=True),
    Column("coder", String(64), primary_key=True),
    Column("decision", String(16), nullable=False),  # accepted | rejected
    Column("at", DateTime, nullable=False),
)

memos = Table(
    "memos",
    metadata,
    Column("transcript_id", String(128), ForeignKey("transcripts.id"), primary_key=True),
    Column("coder", String(64), primary_key=True),
    Column("text", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("user", String(64), ForeignKey("users.name"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
)

audit = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(256), nullable=False),
    Column("before", Text, nullable=True),  # JSON
    Column("after", Text, nullable=True),  # JSON
)

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


def make_engines(url: str) -> tuple[Engine, Engine]:
    """Return ``(write_engine, read_engine)`` for ``url`` (the same engine twice off SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
        return engine, engine
    write = _sqlite_engine(url, immediate=True)
    read = _sqlite_engine(url, immediate=False)
    return write, read


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


def create_schema(engine: Engine) -> None:
    """Create the tables and the append-only triggers if missing (safe to run concurrently)."""
    backend = engine.dialect.name
    with engine.begin() as connection:
        if backend == "postgresql":
            # Serialise concurrent first runs: CREATE TABLE IF NOT EXISTS can race in Postgres.
            connection.execute(text("SELECT pg_advisory_xact_lock(482017)"))
        metadata.create_all(connection, checkfirst=True)
        statements = _POSTGRES_APPEND_ONLY if backend == "postgresql" else _SQLITE_APPEND_ONLY
        for statement in statements:
            connection.execute(text(statement))
        found = connection.execute(meta.select().where(meta.c.key == "schema_version")).first()
        if found is None:
            connection.execute(
                meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION))
            )
