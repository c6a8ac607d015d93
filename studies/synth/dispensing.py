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


def _days_supply(drug: np.ndarray, tau: np.ndarray, u: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Days supply of a fill given the drug and the days ``tau`` since the span started."""
    bup = np.select(
        [tau < 28, tau < 90, u < 0.3, u < 0.5],
        [7, np.where(u < 0.4, 7, 14), 14, 28],
        30,
    )
    methadone = np.select(
        [tau < 28, tau < 90, tau < 180],
        [
            np.where(u < 6 / 7, 1, 2),
            np.select([u < 0.5, u < 0.8], [1, 2], 3),
            2 + k % 6,  # 2-7
        ],
        np.select([u < 0.2, u < 0.5, u < 0.7], [6, 7, 13], 14),
    )
    naltrexone = np.where(u < 0.5, 28, 30)
    return np.select([drug == BUP, drug == METHADONE], [bup, methadone], naltrexone)


def _delay(drug: np.ndarray, u: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Days between the end of a fill's supply and the next fill (negative = early refill)."""
    bup = np.select(
        [u < 0.25, u < 0.70, u < 0.92],
        [-(1 + k % 5), k % 3, 3 + k % 7],
        10 + k % 12,  # 10-21: a short gap
    )
    methadone = np.select([u < 0.95, u < 0.99], [0, 1 + k % 3], 4 + k % 18)  # gap 4-21
    naltrexone = np.select([u < 0.7, u < 0.95], [k % 5 - 2, 3 + k % 8], 11 + k % 10)
    return np.select([drug == BUP, drug == METHADONE], [bup, methadone], naltrexone)


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
    """
    idx = np.flatnonzero(stop > start)
    day = start[idx].astype(np.int64)
    spans_out: list[np.ndarray] = []
    days_out: list[np.ndarray] = []
    supply_out: list[np.ndarray] = []
    while idx.size:
        d = drug[idx]
        u = rng.random(idx.size)
        k = rng.integers(0, 1 << 20, idx.size)
        supply = _days_supply(d, day - start[idx], u, k)
        spans_out.append(idx)
        days_out.append(day)
        supply_out.append(supply)
        v = rng.random(idx.size)
        j = rng.integers(0, 1 << 20, idx.size)
        nxt = day + np.maximum(1, supply + _delay(d, v, j))
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
