// dyadlab coding web app, every page: messages in the viewport, the JSON API call with
// re-login in place (the pending request is finished after the password), and the lead's
// buttons. The coding page itself is coding.js. Plain JavaScript, no build step. Data is only
// ever put into the page with textContent (never an HTML-parsing setter), so transcript
// text, memos and code names stay inert. Checked in Chromium by tests/coding/web/test_browser*.py.
"use strict";

(function () {
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = () => csrfMeta.content;

  // -- messages: a toast fixed in the viewport, where the coder is looking ------------------
  const flashBox = document.getElementById("flash");
  let flashTimer = null;
  function flash(message, isError) {
    if (!flashBox) return;
    flashBox.hidden = false;
    flashBox.textContent = message;
    flashBox.className = isError ? "error" : "ok";
    flashBox.setAttribute("role", isError ? "alert" : "status");
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => {
      if (flashBox.textContent === message) flashBox.hidden = true;
    }, isError ? 9000 : 2500);
  }
  if (flashBox) flashBox.addEventListener("click", () => { flashBox.hidden = true; });

  class HttpError extends Error {
    constructor(status, payload, message) {
      super(message);
      this.status = status;
      this.payload = payload;
    }
  }

  // -- an expired session: log in again in place, then finish the pending request ----------
  let reloginWaiting = null;
  function relogin() {
    const overlay = document.getElementById("relogin");
    if (!overlay) {
      location.href = "/login?expired=1";
      return new Promise(() => {});
    }
    if (reloginWaiting) return reloginWaiting.promise;
    let resolve;
    const promise = new Promise((r) => { resolve = r; });
    reloginWaiting = { promise, resolve };
    document.getElementById("relogin-name").value = document.body.dataset.user || "";
    document.getElementById("relogin-error").textContent = "";
    overlay.hidden = false;
    document.getElementById("relogin-password").focus();
    return promise;
  }

  const reloginForm = document.getElementById("relogin-form");
  if (reloginForm) {
    reloginForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = document.getElementById("relogin-error");
      const password = document.getElementById("relogin-password");
      try {
        const page = await (await fetch("/login", { credentials: "same-origin" })).text();
        const token = (page.match(/name="login_csrf" value="([^"]+)"/) || [])[1] || "";
        // the pending request is replayed after login: only ever as the page's own user
        const pageUser = document.body.dataset.user || "";
        const body = new URLSearchParams({
          name: document.getElementById("relogin-name").value,
          password: password.value,
          login_csrf: token,
          page_user: pageUser,
        });
        const answer = await fetch("/login", {
          method: "POST", body, credentials: "same-origin", redirect: "manual",
        });
        if (answer.type !== "opaqueredirect") {
          error.textContent = answer.status === 429
            ? "Too many attempts: wait a few minutes, then try again."
            : answer.status === 409
              ? "This page belongs to " + pageUser + ": log in as " + pageUser +
                ", or reload the page to work as someone else."
              : "Wrong name or password.";
          return;
        }
        const me = await fetch("/api/me", { credentials: "same-origin" });
        if (!me.ok) { error.textContent = "Logging in failed; try again."; return; }
        const account = await me.json();
        if (!pageUser || account.name !== pageUser) {
          // someone else's session (e.g. logged in from another tab): never replay as them
          location.reload();
          return;
        }
        csrfMeta.content = account.csrf_token;
        password.value = "";
        document.getElementById("relogin").hidden = true;
        const waiting = reloginWaiting;
        reloginWaiting = null;
        if (waiting) waiting.resolve();
      } catch (e) {
        error.textContent = "Cannot reach the server; try again.";
      }
    });
  }

  async function api(method, url, body, options) {
    const quiet409 = options && options.quiet409;
    for (let attempt = 0; ; attempt++) {
      const request = { method, headers: { "X-CSRF-Token": csrf() }, credentials: "same-origin" };
      if (body !== undefined) {
        request.headers["Content-Type"] = "application/json";
        request.body = typeof body === "string" ? body : JSON.stringify(body);
      }
      let response;
      try {
        response = await fetch(url, request);
      } catch (e) {
        flash("Cannot reach the server: nothing you typed is lost; try again.", true);
        throw e;
      }
      let payload = null;
      try { payload = await response.json(); } catch (e) { payload = null; }
      if (response.status === 401 && payload && payload.login_required && attempt < 2) {
        flash(payload.error, true);
        await relogin();
        continue; // the same request again, with the new session
      }
      if (!response.ok) {
        const message = (payload && payload.error) || ("request failed: " + response.status);
        if (!(response.status === 409 && quiet409)) flash(message, true);
        throw new HttpError(response.status, payload, message);
      }
      return payload;
    }
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

  window.dyadlab = { api, flash };
})();
