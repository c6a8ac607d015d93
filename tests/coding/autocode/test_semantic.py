"""The optional sentence-embedding backend (extra ``semantic``); skipped when not installed."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from coding.autocode import ThemeClassifier
from coding.autocode._features import SentenceEmbeddings, semantic_available
from tests.coding.autocode.test_estimator import SIGNALS, make_corpus

pytestmark = [
    pytest.mark.skipif(not semantic_available(), reason="optional extra 'semantic' not installed"),
    pytest.mark.slow,  # loads torch and the model: ~30 s on the shared VM
]


@pytest.fixture(scope="module", autouse=True)
def offline(tmp_path_factory):
    """No network: the model must load from the package (HF_HUB_OFFLINE=1)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("HF_HUB_OFFLINE", "1")
    mp.setenv("HF_HOME", str(tmp_path_factory.mktemp("hf_home")))  # an empty hub cache
    yield
    mp.undo()


def test_embeddings_are_unit_vectors_and_capture_meaning():
    block = SentenceEmbeddings().fit([])
    vectors = block.transform(
        [
            "The nurse judged me for being on methadone",
            "Staff looked down on me because of my addiction",
            "We could not pay the rent and lost the apartment",
        ]
    ).toarray()
    assert vectors.shape == (3, 384)
    assert np.linalg.norm(vectors, axis=1) == pytest.approx(1.0, abs=1e-4)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 2]  # the two stigma sentences are closer


def test_semantic_classifier_same_interface_and_pickles():
    texts, labels, groups = make_corpus(n=90)
    model = ThemeClassifier(backend="semantic", min_positive=3).fit(texts, labels, groups=groups)
    names = model.features_.get_feature_names_out()
    assert any(n.startswith("embedding__") for n in names)
    assert not any(n.startswith("char__") for n in names)
    assert list(model.predict_proba(["x"]).columns) == sorted(SIGNALS)
    assert model.predict(["they called me a junkie"]) == [{"stigma"}]
    restored = pickle.loads(pickle.dumps(model))
    assert restored.predict(["rent was overdue"]) == model.predict(["rent was overdue"])
