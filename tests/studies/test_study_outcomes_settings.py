"""study.yaml ``outcomes:`` settings of the cohort: data_end, lookback_days, grace_days."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from studies import load_study
from studies.errors import StudyError
from studies.study_config import parse_config
from tests.data_dictionary.sample_tables import STUDY_YAML, write_study


def test_defaults() -> None:
    outcomes = parse_config({"name": "x"}).outcomes
    assert (outcomes.data_end, outcomes.lookback_days, outcomes.grace_days) == (None, 90, 7)
    assert outcomes.bridge_delivery_gap is False  # strict: no look-ahead past delivery
    assert outcomes.discontinuation_time == "supply_end"


@pytest.mark.parametrize("text", ["2025-06-30", "'2025-06-30'"])
def test_data_end_is_a_date(text: str) -> None:
    raw = yaml.safe_load(f"name: x\noutcomes:\n  data_end: {text}\n")
    assert parse_config(raw).outcomes.data_end == dt.date(2025, 6, 30)


def test_data_end_not_a_date_names_the_key() -> None:
    with pytest.raises(StudyError, match="'outcomes.data_end' must be a date") as caught:
        parse_config({"name": "x", "outcomes": {"data_end": "soon"}})
    assert caught.value.field == "outcomes.data_end"


def test_study_cohort_uses_data_end_and_lookback(tmp_path: Path) -> None:
    # The sample study's deliveries run to 2023-01-05 (D003); data_end 2023-03-01 cuts D003's
    # follow-up at 2023-01-05 -> 2023-03-01 = 26 + 28 + 1 = 55 days.
    yaml_text = STUDY_YAML + (
        "  data_end: 2023-03-01\n  lookback_days: 60\n  bridge_delivery_gap: true\n"
    )
    study = load_study(write_study(tmp_path, study_yaml=yaml_text))
    cohort = study.cohort().set_index("delivery_id")
    assert cohort.attrs["data_end"] == "2023-03-01"
    assert cohort.attrs["settings"]["lookback_days"] == 60
    assert cohort.attrs["settings"]["bridge_delivery_gap"] is True
    assert cohort.loc["D003", "followup_days"] == 55
    assert cohort.loc["D003", "followup_end"] == "data_end"


def test_study_reads_an_enrolment_table_of_spans(tmp_path: Path) -> None:
    # p002 (D002, delivered 2021-06-02) is enrolled 2021-01-01 .. 2021-07-31, then from
    # 2021-08-20: 19 uncovered days (08-01 .. 08-19) <= 31 join the spans, so follow-up is not
    # cut on 07-31 (day 59); the joined span ends 2022-01-31 (day 243), but D002's
    # coverage_loss event on 2021-12-31 ends coverage earlier (last covered day 12-30): 211.
    # Coverage from 2021-01-01 covers the 90 days before delivery (from 2021-03-04).
    # p003 (D004, 2022-08-15) has no span holding the delivery: excluded and counted.
    # p001 (D001, D003) is enrolled throughout.
    yaml_text = (
        STUDY_YAML.replace(
            "  events: data/events.csv\n",
            "  events: data/events.csv\n  enrolment: data/enrolment.csv\n",
        )
        + "  data_end: 2023-06-30\n"
    )
    root = write_study(tmp_path, study_yaml=yaml_text)
    (root / "data" / "enrolment.csv").write_text(
        "person_id,coverage_start_date,coverage_end_date\n"
        "p001,2019-01-01,\n"
        "p002,2021-01-01,2021-07-31\n"
        "p002,2021-08-20,2022-01-31\n"
        "p003,2022-09-01,\n"
    )
    cohort = load_study(root).cohort().set_index("delivery_id")
    assert sorted(cohort.index) == ["D001", "D002", "D003"]
    assert cohort.attrs["exclusions"] == {"not enrolled at delivery": 1}
    assert cohort.loc["D002", "followup_days"] == 211
    assert cohort.loc["D002", "lookback_observed"] == True  # noqa: E712
