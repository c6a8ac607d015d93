"""``dyadlab import omop`` on the real Synthea27Nj extract (tests/fixtures/realworld/omop/)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from studies.cli import main

CDM = Path(__file__).parents[2] / "fixtures" / "realworld" / "omop" / "synthea27nj"
ARGS = ["--delivery-concepts", "4015701,4128031", "--overdose-concepts", "4208104"]


@pytest.fixture
def study(tmp_path: Path) -> Path:
    (tmp_path / "study.yaml").write_text(
        "name: OMOP study\ndata:\n  deliveries: data/deliveries.csv\n"
        "  dispensing: data/dispensing.csv.gz\n  events: data/events.csv\n"
    )
    return tmp_path


def test_import_writes_tables_that_validate(study: Path, capsys) -> None:
    assert main(["import", "omop", str(study), str(CDM), *ARGS]) == 0
    out = capsys.readouterr().out
    assert "wrote 3 deliveries, 0 fills (none), 1 events" in out
    deliveries = pd.read_csv(study / "data" / "deliveries.csv", dtype=str)
    assert deliveries["delivery_id"].tolist() == ["16-20050109", "16-20130929", "28-20051021"]
    assert deliveries["coverage_start_date"].tolist() == ["1983-10-23", "1983-10-23", "1988-09-02"]
    assert set(deliveries["moud"]) == {"none"}
    assert (study / "data" / "dispensing.csv.gz").exists()
    assert main(["validate", str(study)]) == 0


def test_existing_rows_need_replace(study: Path, capsys) -> None:
    assert main(["import", "omop", str(study), str(CDM), *ARGS]) == 0
    capsys.readouterr()
    assert main(["import", "omop", str(study), str(CDM), *ARGS]) == 1
    assert "--replace" in capsys.readouterr().err
    assert main(["import", "omop", str(study), str(CDM), *ARGS, "--replace"]) == 0


def test_no_delivery_concepts_found_is_one_line(study: Path, capsys) -> None:
    assert main(["import", "omop", str(study), str(CDM)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "no delivery records" in err and "4014295" in err
    assert not (study / "data" / "deliveries.csv").exists()


def test_otp_days_option_checks_the_code(study: Path, capsys) -> None:
    assert main(["import", "omop", str(study), str(CDM), *ARGS, "--otp-days", "G9999=7"]) == 1
    assert "unknown OTP code 'G9999'" in capsys.readouterr().err


def test_missing_person_table_is_named(tmp_path: Path, study: Path, capsys) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["import", "omop", str(study), str(empty)]) == 1
    assert "no person table" in capsys.readouterr().err
