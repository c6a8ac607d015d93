"""``dyadlab episodes``: summary, --json, --out (atomic CSV), study.yaml defaults, bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from studies.cli import main

DISPENSING = """claim_id,person_id,fill_date,drug,days_supply,source
c1,a,2023-01-01,methadone,30,otp
c2,a,2023-01-21,methadone,30,otp
c3,a,2023-04-01,buprenorphine,7,pharmacy
c4,b,2023-02-01,naltrexone,31,clinic
"""


DELIVERIES = (
    "delivery_id,person_id,delivery_date,site,age,race_ethnicity,insurance,parity,pmad,"
    "housing_instability,moud_initiation_week,moud_start,moud,peer_recovery_coach,"
    "home_visiting,cps_report,infant_nows,plan_of_safe_care,coverage_end_date\n"
    "d1,a,2023-02-01,north,29,white,medicaid,1,false,false,10,2022-07-01,methadone,"
    "false,false,false,false,false,\n"
    "d2,b,2023-02-15,north,31,hispanic,medicaid,2,false,false,30,2022-11-01,naltrexone,"
    "false,false,false,false,false,\n"
    "d3,c,2023-02-15,south,25,white,private,1,false,false,,,none,"
    "false,false,false,false,false,\n"
)


@pytest.fixture
def study(tmp_path):
    (tmp_path / "study.yaml").write_text(
        "name: tiny\ndata:\n  dispensing: dispensing.csv\n  deliveries: deliveries.csv\n"
        "outcomes:\n  gap_days: 30\n  carryover: true\n  gap_sensitivity: [14, 45]\n",
        encoding="utf-8",
    )
    (tmp_path / "dispensing.csv").write_text(DISPENSING, encoding="utf-8")
    (tmp_path / "deliveries.csv").write_text(DELIVERIES, encoding="utf-8")
    return tmp_path


def test_json_uses_study_settings_and_options_override(study, capsys):
    # carry-over from study.yaml: methadone 01-01 x30 + 01-21 x30 -> 03-02; buprenorphine on
    # 04-01 is 30 uncovered days later -> one episode 01-01..04-08.
    assert main(["episodes", str(study), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["settings"]["carryover"] is True
    assert payload["n_episodes"] == 2
    assert payload["episodes"][0]["end"] == "2023-04-08"
    assert main(["episodes", str(study), "--no-carryover", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["n_episodes"] == 3
    assert payload["by_drugs"] == {"buprenorphine": 1, "methadone": 1, "naltrexone": 1}


def test_out_writes_csv(study, capsys):
    out = study / "results" / "episodes.csv"
    assert (
        main(["episodes", str(study), "--gap", "7", "--backend", "pandas", "--out", str(out)]) == 0
    )
    assert "wrote" in capsys.readouterr().out
    written = pd.read_csv(out)
    assert list(written.columns) == ["person_id", "episode", "start", "end", "n_fills", "drugs"]
    assert written["start"].tolist() == ["2023-01-01", "2023-04-01", "2023-02-01"]


def test_bad_input_exits_1_with_one_line(study, capsys):
    assert main(["episodes", str(study), "--gap", "-1"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("dyadlab episodes:") and "gap_days" in err and "\n" not in err
    with pytest.raises(SystemExit) as exit_info:
        main(["episodes", str(study), "--backend", "oracle"])
    assert exit_info.value.code == 2


def test_sensitivity_table(study, capsys):
    # with carry-over a's episode runs 01-01..03-02 (gap 14: the 04-01 fill, 30 days later,
    # is a new episode) or 01-01..04-08 (gap 45); d1 (02-01) is covered either way, but
    # continuous for 180 days in neither; b's naltrexone 02-01..03-04 covers d2.
    assert main(["episodes", str(study), "--sensitivity", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["gap_days"] for r in rows] == [14, 45]
    assert [r["n_episodes"] for r in rows] == [3, 2]
    assert [r["n_on_moud"] for r in rows] == [2, 2]
    assert [r["n_continuous"] for r in rows] == [0, 0]
    assert [r["pct_continuous"] for r in rows] == [0.0, 0.0]
    assert main(["episodes", str(study), "--sensitivity"]) == 0
    assert "retention by permitted gap" in capsys.readouterr().out


def _parquet_study(study, partitioned: bool):
    """The fixture study with its dispensing table as Parquet: one file, or a folder
    partitioned by year and drug (as claims extracts come)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = pd.read_csv(study / "dispensing.csv", parse_dates=["fill_date"])
    frame["fill_date"] = frame["fill_date"].dt.date
    frame["year"] = [d.year for d in frame["fill_date"]]
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if partitioned:
        pq.write_to_dataset(table, study / "dispensing", partition_cols=["year", "source"])
        target = "dispensing"
    else:
        pq.write_table(table, study / "dispensing.parquet")
        target = "dispensing.parquet"
    yaml = (study / "study.yaml").read_text(encoding="utf-8")
    (study / "study.yaml").write_text(yaml.replace("dispensing.csv", target), encoding="utf-8")


@pytest.mark.parametrize("partitioned", [False, True])
def test_parquet_dispensing_is_read_by_the_engine(study, capsys, monkeypatch, partitioned):
    from studies import load_study
    from studies.study import Study

    assert main(["episodes", str(study), "--json"]) == 0
    want = json.loads(capsys.readouterr().out)
    _parquet_study(study, partitioned)

    def no_pandas(self):
        raise AssertionError("the Parquet dispensing table was loaded into pandas")

    monkeypatch.setattr(Study, "dispensing", no_pandas)
    assert main(["episodes", str(study), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["episodes"] == want["episodes"] and got["n_fills"] == 4
    episodes = load_study(str(study)).episodes()
    assert episodes["end"].dt.strftime("%Y-%m-%d").tolist() == [
        e["end"] for e in want["episodes"]
    ]


def test_stage_bar_on_a_terminal_only(study, capsys, monkeypatch):
    assert main(["episodes", str(study)]) == 0
    assert capsys.readouterr().err == ""  # not a terminal (pipes, notebooks): no bar
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert main(["episodes", str(study)]) == 0
    assert "stages" in capsys.readouterr().err
