"""Writing imported deliveries, dispensing and events into a study, shared by ``dyadlab
import omop`` and ``dyadlab import redcap-records``.

Where each table goes is what ``data:`` in study.yaml says; a table that already holds rows
is replaced only when asked; every table is validated against its data dictionary before
anything is written (a breach is one line naming the first problem, nothing written); the
files are then written atomically (``.csv`` or ``.csv.gz``). The deliveries get what the
dictionary requires that an adapter may not give: ``moud`` as recorded (the drug whose
supply covers the delivery date, the latest fill first; ``none`` when none does) and every
other column, empty. Tested through tests/studies/commands/test_import_omop.py and
test_import_redcap_records.py.
"""

from __future__ import annotations

import gzip
import warnings
from pathlib import Path

import pandas as pd

WRITTEN = ("deliveries", "dispensing", "events")


def table_paths(study, *, replace: bool, dry_run: bool) -> dict[str, Path]:
    """The paths of the three tables; an error when study.yaml sets none, or when a table
    holds rows and ``replace`` is not given."""
    from studies.errors import StudyError

    targets = {}
    for name in WRITTEN:
        if not study.has_table(name):
            raise StudyError(
                f"study.yaml sets no data.{name}: add e.g. '{name}: data/{name}.csv' under "
                "'data:' so the imported table has a place",
                file=study.path,
                field=f"data.{name}",
            )
        targets[name] = study.data_path(name)
    busy = [p for p in targets.values() if _has_rows(p)]
    if busy and not replace and not dry_run:
        raise StudyError(
            f"{', '.join(str(p) for p in busy)} already hold rows; pass --replace to overwrite",
            file=busy[0],
        )
    return targets


def complete_deliveries(
    deliveries: pd.DataFrame, dispensing: pd.DataFrame, notes: list[str], source: str
) -> pd.DataFrame:
    """``moud`` (when absent) from the fills covering the delivery date; the dictionary's
    other columns, empty, with a note naming them."""
    import data_dictionary as dd

    if "moud" not in deliveries.columns:
        deliveries = deliveries.assign(moud=moud_at_delivery(deliveries, dispensing))
    absent = [f.name for f in dd.load_schema("deliveries").fields if f.name not in deliveries]
    if absent:
        deliveries = deliveries.assign(**{name: "" for name in absent})
        notes.append(f"deliveries columns not in the {source}, left empty: {', '.join(absent)}")
    return deliveries


def moud_at_delivery(deliveries: pd.DataFrame, dispensing: pd.DataFrame) -> pd.Series:
    """The drug whose supply covers the delivery date (the latest such fill), else none."""
    if dispensing.empty:
        return pd.Series("none", index=deliveries.index)
    fills = dispensing.dropna(subset=["days_supply"])
    fills = fills.assign(
        fill_date=pd.to_datetime(fills["fill_date"]),
        end=lambda f: (
            pd.to_datetime(f["fill_date"])
            + pd.to_timedelta(pd.to_numeric(f["days_supply"]).astype(int), unit="D")
        ),
    )
    pairs = deliveries[["delivery_id", "person_id", "delivery_date"]].merge(
        fills[["person_id", "fill_date", "end", "drug"]], on="person_id"
    )
    day = pd.to_datetime(pairs["delivery_date"])
    covering = pairs[(pairs["fill_date"] <= day) & (day < pairs["end"])].sort_values(
        ["delivery_id", "fill_date"], kind="mergesort"
    )
    latest = covering.groupby("delivery_id")["drug"].last()
    return deliveries["delivery_id"].map(latest).fillna("none")


def check_and_write(
    frames: dict[str, pd.DataFrame], targets: dict[str, Path], source: str, *, dry_run: bool
) -> dict[str, pd.DataFrame]:
    """Validate every frame, then (unless ``dry_run``) write them all."""
    import data_dictionary as dd
    from data_dictionary.files import atomic_write
    from data_dictionary.problems import problem_line
    from studies.errors import StudyError

    checked = {}
    for name, frame in frames.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", dd.SoftConstraintWarning)
            try:
                checked[name] = dd.validate(frame, name)
            except dd.ValidationError as error:
                problems = error.problems
                first = problems.iloc[0]
                where = problem_line(first)
                if not pd.isna(first["row"]) and len(frame.columns):
                    # rows of a table made here mean nothing to the user: name its id
                    key = frame.columns[0]  # delivery_id, claim_id, event_id
                    where = (
                        f"{key} {frame[key].iloc[int(first['row']) - 1]!r}, column "
                        f"{first['column']}: {first['message']}"
                    )
                raise StudyError(
                    f"the {name} made from {source} break the data dictionary in "
                    f"{len(problems)} place(s), nothing written; first: {where}",
                    field=name,
                ) from None
    if dry_run:
        return checked
    for name, frame in checked.items():
        out = frame.copy()
        for column in out.columns:
            if str(out[column].dtype).startswith("datetime64"):
                out[column] = out[column].dt.strftime("%Y-%m-%d")
        text = out.to_csv(index=False)
        if targets[name].name.endswith(".gz"):
            with atomic_write(targets[name], mode="wb", encoding=None) as handle:
                handle.write(gzip.compress(text.encode("utf-8"), mtime=0))
        else:
            with atomic_write(targets[name]) as handle:
                handle.write(text)
    return checked


def _has_rows(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        return len(pd.read_csv(path, dtype=str, nrows=1)) > 0
    except (ValueError, OSError):
        return path.stat().st_size > 0
