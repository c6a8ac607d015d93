"""How well would the autocoder agree with the human coders on interviews it has not seen?

Cross-validation is **grouped by participant**: all turns of one interview (one participant)
fall on the same side of every split, so the model is never scored on a conversation it
learned from — turn-level shuffling would let it memorise a participant's idiom and overstate
agreement. Scores per code: precision, recall, F1, support, and Cohen's kappa between model
and human at turn level (``coding.reliability.cohen_kappa``, the statistic the coders'
reliability is reported with, so the two can be compared); micro and macro averages; and a
pooled kappa over every turn × code decision.

Units are participant turns (interviewer turns are left out: they are questions, not data).

Each fold fits a model (half a minute on the demo study; tests/coding/autocode/ run it), so
this example is shown, not run:

>>> result = evaluate(corpus, codings, coder="consensus")               # doctest: +SKIP
>>> result.summary                                                        # doctest: +SKIP
>>> result.per_code.sort_values("f1")                                     # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import GroupKFold

from coding.autocode._estimator import AutocodeError, ThemeClassifier, check_labels, check_texts
from coding.reliability._stats import cohen_kappa

logger = logging.getLogger(__name__)

INTERVIEWER_SPEAKERS = ("INTERVIEWER",)
PER_CODE_COLUMNS = ["code_id", "support", "predicted", "tp", "precision", "recall", "f1", "kappa"]


def training_units(
    corpus: Any,
    codings: pd.DataFrame,
    coder: str = "consensus",
    exclude_speakers: Iterable[str] = INTERVIEWER_SPEAKERS,
) -> pd.DataFrame:
    """Participant turns with ``coder``'s codes: :func:`coding.explore.turn_codes` minus the
    turns of ``exclude_speakers`` (compared case-insensitively)."""
    from coding.explore import turn_codes

    turns = turn_codes(corpus, codings, coder=coder)
    excluded = {s.upper() for s in exclude_speakers}
    keep = ~turns["speaker"].astype(str).str.upper().isin(excluded)
    return turns[keep].reset_index(drop=True)


@dataclass
class Evaluation:
    """Result of :func:`evaluate` / :func:`cross_evaluate`.

    ``per_code``: one row per code (``PER_CODE_COLUMNS``); ``summary``: rows ``micro`` and
    ``macro`` with ``precision, recall, f1, kappa`` (``micro`` kappa is the pooled kappa
    over every turn × code decision, ``macro`` the mean of per-code kappas); ``predictions``:
    out-of-fold predicted code sets per unit (with ``fold`` and ``group``); ``folds``: the
    test indices of each fold.
    """

    per_code: pd.DataFrame
    summary: pd.DataFrame
    predictions: pd.DataFrame
    folds: list[np.ndarray]


def _scores(
    truth: list[frozenset[str]], predicted: list[set[str]], codes: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    pooled_true: list[int] = []
    pooled_pred: list[int] = []
    for code in codes:
        t = np.fromiter((code in s for s in truth), dtype=int, count=len(truth))
        p = np.fromiter((code in s for s in predicted), dtype=int, count=len(predicted))
        tp = int((t & p).sum())
        support, n_pred = int(t.sum()), int(p.sum())
        precision = tp / n_pred if n_pred else float("nan")
        recall = tp / support if support else float("nan")
        f1 = 2 * tp / (support + n_pred) if support + n_pred else float("nan")
        rows.append(
            {
                "code_id": code,
                "support": support,
                "predicted": n_pred,
                "tp": tp,
                "precision": precision,
                "recall": recall,
                "f1": f1,
                "kappa": cohen_kappa(t.tolist(), p.tolist(), categories=[0, 1]),
            }
        )
        pooled_true.extend(t.tolist())
        pooled_pred.extend(p.tolist())
    per_code = pd.DataFrame(rows, columns=PER_CODE_COLUMNS)
    tp, support, n_pred = (per_code[c].sum() for c in ("tp", "support", "predicted"))
    micro = {
        "precision": tp / n_pred if n_pred else float("nan"),
        "recall": tp / support if support else float("nan"),
        "f1": 2 * tp / (support + n_pred) if support + n_pred else float("nan"),
        "kappa": cohen_kappa(pooled_true, pooled_pred, categories=[0, 1]),
    }
    macro = {c: float(per_code[c].mean()) for c in ("precision", "recall", "f1", "kappa")}
    summary = pd.DataFrame([micro, macro], index=pd.Index(["micro", "macro"], name="average"))
    return per_code, summary


def grouped_splits(
    groups: Sequence[Any], n_splits: int = 5, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(train, test)`` index pairs of a shuffled ``GroupKFold``: no group on both sides."""
    groups = np.asarray(list(groups))
    n_groups = len(np.unique(groups))
    if n_groups < 2:
        raise AutocodeError(
            f"grouped cross-validation needs at least 2 groups, got {n_groups}", field="groups"
        )
    if n_splits > n_groups:
        logger.warning("n_splits=%d > %d groups: using %d folds", n_splits, n_groups, n_groups)
        n_splits = n_groups
    splitter = GroupKFold(n_splits=int(n_splits), shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(groups)), groups=groups))


