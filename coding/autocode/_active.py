"""Active learning: which uncoded turns should a human code next?

Uncertainty sampling (Lewis & Gale 1994) adapted to multi-label thresholds: a turn is
uncertain for a code when its score sits near that code's tuned threshold. The distance is
measured in calibrated log-odds, ``|a_c · (s_c − t_c)|`` with ``a_c`` the code's Platt slope,
so margins of different codes are comparable; a turn's uncertainty is
``exp(−min_c margin_c)`` (1 = on a threshold, → 0 = confidently decided for every code).

Picking only the most uncertain turns tends to pick near-duplicates, so selection is greedy
with a diversity penalty (maximal marginal relevance, Carbonell & Goldstein 1998)::

    score = (1 − diversity) · uncertainty − diversity · max cosine similarity to picked turns

with cosine similarity in the model's stemmed-word TF-IDF space.

>>> texts = ["I was on methadone the whole time", "I was on methadone the whole time.",
...          "The weather was nice that week"]
>>> ranked = rank_uncoded(model, texts, n=2, diversity=0.3)
>>> list(ranked.columns[:3]), len(ranked)
(['rank', 'position', 'score'], 2)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from coding.autocode._estimator import AutocodeError, ThemeClassifier, check_texts

RANK_COLUMNS = [
    "rank",
    "position",
    "score",
    "uncertainty",
    "max_similarity",
    "code",
    "margin",
    "reason",
]


def uncertainty(model: ThemeClassifier, texts: Sequence[str]) -> pd.DataFrame:
    """Per text: ``uncertainty`` (``exp(−min margin)``), the closest ``code`` and its
    ``margin`` in calibrated log-odds from the code's threshold."""
    if not hasattr(model, "classes_"):
        raise AutocodeError("the model is not fitted: call fit(texts, labels) first", field="model")
    decision = model.decision_function(texts)
    if decision.shape[1] == 0:
        return pd.DataFrame(
            {"uncertainty": np.zeros(len(decision)), "code": None, "margin": np.nan}
        )
    slopes = model.calibration_["a"].reindex(decision.columns).abs().to_numpy()
    margins = np.abs(decision.to_numpy()) * slopes
    closest = margins.argmin(axis=1)
    smallest = margins[np.arange(len(margins)), closest]
    return pd.DataFrame(
        {
            "uncertainty": np.exp(-smallest),
            "code": np.asarray(decision.columns)[closest],
            "margin": smallest,
        }
    )


def rank_uncoded(
    model: ThemeClassifier, texts: Sequence[str], n: int = 20, diversity: float = 0.3
) -> pd.DataFrame:
    """The ``n`` turns (of ``texts``) most worth coding next, best first.

    Returns ``rank, position`` (index into ``texts``), ``score`` (the MMR score at pick
    time), ``uncertainty``, ``max_similarity`` (to turns picked before it), ``code`` and
    ``margin`` (the code it is least sure about) and a plain-language ``reason``.
    ``diversity`` in [0, 1]: 0 = pure uncertainty order, 1 = pure spread.
    """
    texts = check_texts(texts)
    if not 0.0 <= float(diversity) <= 1.0:
        raise AutocodeError(f"diversity must be within [0, 1], got {diversity}", field="diversity")
    if int(n) < 1:
        raise AutocodeError(f"n must be a positive number of turns, got {n}", field="n")
    if not texts:
        return pd.DataFrame(columns=RANK_COLUMNS)
    info = uncertainty(model, texts)
    u = info["uncertainty"].to_numpy()
    vectors = model.features_.transformer_list[0][1].transform(texts)  # word TF-IDF, L2 rows
    picked: list[int] = []
    best_sim = np.zeros(len(texts))
    available = np.ones(len(texts), dtype=bool)
    rows = []
    w = float(diversity)
    for rank in range(1, min(int(n), len(texts)) + 1):
        score = (1 - w) * u - w * best_sim
        score[~available] = -np.inf
        i = int(np.argmax(score))
        picked.append(i)
        available[i] = False
        code, margin = info.at[i, "code"], float(info.at[i, "margin"])
        reason = (
            f"closest to the threshold of {code} ({margin:.2f} log-odds away)"
            if code is not None
            else "no code learned"
        )
        if best_sim[i] > 0:
            reason += f"; similarity {best_sim[i]:.2f} to a turn picked before"
        rows.append(
            {
                "rank": rank,
                "position": i,
                "score": float(score[i]),
                "uncertainty": float(u[i]),
                "max_similarity": float(best_sim[i]),
                "code": code,
                "margin": margin,
                "reason": reason,
            }
        )
        similarity = np.asarray((vectors @ vectors[i].T).todense()).ravel()
        best_sim = np.maximum(best_sim, similarity)
    return pd.DataFrame(rows, columns=RANK_COLUMNS)
