"""Proportional-hazards test against R survival 3.5.3 ``cox.zph`` (score-test version)."""

from __future__ import annotations

import numpy as np
import pytest
from lifelines import CoxPHFitter
from lifelines.statistics import proportional_hazard_test

from analysis import survival
from tests.analysis.r.refs import agree, dataset, lung, pbc, ref, veteran

HEART = ["age", "year", "surgery", "transplant"]


def _lung(ties="efron"):
    frame = lung().dropna(subset=["ph.ecog"])
    return survival.cox(frame, "time", "event", ["age", "sex", "ph.ecog"], ties=ties)


CASES = [
    ("cox_lung_efron", lambda: _lung()),
    ("cox_lung_breslow", lambda: _lung("breslow")),
    (
        "cox_veteran_strata",
        lambda: survival.cox(
            veteran(), "time", "status", ["trt", "karno", "age"], strata="celltype"
        ),
    ),
    ("cox_pbc_stage", lambda: survival.cox(pbc(), "time", "death", ["age", "C(stage)"])),
    (
        "cox_heart_efron",
        lambda: survival.cox(dataset("heart"), "stop", "event", HEART, start="start"),
    ),
]


@pytest.mark.parametrize("name, make", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("transform, key", [("km", "zph"), ("identity", "zph_identity")])
def test_ph_test_matches_cox_zph(name, make, transform, key):
    table = make().ph_test(transform=transform)
    expected = ref(name)[key]
    assert list(table.index) == [t.replace("factor(stage)", "C(stage)") for t in expected["terms"]]
    agree(f"cox.zph chisq ({transform})", name, table["chisq"], expected["chisq"], rtol=1e-6)
    if key == "zph":
        agree("cox.zph p", name, table["p"], expected["p"], rtol=1e-6)
        assert list(table["df"]) == expected["df"]  # C(stage) is one term with 3 df


def test_lifelines_test_differs_from_r_which_is_why_we_have_our_own():
    frame = lung().dropna(subset=["ph.ecog"])[["time", "event", "age", "sex", "ph.ecog"]]
    cph = CoxPHFitter().fit(frame, "time", "event")
    theirs = proportional_hazard_test(cph, frame, time_transform="km").summary["test_statistic"]
    r_values = np.array(ref("cox_lung_efron")["zph"]["chisq"][:3])
    assert np.max(np.abs(theirs.to_numpy() / r_values - 1)) > 1e-3


@pytest.mark.parametrize("name, make", CASES, ids=[c[0] for c in CASES])
def test_scaled_schoenfeld_residuals_match_cox_zph_y(name, make):
    from analysis.survival._zph import scaled_schoenfeld

    frame = scaled_schoenfeld(make())
    expected = ref(name)
    if "zph_strata" in expected:  # R orders strata by factor level, we alphabetically
        rank = {s: i for i, s in enumerate(dict.fromkeys(expected["zph_strata"]))}
        frame = frame.iloc[np.argsort(frame["stratum"].map(rank).to_numpy(), kind="stable")]
        assert list(frame["stratum"]) == expected["zph_strata"]
    agree("cox.zph event times", name, frame["time"], expected["zph_time"], rtol=0)
    agree("cox.zph transformed time", name, frame["x"], expected["zph_x"], rtol=1e-10)
    terms = [c for c in frame.columns if c not in ("stratum", "time", "x")]
    for ours, theirs in zip(terms, expected["zph_y"], strict=True):
        agree(
            "scaled Schoenfeld residuals",
            name,
            frame[ours],
            expected["zph_y"][theirs],
            rtol=1e-6,
            atol=1e-8,
        )


def test_ph_plot_draws_residuals_and_smooth():
    import matplotlib

    matplotlib.use("Agg")
    ax = _lung().ph_plot("age")
    assert len(ax.collections) == 1 and len(ax.get_lines()) == 2  # smooth + coefficient
    assert ax.get_ylabel() == "Beta(t) for age"
