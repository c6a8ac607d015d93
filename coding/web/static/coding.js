// dyadlab coding page: text selection (mouse and keyboard), highlights and the labelled
// margin, the code palette, memos that are never silently lost. Uses window.dyadlab (api,
// flash) from app.js. Data is only ever put into the page with textContent. Checked in
// Chromium by tests/coding/web/test_browser*.py.
"use strict";

(function () {
  const HIGHLIGHT_ALPHA_HEX = "66"; // 0.4: coding.web.data.HIGHLIGHT_ALPHA
  const { api, flash } = window.dyadlab;
  const root = document.getElementById("coding");
  if (!root) return;

  // -- the coding page ---------------------------------------------------------------------
  const transcriptId = root.dataset.transcript;
  const layer = root.dataset.layer;
  const user = root.dataset.user;
  const codes = {};
  document.querySelectorAll("#palette .code").forEach((li) => {
    codes[li.dataset.code] = { name: li.dataset.name, color: li.dataset.color };
  });
  let state = null;          // the transcript JSON
  let chars = [];            // the text as code points: offsets are Python string indices
  let pending = null;        // {start, end} of the current selection
  let focused = [];          // ids of the codings shown in "Codings here"
  let applying = false;      // one apply at a time: a double click applies once
  const codingDrafts = {};   // coding id -> {memo, code_id} typed but not saved
  const conflicts = {};      // coding id -> the stored coding after a 409

  const cpLength = (s) => Array.from(s).length;
  const colorOf = (id) => (codes[id] ? codes[id].color : "#999999");
  const nameOf = (id) => (codes[id] ? codes[id].name : id);
  const turnTexts = () => Array.from(document.querySelectorAll(".turn-text"));

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  // -- the transcript memo: drafts kept (also across a reload), versioned saves -------------
  const memoBox = document.getElementById("memo");
  const memoKey = "dyadlab:memo:" + transcriptId + ":" + user;
  let memoSaved = null; // {text, version} as stored
  const memoDirty = () => memoSaved !== null && memoBox.value !== memoSaved.text;
  function showMemoState() {
    document.getElementById("memo-state").textContent = memoDirty() ? "not saved yet" : "";
  }
  // A draft is kept with the version it was typed over, so saving a restored draft over a
  // memo saved since (another tab, another day) gives the conflict panel, not an overwrite.
  memoBox.addEventListener("input", () => {
    const base = memoSaved === null ? null : memoSaved.version;
    try {
      localStorage.setItem(memoKey, JSON.stringify({ text: memoBox.value, version: base }));
    } catch (e) { /* private mode */ }
    showMemoState();
  });

  function readDraft() {
    let raw = null;
    try { raw = localStorage.getItem(memoKey); } catch (e) { raw = null; }
    if (raw === null) return null;
    try {
      const draft = JSON.parse(raw);
      if (draft && typeof draft.text === "string") {
        return { text: draft.text, version: Number.isInteger(draft.version) ? draft.version : 0 };
      }
    } catch (e) { /* a draft from before versions were kept */ }
    return { text: raw, version: 0 }; // base unknown: 0, so any saved memo gives a conflict
  }

  function takeMemo(text, version) {
    if (memoSaved === null) { // first load: a draft left by a closed tab comes back
      const draft = readDraft();
      if (draft !== null && draft.text !== text) {
        memoSaved = { text, version: draft.version }; // save against the draft's base
        memoBox.value = draft.text;
        flash("Your unsaved memo draft was restored: save it when ready.", false);
      } else {
        memoSaved = { text, version };
        memoBox.value = text;
      }
    } else if (!memoDirty()) {
      memoSaved = { text, version };
      memoBox.value = text;
    } // else: never replace what she is typing, nor the version it was typed over
    showMemoState();
  }

  document.getElementById("save-memo").addEventListener("click", async () => {
    const text = memoBox.value;
    try {
      const saved = await api("PUT", "/api/transcripts/" + encodeURIComponent(transcriptId) + "/memo",
        { text, version: memoSaved.version }, { quiet409: true });
      memoSaved = { text: saved.memo, version: saved.version };
      const draft = readDraft();
      try { if (draft !== null && draft.text === text) localStorage.removeItem(memoKey); } catch (e) { /* */ }
      document.getElementById("memo-conflict").hidden = true;
      flash("Memo saved.");
    } catch (e) {
      if (e.status === 409 && e.payload && e.payload.current) {
        const current = e.payload.current;
        memoSaved = { text: current.text, version: current.version };
        document.getElementById("memo-current").textContent = current.text;
        document.getElementById("memo-conflict").hidden = false;
        flash("The memo was saved elsewhere meanwhile: your text is kept; merge and save again.", true);
      }
    }
    showMemoState();
  });

  window.addEventListener("beforeunload", (event) => {
    if (memoDirty() || Object.keys(codingDrafts).length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  async function load() {
    state = await api("GET", "/api/transcripts/" + encodeURIComponent(transcriptId));
    chars = Array.from(state.text);
    render();
    takeMemo(state.memo, state.memo_version);
    const done = document.getElementById("done-toggle");
    if (done) done.textContent = state.done ? "Mark not done" : "Mark done";
  }

  const mine = () => state.codings.filter((c) => c.coder === layer);
  const others = () => state.codings.filter((c) => c.coder !== layer && c.coder !== "auto");
  const everything = () => state.codings.concat(state.suggestions);

  // -- highlights and the labelled margin ----------------------------------------------------
  function render() {
    const spans = mine().map((c) => ({ ...c, kind: "own" }))
      .concat(state.suggestions.map((c) => ({ ...c, kind: "suggestion" })))
      .concat(others().map((c) => ({ ...c, kind: "other" })));
    turnTexts().forEach((turnEl) => {
      const start = +turnEl.dataset.start, end = +turnEl.dataset.end;
      const inside = spans.filter((c) => c.start < end && c.end > start);
      const cuts = new Set([start, end]);
      inside.forEach((c) => { cuts.add(Math.max(c.start, start)); cuts.add(Math.min(c.end, end)); });
      const points = Array.from(cuts).sort((a, b) => a - b);
      turnEl.replaceChildren();
      for (let i = 0; i + 1 < points.length; i++) {
        const s = points[i], e = points[i + 1];
        const seg = el("span", chars.slice(s, e).join(""), "seg");
        seg.dataset.s = s;
        seg.dataset.e = e;
        const over = inside.filter((c) => c.start <= s && c.end >= e);
        const own = over.filter((c) => c.kind === "own").sort((a, b) => (b.end - b.start) - (a.end - a.start));
        const suggested = over.filter((c) => c.kind === "suggestion");
        const theirs = over.filter((c) => c.kind === "other");
        const labels = [];
        if (own.length) {
          seg.classList.add("hl");
          seg.style.backgroundColor = colorOf(own[own.length - 1].code_id) + HIGHLIGHT_ALPHA_HEX;
          // one underline per overlapping code: nested/stacked highlights stay visible
          seg.style.boxShadow = own.map((c, k) => `inset 0 -${3 * (k + 1)}px 0 ${colorOf(c.code_id)}`).join(", ");
          seg.style.paddingBottom = (3 * own.length) + "px";
          if (own.length > 1) seg.classList.add("overlap");
          labels.push(own.map((c) => nameOf(c.code_id)).join(" + "));
        }
        if (theirs.length) {
          seg.classList.add("other");
          seg.style.borderBottomColor = colorOf(theirs[0].code_id);
          labels.push(theirs.map((c) => c.coder + ": " + nameOf(c.code_id)).join(", "));
        }
        if (suggested.length) {
          seg.classList.add("suggestion");
          seg.style.outlineColor = colorOf(suggested[0].code_id);
          labels.push("suggested: " + suggested.map((c) => nameOf(c.code_id)).join(" + "));
        }
        if (labels.length) {
          seg.title = labels.join(" · ");
          seg.tabIndex = 0; // highlights are reachable with Tab; Enter shows their codings
          seg.setAttribute("role", "button");
          seg.setAttribute("aria-label", "“" + seg.textContent.slice(0, 60) + "”: " + labels.join("; "));
        }
        turnEl.appendChild(seg);
      }
      renderMargin(turnEl, start, end);
    });
    if (focused.length) showDetail(focused);
  }

  function renderMargin(turnEl, start, end) {
    const margin = turnEl.parentElement.querySelector(".margin");
    if (!margin) return;
    margin.replaceChildren();
    const here = (list) => list.filter((c) => c.start < end && c.end > start);
    const entries = here(mine()).map((c) => [c, ""])
      .concat(here(others()).map((c) => [c, c.coder]))
      .concat(here(state.suggestions).map((c) => [c, "suggested"]));
    entries.forEach(([c, who]) => {
      const li = el("li", undefined, "mark" + (who ? " mark-other" : ""));
      const chip = el("button", undefined, "chip");
      chip.type = "button";
      chip.dataset.coding = c.id;
      const stripe = el("span", undefined, "stripe");
      stripe.style.backgroundColor = colorOf(c.code_id);
      chip.append(stripe, el("span", nameOf(c.code_id), "mark-name"));
      if (who) chip.append(el("small", who, "mark-who"));
      if (c.memo) chip.append(el("span", "✎", "memo-mark"));
      chip.title = "“" + chars.slice(c.start, c.end).join("") + "”" + (c.memo ? " — memo: " + c.memo : "");
      chip.setAttribute("aria-label", nameOf(c.code_id) + (who ? " (" + who + ")" : "") + (c.memo ? ", has a memo" : ""));
      chip.addEventListener("click", () => showDetail([c.id]));
      li.appendChild(chip);
      margin.appendChild(li);
    });
  }

  // -- selection -> offsets ------------------------------------------------------------------
  function pointOffset(node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      const seg = node.parentElement.closest(".seg");
      if (!seg) return null;
      return { turn: seg.closest(".turn-text"), at: +seg.dataset.s + cpLength(node.data.slice(0, offset)) };
    }
    const turnText = node.closest ? (node.classList.contains("turn-text") ? node : node.closest(".turn-text")) : null;
    if (!turnText) return null;
    const segs = Array.from(turnText.querySelectorAll(".seg"));
    if (node === turnText) {
      if (offset < segs.length) return { turn: turnText, at: +segs[offset].dataset.s };
      return { turn: turnText, at: +turnText.dataset.end };
    }
    const seg = node.closest(".seg");
    return seg ? { turn: turnText, at: offset === 0 ? +seg.dataset.s : +seg.dataset.e } : null;
  }

  function readSelection() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    const a = pointOffset(range.startContainer, range.startOffset);
    let b = pointOffset(range.endContainer, range.endOffset);
    if (a && !b) { // a triple-click selection ends after the turn: clip it to the turn
      const li = a.turn.closest(".turn");
      if (li && range.intersectsNode(li)) b = { turn: a.turn, at: +a.turn.dataset.end };
    }
    if (!a || !b) return null;
    if (a.turn !== b.turn) return { error: "Select text within one turn." };
    let start = a.at, end = b.at;
    while (start < end && /\s/.test(chars[start])) start++;
    while (end > start && /\s/.test(chars[end - 1])) end--;
    if (start >= end) return null;
    return { start, end, turn: a.turn };
  }

  function showPending() {
    const box = document.getElementById("selection");
    box.textContent = pending
      ? "“" + chars.slice(pending.start, pending.end).join("") + "” [" + pending.start + "–" + pending.end + ")"
      : "No text selected.";
  }

  document.addEventListener("selectionchange", () => {
    const found = readSelection();
    if (found === null) return; // keep the last selection while the palette has focus
    if (found.error) {
      pending = null;
      document.getElementById("selection").textContent = found.error;
      return;
    }
    pending = found;
    showPending();
  });

  /** Select text[start:end) of a turn as a real document selection. */
  function selectOffsets(turnEl, start, end) {
    const locate = (at, isEnd) => {
      for (const seg of turnEl.querySelectorAll(".seg")) {
        const s = +seg.dataset.s, e = +seg.dataset.e;
        if ((at >= s && at < e) || (isEnd && at === e)) {
          const node = seg.firstChild;
          return [node, Array.from(node.data).slice(0, at - s).join("").length];
        }
      }
      return null;
    };
    const a = locate(start, false), b = locate(end, true);
    if (!a || !b) return;
    const range = document.createRange();
    range.setStart(a[0], a[1]);
    range.setEnd(b[0], b[1]);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    pending = { start, end, turn: turnEl };
    showPending();
  }

  function selectTurn(turnEl) {
    let start = +turnEl.dataset.start, end = +turnEl.dataset.end;
    while (start < end && /\s/.test(chars[start])) start++;
    while (end > start && /\s/.test(chars[end - 1])) end--;
    if (start < end) selectOffsets(turnEl, start, end);
  }

  // whole turn: triple-click the text, or click the speaker label
  document.getElementById("turns").addEventListener("click", (event) => {
    if (event.detail === 3) {
      const turnEl = event.target.closest(".turn-text");
      if (turnEl) { event.preventDefault(); selectTurn(turnEl); }
    }
  });
  document.querySelectorAll("button.speaker").forEach((button) => {
    button.addEventListener("mousedown", (event) => event.preventDefault());
    button.addEventListener("click", () => {
      const turnEl = button.parentElement.querySelector(".turn-text");
      selectTurn(turnEl);
      turnEl.focus({ preventScroll: true });
    });
  });

  // keyboard selection within a focused turn: Enter = the turn; Shift+arrows move the end by
  // a word, Ctrl+Shift+arrows the start
  const isSpace = (k) => k < chars.length && /\s/.test(chars[k]);
  function nextWordEnd(at, limit) { let k = at; while (k < limit && isSpace(k)) k++; while (k < limit && !isSpace(k)) k++; return k; }
  function prevWordEnd(at, floor) { let k = at; while (k > floor && !isSpace(k - 1)) k--; while (k > floor && isSpace(k - 1)) k--; return k; }
  function nextWordStart(at, limit) { let k = at; while (k < limit && !isSpace(k)) k++; while (k < limit && isSpace(k)) k++; return k; }
  function prevWordStart(at, floor) { let k = at; while (k > floor && isSpace(k - 1)) k--; while (k > floor && !isSpace(k - 1)) k--; return k; }

  document.getElementById("turns").addEventListener("keydown", (event) => {
    const seg = event.target.closest && event.target.closest(".seg[tabindex]");
    if (seg && (event.key === "Enter" || event.key === " ") && !event.shiftKey) {
      event.preventDefault();
      const s = +seg.dataset.s, e = +seg.dataset.e;
      showDetail(everything().filter((c) => c.start <= s && c.end >= e).map((c) => c.id));
      return;
    }
    const turnEl = event.target.closest && event.target.closest(".turn-text");
    if (!turnEl) return;
    const tStart = +turnEl.dataset.start, tEnd = +turnEl.dataset.end;
    if (event.key === "Enter" && !seg) {
      event.preventDefault();
      selectTurn(turnEl);
      return;
    }
    if (!event.shiftKey || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
    event.preventDefault();
    let start, end;
    if (pending && pending.turn === turnEl) {
      ({ start, end } = pending);
    } else {
      start = tStart;
      while (start < tEnd && isSpace(start)) start++;
      end = start;
    }
    const right = event.key === "ArrowRight";
    if (event.ctrlKey || event.metaKey) {
      const moved = right ? nextWordStart(start, tEnd) : prevWordStart(start, tStart);
      if (moved < end) start = moved;
    } else {
      const moved = right ? nextWordEnd(end, tEnd) : prevWordEnd(end, tStart);
      if (moved > start) end = moved;
    }
    if (end > start) selectOffsets(turnEl, start, end);
  });

  // -- palette: every code by key, by filter, or by arrows -----------------------------------
  const filter = document.getElementById("palette-filter");
  const help = document.getElementById("code-help");
  function visibleCodes() {
    return Array.from(document.querySelectorAll("#palette .code")).filter((li) => !li.hidden);
  }
  function refreshPalette() {
    const q = filter.value.trim().toLowerCase();
    document.querySelectorAll("#palette .code").forEach((li) => {
      li.hidden = q !== "" && !(li.dataset.name.toLowerCase().includes(q) || li.dataset.code.includes(q));
    });
    visibleCodes().forEach((li, k) => {
      li.querySelector(".key").textContent = k < 9 ? String(k + 1) : (k === 9 ? "0" : "");
    });
  }
  filter.addEventListener("input", refreshPalette);
  refreshPalette();

  async function apply(codeId) {
    if (!pending) { flash("Select some text first.", true); return; }
    if (applying) return;
    applying = true;
    const span = pending;
    const returnTo = span.turn;
    try {
      await api("POST", "/api/transcripts/" + encodeURIComponent(transcriptId) + "/codings",
        { code_id: codeId, start: span.start, end: span.end });
      flash("Applied " + nameOf(codeId) + ".");
      const moved = pending !== span; // she already selected something else meanwhile
      if (!moved) {
        pending = null;
        showPending();
        window.getSelection().removeAllRanges();
      }
      filter.value = "";
      refreshPalette();
      await load();
      if (!moved && returnTo && document.activeElement && document.activeElement.closest(".panel")) {
        returnTo.focus({ preventScroll: true }); // keyboard coders go on where they were
      }
    } finally {
      applying = false;
    }
  }

  const palette = document.getElementById("palette");
  palette.addEventListener("click", (event) => {
    const button = event.target.closest("button.apply");
    if (!button) return;
    apply(button.closest(".code").dataset.code).catch(() => {});
  });
  // keep the text selection when clicking a palette button
  palette.addEventListener("mousedown", (event) => {
    if (event.target.closest("button.apply")) event.preventDefault();
  });
  palette.addEventListener("keydown", (event) => {
    const buttons = visibleCodes().map((li) => li.querySelector("button.apply"));
    const at = buttons.indexOf(document.activeElement);
    let next = null;
    if (event.key === "ArrowDown") next = Math.min(at + 1, buttons.length - 1);
    else if (event.key === "ArrowUp") next = at - 1;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = buttons.length - 1;
    else return;
    event.preventDefault();
    if (next < 0) { filter.focus(); return; }
    buttons[next].focus();
  });
  const describe = (button) => { help.textContent = button.title; };
  palette.addEventListener("focusin", (event) => {
    const button = event.target.closest("button.apply");
    if (button) describe(button);
  });
  palette.addEventListener("mouseover", (event) => {
    const button = event.target.closest("button.apply");
    if (button) describe(button);
  });

  filter.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      const first = visibleCodes()[0];
      if (first) apply(first.dataset.code).catch(() => {});
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      const first = visibleCodes()[0];
      if (first) first.querySelector("button.apply").focus();
    } else if (event.key === "Escape") {
      filter.value = "";
      refreshPalette();
      filter.blur();
    }
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.matches && target.matches("input, textarea, select")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^[0-9]$/.test(event.key) && pending) {
      const li = visibleCodes()[event.key === "0" ? 9 : +event.key - 1];
      if (li) { event.preventDefault(); apply(li.dataset.code).catch(() => {}); }
    } else if (event.key === "/" ) {
      event.preventDefault();
      filter.focus();
    } else if (/^[a-z]$/i.test(event.key) && pending && !target.closest("button")) {
      event.preventDefault();
      filter.focus();
      filter.value += event.key;
      refreshPalette();
    }
  });

  // -- "codings here": what a click, a margin mark or Enter on a highlight points at --------
  document.getElementById("turns").addEventListener("click", (event) => {
    const seg = event.target.closest(".seg");
    if (!seg || event.detail === 3 || !window.getSelection().isCollapsed) return;
    const s = +seg.dataset.s, e = +seg.dataset.e;
    const here = everything().filter((c) => c.start <= s && c.end >= e);
    if (here.length) showDetail(here.map((c) => c.id));
  });

  function showDetail(ids) {
    const all = everything();
    focused = ids.filter((id) => all.some((c) => c.id === id));
    const box = document.getElementById("detail-box");
    const list = document.getElementById("detail");
    list.replaceChildren();
    box.hidden = focused.length === 0;
    all.filter((c) => focused.includes(c.id)).forEach((c) => list.appendChild(detailItem(c)));
  }

  function detailItem(c) {
    const li = el("li", undefined, "coding-detail");
    li.dataset.coding = c.id;
    const swatch = el("span", undefined, "swatch");
    swatch.style.backgroundColor = colorOf(c.code_id);
    li.append(swatch, el("b", nameOf(c.code_id)), el("q", chars.slice(c.start, c.end).join("")));
    if (c.coder === "auto") {
      const accept = el("button", "Accept", "accept");
      const reject = el("button", "Reject", "reject");
      accept.addEventListener("click", () => review(c.id, "accept"));
      reject.addEventListener("click", () => review(c.id, "reject"));
      li.append(el("small", "suggestion"), accept, reject);
      return li;
    }
    if (c.coder !== layer) { // another coder's layer: read only
      li.classList.add("other-layer");
      li.append(el("small", c.coder, "mark-who"));
      if (c.memo) li.append(el("p", "✎ " + c.memo, "memo-read"));
      return li;
    }
    const draft = codingDrafts[c.id] || {};
    const select = el("select");
    select.setAttribute("aria-label", "change code");
    Object.keys(codes).forEach((id) => {
      const option = el("option", codes[id].name);
      option.value = id;
      option.selected = id === (draft.code_id || c.code_id);
      select.appendChild(option);
    });
    const memo = el("textarea");
    memo.value = draft.memo !== undefined ? draft.memo : c.memo;
    memo.rows = 2;
    memo.setAttribute("aria-label", "memo");
    const keep = () => {
      if (memo.value === c.memo && select.value === c.code_id) delete codingDrafts[c.id];
      else codingDrafts[c.id] = { memo: memo.value, code_id: select.value };
    };
    memo.addEventListener("input", keep);
    select.addEventListener("change", keep);
    const save = el("button", "Save", "save");
    save.addEventListener("click", () => patch(c, { code_id: select.value, memo: memo.value }, true));
    const respan = el("button", "Set span to selection", "respan");
    respan.addEventListener("mousedown", (event) => event.preventDefault());
    respan.addEventListener("click", () => {
      if (!pending) { flash("Select the new span first.", true); return; }
      patch(c, { start: pending.start, end: pending.end }, false);
    });
    const remove = el("button", "Delete", "delete");
    remove.addEventListener("click", async () => {
      try {
        await api("DELETE", "/api/codings/" + c.id + "?version=" + c.version);
        focused = focused.filter((id) => id !== c.id);
        delete codingDrafts[c.id];
        flash("Deleted.");
        await load();
      } catch (e) { /* flashed */ }
    });
    li.append(select, memo);
    if (conflicts[c.id]) {
      const note = el("div", undefined, "conflict");
      note.append(el("p", "Changed elsewhere meanwhile; your text is kept above. Saved version:"),
        el("blockquote", conflicts[c.id].memo || "(no memo)"));
      li.append(note);
    }
    li.append(save, respan, remove);
    return li;
  }

  async function patch(c, changes, fromEditor) {
    try {
      await api("PATCH", "/api/codings/" + c.id, { version: c.version, ...changes }, { quiet409: fromEditor });
      delete codingDrafts[c.id];
      delete conflicts[c.id];
      flash("Saved.");
    } catch (e) {
      if (e.status === 409 && fromEditor) {
        codingDrafts[c.id] = { memo: changes.memo, code_id: changes.code_id };
        if (e.payload && e.payload.current) {
          conflicts[c.id] = e.payload.current;
          flash("This coding was changed elsewhere meanwhile: your text is kept; merge and save again.", true);
        } else {
          delete codingDrafts[c.id];
          flash("This coding was deleted elsewhere meanwhile. What you typed: " + (changes.memo || ""), true);
        }
      }
    }
    await load();
  }

  async function review(id, decision) {
    try {
      await api("POST", "/api/suggestions/" + id + "/" + decision);
      focused = focused.filter((x) => x !== id);
      flash(decision === "accept" ? "Suggestion accepted." : "Suggestion rejected.");
    } catch (e) { /* flashed */ }
    await load();
  }

  const doneButton = document.getElementById("done-toggle");
  if (doneButton) {
    doneButton.addEventListener("click", async () => {
      try {
        await api("POST", "/api/transcripts/" + encodeURIComponent(transcriptId) + "/done",
          { done: !state.done });
        await load();
      } catch (e) { /* flashed */ }
    });
  }

  load().then(() => root.classList.add("ready")).catch(() => {});
})();
