"""Disclosure control across all the tables of one report.

Suppressing each table on its own is not enough: a report that shows deliveries by MOUD
type overall and again for two of its three sites lets a reader subtract and find the third
site's counts, which no table printed. :class:`DisclosureLedger` keeps, for every count a
report publishes, *which records* it counts. Records that fall in exactly the same published
counts form the finest cells ("atoms") a reader could ever separate; every published count is
a sum of atoms. The audit is then one linear programme over all tables together: for each
small count (a hidden one, or an atom of 1–10 records) it computes the range a reader can
infer from everything visible, and flags ranges narrower than ``min_cell - 1``.

Three sites; site C has 3 methadone deliveries among its 28. The overall table is safe on its
own; the table of sites A and B is too, but beside the first it would tell a reader that
site C has 43 - 40 = 3 methadone deliveries, so the ledger hides its cells (the total stays,
as it reveals nothing below 11):

>>> data = pd.DataFrame({"site": ["A"] * 40 + ["B"] * 40 + ["C"] * 28,
...     "moud": (["methadone"] * 20 + ["buprenorphine"] * 20) * 2
...             + ["methadone"] * 3 + ["buprenorphine"] * 25})
>>> ledger = DisclosureLedger(data, min_cell=11)
>>> ledger.count_table("moud", name="Deliveries by MOUD")
                 n
moud
buprenorphine   65
methadone       43
Total          108
>>> ledger.count_table("moud", where=data["site"] != "C", name="Sites A and B")
                  n
moud
buprenorphine  <NA>
methadone      <NA>
Total            80
>>> ledger.check()   # raises DisclosureError when the published tables reveal a small count
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from analysis.disclosure._suppress import DisclosureError, suppression_mask
from analysis.errors import AnalysisError


@dataclass
class _Entry:
    table: str
    row: str
    column: str
    members: np.ndarray  # boolean over the ledger's records
    hidden: bool

    @property
    def value(self) -> int:
        return int(self.members.sum())


class DisclosureLedger:
    """The counts one report publishes, and the audit that they reveal no small count."""

    def __init__(self, data: pd.DataFrame, min_cell: int = 11) -> None:
        if min_cell < 1:
            raise AnalysisError("min_cell must be at least 1")
        self.data = data.reset_index(drop=True)
        self.min_cell = min_cell
        self.entries: list[_Entry] = []

    def count_table(
        self,
        rows: str,
        columns: str | None = None,
        *,
        where: pd.Series | np.ndarray | None = None,
        name: str | None = None,
    ) -> pd.DataFrame:
        """Publish a count table (with ``Total`` margins) of ``rows`` × ``columns``.

        ``where`` restricts it to some records (a boolean mask aligned with the data). The
        table is suppressed on its own first, then against everything already published;
        hidden entries are ``<NA>``. Returns the display table.
        """
        name = name or f"table {len({e.table for e in self.entries}) + 1}"
        subset = np.ones(len(self.data), bool) if where is None else np.asarray(where, bool)
        if subset.shape != (len(self.data),):
            raise AnalysisError(f"'where' for {name!r} must have one value per record")
        frame = self.data[subset]
        row_values = frame[rows].astype(str)
        col_values = frame[columns].astype(str) if columns else pd.Series("n", index=frame.index)
        counts = pd.crosstab(row_values, col_values)
        mask = suppression_mask(counts, self.min_cell)
        labels_r, labels_c = list(mask.index), list(mask.columns)
        records_r = self.data[rows].astype(str).to_numpy()
        records_c = (
            self.data[columns].astype(str).to_numpy() if columns else np.full(len(self.data), "n")
        )
        new = []
        for r in labels_r:
            for c in labels_c:
                members = subset.copy()
                if r != "Total":
                    members &= records_r == r
                if c != "Total":
                    members &= records_c == c
                new.append(_Entry(name, r, c, members, bool(mask.loc[r, c])))
        self.entries.extend(new)
        self._protect(new)
        table = pd.DataFrame(
            [
                [e.value for e in new[i * len(labels_c) : (i + 1) * len(labels_c)]]
                for i in range(len(labels_r))
            ],
            index=labels_r,
            columns=labels_c,
        ).astype("Int64")
        hidden = pd.DataFrame(
            [
                [e.hidden for e in new[i * len(labels_c) : (i + 1) * len(labels_c)]]
                for i in range(len(labels_r))
            ],
            index=labels_r,
            columns=labels_c,
        )
        table = table.mask(hidden)
        table.index.name, table.columns.name = rows, columns
        return table if columns else table.drop(columns="Total")

    def _protect(self, new: list[_Entry]) -> None:
        """Hide more entries of the newest table until the whole ledger audits clean."""
        while True:
            problems = self.audit()
            if problems.empty:
                return
            candidates = [e for e in new if not e.hidden and e.value > 0]
            if not candidates:
                raise DisclosureError(
                    f"table {new[0].table!r} cannot be published safely beside the earlier "
                    f"tables: {problems.iloc[0]['what']}"
                )
            # Hide the smallest visible count of the new table that counts a leaking record.
            leaking = np.zeros(len(self.data), bool)
            for members in problems["members"]:
                leaking |= members
            touching = [e for e in candidates if (e.members & leaking).any()] or candidates
            min(touching, key=lambda e: e.value).hidden = True

    def _atoms(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(membership of each entry in each atom, atom sizes, record → atom)."""
        matrix = np.column_stack([e.members for e in self.entries])
        signatures, inverse, sizes = np.unique(
            matrix, axis=0, return_inverse=True, return_counts=True
        )
        return signatures.T, sizes, inverse.ravel()

    def audit(self) -> pd.DataFrame:
        """Every small count a reader could pin down from the published tables.

        Returns ``what, value, low, high, members`` (``members``: which records it counts);
        empty means the report is safe.
        """
        if not self.entries:
            return pd.DataFrame(columns=["what", "value", "low", "high", "members"])
        entry_atoms, sizes, record_atom = self._atoms()
        included = np.array([sig.any() for sig in entry_atoms.T])  # atoms in some published count
        visible = [k for k, e in enumerate(self.entries) if not e.hidden]
        a_eq = entry_atoms[visible][:, included].astype(float)
        b_eq = np.array([self.entries[k].value for k in visible], float)
        n_atoms = int(included.sum())
        problems = []

        def infer(weights: np.ndarray) -> tuple[float, float]:
            bounds = [(0, None)] * n_atoms
            low = linprog(weights, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            high = linprog(-weights, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            return float(low.fun), (np.inf if high.status == 3 else float(-high.fun))

        small = (1, self.min_cell)
        for entry in self.entries:
            if small[0] <= entry.value < small[1]:
                what = f"{entry.table}: {entry.row} × {entry.column}"
                if not entry.hidden:
                    problems.append(
                        (what + " is shown", entry.value, np.nan, np.nan, entry.members)
                    )
                    continue
                low, high = infer(entry_atoms[self.entries.index(entry)][included].astype(float))
                if high - low < self.min_cell - 1:
                    problems.append(
                        (what + " can be recovered", entry.value, low, high, entry.members)
                    )
        for atom in np.flatnonzero(included):
            if small[0] <= sizes[atom] < small[1]:
                weights = np.zeros(n_atoms)
                weights[int(included[:atom].sum())] = 1.0
                low, high = infer(weights)
                if high - low < self.min_cell - 1:
                    members = record_atom == atom
                    problems.append(
                        (
                            self._describe(members) + " can be derived by differencing",
                            int(sizes[atom]),
                            low,
                            high,
                            members,
                        )
                    )
        return pd.DataFrame(problems, columns=["what", "value", "low", "high", "members"])

    def _describe(self, members: np.ndarray) -> str:
        """Name a group of records by the published counts that include it."""
        names = [
            f"{e.table}: {e.row} × {e.column}"
            for e in self.entries
            if e.members[members].all() and e.row != "Total" and e.column != "Total"
        ]
        return "the records in " + (" and ".join(names[:2]) or "an unpublished cell")

    def check(self) -> None:
        """Raise :class:`DisclosureError` listing every small count the report reveals."""
        problems = self.audit()
        if not problems.empty:
            listed = "; ".join(problems["what"].head(5))
            raise DisclosureError(f"{len(problems)} small count(s) revealed: {listed}")
