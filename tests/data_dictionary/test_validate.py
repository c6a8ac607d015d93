"""data_dictionary.validate / read_table / check_relations: every kind of bad input is reported
with its row, CSV line, column, what was expected and the value found — all at once."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import data_dictionary as dd
from tests.data_dictionary.sample_tables import (
    CODINGS,
    DELIVERIES,
    DISPENSING,
    EVENTS,
    MANIFEST,
    PARTICIPANTS,
    frame,
)

VALID = {
    "deliveries": DELIVERIES,
    "dispensing": DISPENSING,
    "events": EVENTS,
    "participants": PARTICIPANTS,
    "transcripts": MANIFEST,
    "codings": CODINGS,
}


def problems_of(df: pd.DataFrame, table: str) -> pd.DataFrame:
    with pytest.raises(dd.ValidationError) as caught:
        dd.validate(df, table)
    return caught.value.problems


def test_tables_lists_the_seven_dictionaries() -> None:
    assert dd.tables() == [
        "codings",
        "deliveries",
        "dispensing",
        "enrolment",
        "events",
        "participants",
        "transcripts",
    ]


@pytest.mark.parametrize("table", sorted(VALID))
def test_valid_tables_pass_and_keep_every_row(table: str) -> None:
    raw = frame(VALID[table])
    typed = dd.validate(raw, table)
    assert len(typed) == len(raw)
    assert list(typed.columns)[: len(dd.load_schema(table).fields)] == (
        dd.load_schema(table).field_names
    )


def test_types_after_validation() -> None:
    deliveries = dd.validate(frame(DELIVERIES), "deliveries")
    assert deliveries["delivery_date"].dtype == "datetime64[ns]"
    assert deliveries["delivery_date"].iloc[0] == pd.Timestamp("2021-03-10")
    assert deliveries["age"].dtype == "Int64"  # missing allowed
    assert deliveries["pmad"].dtype == "boolean"
    assert deliveries["pmad"].tolist() == [True, False, False, True]
    # "" is the labelled missing code: no MOUD initiated in pregnancy
    assert deliveries["moud_initiation_week"].isna().tolist() == [False, True, False, False]
    assert deliveries["moud_start"].isna().tolist() == [False, True, False, False]
    assert pd.isna(deliveries["coverage_end_date"].iloc[0])
    dispensing = dd.validate(frame(DISPENSING), "dispensing")
    assert dispensing["days_supply"].dtype == "int64"  # required: no missing values
    assert dispensing["days_supply"].tolist() == [30, 30, 14, 28, 1, 6]


def test_typed_frames_from_a_notebook_pass() -> None:
    fills = pd.DataFrame(
        {
            "person_id": ["p1", "p1"],
            "fill_date": pd.to_datetime(["2021-01-01", "2021-01-31"]),
            "drug": ["buprenorphine", "buprenorphine"],
            "days_supply": [30, 30],
            "source": ["pharmacy", "pharmacy"],
        }
    )
    typed = dd.validate(fills, "dispensing")
    assert typed["claim_id"].isna().all()  # optional column, added as missing
    assert typed["days_supply"].tolist() == [30, 30]


def test_missing_column() -> None:
    problems = problems_of(frame(DISPENSING).drop(columns=["days_supply"]), "dispensing")
    assert problems["check"].tolist() == ["column_present"]
    assert problems["column"].tolist() == ["days_supply"]
    assert pd.isna(problems["row"].iloc[0])
    assert "missing column 'days_supply'" in problems["message"].iloc[0]


def test_wrong_type_names_row_line_column_expected_and_value() -> None:
    df = frame(DISPENSING)
    df.loc[2, "days_supply"] = "thirty"
    with pytest.raises(dd.ValidationError) as caught:
        dd.validate(df, "dispensing", file="fills.csv")
    message = str(caught.value)
    assert message.startswith("fills.csv: 1 problem in table dispensing:")
    assert "row 3 (line 4), column days_supply: expected a whole number, got 'thirty'" in message
    row = caught.value.problems.iloc[0]
    assert (row["row"], row["column"], row["check"], row["value"]) == (
        3,
        "days_supply",
        "type",
        "thirty",
    )


def test_decimal_in_an_integer_column_is_a_type_problem() -> None:
    df = frame(DISPENSING)
    df.loc[0, "days_supply"] = "7.5"
    assert problems_of(df, "dispensing")["message"].tolist() == [
        "expected a whole number, got '7.5'"
    ]


def test_unparseable_date() -> None:
    df = frame(DELIVERIES)
    df.loc[1, "delivery_date"] = "06/02/2021"
    problems = problems_of(df, "deliveries")
    assert problems["check"].tolist() == ["type"]
    assert problems["message"].iloc[0] == (
        "expected a date like 2023-01-31 (YYYY-MM-DD), got '06/02/2021'"
    )
    assert problems["row"].tolist() == [2]


def test_impossible_date() -> None:
    df = frame(EVENTS)
    df.loc[0, "event_date"] = "2023-02-30"
    df.loc[1, "event_date"] = "2021-13-01"
    problems = problems_of(df, "events")
    assert problems["check"].tolist() == ["date_exists", "date_exists"]
    assert problems["message"].iloc[0] == (
        "expected a real calendar date, got '2023-02-30' (no such day)"
    )


def test_leap_day_is_a_real_date() -> None:
    df = frame(EVENTS)
    df.loc[0, "event_date"] = "2024-02-29"
    assert dd.validate(df, "events")["event_date"].iloc[0] == pd.Timestamp("2024-02-29")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", "expected at least 1 days, got '0'"),
        ("-5", "expected at least 1 days, got '-5'"),
        ("366", "expected at most 365 days, got '366'"),
    ],
)
def test_days_supply_bounds(value: str, expected: str) -> None:
    df = frame(DISPENSING)
    df.loc[3, "days_supply"] = value
    problems = problems_of(df, "dispensing")
    assert problems["message"].tolist() == [expected]
    assert problems["row"].tolist() == [4]


def test_days_supply_bounds_are_inclusive() -> None:
    df = frame(DISPENSING)
    df.loc[0, "days_supply"] = "365"
    df.loc[1, "days_supply"] = "1"
    assert dd.validate(df, "dispensing")["days_supply"].tolist()[:2] == [365, 1]


def test_unknown_drug() -> None:
    df = frame(DISPENSING)
    df.loc[1, "drug"] = "suboxone"
    problems = problems_of(df, "dispensing")
    assert problems["check"].tolist() == ["enum"]
    assert problems["message"].iloc[0] == (
        "expected one of buprenorphine, methadone, naltrexone, got 'suboxone' (unknown category)"
    )


def test_unknown_category() -> None:
    df = frame(EVENTS)
    df.loc[2, "event_type"] = "relapse"
    problems = problems_of(df, "events")
    assert problems["column"].tolist() == ["event_type"]
    assert "got 'relapse' (unknown category)" in problems["message"].iloc[0]
    assert "return_to_use" in problems["message"].iloc[0]


def test_duplicate_delivery_id_reports_every_occurrence() -> None:
    df = frame(DELIVERIES)
    df.loc[3, "delivery_id"] = "D002"
    problems = problems_of(df, "deliveries")
    assert problems["row"].tolist() == [2, 4]
    assert set(problems["check"]) == {"field_uniqueness"}
    assert "got 'D002' more than once" in problems["message"].iloc[0]


def test_required_value_missing() -> None:
    df = frame(DISPENSING)
    df.loc[0, "person_id"] = ""
    problems = problems_of(df, "dispensing")
    assert problems["check"].tolist() == ["not_nullable"]
    assert problems["row"].tolist() == [1]


def test_boolean_values() -> None:
    df = frame(DELIVERIES)
    df.loc[0, "pmad"] = "maybe"
    problems = problems_of(df, "deliveries")
    assert problems["message"].tolist() == ["expected true or false, got 'maybe'"]


def test_pattern() -> None:
    df = frame(CODINGS)
    df.loc[0, "code_id"] = "Maternal Bonding"
    problems = problems_of(df, "codings")
    assert problems["message"].tolist() == [
        "expected text matching [a-z][a-z0-9_]*, got 'Maternal Bonding'"
    ]


def test_row_check_end_after_start() -> None:
    df = frame(CODINGS)
    df.loc[1, "end"] = "12"
    problems = problems_of(df, "codings")
    assert problems["message"].tolist() == ["expected end > start, got '12' vs '12'"]


def test_every_problem_is_collected_not_only_the_first() -> None:
    df = frame(DISPENSING)
    df.loc[0, "days_supply"] = "0"
    df.loc[1, "drug"] = "heroin"
    df.loc[2, "fill_date"] = "2021-02-30"
    df.loc[4, "claim_id"] = "C001"
    df.loc[5, "source"] = "mail"
    problems = problems_of(df, "dispensing")
    assert len(problems) == 6  # the duplicate claim id counts twice (rows 1 and 5)
    assert problems["row"].tolist() == [1, 1, 2, 3, 5, 6]


def test_message_lists_50_then_and_n_more() -> None:
    df = pd.concat([frame(DISPENSING)] * 20, ignore_index=True)
    df["claim_id"] = [f"C{i}" for i in range(len(df))]
    df["days_supply"] = "0"
    with pytest.raises(dd.ValidationError) as caught:
        dd.validate(df, "dispensing")
    assert len(caught.value.problems) == 120
    lines = str(caught.value).splitlines()
    assert len(lines) == 1 + 50 + 1
    assert lines[-1].strip() == "... and 70 more (see .problems)"


def test_read_table_csv_gz_and_parquet(tmp_path: Path) -> None:
    gz = tmp_path / "dispensing.csv.gz"
    gz.write_bytes(gzip.compress(DISPENSING.encode()))
    from_gz = dd.read_table(gz, "dispensing")
    parquet = tmp_path / "dispensing.parquet"
    from_gz.to_parquet(parquet)
    from_parquet = dd.read_table(parquet, "dispensing")
    pd.testing.assert_frame_equal(from_gz, from_parquet)
    assert from_gz["fill_date"].iloc[-1] == pd.Timestamp("2022-09-02")


def test_read_table_names_the_file_and_reports_instead_of_crashing(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(EVENTS.replace("2021-05-01", "not a date").replace("D004", ""))
    with pytest.raises(dd.ValidationError) as caught:
        dd.read_table(path, "events")
    message = str(caught.value)
    assert message.startswith(f"{path}: 2 problems in table events:")
    assert "row 1 (line 2), column event_date: expected a date" in message
    assert "row 3 (line 4), column delivery_id: a value is required" in message
    assert caught.value.file == str(path)


def test_read_table_unreadable(tmp_path: Path) -> None:
    with pytest.raises(dd.TableReadError, match="file not found"):
        dd.read_table(tmp_path / "nope.csv", "events")
    ragged = tmp_path / "events.csv"
    ragged.write_text(EVENTS + "E009,p001,D001,2021-06-01,overdose_nonfatal,extra,cells\n")
    with pytest.raises(dd.TableReadError) as caught:
        dd.read_table(ragged, "events")
    assert caught.value.file == str(ragged)
    assert "line 5" in str(caught.value)
    spreadsheet = tmp_path / "events.xlsx"
    spreadsheet.write_bytes(b"PK")
    with pytest.raises(dd.TableReadError, match="unknown table format"):
        dd.read_table(spreadsheet, "events")


def test_unknown_table_name() -> None:
    with pytest.raises(dd.SchemaError, match=r"no data dictionary for table 'fills'.*dispensing"):
        dd.load_schema("fills")


# -- cross-table relations ---------------------------------------------------------------


def typed_tables(**replace: str) -> dict[str, pd.DataFrame]:
    texts = {**VALID, **replace}
    return {name: dd.validate(frame(text), name) for name, text in texts.items()}


def test_valid_relations_pass() -> None:
    dd.check_relations(typed_tables())


def test_event_before_its_delivery() -> None:
    tables = typed_tables(events=EVENTS.replace("D001,2021-05-01", "D001,2021-03-09"))
    with pytest.raises(dd.ValidationError) as caught:
        dd.check_relations(tables)
    problems = caught.value.problems
    assert problems[["table", "row", "column"]].values.tolist() == [["events", 1, "event_date"]]
    assert problems["message"].iloc[0] == (
        "expected a date on or after the delivery_date of delivery_id 'D001' (2021-03-10), "
        "got 2021-03-09"
    )


def test_event_on_the_delivery_day_is_allowed() -> None:
    dd.check_relations(typed_tables(events=EVENTS.replace("D001,2021-05-01", "D001,2021-03-10")))


def test_unknown_delivery_and_person() -> None:
    tables = typed_tables(
        events=EVENTS.replace("E003,p003,D004", "E003,p003,D999"),
        dispensing=DISPENSING.replace("C004,p003", "C004,p777"),
    )
    problems = dd.relation_problems(tables)
    found = {(t, r, c) for t, r, c in problems[["table", "row", "column"]].values.tolist()}
    assert found == {("events", 3, "delivery_id"), ("dispensing", 4, "person_id")}
    message = problems.loc[problems["table"] == "dispensing", "message"].iloc[0]
    assert message == "expected a person_id that occurs in deliveries, got 'p777'"


def test_relations_skip_tables_not_given() -> None:
    tables = typed_tables()
    assert len(dd.relation_problems({"events": tables["events"]})) == 0


def test_required_when_patients_need_a_person_and_providers_a_type() -> None:
    df = frame(PARTICIPANTS)
    df.loc[1, "person_id"] = ""
    df.loc[2, "provider_type"] = ""
    problems = problems_of(df, "participants")
    assert problems[["row", "column"]].values.tolist() == [[2, "person_id"], [3, "provider_type"]]
    assert problems["message"].tolist() == [
        "a value is required when role is 'patient', got nothing",
        "a value is required when role is 'provider', got nothing",
    ]


def test_arrow_strings_give_the_same_problems_and_values(tmp_path: Path) -> None:
    """``read_raw(arrow_strings=True)`` (used by dyadlab validate) must agree with the
    object-column path on every kind of problem and on every typed value."""
    bad = (
        DELIVERIES.replace("D003,p001,2023-01-05", "D002,p001,2023-02-30")
        .replace(",28,white,medicaid,1,true", ",x,white,medicare,1,maybe")
        .replace("2022-08-15,east,24", "15/08/2022,east,24")
        .replace("2021-06-02,south,", "2021-06-02,,")
    )
    found = {}
    for name, text in (("bad", bad), ("good", DELIVERIES)):
        path = tmp_path / "deliveries.csv"
        path.write_text(text)
        plain, plain_problems = dd.check_table(dd.read_raw(path), "deliveries")
        arrow, arrow_problems = dd.check_table(dd.read_raw(path, arrow_strings=True), "deliveries")
        pd.testing.assert_frame_equal(
            plain_problems.astype({"value": object}), arrow_problems.astype({"value": object})
        )
        for column in plain.columns:
            left = plain[column].astype(object).where(plain[column].notna(), None).tolist()
            right = arrow[column].astype(object).where(arrow[column].notna(), None).tolist()
            assert left == right, column
        found[name] = arrow_problems
    assert len(found["good"]) == 0
    assert set(found["bad"]["check"]) == {
        "date_exists",
        "type",
        "enum",
        "field_uniqueness",
        "not_nullable",
    }


def test_duplicated_rows_marks_every_occurrence_and_ignores_missing() -> None:
    from data_dictionary.checks import duplicated_rows

    values = pd.Series(["b", "a", None, "b", "c", None, "a", "b"], dtype=object)
    assert duplicated_rows(values).tolist() == [True, True, False, True, False, False, True, True]
    assert duplicated_rows(pd.Series([3, 1, 2], dtype="Int64")).tolist() == [False] * 3
    mixed = pd.Series([1, "1", 1, None], dtype=object)  # not one Arrow type: pandas fallback
    assert duplicated_rows(mixed).tolist() == [True, False, True, False]
    assert duplicated_rows(pd.Series(["x"])).tolist() == [False]


@pytest.mark.parametrize("arrow", [False, True])
def test_custom_date_format(arrow: bool) -> None:
    from data_dictionary.schema import schema_from_dict

    schema = schema_from_dict(
        {"name": "visits", "fields": [{"name": "visit", "type": "date", "format": "%m/%d/%Y"}]}
    )
    values = ["03/10/2021", "02/30/2021", "2021-03-10", ""]
    dtype = pd.ArrowDtype(pa.string()) if arrow else object
    df = pd.DataFrame({"visit": pd.Series(values, dtype=dtype)})
    typed, problems = dd.check_table(df, schema)
    assert typed["visit"].iloc[0] == pd.Timestamp("2021-03-10")
    assert problems["row"].tolist() == [2, 3]
    assert typed["visit"].isna().tolist() == [False, True, True, True]


def test_read_table_text_columns_are_objects_with_nan_for_missing(tmp_path: Path) -> None:
    path = tmp_path / "participants.csv"
    path.write_text(PARTICIPANTS)
    people = dd.read_table(path, "participants")
    assert people["person_id"].dtype == object
    assert people["person_id"].tolist()[:2] == ["p001", "p003"]
    missing = people["person_id"].iloc[2]
    assert isinstance(missing, float) and np.isnan(missing)  # NaN, as pandas' read_csv gives
    arrow = dd.read_table(path, "participants", arrow_strings=True)
    assert isinstance(arrow["person_id"].dtype, pd.ArrowDtype)
    assert arrow["person_id"].isna().tolist() == [False, False, True]


def test_excel_style_csv_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(b"\xef\xbb\xbf" + EVENTS.replace("\n", "\r\n").encode())
    events = dd.read_table(path, "events")
    assert list(events.columns) == dd.load_schema("events").field_names
    assert events["event_type"].iloc[-1] == "overdose_nonfatal"


def test_line_numbers_count_line_breaks_inside_quoted_cells(tmp_path: Path, capsys) -> None:
    path = tmp_path / "codings.csv"
    memo = '"first line of the memo\nsecond line\nthird line"'
    path.write_text(
        CODINGS.replace(
            "K001,T01,coder_a,maternal_bonding,12,40,", f"K001,T01,coder_a,x,12,40,{memo}"
        ).replace("K002,T01,coder_b,maternal_bonding", "K002,T01,coder_b,Bad Code")
    )
    with pytest.raises(dd.ValidationError) as caught:
        dd.read_table(path, "codings")
    # row 1 starts on line 2 and spans lines 2-4, so row 2 starts on line 5
    assert "row 2 (line 5), column code_id: expected text matching" in str(caught.value)
    assert caught.value.problems["line"].tolist() == [5]
    from studies.cli import main
    from tests.data_dictionary.sample_tables import write_study

    study = write_study(tmp_path / "study", codings=path.read_text())
    assert main(["validate", str(study)]) == 1
    assert "row 2 (line 5), column code_id" in capsys.readouterr().err
