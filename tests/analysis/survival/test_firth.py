"""Firth's penalised partial likelihood (``cox(..., firth=True)``) against a direct maximisation
of the same penalised likelihood in R (``optim`` over ``coxph``'s log-likelihood and information
at fixed β; R coxphf is not packaged in Debian), on the breast cancer data of Heinze &
Schemper (2001) and on a binary separator where the ordinary estimate is infinite."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import survival
from tests.analysis.r.refs import DATA, agree, dataset, ref


def _breast():
    return pd.read_csv(DATA / "breast.txt", sep=r"\s+")


def test_firth_on_the_heinze_schemper_breast_data():
    result = survival.cox(
        _breast(), "TIME", "CENS", ["T", "N", "G", "CD"], ties="breslow", firth=True
    )
    expected = ref("firth_breast")
    # optim's own tolerance limits the agreement (~1e-7)
    agree("Firth coef", "breast", result.summary["coef"], expected["coef"], rtol=1e-6)
    agree("Firth se", "breast", result.summary["se"], expected["se"], rtol=1e-6)
    agree(
        "Firth penalised loglik",
        "breast",
        result.fit.loglik_penalized,
        expected["penalised"],
        rtol=1e-10,
    )


@pytest.mark.parametrize("ties", ["breslow", "efron"])
def test_firth_gives_a_finite_estimate_under_monotone_likelihood(ties):
    name = "firth_lung_early" + ("" if ties == "breslow" else "_efron")
    result = survival.cox(
        dataset("lung_robust"), "time", "event", ["age", "sex", "early"], ties=ties, firth=True
    )
    expected = ref(name)
    agree(
        "Firth coef (separated covariate)",
        name,
        result.summary["coef"],
        expected["coef"],
        rtol=1e-6,
    )
    agree("Firth se (separated covariate)", name, result.summary["se"], expected["se"], rtol=1e-6)
    assert np.isfinite(result.summary.loc["early", ["se", "lower", "upper", "p"]]).all()


def test_firth_profile_penalised_likelihood_limits_and_tests():
    # coxphf's default (pl=TRUE), recommended by Heinze & Schemper: limits where the profile
    # penalised likelihood falls by chi2_1(0.95)/2, p from the penalised likelihood ratio
    from scipy import stats

    result = survival.cox(
        _breast(), "TIME", "CENS", ["T", "N", "G", "CD"], ties="breslow", firth=True
    )
    expected = ref("firth_breast_profile")
    agree(
        "Firth profile lower limit",
        "breast",
        np.log(result.summary["lower"]),
        expected["lower"],
        rtol=1e-7,
    )
    agree(
        "Firth profile upper limit",
        "breast",
        np.log(result.summary["upper"]),
        expected["upper"],
        rtol=1e-7,
    )
    agree(
        "Firth penalised LR test",
        "breast",
        result.fit.profile["chisq"],
        expected["chisq"],
        rtol=1e-7,
    )
    np.testing.assert_allclose(result.summary["p"], stats.chi2.sf(expected["chisq"], 1), rtol=1e-6)
    # the profile interval is asymmetric where the Wald one is not (G: 2.42, upper 7.28)
    row = result.summary.loc["G"]
    assert np.log(row["upper"]) - row["coef"] > 1.5 * (row["coef"] - np.log(row["lower"]))
