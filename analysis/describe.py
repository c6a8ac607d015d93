"""Descriptive tables of a cohort ("Table 1"): counts, percentages, medians by group.

Each function returns a tidy DataFrame (numbers as numbers) and, separately, a formatted one
for display, so that disclosure control (:mod:`analysis.disclosure`) can work on the counts
before anything is printed.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis._validation import require_columns


def _groups(
    df: pd.DataFrame, variables: Sequence[str], by: str | None
) -> list[tuple[str, pd.DataFrame]]:
    """``("All", df)`` then one ``(group, rows)`` per value of ``by`` (checked columns)."""
    require_columns(df, [*variables, by])
    groups: list[tuple[str, pd.DataFrame]] = [("All", df)]
    if by:
        groups += [(str(k), g) for k, g in df.groupby(by, observed=True, sort=True)]
    return groups


def category_counts(
    df: pd.DataFrame, variables: Sequence[str], by: str | None = None
) -> pd.DataFrame:
    """Counts of each category of each variable, overall and per group of ``by``.

    Returns a long DataFrame: ``variable, category, group, n, denominator, percent``; group
    ``"All"`` is the whole frame. Missing values are counted as the category ``"missing"`` so
    that the counts of a variable add up to its denominator.

    >>> df = pd.DataFrame({"insurance": ["medicaid", "medicaid", "private", None],
    ...                    "moud": ["methadone", "buprenorphine", "methadone", "methadone"]})
    >>> category_counts(df, ["insurance"], by="moud").round(1)
        variable  category          group  n  denominator  percent
    0  insurance  medicaid            All  2            4     50.0
    1  insurance   missing            All  1            4     25.0
    2  insurance   private            All  1            4     25.0
    3  insurance  medicaid  buprenorphine  1            1    100.0
    4  insurance  medicaid      methadone  1            3     33.3
    5  insurance   missing      methadone  1            3     33.3
    6  insurance   private      methadone  1            3     33.3
    """
    rows = []
    for variable in variables:
        for group, frame in _groups(df, variables, by):
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
    rows = []
    for variable in variables:
        for group, frame in _groups(df, variables, by):
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


def _is_boolean(values: pd.Series) -> bool:
    present = set(values.dropna().unique())
    return pd.api.types.is_bool_dtype(values) or (bool(present) and present <= {True, False})


def _pretty(value: object) -> str:
    return str(value).replace("_", " ").capitalize()


def table_one(
    df: pd.DataFrame,
    by: str,
    categorical: Sequence[str],
    numeric: Sequence[str] = (),
    labels: dict[str, str] | None = None,
    category_labels: dict[str, dict[str, str]] | None = None,
) -> pd.DataFrame:
    """A display-ready Table 1: one column per group of ``by`` (after ``All``).

    Rows: ``N``; for a yes/no variable one row ``<label>, n (%)`` counting *yes*; for other
    categorical variables a heading row and one indented row per category ``n (%)``
    (``category_labels`` gives display names of category values; missing values are counted
    as "Missing"); for numeric variables ``<label>, median [IQR]``. Use
    :func:`category_counts` when the counts themselves are needed (for example to apply
    small-cell suppression first).
    """
    labels = labels or {}
    category_labels = category_labels or {}
    counts = category_counts(df, categorical, by)
    group_order = ["All", *[str(k) for k in sorted(df[by].dropna().unique(), key=str)]]
    sizes = {"All": len(df), **{str(k): len(g) for k, g in df.groupby(by, observed=True)}}
    rows: list[tuple[str, ...]] = [("N", *[f"{sizes.get(g, 0):,}" for g in group_order])]

    def cells(part: pd.DataFrame, category: str) -> list[str]:
        out = []
        for group in group_order:
            hit = part[(part["category"] == category) & (part["group"] == group)]
            n = int(hit["n"].iloc[0]) if len(hit) else 0
            pct = 100 * n / sizes[group] if sizes.get(group) else 0.0
            out.append(f"{n:,} ({pct:.1f}%)")
        return out

    for variable in categorical:
        part = counts[counts["variable"] == variable]
        label = labels.get(variable, _pretty(variable))
        if _is_boolean(df[variable]):
            rows.append((f"{label}, n (%)", *cells(part, "True")))
            continue
        rows.append((label, *[""] * len(group_order)))
        names = category_labels.get(variable, {})
        for category in sorted(dict.fromkeys(part["category"]), key=lambda c: (c == "missing", c)):
            name = "Missing" if category == "missing" else names.get(category, _pretty(category))
            rows.append((f"\u2003{name}", *cells(part, category)))
    if numeric:
        summary = numeric_summary(df, numeric, by)
        for variable in numeric:
            row = [f"{labels.get(variable, _pretty(variable))}, median [IQR]"]
            for group in group_order:
                hit = summary[(summary["variable"] == variable) & (summary["group"] == group)]
                if len(hit) and hit["n"].iloc[0] > 0:
                    r = hit.iloc[0]
                    row.append(f"{r['median']:.0f} [{r['q1']:.0f}–{r['q3']:.0f}]")
                else:
                    row.append("–")
            rows.append(tuple(row))
    return pd.DataFrame(rows, columns=["Characteristic", *group_order])


#: The delivery-cohort variables of a standard Table 1 (labels come from the data dictionary).
COHORT_CATEGORICAL = (
    "site",
    "race_ethnicity",
    "insurance",
    "pmad",
    "housing_instability",
    "peer_recovery_coach",
    "home_visiting",
    "cps_report",
    "infant_nows",
    "plan_of_safe_care",
)
COHORT_NUMERIC = ("age", "parity", "moud_initiation_week")


def cohort_table_one(cohort: pd.DataFrame, by: str = "moud_at_delivery") -> pd.DataFrame:
    """Table 1 of a delivery cohort by MOUD at delivery, with the standard variables.

    Titles and category labels come from the deliveries data dictionary; variables missing
    from ``cohort`` are left out, so a study without, say, home visiting data still gets its
    table.
    """
    from data_dictionary import load_schema

    schema = load_schema("deliveries")
    labels, category_labels = {}, {}
    for name in schema.field_names:
        field = schema.field(name)
        labels[name] = field.title or _pretty(name)
        if field.categories:
            category_labels[name] = {str(c.value): c.label for c in field.categories}
    categorical = [v for v in COHORT_CATEGORICAL if v in cohort.columns]
    numeric = [v for v in COHORT_NUMERIC if v in cohort.columns]
    return table_one(cohort, by, categorical, numeric, labels, category_labels)
