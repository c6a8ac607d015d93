"""Kaplan–Meier and log-rank against R survival 3.5.3 (references from tests/analysis/r)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import survival
from analysis.errors import AnalysisError
from tests.analysis.r.refs import agree, lung, pbc, ref, veteran

CASES = [
    # reference name, frame loader, duration, event, by, conf_type, times
    ("km_lung", lung, "time", "event", None, "log-log", [30, 90, 180, 365]),
    ("km_lung_sex", lung, "time", "event", "sex", "log-log", [30, 90, 180, 365]),
    ("km_veteran_trt", veteran, "time", "status", "trt", "log-log", [0, 30, 90, 180, 365, 1000]),
    ("km_veteran_log", veteran, "time", "status", None, "log", [30, 90, 180, 365]),
    ("km_veteran_plain", veteran, "time", "status", None, "plain", [30, 90, 180, 365]),
    ("km_pbc_trt", pbc, "time", "death", "trt", "log-log", [365, 1000, 2000]),
]


@pytest.mark.parametrize("name, load, duration, event, by, conf_type, times", CASES)
def test_kaplan_meier_matches_r_survfit(name, load, duration, event, by, conf_type, times):
    expected = ref(name)
    km = survival.kaplan_meier(load(), duration, event, by=by, conf_type=conf_type)
    table = expected["table"]
    for column in [
        "time",
        "n_risk",
        "n_event",
        "n_censor",
        "survival",
        "std_err",
        "lower",
        "upper",
    ]:
        agree(f"KM {column}", name, km.table[column], table[column], rtol=1e-10)
    median = km.median
    agree("KM median", name, median["median"], expected["median"]["median"], rtol=1e-12)
    agree(
        "KM median CI",
        name,
        median[["lower", "upper"]].to_numpy().ravel(),
        np.column_stack([expected["median"]["lower"], expected["median"]["upper"]]).ravel(),
        rtol=1e-12,
    )
    at = km.at(times)
    for column in ["n_risk", "survival", "std_err", "lower", "upper"]:
        agree(f"KM at(t) {column}", name, at[column], expected["at"][column], rtol=1e-10)


def test_risk_table_counts_people_still_followed():
    km = survival.kaplan_meier(lung(), "time", "event", by="sex")
    table = km.risk_table([0, 365])
    frame = lung()
    for sex in (1, 2):
        assert table.loc[sex, 0] == (frame["sex"] == sex).sum()
        assert table.loc[sex, 365] == ((frame["sex"] == sex) & (frame["time"] >= 365)).sum()


def test_hand_computed_small_example():
    # Collett (2015) style hand calculation: times 1,2,2+,3,4; S = 4/5, then 3/5 * 2/3 ...
    df = pd.DataFrame({"t": [1, 2, 2, 3, 4], "e": [1, 1, 0, 1, 0]})
    table = survival.kaplan_meier(df, "t", "e").table
    np.testing.assert_allclose(table["survival"], [0.8, 0.6, 0.3, 0.3])
    # Greenwood: var S(1) = 0.8^2 * 1/(5*4)
    assert table["std_err"].iloc[0] == pytest.approx(0.8 * np.sqrt(1 / 20))


LOGRANK = [
    ("logrank_lung_sex", lung, "time", "event", "sex", None),
    ("logrank_veteran_celltype", veteran, "time", "status", "celltype", None),
    ("logrank_veteran_trt_strata", veteran, "time", "status", "trt", "celltype"),
    ("logrank_pbc_trt", pbc, "time", "death", "trt", None),
]


@pytest.mark.parametrize("name, load, duration, event, by, strata", LOGRANK)
def test_logrank_matches_r_survdiff(name, load, duration, event, by, strata):
    expected = ref(name)
    result = survival.logrank(load(), duration, event, by=by, strata=strata)
    agree("log-rank chi-square", name, result.statistic, expected["statistic"], rtol=1e-10)
    agree("log-rank p", name, result.p_value, expected["p_value"], rtol=1e-8)
    assert result.dof == expected["dof"]
    if "expected" in expected:
        agree(
            "log-rank expected", name, result.summary["expected"], expected["expected"], rtol=1e-10
        )


def test_trend_with_two_groups_equals_logrank():
    # With two groups any trend scores give the ordinary log-rank statistic.
    plain = survival.logrank(lung(), "time", "event", by="sex")
    trend = survival.logrank(lung(), "time", "event", by="sex", trend=True)
    assert trend.statistic == pytest.approx(plain.statistic, rel=1e-12)
    assert trend.dof == 1


def test_bad_input_names_row_and_field():
    df = pd.DataFrame({"t": [1, -2, 3], "e": [1, 0, 1]})
    with pytest.raises(AnalysisError, match=r"row 2, field 't'"):
        survival.kaplan_meier(df, "t", "e")
    df = pd.DataFrame({"t": [1, 2, 3], "e": [1, 0, 2]})
    with pytest.raises(AnalysisError, match=r"row 3, field 'e'.*0 \(censored\) or 1"):
        survival.kaplan_meier(df, "t", "e")
    with pytest.raises(AnalysisError, match="field 'nope'"):
        survival.kaplan_meier(df, "t", "nope")


def test_plot_draws_curves_and_numbers_at_risk():
    import matplotlib

    matplotlib.use("Agg")
    km = survival.kaplan_meier(lung(), "time", "event", by="sex")
    ax = km.plot(at_risk_times=[0, 250, 500])
    assert len(ax.get_lines()) == 2
    texts = {t.get_text() for t in ax.texts}
    assert {"Number at risk", "138", "90"} <= texts  # 138 men at day 0, 90 women


def test_trend_test_equals_cox_score_test_without_ties():
    # With no tied times, the log-rank trend statistic is the Cox partial-likelihood score
    # test of the numeric group score (Collett 2015, §3.4; the Cox engine is R-validated).
    rng = np.random.default_rng(11)
    n = 300
    group = rng.integers(1, 4, size=n)
    time = rng.exponential(1 / (0.1 * np.exp(0.3 * group)))
    censor = rng.exponential(12, size=n)
    df = pd.DataFrame(
        {"t": np.minimum(time, censor), "e": (time <= censor).astype(int), "g": group}
    )
    trend = survival.logrank(df, "t", "e", by="g", trend=True)
    fit = survival.cox(df, "t", "e", ["g"], ties="breslow")
    assert trend.statistic == pytest.approx(fit.fit.score_test, rel=1e-10)
    assert trend.dof == 1


def test_all_censored_curve_has_no_median():
    df = pd.DataFrame({"t": [1, 2, 3, 4], "e": [0, 0, 0, 0]})
    km = survival.kaplan_meier(df, "t", "e")
    assert (km.table["survival"] == 1).all()
    assert np.isnan(km.median.loc["all", "median"])


def test_lifelines_fitters_give_the_same_curves():
    frame = lung()
    km = survival.kaplan_meier(frame, "time", "event", by="sex")
    fitters = km.to_lifelines(frame)
    for sex, fitter in fitters.items():
        ours = km.survival_function(sex)
        theirs = fitter.survival_function_at_times(ours["time"]).to_numpy()
        np.testing.assert_allclose(ours["survival"], theirs, rtol=1e-12)
