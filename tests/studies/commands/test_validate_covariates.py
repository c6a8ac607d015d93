"""``dyadlab validate``: a Cox covariate of study.yaml that the data lacks, or that may start
after delivery, is an error now rather than a warning at fit time."""

from __future__ import annotations

from pathlib import Path

from studies.cli import main
from tests.data_dictionary.sample_tables import DELIVERIES, STUDY_YAML, write_study


def test_missing_cox_covariate_is_an_error(tmp_path: Path, capsys) -> None:
    yaml = STUDY_YAML + "  cox_covariates: [moud_at_delivery, age, C(insurance), bmi]\n"
    write_study(tmp_path, study_yaml=yaml)
    assert main(["validate", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "outcomes.cox_covariates names 'bmi', which is not a column" in err
    # STUDY_YAML has 13 lines; cox_covariates is line 14. The other three terms are columns.
    assert "(study.yaml line 14)" in err
    assert "1 problem in study.yaml" in err


def test_a_post_delivery_service_as_cox_covariate_is_an_error(tmp_path: Path, capsys) -> None:
    # home_visiting has a start date: a service that may start after delivery
    lines = DELIVERIES.splitlines()
    rows = [lines[0] + ",home_visiting_start_date"]
    rows += [
        line + (",2021-05-01" if ",true,false,true,true," in line else ",") for line in lines[1:]
    ]
    yaml = STUDY_YAML + "  cox_covariates: [age, home_visiting]\n"
    write_study(tmp_path, study_yaml=yaml, deliveries="\n".join(rows) + "\n")
    assert main(["validate", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "home_visiting may start after delivery" in err and "immortal-time bias" in err
    # its at-delivery version is fine
    yaml = STUDY_YAML + "  cox_covariates: [age, home_visiting_at_delivery]\n"
    (tmp_path / "study.yaml").write_text(yaml)
    assert main(["validate", str(tmp_path)]) == 0, capsys.readouterr().err
