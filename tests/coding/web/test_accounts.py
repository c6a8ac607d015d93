"""Accounts of the web app (users, argon2id passwords, sessions) on SQLite and PostgreSQL.

Expected values come from the rules in coding/web/accounts (no open registration, reserved
layer names, 10-character passwords, argon2id hashes, sessions ended by a reset or a disable)
and from argon2's own encoding (``$argon2id$`` prefix, RFC 9106).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy

from coding.store import CodingStore, StoreError
from coding.web.accounts import Accounts
from tests.coding.store.helpers import FAST_HASHER


@pytest.fixture
def accounts(any_url):
    with CodingStore(any_url) as store:
        yield Accounts(store, FAST_HASHER)


def test_users_passwords_and_sessions(accounts):
    accounts.add_user("lead1", "lead", "correct horse battery")
    accounts.add_user("coder_a", "coder", "another long secret")
    assert accounts.verify_password("lead1", "correct horse battery").role == "lead"
    assert accounts.verify_password("lead1", "wrong password!") is None
    assert accounts.verify_password("nobody", "correct horse battery") is None
    with pytest.raises(StoreError, match="reserved"):
        accounts.add_user("consensus", "coder", "long enough pw")
    with pytest.raises(StoreError, match="already exists"):
        accounts.add_user("lead1", "coder", "long enough pw")
    with pytest.raises(StoreError, match="at least 10"):
        accounts.add_user("coder_c", "coder", "short")
    with pytest.raises(StoreError, match="role"):
        accounts.add_user("coder_d", "admin", "long enough pw")

    engine = sqlalchemy.create_engine(accounts.store.url)
    with engine.connect() as connection:
        hashes = [r[0] for r in connection.exec_driver_sql("SELECT password_hash FROM users")]
    engine.dispose()
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert "password_hash" not in accounts.users().columns

    token, csrf = accounts.create_session("coder_a")
    live = accounts.session(token, timedelta(minutes=30))
    assert (live.user.name, live.csrf) == ("coder_a", csrf)
    assert accounts.session(token, timedelta(seconds=-1)) is None  # idle too long: ended
    assert accounts.session(token, timedelta(minutes=30)) is None

    token, _ = accounts.create_session("coder_a")
    accounts.set_password("coder_a", "a brand new secret")
    assert accounts.session(token, timedelta(minutes=30)) is None  # reset ends sessions
    assert accounts.verify_password("coder_a", "another long secret") is None
    assert accounts.verify_password("coder_a", "a brand new secret") is not None
    accounts.set_disabled("coder_a")
    assert accounts.verify_password("coder_a", "a brand new secret") is None
    assert accounts.users().set_index("name").loc["coder_a", "disabled"]
