"""Print the R agreement table of docs/survival.md from the tests' own comparisons.

    python -m tests.analysis.r.agreement > /tmp/agreement.md

Runs the survival and competing-risks tests with ``DYADLAB_AGREEMENT_LOG`` set, so that every
``agree(...)`` call records its maximum relative difference, and prints one Markdown row per
(quantity, dataset) with the largest difference seen and the tolerance the test enforces.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TESTS = [
    "tests/analysis/survival/test_km.py",
    "tests/analysis/survival/test_cox.py",
    "tests/analysis/survival/test_zph.py",
    "tests/analysis/survival/test_rmst.py",
    "tests/analysis/survival/test_adjusted.py",
    "tests/analysis/survival/test_robust.py",
    "tests/analysis/survival/test_weighted.py",
    "tests/analysis/survival/test_firth.py",
    "tests/analysis/survival/test_split.py",
    "tests/analysis/competing/test_competing.py",
    "tests/analysis/competing/test_weighted.py",
]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        log_path = Path(folder) / "agreement.jsonl"
        env = {**os.environ, "DYADLAB_AGREEMENT_LOG": str(log_path)}
        code = subprocess.call(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", *TESTS],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        if code != 0:
            print("the tests failed; no table", file=sys.stderr)
            return code
        rows: dict[str, list] = {}
        for line in log_path.read_text().splitlines():
            entry = json.loads(line)
            key = _group(entry["quantity"])
            entry["data"] = re.sub(r"\[\d+\]$", " (seeded designs)", entry["data"])
            worst, tolerance, datasets = rows.get(key, [0.0, 0.0, []])
            if entry["data"] not in datasets:
                datasets.append(entry["data"])
            rows[key] = [max(worst, entry["max_rel"]), max(tolerance, entry["tolerance"]), datasets]
    print(
        "| quantity | R references (tests/analysis/r/references*.json) "
        "| max relative difference | test tolerance |"
    )
    print("|---|---|---|---|")
    for quantity, (worst, tolerance, datasets) in rows.items():
        print(f"| {quantity} | {', '.join(datasets)} | {worst:.1e} | {tolerance:.0e} |")
    return 0


def _group(quantity: str) -> str:
    """Fold the per-column KM comparisons into two rows."""
    if quantity.startswith("KM at(t)"):
        return "KM at chosen days (n at risk, S, SE, CI)"
    if quantity.startswith("KM ") and quantity not in ("KM median", "KM median CI"):
        return "KM table (time, n at risk, events, censored, S, SE, CI)"
    return quantity


if __name__ == "__main__":
    sys.exit(main())
