"""ThemeClassifier: estimator contract, learning a clear signal, thresholds, explain, errors.

The hand-made corpus below has three codes, each carried by its own small vocabulary mixed
into neutral filler, so what a correct classifier must learn is known in advance.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GroupKFold, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from coding.autocode import AutocodeError, ThemeClassifier
from coding.autocode._estimator import _best_threshold

SIGNALS = {
    "treatment_engagement": ["my methadone dose", "the suboxone clinic", "counselling sessions"],
    "stigma": ["the nurse judged me", "they called me a junkie", "looked down on me"],
    "social_needs": ["we lost our housing", "no money for the bus", "rent was overdue"],
}
FILLER = [
    "honestly it was a long week",
    "the weather was cold",
    "my sister came over",
    "we watched a movie",
    "it was a tuesday i think",
    "the kids were loud",
]


def make_corpus(n: int = 90, seed: int = 0) -> tuple[list[str], list[set[str]], list[str]]:
    """Texts, code sets and participant groups (9 participants) with known signals."""
    rng = np.random.default_rng(seed)
    codes = list(SIGNALS)
    texts, labels, groups = [], [], []
    for i in range(n):
        chosen = {c for c in codes if rng.random() < 0.3}
        n_filler = int(rng.integers(0, 3)) or (0 if chosen else 1)
        parts = [FILLER[rng.integers(len(FILLER))] for _ in range(n_filler)]
        parts += [SIGNALS[c][rng.integers(3)] for c in sorted(chosen)]
        rng.shuffle(parts)
        texts.append(", ".join(parts) + ".")
        labels.append(chosen)
        groups.append(f"P{i % 9:02d}")
    return texts, labels, groups


@pytest.fixture(scope="module")
def corpus():
    return make_corpus()


@pytest.fixture(scope="module")
def fitted(corpus):
    texts, labels, groups = corpus
    return ThemeClassifier(char_ngrams=None, min_positive=3).fit(texts, labels, groups=groups)


def test_predict_shapes_and_types(fitted):
    texts = ["my methadone dose was raised", "we watched a movie", "they called me a junkie"]
    predicted = fitted.predict(texts)
    assert isinstance(predicted, list) and len(predicted) == 3
    assert all(isinstance(p, set) for p in predicted)
    proba = fitted.predict_proba(texts)
    assert isinstance(proba, pd.DataFrame)
    assert list(proba.columns) == list(fitted.classes_) == sorted(SIGNALS)
    assert ((proba.to_numpy() >= 0) & (proba.to_numpy() <= 1)).all()
    decision = fitted.decision_function(texts)
    assert decision.shape == (3, 3) and list(decision.columns) == list(fitted.classes_)
    # predict is exactly "decision > 0"
    assert predicted == [set(decision.columns[row > 0]) for row in decision.to_numpy()]
    assert fitted.predict([]) == [] and fitted.predict_proba([]).shape == (0, 3)


def test_learns_clear_signal_on_unseen_phrasing(fitted):
    predicted = fitted.predict(
        [
            "they raised my methadone dose last week",
            "everyone judged me at the hospital",
            "we had no money and lost our housing",
            "the weather was cold and my sister came over",
        ]
    )
    assert predicted == [{"treatment_engagement"}, {"stigma"}, {"social_needs"}, set()]
    proba = fitted.predict_proba(["my methadone dose", "the weather was cold"])
    assert proba.at[0, "treatment_engagement"] > 0.8
    assert proba.at[1, "treatment_engagement"] < 0.2


def test_best_threshold_hand_computed():
    # scores sorted 0.9 (y=1), 0.8 (0), 0.3 (1), 0.1 (0); F1 of the top-k cut, k = 1..4:
    # 2·1/(1+2) = .667, 2·1/(2+2) = .5, 2·2/(3+2) = .8, 2·2/(4+2) = .667 -> k = 3,
    # cut halfway between 0.3 and 0.1.
    cut, f1 = _best_threshold(np.array([0.3, 0.9, 0.1, 0.8]), np.array([1, 1, 0, 0]))
    assert cut == pytest.approx(0.2) and f1 == pytest.approx(0.8)
    # ties: no cut between equal scores
    cut, _ = _best_threshold(np.array([0.5, 0.5, 0.1]), np.array([1, 0, 0]))
    assert cut == pytest.approx(0.3)


def test_thresholds_tuned_per_code(fitted):
    assert list(fitted.thresholds_.index) == list(fitted.classes_)
    assert np.isfinite(fitted.thresholds_).all()
    assert (fitted.cv_f1_ > 0.85).all()  # a clean signal is found out of fold
    assert (fitted.calibration_["a"] > 0).all()  # higher score, higher probability


def test_clone_get_set_params(fitted):
    params = fitted.get_params()
    assert params["char_ngrams"] is None and params["min_positive"] == 3
    copy = clone(fitted)
    assert not hasattr(copy, "classes_")
    assert copy.get_params()["C"] == params["C"]
    copy.set_params(C=2.0, cv=4)
    assert copy.C == 2.0 and copy.cv == 4 and params["C"] == fitted.C


def test_pickle_round_trip(fitted):
    texts = ["my methadone dose", "they called me a junkie at the clinic", "rent was overdue"]
    restored = pickle.loads(pickle.dumps(fitted))
    assert restored.predict(texts) == fitted.predict(texts)
    pd.testing.assert_frame_equal(restored.predict_proba(texts), fitted.predict_proba(texts))


def test_pipeline_and_grouped_cross_validate(corpus):
    texts, labels, groups = corpus
    pipe = Pipeline(
        [
            ("upper", FunctionTransformer(lambda xs: [x.upper() for x in xs])),
            ("clf", ThemeClassifier(char_ngrams=None, min_positive=3)),
        ]
    )
    pipe.fit(texts, labels)
    assert pipe.predict(["MY METHADONE DOSE"]) == [{"treatment_engagement"}]
    assert list(pipe.predict_proba(["x"]).columns) == sorted(SIGNALS)
    scores = cross_validate(
        ThemeClassifier(char_ngrams=None, min_positive=3),
        texts,
        labels,
        groups=groups,
        cv=GroupKFold(3),
    )
    assert len(scores["test_score"]) == 3
    assert (scores["test_score"] > 0.8).all()


def test_char_block_and_codebook_keywords(corpus):
    texts, labels, groups = corpus
    keywords = {"stigma": ["judged", "junkie"], "social_needs": ["housing", "rent"]}
    model = ThemeClassifier(codebook=keywords, min_positive=3).fit(texts, labels)
    names = model.features_.get_feature_names_out()
    assert "keyword__stigma" in names and any(n.startswith("char__") for n in names)
    assert model.predict(["the nurse judged me"]) == [{"stigma"}]


def test_explain_returns_the_signal_words(fitted):
    table = fitted.explain("stigma", n=6)
    assert list(table.columns) == ["term", "block", "weight"]
    assert len(table) == 6 and table["weight"].is_monotonic_decreasing
    # stems of the stigma phrases (Snowball: judged -> judg, junkie -> junki)
    assert {"judg", "junki"} <= set(table["term"])
    assert not set(table["term"]) & {"methadon", "hous", "rent"}
    with pytest.raises(AutocodeError, match="not one the model learned"):
        fitted.explain("no_such_code")


def test_rare_code_skipped_with_warning(corpus, caplog):
    texts, labels, _ = corpus
    labels = [set(s) for s in labels]
    labels[0] = labels[0] | {"cps_promoter"}
    with caplog.at_level(logging.WARNING, logger="coding.autocode._estimator"):
        model = ThemeClassifier(char_ngrams=None, min_positive=3).fit(texts, labels)
    assert "cps_promoter" in model.skipped_codes_
    assert "cps_promoter" not in model.classes_
    assert any("cps_promoter" in r.getMessage() for r in caplog.records)
    with pytest.raises(AutocodeError, match="skipped"):
        model.explain("cps_promoter")


def test_no_code_learnable_predicts_nothing():
    model = ThemeClassifier(char_ngrams=None).fit(
        ["baby sleeps well", "clinic closed early", "bus was late"], [{"x"}, set(), set()]
    )
    assert model.skipped_codes_ == ["x"] and list(model.classes_) == []
    assert model.predict(["baby sleeps"]) == [set()]
    assert model.predict_proba(["baby sleeps"]).shape == (1, 0)
    with pytest.raises(AutocodeError, match="features"):
        ThemeClassifier().fit(["", "the"], [set(), set()])


@pytest.mark.parametrize(
    "texts, labels, field",
    [
        ("one string", [set()], "texts"),
        (["a", 3], [set(), set()], "texts"),
        (["a", "b"], [set()], "labels"),
        (["a", "b"], ["stigma", set()], "labels"),
    ],
)
def test_bad_input_names_the_field(texts, labels, field):
    with pytest.raises(AutocodeError) as error:
        ThemeClassifier(char_ngrams=None).fit(texts, labels)
    assert error.value.field == field


def test_needs_no_nltk_data(tmp_path):
    """Tokenising, stemming and fitting work with an empty NLTK data path."""
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    code = (
        "import nltk\n"
        f"nltk.data.path[:] = [{str(empty)!r}]  # nothing else to find data in\n"
        "from coding.autocode import ThemeClassifier\n"
        "texts = ['my methadone dose'] * 6 + ['the weather was cold'] * 6\n"
        "labels = [{'t'}] * 6 + [set()] * 6\n"
        "m = ThemeClassifier(min_positive=3).fit(texts, labels)\n"
        "print(sorted(m.predict(['methadone dose today'])[0]))\n"
    )
    env = {**os.environ, "NLTK_DATA": str(empty), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['t']"


def test_char_block_equals_sklearn_char_wb():
    """The cached char n-gram block reproduces scikit-learn's own char_wb TF-IDF."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from coding.autocode._features import CharNgramTfidf

    texts, _, _ = make_corpus(n=40)
    texts = texts + ["A  tab\tseparated, UPPER case: x y", "", "ümlaut café"]
    reference = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
    ).fit(texts[:30])
    ours = CharNgramTfidf((2, 5), min_df=2).fit(texts[:30])
    assert ours.vocabulary_ == reference.vocabulary_
    difference = abs(ours.transform(texts) - reference.transform(texts)).max()
    assert difference < 1e-6
    assert list(ours.get_feature_names_out()) == list(reference.get_feature_names_out())


def test_keyword_block_counts_stemmed_phrases():
    from coding.autocode._features import KeywordFeatures

    block = KeywordFeatures({"b": ["skin to skin", "holding"], "a": ["judged"]}).fit([])
    matrix = block.transform(["Skin-to-skin, then holding him", "she was judging me", "skin"])
    # columns sorted a, b; row 0: two b phrases -> log(3); "judging" stems like "judged"
    assert list(block.get_feature_names_out()) == ["a", "b"]
    assert matrix.toarray() == pytest.approx(np.log([[1, 3], [2, 1], [1, 1]]))


def test_unknown_backend_is_an_error():
    from coding.autocode._features import build_features
    from coding.errors import CodingError

    with pytest.raises(CodingError, match="backend"):
        build_features(backend="bert")
