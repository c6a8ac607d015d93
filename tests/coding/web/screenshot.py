"""Take docs/img/coding-view.png from the real coding page on synthetic demo data.

``python -m tests.coding.web.screenshot`` (from the repository root; needs Debian's chromium):
generates the demo study's synthetic data into a temporary folder (``dyadlab synth`` with the
demo seed), seeds a store, serves the app on 127.0.0.1, logs in as coder_a, selects a
passage with the mouse and saves a screenshot of the page.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(out: Path = ROOT / "docs" / "img" / "coding-view.png") -> None:
    from playwright.sync_api import sync_playwright

    from data_dictionary.files import atomic_write
    from studies import load_study
    from studies.cli import main as dyadlab
    from studies.commands.serve import build_app
    from tests.coding.web.server import running

    with tempfile.TemporaryDirectory() as folder:
        study_dir = Path(folder) / "demo"
        assert (
            dyadlab(
                [
                    "synth",
                    str(study_dir),
                    "--seed",
                    "20261127",
                    "--deliveries",
                    "200",
                    "--participants",
                    "8",
                ]
            )
            == 0
        )
        app, store = build_app(load_study(study_dir, check_files=False))
        app.state.ctx.accounts.add_user("coder_a", "coder", "demo password 1")
        transcript_id = store.assignments("coder_a")["transcript_id"].iloc[0]
        with running(app) as base, sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
            )
            page = browser.new_page(base_url=base, viewport={"width": 1360, "height": 860})
            page.goto("/login")
            page.fill("#name", "coder_a")
            page.fill("#password", "demo password 1")
            page.click("#login")
            page.wait_for_url(base + "/")
            page.goto(f"/transcripts/{transcript_id}")
            page.wait_for_selector("#coding.ready")
            first = page.locator(".seg.overlap").first
            first.scroll_into_view_if_needed()
            first.click()
            page.evaluate("() => window.scrollBy(0, -120)")
            page.wait_for_timeout(3000)  # let the "Saved"-style message fade
            png = page.screenshot()
            with atomic_write(out, "wb") as handle:
                handle.write(png)
            browser.close()
        store.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:2]))
