"""Inter-coder reliability at study scale: 200 transcripts × 5 coders × 16 codes.

Measures :func:`coding.reliability.agreement_table` (turn units, 1000 bootstrap replicates)
against a naive baseline run in the same process: spans mapped to turns by a Python loop over
turns, then every (code, pair) coefficient computed with the general functions
(statsmodels' Cohen kappa, the krippendorff package, Gwet AC1 on the ratings), and a bootstrap
that recomputes those functions on resampled units (timed on a few replicates of one row and
extrapolated, because running it in full takes many minutes).
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd

from coding.reliability import agreement_table, cohen_kappa, gwet_ac1, krippendorff_alpha
from coding.reliability._units import clean_codings

CODES = [f"code_{i:02d}" for i in range(16)]
CODERS = [f"coder_{c}" for c in "abcde"]


def make_data(n_transcripts: int, turns_per: int = 30, seed: int = 0):
    """Turns and codings: each turn has true codes; coders find them with error."""
    rng = np.random.default_rng(seed)
    turns = []
    rows = []
    for t in range(n_transcripts):
        position = 0
        for i in range(turns_per):
            length = int(rng.integers(80, 400))
            turns.append((f"T{t:03d}", i, position, position + length))
            truth = rng.random(len(CODES)) < 0.1
            for coder in CODERS:
                seen = np.where(truth, rng.random(len(CODES)) < 0.85, rng.random(len(CODES)) < 0.02)
                for c in np.flatnonzero(seen):
                    start = position + int(rng.integers(0, length // 2))
                    end = start + int(rng.integers(5, length // 2))
                    rows.append((f"T{t:03d}", coder, CODES[c], start, end))
            position += length + 6
    turns = pd.DataFrame(turns, columns=["transcript_id", "turn", "start", "end"])
    codings = pd.DataFrame(rows, columns=["transcript_id", "coder", "code_id", "start", "end"])
    return turns, codings


def naive_ratings(codings: pd.DataFrame, turns: pd.DataFrame) -> dict:
    """{(code, coder): 0/1 list per turn} by checking every span against every turn."""
    ratings = {(c, x): [0] * len(turns) for c in CODES for x in CODERS}
    by_transcript = {t: g for t, g in codings.groupby("transcript_id")}
    for u, turn in enumerate(turns.itertuples(index=False)):
        spans = by_transcript.get(turn.transcript_id)
        if spans is None:
            continue
        for span in spans.itertuples(index=False):
            if span.start < turn.end and span.end > turn.start:
                ratings[(span.code_id, span.coder)][u] = 1
    return ratings


def naive_row(a: list, b: list) -> tuple[float, float, float, float]:
    agree = float(np.mean(np.asarray(a) == np.asarray(b)))
    return agree, cohen_kappa(a, b), krippendorff_alpha([a, b]), gwet_ac1(a, b, [0, 1])


def main(quick: bool = False) -> None:
    n = 40 if quick else 200
    turns, codings = make_data(n)
    print(
        f"data: {n} transcripts, {len(turns)} turns, {len(codings)} codings, "
        f"{len(CODERS)} coders, {len(CODES)} codes"
    )

    started = time.perf_counter()
    table = agreement_table(codings, turns, bootstrap=1000, seed=0)
    ours_boot = time.perf_counter() - started
    started = time.perf_counter()
    agreement_table(codings, turns, bootstrap=0)
    ours_point = time.perf_counter() - started
    print(f"agreement_table, 1000 bootstrap replicates: {ours_boot:.2f} s ({len(table)} rows)")
    print(f"agreement_table, point estimates only:      {ours_point:.2f} s")

    started = time.perf_counter()
    clean_codings(codings)
    ratings = naive_ratings(codings, turns)
    results = {}
    for code in CODES:
        for x, y in itertools.combinations(CODERS, 2):
            results[(code, x, y)] = naive_row(ratings[(code, x)], ratings[(code, y)])
    naive_point = time.perf_counter() - started
    print(
        f"naive loops + general functions, point:     {naive_point:.2f} s "
        f"(ratio {naive_point / ours_point:.1f}x slower)"
    )

    # Same numbers? (kappa of every pair row)
    pairs = table[(table["code_id"] != "(all)") & (table["coder_a"] != "(all)")]
    diff = max(
        abs(r.kappa - results[(r.code_id, r.coder_a, r.coder_b)][1]) for r in pairs.itertuples()
    )
    print(f"max |kappa difference| ours vs naive: {diff:.2e}")

    rng = np.random.default_rng(0)
    a = np.asarray(ratings[(CODES[0], CODERS[0])])
    b = np.asarray(ratings[(CODES[0], CODERS[1])])
    reps = 5 if quick else 20
    started = time.perf_counter()
    for _ in range(reps):
        idx = rng.integers(0, len(a), len(a))
        naive_row(list(a[idx]), list(b[idx]))
    per_rep = (time.perf_counter() - started) / reps
    rows = len(CODES) * len(list(itertools.combinations(CODERS, 2)))
    naive_boot = naive_point + per_rep * 1000 * rows
    print(
        f"naive bootstrap, extrapolated from {reps} replicates: {naive_boot:.0f} s "
        f"(ratio {naive_boot / ours_boot:.0f}x slower than agreement_table)"
    )


if __name__ == "__main__":
    main()
