"""Risk model fitting and validation at 10^5 deliveries (analysis.risk).

Data: a simulated delivery cohort (seed 1): age, parity, PMAD, housing instability,
insurance (3 levels), MOUD drug (3 levels); discontinuation with a known log-hazard, days
rounded up and capped at 365 (heavy ties, ~45 % censored). Timed, in one process with the load
average recorded: the Cox fit (Breslow ties), the apparent performance at 182 days (Harrell's
and Uno's C, AUC(182), calibration slope and O/E: one prediction, three concordance passes,
one Cox refit on the linear predictor), one bootstrap optimism replicate (refit on a resample
plus performance on resample and original), and the fairness table for one grouping with 50
bootstrap draws. The time of Harrell's optimism correction with B resamples is B × one
replicate (reported for B = 200).

    python -m benchmarks risk [--quick]
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd

from analysis import risk

PREDICTORS = ["age", "parity", "pmad", "housing_instability", "C(insurance)", "C(moud)"]


def make_data(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "age": rng.normal(28, 5, n).round(),
            "parity": rng.poisson(1.2, n),
            "pmad": rng.random(n) < 0.3,
            "housing_instability": rng.random(n) < 0.2,
            "insurance": rng.choice(["medicaid", "private", "uninsured"], n, p=[0.75, 0.18, 0.07]),
            "moud": rng.choice(
                ["buprenorphine", "methadone", "naltrexone"], n, p=[0.5, 0.44, 0.06]
            ),
        }
    )
    lp = (
        0.5 * df["pmad"]
        + 0.4 * df["housing_instability"]
        - 0.03 * (df["age"] - 28)
        - 0.4 * (df["moud"] == "methadone")
        + 0.3 * (df["insurance"] == "uninsured")
    )
    t = rng.exponential(400 * np.exp(-lp))
    c = rng.uniform(150, 900, n)
    df["days"] = np.minimum(np.ceil(np.minimum(t, c)), 365)
    df["event"] = ((t <= c) & (t <= 365)).astype(int)
    return df


def _timed(label, fn):
    started = time.perf_counter()
    out = fn()
    print(f"{label:<58}{time.perf_counter() - started:8.2f} s   (load {os.getloadavg()[0]:.1f})")
    return out


def main(quick: bool = False) -> None:
    n = 10_000 if quick else 100_000
    df = make_data(n)
    print(f"{n} deliveries, {int(df['event'].sum())} events")
    model = _timed(
        "fit Cox (6 predictors, Breslow)",
        lambda: risk.fit_risk_model(df, "days", "event", PREDICTORS, [182]),
    )
    perf = _timed(
        "performance at 182 days (C, Uno C, AUC, calibration)",
        lambda: risk.performance(model, df, 182),
    )
    print({k: round(float(v), 4) for k, v in perf.items()})
    rep = _timed(
        "one optimism replicate (refit + 2 performances)",
        lambda: risk.optimism_corrected(df, "days", "event", PREDICTORS, 182, n_bootstrap=1),
    )
    _timed(
        "fairness by insurance, 50 bootstrap draws",
        lambda: risk.by_group(model, df, "insurance", 182, n_bootstrap=50),
    )
    del rep


if __name__ == "__main__":
    main()
