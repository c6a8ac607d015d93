"""Read the R reference values and compare our numbers with them, recording the agreement.

``references.json`` and the CSV datasets are written by ``make_references.R`` (R 4.2,
survival 3.5.3, cmprsk 2.2.11). :func:`agree` asserts closeness and, when the environment
variable ``DYADLAB_AGREEMENT_LOG`` names a file, appends the maximum relative difference so that
``python -m tests.analysis.r.agreement`` can print the table in docs/survival.md.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"


@functools.cache
def references() -> dict:
    """Both reference files: make_references.R (standard data sets) and
    make_references_extended.R (robustness, weights, delayed entry); names do not overlap."""
    standard = json.loads((HERE / "references.json").read_text())
    extended = json.loads((HERE / "references_extended.json").read_text())
    return {**standard, **extended}


def ref(name: str) -> dict:
    return references()[name]


def dataset(name: str) -> pd.DataFrame:
    """An R dataset exported as CSV (empty cells are missing values)."""
    return pd.read_csv(DATA / f"{name}.csv")


def lung() -> pd.DataFrame:
    """survival::lung with event = status == 2 (R's Surv(time, status) coding 1/2)."""
    frame = dataset("lung")
    frame["event"] = (frame["status"] == 2).astype(int)
    return frame


def veteran() -> pd.DataFrame:
    return dataset("veteran")


def pbc() -> pd.DataFrame:
    """survival::pbc with death = status == 2 (transplant censored)."""
    frame = dataset("pbc")
    frame["death"] = (frame["status"] == 2).astype(int)
    return frame


def mgus2() -> pd.DataFrame:
    """survival::mgus2 prepared as in make_references.R: etime, event (0/1 pcm/2 death), male."""
    frame = dataset("mgus2")
    frame["etime"] = np.where(frame["pstat"] == 0, frame["futime"], frame["ptime"])
    frame["event"] = np.where(frame["pstat"] == 0, 2 * frame["death"], 1)
    frame["male"] = (frame["sex"] == "M").astype(int)
    return frame


def _as_array(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def max_relative_difference(ours, theirs) -> float:
    ours = np.atleast_1d(np.asarray(ours, dtype=float))
    theirs = np.atleast_1d(
        _as_array(theirs) if isinstance(theirs, list) else np.asarray(theirs, dtype=float)
    )
    both = np.isfinite(theirs) & np.isfinite(ours)
    if not both.any():
        return 0.0
    scale = np.where(np.abs(theirs[both]) > 0, np.abs(theirs[both]), 1.0)
    return float(np.max(np.abs(ours[both] - theirs[both]) / scale))


def agree(quantity: str, data: str, ours, theirs, rtol: float = 1e-6, atol: float = 0.0) -> None:
    """Assert ours ≈ R's (NaN where R has NA) and record the max relative difference."""
    ours = np.atleast_1d(np.asarray(ours, dtype=float))
    theirs_arr = (
        _as_array(theirs)
        if isinstance(theirs, list)
        else np.atleast_1d(np.asarray(theirs, dtype=float))
    )
    assert ours.shape == theirs_arr.shape, f"{quantity}: shape {ours.shape} vs R {theirs_arr.shape}"
    np.testing.assert_allclose(
        ours,
        theirs_arr,
        rtol=rtol,
        atol=atol,
        equal_nan=True,
        err_msg=f"{quantity} on {data} differs from R",
    )
    log_path = os.environ.get("DYADLAB_AGREEMENT_LOG")
    if log_path:
        with open(log_path, "a", encoding="utf-8") as handle:
            handle.write(
                json.dumps(
                    {
                        "quantity": quantity,
                        "data": data,
                        "tolerance": rtol,
                        "max_rel": max_relative_difference(ours, theirs_arr),
                    }
                )
                + "\n"
            )
