"""Tables for reports that leave the research team (funders, community boards).

Every count goes through :class:`analysis.disclosure._ledger.DisclosureLedger` (cells of 1–10
hidden, with complementary suppression across all tables of the report) and is displayed by
:func:`analysis.disclosure._check.count_table_html`, so the page scan that runs before the
report is written can check it. Survival estimates are shown only for groups of at least
``min_cell`` mothers, with numbers at risk coarsened; interview findings are described in
words and quotes, not in counts of people (interview samples are small).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from analysis.disclosure import coarsen_counts

#: One-line explanations for the terms a funder report uses.
GLOSSARY = {
    "MOUD": "Medication for opioid use disorder: methadone, buprenorphine (e.g. Suboxone) or "
    "naltrexone (Vivitrol).",
    "Retention": "Staying on MOUD without a gap in supply longer than the study's permitted gap.",
    "NOWS": "Neonatal opioid withdrawal syndrome: withdrawal signs in a baby exposed to opioids "
    "before birth.",
    "CPS": "Child protective services.",
    "95% CI": "95% confidence interval: the range the true value most likely lies in, given the "
    "number of mothers observed.",
    "Kaplan–Meier": "The standard way to estimate the share still on treatment over time when "
    "mothers are followed for different lengths of time.",
    "Competing risk": "An event (here, death from another cause) that makes the outcome of "
    "interest (overdose) impossible afterwards.",
    "<11": "A count from 1 to 10, hidden to protect privacy; other cells may be hidden too so "
    "that it cannot be worked out from totals.",
}


def glossary_table(terms: Sequence[str] | None = None) -> pd.DataFrame:
    """The glossary as a two-column table (``Term``, ``Meaning``)."""
    chosen = terms or list(GLOSSARY)
    return pd.DataFrame({"Term": chosen, "Meaning": [GLOSSARY[t] for t in chosen]})


def retention_for_funders(km, times: Sequence[int], group: str, min_cell: int = 11) -> pd.DataFrame:
    """Retention at chosen days per group, as percentages with 95% CIs.

    Groups with fewer than ``min_cell`` mothers are left out (an estimate from so few would
    reveal individual outcomes); numbers at risk are coarsened
    (:func:`analysis.disclosure.coarsen_counts`) and hidden below ``min_cell``.
    """
    at = km.at(times)
    sizes = km.median["n"]
    rows = []
    for name, part in at.groupby(group, sort=False):
        if int(sizes.loc[name]) < min_cell:
            continue
        at_risk = coarsen_counts(part["n_risk"].astype(int), min_cell=min_cell)
        for r, shown in zip(part.itertuples(), at_risk, strict=True):
            estimate = f"{100 * r.survival:.0f}%" if not pd.isna(shown) else "not shown"
            interval = f"{100 * r.lower:.0f}–{100 * r.upper:.0f}%" if not pd.isna(shown) else ""
            rows.append(
                {
                    "Medication": str(name),
                    "Months after delivery": round(r.time / 30.4),
                    "Still on MOUD": estimate,
                    "95% CI": interval,
                    "Mothers still followed (rounded)": shown,
                }
            )
    return pd.DataFrame(rows)


def frequency_word(share: float) -> str:
    """Describe a share of interviews in words, so small interview counts are not published."""
    if share >= 0.75:
        return "most"
    if share >= 0.5:
        return "many"
    if share >= 0.25:
        return "some"
    return "a few"


def key_themes(
    corpus,
    codings: pd.DataFrame,
    codebook,
    *,
    top: int = 5,
    role: str = "patient",
    redact: Callable[[str], str] | None = None,
) -> pd.DataFrame:
    """The themes mothers raised most often, each with how widely (in words) and one
    de-identified quote: ``Theme``, ``Raised by``, ``In her words``."""
    from coding.explore import code_frequencies, exemplars

    frequencies = code_frequencies(codings, corpus, by="role")
    mine = frequencies[frequencies["role"] == role].sort_values(
        ["share", "n_turns"], ascending=False
    )
    people = {"patient": "mothers", "provider": "providers"}.get(role, role)
    rows = []
    for r in mine.head(top).itertuples():
        quotes = exemplars(corpus, codings, r.code_id, n=5)
        quotes = quotes[quotes["role"] == role]
        text = " ".join(str(quotes["quote"].iloc[0]).split()) if len(quotes) else ""
        if text and redact is not None:
            text = redact(text)
        rows.append(
            {
                "Theme": codebook.get(r.code_id).name if r.code_id in codebook else r.code_id,
                "Raised by": f"{frequency_word(r.share)} {people}",
                "In her words": f"“{text}”" if text else "",
            }
        )
    return pd.DataFrame(rows, columns=["Theme", "Raised by", "In her words"])


def funder_joint_display(
    linked: pd.DataFrame,
    codes: Sequence[str],
    codebook,
    min_cell: int = 11,
    quotes: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The mixed-methods joint display in a form safe to publish.

    For each theme: how widely interviewed mothers raised it (in words) and their median days
    on MOUD with and without the theme — shown only when both groups have at least
    ``min_cell`` mothers, otherwise "too few mothers to show" — beside a quote.
    """
    rows = []
    total = len(linked)
    for code in codes:
        has = (
            linked[code].astype(bool)
            if code in linked.columns
            else pd.Series(False, index=linked.index)
        )
        n_with, n_without = int(has.sum()), int((~has).sum())
        if n_with >= min_cell and n_without >= min_cell:
            outcome = (
                f"{linked.loc[has, 'days_on_moud'].median():.0f} vs "
                f"{linked.loc[~has, 'days_on_moud'].median():.0f} days"
            )
        else:
            outcome = "too few mothers to show"
        rows.append(
            {
                "Theme": codebook.get(code).name if code in codebook else code,
                "Raised by": f"{frequency_word(n_with / total) if total else 'no'} mothers",
                "Median days on MOUD (with vs without the theme)": outcome,
                "In her words": f"“{quotes[code]}”" if quotes and quotes.get(code) else "",
            }
        )
    return pd.DataFrame(rows)
