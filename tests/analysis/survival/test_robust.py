"""The Cox engine on data built to break it, against R survival 3.5.3 ``coxph``.

References: tests/analysis/r/make_references_extended.R (monotone likelihood in a binary and a
continuous covariate, one extreme covariate value, a linear predictor ~90 units wide with and
without delayed entry and strata, aliased and constant covariates, non-integer case weights)
and the global Wald, score and robust score tests.
"""

from __future__ import annotations

import numpy as np
import pytest

from analysis import survival
from analysis.errors import AnalysisError, ModelWarning
from tests.analysis.r.refs import agree, dataset, lung, ref


def _coefficients(name, result, rtol=1e-6, robust=False):
    expected = ref(name)
    kept = [i for i, c in enumerate(expected["coef"]) if c is not None]
    names = [list(result.summary.index)[i] for i in kept]  # R: groupbup, ours: group[T.bup]
    agree(
        "Cox coef (hard data)",
        name,
        result.summary.loc[names, "coef"],
        [expected["coef"][i] for i in kept],
        rtol=rtol,
    )
    agree(
        "Cox se (hard data)",
        name,
        result.summary.loc[names, "se"],
        [expected["se"][i] for i in kept],
        rtol=rtol,
    )
    agree(
        "Cox loglik (hard data)",
        name,
        [result.loglik_null, result.loglik],
        [expected["loglik_null"], expected["loglik"]],
        rtol=1e-9,
    )
    if robust:
        agree(
            "Cox robust se (weights)",
            name,
            result.summary.loc[names, "robust_se"],
            [expected["robust_se"][i] for i in kept],
            rtol=rtol,
        )


@pytest.mark.parametrize(
    "name, covariates",
    [
        ("cox_lung_extreme", ["age_extreme", "sex", "ph.ecog"]),  # one age of 1000
        ("cox_lung_ecog_extreme", ["age", "sex", "ecog_extreme"]),  # e^eta ~ 1e20, leaves first
    ],
)
def test_extreme_covariate_value_matches_coxph(name, covariates):
    # a naive running sum loses the other rows' share once the extreme row has left
    result = survival.cox(dataset("lung_robust"), "time", "event", covariates)
    _coefficients(name, result)


@pytest.mark.parametrize(
    "name, options",
    [
        ("cox_wide", {}),
        ("cox_wide_entry", {"start": "entry"}),
        ("cox_wide_entry_strata", {"start": "entry", "strata": "grp"}),
    ],
)
def test_wide_linear_predictor_matches_coxph(name, options):
    # exp(eta) spans ~1e-39..1e39: rows with huge risk enter and leave the risk sets
    result = survival.cox(dataset("wide_lp"), "time", "event", ["x", "z"], **options)
    _coefficients(name, result, rtol=1e-6)


def test_aliased_and_constant_covariates_are_dropped_with_na_rows_as_r():
    with pytest.warns(ModelWarning, match="covariate sex2, one dropped"):
        result = survival.cox(
            dataset("lung_robust"), "time", "event", ["age", "sex", "sex2", "one", "ph.ecog"]
        )
    assert result.summary.loc[["sex2", "one"]].isna().all().all()
    _coefficients("cox_lung_aliased", result)
    assert list(ref("cox_lung_aliased")["coef"][2:4]) == [None, None]  # R's NA rows
    assert result.likelihood_ratio["dof"] == 3
    assert list(result.ph_test().index) == ["age", "sex", "ph.ecog", "GLOBAL"]


def test_binary_separator_warns_like_r_and_prints_no_normal_row():
    expected = ref("cox_lung_early")
    assert "variable  3 ; coefficient may be infinite" in expected["warning"]
    with pytest.warns(ModelWarning, match="variable early; coefficient may be infinite"):
        result = survival.cox(dataset("lung_robust"), "time", "event", ["age", "sex", "early"])
    row = result.summary.loc["early"]
    assert row["coef"] > 15 and row[["se", "lower", "upper", "z", "p"]].isna().all()
    # the finite coefficients and the likelihood equal R's (R stops at early = 21.4)
    agree(
        "Cox coef beside an infinite one",
        "lung_robust early",
        result.summary.loc[["age", "sex"], "coef"],
        expected["coef"][:2],
        rtol=1e-6,
    )
    agree(
        "Cox se beside an infinite one",
        "lung_robust early",
        result.summary.loc[["age", "sex"], "se"],
        expected["se"][:2],
        rtol=1e-6,
    )
    agree(
        "Cox loglik, monotone likelihood",
        "lung_robust early",
        result.loglik,
        expected["loglik"],
        rtol=1e-9,
    )


