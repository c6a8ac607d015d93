"""split_at (R ``survSplit``) and time-varying effects (R ``coxph(... + tt(x))``), stratified
predictions and adjusted curves (R ``survfit(fit, newdata=)``), and reference levels of
string covariates (R ``factor()``/``relevel()`` in the C locale), against R survival 3.5.3
(tests/analysis/r/make_references_extended.R)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import survival
from analysis.errors import AnalysisError
from tests.analysis.r.refs import agree, dataset, lung, ref

TIMES = [90, 180, 365, 500]


def test_split_at_matches_survsplit():
    frame = lung()[["time", "event", "age", "sex"]]
    pieces = survival.split_at(frame, "time", "event", [100, 300, 500], episode="tgroup")
    expected = ref("survsplit_lung")
    assert len(pieces) == expected["n"]
    for ours, theirs in (
        ("tstart", "tstart"),
        ("time", "time"),
        ("event", "event"),
        ("tgroup", "tgroup"),
        ("age", "age"),
    ):
        agree(f"survSplit {theirs}", "lung", pieces[ours], expected[theirs], rtol=0)


def test_split_at_keeps_existing_entry_times():
    frame = lung()[["time", "event", "age"]].assign(tstart=0.0)
    pieces = survival.split_at(frame, "time", "event", [200, 400], start="tstart")
    expected = ref("survsplit_lung_start")
    assert len(pieces) == expected["n"]
    agree("survSplit tstart (with start)", "lung", pieces["tstart"], expected["tstart"], rtol=0)
    agree("survSplit time (with start)", "lung", pieces["time"], expected["time"], rtol=0)


def test_split_at_every_event_time_gives_r_tt():
    frame = lung()[["time", "event", "age", "sex"]]
    pieces = survival.split_at(frame, "time", "event", "events")
    pieces["tt_age"] = pieces["age"] * np.log(pieces["time"])
    result = survival.cox(pieces, "time", "event", ["age", "sex", "tt_age"], start="tstart")
    expected = ref("cox_tt_lung")
    agree(
        "Cox with tt(age) = age log t", "lung", result.summary["coef"], expected["coef"], rtol=1e-8
    )
    agree("Cox se with tt()", "lung", result.summary["se"], expected["se"], rtol=1e-8)
    agree("Cox loglik with tt()", "lung", result.loglik, expected["loglik"], rtol=1e-10)


def test_stratified_predictions_and_adjusted_curves_match_survfit():
    frame = dataset("lung_robust")
    fit = survival.cox(frame, "time", "event", ["age", "ph.ecog"], strata="sex")
    expected = ref("stratified_prediction")
    predicted = fit.predict_survival(frame.iloc[:4], TIMES)
    agree(
        "stratified prediction",
        "lung",
        predicted.to_numpy().ravel(),
        np.array(expected["rows"]).ravel(),
        rtol=1e-9,
    )
    adjusted = survival.adjusted_survival(fit, frame, by="ph.ecog", times=TIMES)
    for level in (0, 1):
        part = adjusted[adjusted["ph.ecog"] == level]
        agree(
            "stratified adjusted curve",
            "lung",
            part["survival"],
            expected[f"adjusted_ecog{level}"],
            rtol=1e-9,
        )
    with pytest.raises(AnalysisError, match="row 1, field 'sex'.*stratum 7"):
        fit.predict_survival(frame.iloc[:2].assign(sex=7), TIMES)


def test_default_reference_level_is_c_locale_order_and_can_be_set():
    frame = dataset("ipw")
    assert ref("factor_levels_c") == ["Meth", "bup", "none"]  # R factor() with LC_COLLATE=C
    default = survival.cox(frame, "time", "event", ["x1", "group"])
    assert list(default.summary.index) == ["x1", "group[T.bup]", "group[T.none]"]
    chosen = survival.cox(frame, "time", "event", ["x1", "group"], reference={"group": "none"})
    assert list(chosen.summary.index) == ["x1", "group[T.Meth]", "group[T.bup]"]
    expected = ref("cox_ipw_reference_none")  # relevel(factor(group), ref = "none")
    # R stops at its default convergence (relative loglik change 1e-9): 5e-8 here
    agree(
        "Cox coef, reference level set", "ipw", chosen.summary["coef"], expected["coef"], rtol=1e-6
    )
    with pytest.raises(AnalysisError, match="reference level 'nope' does not occur"):
        survival.cox(frame, "time", "event", ["group"], reference={"group": "nope"})
