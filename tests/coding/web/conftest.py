"""Fixtures of the web app tests: a store on SQLite or PostgreSQL, the app, logged-in clients."""

from __future__ import annotations

import os
import re

import pytest
from fastapi.testclient import TestClient

from coding.web.app import create_app
from tests.coding.store.helpers import temporary_postgres_database
from tests.coding.web.helpers import PASSWORDS, fast_accounts, seeded_store, study_data
from tests.conftest import require_service


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'coding.sqlite'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'coding.sqlite'}"
        return
    server = os.environ.get("DYADLAB_TEST_POSTGRES_URL")
    require_service("postgresql", server is not None, "set DYADLAB_TEST_POSTGRES_URL (.ci/run)")
    with temporary_postgres_database(server) as url:
        yield url


def login(client: TestClient, name: str, password: str | None = None):
    page = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text).group(1)
    return client.post(
        "/login",
        data={"name": name, "password": password or PASSWORDS[name], "login_csrf": token},
        follow_redirects=False,
    )


class Session:
    """A logged-in TestClient that sends the CSRF header on writes."""

    def __init__(self, app, name: str) -> None:
        self.client = TestClient(app)
        response = login(self.client, name)
        assert response.status_code == 303, response.text
        self.csrf = self.client.get("/api/me").json()["csrf_token"]
        self.name = name

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def write(self, method: str, url: str, json=None, **kw):
        headers = {"X-CSRF-Token": self.csrf, **kw.pop("headers", {})}
        return self.client.request(method, url, json=json, headers=headers, **kw)


@pytest.fixture
def make_app():
    stores = []

    def build(url: str, **options):
        store = seeded_store(url)
        stores.append(store)
        options.setdefault("accounts", fast_accounts(store))
        options.setdefault("allowed_hosts", ["testserver", "127.0.0.1", "localhost"])
        return create_app(store, study_data(), **options), store

    yield build
    for store in stores:
        store.close()


class Sessions(dict):
    """``sessions["coder_a"]`` logs coder_a in on first use."""

    def __init__(self, app) -> None:
        super().__init__()
        self.app = app

    def __missing__(self, name: str) -> Session:
        self[name] = Session(self.app, name)
        return self[name]


@pytest.fixture
def web(make_app, sqlite_url):
    return make_app(sqlite_url)


@pytest.fixture
def sessions(web):
    app, store = web
    return Sessions(app), store


@pytest.fixture
def sessions_any(make_app, any_url):
    """Like ``sessions``, on SQLite and on PostgreSQL."""
    app, store = make_app(any_url)
    return Sessions(app), store
