"""REDCap data dictionary → Table Schema, on an invented 20-row dictionary (fixtures/).

Expected mappings follow REDCap's documented conventions: checkbox exports are one 0/1 column
per choice named ``variable___code``; yesno/truefalse export 1/0; dates export as YYYY-MM-DD
(REDCap Help & FAQ, "Data Export": "dates are exported in Y-M-D format").
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

import data_dictionary as dd
from data_dictionary.redcap import COLUMNS, parse_choices, redcap_to_schema
from studies.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "redcap_dictionary.csv"


@pytest.fixture(scope="module")
def schema() -> dd.Schema:
    return redcap_to_schema(FIXTURE, table="baseline")


def test_every_data_field_converted_descriptive_skipped(schema: dd.Schema) -> None:
    # 20 rows: 1 descriptive skipped, 1 checkbox with 4 choices becomes 4 fields; then one
    # optional <form>_complete status column per instrument, as every REDCap export has
    forms = ["enrollment", "moud_history", "postpartum"]
    assert len(schema.fields) == 20 - 1 - 1 + 4 + len(forms)
    assert schema.field_names[-3:] == [f"{f}_complete" for f in forms]
    assert schema.field("postpartum_complete").optional
    assert "enrollment_intro" not in schema.field_names
    assert schema.name == "baseline"


def test_types_from_validation(schema: dd.Schema) -> None:
    kinds = {f.name: f.type for f in schema.fields}
    assert kinds["enroll_date"] == "date"
    assert kinds["age_at_enroll"] == "integer"
    assert kinds["dose_mg"] == "number"  # number_1dp
    assert kinds["bmi"] == "number"  # calc
    assert kinds["moud_ever"] == "boolean"  # yesno
    assert kinds["peer_support"] == "boolean"  # truefalse
    assert kinds["craving"] == "integer"  # slider
    assert kinds["notes_pp"] == "string"


def test_patterns_and_bounds(schema: dd.Schema) -> None:
    assert schema.field("zip").constraints["pattern"] == r"\d{5}(-\d{4})?"
    assert "pattern" in schema.field("participant_email").constraints
    assert "pattern" in schema.field("participant_phone").constraints
    assert schema.field("visit_time").constraints["pattern"] == r"([01]\d|2[0-3]):[0-5]\d"
    # REDCap's range and required checks are soft (a user may confirm a value outside the
    # range, or save an incomplete form): warnings, not rejections
    age = schema.field("age_at_enroll")
    assert (age.soft_constraints["minimum"], age.soft_constraints["maximum"]) == (15, 55)
    assert age.soft_constraints["required"] is True and "required" not in age.constraints
    assert schema.field("dose_mg").soft_constraints["maximum"] == 300.5
    # "today" as a maximum is not a fixed bound
    assert schema.field("enroll_date").soft_constraints == {
        "required": True,
        "minimum": "2019-01-01",
    }
    # a slider cannot leave its range: hard bounds
    assert schema.field("craving").constraints == {"minimum": 0, "maximum": 100}


def test_choices_become_categories(schema: dd.Schema) -> None:
    site = schema.field("site")
    assert site.type == "integer"
    assert [(c.value, c.label) for c in site.categories] == [
        (1, "North Valley Hospital"),
        (2, "South Bay Medical Center"),
        (3, "East County Clinic"),
    ]
    assert site.enum == [1, 2, 3]
    insurance = schema.field("insurance")
    assert insurance.type == "string"
    assert insurance.enum == ["medicaid", "private", "none"]


def test_checkbox_one_boolean_per_choice(schema: dd.Schema) -> None:
    names = [n for n in schema.field_names if n.startswith("moud_type")]
    assert names == ["moud_type___1", "moud_type___2", "moud_type___3", "moud_type___99"]
    other = schema.field("moud_type___99")
    assert other.type == "boolean"
    assert other.title == "Which medications (check all that apply)?: Other, please specify"
    assert other.true_values == ("1",) and other.false_values == ("0",)
    # required in REDCap, but branching logic can hide it: not required in the data
    assert not other.required
    assert "Shown only if [moud_ever] = '1'" in other.description


def test_identifiers_marked_pii(schema: dd.Schema) -> None:
    assert [f.name for f in schema.fields if f.pii] == [
        "participant_name",
        "participant_email",
        "participant_phone",
        "zip",
        "consent_form",
    ]


def test_html_stripped_from_labels(tmp_path: Path) -> None:
    text = FIXTURE.read_text().replace('"Record ID"', '"<b>Record</b> ID"')
    (tmp_path / "d.csv").write_text(text)
    assert redcap_to_schema(tmp_path / "d.csv").field("record_id").title == "Record ID"


def test_a_redcap_export_validates_against_the_converted_schema(schema: dd.Schema) -> None:
    header = ",".join(n for n in schema.field_names if not n.endswith("_complete"))
    good = (
        "r1,2021-04-02,A,a@b.org,555-123-4567,02139,31,2,medicaid,1,0,1,0,0,12,80.5,"
        "1,09:30,24.1,40,,consent.pdf"
    )
    bad = "r2,2021-04-31,B,not-an-email,555-123-4567,2139,70,5,medicaid,2,0,1,0,0,,,0,25:00,,,note,"
    df = pd.read_csv(io.StringIO("\n".join([header, good, bad])), dtype=str, keep_default_na=False)
    with pytest.raises(dd.ValidationError) as caught:
        dd.validate(df, schema)
    problems = caught.value.problems
    assert set(problems["row"]) == {2}
    assert problems["column"].tolist() == [
        "enroll_date",
        "moud_ever",
        "participant_email",
        "site",
        "visit_time",
        "zip",
    ]
    typed = dd.validate(df.iloc[[0]], schema)
    assert bool(typed["moud_type___2"].iloc[0]) is True
    assert typed["enroll_date"].iloc[0] == pd.Timestamp("2021-04-02")
    # age 70 > 55 is a soft maximum: a warning naming row and field, the data returned
    soft = df.iloc[[0]].assign(age_at_enroll="70")
    with pytest.warns(dd.SoftConstraintWarning, match=r"row 1 \(line 2\), column age_at_enroll"):
        typed = dd.validate(soft, schema)
    assert typed["age_at_enroll"].iloc[0] == 70


def test_yaml_round_trip(schema: dd.Schema, tmp_path: Path) -> None:
    from data_dictionary.redcap import schema_to_yaml

    path = tmp_path / "baseline.yaml"
    path.write_text(schema_to_yaml(schema))
    again = dd.load_schema(path)
    assert again.field_names == schema.field_names
    assert [f.type for f in again.fields] == [f.type for f in schema.fields]
    assert again.field("site").categories == schema.field("site").categories
    assert again.field("zip").pii


def test_parse_choices() -> None:
    assert parse_choices("1, Yes | 0, No") == [("1", "Yes"), ("0", "No")]
    assert parse_choices("a,Alpha, with comma|b , Beta") == [
        ("a", "Alpha, with comma"),
        ("b", "Beta"),
    ]
    with pytest.raises(dd.DictionaryImportError, match="malformed choice '1 Yes'"):
        parse_choices("1 Yes | 0, No", line=7)
    with pytest.raises(dd.DictionaryImportError, match=r"duplicate choice code\(s\) \['1'\]"):
        parse_choices("1, Yes | 1, No")


def test_malformed_choices_name_the_line(tmp_path: Path) -> None:
    text = FIXTURE.read_text().replace("1, North Valley Hospital | 2,", "1, North Valley | 2 ")
    (tmp_path / "d.csv").write_text(text)
    with pytest.raises(dd.DictionaryImportError) as caught:
        redcap_to_schema(tmp_path / "d.csv")
    error = caught.value
    assert error.line == 9  # the 'site' row
    assert error.field == "site"
    assert "malformed choice" in str(error) and str(tmp_path / "d.csv") in str(error)


def test_missing_columns_are_named(tmp_path: Path) -> None:
    lines = FIXTURE.read_text().splitlines()
    header = lines[0].replace('"Form Name",', "").replace('"Field Type",', "")
    (tmp_path / "d.csv").write_text("\n".join([header, *lines[1:]]))
    with pytest.raises(dd.DictionaryImportError) as caught:
        redcap_to_schema(tmp_path / "d.csv")
    assert caught.value.line == 1
    assert "'Form Name', 'Field Type'" in str(caught.value)


def test_older_dictionaries_without_trailing_columns_read(tmp_path: Path) -> None:
    # REDCap before 6.5 wrote no "Field Annotation"; cells of absent columns read as empty
    lines = [line.rsplit(",", 1)[0] for line in FIXTURE.read_text().splitlines()]
    (tmp_path / "d.csv").write_text("\n".join(lines))
    assert redcap_to_schema(tmp_path / "d.csv").field_names == redcap_to_schema(FIXTURE).field_names


def test_unknown_field_type_names_the_line(tmp_path: Path) -> None:
    text = FIXTURE.read_text().replace("postpartum,,truefalse", "postpartum,,toggle")
    (tmp_path / "d.csv").write_text(text)
    with pytest.raises(dd.DictionaryImportError, match="unknown Field Type 'toggle'") as caught:
        redcap_to_schema(tmp_path / "d.csv")
    assert caught.value.line == 16


def test_cli_writes_yaml_atomically(tmp_path: Path, capsys) -> None:
    out = tmp_path / "schemas" / "baseline.yaml"
    assert (
        main(
            ["import", "redcap-dictionary", str(FIXTURE), "--out", str(out), "--table", "baseline"]
        )
        == 0
    )
    assert "25 fields" in capsys.readouterr().out
    assert dd.load_schema(out).name == "baseline"
    assert [p.name for p in out.parent.iterdir()] == ["baseline.yaml"]  # no temp files left


def test_cli_form_filter_and_json(capsys) -> None:
    assert (
        main(["import", "redcap-dictionary", str(FIXTURE), "--form", "postpartum", "--json"]) == 0
    )
    payload = json.loads(capsys.readouterr().out)
    assert payload["fields"] == 7  # 6 data fields and postpartum_complete
    assert payload["pii"] == ["consent_form"]


def test_cli_bad_file_exit_1_one_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "d.csv").write_text("a,b\n1,2\n")
    assert main(["import", "redcap-dictionary", str(tmp_path / "d.csv")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "not a REDCap data dictionary" in err and "line 1" in err


def test_standard_columns_are_the_18() -> None:
    assert len(COLUMNS) == 18


def test_whole_numbers_written_as_decimals_and_far_years() -> None:
    # exports that went through a float column write 30 as "30.0": a whole number; a year
    # outside what dates can hold (2919) is a real day, most often a typo, and said so
    fills = pd.DataFrame(
        {
            "claim_id": ["a", "b", "c"],
            "person_id": ["p", "p", "p"],
            "fill_date": ["2019-09-17", "2919-09-17", "2023-02-30"],
            "drug": ["methadone"] * 3,
            "days_supply": ["30.0", "7.5", " 14.00 "],
            "source": ["otp"] * 3,
        }
    )
    with pytest.raises(dd.ValidationError) as caught:
        dd.validate(fills, "dispensing")
    messages = caught.value.problems.set_index(["row", "column"])["message"].to_dict()
    assert messages == {
        (2, "days_supply"): "expected a whole number, got '7.5'",
        (2, "fill_date"): "expected a year between 1678 and 2261, got '2919-09-17' (a typo?)",
        (3, "fill_date"): "expected a real calendar date, got '2023-02-30' (no such day)",
    }
    typed = dd.validate(fills.iloc[[0]], "dispensing")
    assert typed["days_supply"].tolist() == [30]


def test_soft_warning_survives_pickling() -> None:
    import pickle

    from data_dictionary.problems import problems_frame

    problems = problems_frame(
        [
            {
                "table": "t",
                "row": 1,
                "column": "age",
                "check": "soft_maximum",
                "value": "70",
                "message": "expected at most 55 (REDCap's soft maximum), got '70'",
            }
        ]
    )
    warning = dd.SoftConstraintWarning(problems, file="export.csv")
    again = pickle.loads(pickle.dumps(warning))
    assert str(again) == str(warning) and again.file == "export.csv"
    assert again.problems.equals(warning.problems)
