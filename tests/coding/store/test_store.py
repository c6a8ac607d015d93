"""The coding store against SQLite and (when available) PostgreSQL.

Expected values are written out by hand from the contract in docs/architecture.md (codings are
``[start, end)`` offsets into the transcript text) and the task's rules (optimistic versions,
soft delete, append-only audit), never captured from the store's own output.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest
import sqlalchemy

from coding.errors import CodingError
from coding.store import CodingStore, NotFoundError, StaleEditError, StoreError
from coding.store._records import CODING_COLUMNS
from tests.coding.store.helpers import temporary_postgres_database
from tests.conftest import require_service

TEXT = "INTERVIEWER: How was the birth?\n\nP01: Hard. They judged me for the methadone."
# "Hard." is TEXT[38:43]; "They judged me" is TEXT[44:58]
assert TEXT[38:43] == "Hard." and TEXT[44:58] == "They judged me"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'coding.sqlite'}"
        return
    server = os.environ.get("DYADLAB_TEST_POSTGRES_URL")
    require_service("postgresql", server is not None, "set DYADLAB_TEST_POSTGRES_URL (.ci/run)")
    with temporary_postgres_database(server) as database_url:
        yield database_url


@pytest.fixture
def store(url):
    with CodingStore(url) as opened:
        opened.register_transcripts({"T01": TEXT, "T02": "P02: Fine."})
        yield opened


def test_add_update_delete_round_trip(store):
    coding = store.add_coding("T01", "coder_a", "delivery_pain", 38, 43, memo="terse")
    assert coding.version == 1
    changed = store.update_coding(coding.id, 1, code_id="stigma", start=44, end=58)
    assert (changed.code_id, changed.start, changed.end, changed.version) == ("stigma", 44, 58, 2)
    frame = store.codings()
    assert list(frame.columns) == CODING_COLUMNS
    row = frame.iloc[0]
    assert (row.coding_id, row.transcript_id, row.coder, row.code_id) == (
        coding.id,
        "T01",
        "coder_a",
        "stigma",
    )
    assert TEXT[row.start : row.end] == "They judged me"
    assert row.memo == "terse"
    assert str(frame["created_at"].dt.tz) == "UTC"

    store.delete_coding(coding.id)
    assert store.codings().empty
    everything = store.codings(include_deleted=True)
    assert len(everything) == 1 and everything["deleted_at"].notna().all()


def test_codings_filters_by_coder(store):
    store.add_coding("T01", "coder_a", "stigma", 44, 58)
    store.add_coding("T01", "coder_b", "stigma", 44, 58)
    store.add_coding("T02", "coder_b", "parenting_stress", 5, 10)
    assert store.codings(coder="coder_a")["coder"].tolist() == ["coder_a"]
    assert sorted(store.codings(coder="coder_b")["transcript_id"]) == ["T01", "T02"]


def test_stale_edits_are_refused(store):
    coding = store.add_coding("T01", "coder_a", "stigma", 44, 58)
    store.update_coding(coding.id, 1, memo="first tab")
    with pytest.raises(StaleEditError, match="changed since you read it"):
        store.update_coding(coding.id, 1, memo="second tab")
    assert store.get_coding(coding.id).memo == "first tab"
    store.delete_coding(coding.id, expected_version=2)
    with pytest.raises(StaleEditError, match="deleted"):
        store.update_coding(coding.id, 3, memo="too late")
    with pytest.raises(StaleEditError):
        store.delete_coding(coding.id)
    with pytest.raises(NotFoundError):
        store.update_coding(999, 1, memo="x")


@pytest.mark.parametrize(
    ("transcript", "start", "end", "field"),
    [
        ("T01", -1, 5, "start"),
        ("T01", 10, 10, "end"),
        ("T01", 70, 200, "end"),
        ("T01", 5, 3, "end"),
        ("T09", 0, 1, "transcript_id"),
        ("T01", True, 5, "start"),
    ],
)
def test_bad_spans_store_nothing(store, transcript, start, end, field):
    before = len(store.audit_log())
    with pytest.raises(CodingError) as raised:
        store.add_coding(transcript, "coder_a", "stigma", start, end)
    assert raised.value.field == field
    assert store.codings(include_deleted=True).empty
    assert len(store.audit_log()) == before


def test_register_transcripts_refuses_changed_text(store):
    assert store.register_transcripts({"T01": TEXT}) == 0
    with pytest.raises(StoreError, match="text changed"):
        store.register_transcripts({"T01": TEXT + " more"})
    info = store.transcript("T01")
    assert info["text_length"] == len(TEXT) == 77


def test_import_codings_seeds_once_and_checks_every_row(store):
    csv = pd.DataFrame(
        {
            "coding_id": ["C1", "C2"],
            "transcript_id": ["T01", "T01"],
            "coder": ["coder_a", "consensus"],
            "code_id": ["delivery_pain", "stigma"],
            "start": [38, 44],
            "end": [43, 58],
            "memo": [float("nan"), "agreed"],
        }
    )
    assert store.import_codings(csv) == 2
    assert store.import_codings(csv) == 0  # re-running is harmless
    frame = store.codings().sort_values("start")
    assert frame["memo"].tolist() == ["", "agreed"]
    assert frame["coder"].tolist() == ["coder_a", "consensus"]

    bad = csv.assign(coding_id=["C3", "C4"], end=[43, 500])
    with pytest.raises(StoreError) as raised:
        store.import_codings(bad, source="studies/x/codings.csv")
    assert (raised.value.file, raised.value.row, raised.value.field) == (
        "studies/x/codings.csv",
        2,
        "start",
    )
    assert len(store.codings()) == 2  # the good first row was not stored either

    with pytest.raises(StoreError, match="missing column"):
        store.import_codings(csv.drop(columns=["end"]))


def test_audit_log_records_before_and_after_and_is_append_only(store, url):
    coding = store.add_coding("T01", "coder_a", "stigma", 44, 58)
    store.update_coding(coding.id, 1, code_id="provider_mistrust", actor="lead1")
    store.delete_coding(coding.id, actor="lead1")
    log = store.audit_log()
    mine = log[log["target"] == f"coding:{coding.id}"]
    assert mine["action"].tolist() == ["add_coding", "update_coding", "delete_coding"]
    assert mine["actor"].tolist() == ["coder_a", "lead1", "lead1"]
    update_row = mine.iloc[1]
    assert update_row["before"]["code_id"] == "stigma"
    assert update_row["after"]["code_id"] == "provider_mistrust"
    assert update_row["after"]["version"] == 2

    engine = sqlalchemy.create_engine(url)
    try:
        for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
            with (
                pytest.raises(sqlalchemy.exc.DBAPIError, match="append-only"),
                engine.begin() as connection,
            ):
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()
    assert store.audit_log()["actor"].tolist() == log["actor"].tolist()


def test_assignments_done_and_reconciliation_flags(store):
    assert store.assign("T01", "coder_a") is True
    assert store.assign("T01", "coder_a") is False
    store.assign("T01", "coder_b")
    store.add_coding("T01", "coder_a", "stigma", 44, 58)
    store.set_done("T01", "coder_a")
    table = store.assignments().set_index("coder")
    assert table.loc["coder_a", "done"] and not table.loc["coder_b", "done"]
    assert table.loc["coder_a", "n_codings"] == 1 and table.loc["coder_b", "n_codings"] == 0
    assert store.is_assigned("T01", "coder_b") and not store.is_assigned("T02", "coder_b")
    with pytest.raises(NotFoundError):
        store.set_done("T02", "coder_a")
    store.set_reconciliation("T01", True, actor="lead1")
    info = store.transcript("T01")
    assert info["reconciliation_open"] and info["coders"] == ["coder_a", "coder_b"]
    assert info["done"] == ["coder_a"]


def test_suggestions_accept_copies_reject_hides(store):
    first = store.add_coding("T01", "auto", "stigma", 44, 58)
    second = store.add_coding("T01", "auto", "delivery_pain", 38, 43)
    assert [c.id for c in store.suggestions("T01", "coder_a")] == [second.id, first.id]
    copy = store.review_suggestion(first.id, "coder_a", accept=True)
    assert (copy.coder, copy.code_id, copy.start, copy.end) == ("coder_a", "stigma", 44, 58)
    assert store.review_suggestion(second.id, "coder_a", accept=False) is None
    assert store.suggestions("T01", "coder_a") == []
    assert len(store.suggestions("T01", "coder_b")) == 2  # her review is her own
    with pytest.raises(StaleEditError):
        store.review_suggestion(first.id, "coder_a", accept=True)


def test_memos(store):
    assert store.memo("T01", "coder_a") == ""
    store.set_memo("T01", "coder_a", "first pass")
    store.set_memo("T01", "coder_a", "second pass")
    assert store.memo("T01", "coder_a") == "second pass"
    assert store.memo("T01", "coder_b") == ""


# -- several processes at once ------------------------------------------------------------

_WRITER = textwrap.dedent("""
    import sys
    from coding.store import CodingStore, StaleEditError
    url, name, shared_id, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    store = CodingStore(url)
    for i in range(n):
        store.add_coding("T01", name, "stigma", 44, 58, memo=f"{name}-{i}")
        while True:  # read-modify-write of one shared coding: retry when someone else won
            current = store.get_coding(shared_id)
            try:
                store.update_coding(shared_id, current.version, memo=str(int(current.memo) + 1),
                                    actor=name)
                break
            except StaleEditError:
                pass
