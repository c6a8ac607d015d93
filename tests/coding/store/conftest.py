"""Fixtures of the store tests: a database URL on SQLite and (when available) PostgreSQL."""

from __future__ import annotations

import os

import pytest

from tests.coding.store.helpers import temporary_postgres_database
from tests.conftest import require_service


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'coding.sqlite'}"
        return
    server = os.environ.get("DYADLAB_TEST_POSTGRES_URL")
    require_service("postgresql", server is not None, "set DYADLAB_TEST_POSTGRES_URL (.ci/run)")
    with temporary_postgres_database(server) as url:
        yield url
