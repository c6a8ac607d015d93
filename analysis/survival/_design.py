"""Covariate lists → numeric design matrices, with R-like handling of categorical variables.

``covariates`` is a list of column names or formula terms (``"age"``, ``"C(moud)"``,
``"C(moud, Treatment('none'))"``, ``"np.log(bili)"``) or one formula string
(``"age + C(moud)"``). Columns of type object or category are treated as categorical
automatically; boolean columns (also pandas' nullable ``boolean``) enter as 0/1 under their
own name. Categorical variables use treatment (dummy) coding against the reference level: the
first level in code-point (C-locale) order — R's ``factor()`` under ``LC_COLLATE=C``; R in an
English locale collates case-insensitively, so with labels differing in case its default can
differ (tests/analysis/survival/test_split.py) — unless set per covariate with
``reference={"x": "level"}`` (R ``relevel()``) or ``C(x, Treatment('level'))``. Dummy
columns are named ``x[T.level]`` (``C(x)[T.level]`` when written with ``C()``). Formulas are
expanded by formulaic (a lifelines dependency).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError


def _is_plain_numeric(df: pd.DataFrame, term: str) -> bool:
    """Numeric or boolean (incl. pandas nullable types): used as is, True = 1."""
    return term in df.columns and (
        pd.api.types.is_numeric_dtype(df[term]) or pd.api.types.is_bool_dtype(df[term])
    )


def terms_of(covariates: str | Sequence[str]) -> list[str]:
    """The covariate terms as a list (a formula string is split on ``+``)."""
    if isinstance(covariates, str):
        return [t.strip() for t in covariates.split("+") if t.strip()]
    return [str(t) for t in covariates]


def design_matrix(
    df: pd.DataFrame,
    covariates: str | Sequence[str],
    spec: dict | None = None,
    reference: dict | None = None,
) -> pd.DataFrame:
    """Numeric covariate matrix (same index as ``df``, which must have no missing values).

    ``attrs["spec"]`` of the result (when a formula was expanded) can be passed back as
    ``spec`` to code new data with the same levels and columns — needed for predictions on
    data that holds only some levels of a categorical variable.

    The first level in sorted order is the reference, as in R:

    >>> frame = pd.DataFrame({"age": [30, 25, 41], "moud": ["methadone", "buprenorphine", "none"]})
    >>> design_matrix(frame, ["age", "C(moud)"])
        age  C(moud)[T.methadone]  C(moud)[T.none]
    0  30.0                   1.0              0.0
    1  25.0                   0.0              0.0
    2  41.0                   0.0              1.0
    """
    terms = terms_of(covariates)
    reference = dict(reference or {})
    if not terms:
        return pd.DataFrame(index=df.index)
    for term in terms:
        if re.fullmatch(r"[A-Za-z_][\w.]*", term) and term not in df.columns:
            raise AnalysisError("covariate column not found", field=term)
    for term, level in reference.items():
        if term not in terms or term not in df.columns:
            raise AnalysisError(
                "reference level given for a column that is not a covariate", field=str(term)
            )
        if spec is None and not (df[term] == level).any():
            raise AnalysisError(f"reference level {level!r} does not occur", field=str(term))
    if not reference and all(_is_plain_numeric(df, t) for t in terms):
        frame = df[terms].astype(float)
        frame.attrs["term_columns"] = {t: [t] for t in terms}
        return frame
    from formulaic import model_matrix

    df = df.assign(**{c: df[c].astype(float) for c in df.columns if _is_plain_numeric(df, c)})

    pieces = []
    for term in terms:
        if term in reference:
            level = reference[term]
            level = float(level) if _is_plain_numeric(df, term) else level
            pieces.append(f"C({_quoted(term)}, Treatment({level!r}))")
        elif term in df.columns and not _is_plain_numeric(df, term):
            pieces.append(f"C({_quoted(term)})")
        elif term in df.columns:
            pieces.append(_quoted(term))
        else:
            pieces.append(term)
    try:
        if spec is not None:
            matrix = spec["model_spec"].get_model_matrix(df, na_action="raise")
        else:
            matrix = model_matrix("1 + " + " + ".join(pieces), df, na_action="raise")
    except Exception as error:  # formulaic raises several types; say which term failed
        raise AnalysisError(f"cannot build covariates from {terms}: {error}") from error
    frame = pd.DataFrame(
        np.asarray(matrix, dtype=float), columns=list(matrix.columns), index=df.index
    ).drop(columns="Intercept")
    if spec is not None:
        return frame.rename(columns=spec["rename"])
    rename = {}
    for column in frame.columns:
        # C(x)[T.a] written by us for a plain object column → x[T.a]
        for term in terms:
            prefix = f"C({_quoted(term)})["
            if term in reference:
                prefix = f"C({_quoted(term)}, Treatment({reference[term]!r}))["
                if _is_plain_numeric(df, term):
                    prefix = f"C({_quoted(term)}, Treatment({float(reference[term])!r}))["
                if column.startswith(prefix):
                    rename[column] = term + column[len(prefix) - 1 :]
            elif (
                term in df.columns and column.startswith(prefix) and not _is_plain_numeric(df, term)
            ):
                rename[column] = term + column[len(prefix) - 1 :]
            elif term in df.columns and column == _quoted(term):
                rename[column] = term
    frame = frame.rename(columns=rename)
    columns = list(frame.columns)
    groups: dict[str, list[str]] = {}

    def norm(text: str) -> str:
        return text.replace(" ", "").replace("`", "")

    by_text = {norm(str(k)): v for k, v in matrix.model_spec.term_slices.items()}
    for term, piece in zip(terms, pieces, strict=True):
        part = by_text.get(norm(piece))
        if part is not None:
            groups[term] = [columns[i - 1] for i in range(part.start, part.stop)]
    if sum(len(v) for v in groups.values()) != len(columns):  # unusual formula: one per column
        groups = {c: [c] for c in columns}
    frame.attrs["term_columns"] = groups
    frame.attrs["spec"] = {"model_spec": matrix.model_spec, "rename": rename}
    return frame


def _quoted(name: str) -> str:
    """A column name as a formula term: backtick-quoted unless a plain identifier."""
    return name if name.isidentifier() else f"`{name}`"


def variables_of(df: pd.DataFrame, covariates: str | Sequence[str]) -> list[str]:
    """The data columns a covariate list uses (for dropping incomplete rows first)."""
    used = []
    for term in terms_of(covariates):
        if term in df.columns:
            used.append(term)
            continue
        used.extend(c for c in df.columns if _mentions(term, str(c)))
    return list(dict.fromkeys(used))


def _mentions(term: str, column: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(column)}(?![\w])", term) is not None
