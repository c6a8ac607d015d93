"""The demo study's transcripts honour the offset contract (docs/architecture.md).

Skipped until the demo transcripts are generated (``dyadlab synth studies/demo …``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

DEMO = Path(__file__).resolve().parents[3] / "studies" / "demo"


@pytest.fixture(scope="module")
def demo():
    if not (DEMO / "transcripts" / "manifest.csv").exists():
        pytest.skip("studies/demo/transcripts is not generated yet")
    from studies import load_study

    return load_study("demo", check_files=False)


def test_demo_corpus_loads_with_roles_and_clean_turns(demo):
    corpus = demo.transcripts()
    participants = demo.participants()
    assert len(corpus) == len(pd.read_csv(DEMO / "transcripts" / "manifest.csv"))
    roles = dict(zip(participants.participant_id, participants.role, strict=True))
    for transcript in corpus:
        assert transcript.role == roles[transcript.participant_id]
        assert transcript.warnings == [], (transcript.id, transcript.warnings)
        assert set(transcript.speakers) == {"INTERVIEWER", transcript.participant_id}
    turns = corpus.turns()
    for row in turns.itertuples():
        assert corpus.text(row.transcript_id)[row.start : row.end] == row.text


def test_demo_codings_lie_inside_turns(demo):
    from data_dictionary import read_table

    corpus = demo.transcripts()
    codings = read_table(demo.data_path("codings"), "codings")
    outside = []
    for row in codings.itertuples():
        turn = corpus[row.transcript_id].turn_at(int(row.start))
        if turn is None or int(row.end) > turn.end:
            outside.append(row.coding_id)
    assert outside == []
