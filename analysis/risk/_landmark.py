"""Dynamic prediction by landmarking (van Houwelingen 2007): at each landmark day after
delivery, the deliveries still followed then, time zero moved to the landmark
(:func:`analysis.cohort.landmark`: dated services become "started by the landmark"), and what
is known then added as predictors — ``on_moud_at_landmark`` (the episode covering delivery
still supplied at the landmark, ``days_on_moud`` beyond it) for outcomes other than
discontinuation itself. One model per landmark, predicting the risk by ``horizon`` days after
the landmark. Tested in tests/analysis/risk/test_landmark.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.cohort import landmark
from analysis.risk._model import fit_risk_model, performance


def landmark_data(cohort: pd.DataFrame, day: int, duration: str, event: str) -> pd.DataFrame:
    """Deliveries still followed ``day`` days after delivery, with time zero moved there and
    ``on_moud_at_landmark`` added."""
    out = landmark(cohort, day, duration=duration, event=event)
    if "days_on_moud" in out.columns and duration != "days_on_moud":
        out["on_moud_at_landmark"] = pd.to_numeric(out["days_on_moud"]) > day
    return out


def landmark_performance(
    cohort: pd.DataFrame,
    duration: str,
    event: str,
    predictors: Sequence[str],
    horizon: float,
    landmarks: Sequence[int] = (0, 30, 90),
) -> pd.DataFrame:
    """Apparent performance of the model refitted at each landmark (0 = at delivery)."""
    rows = []
    for day in landmarks:
        data = landmark_data(cohort, day, duration, event) if day else cohort.copy()
        used = list(predictors)
        if day and "on_moud_at_landmark" in data.columns:
            used.append("on_moud_at_landmark")
        data[event] = data[event].astype(int)
        model = fit_risk_model(data, duration, event, used, [horizon])
        rows.append(
            {"landmark": day, "predictors": ", ".join(used)} | performance(model, data, horizon)
        )
    return pd.DataFrame(rows)
