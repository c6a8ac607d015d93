// dyadlab coding web app: text selection, highlights, code palette, lead buttons.
// Plain JavaScript, no build step. Data is only ever put into the page with textContent
// (never an HTML-parsing setter), so transcript text, memos and code names stay inert.
"use strict";

(function () {
  const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

  function flash(message, isError) {
    const box = document.getElementById("flash");
    if (!box) return;
    box.textContent = message;
    box.className = isError ? "error" : "ok";
    if (!isError) setTimeout(() => { if (box.textContent === message) box.textContent = ""; }, 2500);
  }

  async function api(method, url, body) {
    const options = { method, headers: { "X-CSRF-Token": csrf() }, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = typeof body === "string" ? body : JSON.stringify(body);
    }
    const response = await fetch(url, options);
    let payload = null;
    try { payload = await response.json(); } catch (e) { payload = null; }
    if (!response.ok) {
      const message = (payload && payload.error) || ("request failed: " + response.status);
      flash(message, true);
      throw new Error(message);
    }
    return payload;
  }

  // -- generic lead buttons and forms: data-api-method / data-api-url / data-api-body --------
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-api-url]");
    if (!button) return;
    event.preventDefault();
    try {
      await api(button.dataset.apiMethod, button.dataset.apiUrl, button.dataset.apiBody);
      location.reload();
    } catch (e) { /* flashed */ }
  });
  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form.api-form");
    if (!form) return;
    event.preventDefault();
    const body = {};
    new FormData(form).forEach((value, key) => { body[key] = value; });
    try {
      await api(form.dataset.apiMethod, form.dataset.apiUrl, body);
      location.reload();
    } catch (e) { /* flashed */ }
  });

  document.querySelectorAll(".swatch[data-color]").forEach((el) => {
    el.style.backgroundColor = el.dataset.color;
  });

  const root = document.getElementById("coding");
  if (!root) return;

  // -- the coding page ---------------------------------------------------------------------
  const transcriptId = root.dataset.transcript;
  const layer = root.dataset.layer;
  const codes = {};
  document.querySelectorAll("#palette .code").forEach((li) => {
    codes[li.dataset.code] = { name: li.dataset.name, color: li.dataset.color };
  });
  let state = null;          // the transcript JSON
  let chars = [];            // the text as code points: offsets are Python string indices
  let pending = null;        // {start, end} of the current selection
  let focused = [];          // codings shown in the detail panel

  const cpLength = (s) => Array.from(s).length;

  async function load() {
    state = await api("GET", "/api/transcripts/" + encodeURIComponent(transcriptId));
    chars = Array.from(state.text);
    render();
    const memo = document.getElementById("memo");
    if (document.activeElement !== memo) memo.value = state.memo;
    const done = document.getElementById("done-toggle");
    if (done) done.textContent = state.done ? "Mark not done" : "Mark done";
  }

  function mine() {
    return state.codings.filter((c) => c.coder === layer);
  }

  function render() {
    const spans = mine().map((c) => ({ ...c, kind: "own" }))
      .concat(state.suggestions.map((c) => ({ ...c, kind: "suggestion" })));
    document.querySelectorAll(".turn-text").forEach((el) => {
      const start = +el.dataset.start, end = +el.dataset.end;
      const inside = spans.filter((c) => c.start < end && c.end > start);
      const cuts = new Set([start, end]);
      inside.forEach((c) => { cuts.add(Math.max(c.start, start)); cuts.add(Math.min(c.end, end)); });
      const points = Array.from(cuts).sort((a, b) => a - b);
      el.replaceChildren();
      for (let i = 0; i + 1 < points.length; i++) {
        const s = points[i], e = points[i + 1];
        const seg = document.createElement("span");
        seg.className = "seg";
        seg.dataset.s = s;
        seg.dataset.e = e;
        seg.textContent = chars.slice(s, e).join("");
        const over = inside.filter((c) => c.start <= s && c.end >= e);
        const own = over.filter((c) => c.kind === "own").sort((a, b) => (b.end - b.start) - (a.end - a.start));
        const suggested = over.filter((c) => c.kind === "suggestion");
        if (own.length) {
          seg.classList.add("hl");
          const innermost = colorOf(own[own.length - 1].code_id);
          seg.style.backgroundColor = innermost + "55";
          // one underline per overlapping code: nested/stacked highlights stay visible
          seg.style.boxShadow = own.map((c, k) => `inset 0 -${3 * (k + 1)}px 0 ${colorOf(c.code_id)}`).join(", ");
          seg.style.paddingBottom = (3 * own.length) + "px";
          seg.title = own.map((c) => nameOf(c.code_id)).join(" + ");
          if (own.length > 1) seg.classList.add("overlap");
        }
        if (suggested.length) {
          seg.classList.add("suggestion");
          seg.style.outlineColor = colorOf(suggested[0].code_id);
          seg.title = (seg.title ? seg.title + " · " : "") + "suggested: " +
            suggested.map((c) => nameOf(c.code_id)).join(" + ");
        }
        el.appendChild(seg);
      }
    });
    if (focused.length) showDetail(focused.map((c) => c.id));
  }

  const colorOf = (id) => (codes[id] ? codes[id].color : "#999999");
  const nameOf = (id) => (codes[id] ? codes[id].name : id);

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
    const b = pointOffset(range.endContainer, range.endOffset);
    if (!a || !b) return null;
    if (a.turn !== b.turn) return { error: "Select text within one turn." };
    let start = a.at, end = b.at;
    while (start < end && /\s/.test(chars[start])) start++;
    while (end > start && /\s/.test(chars[end - 1])) end--;
    if (start >= end) return null;
    return { start, end };
  }

  document.addEventListener("selectionchange", () => {
    const found = readSelection();
    if (found === null) return; // keep the last selection while the palette has focus
    const box = document.getElementById("selection");
    if (found.error) { pending = null; box.textContent = found.error; return; }
    pending = found;
    box.textContent = "“" + chars.slice(found.start, found.end).join("") + "” [" + found.start + "–" + found.end + ")";
  });

  // -- palette -------------------------------------------------------------------------------
  const filter = document.getElementById("palette-filter");
  function visibleCodes() {
    return Array.from(document.querySelectorAll("#palette .code")).filter((li) => !li.hidden);
  }
  function refreshPalette() {
    const q = filter.value.trim().toLowerCase();
    document.querySelectorAll("#palette .code").forEach((li) => {
      li.hidden = q !== "" && !(li.dataset.name.toLowerCase().includes(q) || li.dataset.code.includes(q));
    });
    visibleCodes().forEach((li, k) => { li.querySelector(".key").textContent = k < 9 ? String(k + 1) : ""; });
  }
  filter.addEventListener("input", refreshPalette);
  refreshPalette();

  async function apply(codeId) {
    if (!pending) { flash("Select some text first.", true); return; }
    const span = pending;
    await api("POST", "/api/transcripts/" + encodeURIComponent(transcriptId) + "/codings",
      { code_id: codeId, start: span.start, end: span.end });
    flash("Applied " + nameOf(codeId) + ".");
    pending = null;
    document.getElementById("selection").textContent = "";
    window.getSelection().removeAllRanges();
    filter.value = "";
    refreshPalette();
    await load();
  }

  document.getElementById("palette").addEventListener("click", (event) => {
    const button = event.target.closest("button.apply");
    if (!button) return;
    apply(button.closest(".code").dataset.code).catch(() => {});
  });
  // keep the text selection when clicking a palette button
  document.getElementById("palette").addEventListener("mousedown", (event) => {
    if (event.target.closest("button.apply")) event.preventDefault();
  });

  filter.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      const first = visibleCodes()[0];
      if (first) apply(first.dataset.code).catch(() => {});
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
    if (/^[1-9]$/.test(event.key) && pending) {
      const li = visibleCodes()[+event.key - 1];
      if (li) { event.preventDefault(); apply(li.dataset.code).catch(() => {}); }
    } else if (/^[a-z]$/i.test(event.key) && pending) {
      event.preventDefault();
      filter.focus();
      filter.value += event.key;
      refreshPalette();
    }
  });

  // -- detail panel: codings under a click ---------------------------------------------------
  document.getElementById("turns").addEventListener("click", (event) => {
    const seg = event.target.closest(".seg");
    if (!seg || !window.getSelection().isCollapsed) return;
    const s = +seg.dataset.s, e = +seg.dataset.e;
    const here = mine().concat(state.suggestions).filter((c) => c.start <= s && c.end >= e);
    showDetail(here.map((c) => c.id));
  });

  function showDetail(ids) {
    const all = mine().concat(state.suggestions);
    focused = all.filter((c) => ids.includes(c.id));
    const box = document.getElementById("detail-box");
    const list = document.getElementById("detail");
    list.replaceChildren();
    box.hidden = focused.length === 0;
    focused.forEach((c) => list.appendChild(detailItem(c)));
  }

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
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
    const select = el("select");
    select.setAttribute("aria-label", "change code");
    Object.keys(codes).forEach((id) => {
      const option = el("option", codes[id].name);
      option.value = id;
      option.selected = id === c.code_id;
      select.appendChild(option);
    });
    const memo = el("textarea");
    memo.value = c.memo;
    memo.rows = 2;
    memo.setAttribute("aria-label", "memo");
    const save = el("button", "Save", "save");
    save.addEventListener("click", () => patch(c, { code_id: select.value, memo: memo.value }));
    const respan = el("button", "Set span to selection", "respan");
    respan.addEventListener("mousedown", (event) => event.preventDefault());
    respan.addEventListener("click", () => {
      if (!pending) { flash("Select the new span first.", true); return; }
      patch(c, { start: pending.start, end: pending.end });
    });
    const remove = el("button", "Delete", "delete");
    remove.addEventListener("click", async () => {
      try {
        await api("DELETE", "/api/codings/" + c.id + "?version=" + c.version);
        focused = [];
        flash("Deleted.");
        await load();
      } catch (e) { /* flashed */ }
    });
    li.append(select, memo, save, respan, remove);
    return li;
  }

  async function patch(c, changes) {
    try {
      await api("PATCH", "/api/codings/" + c.id, { version: c.version, ...changes });
      flash("Saved.");
    } catch (e) { /* flashed */ }
    await load();
  }

  async function review(id, decision) {
    try {
      await api("POST", "/api/suggestions/" + id + "/" + decision);
      focused = [];
      flash(decision === "accept" ? "Suggestion accepted." : "Suggestion rejected.");
    } catch (e) { /* flashed */ }
    await load();
  }

  document.getElementById("save-memo").addEventListener("click", async () => {
    try {
      await api("PUT", "/api/transcripts/" + encodeURIComponent(transcriptId) + "/memo",
        { text: document.getElementById("memo").value });
      flash("Memo saved.");
    } catch (e) { /* flashed */ }
  });
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
