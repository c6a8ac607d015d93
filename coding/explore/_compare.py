"""Across interviews: code saturation in interview order, and patient-versus-provider tests.

Tested in tests/coding/explore/test_explore.py: saturation hand-counted; Fisher's p as the
hypergeometric sum by hand (77/3003) and the Yates chi-square computed by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from coding.errors import CodingError
from coding.explore._counts import code_matrix
from coding.explore._turns import _select, _transcript_table
from coding.transcripts._corpus import Corpus


# -------------------------------------------------------------------------- saturation
def saturation(
    corpus: Corpus,
    codings: pd.DataFrame,
    order: Sequence[str] | None = None,
    coder: str | None = "consensus",
) -> pd.DataFrame:
    """New codes per successive interview, and the cumulative number seen (code saturation).

    ``order`` lists transcript ids in the order interviews were done; by default transcripts
    are ordered by ``interview_date`` metadata (when every transcript has one), else corpus
    order. Columns: ``position`` (1, 2, …), ``transcript_id``, ``participant_id``,
    ``n_codes`` (distinct codes in that interview), ``new_codes`` (sorted list of codes not
    seen before), ``n_new``, ``cumulative``, ``share`` (= cumulative / all distinct codes).
    Following Guest, Bunce & Johnson (2006, Field Methods 18:59-82), saturation shows as a
    run of interviews adding no new codes.
    """
    spans = _select(codings, coder, corpus)
    if order is None:
        dates = [t.metadata.get("interview_date") for t in corpus]
        if all(dates):
            order = [
                t.id for _, t in sorted(zip(dates, corpus, strict=True), key=lambda x: str(x[0]))
            ]
        else:
            order = corpus.ids
    order = list(order)
    unknown = [tid for tid in order if tid not in corpus]
    if unknown:
        raise CodingError(
            f"order names transcripts not in the corpus: {unknown[:10]}", field="order"
        )
    by_transcript = spans.groupby("transcript_id")["code_id"].agg(lambda s: set(s))
    total = len(set(spans.loc[spans["transcript_id"].isin(order), "code_id"]))
    seen: set[str] = set()
    rows = []
    for position, transcript_id in enumerate(order, start=1):
        present = by_transcript.get(transcript_id, set())
        new = sorted(present - seen)
        seen |= present
        rows.append(
            {
                "position": position,
                "transcript_id": transcript_id,
                "participant_id": corpus[transcript_id].participant_id,
                "n_codes": len(present),
                "new_codes": new,
                "n_new": len(new),
                "cumulative": len(seen),
                "share": len(seen) / total if total else 0.0,
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------ role compare
def compare_roles(
    corpus: Corpus,
    codings: pd.DataFrame,
    coder: str | None = "consensus",
    roles: tuple[str, str] = ("patient", "provider"),
    unit: str = "transcript_id",
    test: str = "fisher",
    adjust: str = "holm",
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Does a code come up in a different share of patient and provider interviews?

    For each code, a 2 × 2 table of units (transcripts, or participants with
    ``unit="participant_id"``) by role and presence of the code, tested with Fisher's exact
    test (``test="fisher"``, :func:`scipy.stats.fisher_exact`, two-sided) or Pearson's
    chi-square with Yates' correction (``test="chi2"``, :func:`scipy.stats.chi2_contingency`).
    P-values are adjusted across codes (``adjust``: any :func:`statsmodels.stats.multitest.
    multipletests` method, e.g. ``holm`` or ``fdr_bh``; ``None`` to skip). Columns:
    ``code_id, n_<a>, with_<a>, prop_<a>, n_<b>, with_<b>, prop_<b>, difference`` (a − b),
    ``odds_ratio, statistic, p_value, p_adjusted``.
    """
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    if test not in ("fisher", "chi2"):
        raise CodingError(f"test must be 'fisher' or 'chi2', got {test!r}", field="test")
    if unit not in ("transcript_id", "participant_id"):
        raise CodingError(
            f"unit must be transcript_id or participant_id, got {unit!r}", field="unit"
        )
    first, second = roles
    matrix = code_matrix(corpus, codings, coder=coder, kind="presence", unit=unit, codes=codes)
    table = _transcript_table(corpus).drop_duplicates(unit).set_index(unit)["role"]
    matrix["_role"] = matrix[unit].map(table)
    code_ids = [c for c in matrix.columns if c not in (unit, "_role")]
    rows = []
    for code in code_ids:
        counts = {}
        for role in roles:
            members = matrix[matrix["_role"] == role]
            counts[role] = (len(members), int(members[code].sum()))
        (n_a, k_a), (n_b, k_b) = counts[first], counts[second]
        contingency = np.array([[k_a, n_a - k_a], [k_b, n_b - k_b]])
        if n_a == 0 or n_b == 0:
            odds, statistic, p_value = np.nan, np.nan, np.nan
        elif test == "fisher":
            result = stats.fisher_exact(contingency, alternative="two-sided")
            odds, statistic, p_value = float(result.statistic), np.nan, float(result.pvalue)
        else:
            if (contingency.sum(axis=0) == 0).any():
                odds, statistic, p_value = np.nan, 0.0, 1.0
            else:
                chi2 = stats.chi2_contingency(contingency, correction=True)
                statistic, p_value = float(chi2.statistic), float(chi2.pvalue)
                odds = stats.contingency.odds_ratio(contingency).statistic
        rows.append(
            {
                "code_id": code,
                f"n_{first}": n_a,
                f"with_{first}": k_a,
                f"prop_{first}": k_a / n_a if n_a else np.nan,
                f"n_{second}": n_b,
                f"with_{second}": k_b,
                f"prop_{second}": k_b / n_b if n_b else np.nan,
                "odds_ratio": odds,
                "statistic": statistic,
                "p_value": p_value,
            }
        )
    result = pd.DataFrame(rows)
    if result.empty:
        return result
    result.insert(7, "difference", result[f"prop_{first}"] - result[f"prop_{second}"])
    result["p_adjusted"] = result["p_value"]
    valid = result["p_value"].notna()
    if adjust and valid.any():
        result.loc[valid, "p_adjusted"] = multipletests(
            result.loc[valid, "p_value"], method=adjust
        )[1]
    return result
