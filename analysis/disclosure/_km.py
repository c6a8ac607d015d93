"""Kaplan–Meier curves that cannot be read for small counts (OpenSAFELY's ``round_km``).

A Kaplan–Meier curve drawn step by step gives away counts: a drop from S to S·(1 − d/n)
tells the reader d events among n at risk, so the curve of a group of 40 shows, to the
person, how many stopped treatment on each day, and the numbers at risk under a hidden
table cell can be read from the step heights. OpenSAFELY's reusable action
``kaplan-meier-function`` (``analysis/km.R``, ``round_km`` with the default "constant"
method; opensafely-actions/kaplan-meier-function, commit 0994771c, read for the method only)
publishes curves recomputed from rounded counts instead:

* cumulative events and cumulative censorings are rounded up to a multiple of ``min_count``
  and moved down by ``floor(min_count / 2)`` ("midpoint" rounding, ``roundmid_any``;
  0 stays 0), so every step of the published curve is at least ``min_count`` events, delayed
  until they have accumulated;
* the number at risk is the midpoint-rounded group size less the rounded cumulative events
  and censorings before the step;
* survival, Greenwood's variance and the log-log interval are recomputed from those counts.

Here ``min_count`` is the study's ``min_cell`` (11: steps of 11, shown as 6, 17, 28, …
cumulative events). Two safeguards are added: the curve stops before the number at risk
falls below ``min_count`` (the tail of a curve is where single mothers are visible), and
:func:`round_km` takes only the groups a report may show (a group whose counts are hidden
elsewhere in the report is not drawn at all).

Tested in tests/analysis/disclosure/test_round_km.py (hand-worked against the formulas of
km.R).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.stats import norm

from analysis.errors import AnalysisError


def roundmid(x: np.ndarray | int, to: int) -> np.ndarray:
    """``roundmid_any`` of km.R: up to a multiple of ``to``, minus ``floor(to / 2)``; 0 stays 0."""
    x = np.asarray(x, dtype=np.int64)
    return np.ceil(x / to).astype(np.int64) * to - (to // 2) * (x != 0)


def _rounded_curve(curve: pd.DataFrame, min_count: int, conf_level: float) -> pd.DataFrame:
    if (curve["n_event"] % 1 != 0).any() or (curve["n_censor"] % 1 != 0).any():
        raise AnalysisError("round_km needs whole-number counts (unweighted curves)")
    total = int(curve["n_risk"].iloc[0])
    cml_event = roundmid(np.cumsum(curve["n_event"].to_numpy(np.int64)), min_count)
    cml_censor = roundmid(np.cumsum(curve["n_censor"].to_numpy(np.int64)), min_count)
    n_event = np.diff(np.concatenate([[0], cml_event]))
    n_censor = np.diff(np.concatenate([[0], cml_censor]))
    before = np.concatenate([[0], (cml_event + cml_censor)[:-1]])
    n_risk = roundmid(total, min_count) - before
    keep = (n_event > 0) | (n_censor > 0)
    table = pd.DataFrame(
        {
            "time": curve["time"].to_numpy()[keep],
            "n_risk": n_risk[keep],
            "n_event": n_event[keep],
            "n_censor": n_censor[keep],
        }
    )
    # Stop before fewer than min_count are at risk (and before rounding overshoots).
    enough = table["n_risk"].to_numpy() >= max(min_count, 1)
    enough &= table["n_event"].to_numpy() < table["n_risk"].to_numpy()
    cut = int(np.argmin(enough)) if not enough.all() else len(table)
    table = table.iloc[:cut].reset_index(drop=True)
    n, d = table["n_risk"].to_numpy(float), table["n_event"].to_numpy(float)
    survival = np.cumprod(1 - d / n)
    greenwood = np.cumsum(d / (n * (n - d)))
    z = norm.ppf(0.5 + conf_level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        cll = np.log(-np.log(survival))
        cll_se = np.where(survival == 1, 0.0, np.sqrt(greenwood / np.log(survival) ** 2))
        lower = np.where(survival == 1, 1.0, np.exp(-np.exp(cll + z * cll_se)))
        upper = np.where(survival == 1, 1.0, np.exp(-np.exp(cll - z * cll_se)))
    table["survival"] = survival
    table["std_err"] = np.sqrt(greenwood)
    table["lower"], table["upper"] = lower, upper
    return table


def round_km(km, min_count: int = 11, groups: Iterable | None = None):
    """A Kaplan–Meier result recomputed from rounded counts (see the module docstring).

    ``km``: an :func:`analysis.survival.kaplan_meier` result (unweighted, no delayed entry);
    ``groups``: the groups to keep (default all with at least ``min_count`` records). The
    result has the same interface (``table``, ``at``, ``median``, ``plot``); its group sizes
    (``records``) are midpoint-rounded too.
    """
    if min_count < 1:
        raise AnalysisError("min_count must be at least 1")
    if km.weights is not None or km.start is not None:
        raise AnalysisError("round_km needs an unweighted curve without delayed entry")
    chosen = list(km.groups) if groups is None else [g for g in km.groups if g in set(groups)]
    chosen = [g for g in chosen if km.records.get(g, 0) >= min_count]
    curves = {g: _rounded_curve(km._curves[g], min_count, km.conf_level) for g in chosen}
    curves = {g: c for g, c in curves.items() if len(c)}
    parts = []
    for group, curve in curves.items():
        part = curve.copy()
        if km.by is not None:
            part.insert(0, km.by, group)
        parts.append(part)
    table = pd.concat(parts, ignore_index=True) if parts else km.table.iloc[0:0]
    return dataclasses.replace(
        km,
        table=table,
        groups=list(curves),
        _curves=curves,
        records={g: int(roundmid(km.records[g], min_count)) for g in curves},
    )