""")


@pytest.mark.slow
def test_concurrent_writers_lose_nothing(store, url):
    shared = store.add_coding("T01", "lead1", "stigma", 44, 58, memo="0")
    writers, n = 3, 8
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, url, f"w{k}", str(shared.id), str(n)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(writers)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    frame = store.codings()
    for k in range(writers):
        assert sorted(frame.loc[frame.coder == f"w{k}", "memo"]) == sorted(
            f"w{k}-{i}" for i in range(n)
        )
    final = store.get_coding(shared.id)
    assert final.memo == str(writers * n)  # every increment applied exactly once
    assert final.version == 1 + writers * n


_KILLED = textwrap.dedent("""
    import sys
    from coding.store import CodingStore
    store = CodingStore(sys.argv[1])
    i = 0
    while True:
        coding = store.add_coding("T01", "coder_a", "stigma", 44, 58, memo=str(i))
        print(coding.id, flush=True)  # the acknowledgement
        i += 1
""")


@pytest.mark.slow
def test_acknowledged_writes_survive_sigkill(store, url):
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED, url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acked: list[int] = []
    deadline = time.monotonic() + 60
    while len(acked) < 15 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acked.append(int(line))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert len(acked) >= 15, proc.stderr.read()
    with CodingStore(url) as reopened:
        ids = set(reopened.codings(coder="coder_a")["coding_id"])
    assert set(acked) <= ids


def test_memo_versions_refuse_a_stale_save(store):
    assert store.memo_record("T01", "coder_a").version == 0
    first = store.set_memo("T01", "coder_a", "tab one", expected_version=0)
    assert first.version == 1
    with pytest.raises(StaleEditError, match="your text is kept"):
        store.set_memo("T01", "coder_a", "tab two, read before tab one saved", expected_version=0)
    assert store.memo("T01", "coder_a") == "tab one"
    store.set_memo("T01", "coder_b", "hers")
    memos = store.memos("T01")
    assert memos[["coder", "memo", "version"]].values.tolist() == [
        ["coder_a", "tab one", 1],
        ["coder_b", "hers", 1],
    ]


def test_apply_code_is_idempotent_but_imports_keep_duplicates(store):
    first, created = store.apply_code("T01", "coder_a", "stigma", 44, 58)
    again, created_again = store.apply_code("T01", "coder_a", "stigma", 44, 58)
    assert (created, created_again, again.id) == (True, False, first.id)
    _, other_code = store.apply_code("T01", "coder_a", "nows_guilt", 44, 58)
    _, other_coder = store.apply_code("T01", "coder_b", "stigma", 44, 58)
    assert other_code and other_coder
    store.delete_coding(first.id)
    _, after_delete = store.apply_code("T01", "coder_a", "stigma", 44, 58)
    assert after_delete
    duplicates = pd.DataFrame(
        {
            "transcript_id": ["T02"] * 2,
            "coder": ["c"] * 2,
            "code_id": ["x"] * 2,
            "start": [0] * 2,
            "end": [4] * 2,
        }
    )
    assert store.import_codings(duplicates) == 2  # an imported project may hold duplicates


def test_parallel_repeats_of_one_apply_store_one_coding(store):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        results = list(
            pool.map(lambda _: store.apply_code("T01", "coder_a", "stigma", 44, 58), range(8))
        )
    assert sum(created for _, created in results) == 1
    assert len({coding.id for coding, _ in results}) == 1
    assert len(store.codings(coder="coder_a")) == 1
