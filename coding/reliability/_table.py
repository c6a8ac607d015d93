"""The agreement table: every coefficient per code and coder pair, with bootstrap intervals.

For a code, each unit (turn) gives each coder a presence/absence rating. A coder pair's units
are those both coders rated; the four cell counts ``n11, n10, n01, n00`` (a applied / b applied)
determine every two-coder coefficient, so point estimates and all bootstrap replicates are
computed from counts in closed form, vectorised over replicates:

* percent agreement ``p_o = (n11 + n00) / n``;
* Cohen's kappa with ``p_e = p_a p_b + (1 − p_a)(1 − p_b)`` (Cohen 1960);
* Krippendorff's nominal alpha ``1 − (N − 1) o_10 / (n_0 n_1)`` from the coincidence matrix
  (Krippendorff 2011), ``N = 2n``;
* Gwet's AC1 with ``p_e = 2 π (1 − π)``, ``π`` the mean share applied (Gwet 2008).

The pooled row for a code uses all chosen coders at once: the pattern "r coders rated the unit,
x applied the code" determines Fleiss' kappa (generalised to unequal coder numbers as in Gwet
2014, ch. 2), Krippendorff's alpha, AC1 and agreement. ``tests/coding/reliability/test_table.py``
checks these closed forms against :mod:`coding.reliability._stats` (statsmodels, krippendorff).

Bootstrap: percentile intervals from ``bootstrap`` replicates resampling units with replacement
(resampling units is a multinomial draw over the cells, done directly) or, with
``cluster="transcript"``, resampling whole transcripts (turns of one interview are not
independent).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from coding.errors import CodingError
from coding.reliability._units import TurnUnits, coded_segments, turn_units

log = logging.getLogger(__name__)

POOLED = "(all)"
STATS = ("percent_agreement", "kappa", "alpha", "ac1")


def pair_statistics(cells: np.ndarray) -> dict[str, np.ndarray]:
    """Two-coder coefficients from counts ``[..., (n11, n10, n01, n00)]`` (any leading shape)."""
    cells = np.asarray(cells, dtype=float)
    n11, n10, n01, n00 = (cells[..., i] for i in range(4))
    n = n11 + n10 + n01 + n00
    with np.errstate(divide="ignore", invalid="ignore"):
        p_o = (n11 + n00) / n
        p_a = (n11 + n10) / n
        p_b = (n11 + n01) / n
        p_e = p_a * p_b + (1 - p_a) * (1 - p_b)
        kappa = np.where(np.isclose(p_e, 1), np.nan, (p_o - p_e) / (1 - p_e))
        n_1 = 2 * n11 + n10 + n01
        n_0 = 2 * n00 + n10 + n01
        alpha = np.where(
            (n_1 == 0) | (n_0 == 0), np.nan, 1 - (2 * n - 1) * (n10 + n01) / (n_0 * n_1)
        )
        pi = (p_a + p_b) / 2
        g_e = 2 * pi * (1 - pi)
        ac1 = (p_o - g_e) / (1 - g_e)
        prevalence = pi
    return {
        "percent_agreement": p_o,
        "kappa": kappa,
        "alpha": alpha,
        "ac1": ac1,
        "prevalence": prevalence,
        "n_units": n,
    }


def pattern_index(n_coders: int) -> tuple[np.ndarray, np.ndarray]:
    """``(r, x)`` of every pattern cell ``r * (K + 1) + x`` for ``K`` coders."""
    r, x = np.divmod(np.arange((n_coders + 1) ** 2), n_coders + 1)
    return r, x


def pooled_statistics(patterns: np.ndarray, n_coders: int) -> dict[str, np.ndarray]:
    """Multi-coder coefficients from pattern counts ``[..., (K+1)**2]``: (rated r, applied x)."""
    m = np.asarray(patterns, dtype=float)
    r, x = pattern_index(n_coders)
    valid = x <= r
    m = np.where(valid, m, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        some = (r >= 1).astype(float)
        pair = (r >= 2).astype(float)
        n_some = (m * some).sum(-1)
        share = np.where(r >= 1, x / np.maximum(r, 1), 0.0)
        pi = (m * share).sum(-1) / n_some
        agree_u = np.where(
            r >= 2, (x * (x - 1) + (r - x) * (r - x - 1)) / np.maximum(r * (r - 1), 1), 0.0
        )
        n_pair = (m * pair).sum(-1)
        p_o = (m * agree_u).sum(-1) / n_pair
        fleiss_e = pi**2 + (1 - pi) ** 2
        kappa = np.where(np.isclose(fleiss_e, 1), np.nan, (p_o - fleiss_e) / (1 - fleiss_e))
        g_e = 2 * pi * (1 - pi)
        ac1 = (p_o - g_e) / (1 - g_e)
        # Krippendorff: pairable units only; o_10 = Σ x (r − x) / (r − 1).
        o_10 = (m * np.where(r >= 2, x * (r - x) / np.maximum(r - 1, 1), 0.0)).sum(-1)
        total = (m * np.where(r >= 2, r, 0)).sum(-1)
        n_1 = (m * np.where(r >= 2, x, 0)).sum(-1)
        n_0 = total - n_1
        alpha = np.where((n_1 == 0) | (n_0 == 0), np.nan, 1 - (total - 1) * o_10 / (n_0 * n_1))
    return {
        "percent_agreement": p_o,
        "kappa": kappa,
        "alpha": alpha,
        "ac1": ac1,
        "prevalence": pi,
        "n_units": n_pair,
    }


def _cluster_counts(cell: np.ndarray, cluster: np.ndarray, n_cells: int, n_clusters: int):
    """Clusters × cells counts from each unit's cell number (−1 = unit not used)."""
    used = cell >= 0
    flat = np.bincount(cluster[used] * n_cells + cell[used], minlength=n_clusters * n_cells)
    return flat.reshape(n_clusters, n_cells).astype(float)


