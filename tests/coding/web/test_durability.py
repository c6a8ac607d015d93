"""A server killed with SIGKILL loses no acknowledged coding (the store commits before the
response is sent)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from coding.store import CodingStore
from coding.web.accounts import Accounts
from coding.web.ids import IdCipher
from tests.coding.web.helpers import PASSWORDS, TRANSCRIPTS, span
from tests.coding.web.server import free_port

T01 = TRANSCRIPTS[0].text


def _wait_up(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read())
        try:
            httpx.get(base + "/login", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


@pytest.mark.slow
def test_sigkilled_server_keeps_every_acknowledged_coding(any_url, repo_root):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.coding.web.server", any_url, str(port)],
        cwd=repo_root,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_up(base, proc)
        client = httpx.Client(base_url=base, timeout=10)
        token = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/login").text)
        client.post(
            "/login",
            data={
                "name": "coder_a",
                "password": PASSWORDS["coder_a"],
                "login_csrf": token.group(1),
            },
        )
        csrf = client.get("/api/me").json()["csrf_token"]
        start, end = span(T01, "My peer coach helped me keep going with the baby.")
        acked: list[int] = []
        stop = threading.Event()

        def write() -> None:
            k = 0
            while not stop.is_set():
                k += 1  # a new span each time: applying the same code twice stores it once
                try:
                    r = client.post(
                        "/api/transcripts/T01/codings",
                        json={"code_id": "stigma", "start": start + k % 7, "end": end - k // 7 % 7},
                        headers={"X-CSRF-Token": csrf},
                    )
                except httpx.HTTPError:
                    return
                if r.status_code == 201:
                    acked.append(r.json()["id"])

        writer = threading.Thread(target=write)
        writer.start()
        deadline = time.monotonic() + 60
        while len(acked) < 15 and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)  # mid-stream: a request may be in flight
        proc.wait(timeout=10)
        stop.set()
        writer.join(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(acked) >= 15
    with CodingStore(any_url) as store:
        stored = set(store.codings(coder="coder_a")["coding_id"])
        ids = IdCipher(Accounts(store).secret("coding_ids"))  # the API shows permuted ids
    assert {ids.decode(public) for public in acked} <= stored
