"""Coding web app under load: 10 coders applying and deleting codes at once on loopback.

A real uvicorn server (its own process, SQLite store with WAL + synchronous=FULL) and 10
client threads (httpx, one logged-in session each). Measured:

* apply-code latency (POST a coding, committed before the response) and delete latency,
  p50/p95, against a trivial authenticated GET (``/api/me``) measured under the same load;
* the time to serve a 20,000-word transcript page (HTML) and its JSON, against the same
  trivial GET measured alone.

Targets: apply-code p95 < 50 ms; 20,000-word page < 300 ms.

Logins under a burst (:func:`login_burst`): a server with argon2-cffi's default hasher
(argon2id, 64 MiB per hash) receives N parallel login attempts at once. Measured: how many
reach the password check (the throttle reserves each attempt before the check: at most 5 per
account), and the server's peak resident memory (``VmHWM``) over the burst, with hashing
bounded to 2 at a time against the unbounded baseline (40 at a time: FastAPI's thread pool).
"""

from __future__ import annotations

import contextlib
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx

ROOT = Path(__file__).resolve().parent.parent
N_CODERS = 10
PASSWORD = "benchmark password"
WORDS = [
    "the",
    "baby",
    "nurse",
    "methadone",
    "judged",
    "support",
    "pain",
    "home",
    "clinic",
    "dose",
    "coach",
    "visit",
    "withdrawal",
    "mother",
    "felt",
    "guilty",
    "doctor",
    "asked",
    "help",
    "program",
]


def _big_transcript(n_words: int = 20_000) -> SimpleNamespace:
    parts, turns, at, k = [], [], 0, 0
    while k < n_words:
        speaker = "INTERVIEWER" if len(turns) % 2 == 0 else "P01"
        said = " ".join(WORDS[(k + i * 7) % len(WORDS)] for i in range(100)) + "."
        k += 100
        label = f"{speaker}: "
        turns.append(
            {"speaker": speaker, "start": at + len(label), "end": at + len(label) + len(said)}
        )
        parts.append(label + said)
        at += len(label) + len(said) + 2
    return SimpleNamespace(id="BIG", text="\n\n".join(parts), turns=turns, participant_id="P01")


def _codes() -> list[dict]:
    return [{"id": f"code_{i}", "name": f"Code {i}", "color": "#0072B2"} for i in range(16)]


def _serve(url: str, port: int, group_commit: bool = True) -> None:
    """Child process: seed the store and serve the app until killed."""
    import uvicorn

    from coding.store import CodingStore
    from coding.web.accounts import Accounts
    from coding.web.app import create_app
    from coding.web.data import from_objects
    from tests.coding.store.helpers import FAST_HASHER

    big = _big_transcript()
    store = CodingStore(url, group_commit=group_commit)
    accounts = Accounts(store, FAST_HASHER)
    store.register_transcripts({big.id: big.text})
    accounts.add_user("lead1", "lead", PASSWORD)
    for i in range(N_CODERS):
        accounts.add_user(f"coder_{i}", "coder", PASSWORD)
        store.assign("BIG", f"coder_{i}")
    app = create_app(store, from_objects([big], _codes(), name="benchmark"), accounts=accounts)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error")


def _login(base: str, name: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=30)
    token = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": name, "password": PASSWORD, "login_csrf": token})
    return client, client.get("/api/me").json()["csrf_token"]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _serve_logins(url: str, port: int, max_hashes: int) -> None:
    """Child process: accounts with the default argon2 hasher, serve until killed."""
    import uvicorn

    from coding.store import CodingStore
    from coding.web.accounts import Accounts
    from coding.web.app import create_app
    from coding.web.data import from_objects

    big = _big_transcript(2_000)
    store = CodingStore(url)
    accounts = Accounts(store, max_concurrent_hashes=max_hashes)
    store.register_transcripts({big.id: big.text})
    accounts.add_user("coder_0", "coder", PASSWORD)
    app = create_app(store, from_objects([big], _codes(), name="benchmark"), accounts=accounts)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error")


def _peak_rss_mib(pid: int) -> tuple[float, float]:
    """``(VmRSS, VmHWM)`` of a process in MiB (Linux)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def _login_once(base: str, name: str, password: str) -> tuple[int, float]:
    with httpx.Client(base_url=base, timeout=120) as client:
        page = client.get("/login").text
        token = re.search(r'name="login_csrf" value="([^"]+)"', page).group(1)
        t0 = time.perf_counter()
        code = client.post(
            "/login", data={"name": name, "password": password, "login_csrf": token}
        ).status_code
        return code, (time.perf_counter() - t0) * 1000


def login_burst(n: int = 16) -> None:
    """N parallel wrong-password logins on one account, then N on N unknown names."""
    from concurrent.futures import ThreadPoolExecutor

    for max_hashes, label in ((40, "unbounded (40 threads)"), (2, "bounded to 2")):
        with _server(True, target=f"_serve_logins({{url!r}}, {{port}}, {max_hashes})") as (
            base,
            pid,
        ):
            _login_once(base, "coder_0", PASSWORD)  # warm up: one hash, the dummy hash
            rss0, _ = _peak_rss_mib(pid)
            with ThreadPoolExecutor(n) as pool:
                one = list(pool.map(lambda _: _login_once(base, "coder_0", "wrong!"), range(n)))
            with ThreadPoolExecutor(n) as pool:
                names = [f"nobody_{k}" for k in range(n)]
                many = list(pool.map(lambda who: _login_once(base, who, "wrong!"), names))
            _, peak = _peak_rss_mib(pid)
            right = _login_once(base, "coder_0", PASSWORD)[0]
        checked = sum(code == 401 for code, _ in one)
        refused = sum(code == 429 for code, _ in one)
        worst = max(ms for _, ms in many)
        print(
            f"argon2 hashing {label}: {n} parallel wrong passwords on one account -> "
            f"{checked} checked (401), {refused} refused before the check (429); then the "
            f"right password -> {right}"
        )
        print(
            f"  {n} parallel attempts on unknown names: resident memory {rss0:.0f} MiB before, "
            f"peak {peak:.0f} MiB (+{peak - rss0:.0f} MiB); slowest answer {worst:.0f} ms"
        )


def main(quick: bool = False) -> None:
    login_burst(12 if quick else 16)
    rounds = 10 if quick else 40
    # baseline in the same run: the same server with one commit per write
    for group_commit in (False, True):
        label = "group commit" if group_commit else "one commit per write (baseline)"
        print(f"### store: {label}")
        with _server(group_commit) as base:
            _run(base, rounds, pages=group_commit)


@contextlib.contextmanager
def _server(group_commit: bool, target: str | None = None) -> Iterator:
    """A uvicorn server in its own process on a fresh SQLite store; yields its base URL
    (and, with ``target`` — a ``_serve…`` call template — the base URL and process id)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite"
        call = (
            target.format(url=url, port=port)
            if target
            else (f"_serve({url!r}, {port}, {group_commit})")
        )
        code = f"import benchmarks.bench_web as bench; bench.{call}"
        proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    httpx.get(base + "/login", timeout=1)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError("benchmark server did not start") from None
                    time.sleep(0.2)
            yield (base, proc.pid) if target else base
        finally:
            proc.kill()
            proc.wait()