class _Resampler:
    """Bootstrap replicate counts, from one seeded generator, in a fixed order."""

    def __init__(self, bootstrap: int, seed: int, cluster: str | None, n_clusters: int):
        self.bootstrap = bootstrap
        self.rng = np.random.default_rng(seed)
        self.weights = None
        if bootstrap and cluster == "transcript":
            self.weights = self.rng.multinomial(
                n_clusters, np.full(n_clusters, 1 / n_clusters), size=bootstrap
            ).astype(float)

    def replicate(self, per_cluster: np.ndarray) -> np.ndarray | None:
        if not self.bootstrap:
            return None
        if self.weights is not None:
            return self.weights @ per_cluster
        total = per_cluster.sum(axis=0)
        n = int(total.sum())
        if n == 0:
            return np.zeros((self.bootstrap, total.size))
        return self.rng.multinomial(n, total / n, size=self.bootstrap).astype(float)


def _row(point: dict, replicates: dict | None, level: float) -> dict[str, Any]:
    row: dict[str, Any] = {"n_units": int(point["n_units"])}
    lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    for name in STATS:
        row[name] = float(point[name])
        if replicates is None:
            row[f"{name}_lower"] = row[f"{name}_upper"] = np.nan
            continue
        values = replicates[name][np.isfinite(replicates[name])]
        if values.size == 0:
            row[f"{name}_lower"] = row[f"{name}_upper"] = np.nan
        else:
            row[f"{name}_lower"], row[f"{name}_upper"] = (
                float(v) for v in np.percentile(values, [lo, hi])
            )
    row["prevalence"] = float(point["prevalence"])
    return row


