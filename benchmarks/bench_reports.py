"""Report rendering: one cold study report, and the demo study's 12-report batch.

Baseline, measured in the same run: papermill executing a notebook with one empty cell
(kernel start-up and shutdown, the floor under every report). Target (issue 6): the batch
under 2 minutes on a 2-core machine.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import nbformat
import papermill
from nbformat.v4 import new_code_cell, new_notebook

from studies import load_study
from studies.reports import render_all, render_report


def _empty_kernel_run(folder: Path) -> float:
    notebook = new_notebook(cells=[new_code_cell("pass")])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    source = folder / "empty.ipynb"
    nbformat.write(notebook, source)
    started = time.perf_counter()
    papermill.execute_notebook(str(source), str(folder / "out.ipynb"), progress_bar=False)
    return time.perf_counter() - started


def main(quick: bool = False) -> None:
    study = load_study("demo")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        baseline = _empty_kernel_run(folder)
        print(f"baseline: empty notebook through papermill   {baseline:6.1f} s")
        started = time.perf_counter()
        render_report(study, "study_report", output_dir=folder / "one")
        single = time.perf_counter() - started
        print(
            f"cold study_report (demo)                     {single:6.1f} s  "
            f"({single / baseline:.1f}x baseline)"
        )
        if quick:
            return
        started = time.perf_counter()
        outputs = render_all(study, jobs=2, output_dir=folder / "batch")
        batch = time.perf_counter() - started
        print(
            f"batch of {len(outputs)} reports, 2 at a time           {batch:6.1f} s  "
            f"({batch / baseline:.1f}x baseline; target < 120 s)"
        )
        slowest = max(outputs, key=lambda o: o.seconds)
        print(
            f"  per report: {min(o.seconds for o in outputs):.1f}–{slowest.seconds:.1f} s "
            f"(slowest {slowest.name})"
        )
