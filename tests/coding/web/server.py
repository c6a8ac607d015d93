"""A real uvicorn server on 127.0.0.1 for browser, durability and benchmark runs.

In-process: ``with running(app) as base_url: ...`` serves ``app`` from a thread.
As a child process: ``python -m tests.coding.web.server STORE_URL PORT`` seeds the test study
into ``STORE_URL`` (if empty) and serves it until killed.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Iterator

import uvicorn


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running(app, port: int | None = None) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 from a background thread; yield its base URL."""
    port = port or free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def main(argv: list[str]) -> None:
    from coding.store import CodingStore
    from coding.web.app import create_app
    from tests.coding.web.helpers import fast_accounts, seeded_store, study_data

    url, port = argv[0], int(argv[1])
    probe = CodingStore(url)
    empty = fast_accounts(probe).users().empty
    probe.close()
    store = seeded_store(url) if empty else CodingStore(url)
    app = create_app(store, study_data(), accounts=fast_accounts(store))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error")


if __name__ == "__main__":
    main(sys.argv[1:])
