"""REDCap records export → tables: raw and label exports give the same tables; checkboxes,
repeating instruments, and errors that name the export row and field. The fixtures are
invented, in the shape REDCap's "Export data" (CSV, raw / labels) produces."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from analysis.adapters.redcap import from_redcap
from analysis.errors import AnalysisError

HEADER = (
    "record_id,redcap_repeat_instrument,redcap_repeat_instance,delivery_dt,site,"
    "moud_type___1,moud_type___2,moud_type___3,disp_date,disp_drug,disp_days,ev_date,ev_type\n"
)

RAW = (
    HEADER
    + """1,,,2023-03-01,north,1,0,0,,,,,
1,dispensing,1,,,,,,2023-02-01,1,90,,
1,dispensing,2,,,,,,2023-05-01,2,14,,
1,outcomes,1,,,,,,,,,2023-04-01,1
2,,,2023-04-10,south,0,1,1,,,,,
2,dispensing,1,,,,,,2023-04-01,2,30,,
3,,,2023-05-20,south,0,0,0,,,,,
"""
)

LABELS = (
    HEADER
    + """1,,,2023-03-01,north,Checked,Unchecked,Unchecked,,,,,
1,dispensing,1,,,,,,2023-02-01,Methadone,90,,
1,dispensing,2,,,,,,2023-05-01,Buprenorphine (Suboxone),14,,
1,outcomes,1,,,,,,,,,2023-04-01,Return to use
2,,,2023-04-10,south,Unchecked,Checked,Checked,,,,,
2,dispensing,1,,,,,,2023-04-01,buprenorphine (suboxone),30,,
3,,,2023-05-20,south,Unchecked,Unchecked,Unchecked,,,,,
"""
)

DICTIONARY = {
    "disp_drug": "1, Methadone | 2, Buprenorphine (Suboxone) | 3, Naltrexone (Vivitrol)",
    "ev_type": "1, Return to use | 2, Non-fatal overdose | 3, Fatal overdose | 4, Other death",
}

MAPPING = {
    "deliveries": {"delivery_date": "delivery_dt", "site": "site"},
    "dispensing": {
        "instrument": "dispensing",
        "fill_date": "disp_date",
        "drug": "disp_drug",
        "days_supply": "disp_days",
    },
    "events": {"instrument": "outcomes", "event_date": "ev_date", "event_type": "ev_type"},
    "choices": {
        "disp_drug": {"1": "methadone", "2": "buprenorphine", "3": "naltrexone"},
        "ev_type": {
            "1": "return_to_use",
            "2": "overdose_nonfatal",
            "3": "overdose_fatal",
            "4": "death_other",
        },
    },
    "checkboxes": {
        "moud": {
            "field": "moud_type",
            "choices": {"1": "methadone", "2": "buprenorphine", "3": "naltrexone"},
        }
    },
}


def read(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_raw_export_to_tables():
    tables = from_redcap(read(RAW), MAPPING)
    d = tables.deliveries
    assert d["delivery_id"].tolist() == ["1", "2", "3"]
    assert d["delivery_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2023-03-01",
        "2023-04-10",
        "2023-05-20",
    ]
    assert d["moud"].tolist() == ["methadone", "buprenorphine,naltrexone", "none"]
    f = tables.dispensing
    assert f["claim_id"].tolist() == ["1-dispensing-1", "1-dispensing-2", "2-dispensing-1"]
    assert f["drug"].tolist() == ["methadone", "buprenorphine", "buprenorphine"]
    assert f["days_supply"].tolist() == [90, 14, 30]
    e = tables.events
    assert e[["event_id", "delivery_id", "event_type"]].values.tolist() == [
        ["1-outcomes-1", "1", "return_to_use"]
    ]


def test_label_export_gives_the_same_tables():
    raw = from_redcap(read(RAW), MAPPING)
    labelled = from_redcap(read(LABELS), MAPPING, choice_labels=DICTIONARY)
    for name in ("deliveries", "dispensing", "events"):
        pd.testing.assert_frame_equal(getattr(labelled, name), getattr(raw, name))
    # the REDCap data dictionary as exported (CSV columns) works as well
    frame = pd.DataFrame(
        {
            "Variable / Field Name": list(DICTIONARY),
            "Choices, Calculations, OR Slider Labels": list(DICTIONARY.values()),
        }
    )
    again = from_redcap(read(LABELS), MAPPING, choice_labels=frame)
    pd.testing.assert_frame_equal(again.dispensing, raw.dispensing)


def test_tables_feed_the_cohort():
    cohort = from_redcap(read(RAW), MAPPING).cohort()
    # record 1: methadone 2023-02-01 x90 ends 05-02 (62 days after delivery), bup 05-01 joins
    # -> ends 05-15 = day 75; relapse on day 31. The label is the drug covering the delivery
    # date (methadone): the later switch does not change it (docs/cohort.md, rule 1).
    first = cohort.iloc[0]
    assert first["moud_at_delivery"] == "methadone"
    # No data_end is given: the data end is the latest record, record 3's delivery on
    # 2023-05-20 = day 80. The supply ends on day 75, but the 30-day gap after it is not
    # observable by day 80, so the delivery is censored, not discontinued — at the supply end,
    # day 75 = min(75, 80): days without supply are not counted as retained (rule 4).
    assert first["days_on_moud"] == 75 and not first["discontinued"]
    assert first["relapse"] and first["days_to_relapse"] == 31
    assert cohort["moud_at_delivery"].tolist()[1:] == ["buprenorphine", "none"]


def test_unknown_choice_names_row_and_field():
    bad = read(LABELS.replace("Buprenorphine (Suboxone),14", "Subutex,14"))
    with pytest.raises(AnalysisError, match="'Subutex' is neither") as error:
        from_redcap(bad, MAPPING, choice_labels=DICTIONARY)
    assert (error.value.row, error.value.field) == (3, "disp_drug")


def test_bad_checkbox_and_missing_column():
    bad = read(RAW.replace("2023-04-10,south,0,1,1", "2023-04-10,south,0,maybe,1"))
    with pytest.raises(AnalysisError, match="checkbox cell 'maybe'") as error:
        from_redcap(bad, MAPPING)
    assert (error.value.row, error.value.field) == (5, "moud_type___2")
    with pytest.raises(AnalysisError, match="REDCap export lacks column") as error:
        from_redcap(read(RAW).drop(columns=["disp_days"]), MAPPING)
    assert error.value.field == "disp_days"
    bad_date = read(RAW.replace("2023-05-20,south", "20/05/2023x,south"))
    with pytest.raises(AnalysisError, match="not a date") as error:
        from_redcap(bad_date, MAPPING)
    assert (error.value.row, error.value.field) == (7, "delivery_dt")
