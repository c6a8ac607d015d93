"""``dyadlab autocode``: suggestions go in as coder ``auto`` and never over human codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from coding.store import AUTO, CodingStore
from studies.cli import main

DEMO = Path(__file__).resolve().parents[3] / "studies" / "demo"
KEEP = [f"INT-P{i:02d}" for i in range(1, 9)]


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A small study: eight demo interviews with their participants and codings."""
    manifest = DEMO / "transcripts" / "manifest.csv"
    if not manifest.exists() or not (DEMO / "codings.csv").exists():
        pytest.skip("demo transcripts not generated (dyadlab synth studies/demo)")
    folder = tmp_path / "mini"
    (folder / "transcripts").mkdir(parents=True)
    (folder / "data").mkdir()
    rows = pd.read_csv(manifest, dtype=str)
    rows = rows[rows["transcript_id"].isin(KEEP)]
    if len(rows) < len(KEEP):
        pytest.skip("demo study has fewer transcripts than this test uses")
    rows.to_csv(folder / "transcripts" / "manifest.csv", index=False)
    for name in rows["file"]:
        shutil.copy(DEMO / "transcripts" / name, folder / "transcripts" / name)
    people = pd.read_csv(DEMO / "data" / "participants.csv", dtype=str)
    people[people["participant_id"].isin(rows["participant_id"])].to_csv(
        folder / "data" / "participants.csv", index=False)
    codings = pd.read_csv(DEMO / "codings.csv", dtype=str)
    codings[codings["transcript_id"].isin(KEEP)].to_csv(folder / "codings.csv", index=False)
    (folder / "study.yaml").write_text(
        "name: Mini autocode study\n"
        "data:\n"
        "  participants: data/participants.csv\n"
        "  transcripts: transcripts/manifest.csv\n"
        "  codings: codings.csv\n"
        "codebook: default\n"
        "coders: [coder_a, coder_b]\n"
    )
    return folder


def _turn_of(turns: pd.DataFrame, coding) -> pd.Series:
    match = turns[(turns["transcript_id"] == coding.transcript_id)
                  & (turns["start"] == coding.start) & (turns["end"] == coding.end)]
    assert len(match) == 1, "a suggestion spans exactly one turn's utterance"
    return match.iloc[0]


def _human_codes_by_turn(study_dir: Path) -> pd.DataFrame:
    from coding.explore import turn_codes
    from studies import load_study

    s = load_study(study_dir)
    with CodingStore(s.store_url) as store:
        human = store.codings()
    human = human[human["coder"] != AUTO]
    return turn_codes(s.transcripts(), human, coder=None)


def test_suggest_writes_auto_and_never_over_human_codes(study, capsys):
    assert main(["autocode", str(study), "--suggest", "--no-char", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["trained_on"] == "consensus" and first["suggestions"]["removed"] == 0
    store_url = f"sqlite:///{study / 'coding.sqlite'}"
    with CodingStore(store_url) as store:
        auto = store.coding_list(coders=[AUTO])
        n_human = len(store.codings()) - len(auto)
    assert len(auto) == first["suggestions"]["added"] > 0
    assert all(c.coder == AUTO and c.memo.startswith("autocode p=") for c in auto)
    turns = _human_codes_by_turn(study)
    for coding in auto:
        turn = _turn_of(turns, coding)
        assert coding.code_id not in turn["codes"], "suggested over a human code"
        assert turn["speaker"] != "INTERVIEWER"

    # a human now codes one suggested turn x code (a sub-span of the turn) ...
    target = auto[0]
    with CodingStore(store_url) as store:
        human = store.add_coding(target.transcript_id, "coder_a", target.code_id,
                                 target.start, target.start + 5)
    # ... so the next run must not suggest it again, and replaces only auto codings
    assert main(["autocode", str(study), "--suggest", "--no-char", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["suggestions"]["removed"] == len(auto)
    assert second["suggestions"]["added"] == len(auto) - 1
    with CodingStore(store_url) as store:
        live_auto = store.coding_list(coders=[AUTO])
        everything = store.codings(include_deleted=True)
        assert store.get_coding(human.id).deleted_at is None
        n_human_after = len(store.codings()) - len(live_auto)
    assert not [c for c in live_auto if (c.transcript_id, c.start, c.code_id)
                == (target.transcript_id, target.start, target.code_id)]
    deleted = everything[everything["deleted_at"].notna()]
    assert set(deleted["coder"]) == {AUTO} and len(deleted) == len(auto)
    assert n_human_after == n_human + 1


def test_evaluate_json_and_next(study, capsys):
    assert main(["autocode", str(study), "--evaluate", "--folds", "2", "--no-char",
                 "--next", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    summary = {row["average"]: row for row in out["evaluation"]["summary"]}
    assert set(summary) == {"micro", "macro"}
    assert 0 < summary["micro"]["f1"] <= 1
    assert len(out["next"]) == 3 and out["next"][0]["rank"] == 1
    assert not (study / "coding.sqlite").exists()  # evaluation alone writes nothing


def test_text_output_and_learning_curve(study, capsys):
    assert main(["autocode", str(study), "--no-char", "--learning-curve", "--folds", "2"]) == 0
    out = capsys.readouterr().out
    assert "codes learned" in out and "learning curve" in out
    assert main(["autocode", str(study), "--no-char", "--learning-curve", "--folds", "2",
                 "--json"]) == 0
    curve = json.loads(capsys.readouterr().out)["learning_curve"]
    assert [row["size"] for row in curve][:2] == [100, 200]
    assert curve[-1]["n_train"] < curve[-1]["size"]  # all turns, less the held-out fold


def test_unknown_coder_exits_1_with_one_line(study, capsys):
    assert main(["autocode", str(study), "--train-from", "nobody"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "nobody" in err and "consensus" in err
