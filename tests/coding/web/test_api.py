"""The web app through its real HTTP stack (Starlette TestClient): auth, blinding, safety.

The fixtures run a subset of these against PostgreSQL too (``any_url``).
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.coding.web.conftest import Session, login
from tests.coding.web.helpers import TRANSCRIPTS, XSS, fast_accounts, span

T01 = TRANSCRIPTS[0].text


def _add(session: Session, words: str, code: str = "stigma", tid: str = "T01"):
    start, end = span(T01 if tid == "T01" else TRANSCRIPTS[1].text, words)
    return session.write(
        "POST", f"/api/transcripts/{tid}/codings", {"code_id": code, "start": start, "end": end}
    )


def _db(users, public_id: int) -> int:
    """The database id behind a coding id the API showed."""
    return users.app.state.ctx.ids.decode(public_id)


# -- logging in ---------------------------------------------------------------------------


def test_login_sets_strict_httponly_cookie_and_logout_ends_session(web):
    app, _ = web
    client = TestClient(app)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/api/transcripts").status_code == 401
    response = login(client, "coder_a")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    assert client.get("/api/me").json()["name"] == "coder_a"
    csrf = client.get("/api/me").json()["csrf_token"]
    assert (
        client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    )
    assert client.get("/api/me").status_code == 401


def test_secure_cookie_when_served_over_https(make_app, sqlite_url):
    app, _ = make_app(sqlite_url, secure_cookies=True)
    response = login(TestClient(app, base_url="https://testserver"), "coder_a")
    assert "Secure" in response.headers["set-cookie"]


def test_wrong_password_and_rate_limit(make_app, sqlite_url):
    app, _ = make_app(sqlite_url)
    client = TestClient(app)
    for _ in range(5):
        assert login(client, "coder_a", "not the password").status_code == 401
    # sixth try within five minutes is refused even with the right password
    blocked = login(client, "coder_a")
    assert blocked.status_code == 429 and "Too many" in blocked.text
    assert login(client, "coder_b").status_code == 303  # another user is not blocked


def test_login_form_needs_its_csrf_cookie(make_app, sqlite_url):
    app, _ = make_app(sqlite_url)
    response = TestClient(app).post(
        "/login", data={"name": "coder_a", "password": "coder a password", "login_csrf": "x"}
    )
    assert response.status_code == 403


def test_disabled_user_is_logged_out(make_app, sqlite_url):
    app, store = make_app(sqlite_url)
    session = Session(app, "coder_a")
    fast_accounts(store).set_disabled("coder_a")
    assert session.get("/api/me").status_code == 401


# -- CSRF and bad requests ----------------------------------------------------------------


def test_writes_need_the_csrf_token(sessions_any):
    users, store = sessions_any
    a = users["coder_a"]
    start, end = span(T01, "They judged me")
    body = {"code_id": "stigma", "start": start, "end": end}
    assert a.client.post("/api/transcripts/T01/codings", json=body).status_code == 403
    assert (
        a.client.post(
            "/api/transcripts/T01/codings", json=body, headers={"X-CSRF-Token": "forged"}
        ).status_code
        == 403
    )
    assert store.codings().empty
    assert a.write("POST", "/api/transcripts/T01/codings", body).status_code == 201


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"code_id": "stigma", "start": 5, "end": 500}, 400, "outside the text"),
        ({"code_id": "stigma", "start": 9, "end": 9}, 400, "empty"),
        ({"code_id": "no_such_code", "start": 0, "end": 5}, 400, "unknown code"),
        ({"code_id": "stigma", "start": -1, "end": 5}, 422, "start"),
        ({"code_id": "stigma", "start": 0, "end": 5, "admin": True}, 422, "admin"),
        ({"code_id": "stigma", "start": 0, "end": 5, "coder": "coder_b"}, 403, "layer"),
    ],
)
def test_bad_codings_are_refused_and_nothing_is_stored(sessions_any, body, status, message):
    users, store = sessions_any
    response = users["coder_a"].write("POST", "/api/transcripts/T01/codings", body)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert store.codings(include_deleted=True).empty


def test_oversized_body_is_refused(sessions):
    users, store = sessions
    start, end = span(T01, "They judged me")
    body = {"code_id": "stigma", "start": start, "end": end, "memo": "x" * 70_000}
    response = users["coder_a"].write("POST", "/api/transcripts/T01/codings", body)
    assert response.status_code == 413 and "larger than" in response.json()["error"]
    assert response.headers["x-frame-options"] == "DENY"
    assert store.codings().empty


def test_stale_edit_and_edit_after_delete_conflict(sessions_any):
    users, store = sessions_any
    a = users["coder_a"]
    coding = _add(a, "They judged me").json()
    assert (
        a.write(
            "PATCH", f"/api/codings/{coding['id']}", {"version": 1, "memo": "tab one"}
        ).status_code
        == 200
    )
    stale = a.write("PATCH", f"/api/codings/{coding['id']}", {"version": 1, "memo": "tab two"})
    assert stale.status_code == 409 and "changed since you read it" in stale.json()["error"]
    assert a.write("DELETE", f"/api/codings/{coding['id']}?version=2").status_code == 200
    gone = a.write("PATCH", f"/api/codings/{coding['id']}", {"version": 3, "memo": "late"})
    assert gone.status_code == 409 and "deleted" in gone.json()["error"]
    assert store.get_coding(_db(users, coding["id"])).memo == "tab one"


# -- authorisation ------------------------------------------------------------------------


def test_blind_coding_until_reconciliation_opens(sessions_any):
    users, store = sessions_any
    a, b, lead = users["coder_a"], users["coder_b"], users["lead1"]
    mine = _add(a, "They judged me").json()
    _add(b, "peer coach", "recovery_network")
    seen_by_b = b.get("/api/transcripts/T01").json()["codings"]
    assert [c["coder"] for c in seen_by_b] == ["coder_b"]
    assert {c["coder"] for c in lead.get("/api/transcripts/T01").json()["codings"]} == {
        "coder_a",
        "coder_b",
    }
    # guessing coder_a's coding id gives nothing away
    assert (
        b.write("PATCH", f"/api/codings/{mine['id']}", {"version": 1, "memo": "x"}).status_code
        == 404
    )
    assert b.write("DELETE", f"/api/codings/{mine['id']}").status_code == 404
    assert (
        lead.write("POST", "/api/transcripts/T01/reconciliation", {"enabled": True}).status_code
        == 200
    )
    assert {c["coder"] for c in b.get("/api/transcripts/T01").json()["codings"]} == {
        "coder_a",
        "coder_b",
    }
    # she can now read coder_a's layer but still not change it
    assert b.write("DELETE", f"/api/codings/{mine['id']}").status_code == 403
    assert store.get_coding(_db(users, mine["id"])).deleted_at is None


def test_unassigned_transcript_is_invisible(sessions):
    users, store = sessions
    store.unassign("T02", "coder_b")
    b = users["coder_b"]
    assert b.get("/api/transcripts/T02").status_code == 404
    assert b.get("/transcripts/T02").status_code == 404
    assert "T02" not in [t["transcript_id"] for t in b.get("/api/transcripts").json()]
    assert _add(b, "Nobody explained", "nows_guilt", tid="T02").status_code == 404
    assert b.get("/api/transcripts/T99").status_code == 404


def test_coders_cannot_use_lead_tools(sessions):
    users, _ = sessions
    b = users["coder_b"]
    assert (
        b.write("POST", "/api/transcripts/T01/reconciliation", {"enabled": True}).status_code == 403
    )
    assert (
        b.write("POST", "/api/transcripts/T01/assignments", {"coder": "coder_b"}).status_code == 403
    )
    assert b.get("/api/audit").status_code == 403
    assert b.get("/api/export/codings.csv").status_code == 403
    assert b.get("/lead/agreement").status_code == 403


def test_lead_assigns_and_codes_the_consensus_layer(sessions):
    users, store = sessions
    lead = users["lead1"]
    fast_accounts(store).add_user("coder_c", "coder", "coder c password")
    assert (
        lead.write("POST", "/api/transcripts/T01/assignments", {"coder": "coder_c"}).status_code
        == 200
    )
    assert store.is_assigned("T01", "coder_c")
    assert (
        lead.write("POST", "/api/transcripts/T01/assignments", {"coder": "lead1"}).status_code
        == 400
    )  # not a coder account
    made = _add(lead, "They judged me").json()
    assert made["coder"] == "consensus"


# -- suggestions, done, memos -------------------------------------------------------------


def test_suggestions_only_when_enabled_then_accept_or_reject(sessions_any):
    users, store = sessions_any
    a, lead = users["coder_a"], users["lead1"]
    start, end = span(T01, "They judged me")
    ids = users.app.state.ctx.ids
    suggestion = ids.encode(store.add_coding("T01", "auto", "stigma", start, end).id)
    other = ids.encode(store.add_coding("T01", "auto", "delivery_pain", *span(T01, "Hard.")).id)
    assert a.get("/api/transcripts/T01").json()["suggestions"] == []
    assert a.write("POST", f"/api/suggestions/{suggestion}/accept").status_code == 404
    lead.write("POST", "/api/transcripts/T01/suggestions", {"enabled": True})
    shown = a.get("/api/transcripts/T01").json()["suggestions"]
    assert sorted(c["id"] for c in shown) == sorted([suggestion, other])
    accepted = a.write("POST", f"/api/suggestions/{suggestion}/accept").json()
    assert accepted["accepted"] and accepted["coding"]["coder"] == "coder_a"
    assert a.write("POST", f"/api/suggestions/{other}/reject").json()["accepted"] is False
    after = a.get("/api/transcripts/T01").json()
    assert after["suggestions"] == []
    assert [(c["coder"], c["code_id"]) for c in after["codings"]] == [("coder_a", "stigma")]


def test_done_and_memo(sessions):
    users, store = sessions
    a = users["coder_a"]
    assert a.write("POST", "/api/transcripts/T01/done", {"done": True}).status_code == 200
    assert store.transcript("T01")["done"] == ["coder_a"]
    assert a.write("PUT", "/api/transcripts/T01/memo", {"text": "check turn 2"}).status_code == 200
    assert a.get("/api/transcripts/T01").json()["memo"] == "check turn 2"
    assert users["coder_b"].get("/api/transcripts/T01").json()["memo"] == ""


@pytest.mark.parametrize("bad", ["\x0b", "\x00", "\x1f", "\ufffe"])
def test_xml_incompatible_characters_are_refused_naming_the_field(sessions_any, bad):
    """XML 1.0 (the REFI-QDA export) cannot carry C0 controls other than tab, LF and CR:
    memos holding one are refused with a 422 that names the field; tab, LF, CR are kept."""
    users, store = sessions_any
    a = users["coder_a"]
    start, end = span(TRANSCRIPTS[0].text, "They judged me")
    body = {"code_id": "stigma", "start": start, "end": end, "memo": f"see{bad}turn 2"}
    added = a.write("POST", "/api/transcripts/T01/codings", body)
    assert added.status_code == 422 and "memo" in added.json()["error"]
    assert store.codings(coder="coder_a").empty
    memo = a.write("PUT", "/api/transcripts/T01/memo", {"text": f"x{bad}"})
    assert memo.status_code == 422 and "text" in memo.json()["error"]
    kept = "line 1\tcol\r\nline 2\n"
    created = a.write("POST", "/api/transcripts/T01/codings", {**body, "memo": kept})
    assert created.status_code == 201, created.text
    coding = created.json()
    patch = {"version": coding["version"], "memo": f"y{bad}"}
    patched = a.write("PATCH", f"/api/codings/{coding['id']}", patch)
    assert patched.status_code == 422 and "memo" in patched.json()["error"]
    assert store.codings(coder="coder_a")["memo"].tolist() == [kept]


def test_a_theme_is_in_the_palette_and_can_be_applied(sessions):
    users, store = sessions
    a = users["coder_a"]
    page = a.get("/transcripts/T01").text
    assert re.search(r'<li class="code theme" data-code="barriers"', page)
    assert page.index('data-code="barriers"') > page.index('data-code="delivery_pain"')
    added = _add(a, "They judged me", code="barriers")
    assert added.status_code == 201, added.text
    assert store.codings(coder="coder_a")["code_id"].tolist() == ["barriers"]


# -- lead views ---------------------------------------------------------------------------


def test_agreement_matches_hand_computed_values(sessions):
    """T01 has 4 turns. coder_a codes stigma in turn 1; coder_b in turns 1 and 3.
    Agreement: turns 0, 1, 2 agree → 3/4. Fleiss' kappa (2 raters): P̄ = (1+1+1+0)/4 = 0.75,
    p(no) = 5/8, p(yes) = 3/8, Pe = 34/64, kappa = (0.75 − 0.53125) / 0.46875 = 0.46667."""
    users, _ = sessions
    _add(users["coder_a"], "They judged me")
    _add(users["coder_b"], "judged")
    _add(users["coder_b"], "peer coach")
    result = users["lead1"].get("/api/agreement").json()
    stigma = next(r for r in result["codes"] if r["code_id"] == "stigma")
    assert stigma["n_units"] == 4
    assert stigma["percent_agreement"] == pytest.approx(0.75)
    assert stigma["kappa"] == pytest.approx(0.21875 / 0.46875, abs=1e-4)
    t01 = next(r for r in result["transcripts"] if r["transcript_id"] == "T01")
    assert t01["percent_agreement"] == pytest.approx(0.75)
    side = users["lead1"].get("/api/transcripts/T01/disagreements").json()
    assert [row["turn"] for row in side] == [3]
    assert side[0]["coders"]["coder_b"][0]["quote"] == "peer coach"
    page = users["lead1"].get("/lead/agreement")
    assert page.status_code == 200 and "Stigma" in page.text


def test_audit_and_exports(sessions):
    users, _ = sessions
    _add(users["coder_a"], "They judged me")
    lead = users["lead1"]
    entries = lead.get("/api/audit").json()
    added = [e for e in entries if e["action"] == "add_coding"]
    assert len(added) == 1 and added[0]["actor"] == "coder_a"
    assert added[0]["after"]["code_id"] == "stigma" and added[0]["target"].startswith("coding:")
    assert [e["actor"] for e in entries if e["action"] == "login"] == ["coder_a", "lead1"]
    csv = lead.get("/api/export/codings.csv")
    assert csv.status_code == 200
    assert csv.text.splitlines()[0] == "coding_id,transcript_id,coder,code_id,start,end,memo"
    assert ",T01,coder_a,stigma,44,58," in csv.text
    assert lead.get("/lead/audit").status_code == 200


# -- safety -------------------------------------------------------------------------------


def test_payloads_are_escaped_and_headers_set(sessions):
    users, _ = sessions
    a = users["coder_a"]
    page = a.get("/transcripts/T03")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    assert 'href="javascript:' not in page.text
    assert "&lt;img src=x onerror=alert(3)&gt;" in page.text  # the evil code name
    assert "red;background" not in page.text  # a bad colour never reaches CSS
    headers = page.headers
    assert headers["content-security-policy"].startswith("default-src 'self'")
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert a.get("/api/transcripts/T03").json()["text"].endswith(XSS)
    for url in ("/static/app.js", "/static/app.css", "/login"):
        body = a.get(url).text
        assert "http://" not in body and "https://" not in body  # nothing phones home
    assert "innerHTML" not in a.get("/static/app.js").text


def test_openapi_documents_the_api_for_leads_without_external_assets(sessions):
    users, _ = sessions
    spec = users["lead1"].get("/openapi.json").json()
    assert "/api/transcripts/{transcript_id}/codings" in spec["paths"]
    assert "/api/codings/{coding_id}" in spec["paths"]
    docs = users["lead1"].get("/docs")
    assert docs.status_code == 200 and "/api/transcripts/{transcript_id}/codings" in docs.text
    assert "http://" not in docs.text and "https://" not in docs.text
    assert users["coder_a"].get("/openapi.json").status_code == 403
    assert users["coder_a"].get("/docs").status_code == 403


def test_coder_home_shows_progress_in_turns(sessions):
    users, _ = sessions
    a = users["coder_a"]
    _add(a, "They judged me")  # turn 1
    _add(a, "judged", "nows_guilt")  # same turn: still one turn
    _add(a, "peer coach", "recovery_network")  # turn 3
    page = a.get("/")
    row = page.text.split('href="/transcripts/T01"')[1].split("</tr>")[0]
    assert "2 of 4" in row and "<td>3</td>" in row


def test_idle_session_expires(make_app, sqlite_url):
    app, _ = make_app(sqlite_url, idle_timeout=timedelta(milliseconds=1))
    client = TestClient(app)
    assert login(client, "coder_a").status_code == 303
    time.sleep(0.01)
    expired = client.get("/api/me")
    assert expired.status_code == 401 and expired.json()["expired"] is True
    assert "session has expired" in expired.json()["error"]
    assert client.get("/", follow_redirects=False).headers["location"] == "/login?expired=1"
    assert "session has expired" in client.get("/login?expired=1").text


def test_agreed_codes_go_to_consensus_once(sessions):
    """Both coders applied stigma to turn 1 (different extents): consensus gets only the text
    both coded ("judged me" — neither "They" nor "for the methadone" was agreed); turn 3,
    coded by one coder only, is left to the lead. A second call adds nothing."""
    users, store = sessions
    _add(users["coder_a"], "They judged me")
    _add(users["coder_b"], "judged me for the methadone")
    _add(users["coder_b"], "peer coach", "recovery_network")
    lead = users["lead1"]
    first = lead.write("POST", "/api/transcripts/T01/consensus/agreed").json()
    assert first["added"] == 1
    (made,) = first["codings"]
    assert (made["coder"], made["code_id"]) == ("consensus", "stigma")
    assert T01[made["start"] : made["end"]] == "judged me"
    assert lead.write("POST", "/api/transcripts/T01/consensus/agreed").json()["added"] == 0
    assert (
        users["coder_a"].write("POST", "/api/transcripts/T01/consensus/agreed").status_code == 403
    )
    assert len(store.codings(coder="consensus")) == 1


def test_edit_span_checks_bounds_and_layers(sessions_any):
    users, store = sessions_any
    a, lead = users["coder_a"], users["lead1"]
    made = _add(a, "They judged me").json()
    start, end = span(T01, "judged me for the methadone")
    moved = a.write(
        "PATCH", f"/api/codings/{made['id']}", {"version": 1, "start": start, "end": end}
    )
    assert moved.status_code == 200 and moved.json()["version"] == 2
    bad = a.write("PATCH", f"/api/codings/{made['id']}", {"version": 2, "end": 10_000})
    assert bad.status_code == 400 and "span" in bad.json()["error"]
    unknown = a.write("PATCH", f"/api/codings/{made['id']}", {"version": 2, "code_id": "nope"})
    assert unknown.status_code == 400
    # a lead reads every layer but does not edit a coder's own layer
    assert (
        lead.write("PATCH", f"/api/codings/{made['id']}", {"version": 2, "memo": "x"}).status_code
        == 403
    )
    kept = store.get_coding(_db(users, made["id"]))
    assert (T01[kept.start : kept.end], kept.version, kept.memo) == (
        "judged me for the methadone",
        2,
        "",
    )


def test_transcript_page_numbers_file_lines(sessions):
    """T01's four turns are paragraphs separated by blank lines: file lines 1, 3, 5, 7."""
    users, _ = sessions
    page = users["coder_a"].get("/transcripts/T01").text
    numbers = re.findall(r'<span class="lineno" title="turn (\d+)">(\d+)</span>', page)
    assert numbers == [("1", "1"), ("2", "3"), ("3", "5"), ("4", "7")]
