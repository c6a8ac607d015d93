"""Cox regression against R survival 3.5.3 ``coxph`` (references from tests/analysis/r)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import survival
from analysis.errors import AnalysisError, ModelWarning
from tests.analysis.r.refs import agree, dataset, lung, pbc, ref, veteran

HEART = ["age", "year", "surgery", "transplant"]


def _check(name, result, rtol=1e-6, concordance_rtol=1e-9):
    expected = ref(name)
    agree("Cox coef", name, result.summary["coef"], expected["coef"], rtol=rtol)
    agree("Cox se", name, result.summary["se"], expected["se"], rtol=rtol)
    agree(
        "Cox loglik",
        name,
        [result.loglik_null, result.loglik],
        [expected["loglik_null"], expected["loglik"]],
        rtol=1e-9,
    )
    if "robust_se" in expected:
        agree("Cox robust se", name, result.summary["robust_se"], expected["robust_se"], rtol=rtol)
    if concordance_rtol is not None:
        agree(
            "Cox concordance",
            name,
            result.concordance,
            expected["concordance"],
            rtol=concordance_rtol,
        )
    assert result.n == expected["n"] and result.n_events == expected["n_event"]


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_cox_lung_matches_coxph(ties):
    frame = lung().dropna(subset=["ph.ecog"])
    result = survival.cox(frame, "time", "event", ["age", "sex", "ph.ecog"], ties=ties)
    _check(f"cox_lung_{ties}", result)
    row = result.summary.loc["sex"]
    assert row["hr"] == pytest.approx(np.exp(row["coef"]))
    assert row["p"] == pytest.approx(2 * (1 - __import__("scipy").stats.norm.cdf(abs(row["z"]))))


def test_cox_with_strata_matches_coxph():
    result = survival.cox(veteran(), "time", "status", ["trt", "karno", "age"], strata="celltype")
    _check("cox_veteran_strata", result)


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_cluster_robust_se_matches_coxph_cluster(ties):
    frame = lung().dropna(subset=["inst"])
    result = survival.cox(frame, "time", "event", ["age", "sex"], cluster="inst", ties=ties)
    _check("cox_lung_cluster" + ("" if ties == "efron" else "_breslow"), result)
    # z and the CI use the robust SE, as R's summary(coxph(..., cluster=)) does
    row = result.summary.loc["age"]
    assert row["z"] == pytest.approx(row["coef"] / row["robust_se"])


def test_categorical_covariate_reference_level_is_first_level():
    result = survival.cox(pbc(), "time", "death", ["age", "C(stage)"])
    _check("cox_pbc_stage", result)
    assert list(result.summary.index) == [
        "age",
        "C(stage)[T.2.0]",
        "C(stage)[T.3.0]",
        "C(stage)[T.4.0]",
    ]


def test_object_columns_are_dummy_coded_automatically():
    frame = pbc()
    frame["stage_label"] = frame["stage"].map({1: "s1", 2: "s2", 3: "s3", 4: "s4"})
    a = survival.cox(frame, "time", "death", ["age", "stage_label"])
    b = survival.cox(frame, "time", "death", ["age", "C(stage)"])
    np.testing.assert_allclose(a.summary["coef"], b.summary["coef"], rtol=1e-12)
    assert "stage_label[T.s2]" in a.summary.index


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_counting_process_time_varying_matches_coxph(ties):
    # Stanford heart transplant: transplant switches on at the transplant date; concordance
    # over time-dependent risk sets, as R computes it.
    result = survival.cox(dataset("heart"), "stop", "event", HEART, start="start", ties=ties)
    _check(f"cox_heart_{ties}", result)


def test_counting_process_cluster_matches_coxph():
    result = survival.cox(dataset("heart"), "stop", "event", HEART, start="start", cluster="id")
    _check("cox_heart_cluster", result)


def test_baseline_hazard_and_prediction_reproduce_breslow_estimator():
    # With no covariates, exp(-Breslow/Efron hazard) is the Fleming-Harrington curve, which
    # for untied data equals prod(1 - d/n) only approximately; here check the Breslow
    # increments by hand: dH = d / sum(exp(eta)) at beta = 0.
    df = pd.DataFrame({"t": [1, 2, 3, 4, 5], "e": [1, 1, 0, 1, 1], "x": [0, 1, 0, 1, 0]})
    fit = survival.cox(df, "t", "e", ["x"], ties="breslow")
    base = fit.baseline_hazard()
    beta = fit.summary.loc["x", "coef"]
    xc = df["x"] - df["x"].mean()
    r = np.exp(beta * xc)
    expected = np.cumsum([1 / r[0:].sum(), 1 / r[1:].sum(), 1 / r[3:].sum(), 1 / r[4:].sum()])
    np.testing.assert_allclose(base["hazard"], expected, rtol=1e-12)
    surv = fit.predict_survival(df.iloc[[0]], [2.5])
    assert surv.iloc[0, 0] == pytest.approx(np.exp(-expected[1] * r[0]))


def test_errors_are_readable():
    frame = lung()
    with pytest.raises(AnalysisError, match="field 'nope'"):
        survival.cox(frame, "time", "event", ["nope"])
    frame = pd.DataFrame({"a": [0, 1, 2], "b": [2, 1, 3], "e": [1, 0, 1], "x": [1, 2, 3]})
    with pytest.raises(AnalysisError, match="row 2, field 'a'.*start must be before"):
        survival.cox(frame.assign(a=[0, 1, 0]), "b", "e", ["x"], start="a")
    with pytest.raises(AnalysisError, match="ties"):
        survival.cox(frame, "b", "e", ["x"], ties="exact")


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_case_weights_match_coxph_weights(ties):
    frame = lung().dropna(subset=["inst"])
    frame["w"] = 1 + frame["inst"] % 3
    result = survival.cox(frame, "time", "event", ["age", "sex"], weights="w", ties=ties)
    _check(f"cox_lung_weights_{ties}", result)  # concordance pairs weighted wi * wj as R


def test_case_weights_with_cluster_match_coxph():
    frame = lung().dropna(subset=["inst"])
    frame["w"] = 1 + frame["inst"] % 3
    result = survival.cox(frame, "time", "event", ["age", "sex"], weights="w", cluster="inst")
    _check("cox_lung_weights_cluster", result)


def test_monotone_likelihood_warns_and_constant_covariate_is_dropped():
    separated = pd.DataFrame(
        {"t": [1, 2, 3, 4, 5, 6], "e": [1, 1, 1, 0, 0, 0], "x": [1, 1, 1, 0, 0, 0]}
    )
    with pytest.warns(ModelWarning, match="variable x; coefficient may be infinite"):
        fit = survival.cox(separated, "t", "e", ["x"])
    row = fit.summary.loc["x"]
    assert row["coef"] > 10 and row[["se", "lower", "upper", "z", "p"]].isna().all()
    constant = separated.assign(x=1.0, y=[0.5, 1, 2, 1, 3, 2])
    with pytest.warns(ModelWarning, match="covariate x dropped"):
        fit = survival.cox(constant, "t", "e", ["x", "y"])
    assert fit.summary.loc["x"].isna().all() and np.isfinite(fit.summary.loc["y", "coef"])
    with pytest.raises(AnalysisError, match="no events"):
        survival.cox(separated.assign(e=0), "t", "e", ["x"])


def test_column_names_with_dots_work_as_categorical_and_numeric():
    frame = pbc()
    frame["stage.label"] = frame["stage"].map({1: "s1", 2: "s2", 3: "s3", 4: "s4"})
    frame["age.years"] = frame["age"]
    a = survival.cox(frame, "time", "death", ["age.years", "stage.label"])
    b = survival.cox(frame, "time", "death", ["age", "C(stage)"])
    np.testing.assert_allclose(a.summary["coef"], b.summary["coef"], rtol=1e-12)
    assert list(a.summary.index) == [
        "age.years",
        "stage.label[T.s2]",
        "stage.label[T.s3]",
        "stage.label[T.s4]",
    ]
    assert list(a.ph_test()["df"]) == [1, 3, 4]  # the three dummies form one term


def test_null_model_gives_the_null_log_likelihood():
    frame = lung().dropna(subset=["ph.ecog"])
    null = survival.cox(frame, "time", "event", [], robust=True)
    assert null.summary.empty
    assert null.loglik == pytest.approx(ref("cox_lung_efron")["loglik_null"], rel=1e-12)