def test_continuous_monotone_likelihood_is_reported_not_raised():
    # mono = -time/100: whoever fails has the largest value. R stops after 20 iterations
    # ("Ran out of iterations", loglik -45.7, its e^eta capped); we follow the coefficient until
    # the likelihood is flat and say so. The limit is the model in which each risk set holds
    # only the people whose time equals the event time: R's coxph(... + strata(time)).
    with pytest.warns(ModelWarning, match="variable mono; coefficient may be infinite"):
        result = survival.cox(dataset("lung_robust"), "time", "event", ["age", "sex", "mono"])
    assert result.summary.loc["mono", ["se", "z", "p"]].isna().all()
    assert result.summary.loc["mono", "coef"] > 100
    limit = ref("cox_lung_monotone_limit")
    agree(
        "Cox coef, continuous monotone likelihood (limit)",
        "lung_robust mono",
        result.summary.loc[["age", "sex"], "coef"],
        limit["coef"],
        rtol=1e-6,
    )
    agree(
        "Cox loglik, continuous monotone likelihood (limit)",
        "lung_robust mono",
        result.loglik,
        limit["loglik"],
        rtol=1e-9,
    )
    assert result.loglik > ref("cox_lung_monotone")["loglik"]  # further than R gets


@pytest.mark.parametrize(
    "name, options",
    [
        ("cox_ipw", {"weights": "w"}),
        ("cox_ipw_cluster", {"weights": "w", "cluster": "cl"}),
        ("cox_ipw_unweighted", {}),
    ],
)
def test_non_integer_weights_give_the_robust_variance_by_default_as_coxph(name, options):
    result = survival.cox(dataset("ipw"), "time", "event", ["x1", "group"], **options)
    expected = ref(name)
    robust = "robust_se" in expected
    assert ("robust_se" in result.summary.columns) == robust
    _coefficients(name, result, robust=robust)
    if robust:  # z, p and the CI use the sandwich, as R's summary
        row = result.summary.iloc[0]
        assert row["z"] == pytest.approx(row["coef"] / row["robust_se"])
    if robust and "cluster" not in options:
        # with inverse-probability-like weights the model-based SE is far too small
        assert (result.summary["robust_se"] > 1.5 * result.summary["se"]).all()


@pytest.mark.parametrize(
    "name, frame, options",
    [
        ("cox_ipw", "ipw", {"weights": "w"}),
        ("cox_ipw_cluster", "ipw", {"weights": "w", "cluster": "cl"}),
        ("cox_ipw_unweighted", "ipw", {}),
        ("cox_lung_cluster_tests", "lung", {"cluster": "inst"}),
    ],
)
def test_wald_score_and_robust_score_tests_match_coxph(name, frame, options):
    if frame == "lung":
        data, covariates = lung().dropna(subset=["inst"]), ["age", "sex"]
    else:
        data, covariates = dataset("ipw"), ["x1", "group"]
    result = survival.cox(data, "time", "event", covariates, **options)
    expected = ref(name)
    agree("Cox Wald test", name, result.wald_test["statistic"], expected["wald"], rtol=1e-6)
    agree("Cox score test", name, result.score_test["statistic"], expected["score"], rtol=1e-9)
    agree(
        "Cox likelihood-ratio test",
        name,
        result.likelihood_ratio["statistic"],
        expected["lrt"],
        rtol=1e-8,
    )
    if "rscore" in expected:
        agree(
            "Cox robust score test",
            name,
            result.robust_score_test["statistic"],
            expected["rscore"],
            rtol=1e-8,
        )
    assert result.wald_test["dof"] == len(expected["names"])


