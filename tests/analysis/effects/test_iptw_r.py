"""IPTW against R on the same data: glm propensity, stabilised weights, weighted coxph with
robust SE clustered on person, weighted survfit and rmean, SMDs (tests/analysis/r/effects_iptw.R,
output effects_iptw.json; R 4.2.2, survival 3.5.3)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.effects import iptw_survival, propensity_weights

HERE = Path(__file__).resolve().parents[1] / "r"
R = json.loads((HERE / "effects_iptw.json").read_text())
COVARIATES = ["age", "insurance", "pmad"]


@pytest.fixture(scope="module")
def data():
    return pd.read_csv(HERE / "effects_iptw_data.csv")


@pytest.fixture(scope="module")
def result(data):
    return iptw_survival(data, "days", "event", "moud_group", "methadone", COVARIATES, tau=300)


def test_stabilised_weights_equal_r(data):
    w = propensity_weights(data, "moud_group", "methadone", COVARIATES)
    np.testing.assert_allclose(w.to_numpy()[:10], R["weights_head"], rtol=1e-7)
    assert w.sum() == pytest.approx(R["weights_sum"], rel=1e-8)


def test_weighted_cox_with_robust_se_equals_r(result):
    row = result.hazard_ratio
    assert np.log(row["hr"]) == pytest.approx(R["cox_coef"], rel=1e-6)
    assert row["robust_se"] == pytest.approx(R["cox_robust_se"], rel=1e-5)


def test_weighted_kaplan_meier_and_rmst_equal_r(result):
    at = result.km.at([30, 90, 180])
    # R strata a=0 (buprenorphine, "other") then a=1 (methadone)
    ours = np.concatenate(
        [at[at["_arm"] == g]["survival"].to_numpy() for g in ("other", "methadone")]
    )
    se = np.concatenate([at[at["_arm"] == g]["std_err"].to_numpy() for g in ("other", "methadone")])
    np.testing.assert_allclose(ours, R["km_surv"], rtol=1e-7)
    np.testing.assert_allclose(se, R["km_se"], rtol=1e-5)
    rmst = result.rmst.loc[["other", "methadone"]]
    np.testing.assert_allclose(rmst["rmst"], R["rmean"], rtol=1e-7)
    np.testing.assert_allclose(rmst["se"], R["rmean_se"], rtol=1e-5)


def test_standardised_mean_differences_equal_r(result):
    for name, values in R["smd"].items():
        assert result.balance.loc[name, "smd_unweighted"] == pytest.approx(values["unweighted"])
        assert result.balance.loc[name, "smd_weighted"] == pytest.approx(values["weighted"])
    assert result.balance["balanced"].all()
