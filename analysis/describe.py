"""Descriptive tables of a cohort ("Table 1"): counts, percentages, medians by group.

Each function returns a tidy DataFrame (numbers as numbers) and, separately, a formatted one
for display, so that disclosure control (:mod:`analysis.disclosure`) can work on the counts
before anything is printed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
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
    """Yes/no: a bool column, or one whose values are only True/False or 0/1 (any dtype)."""
    if pd.api.types.is_bool_dtype(values):
        return True
    present = values.dropna().unique()
    return bool(len(present)) and all(
        isinstance(v, bool | np.bool_) or (_is_number(v) and float(v) in (0.0, 1.0))
        for v in present
    )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _yes(values: pd.Series) -> pd.Series:
    """1.0 for yes (True or 1), 0.0 for no, NaN for missing."""
    return values.astype("object").map(lambda v: np.nan if pd.isna(v) else float(bool(v)))


def _pretty(value: object) -> str:
    return str(value).replace("_", " ").capitalize()


def table_one(
    df: pd.DataFrame,
    by: str,
    categorical: Sequence[str],
    numeric: Sequence[str] = (),
    labels: dict[str, str] | None = None,
    category_labels: dict[str, dict[str, str]] | None = None,
    smd: bool = False,
) -> pd.DataFrame:
    """A display-ready Table 1: one column per group of ``by`` (after ``All``).

    Rows: ``N``; for a yes/no variable (bool, or only 0/1 values) one row ``<label>, n (%)``
    counting *yes*; for other categorical variables a heading row and one indented row per
    category ``n (%)`` (``category_labels`` gives display names of category values); for
    numeric variables ``<label>, median [IQR]``. Every variable with missing values gets an
    indented ``Missing`` row, ``n (%)`` of the group. ``smd=True`` adds a column ``SMD``:
    the standardised mean difference between the groups (:func:`standardized_differences`;
    with more than two groups the mean over all pairs, as R's tableone prints). Use
    :func:`category_counts` when the counts themselves are needed (for example to apply
    small-cell suppression first). Tested in tests/analysis/test_describe.py.
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

    frames = {"All": df, **{str(k): g for k, g in df.groupby(by, observed=True)}}

    def count_cells(mask_of) -> list[str]:
        out = []
        for group in group_order:
            frame = frames.get(group, df.iloc[:0])
            n = int(mask_of(frame).sum())
            pct = 100 * n / len(frame) if len(frame) else 0.0
            out.append(f"{n:,} ({pct:.1f}%)")
        return out

    def missing_row(variable: str) -> list[tuple[str, ...]]:
        if not df[variable].isna().any():
            return []
        return [("\u2003Missing", *count_cells(lambda f: f[variable].isna()))]

    differences = standardized_differences(df, by, categorical, numeric) if smd else None

    def with_smd(row: tuple[str, ...], variable: str | None) -> tuple[str, ...]:
        if differences is None:
            return row
        value = differences.get(variable, np.nan) if variable else np.nan
        return (*row, "" if pd.isna(value) else f"{value:.3f}")

    rows = [with_smd(rows[0], None)]
    for variable in categorical:
        part = counts[counts["variable"] == variable]
        label = labels.get(variable, _pretty(variable))
        if _is_boolean(df[variable]):
            yes = count_cells(lambda f, v=variable: _yes(f[v]) == 1.0)
            rows.append(with_smd((f"{label}, n (%)", *yes), variable))
            rows.extend(with_smd(r, None) for r in missing_row(variable))
            continue
        rows.append(with_smd((label, *[""] * len(group_order)), variable))
        names = category_labels.get(variable, {})
        for category in sorted(dict.fromkeys(part["category"]), key=lambda c: (c == "missing", c)):
            name = "Missing" if category == "missing" else names.get(category, _pretty(category))
            rows.append(with_smd((f"\u2003{name}", *cells(part, category)), None))
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
            rows.append(with_smd(tuple(row), variable))
            rows.extend(with_smd(r, None) for r in missing_row(variable))
    columns = ["Characteristic", *group_order] + (["SMD"] if smd else [])
    return pd.DataFrame(rows, columns=columns)


def standardized_differences(
    df: pd.DataFrame,
    by: str,
    categorical: Sequence[str] = (),
    numeric: Sequence[str] = (),
) -> dict[str, float]:
    """Standardised mean difference of each variable between the groups of ``by``.

    Numeric and yes/no variables: ``|m1 - m2| / sqrt((s1^2 + s2^2) / 2)`` with the sample
    variances (for a proportion ``p(1 - p)``) (Austin 2009, Stat Med 28:3083); other
    categorical variables: the multivariate form of Yang & Dalton (2012, SAS Global Forum
    335), ``sqrt((p1 - p2)' S^-1 (p1 - p2))`` over the category proportions except the first,
    ``S`` the mean of the two groups' multinomial covariance matrices. Missing values are left
    out. With more than two groups: the mean over all pairs of groups (R tableone's
    default). Returns ``{variable: smd}`` (NaN when not computable).
    """
    require_columns(df, [*categorical, *numeric, by])
    groups = [g for _, g in df.groupby(by, observed=True, sort=True)]
    out: dict[str, float] = {}
    for variable in [*categorical, *numeric]:
        values = [g[variable].dropna() for g in groups]
        pairs = []
        for i in range(len(values)):
            for j in range(i + 1, len(values)):
                pairs.append(_smd(values[i], values[j], variable in numeric))
        out[variable] = (
            float(np.nanmean(pairs)) if pairs and not np.all(np.isnan(pairs)) else np.nan
        )
    return out


def _smd(a: pd.Series, b: pd.Series, numeric: bool) -> float:
    if a.empty or b.empty:
        return np.nan
    if numeric or _is_boolean(pd.concat([a, b])):
        x = pd.to_numeric(a, errors="coerce") if numeric else _yes(a)
        y = pd.to_numeric(b, errors="coerce") if numeric else _yes(b)
        if numeric:
            spread = (x.var() + y.var()) / 2
        else:
            spread = (x.mean() * (1 - x.mean()) + y.mean() * (1 - y.mean())) / 2
        if not spread > 0:
            return 0.0 if x.mean() == y.mean() else np.nan
        return float(abs(x.mean() - y.mean()) / np.sqrt(spread))
    levels = sorted(set(a.astype(str)) | set(b.astype(str)))[1:]
    if not levels:
        return 0.0
    p = np.array([(a.astype(str) == level).mean() for level in levels])
    q = np.array([(b.astype(str) == level).mean() for level in levels])

    def covariance(r: np.ndarray) -> np.ndarray:
        return np.diag(r) - np.outer(r, r)

    spread = (covariance(p) + covariance(q)) / 2
    diff = p - q
    return float(np.sqrt(max(diff @ np.linalg.pinv(spread) @ diff, 0.0)))


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


def cohort_table_one(
    cohort: pd.DataFrame, by: str = "moud_at_delivery", smd: bool = False
) -> pd.DataFrame:
    """Table 1 of a delivery cohort by MOUD at delivery, with the standard variables.

    Titles and category labels come from the deliveries data dictionary; variables missing
    from ``cohort`` are left out, so a study without, say, home visiting data still gets its
    table. A service that may start after delivery is shown as it stood at delivery
    (``X_at_delivery``, labelled "... by delivery") when the cohort has that column.
    """
    from data_dictionary import load_schema

    schema = load_schema("deliveries")
    labels, category_labels = {}, {}
    for name in schema.field_names:
        field = schema.field(name)
        labels[name] = field.title or _pretty(name)
        if field.categories:
            category_labels[name] = {str(c.value): c.label for c in field.categories}
    categorical = []
    for variable in COHORT_CATEGORICAL:
        at_delivery = f"{variable}_at_delivery"
        if at_delivery in cohort.columns:
            labels[at_delivery] = f"{labels.get(variable, _pretty(variable))} by delivery"
            categorical.append(at_delivery)
        elif variable in cohort.columns:
            categorical.append(variable)
    numeric = [v for v in COHORT_NUMERIC if v in cohort.columns]
    return table_one(cohort, by, categorical, numeric, labels, category_labels, smd=smd)
