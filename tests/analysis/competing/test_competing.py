"""Competing risks against R: cmprsk 2.2.11 ``cuminc``/``crr`` and survival 3.5.3 (mgus2)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import competing
from analysis.errors import AnalysisError
from tests.analysis.r.refs import agree, mgus2, ref


def _cuminc_jumps(entry, n):
    """cuminc's step-corner vectors hold each jump at positions 2, 4, …, 2n."""
    pick = slice(2, 2 * n + 1, 2)
    return (
        np.array(entry["time"])[pick],
        np.array(entry["est"])[pick],
        np.array(entry["var"])[pick],
    )


@pytest.mark.parametrize("cause, key", [(1, "cause1"), (2, "cause2")])
def test_cumulative_incidence_matches_cuminc(cause, key):
    table = competing.cumulative_incidence(mgus2(), "etime", "event", cause=cause)
    times, est, var = _cuminc_jumps(ref("cuminc_mgus2")[key], len(table))
    agree("CIF time", "mgus2", table["time"], times, rtol=0)
    agree("CIF estimate (cuminc)", "mgus2", table["cif"], est, rtol=1e-10)
    agree("CIF variance (cuminc)", "mgus2", table["std_err"] ** 2, var, rtol=1e-10)
    assert (table["lower"] < table["cif"]).all() and (table["cif"] < table["upper"]).all()


def test_cumulative_incidence_by_group_matches_cuminc():
    table = competing.cumulative_incidence(mgus2(), "etime", "event", cause=1, by="sex")
    for sex in ("F", "M"):
        part = table[table["sex"] == sex]
        times, est, var = _cuminc_jumps(ref("cuminc_mgus2_sex")[f"{sex}1"], len(part))
        agree("CIF estimate by group", "mgus2", part["cif"], est, rtol=1e-10)
        agree("CIF variance by group", "mgus2", part["std_err"] ** 2, var, rtol=1e-10)


def test_point_estimate_equals_aalen_johansen_of_survfit():
    aj = ref("aj_mgus2")
    table = competing.cumulative_incidence(mgus2(), "etime", "event", cause=1)
    r_time = np.array(aj["time"])
    r_pcm = np.array(aj["pcm"])
    at = np.searchsorted(r_time, table["time"].to_numpy())
    agree("CIF estimate (survfit multi-state)", "mgus2", table["cif"], r_pcm[at], rtol=1e-10)


def test_gray_test_matches_cuminc_tests():
    expected = ref("cuminc_mgus2_sex")["tests"]
    result = competing.gray_test(mgus2(), "etime", "event", by="sex")
    agree("Gray's test statistic", "mgus2", result["statistic"], expected["stat"], rtol=1e-8)
    agree("Gray's test p", "mgus2", result["p_value"], expected["p"], rtol=1e-7)
    single = competing.gray_test(mgus2(), "etime", "event", by="sex", cause=2)
    assert single.statistic == pytest.approx(expected["stat"][1], rel=1e-8)


@pytest.mark.parametrize("cause, key", [(1, "crr_mgus2_pcm"), (2, "crr_mgus2_death")])
def test_fine_gray_matches_crr(cause, key):
    expected = ref(key)
    fit = competing.fine_gray(mgus2(), "etime", "event", cause, ["age", "male"])
    # crr stops at gradient tolerance 1e-6, so agreement is limited by crr's convergence
    agree("Fine-Gray coef (crr)", "mgus2", fit.summary["coef"], expected["coef"], rtol=1e-6)
    agree(
        "Fine-Gray log pseudo-likelihood (crr)", "mgus2", fit.loglik, expected["loglik"], rtol=1e-10
    )
    # crr's sandwich variance, including the term for the estimated censoring distribution
    agree(
        "Fine-Gray SE (crr sandwich)", "mgus2", fit.summary["robust_se"], expected["se"], rtol=1e-6
    )


def test_cause_specific_cox_matches_coxph():
    expected = ref("cox_mgus2_cs_pcm")
    fit = competing.cause_specific_cox(mgus2(), "etime", "event", 1, ["age", "male"])
    agree("cause-specific Cox coef", "mgus2", fit.summary["coef"], expected["coef"], rtol=1e-6)
    agree("cause-specific Cox se", "mgus2", fit.summary["se"], expected["se"], rtol=1e-6)


