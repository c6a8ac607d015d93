"""Dispensing rows (pharmacy fills, OTP dosing records, clinic injections) from treatment spans.

Each true treatment span ``[start, end)`` of :mod:`studies.synth.cohort` becomes a sequence of
rows that a claims or programme database would hold:

* buprenorphine — pharmacy fills of 7 days during induction, then 7/14, then 14-30 days, with
  early refills that overlap the previous supply, late refills, and now and then a short
  uncovered gap of 10-21 days;
* methadone — opioid treatment programme (OTP) dosing records: daily on-site doses
  (``days_supply`` 1, with a Sunday take-home) in the first four weeks, then take-home
  records of 2-3, 2-7 and finally 6-14 days as the person stabilises (a pace between the
  traditional take-home steps of 42 CFR 8.12 and the faster ones of the 2024 revised rule),
  with missed doses and occasional short gaps;
* naltrexone — monthly extended-release injections in a clinic (``days_supply`` 28 or 30),
  sometimes a few days to three weeks late.

Every short gap is at most 21 days, so a 30-day permissible-gap rule bridges them; restarts
are separated by more than 45 uncovered days (see :mod:`studies.synth.cohort`).

The schedules are data (:data:`SUPPLY_SCHEDULE`, :data:`DELAY`), sampled by table look-up.
The generation advances all spans in lock-step — one numpy step per fill, not per person — so
the cost is proportional to the number of rows.
"""

from __future__ import annotations

import numpy as np

from studies.synth.cohort import DRUG_CODE

BUP = DRUG_CODE["buprenorphine"]
METHADONE = DRUG_CODE["methadone"]
NALTREXONE = DRUG_CODE["naltrexone"]
#: Source of the rows of each drug code.
SOURCE_OF_DRUG = {BUP: "pharmacy", METHADONE: "otp", NALTREXONE: "clinic"}


#: Days supply by drug, from a day of treatment on (days since the span started):
#: ``(from_day, {days_supply: probability})``.
SUPPLY_SCHEDULE: dict[int, tuple[tuple[int, dict[int, float]], ...]] = {
    BUP: (
        (0, {7: 1.0}),  # weekly prescriptions during induction
        (28, {7: 0.4, 14: 0.6}),
        (90, {14: 0.3, 28: 0.2, 30: 0.5}),
    ),
    METHADONE: (
        (0, {1: 6 / 7, 2: 1 / 7}),  # daily on site, a Sunday take-home
        (28, {1: 0.5, 2: 0.3, 3: 0.2}),
        (90, {2: 1 / 6, 3: 1 / 6, 4: 1 / 6, 5: 1 / 6, 6: 1 / 6, 7: 1 / 6}),
        (180, {6: 0.2, 7: 0.3, 13: 0.2, 14: 0.3}),
    ),
    NALTREXONE: ((0, {28: 0.5, 30: 0.5}),),
}
#: Days from the end of a fill's supply to the next fill (negative: an early refill that
#: overlaps): ``(probability, fewest, most)``, uniform in between.
DELAY: dict[int, tuple[tuple[float, int, int], ...]] = {
    BUP: ((0.25, -5, -1), (0.45, 0, 2), (0.22, 3, 9), (0.08, 10, 21)),
    METHADONE: ((0.95, 0, 0), (0.04, 1, 3), (0.01, 4, 21)),
    NALTREXONE: ((0.70, -2, 2), (0.25, 3, 10), (0.05, 11, 20)),
}
_PHASES = np.array(sorted({day for plan in SUPPLY_SCHEDULE.values() for day, _ in plan}))
# Sampling by table look-up: a state's options own consecutive slices of [0, 2^30) scaled by
# their probability; `state * 2^30 + r` with r uniform in [0, 2^30) is looked up with one
# binary search (integers, so no rounding can move a draw into the next state).
_SCALE = 1 << 30


def _upper_bounds(weights_per_state: list[list[float]]) -> np.ndarray:
    """Cumulative upper bounds of every state's options on the ``state * 2^30 + r`` line."""
    upper = []
    for state, weights in enumerate(weights_per_state):
        cumulative = np.cumsum(weights) / np.sum(weights)
        upper.extend(state * _SCALE + np.round(cumulative * _SCALE).astype(np.int64))
    return np.array(upper, dtype=np.int64)


# States are numbered by drug code (buprenorphine 0, methadone 1, naltrexone 2) and phase.
assert (BUP, METHADONE, NALTREXONE) == (0, 1, 2)
_SUPPLY_STATES = [
    [options for day, options in SUPPLY_SCHEDULE[drug] if day <= phase_start][-1]
    for drug in (BUP, METHADONE, NALTREXONE)
    for phase_start in _PHASES
]
_SUPPLY_UPPER = _upper_bounds([list(options.values()) for options in _SUPPLY_STATES])
_SUPPLY_VALUE = np.array([value for options in _SUPPLY_STATES for value in options])
_DELAYS = [DELAY[drug] for drug in (BUP, METHADONE, NALTREXONE)]
_DELAY_UPPER = _upper_bounds([[p for p, _, _ in options] for options in _DELAYS])
_DELAY_LOW = np.array([low for options in _DELAYS for _, low, _ in options])
_DELAY_WIDTH = np.array([high - low + 1 for options in _DELAYS for _, low, high in options])


def _days_supply(drug: np.ndarray, tau: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Days supply of fills of ``drug`` made ``tau`` days into their span (r: uniform draws)."""
    phase = np.searchsorted(_PHASES, tau, side="right") - 1
    state = drug * _PHASES.size + phase
    return _SUPPLY_VALUE[np.searchsorted(_SUPPLY_UPPER, state * _SCALE + r, side="right")]


def _delay(drug: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Days from the end of a fill's supply to the next fill (r: uniform draws)."""
    option = np.searchsorted(_DELAY_UPPER, drug * _SCALE + r, side="right")
    return _DELAY_LOW[option] + r % _DELAY_WIDTH[option]


def simulate_fills(
    drug: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows for spans ``[start, stop)`` (days; one entry per span).

    Returns ``(span, day, days_supply)``: the span index of each row, its fill day (same day
    scale as ``start``) and its days supply. A span with ``stop <= start`` has no rows. The
    first fill is on ``start``; a fill is written while its day is before ``stop``.

    >>> import numpy as np
    >>> span, day, supply = simulate_fills(
    ...     np.array([0]), np.array([-100]), np.array([200]), np.random.default_rng(0))
    >>> int(day[0]), bool((day < 200).all()), bool((span == 0).all())
    (-100, True, True)
    """
    idx = np.flatnonzero(stop > start)
    day = start[idx].astype(np.int64)
    spans_out: list[np.ndarray] = []
    days_out: list[np.ndarray] = []
    supply_out: list[np.ndarray] = []
    while idx.size:
        d = drug[idx]
        draws = rng.integers(0, _SCALE, (2, idx.size))
        supply = _days_supply(d, day - start[idx], draws[0])
        spans_out.append(idx)
        days_out.append(day)
        supply_out.append(supply)
        nxt = day + np.maximum(1, supply + _delay(d, draws[1]))
        keep = nxt < stop[idx]
        idx, day = idx[keep], nxt[keep]
    if not spans_out:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    return (
        np.concatenate(spans_out),
        np.concatenate(days_out),
        np.concatenate(supply_out).astype(np.int64),
    )
