"""Scored table for care coordination: each delivery's predicted risk, tier and the main
factors behind it, in plain words.

A factor's contribution is how much the predicted risk by the horizon falls when that
predictor alone is set to a typical value (the median of a number, the most common level of a
category, "no" for a yes/no): "housing instability: yes (+9 points)". Only factors that raise
the risk are listed, largest first. Tested in tests/analysis/risk/test_scores.py.

The table is identified output for clinical use made from research data; the study layer
(``dyadlab risk --scores``) writes it beside the study's data, readable by its owner only,
with :data:`PERMITTED_USE`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.risk._model import RiskModel

PERMITTED_USE = """\
Permitted use of this risk score table

This table gives, for each delivery, a model's predicted risk and the factors behind it. It was
made from research data and identifies people.

It MAY be used only to offer additional support (for example a peer recovery coach or a
care-coordination call) to the people listed, by staff entitled to see their records, and only
where the study's data use agreement and IRB approval allow research data to be used for this
purpose. Check both before any use.

It MUST NOT be used to deny, reduce or condition treatment, benefits, custody or services; to
report anyone to child protection, law enforcement or an insurer; in any funder or public
output; or as a diagnosis. A low score does not mean low need. The model's calibration differs
between groups (see the fairness table of `dyadlab risk`): read each score with it.

Keep the file where it was written (readable by its owner only); do not copy it into reports,
e-mail or shared folders; delete it when the support programme no longer needs it.
"""


def _plain(name: str) -> str:
    return name.replace("_", " ")


def _bare(term: str) -> str:
    term = term.strip()
    if term.startswith("C(") and term.endswith(")"):
        term = term[2:-1].split(",")[0].strip()
    return term


def score_table(
    model: RiskModel,
    df: pd.DataFrame,
    horizon: float,
    tiers: Sequence[tuple[str, float]] = (("high", 0.5), ("medium", 0.3)),
    id_columns: Sequence[str] = ("delivery_id", "person_id"),
    max_factors: int = 3,
) -> pd.DataFrame:
    """One row per delivery: ids, ``risk`` by ``horizon``, ``tier`` (first tier whose cut the
    risk reaches, else "low") and ``factors`` in plain words."""
    risk = model.predict_risk(df, horizon)
    columns = [_bare(p) for p in model.predictors]
    contributions = {}
    for column in columns:
        values = df[column]
        if pd.api.types.is_bool_dtype(values) or str(values.dtype) == "boolean":
            typical = False
        elif pd.api.types.is_numeric_dtype(values):
            typical = values.median()
        else:
            typical = values.mode().iloc[0]
        changed = df.copy()
        changed[column] = pd.Series([typical] * len(df), index=df.index).astype(values.dtype)
        contributions[column] = risk - model.predict_risk(changed, horizon)
    factors = []
    for i in range(len(df)):
        parts = sorted(((contributions[c][i], c) for c in columns), reverse=True)
        words = []
        for amount, column in parts[:max_factors]:
            if amount < 0.005:
                break
            value = df[column].iloc[i]
            shown = (
                {True: "yes", False: "no"}.get(value, value)
                if isinstance(value, bool | np.bool_)
                else value
            )
            words.append(f"{_plain(column)}: {shown} (+{100 * amount:.0f} points)")
        factors.append("; ".join(words))
    tier = np.full(len(df), "low", dtype=object)
    for name, cut in sorted(tiers, key=lambda t: t[1]):
        tier[risk >= cut] = name
    ids = [c for c in id_columns if c in df.columns]
    table = df[ids].copy()
    table["risk"] = risk.round(3)
    table["tier"] = tier
    table["factors"] = factors
    return table.sort_values("risk", ascending=False).reset_index(drop=True)
