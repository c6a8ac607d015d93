"""Agreement table, turn units, character agreement, disagreements and reconciliation."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from coding.errors import CodingError
from coding.reliability import (
    agreement_table,
    character_agreement,
    cohen_kappa,
    disagreements,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    reconcile,
    turn_units,
)
from coding.reliability._table import pair_statistics, pooled_statistics

# --- closed forms against the general functions (statsmodels, krippendorff, Gwet) ----------


def _pair_cells(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return np.array([(a & b).sum(), (a & ~b).sum(), (~a & b).sum(), (~a & ~b).sum()])


@pytest.mark.parametrize("seed", range(5))
def test_pair_closed_forms_equal_general_functions(seed):
    rng = np.random.default_rng(seed)
    a = rng.random(80) < 0.3
    b = np.where(rng.random(80) < 0.8, a, ~a)
    got = pair_statistics(_pair_cells(a, b))
    ai, bi = a.astype(int), b.astype(int)
    assert got["percent_agreement"] == pytest.approx(percent_agreement(ai, bi))
    assert got["kappa"] == pytest.approx(cohen_kappa(ai, bi))
    assert got["alpha"] == pytest.approx(krippendorff_alpha([ai, bi]))
    assert got["ac1"] == pytest.approx(gwet_ac1(ai, bi, categories=[0, 1]))


@pytest.mark.parametrize("seed", range(5))
def test_pooled_closed_forms_equal_general_functions(seed):
    rng = np.random.default_rng(seed)
    k, n = 4, 60
    truth = rng.random(n) < 0.4
    ratings = np.where(rng.random((k, n)) < 0.85, truth, ~truth).astype(float)
    complete = ratings.copy()
    ratings[rng.random((k, n)) < 0.2] = np.nan  # some coders did not rate some units
    for data, check_fleiss in ((complete, True), (ratings, False)):
        rated = (~np.isnan(data)).sum(axis=0)
        applied = np.nansum(data, axis=0).astype(int)
        patterns = np.zeros((k + 1) ** 2)
        np.add.at(patterns, rated[rated >= 1] * (k + 1) + applied[rated >= 1], 1)
        got = pooled_statistics(patterns, k)
        assert got["alpha"] == pytest.approx(krippendorff_alpha(data))
        assert got["ac1"] == pytest.approx(gwet_ac1(data, categories=[0.0, 1.0]))
        assert got["percent_agreement"] == pytest.approx(percent_agreement(data))
        if check_fleiss:
            counts = np.stack([k - applied, applied], axis=1)
            assert got["kappa"] == pytest.approx(fleiss_kappa(counts))


# --- a small corpus with hand-computed values ----------------------------------------------

TEXTS = {"T1": "a" * 100, "T2": "b" * 60}
# T1: five turns of 20 characters; T2: three turns of 20 characters.
TURNS = pd.DataFrame(
    [("T1", i, 20 * i, 20 * i + 20) for i in range(5)]
    + [("T2", i, 20 * i, 20 * i + 20) for i in range(3)],
    columns=["transcript_id", "turn", "start", "end"],
)


def _codings(rows):
    return pd.DataFrame(rows, columns=["transcript_id", "coder", "code_id", "start", "end"])


CODINGS = _codings(
    [
        # stigma: ann on T1 turns 0, 1, 2; bob on T1 turns 0, 1 and 3 (a span across 1 only)
        ("T1", "ann", "stigma", 2, 10),
        ("T1", "ann", "stigma", 25, 30),
        ("T1", "ann", "stigma", 45, 50),
        ("T1", "bob", "stigma", 0, 20),
        ("T1", "bob", "stigma", 21, 22),
        ("T1", "bob", "stigma", 65, 70),
        # T2: both coded it; ann applies stigma to turn 0, bob applies mental_health to turn 2
        ("T2", "ann", "stigma", 0, 5),
        ("T2", "bob", "mental_health", 45, 50),
        ("T1", "consensus", "stigma", 0, 20),
    ]
)


def test_turn_units_overlap_rule_and_rated():
    units = turn_units(CODINGS, TURNS)
    assert units.coders == ["ann", "bob"]  # consensus left out by default
    assert units.codes == ["mental_health", "stigma"]
    stigma = units.applied[1]
    assert stigma[0].tolist() == [True, True, True, False, False, True, False, False]
    assert stigma[1].tolist() == [True, True, False, True, False, False, False, False]
    assert units.rated.all()


def test_span_across_turns_counts_for_each():
    codings = _codings([("T1", "ann", "x", 15, 45), ("T1", "bob", "x", 0, 1)])
    units = turn_units(codings, TURNS)
    assert units.applied[0, 0].tolist()[:5] == [True, True, True, False, False]


def test_agreement_table_hand_computed():
    table = agreement_table(CODINGS, TURNS, bootstrap=0)
    row = table.query("code_id == 'stigma' and coder_a == 'ann' and coder_b == 'bob'").iloc[0]
    # 8 turns: both 2 (T1 t0, t1); ann only 2 (T1 t2, T2 t0); bob only 1 (T1 t3); neither 3.
    # p_o = 5/8; p_ann = 4/8, p_bob = 3/8; p_e = 0.5*0.375 + 0.5*0.625 = 0.5; kappa = 0.25.
    assert row["n_units"] == 8
    assert row["percent_agreement"] == pytest.approx(5 / 8)
    assert row["kappa"] == pytest.approx(0.25)
    a = [1, 1, 1, 0, 0, 1, 0, 0]
    b = [1, 1, 0, 1, 0, 0, 0, 0]
    assert row["alpha"] == pytest.approx(krippendorff_alpha([a, b]))
    assert row["ac1"] == pytest.approx(gwet_ac1(a, b))
    assert row["prevalence"] == pytest.approx(7 / 16)
    assert set(table["code_id"]) == {"stigma", "mental_health", "(all)"}
    assert np.isnan(row["kappa_lower"])


def test_coder_missing_a_transcript_is_not_rated():
    codings = CODINGS[~((CODINGS["coder"] == "bob") & (CODINGS["transcript_id"] == "T2"))]
    table = agreement_table(codings, TURNS, codes=["stigma"], bootstrap=0)
    row = table.query("code_id == 'stigma' and coder_a == 'ann'").iloc[0]
    assert row["n_units"] == 5  # only T1's turns are rated by both


def test_bootstrap_deterministic_and_contains_estimate():
    rng = np.random.default_rng(1)
    turns = pd.DataFrame(
        [(f"T{t}", i, 10 * i, 10 * i + 10) for t in range(20) for i in range(15)],
        columns=["transcript_id", "turn", "start", "end"],
    )
    rows = []
    for (t, i), coder in itertools.product(itertools.product(range(20), range(15)), "ab"):
        truth = (t * 15 + i) % 4 == 0
        if rng.random() < (0.9 if truth else 0.1):
            rows.append((f"T{t}", coder, "c", 10 * i + 1, 10 * i + 5))
    codings = _codings(rows)
    first = agreement_table(codings, turns, bootstrap=300, seed=7)
    again = agreement_table(codings, turns, bootstrap=300, seed=7)
    other = agreement_table(codings, turns, bootstrap=300, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)
    for name in ("percent_agreement", "kappa", "alpha", "ac1"):
        for _, row in first.iterrows():
            assert row[f"{name}_lower"] <= row[name] <= row[f"{name}_upper"]
            assert row[f"{name}_upper"] - row[f"{name}_lower"] < 0.5
    clustered = agreement_table(codings, turns, bootstrap=300, seed=7, cluster="transcript")
    assert clustered["kappa"].tolist() == pytest.approx(first["kappa"].tolist())
    assert not clustered["kappa_lower"].equals(first["kappa_lower"])


def test_three_coders_pooled_row_matches_fleiss():
    codings = _codings(
        [
            ("T1", "ann", "c", 0, 5), ("T1", "bob", "c", 0, 5), ("T1", "cat", "c", 20, 25),
            ("T1", "ann", "c", 40, 45), ("T1", "cat", "c", 40, 45), ("T1", "bob", "c", 60, 65),
        ]
    )  # fmt: skip
    table = agreement_table(codings, TURNS, bootstrap=0)
    pooled = table.query("code_id == 'c' and coder_a == '(all)'").iloc[0]
    # T1 turns: applied counts 2, 1, 2, 1, 0 of 3 coders (T2 not coded by anyone).
    counts = [[1, 2], [2, 1], [1, 2], [2, 1], [3, 0]]
    assert pooled["kappa"] == pytest.approx(fleiss_kappa(counts))
    assert pooled["n_coders"] == 3 and pooled["kappa_type"] == "fleiss"
    assert len(table.query("code_id == 'c' and coder_a != '(all)'")) == 3


def test_agreement_table_errors():
    with pytest.raises(CodingError, match="'T9' is not in the corpus"):
        agreement_table(_codings([("T9", "ann", "x", 0, 1), ("T1", "bob", "x", 0, 1)]), TURNS)
    bad = CODINGS.copy()
    bad.loc[2, "end"] = 40
    with pytest.raises(CodingError, match="row 3, field 'end'"):
        agreement_table(bad, TURNS)
    with pytest.raises(CodingError, match="coders"):
        agreement_table(CODINGS, TURNS, coders=["ann", "zed"])
    with pytest.raises(CodingError, match="two coders"):
        agreement_table(CODINGS, TURNS, coders=["ann"])


def test_without_corpus_units_are_merged_segments():
    codings = _codings(
        [
            ("T1", "ann", "x", 0, 5), ("T1", "bob", "y", 3, 8),  # one segment [0, 8)
            ("T1", "ann", "x", 10, 12), ("T1", "bob", "x", 11, 14),  # one segment [10, 14)
            ("T1", "bob", "y", 20, 25),  # one segment [20, 25)
        ]
    )  # fmt: skip
    table = agreement_table(codings, bootstrap=0)
    x = table.query("code_id == 'x' and coder_a == 'ann'").iloc[0]
    # x: ann on segments 1, 2; bob on segment 2 only -> 2 of 3 agree.
    assert x["n_units"] == 3
    assert x["percent_agreement"] == pytest.approx(2 / 3)


def test_soft_deleted_codings_are_ignored():
    codings = CODINGS.assign(deleted_at=None)
    codings.loc[3, "deleted_at"] = "2026-01-01"  # bob's span on T1 turn 0
    units = turn_units(codings, TURNS)
    assert not units.applied[1, 1, 0]


# --- character level (NVivo coding comparison) ---------------------------------------------


def test_character_agreement_hand_computed():
    texts = {"T1": "x" * 100}
    codings = _codings(
        [("T1", "ann", "c", 0, 20), ("T1", "ann", "c", 10, 30), ("T1", "bob", "c", 20, 50)]
    )
    table = character_agreement(codings, texts)
    row = table.query("transcript_id == 'T1'").iloc[0]
    # ann covers [0, 30), bob [20, 50): both 10, ann only 20, bob only 20, neither 50.
    assert (row["chars_a"], row["chars_b"], row["chars_both"]) == (30, 30, 10)
    assert row["percent_agreement"] == pytest.approx(60.0)
    p_e = 0.3 * 0.3 + 0.7 * 0.7
    assert row["kappa"] == pytest.approx((0.6 - p_e) / (1 - p_e))
    same = character_agreement(
        _codings([("T1", "ann", "c", 0, 5), ("T1", "bob", "c", 0, 5)]), texts
    )
    assert same["kappa"].tolist() == [1.0, 1.0]
    via_table = agreement_table(codings, texts, unit="character")
    pd.testing.assert_frame_equal(via_table, table)


# --- disagreements and reconciliation ------------------------------------------------------


def test_disagreements_and_reconcile():
    turns = TURNS.assign(
        text=[
            TEXTS[t][s:e]
            for t, s, e in TURNS[["transcript_id", "start", "end"]].itertuples(index=False)
        ]
    )
    todo = disagreements(CODINGS, turns)
    stigma = todo[todo["code_id"] == "stigma"]
    assert stigma[["transcript_id", "turn"]].values.tolist() == [["T1", 2], ["T1", 3], ["T2", 0]]
    assert stigma["applied_by"].tolist() == ["ann", "bob", "ann"]
    assert stigma["not_applied_by"].tolist() == ["bob", "ann", "bob"]
    assert stigma[["start", "end"]].values.tolist() == [[45, 50], [65, 70], [0, 5]]
    assert stigma["text"].iloc[0] == "a" * 20
    decisions = stigma.assign(decision=["apply", "reject", "apply"])
    out = reconcile(CODINGS, decisions, corpus=turns)
    consensus = out[out["coder"] == "consensus"].sort_values(["transcript_id", "start"])
    # agreed turns T1 t0 (ann 2-10, bob 0-20: hull 0-20, existing row kept once) and
    # T1 t1 (ann 25-30, bob 21-22: hull 21-30), plus the two applied decisions.
    assert consensus[["transcript_id", "start", "end"]].values.tolist() == [
        ["T1", 0, 20], ["T1", 21, 30], ["T1", 45, 50], ["T2", 0, 5],
    ]  # fmt: skip
    with pytest.raises(CodingError, match="row 1, field 'decision'"):
        reconcile(CODINGS, decisions.assign(decision="maybe"))


def test_exclude_speakers_drops_their_turns():
    turns = TURNS.assign(speaker=["INTERVIEWER", "P01"] * 2 + ["INTERVIEWER"] + ["V01"] * 3)
    table = agreement_table(CODINGS, turns, bootstrap=0, exclude_speakers=["interviewer"])
    row = table.query("code_id == 'stigma' and coder_a == 'ann'").iloc[0]
    # Units left: T1 turns 1, 3 and T2 turns 0-2. stigma: ann on T1 t1, T2 t0; bob on T1 t1,
    # T1 t3 -> both 1, ann only 1, bob only 1, neither 2: agreement 3/5.
    assert row["n_units"] == 5
    assert row["percent_agreement"] == pytest.approx(3 / 5)
    todo = disagreements(CODINGS, turns, exclude_speakers=["INTERVIEWER"])
    assert set(todo["turn"]) <= {1, 3, 0, 2}
    assert "INTERVIEWER" not in set(
        turns.set_index(["transcript_id", "turn"]).loc[
            list(map(tuple, todo[["transcript_id", "turn"]].to_numpy()))
        ]["speaker"]
    )
    with pytest.raises(CodingError, match="speaker"):
        agreement_table(CODINGS, TURNS, exclude_speakers=["INTERVIEWER"])


def test_plot_agreement_returns_axes():
    import matplotlib

    matplotlib.use("Agg")
    from coding.reliability import plot_agreement

    table = agreement_table(CODINGS, TURNS, bootstrap=50)
    ax = plot_agreement(table, "ac1", coder_a="ann", coder_b="bob")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(labels) == ["mental_health", "stigma"]
    assert "ann × bob" in ax.get_title()
    with pytest.raises(CodingError, match="statistic"):
        plot_agreement(table, "rho")


def test_unused_code_gives_undefined_kappa_not_an_error():
    table = agreement_table(CODINGS, TURNS, codes=["stigma", "delivery_pain"], bootstrap=0)
    row = table.query("code_id == 'delivery_pain' and coder_a == 'ann'").iloc[0]
    assert row["percent_agreement"] == 1.0 and np.isnan(row["kappa"])
    assert row["ac1"] == pytest.approx(1.0)
