"""Throw-away PostgreSQL databases for tests of code that uses :class:`coding.store.CodingStore`.

Tests run in parallel (pytest-xdist), so each test that needs PostgreSQL gets its own fresh
database, created from the server named by ``DYADLAB_TEST_POSTGRES_URL`` (a role with
CREATEDB) and dropped afterwards.

>>> with temporary_postgres_database(os.environ["DYADLAB_TEST_POSTGRES_URL"]) as url:
...     store = CodingStore(url)
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
    """Create an empty database on ``server_url``'s server; yield its URL; drop it after."""
    base = make_url(server_url)
    name = f"dyadlab_t_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
