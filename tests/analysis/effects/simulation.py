"""A cohort with a known effect of a service that starts after delivery, and its true risks.

Baseline covariate L (housing instability, P = 0.4) raises the daily outcome hazard
(0.003·e^{0.8L}) and lowers the daily hazard of starting the service (0.05 − 0.035L, from
day 0): confounding. From the start day on, the outcome hazard is multiplied by ``effect``.
A start is recorded only when it comes before the outcome (as in claims data), so "ever
received the service" needs survival to the start: immortal time. Follow-up ends at day 365.

The truth of the target trial ("start within 30 days" vs "not within 30 days") is computed
exactly by summing over the start-day distribution given L conditioned on each strategy
(the start hazard is the natural one within each strategy), not by the estimator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

OUTCOME_HAZARD = 0.003
OUTCOME_LOG_HR_L = 0.8
P_L = 0.4
GRACE = 30
FOLLOW_UP = 365


def start_hazard(l_value):
    return 0.05 - 0.035 * l_value


def simulate(n: int, effect: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    l_value = (rng.random(n) < P_L).astype(int)
    age = rng.normal(28, 5, n).round()
    start = rng.geometric(start_hazard(l_value)) - 1  # day 0, 1, ... with a constant hazard
    rate = OUTCOME_HAZARD * np.exp(OUTCOME_LOG_HR_L * l_value)
    draw = rng.exponential(1.0, n)
    before = draw / rate
    after = start + (draw - rate * start) / (rate * effect)
    event_time = np.where(before <= start, before, after)
    time = np.minimum(np.ceil(event_time), FOLLOW_UP)
    event = (event_time <= FOLLOW_UP).astype(int)
    observed_start = np.where(start < time, start.astype(float), np.nan)
    return pd.DataFrame(
        {
            "person_id": [f"p{i}" for i in range(n)],
            "L": l_value,
            "age": age,
            "time": time,
            "event": event,
            "service_day": observed_start,
            "ever_service": ~np.isnan(observed_start),
        }
    )


def true_risk(effect: float, day: int, within: bool) -> float:
    """Risk by ``day`` in each arm of the emulated trial, by the g-formula over the start day.

    The start day S has P(S = s | L) = h(1 − h)^s. Outcome risk given S = s (continuous time):
    1 − exp(−λ min(day, s) − λ·effect·(day − s)⁺).

    * "not within GRACE days" (``within`` false): nobody starts in the grace period; after it
      the start day follows the natural course given no start by then (S | S > GRACE).
    * "within GRACE days": the grace period runs as in the natural course (events before a
      start count, as every clone is in both arms until it deviates); after it, the women
      alive and not yet started are represented by those alive who started, with their start
      days: survival = S_nat(GRACE | L) · Σ_{s≤G} p(s) e^{−Λ(day, s)} / Σ_{s≤G} p(s) e^{−Λ(G, s)}.
      This is the estimand of clone–censor–weight with censoring at the end of the grace
      period (Maringe et al. 2020).
    """
    total = 0.0
    s = np.arange(0, 20000)
    for l_value, p_l in ((0, 1 - P_L), (1, P_L)):
        h = start_hazard(l_value)
        rate = OUTCOME_HAZARD * np.exp(OUTCOME_LOG_HR_L * l_value)
        p_s = h * (1 - h) ** s

        def survival(until, weights, rate=rate):
            cumulative = rate * np.minimum(until, s) + rate * effect * np.maximum(until - s, 0)
            return float(np.sum(weights * np.exp(-cumulative)))

        if not within:
            later = np.where(s > GRACE, p_s, 0.0)
            total += p_l * (1 - survival(day, later / later.sum()))
        elif day <= GRACE:
            total += p_l * (1 - survival(day, p_s / p_s.sum()))
        else:
            early = np.where(s <= GRACE, p_s, 0.0)
            alive_at_grace = survival(GRACE, p_s / p_s.sum())
            total += p_l * (1 - alive_at_grace * survival(day, early) / survival(GRACE, early))
    return total
