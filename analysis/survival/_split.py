"""Split follow-up at chosen times, for time-varying effects (R ``survSplit``).

A row (start, stop] with an event at stop becomes one row per interval between the cuts it
crosses: (start, c₁], (c₁, c₂], …, (c_k, stop], only the last keeping the event; the other
columns are copied. With the result, a covariate's effect can change over time: either per
interval (``x * (episode == 2)``) or continuously — split at every event time
(``cuts="events"``) and add ``x · g(stop)``, which gives exactly R's
``coxph(... + tt(x), tt = function(x, t, ...) x * g(t))`` because each event time's risk set
then holds, for every person at risk, the row that ends at that time.
Checked against R ``survSplit`` and ``tt()`` in tests/analysis/survival/test_split.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import _validation
from analysis.errors import AnalysisError


def split_at(
    df: pd.DataFrame,
    duration: str,
    event: str,
    cuts: Sequence[float] | str,
    start: str | None = None,
    start_name: str = "tstart",
    episode: str = "episode",
) -> pd.DataFrame:
    """Counting-process rows of ``df`` split at ``cuts`` (R ``survSplit``).

    Returns the columns of ``df`` with ``start_name`` (or ``start`` when given) as the entry
    time, ``duration`` as the interval end, ``event`` set on the last piece only, and
    ``episode`` = 1 + the number of cuts at or before the piece's start (R's numbering). Rows
    come out in the order of ``df``, each person's pieces in time order. ``cuts="events"``
    splits at every distinct event time (for ``tt``-style effects). Use the result with
    ``cox(..., start=start_name)``.

    >>> pieces = split_at(cohort, "days_on_moud", "discontinued", cuts=[90, 180])
    >>> pieces["pmad_late"] = pieces["pmad"] * (pieces["episode"] > 1)
    """
    data = _validation.complete_rows(df, [duration, event, start])
    stop = _validation.durations(data, duration)
    status = _validation.events(data, event)
    entry = _validation.entry_times(data, start, stop, duration) if start else np.zeros(len(data))
    if isinstance(cuts, str):
        if cuts != "events":
            raise AnalysisError(f"cuts must be a list of times or 'events', got {cuts!r}")
        cuts = np.unique(stop[status == 1])
    cuts = np.unique(np.asarray(list(cuts), dtype=float))
    if not np.all(np.isfinite(cuts)):
        raise AnalysisError("cuts must be finite times")
    # pieces per row: the cuts strictly inside (entry, stop)
    first = np.searchsorted(cuts, entry, side="right")
    last = np.searchsorted(cuts, stop, side="left")
    inside = np.maximum(last - first, 0)
    counts = inside + 1
    rows = np.repeat(np.arange(len(data)), counts)
    k = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    lo_index = first[rows] + k - 1
    piece_start = np.where(k == 0, entry[rows], cuts[np.clip(lo_index, 0, max(len(cuts) - 1, 0))])
    is_last = k == counts[rows] - 1
    piece_stop = np.where(
        is_last, stop[rows], cuts[np.clip(first[rows] + k, 0, max(len(cuts) - 1, 0))]
    )
    out = data.iloc[rows].reset_index(drop=True)
    name = start or start_name
    out[name] = piece_start
    out[duration] = piece_stop
    out[event] = np.where(is_last, status[rows], 0)
    out[episode] = np.searchsorted(cuts, piece_start, side="right") + 1
    columns = [c for c in out.columns if c not in (name, duration, event, episode)]
    return out[[*columns, name, duration, event, episode]]
