"""``dyadlab survival STUDY`` end to end on a small synthetic study."""

from __future__ import annotations

import json

import pytest

from analysis import survival
from studies import load_study
from studies.cli import main


@pytest.fixture(scope="module")
def study_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("survival_study") / "s"
    code = main(
        [
            "synth",
            str(folder),
            "--seed",
            "7",
            "--deliveries",
            "300",
            "--participants",
            "0",
            "--no-transcripts",
        ]
    )
    assert code == 0
    return folder


def test_json_has_km_by_moud_and_cox(study_dir, capsys):
    capsys.readouterr()
    assert main(["survival", str(study_dir), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    cohort = _with_lookback(load_study(study_dir).cohort())
    treated = cohort[cohort["moud_at_delivery"] != "none"]
    assert result["n"] == len(treated)
    km = survival.kaplan_meier(treated, "days_on_moud", "discontinued", by="moud_at_delivery")
    expected = km.at([30, 90, 180, 365])
    first = result["km"][0]
    rows = expected[expected["moud_at_delivery"] == first["group"]]
    assert [r["survival"] for r in first["retention"]] == pytest.approx(list(rows["survival"]))
    assert [r["day"] for r in first["retention"]] == [30, 90, 180, 365]
    terms = {t["covariate"] for t in result["cox"]["terms"]}
    assert any(t.startswith("moud_at_delivery[T.") for t in terms)
    assert result["cox"]["cluster"] == "person_id"
    assert all("robust_se" in t for t in result["cox"]["terms"])


def test_cox_covariates_come_from_study_yaml(study_dir, capsys):
    yaml_path = study_dir / "study.yaml"
    text = yaml_path.read_text()
    yaml_path.write_text(
        text.replace("  gap_days: 30\n", "  gap_days: 30\n  cox_covariates: [age, pmad]\n")
    )
    try:
        capsys.readouterr()
        assert main(["survival", str(study_dir), "--json"]) == 0
        result = json.loads(capsys.readouterr().out)
        assert [t["covariate"] for t in result["cox"]["terms"]] == ["age", "pmad"]
    finally:
        yaml_path.write_text(text)


def test_text_output_and_bad_study(study_dir, capsys):
    assert main(["survival", str(study_dir)]) == 0
    out = capsys.readouterr().out
    assert "median (95% CI)" in out and "Cox model for discontinuation" in out
    assert main(["survival", str(study_dir / "nope")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("dyadlab survival:")


def test_time_varying_on_moud_from_cohort_counting_process(study_dir):
    # The cohort's counting_process rows feed cox(start=...) directly; the estimate agrees
    # with lifelines' CoxTimeVaryingFitter (Efron ties), an independent implementation.
    from lifelines import CoxTimeVaryingFitter

    from analysis.cohort import counting_process

    study = load_study(study_dir)
    cohort = study.cohort()
    rows = counting_process(cohort, study.episodes(), covariates=["age"]).dropna()
    fit = survival.cox(
        rows, "stop", "event", ["on_moud", "age"], start="start", cluster="person_id"
    )
    ctv = CoxTimeVaryingFitter().fit(
        rows[["delivery_id", "start", "stop", "event", "on_moud", "age"]].astype({"age": float}),
        id_col="delivery_id",
        event_col="event",
        start_col="start",
        stop_col="stop",
    )
    assert fit.summary["coef"].to_numpy() == pytest.approx(ctv.params_.to_numpy(), rel=1e-5)
    assert fit.summary.loc["on_moud", "robust_se"] > 0


def test_json_has_overdose_cumulative_incidence_with_gray_test(study_dir, capsys):
    from analysis.competing import cumulative_incidence

    capsys.readouterr()
    assert main(["survival", str(study_dir), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)["overdose"]
    cohort = _with_lookback(load_study(study_dir).cohort())
    assert result["n"] == len(cohort)
    assert "gray_test" in result and 0 <= result["gray_test"]["p_value"] <= 1
    table = cumulative_incidence(
        cohort, "days_to_overdose", "overdose_status", cause=1, by="moud_at_delivery"
    )
    for group in result["groups"]:
        part = table[(table["moud_at_delivery"] == group["group"]) & (table["time"] <= 365)]
        last = group["cumulative_incidence"][-1]
        assert last["day"] == 365
        assert last["cif"] == pytest.approx(part["cif"].iloc[-1] if len(part) else 0.0)


def test_out_writes_the_json_summary(study_dir, tmp_path, capsys):
    target = tmp_path / "nested" / "survival.json"
    assert main(["survival", str(study_dir), "--out", str(target)]) == 0
    written = json.loads(target.read_text())
    assert {"km", "cox", "overdose"} <= set(written)
    assert not list(target.parent.glob(".*.tmp"))  # no temporary file left behind


def test_summary_without_discontinuations_reports_km_and_why_no_cox():
    import pandas as pd

    from analysis.summary import retention_summary

    cohort = pd.DataFrame(
        {
            "moud_at_delivery": ["methadone", "buprenorphine"] * 5,
            "days_on_moud": [365] * 10,
            "discontinued": [False] * 10,
            "age": range(20, 30),
            "person_id": [f"p{i}" for i in range(10)],
        }
    )
    result = retention_summary(cohort, covariates=["age"])
    assert result["km"][0]["retention"][-1]["survival"] == 1.0
    assert "no events" in result["cox"]["error"]
    assert result["logrank"]["p_value"] is None
    json.dumps(result, allow_nan=False)  # valid JSON for --json


def _with_lookback(cohort):
    """The deliveries the command analyses: those observed for the whole lookback window."""
    if "lookback_observed" not in cohort.columns:
        return cohort
    return cohort[cohort["lookback_observed"].astype("boolean").fillna(True).to_numpy(bool)]
