"""``from_redcap`` on real REDCap record exports (tests/fixtures/realworld/redcap/, REDCapR).

The projects are not perinatal studies, so their fields stand in for ours (a date of
enrolment for the delivery date, a blood-pressure instrument for fills); what is checked is
what the structure of a real export demands: the right rows chosen in a longitudinal
project (the event holding the delivery, per arm), one row per repeating instance, and empty
tables with the right columns for instruments that are empty or not mapped. Expected values
are read off data.csv (quoted in comments).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.adapters import from_redcap
from analysis.adapters.tables import DISPENSING_COLUMNS, EVENT_COLUMNS
from analysis.errors import AnalysisError

CORPUS = Path(__file__).parents[2] / "fixtures" / "realworld" / "redcap"


def export(project: str) -> pd.DataFrame:
    return pd.read_csv(CORPUS / project / "data.csv", dtype=str, keep_default_na=False)


def test_longitudinal_delivery_event_found_per_arm() -> None:
    # date_enrolled is filled only in enrollment_arm_1 (records 100, 220) and
    # enrollment_arm_2 (record 304), each 2015-04-02
    tables = from_redcap(
        export("longitudinal"),
        {"record_id": "study_id", "deliveries": {"delivery_date": "date_enrolled"}},
    )
    assert tables.deliveries["delivery_id"].tolist() == ["100", "220", "304"]
    assert (tables.deliveries["delivery_date"] == pd.Timestamp("2015-04-02")).all()
    assert any("enrollment_arm_1, enrollment_arm_2" in note for note in tables.notes)
    assert list(tables.dispensing.columns) == DISPENSING_COLUMNS and tables.dispensing.empty
    assert list(tables.events.columns) == EVENT_COLUMNS and tables.events.empty


def test_longitudinal_named_event_and_a_non_repeating_outcome_instrument() -> None:
    # final_visit_arm_1: withdraw_date 2015-04-02 for both records, complete_study 0 ("No")
    mapping = {
        "record_id": "study_id",
        "deliveries": {"delivery_date": "date_enrolled", "event": "enrollment_arm_1"},
        "events": {
            "instrument": "completion_data",
            "event": "final_visit_arm_1",
            "event_date": "withdraw_date",
            "event_type": "complete_study",
        },
        "choices": {"complete_study": {"0": "death_other", "1": "death_other"}},
    }
    tables = from_redcap(export("longitudinal"), mapping)
    assert tables.deliveries["delivery_id"].tolist() == ["100", "220"]
    events = tables.events
    assert events["delivery_id"].tolist() == ["100", "220"]
    assert (events["event_date"] == pd.Timestamp("2015-04-02")).all()
    assert events["event_id"].tolist() == [
        "100-completion_data-final_visit_arm_1",
        "220-completion_data-final_visit_arm_1",
    ]


def test_longitudinal_unknown_event_lists_the_events() -> None:
    mapping = {
        "record_id": "study_id",
        "deliveries": {"delivery_date": "date_enrolled", "event": "delivery_arm_1"},
    }
    with pytest.raises(AnalysisError, match="no event 'delivery_arm_1'.*enrollment_arm_1"):
        from_redcap(export("longitudinal"), mapping)


def test_longitudinal_ambiguous_delivery_date_asks_for_the_event() -> None:
    # withdraw_date is filled in final_visit_arm_1 only, but date_visit_4 is filled there
    # too; a field filled in two events of one arm cannot say which holds the delivery
    records = export("longitudinal")
    records.loc[records["redcap_event_name"] == "dose_1_arm_1", "date_enrolled"] = "2015-05-01"
    with pytest.raises(AnalysisError, match="mapping\\['deliveries'\\]\\['event'\\]"):
        from_redcap(
            records, {"record_id": "study_id", "deliveries": {"delivery_date": "date_enrolled"}}
        )


def test_repeating_instrument_one_row_per_instance() -> None:
    # record 1: bp instances 1-3 on 2019-10-14; record 2: one instance on 2004-04-04
    mapping = {
        "deliveries": {"delivery_date": "date_enrolled"},
        "dispensing": {
            "instrument": "bp",
            "fill_date": "date_bp",
            "drug": "bp_complete",
            "days_supply": "bp_systolic",
        },
        "choices": {"bp_complete": {"2": "methadone"}},
    }
    tables = from_redcap(export("repeating-instruments"), mapping)
    assert tables.deliveries["delivery_date"].tolist() == [
        pd.Timestamp("2019-10-14"),
        pd.Timestamp("2019-02-02"),
    ]
    fills = tables.dispensing
    assert fills["claim_id"].tolist() == ["1-bp-1", "1-bp-2", "1-bp-3", "2-bp-1"]
    assert fills["person_id"].tolist() == ["1", "1", "1", "2"]
    assert fills["days_supply"].tolist() == [110, 111, 112, 114]
    assert fills["fill_date"].iloc[-1] == pd.Timestamp("2004-04-04")


def test_mapped_instrument_without_rows_gives_an_empty_table() -> None:
    # vignette-repeating has no instrument "dispensing": nothing to read, columns kept
    records = export("vignette-repeating").assign(when="2020-01-01")
    mapping = {
        "deliveries": {"delivery_date": "when"},
        "dispensing": {
            "instrument": "dispensing",
            "fill_date": "when",
            "drug": "lab",
            "days_supply": "conc",
        },
    }
    tables = from_redcap(records, mapping)
    assert (
        len(tables.deliveries)
        == records.loc[records["redcap_repeat_instrument"] == "", "record_id"].nunique()
    )
    assert list(tables.dispensing.columns) == DISPENSING_COLUMNS
    assert tables.dispensing.empty
    assert tables.dispensing["fill_date"].dtype == "datetime64[ns]"


def test_dates_are_read_in_the_export_date_format_never_guessed() -> None:
    # repeating-instruments record 2 enrolled 2019-02-02; written day-first as 02/02/2019
    # it is the same day either way, so use record 1's 2019-10-14 -> "14/10/2019"
    records = export("repeating-instruments")
    records["date_enrolled"] = records["date_enrolled"].replace(
        {"2019-10-14": "14/10/2019", "2019-02-02": "02/03/2019"}
    )
    mapping = {"deliveries": {"delivery_date": "date_enrolled"}}
    with pytest.raises(AnalysisError, match="not a date YYYY-MM-DD") as caught:
        from_redcap(records, mapping)
    assert caught.value.row == 1 and caught.value.field == "date_enrolled"
    dmy = from_redcap(records, {**mapping, "date_format": "dmy"}).deliveries
    assert dmy["delivery_date"].tolist() == [pd.Timestamp("2019-10-14"), pd.Timestamp("2019-03-02")]
    with pytest.raises(AnalysisError, match="MM/DD/YYYY"):  # 14 is no month
        from_redcap(records, {**mapping, "date_format": "mdy"})


def test_event_and_arm_files_agree_with_the_chosen_events() -> None:
    # event.csv lists each unique event name with its arm; the delivery events chosen for
    # date_enrolled are the first event of each arm, and every event of the export is listed
    events = pd.read_csv(CORPUS / "longitudinal" / "event.csv", dtype=str)
    arms = pd.read_csv(CORPUS / "longitudinal" / "arm.csv", dtype=str)
    records = export("longitudinal")
    assert set(records["redcap_event_name"]) <= set(events["unique_event_name"])
    assert set(events["arm_num"]) == set(arms["arm_num"]) == {"1", "2"}
    first_per_arm = events.groupby("arm_num")["unique_event_name"].first().tolist()
    tables = from_redcap(
        records, {"record_id": "study_id", "deliveries": {"delivery_date": "date_enrolled"}}
    )
    assert f"deliveries read from the rows of event(s) {', '.join(first_per_arm)}" in tables.notes


def test_a_date_filled_in_every_event_needs_the_event_named() -> None:
    # arm-single-longitudinal: interview_date is filled at intake, discharge ("dischage")
    # and follow-up; which one is the delivery cannot be guessed
    records = export("arm-single-longitudinal")
    events = pd.read_csv(CORPUS / "arm-single-longitudinal" / "event.csv", dtype=str)
    with pytest.raises(AnalysisError, match="filled in events intake_arm_1, dischage_arm_1"):
        from_redcap(records, {"deliveries": {"delivery_date": "interview_date"}})
    named = {"delivery_date": "interview_date", "event": events["unique_event_name"].iloc[0]}
    tables = from_redcap(records, {"deliveries": named})
    # intake rows: records 1, 2, 3 on 2001-01-01, 2001-02-01, 2001-03-01
    assert tables.deliveries["delivery_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2001-01-01",
        "2001-02-01",
        "2001-03-01",
    ]
