"""Descriptive tables of a cohort ("Table 1"): counts, percentages, medians by group.

Each function returns a tidy DataFrame (numbers as numbers) and, separately, a formatted one
for display, so that disclosure control (:mod:`analysis.disclosure`) can work on the counts
before anything is printed.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.errors import AnalysisError


def _check_columns(df: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise AnalysisError(f"column(s) {missing} not in the data (have: {list(df.columns)})")


def category_counts(
    df: pd.DataFrame, variables: Sequence[str], by: str | None = None
) -> pd.DataFrame:
    """Counts of each category of each variable, overall and per group of ``by``.

    Returns a long DataFrame: ``variable, category, group, n, denominator, percent``; group
    ``"All"`` is the whole frame. Missing values are counted as the category ``"missing"`` so
    that the counts of a variable add up to its denominator.

    >>> category_counts(cohort, ["insurance", "pmad"], by="moud")
    """
    _check_columns(df, [*variables, *([by] if by else [])])
    groups: list[tuple[str, pd.DataFrame]] = [("All", df)]
    if by:
        groups += [(str(k), g) for k, g in df.groupby(by, observed=True, sort=True)]
    rows = []
    for variable in variables:
        for group, frame in groups:
            values = frame[variable].astype("object").where(frame[variable].notna(), "missing")
            counts = values.astype(str).value_counts(sort=False)
            for category in sorted(counts.index, key=str):
                rows.append((variable, category, group, int(counts[category]), len(frame)))
    out = pd.DataFrame(rows, columns=["variable", "category", "group", "n", "denominator"])
    out["percent"] = 100 * out["n"] / out["denominator"]
    return out


def numeric_summary(
    df: pd.DataFrame, variables: Sequence[str], by: str | None = None
) -> pd.DataFrame:
    """Median, quartiles, mean, SD and non-missing n of numeric variables, overall and by group."""
    _check_columns(df, [*variables, *([by] if by else [])])
    groups: list[tuple[str, pd.DataFrame]] = [("All", df)]
    if by:
        groups += [(str(k), g) for k, g in df.groupby(by, observed=True, sort=True)]
    rows = []
    for variable in variables:
        for group, frame in groups:
            values = pd.to_numeric(frame[variable], errors="coerce").dropna()
            rows.append(
                {
                    "variable": variable,
                    "group": group,
                    "n": len(values),
                    "median": values.median(),
                    "q1": values.quantile(0.25),
                    "q3": values.quantile(0.75),
                    "mean": values.mean(),
                    "sd": values.std(),
                }
            )
    return pd.DataFrame(rows)


def table_one(
    df: pd.DataFrame,
    by: str,
    categorical: Sequence[str],
    numeric: Sequence[str] = (),
    labels: dict[str, str] | None = None,
) -> pd.DataFrame:
    """A display-ready Table 1: one row per category (or numeric variable), one column per group.

    Categorical cells read ``n (p%)``; numeric cells ``median [q1–q3]``. The header row
    ``N`` gives the group sizes. Use :func:`category_counts` when the counts themselves are
    needed (for example to apply small-cell suppression first).
    """
    labels = labels or {}
    counts = category_counts(df, categorical, by)
    group_order = ["All", *[str(k) for k in sorted(df[by].dropna().unique(), key=str)]]
    sizes = {"All": len(df), **{str(k): len(g) for k, g in df.groupby(by, observed=True)}}
    rows = [("N", "", *[f"{sizes.get(g, 0)}" for g in group_order])]
    for variable in categorical:
        part = counts[counts["variable"] == variable]
        for category in dict.fromkeys(part["category"]):
            cells = []
            for group in group_order:
                hit = part[(part["category"] == category) & (part["group"] == group)]
                n = int(hit["n"].iloc[0]) if len(hit) else 0
                pct = float(hit["percent"].iloc[0]) if len(hit) else 0.0
                cells.append(f"{n} ({pct:.1f}%)")
            rows.append((labels.get(variable, variable), str(category), *cells))
    if numeric:
        summary = numeric_summary(df, numeric, by)
        for variable in numeric:
            cells = []
            for group in group_order:
                hit = summary[(summary["variable"] == variable) & (summary["group"] == group)]
                if len(hit) and hit["n"].iloc[0] > 0:
                    r = hit.iloc[0]
                    cells.append(f"{r['median']:.1f} [{r['q1']:.1f}–{r['q3']:.1f}]")
                else:
                    cells.append("–")
            rows.append((labels.get(variable, variable), "median [IQR]", *cells))
    return pd.DataFrame(rows, columns=["variable", "category", *group_order])


#: The delivery-cohort variables of a standard Table 1, with their display labels.
COHORT_CATEGORICAL = {
    "site": "Site",
    "race_ethnicity": "Race/ethnicity",
    "insurance": "Insurance",
    "pmad": "Perinatal mood/anxiety disorder",
    "housing_instability": "Housing instability",
    "peer_recovery_coach": "Peer recovery coach",
    "home_visiting": "Home visiting",
    "cps_report": "CPS report at delivery",
    "infant_nows": "Infant NOWS diagnosis",
    "plan_of_safe_care": "Plan of safe care",
}
COHORT_NUMERIC = {
    "age": "Age (years)",
    "parity": "Parity",
    "moud_initiation_week": "MOUD start (gest. week)",
}


def cohort_table_one(cohort: pd.DataFrame, by: str = "moud_at_delivery") -> pd.DataFrame:
    """Table 1 of a delivery cohort by MOUD at delivery, with the standard variables.

    Variables missing from ``cohort`` are left out, so a study without, say, home visiting
    data still gets its table.
    """
    categorical = [v for v in COHORT_CATEGORICAL if v in cohort.columns]
    numeric = [v for v in COHORT_NUMERIC if v in cohort.columns]
    return table_one(
        cohort, by, categorical, numeric, labels={**COHORT_CATEGORICAL, **COHORT_NUMERIC}
    )
