"""Checks on dispensing records before they become episodes.

Bad fills are never dropped silently. Each problem is one of:

* ``days_supply`` missing (and no per-drug default), not a whole number, zero, negative or
  above 365;
* ``fill_date`` missing or unreadable, or outside the study window;
* ``drug`` not one of the known drugs (reported with counts per name);
* a duplicate fill (same person, date, drug, days supply and claim).

``on_invalid="raise"`` (default) raises :class:`analysis.errors.AnalysisError` naming the
first bad row (1-based data row, header not counted) and field and summarising every kind of
problem with counts; ``"drop_with_warning"`` removes the rows, logs and warns with the same
summary.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from analysis.episodes._rules import KNOWN_DRUGS
from analysis.errors import AnalysisError, InvalidFillsWarning

log = logging.getLogger(__name__)

REQUIRED = ("person_id", "fill_date", "drug", "days_supply")
MAX_SUPPLY = 365
ON_INVALID = ("raise", "drop_with_warning")
DUPLICATE_KEYS = ("person_id", "fill_date", "drug", "days_supply", "claim_id")
DUPLICATE_KIND = "duplicate fill(s) (same person, date, drug, days supply and claim)"


@dataclass
class FillProblems:
    """Problems found, by kind: kind -> list of 1-based rows (or claim ids for tables)."""

    kinds: dict[str, list] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, column: str, where: Sequence, count: int | None = None) -> None:
        if count == 0 or (count is None and len(where) == 0):
            return
        self.kinds[kind] = list(where)
        self.fields[kind] = column
        self.counts[kind] = len(where) if count is None else int(count)

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def summary(self, unit: str = "rows") -> str:
        parts = []
        for kind, where in self.kinds.items():
            shown = ", ".join(str(w) for w in where[:5])
            more = ", …" if self.counts[kind] > 5 else ""
            parts.append(f"{self.counts[kind]} {kind} ({unit} {shown}{more})")
        return "; ".join(parts)


def check_options(on_invalid: str) -> None:
    if on_invalid not in ON_INVALID:
        raise AnalysisError(
            f"on_invalid must be one of {', '.join(ON_INVALID)}, got {on_invalid!r}",
            field="on_invalid",
        )


def _missing_columns(columns: Sequence[str], source: str | None) -> None:
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise AnalysisError(
            f"dispensing records lack column(s) {', '.join(missing)}; expected "
            f"{', '.join(REQUIRED)} and optionally claim_id",
            file=source,
            field=missing[0],
        )


def validate_fills_frame(
    fills: pd.DataFrame,
    *,
    default_days_supply: Mapping[str, int] | None = None,
    study_window: tuple | None = None,
    drugs: Sequence[str] = KNOWN_DRUGS,
    on_invalid: str = "raise",
    source: str | None = None,
) -> pd.DataFrame:
    """Return clean fills (``person_id, fill_date, drug, days_supply, claim_id``) or raise.

    ``fill_date`` comes back as ``datetime64[ns]`` at midnight, ``days_supply`` as int64 with
    per-drug defaults filled (HEDIS-style: e.g. ``{"naltrexone": 31}`` for an XR-naltrexone
    injection without a days supply), ``claim_id`` as str (the 1-based row number when the
    column is absent, so input order breaks ties).
    """
    check_options(on_invalid)
    _missing_columns(list(fills.columns), source)
    frame = pd.DataFrame(
        {
            "person_id": fills["person_id"].to_numpy(),
            "fill_date": pd.to_datetime(fills["fill_date"], errors="coerce").dt.normalize(),
            "drug": fills["drug"].to_numpy(),
            "days_supply": pd.to_numeric(fills["days_supply"], errors="coerce").to_numpy(),
        }
    )
    if "claim_id" in fills.columns:
        frame["claim_id"] = fills["claim_id"].astype(str).to_numpy()
    else:
        frame["claim_id"] = np.char.zfill(np.arange(1, len(frame) + 1).astype(str), 12)
    rows = np.arange(1, len(frame) + 1)
    problems = FillProblems()

    if default_days_supply:
        missing = frame["days_supply"].isna()
        defaults = frame["drug"].map(dict(default_days_supply))
        frame.loc[missing, "days_supply"] = defaults[missing]

    problems.add("missing person_id", "person_id", rows[frame["person_id"].isna().to_numpy()])
    raw_dates = fills["fill_date"].isna().to_numpy()
    problems.add("missing fill_date", "fill_date", rows[raw_dates])
    problems.add(
        "unreadable fill_date", "fill_date", rows[frame["fill_date"].isna().to_numpy() & ~raw_dates]
    )
    supply = frame["days_supply"].to_numpy(dtype=float)
    problems.add(
        "missing days_supply (and no default for the drug)", "days_supply", rows[np.isnan(supply)]
    )
    with np.errstate(invalid="ignore"):
        out_of_range = (supply != np.round(supply)) | (supply < 1) | (supply > MAX_SUPPLY)
    bad = ~np.isnan(supply) & out_of_range
    problems.add(
        f"days_supply not a whole number between 1 and {MAX_SUPPLY}", "days_supply", rows[bad]
    )
    unknown = ~frame["drug"].isin(list(drugs)).to_numpy()
    if unknown.any():
        names = frame.loc[unknown, "drug"].astype(str).value_counts()
        listed = ", ".join(f"{name!r} ×{count}" for name, count in names.items())
        problems.add(
            f"unknown drug name(s) [{listed}]; expected one of {', '.join(drugs)}",
            "drug",
            rows[unknown],
        )
    if study_window is not None:
        low, high = (pd.Timestamp(study_window[0]), pd.Timestamp(study_window[1]))
        outside = frame["fill_date"].notna() & (
            (frame["fill_date"] < low) | (frame["fill_date"] > high)
        )
        problems.add(
            f"fill_date outside the study window {low.date()}–{high.date()}",
            "fill_date",
            rows[outside.to_numpy()],
        )
    # duplicates share a claim id, so only rows with a repeated claim id need the full check
    duplicated = np.zeros(len(frame), dtype=bool)
    repeated_claim = frame["claim_id"].duplicated(keep=False).to_numpy()
    if repeated_claim.any():
        subset = frame.loc[repeated_claim, list(DUPLICATE_KEYS)]
        duplicated[repeated_claim] = subset.duplicated(keep="first").to_numpy()
    problems.add(DUPLICATE_KIND, "claim_id", rows[duplicated])

    if problems:
        bad_rows = np.zeros(len(frame), dtype=bool)
        for where in problems.kinds.values():
            bad_rows[np.asarray(where, dtype=np.int64) - 1] = True
        _report(problems, on_invalid, source, first_row=int(rows[bad_rows][0]))
        frame = frame.loc[~bad_rows]
    frame["days_supply"] = frame["days_supply"].astype(np.int64)
    frame["person_id"] = frame["person_id"].astype(str)
    frame["drug"] = frame["drug"].astype(str)
    return frame.reset_index(drop=True)


def _report(
    problems: FillProblems, on_invalid: str, source: str | None, stacklevel: int = 4, **where
) -> None:
    first_kind = next(iter(problems.kinds))
    unit = "claims" if "claim" in where else "rows"
    message = f"invalid dispensing records: {problems.summary(unit)}"
    if on_invalid == "raise":
        raise AnalysisError(
            message + " (pass on_invalid='drop_with_warning' to drop them)",
            file=source,
            row=where.get("first_row"),
            field=problems.fields[first_kind],
        )
    total = sum(problems.counts.values())
    text = f"{source + ': ' if source else ''}dropped {total} {message}"
    log.warning(text)
    warnings.warn(text, InvalidFillsWarning, stacklevel=stacklevel)


def screen_fills_table(
    fills: ir.Table,
    *,
    default_days_supply: Mapping[str, int] | None = None,
    study_window: tuple | None = None,
    drugs: Sequence[str] = KNOWN_DRUGS,
    on_invalid: str = "raise",
    source: str | None = None,
) -> tuple[ir.Table, FillProblems]:
    """The row checks on an ibis table as one aggregate query; duplicates are left to the
    episode pass (see :func:`analysis.episodes._ibis.episodes_expr`).

    Every row check is a flag; one ``SUM`` per flag over a single scan counts them (the scan
    that DuckDB or Spark would make anyway, with no hash table). Examples (up to five claim
    ids, sorted) and the unknown drug names are fetched only for checks that found rows.
    Duplicate fills (same person, date, drug, days supply and claim) cannot be counted
    without hashing every claim id, so the episode pass finds them instead: they are adjacent
    in its window order, which the episodes sort into anyway.

    Problems are named by ``claim_id`` (a table has no row numbers), so the table must have
    a ``claim_id`` column. Returns the cleaned table (``person_id, fill_date, drug,
    days_supply, claim_id``; flagged rows filtered out when there are any), lazily, and the
    problems found.
    """
    check_options(on_invalid)
    _missing_columns(list(fills.columns), source)
    if "claim_id" not in fills.columns:
        raise AnalysisError(
            "an ibis table of fills needs a claim_id column (the tie-breaker of same-day fills)",
            file=source,
            field="claim_id",
        )
    t = fills.select(
        person_id=fills.person_id.cast("string"),
        fill_date=fills.fill_date.cast("date"),
        drug=fills.drug.cast("string"),
        days_supply=fills.days_supply.cast("float64"),
        claim_id=fills.claim_id.cast("string"),
    )
    if default_days_supply:
        default = ibis.cases(
            *[(t.drug == name, float(days)) for name, days in default_days_supply.items()],
            else_=ibis.null("float64"),
        )
        t = t.mutate(days_supply=t.days_supply.fill_null(default))
    unknown_drug = f"unknown drug name(s); expected one of {', '.join(drugs)}"
    checks: dict[str, tuple[str, ir.BooleanValue]] = {
        "missing person_id": ("person_id", t.person_id.isnull()),
        "missing fill_date": ("fill_date", t.fill_date.isnull()),
        "missing days_supply (and no default for the drug)": (
            "days_supply",
            t.days_supply.isnull(),
        ),
        f"days_supply not a whole number between 1 and {MAX_SUPPLY}": (
            "days_supply",
            (t.days_supply != t.days_supply.round())
            | (t.days_supply < 1)
            | (t.days_supply > MAX_SUPPLY),
        ),
        unknown_drug: ("drug", ~t.drug.isin(list(drugs)) | t.drug.isnull()),
    }
    if study_window is not None:
        low, high = (pd.Timestamp(study_window[0]).date(), pd.Timestamp(study_window[1]).date())
        checks[f"fill_date outside the study window {low}–{high}"] = (
            "fill_date",
            (t.fill_date < low) | (t.fill_date > high),
        )
    conditions = [cond.fill_null(False) for _, cond in checks.values()]
    counts = (
        t.aggregate(**{f"ep_bad_{i}": c.cast("int64").sum() for i, c in enumerate(conditions)})
        .to_pandas()
        .iloc[0]
    )
    problems = FillProblems()
    for i, (kind, (column, _)) in enumerate(checks.items()):
        value = counts[f"ep_bad_{i}"]
        count = 0 if pd.isna(value) else int(value)
        if not count:
            continue
        bad = t.filter(conditions[i])
        examples = bad.order_by("claim_id").limit(5).claim_id.to_pandas()
        if kind == unknown_drug:
            names = bad.drug.fill_null("<missing>").name("drug").value_counts().to_pandas()
            names = names.sort_values(names.columns[1], ascending=False, kind="mergesort")
            listed = ", ".join(f"{n!r} ×{c}" for n, c in names.itertuples(index=False))
            kind = f"unknown drug name(s) [{listed}]; expected one of {', '.join(drugs)}"
        problems.add(kind, column, [repr(c) for c in examples], count=count)
    if problems:
        t = t.filter(~ibis.or_(*conditions))
    return t.mutate(days_supply=t.days_supply.cast("int64")), problems


def add_duplicates(problems: FillProblems, clean: ir.Table, count: int | None = None) -> None:
    """Add the duplicate fills of ``clean`` to ``problems``: their number (extra copies;
    counted here with a group-by when ``count`` is None) and up to five claim ids.

    A group-by over every fill is what the episode pass avoids; this runs only when there is
    something to report."""
    copies = clean.group_by(list(DUPLICATE_KEYS)).aggregate(ep_n=clean.count())
    copies = copies.filter(copies.ep_n > 1)
    if count is None:
        extra = copies.aggregate(extra=(copies.ep_n - 1).sum()).to_pandas()["extra"].iloc[0]
        count = 0 if pd.isna(extra) else int(extra)
    if count:
        examples = copies.order_by("claim_id").limit(5).claim_id.to_pandas()
        problems.add(DUPLICATE_KIND, "claim_id", [repr(c) for c in examples], count=count)


def report_table_problems(problems: FillProblems, on_invalid: str, source: str | None) -> None:
    """Raise (``on_invalid="raise"``) or warn about the problems of an ibis table of fills."""
    if problems:
        # warn at the caller of derive_episodes (via _tables.validated_episodes)
        _report(problems, on_invalid, source, stacklevel=5, claim=True)
