"""Agreement coefficients against published worked examples (source named in each test)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters

from coding.errors import CodingError
from coding.reliability import (
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
)

NAN = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers ×
# 12 units, values 1-5, with missing values. Published: nominal 0.743, ordinal 0.815,
# interval 0.849, ratio 0.797.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_worked_example(level, expected):
    assert krippendorff_alpha(KRIPPENDORFF_2011, level=level) == pytest.approx(expected, abs=5e-4)


def test_krippendorff_accepts_dataframe_and_strings():
    # Same data as nominal categories named by strings: nominal alpha does not depend on labels.
    frame = pd.DataFrame(KRIPPENDORFF_2011).map(
        lambda v: None if pd.isna(v) else "abcde"[int(v) - 1]
    )
    assert krippendorff_alpha(frame, "nominal") == pytest.approx(0.743, abs=5e-4)
    with pytest.raises(CodingError, match="numeric"):
        krippendorff_alpha(frame, "interval")


def test_krippendorff_binary_hand_computed():
    # Two coders, 10 units, presence (1) / absence (0): a=1 on units 1-4, b=1 on units 1-3 and 5.
    # Coincidences: o_11 = 6, o_00 = 10, o_01 = o_10 = 2; n_1 = 8, n_0 = 12, N = 20.
    # alpha = 1 - (N - 1) * o_01 / (n_0 * n_1) = 1 - 19 * 2 / 96 = 0.604166...
    a = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    b = [1, 1, 1, 0, 1, 0, 0, 0, 0, 0]
    assert krippendorff_alpha([a, b]) == pytest.approx(1 - 38 / 96)


def test_krippendorff_undefined_without_variation():
    assert np.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, 1]]))
    with pytest.raises(CodingError, match="level"):
        krippendorff_alpha(KRIPPENDORFF_2011, level="cardinal")


# Fleiss (1971) Table 1: 30 patients, 6 psychiatrists, 5 diagnoses; kappa = 0.430. The raw
# ratings are those of R's irr::diagnoses (also statsmodels' test data); R kappam.fleiss gives
# 0.4302445.
DIAGNOSES = np.array(
    [
        [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
    ]
)  # fmt: skip


def test_fleiss_1971():
    counts, _ = aggregate_raters(DIAGNOSES)
    assert fleiss_kappa(counts) == pytest.approx(0.4302445, abs=1e-6)


def test_fleiss_wikipedia_worked_example():
    # Wikipedia "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories; 0.210.
    table = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]  # fmt: skip
    assert fleiss_kappa(pd.DataFrame(table)) == pytest.approx(0.210, abs=5e-4)


def test_fleiss_rejects_unequal_rows():
    with pytest.raises(CodingError, match="row 2"):
        fleiss_kappa([[2, 1], [1, 1]])


def _expand(table):
    """Two coders' raw ratings from a contingency table (rows: coder a, columns: coder b)."""
    a, b = [], []
    for i, row in enumerate(table):
        for j, n in enumerate(row):
            a += [i + 1] * n
            b += [j + 1] * n
    return a, b


def test_cohen_kappa_sas_example():
    # SAS PROC FREQ agreement example (statsmodels' reference printout): table
    # [[0,4,1],[0,8,0],[0,1,5]]: simple kappa 0.4842, weighted kappa (Cicchetti-Allison,
    # scores 1,2,3) 0.4701.
    a, b = _expand([[0, 4, 1], [0, 8, 0], [0, 1, 5]])
    assert cohen_kappa(a, b) == pytest.approx(0.4842, abs=5e-5)
    assert cohen_kappa(a, b, weights="linear") == pytest.approx(0.4701, abs=5e-5)


