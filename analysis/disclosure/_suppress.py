"""Small-cell disclosure control for tables that leave the research team.

Policy (as in the CMS cell-size suppression policy used for Medicaid/Medicare data): a count
from 1 to ``min_cell - 1`` (1–10 by default) is never shown; zero may be shown. Hiding the
small cell alone is not enough, because a reader can subtract the visible cells of a row
or column from its total. So:

1. **Primary suppression** hides every count in ``[1, min_cell)``, margins included.
2. **Complementary suppression** hides further cells until no hidden cell can be recovered:
   every row and column that has a hidden entry has at least two, and a linear-programming
   audit (:func:`audit_table`) confirms that each primary cell's feasible range, given every
   visible cell and total, is at least ``min_cell - 1`` wide (it could be any of the small
   values, or zero, or large). The cell chosen is the smallest non-zero visible cell of the
   exposed line, which loses the least information.
3. Across tables of one report, :class:`DisclosureLedger` records every published count as a
   sum of cells of the finest cross-classification of the microdata and audits all of them
   together, which catches a second table that differences out a small count.
4. Rates and percentages whose numerator or denominator is hidden are hidden
   (:func:`suppress_rates`); numbers at risk and event counts under survival curves are
   coarsened (:func:`coarsen_counts`).

Tables are DataFrames of non-negative integer counts; hidden cells come back as ``<NA>`` and
are displayed as :data:`SUPPRESSED`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from analysis.errors import AnalysisError, DisclosureError

TOTAL_LABELS = ("Total", "total", "All", "all")
#: The one symbol every hidden cell shows, whatever the reason it is hidden. It says nothing
#: about the size of the count: "<11" would label a hidden 205 as a count from 1 to 10, and a
#: separate mark for cells hidden only to protect others would tell the reader they are large.
SUPPRESSED = "■"
#: What :data:`SUPPRESSED` means, for the key under every report that uses it.
SUPPRESSED_MEANING = "hidden to protect privacy"
#: Prefix of a count shown rounded (coarsened) to protect counts published elsewhere.
ROUNDED_MARK = "≈"


def suppressed_symbol(min_cell: int = 11) -> str:
    """What a hidden cell shows (:data:`SUPPRESSED`, the same for every ``min_cell``)."""
    return SUPPRESSED


def _split_margins(table: pd.DataFrame) -> tuple[pd.DataFrame, bool, bool]:
    """The inner cells, and whether the table carries a total row / a total column."""
    has_total_row = any(str(label) in TOTAL_LABELS for label in table.index)
    has_total_col = any(str(label) in TOTAL_LABELS for label in table.columns)
    inner = table.loc[
        [i for i in table.index if str(i) not in TOTAL_LABELS],
        [c for c in table.columns if str(c) not in TOTAL_LABELS],
    ]
    return inner, has_total_row, has_total_col


def _as_counts(table: pd.DataFrame) -> np.ndarray:
    values = table.to_numpy(dtype="float64", na_value=np.nan)
    if np.isnan(values).any():
        raise DisclosureError("the table has missing counts; give counts (0 where none)")
    if (values < 0).any() or (values != np.round(values)).any():
        raise DisclosureError("a count table must hold non-negative whole numbers")
    return values


def _extend(cells: np.ndarray) -> np.ndarray:
    """Inner counts plus their margins: row totals in the last column, column totals in the
    last row, the grand total in the corner."""
    n_rows, n_cols = cells.shape
    extended = np.zeros((n_rows + 1, n_cols + 1))
    extended[:n_rows, :n_cols] = cells
    extended[:n_rows, n_cols] = cells.sum(axis=1)
    extended[n_rows, :n_cols] = cells.sum(axis=0)
    extended[n_rows, n_cols] = cells.sum()
    return extended


def _relations(shape: tuple[int, int]) -> list[list[tuple[int, int, float]]]:
    """The additive relations of an extended table: each row (column) of inner entries sums
    to its margin. Entries are ``(row, column, coefficient)`` with the margin at -1."""
    n_rows, n_cols = shape[0] - 1, shape[1] - 1
    relations = []
    for r in range(n_rows + 1):
        relations.append([(r, c, 1.0) for c in range(n_cols)] + [(r, n_cols, -1.0)])
    for c in range(n_cols + 1):
        relations.append([(r, c, 1.0) for r in range(n_rows)] + [(n_rows, c, -1.0)])
    return relations


def _feasible_range(
    extended: np.ndarray, hidden: np.ndarray, target: tuple[int, int]
) -> tuple[float, float]:
    """Min and max a reader can infer for hidden entry ``target``.

    The reader knows every visible entry (cells and margins), that rows and columns add up
    to their margins, and that counts are non-negative; the hidden entries are the unknowns
    of a linear programme, solved twice (minimise, maximise) with HiGHS.
    """
    unknown = list(zip(*np.nonzero(hidden), strict=True))
    position = {entry: k for k, entry in enumerate(unknown)}
    equations, rhs = [], []
    for relation in _relations(extended.shape):
        row = np.zeros(len(unknown))
        known = 0.0
        for r, c, coefficient in relation:
            if (r, c) in position:
                row[position[(r, c)]] = coefficient
            else:
                known += coefficient * extended[r, c]
        if row.any():
            equations.append(row)
            rhs.append(-known)
    objective = np.zeros(len(unknown))
    objective[position[target]] = 1.0
    a_eq, b_eq = np.array(equations), np.array(rhs)
    bounds = [(0, None)] * len(unknown)
    low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    upper = np.inf if high.status == 3 else -high.fun
    return float(low.fun), float(upper)


def _labels(inner: pd.DataFrame) -> tuple[list, list]:
    return [*inner.index, "Total"], [*inner.columns, "Total"]


def audit_table(table: pd.DataFrame, hidden: pd.DataFrame, min_cell: int = 11) -> pd.DataFrame:
    """Check that no small count of ``table`` is shown or can be recovered.

    ``table`` holds the true counts (inner cells; margins are recomputed and treated as
    published unless hidden); ``hidden`` is a boolean mask of the same shape, optionally
    with a ``Total`` row/column marking hidden margins. Returns one row per problem:
    ``row, column, value, low, high, problem`` where ``problem`` is ``"shown"`` (a count in
    ``[1, min_cell)`` is visible) or ``"recoverable"`` (a hidden small count's feasible range,
    ``[low, high]``, is narrower than ``min_cell - 1``). Empty means safe.
    """
    inner, _, _ = _split_margins(table)
    extended = _extend(_as_counts(inner))
    rows, cols = _labels(inner)
    mask = hidden.reindex(index=rows, columns=cols).astype("boolean").fillna(False).to_numpy(bool)
    small = (extended >= 1) & (extended < min_cell)
    problems = []
    for r, c in zip(*np.nonzero(small & ~mask), strict=True):
        problems.append((rows[r], cols[c], extended[r, c], np.nan, np.nan, "shown"))
    for r, c in zip(*np.nonzero(small & mask), strict=True):
        low, high = _feasible_range(extended, mask, (r, c))
        if high - low < min_cell - 1:
            problems.append((rows[r], cols[c], extended[r, c], low, high, "recoverable"))
    return pd.DataFrame(problems, columns=["row", "column", "value", "low", "high", "problem"])


def suppression_mask(table: pd.DataFrame, min_cell: int = 11) -> pd.DataFrame:
    """Which entries to hide (cells and a ``Total`` row and column), as a boolean DataFrame.

    Primary: every entry in ``[1, min_cell)``, margins included. Complementary: entries are
    added until every row and column relation has no single hidden entry and the
    linear-programming audit finds no recoverable small count.
    """
    if min_cell < 1:
        raise AnalysisError("min_cell must be at least 1")
    inner, _, _ = _split_margins(table)
    extended = _extend(_as_counts(inner))
    hidden = (extended >= 1) & (extended < min_cell)
    rows, cols = _labels(inner)
    while True:
        _close_relations(extended, hidden)
        mask = pd.DataFrame(hidden, index=rows, columns=cols)
        leaks = audit_table(inner, mask, min_cell)
        if leaks.empty:
            return mask
        if not _widen(extended, hidden, rows, cols, leaks):
            raise DisclosureError(
                f"cannot protect this table: {len(leaks)} small count(s) stay recoverable; "
                "merge small categories first"
            )


def suppress(table: pd.DataFrame, min_cell: int = 11) -> pd.DataFrame:
    """Primary and complementary suppression of a two-way count table.

    ``table``: non-negative whole counts, optionally with a total row and/or column labelled
    ``Total`` or ``All`` (recomputed from the inner cells). Margins are treated as known to
    the reader even when the table does not show them (the safe assumption: the text or
    another table often gives them), so a small margin is hidden and protected too.

    Returns the table (with the margins it had) with hidden entries as ``<NA>`` in a
    nullable ``Int64`` frame; :func:`format_suppressed` makes the display form. Raises
    :class:`DisclosureError` when no suppression pattern protects the table.

    >>> t = pd.DataFrame({"A": [5, 40, 30], "B": [30, 60, 25], "C": [12, 14, 50]},
    ...                  index=["x", "y", "z"])
    >>> suppress(t)        # 5 is primary; 12, 30 and 50 close its row and column
          A   B     C
    x  <NA>  30  <NA>
    y    40  60    14
    z  <NA>  25  <NA>
    """
    inner, has_total_row, has_total_col = _split_margins(table)
    mask = suppression_mask(table, min_cell)
    extended = _extend(_as_counts(inner)).astype("int64")
    rows, cols = _labels(inner)
    out = pd.DataFrame(extended, index=rows, columns=cols).astype("Int64").mask(mask)
    keep_rows = rows if has_total_row else rows[:-1]
    keep_cols = cols if has_total_col else cols[:-1]
    return out.loc[keep_rows, keep_cols]


def _close_relations(extended: np.ndarray, hidden: np.ndarray) -> None:
    """Hide entries until no row or column relation has exactly one hidden entry.

    For an exposed relation, the entry hidden is one whose other relation is also exposed
    (closing two at once) if possible, else one whose other relation is already safe, and
    among those inner cells before margins and the smallest non-zero count — so suppression
    forms small rectangles instead of cascading through the table.
    """
    relations = _relations(extended.shape)
    n_row_relations = extended.shape[0]

    def hidden_in(index: int) -> int:
        return sum(hidden[r, c] for r, c, _ in relations[index])

    def crossing(index: int, r: int, c: int) -> int:
        return n_row_relations + c if index < n_row_relations else r

    while True:
        exposed = [k for k in range(len(relations)) if hidden_in(k) == 1]
        if not exposed:
            return
        index = exposed[0]
        options = []
        for r, c, coefficient in relations[index]:
            if hidden[r, c]:
                continue
            other = hidden_in(crossing(index, r, c))
            rank = 0 if other == 1 else (1 if other >= 2 else 2)
            options.append((rank, coefficient < 0, extended[r, c] == 0, extended[r, c], r, c))
        if not options:  # pragma: no cover - a relation always has at least two entries
            return
        *_, r, c = min(options)
        hidden[r, c] = True


def _widen(
    extended: np.ndarray, hidden: np.ndarray, rows: list, cols: list, leaks: pd.DataFrame
) -> bool:
    """For each recoverable count, hide the smallest visible non-zero entry of its row or
    column. Returns whether anything was hidden."""
    changed = False
    for _, leak in leaks.iterrows():
        if leak["problem"] != "recoverable":
            continue
        r, c = rows.index(leak["row"]), cols.index(leak["column"])
        options = [(extended[r, j], r, j) for j in range(extended.shape[1]) if not hidden[r, j]]
        options += [(extended[i, c], i, c) for i in range(extended.shape[0]) if not hidden[i, c]]
        options = [o for o in options if o[0] > 0] or options
        if options:
            _, i, j = min(options)
            hidden[i, j] = True
            changed = True
    return changed


def suppress_rates(
    rates: pd.DataFrame, numerators: pd.DataFrame, denominators: pd.DataFrame | pd.Series
) -> pd.DataFrame:
    """Hide each rate whose numerator or denominator is hidden (``<NA>`` after :func:`suppress`)."""
    hide = numerators.isna()
    if isinstance(denominators, pd.Series):
        hide = hide | pd.DataFrame(
            {c: denominators.isna() for c in rates.columns}, index=rates.index
        )
    else:
        hide = hide | denominators.isna()
    return rates.mask(hide.reindex_like(rates).fillna(False).astype(bool))


def coarsen_counts(
    counts: Sequence[int] | pd.Series, base: int = 5, min_cell: int = 11
) -> pd.Series:
    """Coarsen counts shown under survival curves (numbers at risk, cumulative events).

    Zero stays zero; counts from 1 to ``min_cell - 1`` are hidden (``<NA>``); larger counts
    are rounded to the nearest multiple of ``base`` (halves down) and never shown below the
    smallest multiple of ``base`` that is at least ``min_cell`` (so a shown value never looks
    like a small cell). Every shown value is a multiple of ``base``, so the difference of two
    shown values is too, and never pins a small count: a shown drop of 5 between two times
    may be any true drop from 1 to 9.
    """
    values = pd.Series(counts, dtype="Int64")
    if (values.dropna() < 0).any():
        raise AnalysisError("counts cannot be negative")
    rounded = (np.ceil(values.astype("float64") / base - 0.5) * base).astype("Int64")
    floor = int(np.ceil(min_cell / base) * base)
    rounded = rounded.where((values == 0) | (rounded >= floor), floor)
    return rounded.mask((values >= 1) & (values < min_cell))


def format_suppressed(table: pd.DataFrame, min_cell: int = 11) -> pd.DataFrame:
    """Display form: hidden cells show :data:`SUPPRESSED`, counts as whole numbers, counts
    shown rounded (``table.attrs["rounded"]``, set by the ledger) with :data:`ROUNDED_MARK`."""
    rounded = table.attrs.get("rounded")
    shown = table.astype("object").where(table.notna(), SUPPRESSED)
    shown = shown.map(lambda v: v if isinstance(v, str) else f"{int(v):,}")
    if rounded is not None:
        marks = rounded.reindex(index=shown.index, columns=shown.columns).fillna(False)
        shown = shown.mask(marks.astype(bool) & table.notna(), ROUNDED_MARK + shown)
    return shown
