"""Grouped evaluation, metrics (hand-computed) and active-learning ranking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from coding.autocode import (
    AutocodeError,
    ThemeClassifier,
    cross_evaluate,
    evaluate,
    learning_curve,
    rank_uncoded,
    training_units,
)
from coding.autocode._evaluation import _scores, grouped_splits
from coding.transcripts._corpus import Corpus
from coding.transcripts._model import Transcript
from tests.coding.autocode.test_estimator import make_corpus


def test_grouped_splits_never_mix_participants():
    groups = [f"P{i % 7}" for i in range(60)]
    splits = grouped_splits(groups, n_splits=5, seed=3)
    assert len(splits) == 5
    seen = []
    array = np.asarray(groups)
    for train, test in splits:
        assert not set(array[train]) & set(array[test])
        assert len(train) + len(test) == 60
        seen.extend(test.tolist())
    assert sorted(seen) == list(range(60))  # every unit tested exactly once
    with pytest.raises(AutocodeError, match="at least 2 groups"):
        grouped_splits(["P1"] * 5)


def test_scores_hand_computed():
    truth = [frozenset({"a"}), frozenset({"a"}), frozenset(), frozenset({"b"})]
    predicted = [{"a"}, set(), {"a"}, {"b"}]
    per_code, summary = _scores(truth, predicted, ["a", "b"])
    a = per_code.set_index("code_id").loc["a"]
    # code a: TP 1, support 2, predicted 2 -> P = R = F1 = 0.5; kappa: p_o = .5, p_e = .5 -> 0
    assert (a["tp"], a["support"], a["predicted"]) == (1, 2, 2)
    assert a["precision"] == a["recall"] == a["f1"] == pytest.approx(0.5)
    assert a["kappa"] == pytest.approx(0.0)
    b = per_code.set_index("code_id").loc["b"]
    assert b["f1"] == pytest.approx(1.0) and b["kappa"] == pytest.approx(1.0)
    # micro: TP 2 of 3 true and 3 predicted -> 2/3; pooled kappa over the 8 decisions:
    # p_o = 6/8, p_e = (3/8)^2 + (5/8)^2 = 34/64 -> (0.75 - 0.53125) / 0.46875 = 0.46667
    assert summary.loc["micro", "f1"] == pytest.approx(2 / 3)
    assert summary.loc["micro", "kappa"] == pytest.approx(0.21875 / 0.46875)
    assert summary.loc["macro", "f1"] == pytest.approx(0.75)
    assert summary.loc["macro", "kappa"] == pytest.approx(0.5)


def test_cross_evaluate_keeps_participants_in_one_fold():
    texts, labels, groups = make_corpus(n=90)
    result = cross_evaluate(
        texts,
        labels,
        groups,
        n_splits=3,
        seed=1,
        estimator=ThemeClassifier(char_ngrams=None, min_positive=3),
    )
    folds_per_group = result.predictions.groupby("group")["fold"].nunique()
    assert (folds_per_group == 1).all()
    assert set(result.predictions["fold"]) == {0, 1, 2}
    assert list(result.summary.index) == ["micro", "macro"]
    assert set(result.per_code["code_id"]) == {"treatment_engagement", "stigma", "social_needs"}
    assert result.summary.loc["macro", "f1"] > 0.8  # a clean signal transfers across people


def _toy_corpus() -> tuple[Corpus, pd.DataFrame]:
    texts, labels, _ = make_corpus(n=72, seed=5)
    transcripts, spans = [], []
    for p in range(6):
        parts = []
        offsets = []
        position = 0
        for k in range(12):
            question = "INTERVIEWER: And then what happened?"
            parts.append(question)
            position += len(question) + 2
            answer_text = texts[p * 12 + k]
            label = f"P{p}: "
            start = position + len(label)
            parts.append(label + answer_text)
            offsets.append((start, start + len(answer_text), labels[p * 12 + k]))
            position += len(label) + len(answer_text) + 2
        text = "\n\n".join(parts)
        transcript_id = f"INT-P{p}"
        transcripts.append(
            Transcript.from_text(transcript_id, text, participant_id=f"P{p}", role="patient")
        )
        for start, end, codes in offsets:
            assert text[start:end] in texts
            for code in codes:
                spans.append(
                    {
                        "transcript_id": transcript_id,
                        "coder": "consensus",
                        "code_id": code,
                        "start": start,
                        "end": end,
                    }
                )
    return Corpus(transcripts), pd.DataFrame(spans)


def test_evaluate_on_a_corpus_uses_participant_turns_only():
    corpus, codings = _toy_corpus()
    units = training_units(corpus, codings)
    assert len(units) == 72 and not (units["speaker"] == "INTERVIEWER").any()
    result = evaluate(
        corpus, codings, n_splits=3, estimator=ThemeClassifier(char_ngrams=None, min_positive=3)
    )
    assert len(result.predictions) == 72
    assert (result.predictions.groupby("group")["fold"].nunique() == 1).all()
    assert set(result.predictions["group"]) == {f"P{p}" for p in range(6)}
    with pytest.raises(AutocodeError, match="unknown groups"):
        evaluate(corpus, codings, groups="site")


def test_learning_curve_rows():
    texts, labels, groups = make_corpus(n=90)
    curve = learning_curve(
        texts,
        labels,
        groups,
        sizes=(20, 1000),
        n_splits=3,
        estimator=ThemeClassifier(char_ngrams=None, min_positive=3),
    )
    assert list(curve.columns) == ["size", "n_train", "fold", "micro_f1", "macro_f1", "kappa"]
    assert len(curve) == 6
    small = curve[curve["n_train"] == 20]
    assert len(small) == 3 and (curve.loc[curve["size"] == 1000, "n_train"] == 60).all()
    mean = curve.groupby(curve["n_train"] == 20)["micro_f1"].mean()
    assert mean[False] >= mean[True] - 0.05  # more data does not make it worse


class _FixedModel:
    """A fitted-model stand-in with known margins: decision scores, Platt slope 1."""

    def __init__(self, decision: pd.DataFrame, texts: list[str]) -> None:
        self.classes_ = np.asarray(decision.columns)
        self._decision = decision
        self.calibration_ = pd.DataFrame({"a": 1.0, "b": 0.0}, index=self.classes_)
        self.features_ = type(
            "U", (), {"transformer_list": [("word", TfidfVectorizer().fit(texts))]}
        )()

    def fit(self, texts, labels):  # check_is_fitted looks for an estimator
        return self

    def decision_function(self, texts):
        return self._decision.reset_index(drop=True)


def test_rank_uncoded_orders_by_uncertainty():
    texts = ["alpha beta", "gamma delta", "epsilon zeta", "eta theta"]
    # min |margin| per text: 2.0, 0.1, 0.5, 3.0 -> order 1, 2, 0, 3
    decision = pd.DataFrame({"x": [2.0, -0.1, 0.9, 3.0], "y": [-4.0, 2.0, 0.5, -3.5]})
    ranked = rank_uncoded(_FixedModel(decision, texts), texts, n=4, diversity=0.0)
    assert ranked["position"].tolist() == [1, 2, 0, 3]
    assert ranked["code"].tolist() == ["x", "y", "x", "x"]
    assert ranked["uncertainty"].to_numpy() == pytest.approx(np.exp([-0.1, -0.5, -2.0, -3.0]))
    assert "closest to the threshold of x" in ranked.loc[0, "reason"]


def test_rank_uncoded_diversity_skips_near_duplicates():
    texts = ["my methadone dose", "my methadone dose", "the bus was late", "rent overdue"]
    decision = pd.DataFrame({"x": [0.1, 0.12, 0.3, 2.0]})
    model = _FixedModel(decision, texts)
    assert rank_uncoded(model, texts, n=2, diversity=0.0)["position"].tolist() == [0, 1]
    diverse = rank_uncoded(model, texts, n=2, diversity=0.5)
    assert diverse["position"].tolist() == [0, 2]  # the duplicate is passed over
    assert diverse["max_similarity"].tolist() == [0.0, 0.0]
    with pytest.raises(AutocodeError, match="diversity"):
        rank_uncoded(model, texts, diversity=2)