def test_cohen_kappa_gwet_abstractors():
    # Gwet (2014) Handbook, cont3x3abstractors (100 pregnancies, 2 abstractors); R irrCAC
    # kappa2.table = 0.7964094, gwet.ac1.table = 0.849 (irrCAC vignette and tests).
    a, b = _expand([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
    assert cohen_kappa(a, b) == pytest.approx(0.7964094, abs=1e-6)
    assert gwet_ac1(a, b) == pytest.approx(0.849, abs=5e-4)
    assert percent_agreement(a, b) == pytest.approx(0.89)


def test_cohen_kappa_quadratic_matches_sklearn():
    # Independent cross-check: scikit-learn's cohen_kappa_score on contiguous integer scores.
    rng = np.random.default_rng(3)
    a = rng.integers(1, 6, 200)
    b = np.clip(a + rng.integers(-1, 2, 200), 1, 5)
    for weights in (None, "linear", "quadratic"):
        assert cohen_kappa(a, b, weights=weights) == pytest.approx(
            cohen_kappa_score(a, b, weights=weights), abs=1e-12
        )


def test_cohen_kappa_drops_missing_and_checks_input():
    assert cohen_kappa([1, 2, None, 1], [1, 2, 2, NAN]) == pytest.approx(1.0)
    assert np.isnan(cohen_kappa([1, 1], [1, 1]))
    with pytest.raises(CodingError, match="equal length"):
        cohen_kappa([1, 2], [1])
    with pytest.raises(CodingError, match="weights"):
        cohen_kappa([1, 2], [1, 2], weights="cubic")


def test_gwet_ac1_raw_four_raters():
    # Gwet (2014) Handbook p. 120 / R irrCAC cac.raw4raters (the Krippendorff 2011 data,
    # units × raters): pa = 0.818, pe = 0.190, AC1 = 0.775.
    assert percent_agreement(KRIPPENDORFF_2011) == pytest.approx(0.818, abs=5e-4)
    assert gwet_ac1(KRIPPENDORFF_2011) == pytest.approx(0.775, abs=5e-4)


def test_gwet_ac1_hand_computed_binary():
    # pa = 3/4; pi_1 = 5/8; pe = 2 * 5/8 * 3/8 = 0.46875; AC1 = 0.28125 / 0.53125.
    assert gwet_ac1([1, 1, 1, 0], [1, 1, 0, 0]) == pytest.approx(0.28125 / 0.53125)
    # With one category seen, the categories argument supplies q = 2: AC1 = 1 (pe = 0).
    assert gwet_ac1([0, 0, 0], [0, 0, 0], categories=[0, 1]) == pytest.approx(1.0)
    assert np.isnan(gwet_ac1([0, 0, 0], [0, 0, 0]))


def test_percent_agreement_multi_coder_fleiss_pbar():
    # Fleiss (1971): mean pairwise agreement P-bar of the diagnoses data is 0.5556.
    assert percent_agreement(DIAGNOSES.T) == pytest.approx(0.5556, abs=5e-5)


def test_weighted_kappa_uses_value_distances():
    # Cohen (1968): kappa_w = 1 - sum(w * observed) / sum(w * expected), with disagreement
    # weights w_ij = |v_i - v_j| (linear) or (v_i - v_j)^2 (quadratic) of the category VALUES.
    # Categories 1, 2, 5: a 1-vs-5 disagreement weighs 4 times a 1-vs-2 one.
    a = [1, 1, 2, 2, 5, 5, 1, 2, 5, 1]
    b = [1, 2, 2, 5, 5, 1, 1, 2, 5, 2]
    values = np.array([1, 2, 5])
    observed = np.zeros((3, 3))
    for x, y in zip(a, b, strict=True):
        observed[list(values).index(x), list(values).index(y)] += 1
    observed /= observed.sum()
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    for power, name in ((1, "linear"), (2, "quadratic")):
        w = np.abs(values[:, None] - values[None, :]) ** power
        hand = 1 - (w * observed).sum() / (w * expected).sum()
        assert cohen_kappa(a, b, weights=name) == pytest.approx(hand, abs=1e-12)


def test_gwet_ac1_more_handbook_datasets():
    # Gwet (2014) Handbook, as shipped with R irrCAC (raw_5observers: 15 units, 5 observers,
    # scores 0-3 with missing; raw_gender: 15 units, 4 raters, a/b/c): irrCAC gwet.ac1.raw
    # gives pa 0.616 / pe 0.236 / AC1 0.497 and pa 0.456 / pe 0.312 / AC1 0.208.
    n = None
    observers = [
        [1, 1, 2, n, 0, 0, 1, 1, 2, 2, n, 0, 1, 3, 1],
        [1, 1, 3, 0, 0, 0, 0, n, 2, 1, 1, 0, 2, 3, 1],
        [2, 0, 3, 0, 0, 0, 2, 2, 2, 1, 0, 0, 2, 2, 1],
        [n, 1, 3, n, n, n, n, 0, n, 1, 0, 0, 2, 2, n],
        [2, n, n, 0, 0, 0, 1, n, 2, n, n, n, n, 3, 1],
    ]
    assert percent_agreement(observers) == pytest.approx(0.616, abs=5e-4)
    assert gwet_ac1(observers) == pytest.approx(0.497, abs=5e-4)
    gender = [
        list("a a a a a b b b c a a a a a b".replace(" ", "")),
        list("a a a a b a b c c a a a a b a".replace(" ", "")),
        list("a b b c a a b b c a b b c a a".replace(" ", "")),
        list("c c c c a a b b c c c c c a a".replace(" ", "")),
    ]
    assert percent_agreement(gender) == pytest.approx(0.456, abs=5e-4)
    assert gwet_ac1(gender) == pytest.approx(0.208, abs=5e-4)
