"""Harrell's concordance of a Cox model's linear predictor, over risk sets, as R computes it.

For each event (time t, risk score ηᵢ) the comparators are the rows at risk at t that do not
have an event at t (rows censored at t count as longer survivors); for (start, stop] data
"at risk" means start < t ≤ stop, so a time-varying covariate is compared with its value at t.
A pair is concordant when the row that fails first has the higher η; ties in η count 1/2:
C = (concordant + tied/2) / comparable pairs — R ``concordance(fit)`` (survival ≥ 3) with
the default time weights, computed within strata.

The counts use the risk-set slots of :mod:`analysis.survival._coxfit`: "rows at risk at slot k with
η below ηᵢ" is (rows entered by k with η < ηᵢ) − (rows left by k with η < ηᵢ), evaluated
with a histogram over η ranks that is cumulated once per event slot.
"""

from __future__ import annotations

import numpy as np

from analysis.survival._coxfit import RiskSets


def _dominance(keys, ranks, query_slots, query_ranks, n_ranks, weights):
    """Per query: weight of points with key ≤ slot and rank < r, with rank ≤ r, and in total."""
    order = np.argsort(keys, kind="stable")
    sorted_keys, sorted_ranks, sorted_weights = keys[order], ranks[order], weights[order]
    hist = np.zeros(n_ranks + 1)
    less = np.empty(len(query_slots))
    less_equal = np.empty(len(query_slots))
    total = np.empty(len(query_slots))
    position = 0
    slots, starts = np.unique(query_slots, return_index=True)
    bounds = np.append(starts, len(query_slots))
    for slot, lo, hi in zip(slots, bounds[:-1], bounds[1:], strict=True):
        end = np.searchsorted(sorted_keys, slot, side="right")
        np.add.at(hist, sorted_ranks[position:end] + 1, sorted_weights[position:end])
        position = end
        cumulative = np.cumsum(hist)  # cumulative[r] = points with rank < r
        r = query_ranks[lo:hi]
        less[lo:hi] = cumulative[r]
        less_equal[lo:hi] = cumulative[r + 1]
        total[lo:hi] = cumulative[-1]
    return less, less_equal, total


def concordance(eta: np.ndarray, rs: RiskSets, weights: np.ndarray | None = None) -> float:
    """C index of ``eta`` over the risk sets ``rs`` (differences below 1e-10 are ties).

    With case ``weights`` each pair counts wᵢ·wⱼ, as R's ``concordance`` does.
    """
    weights = np.ones(len(eta)) if weights is None else np.asarray(weights, dtype=float)
    values, ranks = np.unique(np.round(eta, 10), return_inverse=True)
    n_ranks = len(values)
    order = np.argsort(rs.event_slot, kind="stable")
    q_rows = rs.event_rows[order]
    q_slots = rs.event_slot[order]
    q_ranks = ranks[q_rows]
    entered = _dominance(rs.enter, ranks, q_slots, q_ranks, n_ranks, weights)
    left = _dominance(rs.leave, ranks, q_slots, q_ranks, n_ranks, weights)
    less, less_equal, total = (a - b for a, b in zip(entered, left, strict=True))
    # remove the events at the same slot (tied event times are not compared)
    tie = np.lexsort((q_ranks, q_slots))
    s_slots, s_ranks = q_slots[tie], q_ranks[tie]
    cumulative = np.concatenate([[0.0], np.cumsum(weights[q_rows][tie])])
    key = s_slots * (n_ranks + 1) + s_ranks
    query = q_slots * (n_ranks + 1) + q_ranks
    group_start = cumulative[np.searchsorted(s_slots, q_slots, side="left")]
    less -= cumulative[np.searchsorted(key, query, side="left")] - group_start
    less_equal -= cumulative[np.searchsorted(key, query, side="right")] - group_start
    total -= cumulative[np.searchsorted(s_slots, q_slots, side="right")] - group_start
    w = weights[q_rows]
    concordant = w @ less
    tied = w @ (less_equal - less)
    comparable = w @ total
    return float((concordant + tied / 2) / comparable) if comparable else float("nan")
