"""``read_omop_extract`` + ``from_omop`` on a real OMOP CDM 5.4 extract (OHDSI's Synthea27Nj,
tests/fixtures/realworld/omop/, source and licence in the README there).

Expected values are read off the CSV files with the ``csv`` module (no dyadlab code): the
procedure records of the delivery concepts, the observation periods of their persons, the
overdose condition record. The same extract as Parquet (OHDSI's own Parquet release), as
tab-separated text and in a DuckDB file must give the same tables.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.adapters.omop import from_omop
from analysis.adapters.omop_files import read_omop_extract
from analysis.errors import AnalysisError

CORPUS = Path(__file__).parents[2] / "fixtures" / "realworld" / "omop"
CSV_DIR = CORPUS / "synthea27nj"
PARQUET_DIR = CORPUS / "synthea27nj-parquet"
#: SNOMED procedures in the extract: 4015701 Cesarean section, 4128031 Instrumental delivery
DELIVERY = ["4015701", "4128031"]
OVERDOSE = [4208104]  # Drug overdose (SNOMED 55680006)


def rows(table: str) -> list[dict[str, str]]:
    with open(CSV_DIR / f"{table.upper()}.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def convert(path: Path):
    tables = read_omop_extract(path)
    return from_omop(
        tables["person"],
        tables["drug_exposure"],
        condition_occurrence=tables.get("condition_occurrence"),
        procedure_occurrence=tables.get("procedure_occurrence"),
        observation_period=tables.get("observation_period"),
        death=tables.get("death"),
        concept_ancestor=tables.get("concept_ancestor"),
        delivery_concepts=DELIVERY,
        overdose_concepts=OVERDOSE,
    )


@pytest.fixture(scope="module")
def from_csv():
    return convert(CSV_DIR)


def test_deliveries_are_the_delivery_procedures(from_csv) -> None:
    expected = sorted(
        (r["person_id"], r["procedure_date"])
        for r in rows("procedure_occurrence")
        if r["procedure_concept_id"] in DELIVERY
    )
    got = from_csv.deliveries
    assert (
        sorted(zip(got["person_id"], got["delivery_date"].dt.strftime("%Y-%m-%d"), strict=True))
        == expected
    )
    assert len(expected) == 3  # 16: 2005-01-09 and 2013-09-29 (8 years apart); 28: 2005-10-21


def test_age_and_coverage_from_person_and_observation_period(from_csv) -> None:
    born = {r["person_id"]: int(r["year_of_birth"]) for r in rows("person")}
    period = {
        r["person_id"]: (r["observation_period_start_date"], r["observation_period_end_date"])
        for r in rows("observation_period")
    }
    for _, d in from_csv.deliveries.iterrows():
        assert d["age"] == d["delivery_date"].year - born[d["person_id"]]
        start, end = period[d["person_id"]]
        assert d["coverage_start_date"] == pd.Timestamp(start)
        assert d["coverage_end_date"] == pd.Timestamp(end)


def test_overdose_event_belongs_to_the_delivery_before_it(from_csv) -> None:
    (record,) = [
        r for r in rows("condition_occurrence") if int(r["condition_concept_id"]) in OVERDOSE
    ]
    events = from_csv.events
    assert events["event_type"].tolist() == ["overdose_nonfatal"]
    assert events["event_date"].iloc[0] == pd.Timestamp(record["condition_start_date"])
    assert events["person_id"].iloc[0] == record["person_id"]
    # 2006-01-07 falls after person 16's delivery of 2005-01-09, before the one of 2013
    assert events["delivery_id"].iloc[0] == "16-20050109"


def test_no_moud_in_this_extract_gives_an_empty_dispensing_table(from_csv) -> None:
    assert from_csv.dispensing.empty
    assert "0 of 883 drug exposures are MOUD" in from_csv.notes


def test_coverage_start_feeds_the_lookback_rule(from_csv) -> None:
    cohort = from_csv.cohort(lookback_days=90, data_end="2022-06-30")
    # every delivery lies decades into an observation period starting in 1983/1988
    assert cohort["lookback_observed"].astype(bool).all()
    assert cohort.loc[cohort["delivery_id"] == "16-20050109", "overdose_status"].item() == 1


def test_parquet_gives_the_same_tables(from_csv) -> None:
    again = convert(PARQUET_DIR)
    for name in ("deliveries", "events", "dispensing"):
        pd.testing.assert_frame_equal(
            getattr(again, name), getattr(from_csv, name), check_dtype=False
        )


def test_tab_separated_and_duckdb_give_the_same_tables(from_csv, tmp_path: Path) -> None:
    import duckdb

    tsv = tmp_path / "tsv"
    tsv.mkdir()
    db = duckdb.connect(str(tmp_path / "cdm.duckdb"))
    for source in CSV_DIR.glob("*.csv"):
        frame = pd.read_csv(source, dtype=str, keep_default_na=False)
        frame.to_csv(tsv / f"{source.stem.lower()}.tsv", sep="\t", index=False)
        typed = pd.read_csv(source)  # ids as integers, dates as text: as a loader would
        for column in typed.columns:
            if column.endswith("_date"):
                typed[column] = pd.to_datetime(typed[column])
        db.register("frame", typed)
        db.execute(f"CREATE TABLE {source.stem} AS SELECT * FROM frame")  # upper-case names
        db.unregister("frame")
    db.close()
    for path in (tsv, tmp_path / "cdm.duckdb"):
        again = convert(path)
        for name in ("deliveries", "events"):
            pd.testing.assert_frame_equal(
                getattr(again, name), getattr(from_csv, name), check_dtype=False
            )


def test_no_delivery_for_the_concept_set_says_what_was_looked_for() -> None:
    tables = read_omop_extract(CSV_DIR)
    with pytest.raises(AnalysisError) as caught:
        from_omop(
            tables["person"],
            tables["drug_exposure"],
            condition_occurrence=tables["condition_occurrence"],
            procedure_occurrence=tables["procedure_occurrence"],
        )
    message = str(caught.value)
    assert "no delivery records" in message
    assert "470 condition_occurrence records" in message  # the file's 470 rows
    assert "1,649 procedure_occurrence records" in message
    assert "4014295 (Single live birth" in message


@pytest.mark.parametrize(
    ("bad", "expected"),
    [("2005-13-09", "not a date"), ("20050109", "integer-encoded date")],
)
def test_bad_dates_named_by_table_row_and_column(tmp_path: Path, bad: str, expected: str) -> None:
    copy = tmp_path / "cdm"
    shutil.copytree(CSV_DIR, copy)
    path = copy / "PROCEDURE_OCCURRENCE.csv"
    lines = path.read_text().splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("840,16,4128031,"))
    lines[row] = lines[row].replace("2005-01-09", bad, 1)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(AnalysisError, match=expected) as caught:
        convert(copy)
    assert caught.value.file == "procedure_occurrence"
    assert caught.value.field == "procedure_date"
    assert caught.value.row == row  # 1-based data row = line index after the header


def test_integer_typed_date_column_is_refused(tmp_path: Path) -> None:
    tables = read_omop_extract(CSV_DIR)
    procedures = tables["procedure_occurrence"].copy()
    procedures["procedure_date"] = procedures["procedure_date"].str.replace("-", "").astype(int)
    with pytest.raises(AnalysisError, match="integer-encoded date") as caught:
        from_omop(
            tables["person"],
            tables["drug_exposure"],
            procedure_occurrence=procedures,
            delivery_concepts=DELIVERY,
        )
    assert (caught.value.file, caught.value.field) == ("procedure_occurrence", "procedure_date")


def test_otp_procedures_read_as_dispensing() -> None:
    tables = read_omop_extract(CSV_DIR)
    person = tables["person"]
    otp = pd.DataFrame(
        {
            "procedure_occurrence_id": ["9001", "9002", "9003", "9004", "9005"],
            "person_id": ["16"] * 5,
            "procedure_concept_id": ["0"] * 5,
            "procedure_date": [
                "2004-12-20",
                "2004-12-27",
                "2005-01-03",
                "2005-01-03",
                "2005-01-05",
            ],
            "procedure_source_value": ["G2067", "G2078", "H0020 HG", "G2074", "G2079"],
            "quantity": ["1", "", "7", "1", "1"],
        }
    )
    procedures = pd.concat([tables["procedure_occurrence"], otp], ignore_index=True)
    result = from_omop(
        person,
        tables["drug_exposure"],
        procedure_occurrence=procedures,
        delivery_concepts=DELIVERY,
    )
    fills = result.dispensing.set_index("claim_id")
    # G2067 weekly methadone bundle 7 days; G2078 methadone take-home 7 days; H0020 x7 units
    # of 1 day; G2079 oral buprenorphine take-home 7 days; G2074 (no drug) is not a fill
    assert fills.loc["po9001", ["drug", "days_supply"]].tolist() == ["methadone", 7]
    assert fills.loc["po9002", ["drug", "days_supply"]].tolist() == ["methadone", 7]
    assert fills.loc["po9003", ["drug", "days_supply"]].tolist() == ["methadone", 7]
    assert fills.loc["po9005", ["drug", "days_supply"]].tolist() == ["buprenorphine", 7]
    assert "po9004" not in fills.index
    assert set(fills["source"]) == {"otp"}
    assert any("G2074" in note for note in result.notes)
    # a study that bills H0020 per week sets its days
    weekly = from_omop(
        person,
        tables["drug_exposure"],
        procedure_occurrence=procedures,
        delivery_concepts=DELIVERY,
        otp_procedures={"H0020": ("methadone", 7)},
    )
    assert weekly.dispensing["days_supply"].tolist() == [49]


def test_headerless_bulk_load_files_get_the_cdm_columns(from_csv, tmp_path: Path) -> None:
    # database bulk-load files (e.g. the CMS SynPUF CDM) are tab-separated without a header
    for source in CSV_DIR.glob("*.csv"):
        lines = source.read_text().splitlines()[1:]
        (tmp_path / source.name).write_text("\n".join(x.replace(",", "\t") for x in lines) + "\n")
    notes: list[str] = []
    tables = read_omop_extract(tmp_path, notes)
    assert "person_id" in tables["person"].columns
    assert any("PROCEDURE_OCCURRENCE.csv: no header row" in n and "v5.4" in n for n in notes)
    again = convert(tmp_path)
    pd.testing.assert_frame_equal(again.deliveries, from_csv.deliveries, check_dtype=False)


def test_vocabulary_tables_keep_only_the_rows_used(tmp_path: Path) -> None:
    import duckdb

    copy = tmp_path / "cdm"
    shutil.copytree(CSV_DIR, copy)
    (copy / "CONCEPT_ANCESTOR.csv").write_text(
        "ancestor_concept_id,descendant_concept_id,min_levels_of_separation,"
        "max_levels_of_separation\n4015701,4015701,0,0\n4015701,9999999,1,1\n123,456,1,1\n"
    )
    (copy / "CONCEPT.csv").write_text(
        "concept_id,concept_name,domain_id,vocabulary_id,concept_class_id,standard_concept,"
        "concept_code,valid_start_date,valid_end_date,invalid_reason\n"
        "2617329,Methadone weekly bundle,Procedure,HCPCS,HCPCS,S,G2067,2020-01-01,2099-12-31,\n"
        "4015701,Cesarean section,Procedure,SNOMED,Procedure,S,11466000,2002-01-31,2099-12-31,\n"
    )
    tables = read_omop_extract(copy, ancestors=[4015701])
    assert tables["concept_ancestor"]["descendant_concept_id"].tolist() == ["4015701", "9999999"]
    assert tables["concept"]["concept_code"].tolist() == ["G2067"]
    assert len(read_omop_extract(copy)["concept_ancestor"]) == 3  # no ancestors given: all
    db = duckdb.connect(str(tmp_path / "cdm.duckdb"))
    for table in ("PERSON", "CONCEPT_ANCESTOR"):
        db.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{copy / table}.csv')")
    db.close()
    from_db = read_omop_extract(tmp_path / "cdm.duckdb", ancestors=[4015701])
    assert sorted(from_db["concept_ancestor"]["descendant_concept_id"]) == [4015701, 9999999]