def cross_evaluate(
    texts: Sequence[str],
    labels: Sequence[Iterable[str]],
    groups: Sequence[Any],
    n_splits: int = 5,
    seed: int = 0,
    estimator: ThemeClassifier | None = None,
    codes: Sequence[str] | None = None,
) -> Evaluation:
    """Grouped cross-validation of ``estimator`` (default ``ThemeClassifier()``) on
    ``texts``/``labels``; ``groups`` (e.g. participant ids) never straddle a split.

    Each fold fits a fresh clone on the other folds (passing ``groups`` so its internal
    threshold tuning is grouped too) and predicts the held-out turns. ``codes`` defaults to
    every code in ``labels``; a code the fold's model skipped counts as never predicted.
    """
    texts = check_texts(texts)
    truth = check_labels(labels, len(texts))
    groups = np.asarray(list(groups))
    if len(groups) != len(texts):
        raise AutocodeError(f"got {len(texts)} texts but {len(groups)} groups", field="groups")
    base = estimator if estimator is not None else ThemeClassifier()
    splits = grouped_splits(groups, n_splits, seed)
    predicted: list[set[str]] = [set() for _ in texts]
    fold_of = np.full(len(texts), -1)
    for fold, (train, test) in enumerate(splits):
        model = clone(base).fit(
            [texts[i] for i in train], [truth[i] for i in train], groups=groups[train]
        )
        for i, codes_i in zip(test, model.predict([texts[i] for i in test]), strict=True):
            predicted[i] = codes_i
        fold_of[test] = fold
        logger.info("autocode evaluation: fold %d/%d done", fold + 1, len(splits))
    all_codes = sorted(set(codes) if codes is not None else set().union(*truth))
    per_code, summary = _scores(truth, predicted, all_codes)
    predictions = pd.DataFrame(
        {"group": groups, "fold": fold_of, "truth": [set(t) for t in truth], "predicted": predicted}
    )
    return Evaluation(per_code, summary, predictions, [test for _, test in splits])


def evaluate(
    corpus: Any,
    codings: pd.DataFrame,
    coder: str = "consensus",
    groups: str = "participant",
    n_splits: int = 5,
    seed: int = 0,
    estimator: ThemeClassifier | None = None,
    exclude_speakers: Iterable[str] = INTERVIEWER_SPEAKERS,
) -> Evaluation:
    """Grouped cross-validation against ``coder``'s turn codes in a corpus.

    ``groups`` is ``"participant"`` (``participant_id``) or ``"transcript"``
    (``transcript_id``) — or any column of :func:`training_units`.
    """
    units = training_units(corpus, codings, coder, exclude_speakers)
    column = {"participant": "participant_id", "transcript": "transcript_id"}.get(groups, groups)
    if column not in units.columns:
        raise AutocodeError(
            f"unknown groups {groups!r}: expected 'participant', 'transcript' or a turn column",
            field="groups",
        )
    group_values = units[column].fillna(units["transcript_id"]).astype(str)
    return cross_evaluate(
        units["text"].tolist(),
        units["codes"].tolist(),
        group_values,
        n_splits=n_splits,
        seed=seed,
        estimator=estimator,
    )


def learning_curve(
    texts: Sequence[str],
    labels: Sequence[Iterable[str]],
    groups: Sequence[Any],
    sizes: Sequence[int] = (100, 200, 400, 800),
    n_splits: int = 5,
    seed: int = 0,
    estimator: ThemeClassifier | None = None,
) -> pd.DataFrame:
    """F1 against the number of coded training turns, under grouped cross-validation.

    For each fold and each size ``n`` (capped at the fold's training size), a random ``n``
    of the fold's training turns (seeded) trains a clone that predicts the held-out groups.
    Returns one row per fold × size: ``size`` (requested), ``n_train`` (used), ``fold``,
    ``micro_f1, macro_f1`` and ``kappa`` (pooled over turn × code decisions).
    """
    texts = check_texts(texts)
    truth = check_labels(labels, len(texts))
    groups = np.asarray(list(groups))
    base = estimator if estimator is not None else ThemeClassifier()
    rng = np.random.default_rng(seed)
    codes = sorted(set().union(*truth))
    rows = []
    for fold, (train, test) in enumerate(grouped_splits(groups, n_splits, seed)):
        order = rng.permutation(train)
        for size in sizes:
            chosen = order[: min(int(size), len(order))]
            model = clone(base).fit(
                [texts[i] for i in chosen], [truth[i] for i in chosen], groups=groups[chosen]
            )
            predicted = model.predict([texts[i] for i in test])
            _, summary = _scores([truth[i] for i in test], predicted, codes)
            rows.append(
                {
                    "size": int(size),
                    "n_train": len(chosen),
                    "fold": fold,
                    "micro_f1": summary.loc["micro", "f1"],
                    "macro_f1": summary.loc["macro", "f1"],
                    "kappa": summary.loc["micro", "kappa"],
                }
            )
    return pd.DataFrame(rows, columns=["size", "n_train", "fold", "micro_f1", "macro_f1", "kappa"])