def _run(base: str, rounds: int, pages: bool = True) -> None:
    big = _big_transcript()
    sessions = [_login(base, f"coder_{i}") for i in range(N_CODERS)]
    for think in (0.0, 0.2):
        what = "no pause (saturation)" if think == 0 else f"a {think * 1000:.0f} ms pause (±50%)"
        print(f"10 coders, each step after {what}:")
        _load(big, sessions, rounds, think)
    if pages:
        _pages(big, sessions[0][0], rounds)


def _load(big, sessions, rounds: int, think: float) -> None:
    rng = random.Random(0)
    pauses = [think * (0.5 + rng.random()) for _ in range(3 * rounds * N_CODERS)]
    apply_ms: list[float] = []
    delete_ms: list[float] = []
    baseline_ms: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(N_CODERS)

    def coder(k: int) -> None:
        client, csrf = sessions[k]
        headers = {"X-CSRF-Token": csrf}
        mine_a, mine_d, mine_b = [], [], []
        barrier.wait()
        for r in range(rounds):
            pause = pauses[(k * rounds + r) * 3 : (k * rounds + r) * 3 + 3]
            turn = big.turns[(k * 997 + r * 131) % (len(big.turns) - 1)]
            body = {"code_id": f"code_{r % 16}", "start": turn["start"], "end": turn["start"] + 40}
            time.sleep(pause[0])
            t0 = time.perf_counter()
            made = client.post("/api/transcripts/BIG/codings", headers=headers, json=body)
            mine_a.append((time.perf_counter() - t0) * 1000)
            assert made.status_code == 201, made.text
            coding = made.json()
            time.sleep(pause[1])
            t0 = time.perf_counter()
            gone = client.delete(
                f"/api/codings/{coding['id']}?version={coding['version']}", headers=headers
            )
            mine_d.append((time.perf_counter() - t0) * 1000)
            assert gone.status_code == 200, gone.text
            time.sleep(pause[2])
            t0 = time.perf_counter()
            client.get("/api/me")
            mine_b.append((time.perf_counter() - t0) * 1000)
        with lock:
            apply_ms.extend(mine_a)
            delete_ms.extend(mine_d)
            baseline_ms.extend(mine_b)

    threads = [threading.Thread(target=coder, args=(k,)) for k in range(N_CODERS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    n = len(apply_ms)
    base_p50, base_p95 = _pct(baseline_ms, 0.5), _pct(baseline_ms, 0.95)
    print(
        f"{N_CODERS} concurrent coders, {n} apply + {n} delete in {elapsed:.1f} s "
        f"({2 * n / elapsed:.0f} writes/s)"
    )
    for name, values in (
        ("apply-code", apply_ms),
        ("delete-code", delete_ms),
        ("baseline GET /api/me", baseline_ms),
    ):
        p50, p95 = _pct(values, 0.5), _pct(values, 0.95)
        print(
            f"  {name:22s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
            f"(x{p50 / base_p50:.1f} / x{p95 / base_p95:.1f} baseline)"
        )
    print(f"  target apply-code p95 < 50 ms: {'met' if _pct(apply_ms, 0.95) < 50 else 'MISSED'}")


def _pages(big, client: httpx.Client, rounds: int) -> None:
    words = len(big.text.split())
    timings = {}
    for name, path in (
        ("baseline GET /api/me", "/api/me"),
        (f"transcript page ({words} words)", "/transcripts/BIG"),
        ("transcript JSON", "/api/transcripts/BIG"),
    ):
        runs = []
        for _ in range(3 if rounds <= 10 else 10):
            t0 = time.perf_counter()
            response = client.get(path)
            runs.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        timings[name] = (statistics.median(runs), len(response.content))
    base_ms = timings["baseline GET /api/me"][0]
    for name, (ms, size) in timings.items():
        print(f"  {name:32s} median {ms:7.1f} ms  {size / 1024:7.0f} KiB  (x{ms / base_ms:.0f})")
    page_ms = timings[f"transcript page ({words} words)"][0]
    print(f"  target page < 300 ms: {'met' if page_ms < 300 else 'MISSED'}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
