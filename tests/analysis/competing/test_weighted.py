"""Cumulative incidence with case weights and delayed entry, log-scale limits and reading at
chosen times, against R: multi-state ``survfit`` (survival 3.5.3) and ``cmprsk::timepoints``
(tests/analysis/r/make_references_extended.R)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import competing
from analysis.errors import AnalysisError
from tests.analysis.r.refs import agree, dataset, ref


def _compare(name, table, columns):
    expected = ref(name)
    at = np.searchsorted(np.array(expected["time"]), table["time"].to_numpy())
    assert np.array_equal(np.array(expected["time"])[at], table["time"].to_numpy())
    for ours, theirs in columns:
        agree(
            f"CIF {ours} ({name})", "ipw", table[ours], np.array(expected[theirs])[at], rtol=1e-10
        )


def test_weighted_cif_matches_multistate_survfit():
    table = competing.cumulative_incidence(dataset("ipw"), "time", "status", cause=1, weights="w")
    _compare("cif_weighted", table, [("cif", "cif1"), ("std_err", "se1")])
    table = competing.cumulative_incidence(dataset("ipw"), "time", "status", cause=2, weights="w")
    _compare("cif_weighted", table, [("cif", "cif2"), ("std_err", "se2")])


def test_delayed_entry_cif_matches_multistate_survfit():
    table = competing.cumulative_incidence(dataset("ipw"), "time", "status", cause=1, start="entry")
    _compare("cif_entry", table, [("cif", "cif1"), ("std_err", "se1")])


def test_log_scale_limits_match_survfit_default():
    table = competing.cumulative_incidence(
        dataset("ipw"), "time", "status", cause=1, variance="survfit", conf_type="log"
    )
    _compare("cif_plain_log", table, [("cif", "cif1"), ("lower", "lower1"), ("upper", "upper1")])


def test_cif_is_not_extrapolated_past_a_groups_last_follow_up():
    expected = ref("cuminc_timepoints")
    times = expected["times"]
    table = competing.cumulative_incidence(
        dataset("ipw"), "time", "status", cause=1, by="group", times=times
    )
    for row, values, variance in zip(
        expected["rows"], expected["est"], expected["var"], strict=True
    ):
        group, cause = row.split(" ")
        if cause != "1":
            continue
        part = table[table["group"] == group]
        agree("CIF at chosen times (timepoints)", "ipw", part["cif"], values, rtol=1e-10)
        agree("CIF variance at chosen times", "ipw", part["std_err"] ** 2, variance, rtol=1e-10)
        assert part["cif"].isna().to_numpy().tolist() == [v is None for v in values]


def test_cuminc_variance_is_refused_with_weights():
    with pytest.raises(AnalysisError, match="variance='survfit'"):
        competing.cumulative_incidence(
            dataset("ipw"), "time", "status", cause=1, weights="w", variance="cuminc"
        )
    frame = dataset("ipw").head(20).copy()
    frame.loc[frame.index[1], "w"] = np.nan
    with pytest.raises(AnalysisError, match="row 2, field 'w'.*missing"):
        competing.cumulative_incidence(frame, "time", "status", cause=1, weights="w")


FG_CASES = [
    # reference, options (continuous times: survival::finegray's weights equal crr's)
    ("fg_continuous_strata", {"strata": "grp"}),
    ("fg_continuous_weights", {"weights": "w"}),
    ("fg_continuous_entry", {"start": "entry"}),
]


@pytest.mark.parametrize("name, options", FG_CASES)
def test_fine_gray_strata_weights_and_entry_match_finegray_coxph(name, options):
    result = competing.fine_gray(dataset("fg_continuous"), "time", "status", 1, ["x1"], **options)
    expected = ref(name)
    row = result.summary.loc["x1"]
    agree("Fine-Gray coef (strata/weights/entry)", name, row["coef"], expected["coef"], rtol=1e-8)
    agree("Fine-Gray se (strata/weights/entry)", name, row["se"], expected["se"], rtol=1e-8)
    agree(
        "Fine-Gray robust se, cluster = id",
        name,
        row["robust_se"],
        expected["robust_se"],
        rtol=1e-8,
    )
    agree("Fine-Gray loglik", name, result.loglik, expected["loglik"], rtol=1e-9)


def test_fine_gray_matches_crr_and_finegray_on_continuous_times():
    frame = dataset("fg_continuous")
    expected = ref("fg_continuous")
    result = competing.fine_gray(frame, "time", "status", 1, ["x1"])
    row = result.summary.loc["x1"]
    agree("Fine-Gray coef vs crr", "fg_continuous", row["coef"], expected["crr_coef"], rtol=1e-6)
    agree(
        "Fine-Gray robust se vs crr",
        "fg_continuous",
        row["robust_se"],
        expected["crr_se"],
        rtol=1e-6,
    )
    agree("Fine-Gray coef vs finegray", "fg_continuous", row["coef"], expected["coef"], rtol=1e-8)
    agree("Fine-Gray se vs finegray", "fg_continuous", row["se"], expected["se"], rtol=1e-8)


def test_fine_gray_cluster_sums_each_clusters_influence():
    from analysis.competing._finegray import crr_variance

    frame = dataset("fg_continuous")
    alone = competing.fine_gray(frame, "time", "status", 1, ["x1"])
    # a cluster per person is crr's own sandwich
    by_id = competing.fine_gray(frame, "time", "status", 1, ["x1"], cluster="id")
    np.testing.assert_allclose(by_id.summary["robust_se"], alone.summary["robust_se"], rtol=1e-12)
    clustered = competing.fine_gray(frame, "time", "status", 1, ["x1"], cluster="cl")
    # without crr's censoring term the clustered sandwich is R's coxph(cluster = cl) on
    # finegray data; with it (what we report) it differs a little
    groups = frame["cl"].factorize()[0]
    time, status = frame["time"].to_numpy(float), frame["status"].to_numpy()
    score_only = crr_variance(clustered, time, status, 1, groups, censoring_term=False)
    agree(
        "Fine-Gray cluster sandwich (score part)",
        "fg_continuous",
        np.sqrt(score_only[0, 0]),
        ref("fg_continuous_cluster")["robust_se"],
        rtol=1e-8,
    )
    assert clustered.summary.loc["x1", "robust_se"] != pytest.approx(np.sqrt(score_only[0, 0]))


def test_fine_gray_keeps_time_zero_rows_as_crr():
    # rows 1-4 have time 0 (a competing event, a censoring, a competing event, an event)
    result = competing.fine_gray(dataset("ipw_time0"), "time", "status", 1, ["x1"])
    assert result.n == len(dataset("ipw_time0"))
    # crr puts the censoring at time 0 before the events at 0; with it just after them (the
    # usual order, ours) crr gives our numbers; as is, it differs by 5e-5
    after = ref("crr_time0_after")
    agree(
        "Fine-Gray coef with time-0 rows (crr)",
        "ipw_time0",
        result.summary["coef"],
        after["coef"],
        rtol=1e-6,
    )
    agree(
        "Fine-Gray se with time-0 rows (crr)",
        "ipw_time0",
        result.summary["robust_se"],
        after["se"],
        rtol=1e-6,
    )
    as_is = ref("crr_time0")
    np.testing.assert_allclose(result.summary["coef"], as_is["coef"], rtol=1e-4)


def test_a_batch_of_competing_risks_designs_matches_r():
    """12 seeded data sets (make_references_extended.R, "competing risks: 12 seeded data
    sets"): the Aalen-Johansen CIF with delayed entry and weights (whole-day ties) against
    multi-state survfit; Fine-Gray with strata, entry and weights crossed (continuous times)
    against finegray + coxph(cluster = id). Without strata, entry or weights our robust SE is
    crr's (with the censoring term), so only coefficients and model SEs are compared there."""
    frame = dataset("competing_batch")
    for k, expected in enumerate(ref("competing_batch"), start=1):
        part = frame[frame["set"] == k]
        name = f"competing_batch[{k}]"
        weighted = bool((part["w"] != 1).any())
        options = {"weights": "w"} if weighted else {}
        if (part["dentry"] > 0).any():
            options["start"] = "dentry"
        table = competing.cumulative_incidence(
            part, "dtime", "status", cause=1, variance="survfit", **options
        )
        at = np.searchsorted(np.array(expected["time"]), table["time"].to_numpy())
        agree("batch: CIF", name, table["cif"], np.array(expected["cif1"])[at], rtol=1e-10)
        agree("batch: CIF SE", name, table["std_err"], np.array(expected["se1"])[at], rtol=1e-10)
        fg_options = {"weights": "w"} if weighted else {}
        if (part["entry"] > 0).any():
            fg_options["start"] = "entry"
        if expected["strata"]:
            fg_options["strata"] = "s"
        result = competing.fine_gray(part, "ctime", "status", 1, ["x1"], **fg_options)
        row = result.summary.loc["x1"]
        agree("batch: Fine-Gray coef", name, row["coef"], expected["fg_coef"], rtol=1e-8)
        agree("batch: Fine-Gray se", name, row["se"], expected["fg_se"], rtol=1e-8)
        if fg_options:
            agree(
                "batch: Fine-Gray robust se",
                name,
                row["robust_se"],
                expected["fg_robust_se"],
                rtol=1e-8,
            )
