"""The prognostic model on simulated cohorts with a known relationship: the bootstrap
optimism-corrected C is closer to the C on a large independent sample than the apparent C;
a group whose risk the model misses is flagged; leave-one-site-out validation."""

import numpy as np
import pandas as pd
import pytest

from analysis.risk import by_group, fit_risk_model, internal_external, optimism_corrected


def simulate(n, seed, group_hr=1.0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "age": rng.normal(28, 5, n).round(),
            "pmad": rng.random(n) < 0.3,
            "noise1": rng.normal(size=n),
            "noise2": rng.normal(size=n),
            "noise3": rng.normal(size=n),
            "noise4": rng.normal(size=n),
            "group": rng.choice(["a", "b"], n, p=[0.8, 0.2]),
            "site": rng.choice(["north", "south", "central"], n),
        }
    )
    lp = 0.7 * df["pmad"] - 0.04 * (df["age"] - 28) + np.log(group_hr) * (df["group"] == "b")
    t = rng.exponential(400 * np.exp(-lp))
    df["days"] = np.minimum(np.ceil(t), 365)
    df["event"] = (t <= 365).astype(int)
    return df


PREDICTORS = ["age", "pmad", "noise1", "noise2", "noise3", "noise4"]


def test_known_coefficients_are_recovered():
    model = fit_risk_model(simulate(4000, 1), "days", "event", ["age", "pmad"])
    hr = model.coefficients["hr"]
    assert np.log(hr["pmadTrue" if "pmadTrue" in hr.index else "pmad"]) == pytest.approx(
        0.7, abs=0.12
    )
    assert np.log(hr["age"]) == pytest.approx(-0.04, abs=0.01)


def test_optimism_correction_moves_towards_the_external_c():
    small = simulate(250, 2)
    table = optimism_corrected(small, "days", "event", PREDICTORS, 182, n_bootstrap=40)
    assert table.attrs["replicates"] == 40
    assert (table.loc[["harrell_c", "slope"], "optimism"] > 0).all()
    model = fit_risk_model(small, "days", "event", PREDICTORS, [182])
    from analysis.risk import performance

    external = performance(model, simulate(5000, 3), 182)
    for measure in ("harrell_c", "slope"):
        apparent, corrected = table.loc[measure, ["apparent", "corrected"]]
        assert abs(corrected - external[measure]) < abs(apparent - external[measure])


def test_a_group_the_model_underpredicts_is_flagged():
    data = simulate(4000, 4, group_hr=2.0)
    model = fit_risk_model(data, "days", "event", ["age", "pmad"], [182])
    table = by_group(model, data, "group", 182, n_bootstrap=100).set_index("group")
    assert table.loc["b", "miscalibrated"] and table.loc["b", "oe_ratio"] > 1.3
    assert table.loc["b", "oe_lower"] <= table.loc["b", "oe_ratio"] <= table.loc["b", "oe_upper"]


def test_internal_external_validation_by_site():
    table = internal_external(simulate(3000, 5), "days", "event", ["age", "pmad"], 182)
    assert table["site"].tolist() == ["central", "north", "south"]
    assert table["harrell_c"].between(0.55, 0.7).all()
    assert table["oe_ratio"].between(0.85, 1.15).all()
