"""Real REDCap data dictionaries and record exports (tests/fixtures/realworld/redcap/).

The files are REDCapR's test projects (MIT; source, commit and licence in the README beside
them): exports made by a REDCap server, with the dictionary of the same project. Each test
checks what a user needs from the file — field types and choices as the dictionary says,
every record read with the right values — not merely that nothing raised. Expected values
are read off the files themselves (quoted in the comments), not from dyadlab's output.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import data_dictionary as dd
from data_dictionary.redcap import redcap_to_schema
from studies.cli import main

CORPUS = Path(__file__).parents[1] / "fixtures" / "realworld" / "redcap"


def export(project: str) -> pd.DataFrame:
    return pd.read_csv(CORPUS / project / "data.csv", dtype=str, keep_default_na=False)


def validated(project: str, dictionary: str = "dictionary.csv") -> pd.DataFrame:
    schema = redcap_to_schema(CORPUS / project / dictionary)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        return dd.validate(export(project), schema)


def test_api_metadata_gives_the_same_schema_as_the_download() -> None:
    # simple/metadata.csv is the API's metadata export (field_name, form_name, ...; "NA"
    # cells as R wrote them); dictionary.csv the Data Dictionary download of one project
    api = redcap_to_schema(CORPUS / "simple" / "metadata.csv", table="simple")
    download = redcap_to_schema(CORPUS / "simple" / "dictionary.csv", table="simple")
    # the two files were saved at different times: "age" became a calculated field since
    same = [f for f in api.field_names if f != "age"]
    assert [api.field(n) for n in same] == [download.field(n) for n in same]
    assert (api.field("age").type, download.field("age").type) == ("number", "string")
    kinds = {f.name: f.type for f in download.fields}
    # dob date_ymd; height number 130-215; weight integer 35-200; bmi calc; sex radio 0/1
    assert (kinds["dob"], kinds["height"], kinds["weight"], kinds["bmi"]) == (
        "date",
        "number",
        "integer",
        "number",
    )
    assert download.field("height").soft_constraints == {"minimum": 130, "maximum": 215}
    assert [(c.value, c.label) for c in download.field("sex").categories] == [
        (0, "Female"),
        (1, "Male"),
    ]
    # race: checkbox with 6 choices -> race___1 .. race___6
    assert [n for n in download.field_names if n.startswith("race___")] == [
        f"race___{i}" for i in range(1, 7)
    ]
    assert {f.name for f in download.fields if f.pii} == {
        "name_first",
        "name_last",
        "address",
        "telephone",
        "email",
        "dob",
    }


@pytest.mark.parametrize("dictionary", ["dictionary.csv", "metadata.csv"])
def test_comma_decimals_read_as_numbers(dictionary: str) -> None:
    # data.csv row 1: height_dot 1.54, height_comma "1,54", weight_comma "52,3"
    typed = validated("decimal-comma-and-dot", dictionary)
    assert len(typed) == 4
    assert typed["height_comma"].tolist() == typed["height_dot"].tolist()
    assert typed["height_comma"].iloc[0] == pytest.approx(1.54)
    assert typed["weight_comma"].iloc[0] == pytest.approx(52.3)
    schema = redcap_to_schema(CORPUS / "decimal-comma-and-dot" / dictionary)
    assert schema.field("height_comma").decimal_char == ","
    assert schema.field("weight_comma").soft_constraints == {"minimum": 35, "maximum": 200}


def test_comma_decimal_project() -> None:
    # Valdez 1,54 m 52,3 kg ... Furtado 1,95 m 123,4 kg
    typed = validated("decimal-comma", "dictionay.csv")
    assert typed["height"].tolist() == pytest.approx([1.54, 1.84, 1.95, 1.61])
    assert typed["weight"].tolist() == pytest.approx([52.3, 92.3, 123.4, 45.9])


def test_longitudinal_export_every_event_row() -> None:
    # 18 rows, 2 arms; dob of record 100 (enrollment_arm_1) is 1983-09-23
    typed = validated("longitudinal")
    assert len(typed) == 18
    events = typed["redcap_event_name"]
    assert events.str.endswith("_arm_1").sum() == 12 and events.str.endswith("_arm_2").sum() == 6
    enrolment = typed[(typed["study_id"] == "100") & (events == "enrollment_arm_1")].iloc[0]
    assert enrolment["dob"] == pd.Timestamp("1983-09-23")
    assert bool(enrolment["gym___0"]) is True and bool(enrolment["gym___1"]) is False
    # required fields do not apply to the rows of other events: no warnings at all
    with warnings.catch_warnings():
        warnings.simplefilter("error", dd.SoftConstraintWarning)
        dd.validate(
            export("longitudinal"), redcap_to_schema(CORPUS / "longitudinal" / "dictionary.csv")
        )


@pytest.mark.parametrize(
    ("project", "rows", "repeats"),
    [("repeating-instruments", 6, {"bp": 4}), ("vignette-repeating", 17, None)],
)
def test_repeating_instruments(project: str, rows: int, repeats) -> None:
    typed = validated(project)
    assert len(typed) == rows
    counts = typed["redcap_repeat_instrument"].value_counts().to_dict()
    if repeats:
        assert {k: v for k, v in counts.items() if k} == repeats
    # the non-repeating rows keep their own values; instruments' rows theirs
    first = typed[typed["redcap_repeat_instrument"] == ""].iloc[0]
    assert first["record_id"] == "1"


def test_repeating_instruments_values() -> None:
    # record 1: date_enrolled 2019-10-14; bp instance 1: 2019-10-14, 110/100
    typed = validated("repeating-instruments")
    bp = typed[typed["redcap_repeat_instrument"] == "bp"].iloc[0]
    assert bp["date_bp"] == pd.Timestamp("2019-10-14")
    assert (bp["bp_systolic"], bp["bp_diastolic"]) == (110, 100)  # integer validation
    base = typed[typed["redcap_repeat_instrument"] == ""].iloc[0]
    assert base["date_enrolled"] == pd.Timestamp("2019-10-14")


def test_sparse_repeating_instruments() -> None:
    # records 3-5 have only a first name ("empty 3" ...): their dob and sex are missing
    typed = validated("repeating-instruments-sparse")
    assert len(typed) == 9
    empty = typed[typed["first_name"].str.startswith("empty", na=False)]
    assert empty["record_id"].tolist() == ["3", "4", "5"]
    assert empty["dob"].isna().all() and empty["sex"].isna().all()
    assert empty["date_enrolled"].isna().tolist() == [False, False, True]


def test_survey_project() -> None:
    # participant 1: dob 2018-03-06, consent___1 checked; participant 2: dob 2018-03-05, not
    typed = validated("survey")
    assert typed["dob"].tolist() == [pd.Timestamp("2018-03-06"), pd.Timestamp("2018-03-05")]
    assert typed["consent___1"].tolist() == [True, False]
    assert typed["prescreening_survey_complete"].tolist() == [2, 2]


def test_checkbox_codes_letters_and_numbers() -> None:
    # check_one: codes 1-4; check_two: codes a-e (record 1 checks a and c)
    typed = validated("checkboxes-1")
    first = typed.iloc[0]
    assert [bool(first[f"check_two___{c}"]) for c in "abcde"] == [True, False, True, False, False]
    assert [bool(first[f"check_one___{c}"]) for c in "1234"] == [True, False, False, False]


def test_every_validation_type_and_a_slider_range() -> None:
    schema = redcap_to_schema(CORPUS / "validation-types-1" / "dictionary.csv")
    kinds = {f.name: f.type for f in schema.fields}
    for name in ("v_date_dmy", "v_date_mdy", "v_date_ymd"):
        assert kinds[name] == "date"
    for name in ("v_number", "v_number_2dp", "v_number_4dp_comma_decimal"):
        assert kinds[name] == "number"
    assert kinds["v_integer"] == "integer"
    assert schema.field("v_number_1dp_comma_decimal").decimal_char == ","
    assert schema.field("v_time_hh_mm_ss").constraints["pattern"].startswith("([01]")
    # slider "-1 | 50 | 101" with Text Validation Min -1 and Max 101
    assert schema.field("f_slider").constraints == {"minimum": -1, "maximum": 101}
    assert "Slider labels: -1 | 50 | 101" in schema.field("f_slider").description
    assert len(validated("validation-types-1")) == 1


def test_soft_range_is_a_warning_naming_row_and_field() -> None:
    # blank-for-gray-status: height (number, min 130) holds 7 and 6, weight (min 35) 1 and 2
    schema = redcap_to_schema(CORPUS / "blank-for-gray-status" / "dictionary.csv")
    with pytest.warns(dd.SoftConstraintWarning) as caught:
        typed = dd.validate(export("blank-for-gray-status"), schema)
    problems = caught[0].message.problems
    assert set(problems["check"]) == {"soft_minimum"}
    assert set(problems["column"]) == {"height", "weight"}
    assert problems.loc[problems["column"] == "height", "row"].tolist() == [1, 2]
    assert typed["height"].iloc[0] == 7  # the data are kept


def test_values_entered_before_validation_are_named() -> None:
    # potentially-problematic-values: "before validation 1" in an integer field
    schema = redcap_to_schema(CORPUS / "potentially-problematic-values" / "dictionary.csv")
    with pytest.raises(dd.ValidationError) as caught:
        dd.validate(export("potentially-problematic-values"), schema)
    problems = caught.value.problems
    assert ("integer_before_validation", 1) in set(
        zip(problems["column"], problems["row"], strict=True)
    )
    assert "before validation 1" in str(caught.value)


def test_unusual_labels_survive() -> None:
    # labels with doubled quotes and U+2212 MINUS SIGN, choice "3, I should find out"
    schema = redcap_to_schema(CORPUS / "potentially-problematic-dictionary" / "dictionary.csv")
    assert "\u2212or even" in schema.field("long_dash").title
    assert (3, "I should find out") in [(c.value, c.label) for c in schema.field("v1").categories]


def test_clinical_trial_500_records() -> None:
    # record 1: Cornel, born 1991-05-13, height 176.1, weight 105
    typed = validated("clinical-trial-1")
    assert len(typed) == 500 and typed["record_id"].is_unique
    first = typed.iloc[0]
    assert first["dob"] == pd.Timestamp("1991-05-13")
    assert (first["height"], first["weight"]) == (pytest.approx(176.1), 105)


def test_single_arm_longitudinal_project() -> None:
    # 3 records x 3 events; weight 11, 12, 13 for record 1 (a text field without validation)
    typed = validated("arm-single-longitudinal")
    assert len(typed) == 9
    assert typed.loc[typed["record_id"] == "1", "weight"].tolist() == ["11", "12", "13"]


def test_cli_converts_api_metadata(tmp_path: Path, capsys) -> None:
    out = tmp_path / "simple.yaml"
    code = main(
        ["import", "redcap-dictionary", str(CORPUS / "simple" / "metadata.csv"), "--out", str(out)]
    )
    assert code == 0
    schema = dd.load_schema(out)
    assert schema.field("dob").type == "date"
    assert schema.field("height").soft_constraints == {"minimum": 130, "maximum": 215}


def test_windows_1252_dictionary(tmp_path: Path) -> None:
    # Excel on Windows saves a downloaded dictionary as Windows-1252: take the real
    # checkboxes-1 dictionary and give a label accents, as a Spanish-speaking site would
    text = (CORPUS / "checkboxes-1" / "dictionary.csv").read_text(encoding="utf-8")
    text = text.replace('"check one"', '"¿Marque una opción? — sí"')
    path = tmp_path / "dictionary.csv"
    path.write_bytes(text.encode("cp1252"))
    schema = redcap_to_schema(path)
    assert schema.field("check_one___1").title.startswith("¿Marque una opción? — sí")


def test_an_export_of_some_instruments_validates() -> None:
    # an export of the instrument form_2 only (record_id, form_2 fields, form_2_complete)
    schema = redcap_to_schema(CORPUS / "checkboxes-1" / "dictionary.csv")
    records = export("checkboxes-1")
    form_2 = records[[c for c in records.columns if c != "form_1_complete"]]
    assert len(dd.validate(form_2, schema)) == 4
    with pytest.raises(dd.ValidationError, match="missing column 'record_id'"):
        dd.validate(records.drop(columns="record_id"), schema)


@pytest.mark.parametrize(("date_format", "shown"), [("mdy", "%m/%d/%Y"), ("dmy", "%d/%m/%Y")])
def test_exports_in_the_date_format_chosen_at_export(date_format: str, shown: str) -> None:
    # REDCap's export option "Date format" writes dates as MM/DD/YYYY or DD/MM/YYYY:
    # clinical-trial-1 record 1 was born 1991-05-13
    records = export("clinical-trial-1")
    records["dob"] = pd.to_datetime(records["dob"]).dt.strftime(shown)
    schema = redcap_to_schema(
        CORPUS / "clinical-trial-1" / "dictionary.csv", date_format=date_format
    )
    typed = dd.validate(records, schema)
    assert typed["dob"].iloc[0] == pd.Timestamp("1991-05-13")
    with pytest.raises(dd.ValidationError):  # the ISO reading refuses it
        dd.validate(records, redcap_to_schema(CORPUS / "clinical-trial-1" / "dictionary.csv"))