def test_without_competing_events_cif_is_one_minus_km():
    from analysis.survival import kaplan_meier

    df = pd.DataFrame({"t": [2, 3, 3, 5, 8, 9, 12], "s": [1, 0, 1, 1, 0, 1, 0]})
    cif = competing.cumulative_incidence(df, "t", "s", cause=1)
    km = kaplan_meier(df, "t", "s").table
    km = km[km["n_event"] > 0]
    np.testing.assert_allclose(cif["cif"], 1 - km["survival"].to_numpy(), rtol=1e-12)
    # cinc's variance then reduces (hand algebra, one event per time) to S(t)^2 sum 1/(n-1)^2
    n_risk = km["n_risk"].to_numpy()
    aalen = km["survival"].to_numpy() ** 2 * np.cumsum(1 / (n_risk - 1.0) ** 2)
    np.testing.assert_allclose(cif["std_err"] ** 2, aalen, rtol=1e-10)


def test_bad_status_names_row():
    df = pd.DataFrame({"t": [1, 2, 3], "s": [0, 1, -1]})
    with pytest.raises(AnalysisError, match=r"row 3, field 's'"):
        competing.cumulative_incidence(df, "t", "s", cause=1)


def test_cumulative_incidence_plot_returns_axes():
    import matplotlib

    matplotlib.use("Agg")
    from analysis.plots import plot_cumulative_incidence

    table = competing.cumulative_incidence(mgus2(), "etime", "event", cause=1, by="sex")
    ax = plot_cumulative_incidence(table, by="sex")
    assert len(ax.get_lines()) == 2
    assert ax.get_ylabel() == "Cumulative incidence"


@pytest.mark.parametrize(
    "name, options",
    [
        ("gray_mgus2_sex_strata", {"by": "sex", "strata": "old"}),
        ("gray_mgus2_sex_rho1", {"by": "sex", "rho": 1.0}),
        ("gray_mgus2_band", {"by": "band"}),
    ],
)
def test_gray_test_strata_rho_and_three_groups_match_cuminc(name, options):
    frame = mgus2()
    frame["old"] = (frame["age"] >= 70).astype(int)
    frame["band"] = pd.cut(frame["age"], [0, 60, 75, 200], labels=["a", "b", "c"]).astype(str)
    expected = ref(name)
    result = competing.gray_test(frame, "etime", "event", **options)
    agree("Gray's test statistic", "mgus2", result["statistic"], expected["stat"], rtol=1e-8)
    # R's 1 - pchisq() underflows to 0 for tiny p; ours uses the survival function
    agree("Gray's test p", "mgus2", result["p_value"], expected["p"], rtol=1e-7, atol=1e-15)


@pytest.mark.parametrize("cause, key", [(1, "se_pcm"), (2, "se_death")])
def test_survfit_variance_option_matches_multistate_survfit(cause, key):
    aj = ref("aj_mgus2")
    table = competing.cumulative_incidence(
        mgus2(), "etime", "event", cause=cause, variance="survfit"
    )
    at = np.searchsorted(np.array(aj["time"]), table["time"].to_numpy())
    agree(
        "CIF SE (survfit infinitesimal jackknife)",
        "mgus2",
        table["std_err"],
        np.array(aj[key])[at],
        rtol=1e-10,
    )


def test_fine_gray_extension_rows_equal_the_textbook_expansion():
    fast = competing.fine_gray(mgus2(), "etime", "event", 1, ["age", "male"])
    slow = competing.fine_gray(mgus2(), "etime", "event", 1, ["age", "male"], expanded=True)
    np.testing.assert_allclose(fast.summary.to_numpy(), slow.summary.to_numpy(), rtol=1e-10)
    assert fast.loglik == pytest.approx(slow.loglik, rel=1e-12)
    assert fast.n == slow.n == len(mgus2())
    assert len(fast.data.stop) < len(slow.data.stop) / 10  # 2,243 vs 47,609 rows


def test_gray_test_with_singular_variance_is_nan_not_an_error():
    # group "a" has nobody at risk at any event time: the variance matrix is singular
    df = pd.DataFrame(
        {
            "t": [0.5, 1, 2, 3, 4, 5, 9],
            "s": [0, 1, 2, 1, 2, 1, 0],
            "g": ["a", "b", "c", "b", "c", "b", "c"],
        }
    )
    result = competing.gray_test(df, "t", "s", by="g")
    assert result["statistic"].isna().all()
