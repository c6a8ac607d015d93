"""Nothing a coder typed is lost: versioned transcript memos, conflicts that return what is
stored so the page can keep the loser's text, and applying a code twice storing it once —
on SQLite and PostgreSQL. (The page side — drafts kept, a warning before leaving, messages
where the coder looks — is checked in Chromium: test_browser_work.py.)
"""

from __future__ import annotations

from tests.coding.web.helpers import TRANSCRIPTS, span

T01 = TRANSCRIPTS[0].text


def _apply(session, words, code="stigma"):
    start, end = span(T01, words)
    return session.write(
        "POST", "/api/transcripts/T01/codings", {"code_id": code, "start": start, "end": end}
    )


def test_transcript_memo_two_tabs_second_save_gets_409_with_the_stored_text(sessions_any):
    users, store = sessions_any
    a = users["coder_a"]
    read = a.get("/api/transcripts/T01").json()
    assert (read["memo"], read["memo_version"]) == ("", 0)
    tab_one = a.write("PUT", "/api/transcripts/T01/memo", {"text": "tab one", "version": 0})
    assert tab_one.status_code == 200 and tab_one.json()["version"] == 1
    tab_two = a.write("PUT", "/api/transcripts/T01/memo", {"text": "tab two", "version": 0})
    assert tab_two.status_code == 409
    assert tab_two.json()["current"] == {"text": "tab one", "version": 1}
    assert store.memo("T01", "coder_a") == "tab one"
    merged = a.write(
        "PUT", "/api/transcripts/T01/memo", {"text": "tab one + tab two", "version": 1}
    )
    assert merged.status_code == 200 and merged.json()["version"] == 2


def test_coding_conflict_returns_the_winner_so_the_loser_keeps_her_memo(sessions_any):
    users, _ = sessions_any
    a = users["coder_a"]
    made = _apply(a, "They judged me").json()
    url = f"/api/codings/{made['id']}"
    assert a.write("PATCH", url, {"version": 1, "memo": "winner"}).status_code == 200
    loser = a.write("PATCH", url, {"version": 1, "memo": "loser's long thought"})
    assert loser.status_code == 409
    current = loser.json()["current"]
    assert (current["memo"], current["version"], current["id"]) == ("winner", 2, made["id"])


def test_applying_the_same_code_twice_stores_it_once(sessions_any):
    users, store = sessions_any
    a = users["coder_a"]
    first, second = _apply(a, "They judged me"), _apply(a, "They judged me")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert _apply(a, "They judged me", code="nows_guilt").status_code == 201
    assert len(store.codings(coder="coder_a")) == 2


def test_the_lead_reads_each_coders_transcript_memo(sessions_any):
    users, _ = sessions_any
    users["coder_a"].write("PUT", "/api/transcripts/T01/memo", {"text": "a's view"})
    users["coder_b"].write("PUT", "/api/transcripts/T01/memo", {"text": "b's view"})
    lead = users["lead1"].get("/api/transcripts/T01").json()
    assert [(m["coder"], m["memo"]) for m in lead["coder_memos"]] == [
        ("coder_a", "a's view"),
        ("coder_b", "b's view"),
    ]
    assert "coder_memos" not in users["coder_a"].get("/api/transcripts/T01").json()
    page = users["lead1"].get("/transcripts/T01").text
    assert "a&#39;s view" in page and "b&#39;s view" in page
