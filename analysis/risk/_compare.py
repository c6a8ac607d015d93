"""The prespecified Cox model against scikit-survival's gradient-boosted survival model on the
same cross-validation splits (TRIPOD+AI: a bootstrap of a boosted model at 10^5 deliveries is
impractical on two cores, so both are compared by K-fold cross-validation).

Per fold: both models are fitted on the training folds and measured on the held-out fold —
Harrell's C, Uno's C (τ = horizon, censoring from the training folds) and AUC(horizon) of
the Cox predicted risk by the horizon and of the boosted model's risk score. Tested in
tests/analysis/risk/test_compare.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.risk._metrics import harrell_c, time_dependent_auc, uno_c
from analysis.risk._model import fit_risk_model


def _matrix(df: pd.DataFrame, predictors: Sequence[str]) -> pd.DataFrame:
    columns = [p[2:-1].split(",")[0] if p.startswith("C(") else p for p in predictors]
    frame = df[columns].copy()
    for c in columns:
        if pd.api.types.is_bool_dtype(frame[c]) or str(frame[c].dtype) == "boolean":
            frame[c] = frame[c].astype(float)
    return pd.get_dummies(frame, drop_first=False, dtype=float)


def compare_models(
    df: pd.DataFrame,
    duration: str,
    event: str,
    predictors: Sequence[str],
    horizon: float,
    n_splits: int = 5,
    seed: int = 0,
    boosting: dict | None = None,
) -> pd.DataFrame:
    """One row per (fold, model) with ``harrell_c``, ``uno_c``, ``auc``; the same folds for
    both models. ``boosting``: arguments of ``GradientBoostingSurvivalAnalysis``."""
    from sksurv.ensemble import GradientBoostingSurvivalAnalysis
    from sksurv.util import Surv

    data = df.reset_index(drop=True).copy()
    data[event] = data[event].astype(int)
    x = _matrix(data, predictors)
    fold = np.random.default_rng(seed).permutation(len(data)) % n_splits
    rows = []
    for k in range(n_splits):
        train, test = data[fold != k], data[fold == k]
        time, ev = test[duration].to_numpy(float), test[event].to_numpy()
        censoring = (train[duration].to_numpy(float), train[event].to_numpy())
        cox = fit_risk_model(train, duration, event, predictors, [horizon])
        params = {
            "n_estimators": 100,
            "max_depth": 3,
            "learning_rate": 0.1,
            "random_state": seed,
        } | (boosting or {})
        gbsa = GradientBoostingSurvivalAnalysis(**params).fit(
            x[fold != k].to_numpy(),
            Surv.from_arrays(train[event].astype(bool).to_numpy(), train[duration].to_numpy()),
        )
        scores = {
            "cox": cox.predict_risk(test, horizon),
            "gradient_boosting": gbsa.predict(x[fold == k].to_numpy()),
        }
        for name, risk in scores.items():
            rows.append(
                {
                    "fold": k,
                    "model": name,
                    "n": len(test),
                    "harrell_c": harrell_c(time, ev, risk),
                    "uno_c": uno_c(time, ev, risk, tau=horizon, train=censoring),
                    "auc": float(time_dependent_auc(time, ev, risk, [horizon], train=censoring)[0]),
                }
            )
    return pd.DataFrame(rows)
