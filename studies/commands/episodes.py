"""``dyadlab episodes STUDY``: derive MOUD treatment episodes from a study's dispensing table.

Settings default to ``outcomes:`` in study.yaml (``gap_days``, ``carryover``); options
override them. Without ``--out`` a short summary is printed; ``--out FILE`` writes every
episode as CSV (atomically), ``--json`` prints the summary (and, without ``--out``, the
episodes) as JSON. A Parquet dispensing table (a file, or a folder such as ``year=/state=``
partitions) is read by the engine, not pandas. On a terminal a bar on stderr shows the stage.

    dyadlab episodes demo --gap 60 --carryover --out episodes_gap60.csv
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from typing import Any

import pandas as pd

from studies.cli import add_json_flag, print_json

log = logging.getLogger(__name__)


def register(cli) -> None:
    parser = cli.command(
        "episodes",
        "derive MOUD treatment episodes (one row per episode) from a study's dispensing records",
        run,
    )
    parser.add_argument("study", metavar="STUDY", help="study id (e.g. demo) or path")
    parser.add_argument(
        "--gap",
        type=int,
        default=None,
        metavar="DAYS",
        help="largest uncovered gap (days) inside an episode (default: outcomes.gap_days)",
    )
    parser.add_argument(
        "--carryover",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="stockpile early refills (default: outcomes.carryover)",
    )
    parser.add_argument(
        "--backend",
        choices=["duckdb", "spark", "pandas"],
        default="duckdb",
        help="engine that runs the derivation (default duckdb; spark starts a local session)",
    )
    parser.add_argument(
        "--preset",
        choices=["drug_era", "adherer"],
        default=None,
        help="OHDSI drug eras or AdhereR treatment episodes (see docs/episodes.md)",
    )
    parser.add_argument(
        "--per-drug",
        action="store_true",
        help="derive episodes separately per drug (a switch starts a new episode)",
    )
    parser.add_argument("--out", metavar="FILE", help="write the episodes as CSV to FILE")
    parser.add_argument(
        "--sensitivity",
        action="store_true",
        help="print the retention table for each gap in outcomes.gap_sensitivity (episodes "
        "covering delivery, continuous for 180 days) instead of the episode summary",
    )
    add_json_flag(parser)


def run(args: argparse.Namespace) -> int:
    from analysis.episodes import derive_episodes
    from studies import load_study

    study = load_study(args.study, check_files=False)
    outcomes = study.config.outcomes
    gap = outcomes.gap_days if args.gap is None else args.gap
    carryover = outcomes.carryover if args.carryover is None else args.carryover
    path = study.data_path("dispensing")
    source = str(path)
    # a Parquet file or folder is read by the engine itself (never loaded into pandas)
    by_engine = args.backend != "pandas" and (path.is_dir() or path.suffix in PARQUET)
    stages = stage_bar(3 if args.out else 2)
    stages.set_description("reading dispensing")
    fills = path if by_engine else study.dispensing()
    if args.sensitivity:
        stages.close()
        if by_engine:
            fills = study.dispensing()
        return _sensitivity(args, study, fills, carryover, source)
    started = time.perf_counter()
    stages.set_description("checking fills and deriving episodes")
    episodes = derive_episodes(
        fills,
        gap_days=gap,
        carryover=carryover,
        engine=args.backend,
        preset=args.preset,
        switch_continues=not args.per_drug,
        source=source,
    )
    seconds = time.perf_counter() - started
    stages.update()
    summary = summarise(episodes, fills)
    summary["settings"] = {
        "gap_days": gap,
        "carryover": carryover,
        "backend": args.backend,
        "preset": args.preset,
        "per_drug": args.per_drug,
    }
    summary["seconds"] = round(seconds, 3)
    if args.out:
        from data_dictionary.files import atomic_write

        stages.set_description(f"writing {args.out}")
        with atomic_write(args.out) as handle:
            episodes.to_csv(handle, index=False, date_format="%Y-%m-%d")
        summary["out"] = str(args.out)
    stages.update()
    stages.close()
    if args.json:
        if not args.out:
            summary["episodes"] = [
                {**row, "start": row["start"].date(), "end": row["end"].date()}
                for row in episodes.to_dict(orient="records")
            ]
        print_json(summary)
        return 0
    print(
        f"{summary['n_episodes']} episodes for {summary['n_persons']} persons from "
        f"{summary['n_fills']} fills (gap {gap} days, carry-over {'on' if carryover else 'off'}"
        f"{', preset ' + args.preset if args.preset else ''}, {args.backend}, {seconds:.1f} s)"
    )
    print(f"median episode length {summary['median_days']} days; by drugs:")
    for drugs, count in summary["by_drugs"].items():
        print(f"  {drugs}: {count}")
    if args.out:
        print(f"wrote {args.out}")
    return 0


PARQUET = (".parquet", ".pq")


def stage_bar(total: int):
    """A progress bar over the command's stages on stderr, shown only on a terminal (not in
    notebooks, pipes or logs; DuckDB's own bar stays off, see analysis.episodes.connect)."""
    from tqdm import tqdm

    return tqdm(
        total=total,
        unit="stage",
        leave=False,
        disable=not sys.stderr.isatty(),
        bar_format="{desc}: {n_fmt}/{total_fmt} stages [{elapsed}]",
    )


def summarise(episodes: pd.DataFrame, fills: pd.DataFrame | str | os.PathLike) -> dict[str, Any]:
    """Counts and lengths of the episodes (numbers only, no person-level data); ``fills``
    may be the Parquet path the engine read (its row count comes from the file footers)."""
    lengths = (episodes["end"] - episodes["start"]).dt.days
    if isinstance(fills, (str, os.PathLike)):
        import pyarrow.dataset as ds

        n_fills = ds.dataset(fills, format="parquet", partitioning="hive").count_rows()
    else:
        n_fills = len(fills)
    return {
        "n_fills": int(n_fills),
        "n_persons": int(episodes["person_id"].nunique()),
        "n_episodes": int(len(episodes)),
        "median_days": float(lengths.median()) if len(lengths) else None,
        "by_drugs": {k: int(v) for k, v in episodes["drugs"].value_counts().sort_index().items()},
    }


def _sensitivity(args, study, fills, carryover: bool, source: str) -> int:
    """``--sensitivity``: :func:`analysis.episodes.gap_sensitivity` over the study's gaps."""
    from analysis.episodes import gap_sensitivity

    gaps = study.config.outcomes.gap_sensitivity
    table = gap_sensitivity(
        fills, study.deliveries(), gaps, carryover=carryover, engine=args.backend, source=source
    )
    if args.out:
        from data_dictionary.files import atomic_write

        with atomic_write(args.out) as handle:
            table.to_csv(handle, index=False)
    if args.json:
        rows = table.astype(object).where(table.notna(), None).to_dict(orient="records")
        print_json({"carryover": carryover, "rows": rows})
        return 0
    print(f"retention by permitted gap (carry-over {'on' if carryover else 'off'}):")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    if args.out:
        print(f"wrote {args.out}")
    return 0
