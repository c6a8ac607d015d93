"""``dyadlab validate``: exit codes, the problem list on stderr, the summary line, --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studies.cli import main
from tests.data_dictionary.sample_tables import DELIVERIES, DISPENSING, EVENTS, write_study


def test_clean_study_exits_0(tmp_path: Path, capsys) -> None:
    write_study(tmp_path)
    assert main(["validate", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "deliveries" in out and "4 rows" in out
    assert out.strip().splitlines()[-1] == f"{tmp_path.name}: 6 tables, 21 rows, no problems"


def test_problems_exit_1_listed_on_stderr_with_summary_last(tmp_path: Path, capsys) -> None:
    bad_dispensing = DISPENSING.replace("2020-12-18,buprenorphine", "2020-12-18,suboxone").replace(
        ",14,pharmacy", ",400,pharmacy"
    )
    bad_events = EVENTS.replace("E001,p001,D001,2021-05-01", "E001,p001,D001,2021-02-01")
    write_study(tmp_path, dispensing=bad_dispensing, events=bad_events)
    assert main(["validate", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert "dispensing" in lines[0] and "2 problems" in lines[0]
    assert (
        "  row 2 (line 3), column drug: expected one of buprenorphine, methadone, naltrexone, "
        "got 'suboxone' (unknown category)" in lines
    )
    assert "  row 3 (line 4), column days_supply: expected at most 365 days, got '400'" in lines
    assert any(
        "events: row 1 (line 2), column event_date: expected a date on or after the "
        "delivery_date of delivery_id 'D001' (2021-03-10), got 2021-02-01" in line
        for line in lines
    )
    assert lines[-1] == (
        f"{tmp_path.name}: 3 problems in dispensing, relations (6 tables, 21 rows)"
    )


def test_many_problems_show_20_then_and_n_more(tmp_path: Path, capsys) -> None:
    header, *_ = DISPENSING.splitlines()
    rows = [f"X{i:03d},p001,2021-01-{1 + i % 28:02d},buprenorphine,0,pharmacy" for i in range(45)]
    write_study(tmp_path, dispensing="\n".join([header, *rows]) + "\n")
    assert main(["validate", str(tmp_path)]) == 1
    _, err = capsys.readouterr()
    shown = [line for line in err.splitlines() if "column days_supply" in line]
    assert len(shown) == 20
    assert "  ... and 25 more" in err.splitlines()
    assert err.strip().splitlines()[-1].startswith(f"{tmp_path.name}: 45 problems in dispensing")


def test_missing_file_and_missing_column(tmp_path: Path, capsys) -> None:
    no_age = "\n".join(
        ",".join(cells[:4] + cells[5:])
        for cells in (line.split(",") for line in DELIVERIES.strip().splitlines())
    )
    write_study(tmp_path, deliveries=no_age + "\n")
    (tmp_path / "codings.csv").unlink()
    assert main(["validate", str(tmp_path)]) == 1
    _, err = capsys.readouterr()
    assert "'data.codings' file not found: " + str((tmp_path / "codings.csv").resolve()) in err
    assert "column age: missing column 'age'" in err


def test_missing_transcript_file_is_reported(tmp_path: Path, capsys) -> None:
    write_study(tmp_path)
    (tmp_path / "transcripts" / "T02.txt").unlink()
    assert main(["validate", str(tmp_path)]) == 1
    _, err = capsys.readouterr()
    assert "row 2 (line 3), column file: transcript file not found" in err


def test_bad_study_yaml_is_one_line_exit_1(tmp_path: Path, capsys) -> None:
    write_study(tmp_path, study_yaml="name: x\noutcome:\n  gap_days: 3\n")
    assert main(["validate", str(tmp_path)]) == 1
    _, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1
    assert "unknown key 'outcome'" in err and "did you mean 'outcomes'" in err
    assert "Traceback" not in err


def test_json_output(tmp_path: Path, capsys) -> None:
    write_study(tmp_path, events=EVENTS.replace("return_to_use", "relapse"))
    assert main(["validate", str(tmp_path), "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False
    assert payload["problems"] == 1
    events = payload["tables"]["events"]
    assert events["rows"] == 3
    assert events["first"][0]["row"] == 1
    assert events["first"][0]["column"] == "event_type"
    assert events["first"][0]["value"] == "relapse"
    assert payload["tables"]["deliveries"]["problems"] == 0


def test_usage_error_exits_2(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["validate"])
    assert caught.value.code == 2


def test_demo_study_is_valid(capsys) -> None:
    from studies import load_study

    demo = load_study("demo", check_files=False)
    missing = [
        name
        for name in ("deliveries", "dispensing", "events", "participants", "transcripts", "codings")
        if not demo.data_path(name).exists()
    ]
    if missing:
        pytest.skip(f"the demo data is not generated yet (dyadlab synth): no {missing}")
    assert main(["validate", "demo"]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.strip().endswith("no problems")


def test_relation_problem_lines_count_multiline_cells(tmp_path: Path, capsys) -> None:
    # a quoted two-line cell in row 1 pushes row 3 from line 4 to line 5
    events = EVENTS.replace("E001,p001", '"E001\nsecond line",p001').replace(
        "E003,p003,D004", "E003,p003,D999"
    )
    write_study(tmp_path, events=events)
    assert main(["validate", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "events: row 3 (line 5), column delivery_id: expected a delivery_id" in err
