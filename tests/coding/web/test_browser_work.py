"""A coding session in Chromium (Playwright): nothing typed is lost, codes are visible at a
glance, and everything works from the keyboard — the promises of docs/coding-team.md.

The app runs in uvicorn over the test study; a second server uses the default codebook (16
codes) for the palette checks. Expected spans are written out from the test transcripts.
"""

from __future__ import annotations

import pytest

from coding.codebook import load_codebook
from coding.web.app import create_app
from coding.web.data import from_objects
from tests.coding.web.helpers import PASSWORDS, TRANSCRIPTS, fast_accounts, span
from tests.coding.web.server import running
from tests.coding.web.test_browser import (
    browser,  # noqa: F401  (fixture)
    drag_select,
    highlighted,
    log_in,
    open_transcript,
    server,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.browser
T01 = TRANSCRIPTS[0].text
T02 = TRANSCRIPTS[1].text


def _wait_codings(store, coder, n):
    import time

    deadline = time.monotonic() + 10
    while len(store.codings(coder=coder)) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    return store.codings(coder=coder)


def _in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
            return r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight
                   && r.right <= innerWidth; }""",
        selector,
    )


# -- nothing a coder typed is lost --------------------------------------------------------


def test_memo_draft_survives_applying_a_code_and_leaving_warns(browser, server):  # noqa: F811
    base, store = server
    page = log_in(browser, base, "coder_a")
    open_transcript(page, "T01")
    page.fill("#memo", "half a thought about stigma")
    drag_select(page, *span(T01, "They judged me"))
    page.click("#palette .code[data-code='stigma'] button.apply")
    page.wait_for_function("() => document.querySelectorAll('.seg.hl').length > 0")
    assert page.input_value("#memo") == "half a thought about stigma"
    assert "not saved" in page.text_content("#memo-state")
    # leaving with the unsaved memo asks first (the page cancels beforeunload)
    assert page.evaluate(
        """() => { const e = new Event('beforeunload', {cancelable: true});
                   window.dispatchEvent(e); return e.defaultPrevented; }"""
    )
    # ... and if she leaves anyway (a closed tab, a crash), the draft comes back
    page.close()
    again = page.context.new_page()
    open_transcript(again, "T01")
    assert again.input_value("#memo") == "half a thought about stigma"
    assert "draft was restored" in again.text_content("#flash")
    again.click("#save-memo")
    again.wait_for_function("() => document.getElementById('memo-state').textContent === ''")
    assert store.memo("T01", "coder_a") == "half a thought about stigma"


def test_memo_in_two_tabs_second_save_keeps_her_text(browser, server):  # noqa: F811
    base, store = server
    first = log_in(browser, base, "coder_a")
    second = first.context.new_page()
    for page in (first, second):
        open_transcript(page, "T01")
    first.fill("#memo", "written in tab one")
    first.click("#save-memo")
    first.wait_for_function("() => document.getElementById('memo-state').textContent === ''")
    second.fill("#memo", "written in tab two")
    second.click("#save-memo")
    second.wait_for_selector("#memo-conflict:not([hidden])")
    assert second.input_value("#memo") == "written in tab two"  # her text stays
    assert second.text_content("#memo-current") == "written in tab one"
    assert store.memo("T01", "coder_a") == "written in tab one"
    second.fill("#memo", "written in tab one; and in tab two")
    second.click("#save-memo")
    second.wait_for_function("() => document.getElementById('memo-state').textContent === ''")
    assert store.memo("T01", "coder_a") == "written in tab one; and in tab two"


def test_after_a_coding_conflict_the_loser_keeps_her_memo(browser, server):  # noqa: F811
    base, store = server
    made = store.add_coding("T01", "coder_a", "stigma", *span(T01, "They judged me"))
    first = log_in(browser, base, "coder_a")
    second = first.context.new_page()
    for page in (first, second):
        open_transcript(page, "T01")
        page.click(".margin .chip")
        page.wait_for_selector("#detail-box:not([hidden]) textarea")
    first.fill("#detail textarea", "the winner's memo")
    first.click("#detail button.save")
    first.wait_for_function("() => document.querySelector('.memo-mark') !== null")
    second.fill("#detail textarea", "the loser's longer memo")
    second.click("#detail button.save")
    second.wait_for_selector("#detail .conflict")
    assert second.input_value("#detail textarea") == "the loser's longer memo"
    assert "the winner's memo" in second.text_content("#detail .conflict")
    second.click("#detail button.save")  # she merges (here: keeps hers) and saves again
    second.wait_for_function("() => !document.querySelector('#detail .conflict')")
    assert store.get_coding(made.id).memo == "the loser's longer memo"


def test_double_click_and_repeated_key_store_one_coding(browser, server):  # noqa: F811
    base, store = server
    page = log_in(browser, base, "coder_a")
    open_transcript(page, "T01")
    drag_select(page, *span(T01, "They judged me"))
    page.dblclick("#palette .code[data-code='stigma'] button.apply")
    page.wait_for_function("() => document.querySelectorAll('.margin .chip').length === 1")
    drag_select(page, *span(T01, "peer coach"))
    page.keyboard.press("3")
    page.keyboard.press("3")
    page.wait_for_function("() => document.querySelectorAll('.margin .chip').length >= 2")
    page.wait_for_timeout(300)
    rows = store.codings(coder="coder_a")
    assert sorted(T01[r.start : r.end] for r in rows.itertuples()) == [
        "They judged me",
        "peer coach",
    ]


def test_messages_show_where_the_coder_is_looking(browser, server):  # noqa: F811
    base, _ = server
    page = log_in(browser, base, "coder_a")
    page.set_viewport_size({"width": 1280, "height": 400})
    open_transcript(page, "T01")
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.keyboard.press("Enter")  # nothing to apply: an error message
    page.evaluate("() => document.getElementById('palette-filter').focus()")
    page.keyboard.press("Enter")
    page.wait_for_selector("#flash.error:not([hidden])")
    assert "Select some text first" in page.text_content("#flash")
    assert _in_viewport(page, "#flash")


def test_expired_session_logs_in_again_and_finishes_the_pending_action(browser, server):  # noqa: F811
    base, store = server
    page = log_in(browser, base, "coder_a")
    open_transcript(page, "T01")
    fast_accounts(store).set_password("coder_a", PASSWORDS["coder_a"])  # ends her sessions
    drag_select(page, *span(T01, "They judged me"))
    page.click("#palette .code[data-code='stigma'] button.apply")
    page.wait_for_selector("#relogin:not([hidden])")
    assert "expired" in page.text_content("#relogin")
    assert _in_viewport(page, "#relogin-form")
    assert store.codings(coder="coder_a").empty
    page.fill("#relogin-password", PASSWORDS["coder_a"])
    page.click("#relogin-form button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('.seg.hl').length > 0")
    rows = _wait_codings(store, "coder_a", 1)
    assert [T01[r.start : r.end] for r in rows.itertuples()] == ["They judged me"]


# -- codes at a glance --------------------------------------------------------------------


def test_margin_names_the_codes_of_each_turn_and_marks_memos(browser, server):  # noqa: F811
    base, store = server
    store.add_coding("T01", "coder_a", "stigma", *span(T01, "They judged me"), memo="why")
    store.add_coding("T01", "coder_a", "delivery_pain", *span(T01, "Hard."))
    page = log_in(browser, base, "coder_a")
    open_transcript(page, "T01")
    marks = page.eval_on_selector_all(
        "#turn-1 .margin .chip",
        "els => els.map(e => [e.querySelector('.mark-name').textContent,"
        " !!e.querySelector('.memo-mark')])",
    )
    assert sorted(marks) == [["Delivery pain", False], ["Stigma", True]]
    assert page.eval_on_selector_all("#turn-0 .margin .chip", "els => els.length") == 0


@pytest.fixture
def big_server(make_app, sqlite_url):
    """The app with the default codebook's 16 codes."""
    _, store = make_app(sqlite_url)
    data = from_objects(TRANSCRIPTS, load_codebook("default"), name="default codebook")
    app = create_app(store, data, accounts=fast_accounts(store))
    with running(app) as base:
        yield base, store, data


