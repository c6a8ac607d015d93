"""Throw-away PostgreSQL namespaces for tests of code that uses :class:`coding.store.CodingStore`.

Tests run in parallel (pytest-xdist), so each test that needs PostgreSQL gets its own fresh
schema on the server named by ``DYADLAB_TEST_POSTGRES_URL``, dropped afterwards.

Usage::

    with temporary_postgres_database(os.environ["DYADLAB_TEST_POSTGRES_URL"]) as url:
        store = CodingStore(url)
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator

from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
"""argon2id with tiny costs, for tests only (the default takes ~0.3 s per hash here)."""


@contextlib.contextmanager
def temporary_postgres_database(server_url: str) -> Iterator[str]:
    """Yield the URL of an empty, private PostgreSQL namespace on ``server_url``; drop it after.

    The namespace is a fresh schema, selected through the connection's ``search_path``
    (``?options=-csearch_path=...`` in the URL): as isolated as a new database for the store's
    tables, triggers and functions, and much faster to create than ``CREATE DATABASE``.
    """
    base = make_url(server_url)
    name = f"dyadlab_t_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
        url = base.update_query_dict({"options": f"-csearch_path={name}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()
