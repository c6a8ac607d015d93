"""Tables of the coding store (SQLAlchemy Core): what is stored, not what one can do with it.

The coding database may also hold the tables of components built on the store (the web app's
accounts, :mod:`coding.web.accounts`); they declare their own tables and register them through
:meth:`coding.store.CodingStore.upgrade_component`. Schema versions and migrations live in
:mod:`coding.store._migrations`.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

meta = Table(
    "dyadlab_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
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
    Column("version", Integer, nullable=False, default=1),  # schema 2: optimistic edits
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