def test_sixteen_codes_from_the_keyboard_at_1280x720(browser, big_server):  # noqa: F811
    base, store, data = big_server
    codes = [c.id for c in data.palette() if c.id not in data.themes()]
    assert len(codes) == 16 and len(data.palette()) == 19  # the 3 themes follow
    page = log_in(browser, base, "coder_a")
    page.set_viewport_size({"width": 1280, "height": 720})
    open_transcript(page, "T01")
    visible = page.evaluate(
        """() => [...document.querySelectorAll('#palette button.apply')].filter(b => {
             const r = b.getBoundingClientRect(), p = b.closest('ul').getBoundingClientRect();
             return r.top >= p.top && r.bottom <= p.bottom + 1 && r.bottom <= innerHeight;
           }).length"""
    )
    assert visible > 6
    # keyboard only: Tab to turn 2 (index 1), Enter selects it, Shift+→ from a fresh turn
    page.focus("#turn-1 .turn-text")
    page.keyboard.press("Enter")
    assert "Hard. They judged me for the methadone." in page.text_content("#selection")
    page.keyboard.press("0")  # the tenth code
    _wait_codings(store, "coder_a", 1)
    page.focus("#turn-3 .turn-text")
    for _ in range(3):
        page.keyboard.press("Shift+ArrowRight")  # "My", "My peer", "My peer coach"
    page.keyboard.press("Control+Shift+ArrowRight")  # the start moves on a word
    assert "“peer coach”" in page.text_content("#selection")
    page.focus("#palette-filter")
    for _ in range(13):  # the 13th code by arrows
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    rows = _wait_codings(store, "coder_a", 2).sort_values("start")
    assert [(r.code_id, T01[r.start : r.end]) for r in rows.itertuples()] == [
        (codes[9], "Hard. They judged me for the methadone."),
        (codes[12], "peer coach"),
    ]
    # highlights are reachable with Tab, and Enter shows "Codings here" in view at 1280x720
    page.focus("#turn-3 .turn-text")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    for _ in range(6):
        if page.evaluate("() => document.activeElement.classList.contains('seg')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('hl')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#detail-box:not([hidden])")
    assert _in_viewport(page, "#detail-box h2")


