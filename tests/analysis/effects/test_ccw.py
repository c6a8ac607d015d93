"""Clone–censor–weight: known truth in a simulation with immortal-time bias, the cloning rules
by hand, and the bootstrap's product-limit against analysis.survival.kaplan_meier."""

import numpy as np
import pandas as pd
import pytest

from analysis import survival
from analysis.effects import clone_censor_weight
from analysis.effects._ccw import _clone, weighted_product_limit
from tests.analysis.effects.simulation import simulate, true_risk


@pytest.fixture(scope="module", params=[1.0, 0.5], ids=["null", "halved-hazard"])
def scenario(request):
    effect = request.param
    data = simulate(2500, effect, seed=11)
    result = clone_censor_weight(
        data,
        "time",
        "event",
        "service_day",
        ["L", "age"],
        grace_days=30,
        horizons=(182, 365),
        tau=365,
        n_bootstrap=120,
        seed=1,
        conf_level=0.99,
    )
    return effect, data, result


def test_the_emulated_trial_recovers_the_true_risk_difference(scenario):
    # 99% percentile intervals: one simulated cohort per scenario, so a 95% interval would
    # miss the truth in 1 run of 20 by design (the replicate-cohort test checks the bias)
    effect, _, result = scenario
    for day in (182, 365):
        row = result.estimates.query("measure == 'risk' and day == @day").iloc[0]
        truth = true_risk(effect, day, True) - true_risk(effect, day, False)
        assert row["lower"] <= truth <= row["upper"], (day, truth, row.to_dict())
        assert abs(row["difference"] - truth) < 0.04


@pytest.mark.parametrize("effect", [1.0, 0.5])
def test_the_estimator_is_unbiased_over_replicate_cohorts(effect):
    # 12 cohorts of 2,500: across seeds the SD of the 182-day difference is about 0.02, so the
    # mean has an SE near 0.006; the naive analysis is off by more than 0.15
    from analysis.effects._ccw import _estimate

    differences = []
    for seed in range(200, 212):
        data = simulate(2500, effect, seed=seed)
        out, _ = _estimate(
            data["time"].to_numpy(),
            data["event"].to_numpy(),
            data["service_day"].to_numpy(),
            data[["L", "age"]].to_numpy(float),
            30,
            [182],
            None,
        )
        differences.append(out[("risk", 182, "service")] - out[("risk", 182, "no_service")])
    truth = true_risk(effect, 182, True) - true_risk(effect, 182, False)
    assert np.mean(differences) == pytest.approx(truth, abs=0.015)


def test_the_naive_ever_treated_analysis_is_biased_towards_benefit(scenario):
    effect, data, result = scenario
    naive = survival.cox(data, "time", "event", ["ever_service", "L", "age"]).summary
    # true hazard ratio of the service once started: `effect`; immortal time halves it or more
    assert naive["upper"].iloc[0] < 0.5 * effect, naive
    km = survival.kaplan_meier(data, "time", "event", by="ever_service").at([182])
    risk = dict(zip(km["ever_service"].astype(str), 1 - km["survival"], strict=True))
    naive_difference = risk["True"] - risk["False"]
    row = result.estimates.query("measure == 'risk' and day == 182").iloc[0]
    truth = true_risk(effect, 182, True) - true_risk(effect, 182, False)
    assert naive_difference < row["lower"]
    assert naive_difference < truth - 0.15


def test_counts_and_curves(scenario):
    _, data, result = scenario
    assert result.counts["eligible"] == len(data)
    assert result.counts["bootstrap_replicates"] == 120
    assert set(result.curves["arm"]) == {"service", "no_service"}
    rmst = result.estimates.query("measure == 'rmst'").iloc[0]
    assert rmst["lower"] <= rmst["difference"] <= rmst["upper"]


def test_cloning_rules_by_hand():
    # three women, grace 2 days; P_k given (no start on days 0..k)
    time = np.array([5.0, 1.0, 4.0])
    event = np.array([1, 1, 0])
    start = np.array([1.0, np.nan, np.nan])  # woman 0 starts on day 1
    probability = np.array([[0.8, 0.5, 0.4]] * 3)
    rows = _clone(time, event, start, probability, 2)
    service = rows[rows["arm"] == "service"]
    none = rows[rows["arm"] == "no_service"]
    # no-service arm: woman 0 censored at day 1 (weight 1/P_0 = 1.25 on (0, 1]);
    # woman 1's event on day 1 with weight 1.25; woman 2 to day 4: (0,1] 1.25, (1,2] 2, (2,4] 2.5
    assert none[none["row"] == 0][["start", "stop", "event", "w"]].values.tolist() == [
        [0.0, 1.0, 0, 1.25]
    ]
    assert none[none["row"] == 2][["stop", "w"]].values.tolist() == [
        [1.0, 1.25],
        [2.0, 2.0],
        [4.0, 2.5],
    ]
    # service arm: woman 0 followed to her event, weight 1/(1 - P_2) = 1/0.6 after the grace;
    # woman 2 (never started) censored at day 2; woman 1's event on day 1 counts here too
    assert service[service["row"] == 0][["stop", "event", "w"]].values.tolist() == [
        [1.0, 0, 1.0],
        [2.0, 0, 1.0],
        [5.0, 1, pytest.approx(1 / 0.6)],
    ]
    assert service[service["row"] == 2][["stop", "event"]].values.tolist() == [[1.0, 0], [2.0, 0]]
    assert service[service["row"] == 1][["stop", "event"]].values.tolist() == [[1.0, 1]]


def test_bootstrap_product_limit_equals_kaplan_meier():
    data = simulate(400, 0.7, seed=2)
    x = data[["L", "age"]].to_numpy(float)
    from analysis.effects._ccw import uncensored_probability

    p = uncensored_probability(data["time"].to_numpy(), data["service_day"].to_numpy(), x, 30)
    rows = _clone(
        data["time"].to_numpy(), data["event"].to_numpy(), data["service_day"].to_numpy(), p, 30
    )
    part = rows[rows["arm"] == "no_service"]
    times, surv = weighted_product_limit(
        part["start"].to_numpy(),
        part["stop"].to_numpy(),
        part["event"].to_numpy(),
        part["w"].to_numpy(),
    )
    km = survival.kaplan_meier(part, "stop", "event", start="start", weights="w")
    reference = km.survival_function()
    reference = reference[reference["n_event"] > 0]
    np.testing.assert_allclose(times, reference["time"].to_numpy())
    np.testing.assert_allclose(surv, reference["survival"].to_numpy(), rtol=1e-12)


def test_prevalent_users_are_not_eligible():
    data = simulate(300, 1.0, seed=4)
    data.loc[data.index[:5], "service_day"] = -3.0
    result = clone_censor_weight(data, "time", "event", "service_day", ["L"], n_bootstrap=0)
    assert result.counts["started_before_delivery"] == 5
    assert result.counts["eligible"] == 295
    assert np.isnan(result.estimates["lower"]).all()
    pd.testing.assert_series_equal(
        result.estimates["difference"],
        result.estimates["service"] - result.estimates["no_service"],
        check_names=False,
    )
