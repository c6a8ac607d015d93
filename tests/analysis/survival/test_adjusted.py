"""Adjusted (direct-standardised) curves against R survfit.coxph; landmark by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import survival
from tests.analysis.r.refs import agree, lung, ref


def test_adjusted_survival_matches_r_standardised_curves():
    frame = lung().dropna(subset=["ph.ecog"])
    fit = survival.cox(frame, "time", "event", ["age", "sex", "ph.ecog"])
    curves = survival.adjusted_survival(fit, frame, by="sex", times=[90, 180, 365, 500])
    expected = ref("adjusted_lung_sex")
    for sex in (1, 2):
        ours = curves[curves["sex"] == sex]["survival"]
        agree("adjusted survival", "lung", ours, expected[f"sex{sex}"]["survival"], rtol=1e-6)


def test_landmark_restarts_the_clock_and_drops_early_exits():
    df = pd.DataFrame({"d": [10, 90, 91, 200, 400], "e": [1, 0, 1, 1, 0]})
    out = survival.landmark(df, "d", "e", landmark_day=90, horizon=180)
    assert list(out["d"]) == [1, 110, 180]
    assert list(out["e"]) == [1, 1, 0]  # the 400-day row is censored at the horizon
    assert (out["landmark"] == 90).all()


def test_landmark_km_equals_conditional_km():
    # KM after the landmark equals S(t)/S(landmark) from the full-data curve
    frame = lung()
    full = survival.kaplan_meier(frame, "time", "event")
    later = survival.kaplan_meier(survival.landmark(frame, "time", "event", 180), "time", "event")
    s180 = full.at([180])["survival"].iloc[0]
    s365 = full.at([365])["survival"].iloc[0]
    assert later.at([185])["survival"].iloc[0] == pytest.approx(s365 / s180, rel=1e-12)
    assert np.isfinite(s180)


def test_adjusted_survival_needs_by_in_the_model():
    from analysis.errors import AnalysisError

    frame = lung().dropna(subset=["ph.ecog"])
    fit = survival.cox(frame, "time", "event", ["age", "ph.ecog"])
    with pytest.raises(AnalysisError, match="field 'sex'.*not a covariate"):
        survival.adjusted_survival(fit, frame, by="sex")


def test_adjusted_survival_by_categorical_codes_each_level_like_training():
    # Setting everyone to one level must still code that level's dummy (not the reference).
    # Cross-check against the same model written with hand-made 0/1 dummy columns.
    frame = lung().dropna(subset=["ph.ecog"]).copy()
    frame["ecog"] = frame["ph.ecog"].map({0: "e0", 1: "e1", 2: "e2", 3: "e2"})
    fit = survival.cox(frame, "time", "event", ["age", "ecog"])
    curves = survival.adjusted_survival(fit, frame, by="ecog", times=[180, 365])
    frame["d1"] = (frame["ecog"] == "e1").astype(float)
    frame["d2"] = (frame["ecog"] == "e2").astype(float)
    manual = survival.cox(frame, "time", "event", ["age", "d1", "d2"])
    for level, (d1, d2) in {"e0": (0, 0), "e1": (1, 0), "e2": (0, 1)}.items():
        setting = frame.assign(d1=float(d1), d2=float(d2))
        expected = manual.predict_survival(setting, [180, 365]).mean().to_numpy()
        ours = curves[curves["ecog"] == level]["survival"].to_numpy()
        np.testing.assert_allclose(ours, expected, rtol=1e-10)
    assert curves.groupby("ecog")["survival"].first().nunique() == 3
