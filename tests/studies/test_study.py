"""The study model: load_study resolution, study.yaml checking, paths, cached validated tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data_dictionary import TableReadError, ValidationError
from studies import StudyError, load_study
from studies.study import STUDIES_DIR
from tests.data_dictionary.sample_tables import STUDY_YAML, write_study


def test_load_by_folder_and_by_yaml(tmp_path: Path) -> None:
    write_study(tmp_path)
    by_folder = load_study(tmp_path)
    by_yaml = load_study(tmp_path / "study.yaml")
    assert by_folder.path == by_yaml.path == (tmp_path / "study.yaml").resolve()
    assert by_folder.id == tmp_path.name
    assert by_folder.config.name == "Test study"
    assert by_folder.config.outcomes.gap_days == 30
    # defaults from the schema
    assert by_folder.config.outcomes.moud_window_days == 30
    assert by_folder.config.codebook == "default"
    assert by_folder.config.coders == ["coder_a", "coder_b"]


def test_load_by_id_resolves_in_the_repository() -> None:
    study = load_study("demo", check_files=False)
    assert study.path == STUDIES_DIR / "demo" / "study.yaml"
    assert study.config.outcomes.gap_sensitivity == [7, 14, 30, 60, 90]
    assert study.data_path("dispensing") == STUDIES_DIR / "demo" / "data" / "dispensing.csv.gz"


def test_unknown_study_id_lists_the_known_ones() -> None:
    with pytest.raises(StudyError, match=r"no study 'nosuchstudy'.*demo"):
        load_study("nosuchstudy")


def test_unknown_key_names_key_file_line_and_suggests(tmp_path: Path) -> None:
    yaml_text = STUDY_YAML.replace("  gap_days: 30", "  gapdays: 30")
    write_study(tmp_path, study_yaml=yaml_text)
    expected_line = yaml_text.splitlines().index("  gapdays: 30") + 1
    with pytest.raises(StudyError) as caught:
        load_study(tmp_path)
    error = caught.value
    assert "unknown key 'outcomes.gapdays'" in str(error)
    assert "did you mean 'gap_days'?" in str(error)
    assert error.file == str((tmp_path / "study.yaml").resolve())
    assert error.line == expected_line == 12
    assert error.field == "outcomes.gapdays"


def test_unknown_top_level_key_suggests(tmp_path: Path) -> None:
    write_study(tmp_path, study_yaml=STUDY_YAML + "codebok: my.yaml\n")
    with pytest.raises(StudyError, match=r"unknown key 'codebok'.*did you mean 'codebook'"):
        load_study(tmp_path)


def test_unknown_key_inside_a_list_item(tmp_path: Path) -> None:
    yaml_text = STUDY_YAML + "reports:\n  - {template: study_report, parameter: {}}\n"
    write_study(tmp_path, study_yaml=yaml_text)
    with pytest.raises(StudyError, match=r"unknown key 'reports\[0\]\.parameter'.*'parameters'"):
        load_study(tmp_path)


def test_reports_and_free_parameters(tmp_path: Path) -> None:
    yaml_text = STUDY_YAML + (
        "reports:\n  - {template: study_report}\n"
        "  - template: funder_report\n    name: funder_2026\n"
        "    parameters: {site: north, min_cell: 11}\n"
    )
    study = load_study(write_study(tmp_path, study_yaml=yaml_text))
    first, second = study.config.reports
    assert (first.template, first.name, first.parameters) == ("study_report", None, {})
    assert second.name == "funder_2026"
    assert second.parameters == {"site": "north", "min_cell": 11}


def test_unknown_data_table(tmp_path: Path) -> None:
    yaml_text = STUDY_YAML.replace("  codings: codings.csv", "  coding: codings.csv")
    write_study(tmp_path, study_yaml=yaml_text)
    with pytest.raises(StudyError, match=r"'data.coding'.*did you mean 'codings'"):
        load_study(tmp_path)


@pytest.mark.parametrize(
    ("replace", "key", "expected"),
    [
        (("  gap_days: 30", "  gap_days: thirty"), "outcomes.gap_days", "a whole number"),
        (("  gap_days: 30", "  gap_days: true"), "outcomes.gap_days", "a whole number"),
        (("coders: [coder_a, coder_b]", "coders: coder_a"), "coders", "a list of text"),
        (("coders: [coder_a, coder_b]", "deid: strict"), "deid", "a mapping"),
    ],
)
def test_wrong_type_names_the_key(tmp_path: Path, replace, key, expected) -> None:
    write_study(tmp_path, study_yaml=STUDY_YAML.replace(*replace))
    with pytest.raises(StudyError) as caught:
        load_study(tmp_path)
    assert f"'{key}' must be {expected}" in str(caught.value)
    assert caught.value.field == key


def test_carryover_must_be_boolean(tmp_path: Path) -> None:
    write_study(tmp_path, study_yaml=STUDY_YAML + "  carryover: 'no'\n")
    with pytest.raises(StudyError, match=r"'outcomes.carryover' must be true or false"):
        load_study(tmp_path)


def test_missing_name_is_an_error(tmp_path: Path) -> None:
    write_study(tmp_path, study_yaml=STUDY_YAML.replace("name: Test study\n", ""))
    with pytest.raises(StudyError, match="missing required key 'name'"):
        load_study(tmp_path)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    write_study(tmp_path, study_yaml=STUDY_YAML + "coders: [a, b\n")
    with pytest.raises(StudyError) as caught:
        load_study(tmp_path)
    assert "not valid YAML" in str(caught.value)
    assert caught.value.line is not None


def test_missing_data_file_names_key_and_resolved_path(tmp_path: Path) -> None:
    write_study(tmp_path)
    (tmp_path / "data" / "events.csv").unlink()
    with pytest.raises(StudyError) as caught:
        load_study(tmp_path)
    message = str(caught.value)
    assert "'data.events' file not found" in message
    assert str((tmp_path / "data" / "events.csv").resolve()) in message
    assert caught.value.field == "data.events"
    # without the check the study loads, and the error comes when the table is read
    study = load_study(tmp_path, check_files=False)
    with pytest.raises(TableReadError, match="file not found"):
        study.events()


def test_data_root_absolute_with_env_var_and_home(tmp_path: Path, monkeypatch) -> None:
    data_home = tmp_path / "secure" / "share"
    write_study(data_home)  # data lives outside the study folder
    study_dir = tmp_path / "repo" / "mystudy"
    study_dir.mkdir(parents=True)
    monkeypatch.setenv("DYADLAB_TEST_DATA", str(tmp_path / "secure"))
    (study_dir / "study.yaml").write_text(STUDY_YAML + "data_root: $DYADLAB_TEST_DATA/share\n")
    study = load_study(study_dir)
    assert study.data_root == data_home
    assert study.data_path("events") == data_home / "data" / "events.csv"
    monkeypatch.setenv("HOME", str(tmp_path))
    (study_dir / "study.yaml").write_text(STUDY_YAML + "data_root: ~/secure/share\n")
    assert load_study(study_dir).data_root == data_home
    (study_dir / "study.yaml").write_text(STUDY_YAML + "data_root: ../../secure/share\n")
    assert load_study(study_dir).data_root == data_home.resolve()


def test_unset_env_var_is_named(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("DYADLAB_NOT_SET", raising=False)
    write_study(tmp_path, study_yaml=STUDY_YAML + "data_root: ${DYADLAB_NOT_SET}/x\n")
    with pytest.raises(StudyError, match=r"\$DYADLAB_NOT_SET, which is not set"):
        load_study(tmp_path)


def test_tables_are_validated_typed_and_cached(tmp_path: Path) -> None:
    study = load_study(write_study(tmp_path))
    deliveries = study.deliveries()
    assert len(deliveries) == 4
    assert deliveries["delivery_date"].dtype == "datetime64[ns]"
    assert deliveries["age"].tolist() == [28, 33, 30, 24]
    assert study.deliveries() is deliveries
    dispensing = study.dispensing()
    assert dispensing["days_supply"].sum() == 30 + 30 + 14 + 28 + 1 + 6
    assert study.events()["event_type"].tolist()[0] == "return_to_use"
    assert study.participants()["role"].tolist() == ["patient", "patient", "provider"]
    assert study.sites() == ["east", "north", "south"]
    assert study.manifest()["transcript_id"].tolist() == ["T01", "T02"]


def test_bad_table_raises_validation_error_naming_the_file(tmp_path: Path) -> None:
    from tests.data_dictionary.sample_tables import DISPENSING

    study = load_study(write_study(tmp_path, dispensing=DISPENSING.replace(",30,", ",0,", 1)))
    with pytest.raises(ValidationError) as caught:
        study.dispensing()
    assert "dispensing.csv.gz" in str(caught.value)
    assert "row 1 (line 2), column days_supply: expected at least 1 days, got '0'" in str(
        caught.value
    )


def test_codings_fall_back_to_csv_without_a_store(tmp_path: Path) -> None:
    study = load_study(write_study(tmp_path))
    assert study.store_path == (tmp_path / "coding.sqlite").resolve()
    assert not study.store_path.exists()
    codings = study.codings()
    assert isinstance(codings, pd.DataFrame)
    assert codings["coder"].tolist() == ["coder_a", "coder_b", "consensus"]
    assert codings["start"].tolist() == [12, 12, 10]


def test_store_url_server_is_left_alone(tmp_path: Path) -> None:
    yaml_text = STUDY_YAML + "store: postgresql://dyadlab@db.example/dyadlab\n"
    study = load_study(write_study(tmp_path, study_yaml=yaml_text))
    assert study.store_url == "postgresql://dyadlab@db.example/dyadlab"
    assert study.store_path is None


def test_data_path_of_unset_table(tmp_path: Path) -> None:
    yaml_text = STUDY_YAML.replace("  codings: codings.csv\n", "")
    study = load_study(write_study(tmp_path, study_yaml=yaml_text))
    with pytest.raises(StudyError, match=r"no codings table \('data.codings' is not set\)"):
        study.data_path("codings")


# -- accessors that call the other packages (imported lazily by the study model) ----------


def test_codebook_default_and_path(tmp_path: Path) -> None:
    study = load_study(write_study(tmp_path))
    codebook = study.codebook()
    assert codebook.get("maternal_bonding").parent == "recovery_promoters"
    assert study.codebook() is codebook
    missing = STUDY_YAML + "codebook: codebooks/mine.yaml\n"
    with pytest.raises(StudyError, match=r"'codebook' file not found: .*codebooks/mine.yaml"):
        load_study(write_study(tmp_path / "other", study_yaml=missing))


def test_transcripts_corpus_uses_the_manifest_and_participants(tmp_path: Path) -> None:
    study = load_study(write_study(tmp_path))
    corpus = study.transcripts()
    assert corpus.text("T01").startswith("INTERVIEWER: How was it after the birth?")
    turns = corpus.turns()
    assert set(turns["transcript_id"]) == {"T01", "T02"}
    assert set(turns.loc[turns["transcript_id"] == "T02", "role"]) == {"provider"}


def test_episodes_use_study_settings(tmp_path: Path) -> None:
    """Hand-computed from the fixture and the episode rule in docs/architecture.md: p001 has
    bup fills 2020-11-20 (+30 → 12-20) and 12-18 (+30 → 2021-01-17), then 2021-03-25 (+14)
    after a 67-day gap, then methadone 2022-09-01 (+1) and 09-02 (+6 → 09-08); p003 one
    naltrexone injection 2022-05-01 (+28 → 05-29)."""
    study = load_study(write_study(tmp_path))
    episodes = study.episodes()
    ends = episodes.groupby("person_id")["end"].apply(lambda s: [d.date().isoformat() for d in s])
    assert ends["p001"] == ["2021-01-17", "2021-04-08", "2022-09-08"]
    assert ends["p003"] == ["2022-05-29"]
    # a 90-day gap rule bridges the 67 uncovered days
    assert len(study.episodes(gap_days=90).query("person_id == 'p001'")) == 2


def test_cohort_passes_study_settings_and_overrides(tmp_path: Path) -> None:
    """D001 (2021-03-10): with a 30-day gap p001's episode ended 2021-01-17, 52 days before
    delivery (> moud_window_days 30) → no MOUD at delivery; with gap_days=90 the episode runs
    2020-11-20..2021-04-08, bridging the delivery with a refill after it: in the bridged reading
    (bridge_delivery_gap=True; the default is strict) → buprenorphine, 29 days on MOUD."""
    study = load_study(write_study(tmp_path))
    cohort = study.cohort().set_index("delivery_id")
    assert len(cohort) == 4
    assert cohort.loc["D001", "moud_at_delivery"] == "none"
    wide = study.cohort(gap_days=90, bridge_delivery_gap=True).set_index("delivery_id")
    assert wide.loc["D001", "moud_at_delivery"] == "buprenorphine"
    assert wide.loc["D001", "days_on_moud"] == 29


def test_codings_come_from_the_store_once_it_exists(tmp_path: Path) -> None:
    from coding.store import CodingStore

    study = load_study(write_study(tmp_path))
    assert len(study.codings()) == 3  # the CSV
    with CodingStore(study.store_url):
        pass  # creates coding.sqlite with empty tables
    assert study.store_path.exists()
    assert len(study.codings()) == 0  # now the (empty) store is the source


def test_folder_without_study_yaml(tmp_path: Path) -> None:
    with pytest.raises(StudyError, match="the folder has no study.yaml") as caught:
        load_study(tmp_path)
    assert caught.value.file == str(tmp_path)


def test_parquet_table_outside_the_study(tmp_path: Path, monkeypatch) -> None:
    """A real study: data on a share named by an environment variable, dispensing as Parquet."""
    from data_dictionary import read_table

    share = write_study(tmp_path / "share")
    fills = read_table(share / "data" / "dispensing.csv.gz", "dispensing")
    fills.to_parquet(share / "data" / "dispensing.parquet")
    monkeypatch.setenv("DYADLAB_TEST_SHARE", str(share))
    study_dir = tmp_path / "repo" / "real"
    study_dir.mkdir(parents=True)
    yaml_text = STUDY_YAML.replace("data/dispensing.csv.gz", "data/dispensing.parquet")
    (study_dir / "study.yaml").write_text(yaml_text + "data_root: $DYADLAB_TEST_SHARE\n")
    study = load_study(study_dir)
    pd.testing.assert_frame_equal(study.dispensing(), fills)
