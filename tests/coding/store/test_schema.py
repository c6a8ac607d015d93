"""Opening a coding database: new files are private, old databases are migrated (never
rebuilt), and a database from a newer dyadlab is refused.

The old database is made with the schema module of commit 4e3fd4e (schema version 1, kept
verbatim in fixtures/schema_v1.py): its tables held users and sessions too, and memos had no
version. Expected values are the rows written into it by hand.
"""

from __future__ import annotations

import os
import stat
from datetime import datetime

import pytest
import sqlalchemy

from coding.store import CodingStore, StaleEditError, StoreError
from coding.web.accounts import Accounts
from tests.coding.store.fixtures import schema_v1
from tests.coding.store.helpers import FAST_HASHER

TEXT = "INTERVIEWER: How was the birth?\n\nP01: Hard. They judged me for the methadone."


def _old_database(url: str) -> None:
    """A schema-1 database with one transcript, coding, memo, user and session."""
    engine = schema_v1.create_engine(url)
    schema_v1.create_schema(engine)
    stamp = datetime(2026, 1, 5, 9, 30)
    with engine.begin() as c:
        c.execute(
            schema_v1.transcripts.insert().values(
                id="T01",
                text_sha256="0" * 64,
                text_length=len(TEXT),
                reconciliation_open=False,
                suggestions_enabled=False,
                created_at=stamp,
            )
        )
        c.execute(
            schema_v1.codings.insert().values(
                transcript_id="T01",
                coder="coder_a",
                code_id="stigma",
                start=44,
                end=58,
                memo="judged",
                created_at=stamp,
                updated_at=stamp,
                version=3,
            )
        )
        c.execute(
            schema_v1.memos.insert().values(
                transcript_id="T01", coder="coder_a", text="first thoughts", updated_at=stamp
            )
        )
        c.execute(
            schema_v1.users.insert().values(
                name="coder_a",
                role="coder",
                password_hash=FAST_HASHER.hash("an old password"),
                disabled=False,
                created_at=stamp,
            )
        )
    engine.dispose()


def test_a_schema_1_database_is_migrated_and_keeps_every_row(any_url):
    _old_database(any_url)
    with CodingStore(any_url) as store:
        assert store.schema_version() == 2
        coding = store.coding_list("T01")[0]
        assert (coding.coder, coding.start, coding.end, coding.memo, coding.version) == (
            "coder_a",
            44,
            58,
            "judged",
            3,
        )
        memo = store.memo_record("T01", "coder_a")
        assert (memo.text, memo.version) == ("first thoughts", 1)
        with pytest.raises(StaleEditError):
            store.set_memo("T01", "coder_a", "from a stale tab", expected_version=0)
        assert store.set_memo("T01", "coder_a", "second thoughts", expected_version=1).version == 2
        accounts = Accounts(store, FAST_HASHER)
        assert store.schema_version("accounts") == 2
        assert accounts.verify_password("coder_a", "an old password").name == "coder_a"
    with CodingStore(any_url) as again:  # opening a migrated database changes nothing
        assert again.schema_version() == 2
        assert again.memo("T01", "coder_a") == "second thoughts"


def test_a_new_database_records_the_latest_versions(any_url):
    with CodingStore(any_url) as store:
        Accounts(store, FAST_HASHER)
        assert (store.schema_version(), store.schema_version("accounts")) == (2, 2)


def test_a_database_from_a_newer_dyadlab_is_refused(any_url):
    CodingStore(any_url).close()
    engine = sqlalchemy.create_engine(any_url)
    with engine.begin() as c:
        c.exec_driver_sql("UPDATE dyadlab_meta SET value = '99' WHERE key = 'schema_version'")
    engine.dispose()
    with pytest.raises(StoreError, match="version 99, newer than this dyadlab"):
        CodingStore(any_url)


def test_a_new_sqlite_file_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "coding.sqlite"
    old_mask = os.umask(0o022)
    try:
        with CodingStore(f"sqlite:///{path}") as store:
            store.register_transcripts({"T01": TEXT})
            store.add_coding("T01", "coder_a", "stigma", 44, 58)
            files = [p for p in tmp_path.iterdir() if p.name.startswith("coding.sqlite")]
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in files}
    finally:
        os.umask(old_mask)
    assert modes["coding.sqlite"] == 0o600
    assert all(mode & 0o077 == 0 for mode in modes.values()), modes  # -wal, -shm too
