"""Episodes of an ibis table or a Parquet path: checks as one aggregate query, duplicates
found by the episode query, the Parquet file or partitioned folder read by the engine.

Used by :func:`analysis.episodes.derive_episodes`; tested in
tests/analysis/episodes/test_table_path.py (and test_spark.py on Spark); measured against
hand-written DuckDB SQL in benchmarks/bench_episodes.py.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from analysis.episodes._ibis import episodes_expr
from analysis.episodes._rules import EpisodeRules
from analysis.episodes._validate import (
    add_duplicates,
    report_table_problems,
    screen_fills_table,
)
from analysis.errors import AnalysisError


def validated_episodes(
    table: ir.Table, rules: EpisodeRules, *, fetch: bool = False, **checks: Any
) -> ir.Table | pd.DataFrame:
    """Validate an ibis table of fills and derive its episodes: one aggregate query for the
    row checks, then the episode query, which also finds duplicate fills.

    Duplicates must be reported before the result is handed back, so the episodes are
    computed here: ``fetch=True`` returns them as a DataFrame sorted by the engine (person,
    episode); otherwise they are materialised in the backend (``Table.cache()``) and the
    returned table reads them.
    """
    clean, problems = screen_fills_table(table, **checks)
    on_invalid, source = checks.get("on_invalid", "raise"), checks.get("source")
    if problems and on_invalid == "raise":
        add_duplicates(problems, clean)  # report them too: the error lists every problem
        report_table_problems(problems, on_invalid, source)
    episodes = episodes_expr(clean, rules, duplicates=True)
    if fetch:  # one query: the copies per episode come with the episodes
        episodes = episodes.order_by(["person_id", "episode"]).to_pandas()
        total = episodes["ep_dups"].sum()
    else:
        episodes = episodes.cache()
        total = episodes.ep_dups.sum().to_pandas()
    copies = 0 if pd.isna(total) else int(total)
    if copies:
        add_duplicates(problems, clean, count=copies)
    report_table_problems(problems, on_invalid, source)
    return episodes.drop(columns="ep_dups") if fetch else episodes.drop("ep_dups")


def read_parquet_fills(connection: Any, path: str | os.PathLike) -> ir.Table:
    """Fills from a Parquet file, or from a folder of them (partitioned folders such as
    ``year=2021/state=NJ/`` are read with their partition columns), as a table of
    ``connection``: the engine reads the file, pandas never holds it."""
    location = Path(path)
    if not location.exists():
        raise AnalysisError(f"no such Parquet file or folder: {location}", file=str(location))
    if location.is_dir():
        if not any(location.rglob("*.parquet")):
            raise AnalysisError(f"no Parquet files under {location}", file=str(location))
        if connection.name == "duckdb":
            return connection.read_parquet(
                str(location / "**" / "*.parquet"), hive_partitioning=True
            )
    return connection.read_parquet(str(location))
