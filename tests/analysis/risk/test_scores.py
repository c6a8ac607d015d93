"""The care-coordination table: risks equal the model's, tiers by the cuts, and the factor
named is the one the simulation made risky."""

import numpy as np
import pandas as pd

from analysis.risk import PERMITTED_USE, fit_risk_model, score_table


def test_scores_tiers_and_factors():
    rng = np.random.default_rng(3)
    n = 2000
    df = pd.DataFrame(
        {
            "delivery_id": [f"d{i}" for i in range(n)],
            "housing_instability": rng.random(n) < 0.3,
            "age": rng.normal(28, 5, n).round(),
            "insurance": rng.choice(["medicaid", "private"], n),
        }
    )
    t = rng.exponential(300 * np.exp(-1.2 * df["housing_instability"]))
    df["days"] = np.minimum(np.ceil(t), 365)
    df["event"] = (t <= 365).astype(int)
    model = fit_risk_model(df, "days", "event", ["housing_instability", "age", "C(insurance)"])
    table = score_table(model, df, 182, tiers=[("high", 0.6), ("medium", 0.4)])
    expected = pd.Series(model.predict_risk(df, 182), index=df["delivery_id"]).round(3)
    assert (table.set_index("delivery_id")["risk"] == expected[table["delivery_id"]].values).all()
    assert table["risk"].is_monotonic_decreasing
    assert set(table.loc[table["risk"] >= 0.6, "tier"]) <= {"high"}
    assert set(table.loc[table["risk"] < 0.4, "tier"]) <= {"low"}
    unstable = df.set_index("delivery_id")["housing_instability"]
    top = table[table["delivery_id"].map(unstable)]
    assert top["factors"].str.startswith("housing instability: yes (+").all()
    assert not table[~table["delivery_id"].map(unstable)]["factors"].str.contains("housing").any()
    assert "MUST NOT" in PERMITTED_USE and "IRB" in PERMITTED_USE
