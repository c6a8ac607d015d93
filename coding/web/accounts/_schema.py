"""Tables of the web app's accounts, kept in the coding database beside the store's tables.

``users`` and ``sessions`` keep the names and columns they had when they were part of the
store, so a database made before accounts moved here opens unchanged (it counts as accounts
schema version 1). Tested in tests/coding/web/test_accounts.py.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, MetaData, String, Table, Text

ACCOUNTS_SCHEMA_VERSION = 2
"""Version history: 1 — users (argon2id hashes) and sessions (SHA-256 of the token);
2 — ``web_secrets``, the app's persistent keys (new table: created, nothing to convert)."""
STEPS: dict = {2: lambda connection: None}

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),  # lead | coder
    Column("password_hash", Text, nullable=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
)

web_secrets = Table(
    "web_secrets",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),  # hex
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
