"""Kaplan–Meier, log-rank and RMST with case weights and delayed entry, against R survival
3.5.3 ``survfit(Surv(start, stop, event) ~ g, weights=w)``, ``coxph`` score tests and the
Mantel–Haenszel statistic written out in R (tests/analysis/r/make_references_extended.R)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import survival
from analysis.errors import AnalysisError
from tests.analysis.r.refs import agree, dataset, ref

COLUMNS = ["time", "n_risk", "n_event", "n_censor", "survival", "std_err", "lower", "upper"]
CASES = [
    # reference, by, start, weights column
    ("km_weighted", None, None, "w"),  # non-integer: infinitesimal-jackknife SE
    ("km_weighted_group", "group", None, "w"),
    ("km_integer_weights", None, None, "wi"),  # whole numbers: Greenwood, as R
    ("km_entry", None, "entry", None),
    ("km_entry_group", "group", "entry", None),
    ("km_entry_weighted", None, "entry", "w"),
]


def _ipw():
    frame = dataset("ipw")
    frame["wi"] = np.ceil(frame["w"])
    return frame


@pytest.mark.parametrize("name, by, start, weights", CASES)
def test_kaplan_meier_with_weights_and_entry_matches_survfit(name, by, start, weights):
    km = survival.kaplan_meier(_ipw(), "time", "event", by=by, start=start, weights=weights)
    expected = ref(name)["table"]
    for column in COLUMNS:
        agree(f"KM {column} (weights/entry)", name, km.table[column], expected[column], rtol=1e-10)
    if by is not None:
        assert list(km.table[by]) == expected["strata"]


@pytest.mark.parametrize("name, by, start, weights", CASES)
def test_rmst_with_weights_and_entry_matches_survfit_rmean(name, by, start, weights):
    table = survival.rmst(_ipw(), "time", "event", tau=90, by=by, start=start, weights=weights)
    expected = ref(name)["rmst"]
    # R's reference is at tau = 100; recompute ours there when every group reaches it
    frame = _ipw()
    last = frame.groupby(by)["time"].max().min() if by else frame["time"].max()
    if last >= 100:
        table = survival.rmst(frame, "time", "event", tau=100, by=by, start=start, weights=weights)
        agree("RMST (weights/entry)", name, table["rmst"], expected["rmst"], rtol=1e-10)
        agree("RMST se (weights/entry)", name, table["se"], expected["se"], rtol=1e-10)
    else:
        assert np.isfinite(table["rmst"]).all()


def test_rmst_beyond_a_groups_last_follow_up_is_refused_naming_the_group():
    frame = _ipw()
    last = frame.groupby("group")["time"].max()
    with pytest.raises(AnalysisError, match="group 'Meth'.*extrapolated"):
        survival.rmst(frame, "time", "event", tau=float(last["Meth"]) + 1, by="group")


def test_delayed_entry_logrank_matches_mantel_haenszel_written_in_r():
    frame = _ipw()
    result = survival.logrank(frame, "time", "event", by="group", start="entry")
    agree(
        "log-rank, delayed entry",
        "ipw",
        result.statistic,
        ref("logrank_entry")["chisq"],
        rtol=1e-10,
    )
    plain = survival.logrank(frame, "time", "event", by="group")
    # the written-out statistic reproduces survdiff when nobody enters late
    agree(
        "log-rank, R formula vs survdiff",
        "ipw",
        ref("logrank_entry_zero")["chisq"],
        ref("logrank_plain_survdiff")["chisq"],
        rtol=1e-12,
    )
    agree("log-rank", "ipw", plain.statistic, ref("logrank_plain_survdiff")["chisq"], rtol=1e-10)


def test_weighted_logrank_is_the_score_test_of_a_weighted_cox_model():
    frame = _ipw()
    result = survival.logrank(frame, "time", "event", by="group", weights="w")
    assert result.test == "weighted log-rank (robust Cox score)" and result.dof == 2
    agree(
        "weighted log-rank (robust score)",
        "ipw",
        result.statistic,
        ref("logrank_weighted")["rscore"],
        rtol=1e-8,
    )
    whole = survival.logrank(frame, "time", "event", by="group", weights="wi")
    assert whole.test == "weighted log-rank (Cox score)"
    np.testing.assert_allclose(
        whole.statistic,
        survival.cox(frame, "time", "event", ["group"], weights="wi").score_test["statistic"],
        rtol=1e-12,
    )


def test_bad_weights_and_entry_are_errors_naming_row_and_column():
    frame = _ipw().head(30).copy()
    frame.loc[frame.index[3], "w"] = -0.5
    for call in (
        lambda f: survival.kaplan_meier(f, "time", "event", weights="w"),
        lambda f: survival.logrank(f, "time", "event", by="group", weights="w"),
        lambda f: survival.rmst(f, "time", "event", tau=10, weights="w"),
    ):
        with pytest.raises(AnalysisError, match="row 4, field 'w'"):
            call(frame)
    frame = _ipw().head(30).copy()
    frame.loc[frame.index[8], "entry"] = frame.loc[frame.index[8], "time"]
    with pytest.raises(AnalysisError, match="row 9, field 'entry'.*start must be before"):
        survival.kaplan_meier(frame, "time", "event", start="entry")


@pytest.mark.filterwarnings("ignore:It looks like your weights are not integers")
def test_to_lifelines_carries_entry_times_and_weights():
    frame = _ipw()
    km = survival.kaplan_meier(frame, "time", "event", start="entry", weights="w")
    fitter = km.to_lifelines(frame)["all"]
    curve = fitter.survival_function_.iloc[:, 0]
    np.testing.assert_allclose(
        curve.loc[km.table["time"]].to_numpy(), km.table["survival"], rtol=1e-12
    )
