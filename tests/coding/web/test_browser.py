"""End-to-end: the real app in uvicorn, driven by Debian's Chromium through Playwright.

Selections are made with the real mouse (press at the first character, drag to the last),
so the offsets the page computes are checked against the text the user dragged over.
"""

from __future__ import annotations

import shutil

import pytest

from tests.coding.web.helpers import PASSWORDS, TRANSCRIPTS, XSS, span
from tests.coding.web.server import running

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
T01 = TRANSCRIPTS[0].text


@pytest.fixture
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=shutil.which("chromium") or chromium_path, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def server(make_app, sqlite_url):
    app, store = make_app(sqlite_url)
    with running(app) as base:
        yield base, store


def log_in(browser, base: str, name: str):
    context = browser.new_context(base_url=base)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto("/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORDS[name])
    page.click("#login")
    page.wait_for_url(base + "/")
    page.dialogs = dialogs  # type: ignore[attr-defined]
    return page


def open_transcript(page, transcript_id: str) -> None:
    page.goto(f"/transcripts/{transcript_id}")
    page.wait_for_selector("#coding.ready")


def drag_select(page, start: int, end: int) -> None:
    """Select text[start:end] with the mouse: press left of the first character, drag to the
    right of the last one."""
    box = page.evaluate(
        """([start, end]) => {
          const rectOf = (at) => {
            for (const seg of document.querySelectorAll('.seg')) {
              const s = +seg.dataset.s, e = +seg.dataset.e;
              if (at >= s && at < e) {
                const range = document.createRange();
                const node = seg.firstChild;
                range.setStart(node, at - s); range.setEnd(node, at - s + 1);
                return range.getBoundingClientRect();
              }
            }
            return null;
          };
          const a = rectOf(start), b = rectOf(end - 1);
          return {x1: a.left + 1, y1: a.top + a.height / 2,
                  x2: b.right - 1, y2: b.top + b.height / 2};
        }""",
        [start, end],
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, box["y2"], steps=4)
    page.mouse.move(box["x2"], box["y2"], steps=4)
    page.mouse.up()
    page.wait_for_function("() => document.getElementById('selection').textContent.includes('[')")


def highlighted(page) -> list[str]:
    return page.eval_on_selector_all(".seg.hl", "els => els.map(e => e.textContent)")


def test_login_and_logout(browser, server):
    base, _ = server
    page = log_in(browser, base, "coder_a")
    assert page.inner_text("h1") == "Your transcripts"
    assert page.locator("#assigned a", has_text="T01").count() == 1
    page.click("#logout")
    page.wait_for_url(base + "/login")
    page.goto("/")
    assert page.url == base + "/login"


def test_code_with_mouse_and_keyboard_and_survive_reload(browser, server):
    base, store = server
    page = log_in(browser, base, "coder_a")
    open_transcript(page, "T01")

    start, end = span(T01, "They judged me")
    drag_select(page, start, end)
    page.click("#palette .code[data-code='stigma'] button.apply")  # mouse
    page.wait_for_function("() => document.querySelectorAll('.seg.hl').length > 0")

    start, end = span(T01, "peer coach")
    drag_select(page, start, end)
    page.keyboard.press("3")  # third code in the palette: recovery_network
    page.wait_for_function("() => document.querySelectorAll('.seg.hl').length > 1")

    start, end = span(T01, "Hard.")
    drag_select(page, start, end)
    page.keyboard.type("deliv")  # typing filters the palette, Enter applies the first
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.seg.hl').length > 2")

    rows = store.codings(coder="coder_a").sort_values("start")
    assert [(r.code_id, T01[r.start : r.end]) for r in rows.itertuples()] == [
        ("delivery_pain", "Hard."),
        ("stigma", "They judged me"),
        ("recovery_network", "peer coach"),
    ]

    page.reload()
    page.wait_for_selector("#coding.ready")
    assert sorted(highlighted(page)) == sorted(["Hard.", "They judged me", "peer coach"])
    assert page.dialogs == []


def test_overlapping_highlights_and_delete(browser, server):
    base, store = server
    page = log_in(browser, base, "coder_a")
    open_transcript(page, "T01")
    drag_select(page, *span(T01, "They judged me for the methadone"))
    page.click("#palette .code[data-code='stigma'] button.apply")
    page.wait_for_function("() => document.querySelectorAll('.seg.hl').length > 0")
    drag_select(page, *span(T01, "judged"))
    page.click("#palette .code[data-code='nows_guilt'] button.apply")
    page.wait_for_selector(".seg.overlap")
    assert page.inner_text(".seg.overlap") == "judged"
    page.click(".seg.overlap")
    assert page.locator("#detail li").count() == 2
    guilt = page.locator("#detail li").filter(has=page.locator("b", has_text="NOWS guilt"))
    guilt.locator("button.delete").click()
    page.wait_for_function("() => document.querySelectorAll('.seg.overlap').length === 0")
    assert store.codings(coder="coder_a")["code_id"].tolist() == ["stigma"]


def test_coders_are_blind_to_each_other(browser, server):
    base, store = server
    store.add_coding("T01", "coder_a", "stigma", *span(T01, "They judged me"))
    page = log_in(browser, base, "coder_b")
    open_transcript(page, "T01")
    assert highlighted(page) == []
    seen = page.evaluate(
        "fetch('/api/transcripts/T01').then(r => r.json()).then(j => j.codings.map(c => c.coder))"
    )
    assert seen == []


def test_reconciliation_flow(browser, server):
    base, store = server
    store.add_coding("T01", "coder_a", "stigma", *span(T01, "They judged me"))
    store.add_coding("T01", "coder_b", "recovery_network", *span(T01, "peer coach"))
    lead = log_in(browser, base, "lead1")
    lead.locator("tr[data-transcript='T01'] button.open-reconciliation").click()
    lead.wait_for_selector("tr[data-transcript='T01'] >> text=reconcile")
    assert store.transcript("T01")["reconciliation_open"]

    lead.goto("/lead/transcripts/T01/reconcile")
    rows = lead.locator("#side-by-side tbody tr")
    assert rows.count() == 2  # the two turns where the coders differ
    lead.locator("tr[data-turn='1'] button.to-consensus").click()
    lead.wait_for_selector("tr[data-turn='1'] .entry.consensus")
    consensus = store.codings(coder="consensus")
    assert [(r.code_id, T01[r.start : r.end]) for r in consensus.itertuples()] == [
        ("stigma", "They judged me")
    ]

    lead.goto("/lead/agreement")
    assert lead.locator("#agreement-codes tbody tr").count() >= 1
    # now coder_b sees coder_a's layer through the API
    coder_b = log_in(browser, base, "coder_b")
    seen = coder_b.evaluate(
        "fetch('/api/transcripts/T01').then(r => r.json())"
        ".then(j => j.codings.map(c => c.coder).sort())"
    )
    assert "coder_a" in seen


def test_xss_payload_stays_inert(browser, server):
    base, _ = server
    page = log_in(browser, base, "coder_a")
    open_transcript(page, "T03")
    page.wait_for_timeout(300)
    assert page.dialogs == []
    said = page.inner_text("#turn-1 .turn-text")
    assert said == XSS
    assert page.locator("#turns img").count() == 0
    assert page.locator("#turns a").count() == 0
    assert page.locator("#turns script").count() == 0
    # the evil code name is shown as text in the palette, not run
    assert page.locator("#palette img").count() == 0


def test_suggestions_show_dashed_and_accept_copies(browser, server):
    base, store = server
    suggestion = store.add_coding("T01", "auto", "stigma", *span(T01, "They judged me"))
    store.set_suggestions("T01", True, actor="lead1")
    page = log_in(browser, base, "coder_a")
    open_transcript(page, "T01")
    assert page.inner_text(".seg.suggestion") == "They judged me"
    assert highlighted(page) == []
    page.click(".seg.suggestion")
    page.locator("#detail li button.accept").click()
    page.wait_for_function("() => document.querySelectorAll('.seg.suggestion').length === 0")
    assert highlighted(page) == ["They judged me"]
    mine = store.codings(coder="coder_a")
    assert mine["code_id"].tolist() == ["stigma"]
    assert store.coding_list("T01", coders=["coder_a"])[0].suggestion_of == suggestion.id
