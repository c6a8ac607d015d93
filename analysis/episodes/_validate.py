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
    problems.add(
        "duplicate fill(s) (same person, date, drug, days supply and claim)",
        "claim_id",
        rows[duplicated],
    )

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


def _report(problems: FillProblems, on_invalid: str, source: str | None, **where) -> None:
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
    warnings.warn(text, InvalidFillsWarning, stacklevel=4)


def validate_fills_table(
    fills: ir.Table,
    *,
    default_days_supply: Mapping[str, int] | None = None,
    study_window: tuple | None = None,
    drugs: Sequence[str] = KNOWN_DRUGS,
    on_invalid: str = "raise",
    source: str | None = None,
) -> ir.Table:
    """The same checks on an ibis table, run as queries in its backend.

    Problems are named by ``claim_id`` (a table has no row numbers), so the table must have
    a ``claim_id`` column. Returns the cleaned table expression (same columns as
    :func:`validate_fills_frame`), lazily.
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
        f"unknown drug name(s); expected one of {', '.join(drugs)}": (
            "drug",
            ~t.drug.isin(list(drugs)) | t.drug.isnull(),
        ),
    }
    if study_window is not None:
        low, high = (pd.Timestamp(study_window[0]).date(), pd.Timestamp(study_window[1]).date())
        checks[f"fill_date outside the study window {low}–{high}"] = (
            "fill_date",
            (t.fill_date < low) | (t.fill_date > high),
        )
    duplicate_kind = "duplicate fill(s) (same person, date, drug, days supply and claim)"
    flags = {f"ep_bad_{i}": cond.fill_null(False) for i, (_, cond) in enumerate(checks.values())}
    flagged = t.mutate(**flags)
    counts = flagged.aggregate(
        ep_rows=flagged.count(),
        ep_claims=flagged.claim_id.nunique(),
        **{name: flagged[name].cast("int64").sum() for name in flags},
    ).to_pandas()
    copies = t.group_by(list(DUPLICATE_KEYS)).aggregate(ep_n=t.count()).filter(lambda g: g.ep_n > 1)
    n_copies = 0
    # duplicates share a claim id: the full check only runs when some claim id repeats
    if int(counts["ep_claims"].iloc[0]) < int(counts["ep_rows"].iloc[0]):
        extra = copies.aggregate(extra=(copies.ep_n - 1).sum()).to_pandas()["extra"].iloc[0]
        n_copies = int(extra or 0)
    problems = FillProblems()
    for (kind, (column, _)), name in zip(checks.items(), flags, strict=True):
        count = int(counts[name].iloc[0] or 0)
        if count:
            examples = (
                flagged.filter(flagged[name]).order_by("claim_id").limit(5).claim_id.to_pandas()
            )
            problems.add(kind, column, [repr(c) for c in examples], count=count)
    if n_copies:
        examples = copies.order_by("claim_id").limit(5).claim_id.to_pandas()
        problems.add(duplicate_kind, "claim_id", [repr(c) for c in examples], count=n_copies)
    if problems:
        _report(problems, on_invalid, source, claim=True)
        t = flagged.filter(~ibis.or_(*[flagged[name] for name in flags])).select(t.columns)
        if n_copies:
            t = t.distinct()
    return t.select(
        "person_id",
        "fill_date",
        "drug",
        t.days_supply.cast("int64").name("days_supply"),
        "claim_id",
    )
