"""Retention on the MOUD episode that covers delivery: one time scale for discontinuation.

Rule 4 of docs/cohort.md. The covering episode's supply ends on day ``s`` (the first uncovered
day); it is a discontinuation only once the permissible gap after it, ``[s, s + gap_days)``,
lies inside follow-up. Two ways to date the event, each with censoring on the same scale:

* ``"supply_end"`` (default): a discontinuation is dated ``s``; when the gap is not observable
  the delivery is censored at ``min(s, followup)`` — days after ``s`` were uncovered and are
  not counted as retained (whether a refill would have come is unknown).
* ``"gap_end"``: a discontinuation is dated ``s + gap_days`` (the day the gap runs out, AdhereR's
  ``maximum.permissible.gap.append.to.episode``); otherwise censored at the end of follow-up.

Death competes with discontinuation: ``discontinued_status`` is 0 censored, 1 discontinued,
2 death first — a death that ends follow-up before the discontinuation could be dated (on the
supply-end scale: on or before ``s``; on the gap-end scale: before ``s + gap_days``). A death in
the gap on the supply-end scale is censored at ``s`` (it is not known whether she would have
refilled). Tested in tests/analysis/cohort/test_followup.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis._validation import require_columns
from analysis.errors import AnalysisError

DISCONTINUATION_TIMES = ("supply_end", "gap_end")


def retention(
    supply_end: np.ndarray,
    followup: np.ndarray,
    ended_by_death: np.ndarray,
    *,
    gap_days: int,
    discontinuation_time: str = "supply_end",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(days_on_moud, discontinued, discontinued_status)`` per delivery.

    ``supply_end``: days from delivery to the covering episode's supply end (NaN when not on
    MOUD at delivery); ``followup``: claims follow-up days; ``ended_by_death``: follow-up ended
    with death. Deliveries not on MOUD get 0 days, not discontinued, status 0.
    """
    if discontinuation_time not in DISCONTINUATION_TIMES:
        raise AnalysisError(
            f"discontinuation_time must be one of {', '.join(DISCONTINUATION_TIMES)}, got "
            f"{discontinuation_time!r}",
            field="discontinuation_time",
        )
    on = ~np.isnan(supply_end)
    s = np.nan_to_num(supply_end, nan=0.0)
    follow = followup.astype(float)
    discontinued = on & (s + gap_days <= follow)
    if discontinuation_time == "supply_end":
        censored_at = np.minimum(s, follow)
        days = np.where(discontinued, s, censored_at)
        competing = on & ~discontinued & ended_by_death & (follow <= s)
    else:
        days = np.where(discontinued, s + gap_days, follow)
        competing = on & ~discontinued & ended_by_death
    days = np.where(on, days, 0).astype(np.int64)
    status = np.where(discontinued, 1, np.where(competing, 2, 0)).astype(np.int64)
    return days, discontinued, status


def coverage_loss_bound(cohort: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``cohort`` in which every delivery on MOUD whose retention was censored by
    loss of coverage (``followup_end == "coverage"``) counts as discontinued at its
    ``days_on_moud``: the pessimistic bound on retention when coverage loss is informative
    (docs/cohort.md, "Limitations and sensitivity analyses"). Tested in
    tests/analysis/cohort/test_followup.py.
    """
    require_columns(
        cohort, ["moud_at_delivery", "discontinued", "discontinued_status", "followup_end"]
    )
    out = cohort.copy()
    lost = (
        (out["moud_at_delivery"] != "none")
        & (out["discontinued_status"] == 0)
        & (out["followup_end"] == "coverage")
    )
    out.loc[lost, "discontinued"] = True
    out.loc[lost, "discontinued_status"] = 1
    out.attrs = {**cohort.attrs, "coverage_loss_bound": int(lost.sum())}
    return out
