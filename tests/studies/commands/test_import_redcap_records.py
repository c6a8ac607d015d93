"""``dyadlab import redcap-records`` on real REDCapR exports (tests/fixtures/realworld/redcap/).

The blood-pressure instrument of the repeating-instruments project stands in for dispensing
(its fields are not fills; what is checked is that a real export with a repeating
instrument becomes tables that validate, with the values of data.csv).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from studies.cli import main

CORPUS = Path(__file__).parents[2] / "fixtures" / "realworld" / "redcap"
MAPPING = """\
deliveries: {delivery_date: date_enrolled}
dispensing:
  instrument: bp
  fill_date: date_bp
  drug: bp_complete
  days_supply: bp_diastolic
  source: otp
choices:
  bp_complete: {"2": methadone}
"""


@pytest.fixture
def study(tmp_path: Path) -> Path:
    assert main(["new", str(tmp_path / "s")]) == 0
    (tmp_path / "map.yaml").write_text(MAPPING)
    return tmp_path / "s"


def test_repeating_instrument_export_becomes_valid_tables(study: Path, capsys) -> None:
    export = CORPUS / "repeating-instruments" / "data.csv"
    mapping = study.parent / "map.yaml"
    args = ["import", "redcap-records", str(study), str(export), "--mapping", str(mapping)]
    assert main([*args, "--site", "north"]) == 0
    assert "wrote 2 deliveries, 4 fills, 0 events" in capsys.readouterr().out
    fills = pd.read_csv(study / "data" / "dispensing.csv", dtype=str)
    # record 1: bp instances 1-3 on 2019-10-14, diastolic 100, 101, 102; record 2: 104
    assert fills["days_supply"].tolist() == ["100", "101", "102", "104"]
    assert set(fills["source"]) == {"otp"}
    deliveries = pd.read_csv(study / "data" / "deliveries.csv", dtype=str)
    assert deliveries["delivery_date"].tolist() == ["2019-10-14", "2019-02-02"]
    # record 1's first fill (2019-10-14, 100 days) covers its enrolment date; record 2's
    # fill of 2004 ended long before 2019-02-02
    assert deliveries["moud"].tolist() == ["methadone", "none"]
    assert main(["validate", str(study)]) == 0


def test_a_site_is_asked_for(study: Path, capsys) -> None:
    export = CORPUS / "repeating-instruments" / "data.csv"
    mapping = study.parent / "map.yaml"
    assert (
        main(["import", "redcap-records", str(study), str(export), "--mapping", str(mapping)]) == 1
    )
    assert "need a site" in capsys.readouterr().err


def test_longitudinal_export_unknown_event_is_one_line(study: Path, capsys) -> None:
    (study.parent / "long.yaml").write_text(
        "record_id: study_id\ndeliveries: {delivery_date: date_enrolled, event: delivery_arm_1}\n"
    )
    export = CORPUS / "longitudinal" / "data.csv"
    code = main(
        [
            "import",
            "redcap-records",
            str(study),
            str(export),
            "--mapping",
            str(study.parent / "long.yaml"),
            "--site",
            "north",
        ]
    )
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no event 'delivery_arm_1'" in err


def test_a_breach_names_the_record(study: Path, capsys) -> None:
    # record 2 of repeating-instruments enrolled 2019-02-02; moved to 1900 it is before the
    # dictionary's earliest delivery date (1990-01-01)
    records = pd.read_csv(CORPUS / "repeating-instruments" / "data.csv", dtype=str)
    records.loc[records["date_enrolled"] == "2019-02-02", "date_enrolled"] = "1900-01-01"
    export = study.parent / "export.csv"
    records.to_csv(export, index=False)
    mapping = study.parent / "map.yaml"
    code = main(
        [
            "import",
            "redcap-records",
            str(study),
            str(export),
            "--mapping",
            str(mapping),
            "--site",
            "north",
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert (
        "first: delivery_id '2', column delivery_date: expected at least 1990-01-01, "
        "got 1900-01-01" in err
    )
    assert not (study / "data" / "dispensing.csv").read_text().strip().count("\n")


def test_records_without_a_delivery_date(study: Path, capsys) -> None:
    # record 2 (enrolled 2019-02-02, one bp instance) loses its date: refused, or left out
    # with its fill when asked
    records = pd.read_csv(CORPUS / "repeating-instruments" / "data.csv", dtype=str)
    records.loc[records["date_enrolled"] == "2019-02-02", "date_enrolled"] = ""
    export = study.parent / "export.csv"
    records.to_csv(export, index=False)
    args = [
        "import",
        "redcap-records",
        str(study),
        str(export),
        "--mapping",
        str(study.parent / "map.yaml"),
        "--site",
        "north",
    ]
    assert main(args) == 1
    assert "1 records have no delivery date (first: record '2')" in capsys.readouterr().err
    assert main([*args, "--skip-undelivered"]) == 0
    out = capsys.readouterr().out
    assert "1 records without a delivery date left out (2), with 1 fills and 0 events" in out
    assert pd.read_csv(study / "data" / "dispensing.csv")["person_id"].tolist() == [1, 1, 1]
    assert main(["validate", str(study)]) == 0