def agreement_table(
    codings: pd.DataFrame,
    corpus: Any = None,
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    unit: Literal["turn", "character"] = "turn",
    bootstrap: int = 1000,
    seed: int = 0,
    cluster: Literal["transcript"] | None = None,
    level: float = 0.95,
    exclude_speakers: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Inter-coder agreement per code and coder pair, plus pooled rows.

    One row per ``code_id`` × (``coder_a``, ``coder_b``) pair, one pooled row per code over all
    chosen coders (``coder_a = coder_b = "(all)"``, kappa is Fleiss'), and rows with
    ``code_id = "(all)"`` that pool every code (each unit × code is one decision). Columns:
    ``code_id, coder_a, coder_b, n_coders, n_units, percent_agreement, kappa, alpha, ac1`` each
    with ``_lower``/``_upper`` bootstrap percentile limits, ``prevalence`` (share of ratings
    that applied the code) and ``kappa_type`` (``cohen`` | ``fleiss``).

    ``corpus`` gives the turns (a Corpus or a turns DataFrame); without it the units are the
    merged coded segments (:func:`coding.reliability._units.coded_segments`), a fallback for
    codings whose texts are not at hand. ``coders`` defaults to every
    coder except ``consensus``; ``codes`` to every code used. ``unit="character"`` returns
    :func:`coding.reliability._character.character_agreement` instead (NVivo-style).
    ``bootstrap=0`` skips intervals; ``cluster="transcript"`` resamples transcripts;
    ``exclude_speakers=["INTERVIEWER"]`` leaves the interviewer's turns out of the units
    (they are rarely coded and would inflate agreement on "absent").

    Three turns; both coders apply ``stigma`` to turn 1, only coder_a applies ``support``
    (to turn 2). Per code the units are the 3 turns; the pooled code ``(all)`` has 3 × 2
    decisions, 5 agreed (5/6 = 0.833); kappa (5/6 − 22/36) / (1 − 22/36) = 0.571:

    >>> from coding import Corpus
    >>> from coding.transcripts import Transcript
    >>> text = ("INTERVIEWER: How was the hospital?\\n\\n"
    ...         "P01: The nurse judged me.\\n\\nP01: My partner helped.")
    >>> corpus = Corpus.from_transcripts([Transcript.from_text("T01", text)])
    >>> codings = pd.DataFrame({"transcript_id": "T01",
    ...     "coder": ["coder_a", "coder_b", "coder_a"],
    ...     "code_id": ["stigma", "stigma", "support"],
    ...     "start": [text.index("judged"), text.index("nurse"), text.index("partner")],
    ...     "end": [text.index(" me."), text.index(" me."), text.index(" helped")]})
    >>> table = agreement_table(codings, corpus, bootstrap=0)
    >>> pair = table[table["coder_a"] == "coder_a"].set_index("code_id")
    >>> pair[["n_units", "percent_agreement", "ac1"]].round(3)
             n_units  percent_agreement    ac1
    code_id
    stigma         3              1.000  1.000
    support        3              0.667  0.538
    (all)          6              0.833  0.733
    >>> round(float(pair.loc["(all)", "kappa"]), 3)
    0.571
    """
    if unit == "character":
        from coding.reliability._character import character_agreement

        return character_agreement(codings, corpus, coders=coders, codes=codes)
    if unit != "turn":
        raise CodingError(f"unit must be 'turn' or 'character', got {unit!r}", field="unit")
    if corpus is None:
        log.warning("no corpus given: units are merged coded segments, not turns")
        corpus = coded_segments(codings)
    if bootstrap < 0 or cluster not in (None, "transcript") or not 0 < level < 1:
        raise CodingError(
            "bootstrap must be ≥ 0, cluster None or 'transcript', level in (0, 1)",
            field="bootstrap",
        )
    units = turn_units(
        codings, corpus, coders=coders, codes=codes, exclude_speakers=exclude_speakers
    )
    if len(units.coders) < 2:
        raise CodingError(
            f"agreement needs at least two coders, got {units.coders}", field="coders"
        )
    return _table(units, bootstrap, seed, cluster, level)


def _table(units: TurnUnits, bootstrap: int, seed: int, cluster, level: float) -> pd.DataFrame:
    n_clusters = int(units.cluster.max()) + 1 if units.cluster.size else 0
    resampler = _Resampler(bootstrap, seed, cluster, n_clusters)
    unit_weights = None
    if bootstrap and cluster is None:
        n = units.units.shape[0]
        draws = resampler.rng.integers(0, n, size=(bootstrap, n))
        offsets = (np.arange(bootstrap) * n)[:, None]
        unit_weights = np.bincount((draws + offsets).ravel(), minlength=bootstrap * n)
        unit_weights = unit_weights.reshape(bootstrap, n).astype(float)
    rows = []
    k = len(units.coders)
    pairs = list(itertools.combinations(range(k), 2))
    overall_pairs = {pair: np.zeros((units.units.shape[0], 4)) for pair in pairs}
    overall_pooled = np.zeros((units.units.shape[0], (k + 1) ** 2))
    rated_count = units.rated.sum(axis=0)
    for c, code in enumerate(units.codes):
        applied = units.applied[c]
        for i, j in pairs:
            both = units.rated[i] & units.rated[j]
            cell = np.where(both, 3 - 2 * applied[i] - applied[j], -1)
            per_cluster = _cluster_counts(cell, units.cluster, 4, n_clusters)
            rows.append(_pair_row(code, units, i, j, per_cluster, resampler, level))
            used = cell >= 0
            overall_pairs[(i, j)][used, cell[used]] += 1
        applied_count = (applied & units.rated).sum(axis=0)
        cell = np.where(rated_count >= 1, rated_count * (k + 1) + applied_count, -1)
        per_cluster = _cluster_counts(cell, units.cluster, (k + 1) ** 2, n_clusters)
        rows.append(_pooled_row(code, k, per_cluster, resampler, level))
        used = cell >= 0
        overall_pooled[used, cell[used]] += 1
    # All codes together: replicates must resample units (or transcripts), not unit × code,
    # so the per-unit cell counts of every overall row are stacked and resampled at once.
    blocks = [overall_pairs[pair] for pair in pairs] + [overall_pooled]
    stacked = np.hstack(blocks)
    reps = _replicates(stacked, units.cluster, n_clusters, resampler, unit_weights)
    offset = 0
    for (i, j), block in zip(pairs, blocks, strict=False):
        part = None if reps is None else reps[:, offset : offset + 4]
        offset += 4
        rows.append(
            _label(POOLED, units.coders[i], units.coders[j], 2, "cohen")
            | _row(
                pair_statistics(block.sum(axis=0)),
                None if part is None else pair_statistics(part),
                level,
            )
        )
    part = None if reps is None else reps[:, offset:]
    rows.append(
        _label(POOLED, POOLED, POOLED, k, "fleiss")
        | _row(
            pooled_statistics(overall_pooled.sum(axis=0), k),
            None if part is None else pooled_statistics(part, k),
            level,
        )
    )
    columns = ["code_id", "coder_a", "coder_b", "n_coders", "n_units"]
    for name in STATS:
        columns += [name, f"{name}_lower", f"{name}_upper"]
    columns += ["prevalence", "kappa_type"]
    return pd.DataFrame(rows)[columns]


def _replicates(per_unit, cluster, n_clusters, resampler, unit_weights):
    if not resampler.bootstrap:
        return None
    if unit_weights is not None:
        return unit_weights @ per_unit
    per_cluster = np.zeros((n_clusters, per_unit.shape[1]))
    np.add.at(per_cluster, cluster, per_unit)  # few clusters: cheap
    return resampler.weights @ per_cluster


def _label(code, a, b, n_coders, kind) -> dict[str, Any]:
    return {"code_id": code, "coder_a": a, "coder_b": b, "n_coders": n_coders, "kappa_type": kind}


def _pair_row(code, units, i, j, per_cluster, resampler, level):
    point = pair_statistics(per_cluster.sum(axis=0))
    reps = resampler.replicate(per_cluster)
    return _label(code, units.coders[i], units.coders[j], 2, "cohen") | _row(
        point, None if reps is None else pair_statistics(reps), level
    )


def _pooled_row(code, k, per_cluster, resampler, level):
    point = pooled_statistics(per_cluster.sum(axis=0), k)
    reps = resampler.replicate(per_cluster)
    return _label(code, POOLED, POOLED, k, "fleiss") | _row(
        point, None if reps is None else pooled_statistics(reps, k), level
    )