def test_triple_click_and_speaker_label_select_the_whole_turn(browser, server):  # noqa: F811
    base, _ = server
    page = log_in(browser, base, "coder_a")
    open_transcript(page, "T01")
    page.click("#turn-3 .turn-text", click_count=3)
    assert "“My peer coach helped me keep going with the baby.”" in page.text_content("#selection")
    page.click("#turn-1 button.speaker")
    assert "“Hard. They judged me for the methadone.”" in page.text_content("#selection")


def test_other_layers_appear_once_reconciliation_opens(browser, server):  # noqa: F811
    base, store = server
    store.add_coding("T01", "coder_b", "nows_guilt", *span(T01, "judged me"), memo="b's note")
    page = log_in(browser, base, "coder_a")
    open_transcript(page, "T01")
    assert page.eval_on_selector_all(".mark-other", "els => els.length") == 0  # blind
    store.set_reconciliation("T01", True)
    open_transcript(page, "T01")
    assert page.text_content("#turn-1 .mark-other").strip().startswith("NOWS guilt")
    assert "coder_b" in page.text_content("#turn-1 .mark-other")
    assert page.eval_on_selector_all(".seg.other", "els => els.length") > 0


def test_the_lead_reconciles_with_colours_layers_and_decided_rows(browser, server):  # noqa: F811
    base, store = server
    store.add_coding("T01", "coder_a", "stigma", *span(T01, "They judged me"))
    store.add_coding("T01", "coder_b", "stigma", *span(T01, "judged me for the methadone"))
    store.add_coding("T01", "coder_b", "recovery_network", *span(T01, "peer coach"))
    store.set_memo("T01", "coder_a", "turn 2 is the heart of it")
    lead = log_in(browser, base, "lead1")
    lead.goto("/lead/transcripts/T01/reconcile?all=true")
    assert "turn 2 is the heart of it" in lead.text_content("#coder-memos")
    colours = lead.eval_on_selector_all(
        "#side-by-side .swatch", "els => els.map(e => getComputedStyle(e).backgroundColor)"
    )
    assert colours and "rgba(0, 0, 0, 0)" not in colours
    lead.click("#consensus-agreed")
    lead.wait_for_selector("tr.decided[data-turn='1']")
    assert lead.eval_on_selector_all("tr.decided", "els => els.length") == 1
    assert "✓ decided" in lead.text_content("tr[data-turn='1']")
    (agreed,) = store.codings(coder="consensus").itertuples()
    assert T01[agreed.start : agreed.end] == "judged me"  # only text both coded
    # the consensus coding page shows the coders' layers in the margin
    open_transcript(lead, "T01")
    who = lead.eval_on_selector_all("#turn-1 .mark-who", "els => els.map(e => e.textContent)")
    assert sorted(who) == ["coder_a", "coder_b"]
    assert sorted(highlighted(lead)) == ["judged me"]


def test_a_lead_action_after_the_session_expired_is_finished_after_login(browser, server):  # noqa: F811
    base, store = server
    lead = log_in(browser, base, "lead1")
    fast_accounts(store).set_password("lead1", PASSWORDS["lead1"])  # ends her sessions
    lead.click("tr[data-transcript='T01'] button.open-reconciliation")
    lead.wait_for_selector("#relogin:not([hidden])")
    lead.fill("#relogin-password", PASSWORDS["lead1"])
    lead.click("#relogin-form button[type=submit]")
    lead.wait_for_selector("tr[data-transcript='T01'] button.open-reconciliation", state="detached")
    assert store.transcript("T01")["reconciliation_open"]


def test_a_restored_draft_does_not_overwrite_a_memo_saved_since(browser, server):  # noqa: F811
    """The draft keeps the version it was typed over: saving it after a newer save elsewhere
    shows the conflict panel and leaves the newer memo in place."""
    base, store = server
    page = log_in(browser, base, "coder_a")
    open_transcript(page, "T01")
    page.fill("#memo", "draft typed yesterday")
    page.close()  # left without saving: the draft stays in the browser
    store.set_memo("T01", "coder_a", "saved later from another computer")
    again = page.context.new_page()
    open_transcript(again, "T01")
    assert again.input_value("#memo") == "draft typed yesterday"
    assert "draft was restored" in again.text_content("#flash")
    again.click("#save-memo")
    again.wait_for_selector("#memo-conflict:not([hidden])")
    assert again.text_content("#memo-current") == "saved later from another computer"
    assert again.input_value("#memo") == "draft typed yesterday"
    assert store.memo("T01", "coder_a") == "saved later from another computer"