def test_global_tests_table_as_r_summary():
    result = survival.cox(dataset("ipw"), "time", "event", ["x1", "group"], weights="w")
    table = result.global_tests()
    expected = ref("cox_ipw")
    assert list(table.index) == ["likelihood ratio", "Wald", "score (log-rank)", "robust score"]
    agree(
        "Cox global tests table",
        "ipw",
        table["statistic"],
        [expected["lrt"], expected["wald"], expected["score"], expected["rscore"]],
        rtol=1e-6,
    )
    assert (table["dof"] == 3).all()


def test_the_tests_are_computed_on_request():
    result = survival.cox(dataset("ipw"), "time", "event", ["x1"], weights="w")
    assert "robust_score_test" not in result.__dict__ and "wald_test" not in result.__dict__
    result.robust_score_test  # noqa: B018 - computed now, then cached
    assert "robust_score_test" in result.__dict__


def test_bad_weights_and_entry_times_name_row_and_column():
    frame = dataset("ipw").head(20).copy()
    frame.loc[frame.index[4], "w"] = np.nan
    with pytest.raises(AnalysisError, match="row 5, field 'w'.*missing case weight"):
        survival.cox(frame, "time", "event", ["x1"], weights="w")
    frame.loc[frame.index[4], "w"] = -1.0
    with pytest.raises(AnalysisError, match="row 5, field 'w'.*positive"):
        survival.cox(frame, "time", "event", ["x1"], weights="w")
    frame = dataset("ipw").head(20).copy()
    frame.loc[frame.index[2], "entry"] = frame.loc[frame.index[2], "time"] + 1
    with pytest.raises(AnalysisError, match="row 3, field 'entry'.*start must be before"):
        survival.cox(frame, "time", "event", ["x1"], start="entry")
    frame = dataset("ipw").head(20).copy()
    frame.loc[frame.index[6], "time"] = -2
    with pytest.raises(AnalysisError, match="row 7, field 'time'.*>= 0"):
        survival.cox(frame, "time", "event", ["x1"])


def test_a_batch_of_random_designs_matches_coxph_and_survfit():
    """24 seeded data sets crossing ties, strata, delayed entry, non-integer weights, clusters
    and a wide linear predictor (make_references_extended.R, "a batch of random designs")."""
    frame = dataset("cox_batch")
    for k, expected in enumerate(ref("cox_batch"), start=1):
        part = frame[frame["set"] == k]
        options = {"start": "entry", "weights": "w"}
        if expected["strata"]:
            options["strata"] = "s"
        if expected["cluster"]:
            options["cluster"] = "cl"
        name = f"cox_batch[{k}]"
        result = survival.cox(part, "time", "event", ["x1", "x2"], **options)
        agree("batch: Cox coef", name, result.summary["coef"], expected["coef"], rtol=1e-6)
        agree("batch: Cox se", name, result.summary["se"], expected["se"], rtol=1e-6)
        agree("batch: Cox loglik", name, result.loglik, expected["loglik"], rtol=1e-9)
        agree("batch: concordance", name, result.concordance, expected["concordance"], rtol=1e-9)
        agree("batch: Wald test", name, result.wald_test["statistic"], expected["wald"], rtol=1e-6)
        agree(
            "batch: score test", name, result.score_test["statistic"], expected["score"], rtol=1e-9
        )
        assert ("robust_se" in result.summary.columns) == ("robust_se" in expected)
        if "robust_se" in expected:
            agree(
                "batch: robust se",
                name,
                result.summary["robust_se"],
                expected["robust_se"],
                rtol=1e-6,
            )
            agree(
                "batch: robust score test",
                name,
                result.robust_score_test["statistic"],
                expected["rscore"],
                rtol=1e-8,
            )
        km = survival.kaplan_meier(part, "time", "event", start="entry", weights="w")
        for column in ("time", "n_risk", "survival", "std_err", "lower", "upper"):
            agree(f"batch: KM {column}", name, km.table[column], expected["km"][column], rtol=1e-10)
