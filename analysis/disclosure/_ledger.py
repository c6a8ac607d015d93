"""Disclosure control across every count a study has published.

Suppressing each table on its own is not enough: a report that shows deliveries by MOUD
type overall and again for two of its three sites lets a reader subtract and find the third
site's counts, which no table printed; two cumulative releases (to September, then to
December) difference out the quarter between them. :class:`DisclosureLedger` keeps, for
every count published — in this report and in every report released before it (``prior``,
read from the study's release ledger, :mod:`analysis.disclosure._release`) — *which records*
it counts and what the reader was shown: the exact value, an interval (a count shown
rounded to a base) or nothing (hidden). Records that fall in exactly the same published
counts form the finest cells ("atoms") a reader could ever separate. The audit
(:meth:`DisclosureLedger.audit`) computes, with whole-number bounds, the range a reader can
infer for every small count (a hidden count, or an atom, of 1 to ``min_cell - 1`` records)
and flags ranges narrower than ``min_cell - 1``.

A new table is first suppressed on its own. With ``rounding_base`` (the study policy for
released reports), every count it still shows of at least ``min_cell`` is coarsened: shown
rounded to the base, and its rounding interval, not its value, enters the audit. Then, while
the whole ledger leaks, the smallest visible count of the new table that counts a leaking
record is hidden. Hiding every count of the new table restores the audit of what came
before, so this always ends; no release is refused, at worst it hides more.

Why coarsen everything and not only where a leak appears: two cumulative releases that show
the same cell exactly (40 in September, 43 in December) pin the quarter's 3, and no rounding
of the December count alone widens that past 9 (rounded to 10, December is 35–44, so the
quarter is 0–4). Rounded in both releases, the quarter's count is anywhere from 0 to 9 when
both show "≈40" (the audit still asks for a range of ``min_cell - 1`` and hides it) and from
1 to 19 when December shows "≈50" — publishable, quarter after quarter.

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

Tested in tests/analysis/disclosure/test_ledger.py (hand-worked differencing, cumulative
releases, rounding intervals).

The module is longer than most (about 470 lines) because the ledger, its atoms and the
whole-number audit over them are one idea: splitting the audit from the cells it bounds would
leave two modules that only make sense together.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.disclosure._lp import Constraints, RangeSolver, feasible_range
from analysis.disclosure._suppress import DisclosureError, suppression_mask
from analysis.errors import AnalysisError
from data_dictionary.files import atomic_write

SHOWN, ROUNDED, HIDDEN = "shown", "rounded", "hidden"


def rounding_interval(shown: int, base: int, min_cell: int) -> tuple[int, int]:
    """The true counts a reader knows could lie behind ``shown`` (a count rounded to ``base``,
    halves up, never shown below the floor — the smallest multiple of ``base`` at least
    ``min_cell`` — and only for counts of at least ``min_cell``)."""
    floor = -(-min_cell // base) * base
    low = shown - base // 2 if shown > floor else min_cell
    return max(low, min_cell), shown + (base + 1) // 2 - 1


def round_count(value: int, base: int, min_cell: int) -> int:
    """``value`` (at least ``min_cell``) rounded to ``base``, halves up, not below the floor."""
    floor = -(-min_cell // base) * base
    return max(int(np.floor(value / base + 0.5)) * base, floor)


@dataclass
class _Entry:
    table: str
    row: str
    column: str
    members: np.ndarray  # boolean over the ledger's records
    state: str = SHOWN
    shown_value: int | None = None  # the rounded value shown, for ROUNDED
    low: int | None = None
    high: int | None = None
    report: str = ""
    fixed: bool = False  # published in an earlier release: cannot change

    @property
    def value(self) -> int:
        return int(self.members.sum())

    @property
    def hidden(self) -> bool:
        return self.state == HIDDEN

    @hidden.setter
    def hidden(self, flag: bool) -> None:
        self.state = HIDDEN if flag else SHOWN

    def describe(self) -> str:
        where = f"{self.report}: " if self.report else ""
        return f"{where}{self.table}: {self.row} × {self.column}"


class DisclosureLedger:
    """The counts published so far, and the audit that they reveal no small count.

    ``data``: the records the new tables count; ``id_column`` names their record ids (stable
    across reports: ``delivery_id``), default their row positions. ``prior``: counts released
    earlier (dicts as :meth:`published` returns them, ids in ``members``). ``rounding_base``:
    show every count of at least ``min_cell`` rounded to this base (None: exact).
    """

    def __init__(
        self,
        data: pd.DataFrame,
        min_cell: int = 11,
        *,
        id_column: str | None = None,
        prior: Iterable[Mapping[str, Any]] = (),
        rounding_base: int | None = None,
        report: str = "",
    ) -> None:
        if min_cell < 1:
            raise AnalysisError("min_cell must be at least 1")
        if rounding_base is not None and rounding_base < 2:
            raise AnalysisError("rounding_base must be at least 2")
        self.data = data.reset_index(drop=True)
        self.min_cell = min_cell
        self.rounding_base = rounding_base
        self.report = report
        if id_column is None:
            own_ids = [f"#{i}" for i in range(len(self.data))]
        else:
            if id_column not in self.data.columns:
                raise AnalysisError(f"the ledger's data has no id column {id_column!r}")
            own_ids = self.data[id_column].astype(str).tolist()
            if len(set(own_ids)) != len(own_ids):
                raise AnalysisError(f"record ids in {id_column!r} repeat")
        prior = list(prior)
        extra = sorted({str(i) for p in prior for i in p["members"]} - set(own_ids))
        self.ids = np.array(own_ids + extra, dtype=object)
        self._n_own = len(own_ids)
        self._position = {record: k for k, record in enumerate(self.ids)}
        self.entries: list[_Entry] = [self._prior_entry(p) for p in prior]
        #: Where :meth:`check` writes :meth:`published` (JSON) once the audit passes; set by
        #: the report runner's context (studies.reports.ReportScope.ledger).
        self.export_path: str | None = None

    # -- building ----------------------------------------------------------------------
    def _prior_entry(self, published: Mapping[str, Any]) -> _Entry:
        members = np.zeros(len(self.ids), bool)
        members[[self._position[str(i)] for i in published["members"]]] = True
        state = published["state"]
        if state not in (SHOWN, ROUNDED, HIDDEN):
            raise AnalysisError(f"unknown state {state!r} of a released count")
        entry = _Entry(
            str(published["table"]),
            str(published["row"]),
            str(published["column"]),
            members,
            state,
            published.get("shown_value"),
            published.get("low"),
            published.get("high"),
            str(published.get("report", "")),
            fixed=True,
        )
        return entry

    def _own(self, mask: np.ndarray) -> np.ndarray:
        full = np.zeros(len(self.ids), bool)
        full[: self._n_own] = mask
        return full

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
        hidden entries are ``<NA>``, coarsened ones hold the rounded value and are marked in
        ``table.attrs["rounded"]`` (a boolean frame). Returns the display table.
        """
        name = name or f"table {len({e.table for e in self.entries if not e.fixed}) + 1}"
        subset = np.ones(self._n_own, bool) if where is None else np.asarray(where, bool)
        if subset.shape != (self._n_own,):
            raise AnalysisError(f"'where' for {name!r} must have one value per record")
        frame = self.data[subset]
        row_values = frame[rows].astype(str)
        col_values = frame[columns].astype(str) if columns else pd.Series("n", index=frame.index)
        counts = pd.crosstab(row_values, col_values)
        mask = suppression_mask(counts, self.min_cell)
        labels_r, labels_c = list(mask.index), list(mask.columns)
        records_r = self.data[rows].astype(str).to_numpy()
        records_c = (
            self.data[columns].astype(str).to_numpy() if columns else np.full(self._n_own, "n")
        )
        new = []
        for r in labels_r:
            for c in labels_c:
                members = subset.copy()
                if r != "Total":
                    members &= records_r == r
                if c != "Total":
                    members &= records_c == c
                state = HIDDEN if mask.loc[r, c] else SHOWN
                new.append(_Entry(name, r, c, self._own(members), state, report=self.report))
        self.entries.extend(new)
        if self.rounding_base:
            self._coarsen(new)
        self._protect(new)
        grid = [new[i * len(labels_c) : (i + 1) * len(labels_c)] for i in range(len(labels_r))]
        table = pd.DataFrame(
            [[e.shown_value if e.state == ROUNDED else e.value for e in line] for line in grid],
            index=labels_r,
            columns=labels_c,
        ).astype("Int64")
        hidden = pd.DataFrame([[e.hidden for e in line] for line in grid], labels_r, labels_c)
        rounded = pd.DataFrame(
            [[e.state == ROUNDED for e in line] for line in grid], labels_r, labels_c
        )
        table = table.mask(hidden)
        table.index.name, table.columns.name = rows, columns
        if not columns:
            table, rounded = table.drop(columns="Total"), rounded.drop(columns="Total")
        if rounded.to_numpy().any():
            table.attrs["rounded"] = rounded
        return table

    def _protect(self, new: list[_Entry]) -> None:
        """Hide entries of the newest table until the whole ledger audits clean."""
        # Hiding more of the new table only widens what a reader can infer, so a count that
        # passed stays passed: after the first audit, only the failing ones are re-checked.
        only = None
        while True:
            problems = self.audit(only=only)
            if problems.empty:
                return
            only = set(problems["key"])
            candidates = [e for e in new if not e.hidden and e.value > 0]
            if not candidates:
                raise DisclosureError(
                    f"table {new[0].table!r} cannot be published safely beside the earlier "
                    f"counts: {problems.iloc[0]['what']}"
                )
            leaking = np.zeros(len(self.ids), bool)
            for members in problems["members"]:
                leaking |= members
            touching = [e for e in candidates if (e.members & leaking).any()] or candidates
            min(touching, key=lambda e: e.value).state = HIDDEN

    def _coarsen(self, new: list[_Entry]) -> None:
        """Show every visible count of at least ``min_cell`` rounded to ``rounding_base``."""
        for entry in new:
            if entry.state == SHOWN and entry.value >= self.min_cell:
                entry.state = ROUNDED
                entry.shown_value = round_count(entry.value, self.rounding_base, self.min_cell)
                entry.low, entry.high = rounding_interval(
                    entry.shown_value, self.rounding_base, self.min_cell
                )

    # -- auditing ----------------------------------------------------------------------
    def _atoms(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(membership of each entry in each atom, atom sizes, record → atom)."""
        matrix = np.column_stack([e.members for e in self.entries])
        signatures, inverse, sizes = np.unique(
            matrix, axis=0, return_inverse=True, return_counts=True
        )
        return signatures.T, sizes, inverse.ravel()

    def _constraints(self, entry_atoms: np.ndarray, included: np.ndarray) -> Constraints:
        exact = [k for k, e in enumerate(self.entries) if e.state == SHOWN]
        coarse = [k for k, e in enumerate(self.entries) if e.state == ROUNDED]
        return Constraints(
            n_atoms=int(included.sum()),
            a_eq=entry_atoms[exact][:, included].astype(float),
            b_eq=np.array([self.entries[k].value for k in exact], float),
            a_interval=entry_atoms[coarse][:, included].astype(float),
            low=np.array([self.entries[k].low for k in coarse], float),
            high=np.array([self.entries[k].high for k in coarse], float),
        )

    def audit(self, only: set | None = None) -> pd.DataFrame:
        """Every small count a reader could pin down from everything published.

        Returns ``what, value, low, high, members, key`` (``members``: which records it
        counts; ``key``: which entry or atom, for ``only=`` — re-check just those); empty
        means safe.
        """
        columns = ["what", "value", "low", "high", "members", "key"]
        if not self.entries:
            return pd.DataFrame(columns=columns)
        entry_atoms, sizes, record_atom = self._atoms()
        included = np.array([sig.any() for sig in entry_atoms.T])
        constraints = None  # built when a count needs the programmes
        width = self.min_cell - 1
        small = (1, self.min_cell)
        problems = []
        atoms = np.flatnonzero(included)
        group_of = self._visible_groups(entry_atoms, atoms)
        atom_sizes = sizes[atoms].astype(float)
        for k, entry in enumerate(self.entries):
            if not small[0] <= entry.value < small[1]:
                continue
            if only is not None and ("entry", k) not in only:
                continue
            if entry.state == SHOWN:
                problems.append(
                    (
                        entry.describe() + " is shown",
                        entry.value,
                        np.nan,
                        np.nan,
                        entry.members,
                        ("entry", k),
                    )
                )
                continue
            inside = entry_atoms[k][atoms].astype(float)
            if self._slack(group_of, atom_sizes, inside) >= width:
                continue  # records can move in or out of it without changing a visible count
            if constraints is None:
                constraints = RangeSolver(self._constraints(entry_atoms, included))
            low, high = feasible_range(inside, constraints, width, entry.value)
            if high - low < width:
                what = entry.describe() + " can be recovered"
                problems.append((what, entry.value, low, high, entry.members, ("entry", k)))
        problems += self._audit_atoms(entry_atoms, sizes, record_atom, included, only)
        return pd.DataFrame(problems, columns=columns)

    def _visible_groups(self, entry_atoms: np.ndarray, atoms: np.ndarray) -> np.ndarray:
        """For each atom, its visible group: atoms in exactly the same visible counts."""
        if not len(atoms):
            return np.zeros(0, int)
        visible = [k for k, e in enumerate(self.entries) if not e.hidden]
        signatures = entry_atoms[visible][:, atoms]
        return np.unique(signatures, axis=1, return_inverse=True)[1].ravel()

    @staticmethod
    def _slack(group_of: np.ndarray, sizes: np.ndarray, inside: np.ndarray) -> float:
        """How far a hidden count can move without changing any visible count: records of a
        visible group can be moved between its atoms freely, so the count can grow by the
        group's records outside it (when the group has an atom inside) and shrink by those
        inside (when it has an atom outside). A lower bound of the width of its range."""
        n_groups = int(group_of.max()) + 1 if len(group_of) else 0
        mass_in = np.bincount(group_of, weights=sizes * inside, minlength=n_groups)
        mass_out = np.bincount(group_of, weights=sizes * (1 - inside), minlength=n_groups)
        atoms_in = np.bincount(group_of, weights=inside, minlength=n_groups)
        atoms_out = np.bincount(group_of, weights=1 - inside, minlength=n_groups)
        return float(mass_out[atoms_in > 0].sum() + mass_in[atoms_out > 0].sum())

    def _audit_atoms(
        self,
        entry_atoms: np.ndarray,
        sizes: np.ndarray,
        record_atom: np.ndarray,
        included: np.ndarray,
        only: set | None,
    ) -> list[tuple]:
        """The small atoms a reader can pin down.

        A reader sees only the visible (shown or rounded) counts, so atoms that lie in
        exactly the same visible counts ("visible groups") are interchangeable: any of the
        group's records could be moved between them without changing a published figure.
        An atom in a group with others can therefore be anything from 0 to the group's
        largest feasible size; an atom alone in its group is the group. The programmes run
        over groups (far fewer than atoms), and not at all for an atom whose group holds at
        least ``min_cell - 1`` records besides nothing else to prove (its range is already
        at least ``[0, group size]``).
        """
        width = self.min_cell - 1
        visible = [k for k, e in enumerate(self.entries) if not e.hidden]
        atoms = np.flatnonzero(included)
        signatures = entry_atoms[visible][:, atoms]
        group_of = np.unique(signatures, axis=1, return_inverse=True)[1].ravel()
        n_groups = int(group_of.max()) + 1 if len(atoms) else 0
        group_size = np.bincount(group_of, weights=sizes[atoms], minlength=n_groups)
        group_atoms = np.bincount(group_of, minlength=n_groups)
        group_columns = np.zeros((len(self.entries), n_groups))
        for position, group in enumerate(group_of):
            group_columns[:, group] = entry_atoms[:, atoms[position]]
        constraints = RangeSolver(self._constraints(group_columns, np.ones(n_groups, bool)))
        ranges: dict[int, tuple[int, int]] = {}
        problems = []
        for position, atom in enumerate(atoms):
            key = ("atom", entry_atoms[:, atom].tobytes())
            if not 1 <= sizes[atom] < self.min_cell or (only is not None and key not in only):
                continue
            group = int(group_of[position])
            shared = group_atoms[group] > 1
            if shared and group_size[group] >= width:
                continue  # the atom can be anything from 0 to the group's size
            if group not in ranges:
                weights = np.zeros(n_groups)
                weights[group] = 1.0
                true_value = int(group_size[group])
                ranges[group] = feasible_range(weights, constraints, width, true_value)
            low, high = ranges[group]
            if shared:
                low = 0
            if high - low < width:
                members = record_atom == atom
                what = self._describe(members) + " can be derived by differencing"
                problems.append((what, int(sizes[atom]), low, high, members, key))
        return problems

    def _describe(self, members: np.ndarray) -> str:
        """Name a group of records by the published counts that include it."""
        names = [
            e.describe()
            for e in self.entries
            if e.members[members].all() and e.row != "Total" and e.column != "Total"
        ]
        return "the records in " + (" and ".join(names[:2]) or "an unpublished cell")

    def check(self) -> None:
        """Raise :class:`DisclosureError` listing every small count the published counts reveal."""
        problems = self.audit()
        if not problems.empty:
            listed = "; ".join(problems["what"].head(5))
            raise DisclosureError(f"{len(problems)} small count(s) revealed: {listed}")
        if self.export_path:
            with atomic_write(self.export_path) as handle:
                json.dump(self.published(), handle)

    def published(self) -> list[dict[str, Any]]:
        """The counts this ledger added (not the prior ones), for the release ledger:
        ``report, table, row, column, state, shown_value, low, high, members`` (record ids)."""
        out = []
        for e in self.entries:
            if e.fixed:
                continue
            low = high = None
            if e.state == SHOWN:
                low = high = e.value
            elif e.state == ROUNDED:
                low, high = e.low, e.high
            out.append(
                {
                    "report": e.report,
                    "table": e.table,
                    "row": e.row,
                    "column": e.column,
                    "state": e.state,
                    "shown_value": e.shown_value if e.state == ROUNDED else low,
                    "low": low,
                    "high": high,
                    "members": [str(i) for i in self.ids[e.members]],
                }
            )
        return out
