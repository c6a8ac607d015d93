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
