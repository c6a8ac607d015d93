"""The turn-overlap rule (coding._overlap) against its written definition, and the three
places that use it agreeing on one corpus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coding._overlap import overlapping_turns
from coding.autocode._suggest import _human_turn_codes
from coding.explore import turn_codes
from coding.reliability import turn_units
from coding.transcripts._corpus import Corpus
from coding.transcripts._model import Transcript


def _by_definition(spans: pd.DataFrame, turns: pd.DataFrame) -> set[tuple[int, int]]:
    """docs/architecture.md, pair by pair: [s, e) marks [ts, te) when s < te and e > ts; an
    empty span marks the turn containing s."""
    pairs = set()
    for i, span in enumerate(spans.itertuples()):
        for j, turn in enumerate(turns.itertuples()):
            if span.transcript_id != turn.transcript_id:
                continue
            if span.start == span.end:
                hit = turn.start <= span.start < turn.end
            else:
                hit = span.start < turn.end and span.end > turn.start
            if hit:
                pairs.add((i, j))
    return pairs


@pytest.mark.parametrize("seed", range(20))
def test_matches_the_definition_on_random_turns_and_spans(seed):
    rng = np.random.default_rng(seed)
    turn_rows = []
    for transcript in ("A", "B", "C"):
        position = int(rng.integers(0, 5))
        for _ in range(int(rng.integers(0, 6))):
            start = position + int(rng.integers(0, 4))  # gaps for labels and blank lines
            end = start + int(rng.integers(1, 12))
            turn_rows.append((transcript, start, end))
            position = end
    turns = pd.DataFrame(turn_rows, columns=["transcript_id", "start", "end"])
    turns = turns.sample(frac=1, random_state=seed).reset_index(drop=True)  # any row order
    length = int(turns["end"].max()) + 5 if len(turns) else 10
    span_rows = []
    for _ in range(40):
        start = int(rng.integers(0, length))
        end = start + int(rng.integers(0, 15)) * int(rng.random() < 0.8)  # some empty spans
        span_rows.append((str(rng.choice(["A", "B", "C", "D"])), start, end))
    spans = pd.DataFrame(span_rows, columns=["transcript_id", "start", "end"])

    found_spans, found_turns = overlapping_turns(spans, turns)

    assert set(zip(found_spans.tolist(), found_turns.tolist(), strict=True)) == _by_definition(
        spans, turns
    )
    assert len(found_spans) == len(_by_definition(spans, turns))  # no pair twice
    assert found_spans.tolist() == sorted(found_spans.tolist())  # in span order


def test_empty_span_at_the_end_of_the_last_text_does_not_spill_into_the_next_transcript():
    turns = pd.DataFrame({"transcript_id": ["A", "B"], "start": [0, 0], "end": [5, 5]})
    spans = pd.DataFrame({"transcript_id": ["A"], "start": [5], "end": [5]})
    found_spans, found_turns = overlapping_turns(spans, turns)
    assert found_spans.tolist() == [] and found_turns.tolist() == []


def test_turn_codes_reliability_units_and_autocode_agree():
    text = "I: How was it?\n\nP1: Hard. Alone at night.\n\nI: And now?\n\nP1: Better."
    corpus = Corpus([Transcript.from_text("T1", text)])
    turns = corpus.turns()
    boundary = int(turns["end"].iloc[1])
    codings = pd.DataFrame(
        {
            "transcript_id": ["T1"] * 3,
            "coder": ["ana"] * 3,
            "code_id": ["isolation", "coping", "coping"],
            "start": [boundary - 6, boundary - 2, len(text) - 7],
            "end": [boundary, len(text) - 1, len(text) - 1],  # the second spans turns 1 to 3
        }
    )

    from_explore = {
        (row.turn, code)
        for row in turn_codes(corpus, codings, coder="ana").itertuples()
        for code in row.codes
    }
    units = turn_units(codings, corpus)
    c, x, u = np.nonzero(units.applied)
    from_reliability = {
        (int(units.units["turn"].iloc[unit]), units.codes[code])
        for code, unit in zip(c, u, strict=True)
    }
    from_autocode = {(turn, code) for _, turn, code in _human_turn_codes(turns, codings)}

    expected = {(1, "isolation"), (1, "coping"), (2, "coping"), (3, "coping")}
    assert from_explore == from_reliability == from_autocode == expected
