"""MOUD treatment episodes from dispensing records (pharmacy fills, OTP dosing, injections).

:func:`derive_episodes` is the entry point. It validates the fills
(:mod:`analysis.episodes._validate`), resolves the options into
:class:`~analysis.episodes._rules.EpisodeRules`, and runs one of three engines with identical
results:

* ``engine="duckdb"`` (default) and ``engine="spark"`` run one ibis expression
  (:mod:`analysis.episodes._ibis`) on an embedded DuckDB or a Spark session;
* ``engine="pandas"`` is a plain-Python pass (:mod:`analysis.episodes._reference`), the
  readable statement of the rules and the test reference.

An ibis table in gives an ibis table on the table's backend out (the episodes are computed
there before returning, so that every invalid fill is reported first); a Parquet path in
gives a DataFrame out, read by the engine without pandas.

Rules, per person, fills in order of (``fill_date``, ``claim_id``): a fill covers
``[fill_date, fill_date + days_supply)``; the running supply end is
``max(previous end, fill end)``, or with ``carryover=True`` ``max(fill_date, previous end) +
days_supply``; a fill starts a new episode when ``fill_date - previous end > gap_days``; an
episode's ``end`` is its running supply end (exclusive). ``drugs`` is the sorted,
comma-joined set of drugs of the episode's fills.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

from analysis._validation import require_columns
from analysis.episodes._ibis import episodes_expr
from analysis.episodes._reference import EPISODE_COLUMNS, reference_episodes
from analysis.episodes._rules import KNOWN_DRUGS, EpisodeRules, resolve_rules
from analysis.episodes._tables import read_parquet_fills, validated_episodes
from analysis.episodes._validate import validate_fills_frame
from analysis.errors import AnalysisError

log = logging.getLogger(__name__)

ENGINES = ("duckdb", "spark", "pandas")

__all__ = [
    "ENGINES",
    "EPISODE_COLUMNS",
    "EpisodeRules",
    "continuity",
    "derive_episodes",
    "episode_at",
    "gap_sensitivity",
]


def derive_episodes(
    fills: pd.DataFrame | ir.Table | str | os.PathLike,
    gap_days: int = 30,
    carryover: bool = False,
    engine: str = "duckdb",
    *,
    switch_continues: bool = True,
    preset: str | None = None,
    medication_change_new_episode: bool = True,
    append_gap: bool = False,
    default_days_supply: Mapping[str, int] | None = None,
    study_window: tuple | None = None,
    drugs: Sequence[str] = KNOWN_DRUGS,
    on_invalid: str = "raise",
    backend: Any = None,
    source: str | None = None,
) -> pd.DataFrame | ir.Table:
    """Treatment episodes, one row per episode: ``person_id, episode, start, end, n_fills, drugs``.

    Parameters
    ----------
    fills:
        ``person_id, fill_date, drug, days_supply`` and ``claim_id`` (tie-breaker of same-day
        fills; a DataFrame without it uses row order). A pandas DataFrame, an ibis Table, or
        the path of a Parquet file or folder (partitioned ``year=/state=`` folders too), which
        the engine reads directly (DataFrame out). A table or path is validated with one
        aggregate query; duplicate fills are found by the episode query itself.
    gap_days:
        Largest number of uncovered days that does not end an episode.
    carryover:
        Stockpile early refills: a fill's supply starts when the previous supply runs out.
    engine:
        ``"duckdb"``, ``"spark"`` or ``"pandas"`` (for DataFrame input).
    switch_continues:
        ``True``: switching buprenorphine <-> methadone continues the episode. ``False``:
        episodes are derived separately per drug, so a change of drug starts a new episode.
    preset:
        ``"drug_era"`` (OHDSI DRUG_ERA) or ``"adherer"`` (AdhereR treatment episodes); see
        :mod:`analysis.episodes._rules` for exactly what each means.
    medication_change_new_episode, append_gap:
        Options of ``preset="adherer"`` (AdhereR ``medication.change.means.new.treatment.
        episode``, default True, and ``maximum.permissible.gap.append.to.episode``).
    default_days_supply:
        Days supply for records without one, per drug, e.g. ``{"naltrexone": 31}`` (HEDIS
        counts an XR-naltrexone injection as 31 days).
    study_window:
        ``(first, last)`` dates; fills outside are invalid.
    on_invalid:
        ``"raise"`` (default) or ``"drop_with_warning"``.
    backend:
        An ibis connection to use (e.g. ``ibis.pyspark.connect(session)``).
    source:
        File name used in error messages.

    Example
    -------
    >>> import pandas as pd
    >>> fills = pd.DataFrame({"person_id": ["p1", "p1", "p1"],
    ...     "fill_date": pd.to_datetime(["2024-01-01", "2024-01-25", "2024-04-01"]),
    ...     "drug": ["buprenorphine"] * 3, "days_supply": [30, 30, 7],
    ...     "claim_id": ["c1", "c2", "c3"]})
    >>> derive_episodes(fills)[["episode", "start", "end", "n_fills"]]
       episode      start        end  n_fills
    0        1 2024-01-01 2024-02-24        2
    1        2 2024-04-01 2024-04-08        1
    """
    rules = resolve_rules(
        gap_days,
        carryover,
        switch_continues=switch_continues,
        preset=preset,
        medication_change_new_episode=medication_change_new_episode,
        append_gap=append_gap,
    )
    checks = dict(
        default_days_supply=default_days_supply,
        study_window=study_window,
        drugs=drugs,
        on_invalid=on_invalid,
        source=source,
    )
    if isinstance(fills, (str, os.PathLike)):
        if engine == "pandas":
            raise AnalysisError(
                "a Parquet path is read by an engine: use engine='duckdb' or 'spark'",
                field="engine",
            )
        connection = backend if backend is not None else connect(engine)
        table = read_parquet_fills(connection, fills)
        checks["source"] = checks["source"] or str(fills)
        # sorted by the engine (in parallel), not by pandas over Python strings
        frame = validated_episodes(table, rules, fetch=True, **checks)
        return normalise_episodes(frame, ordered=True)
    if isinstance(fills, ir.Table):
        return validated_episodes(fills, rules, **checks)
    if not isinstance(fills, pd.DataFrame):
        raise AnalysisError(
            f"fills must be a pandas DataFrame or an ibis Table, got {type(fills).__name__}",
            field="fills",
        )
    if engine not in ENGINES:
        raise AnalysisError(
            f"engine must be one of {', '.join(ENGINES)}, got {engine!r}", field="engine"
        )
    clean = validate_fills_frame(fills, **checks)
    return episodes_of_clean(clean, rules, engine, backend)


def episodes_of_clean(
    clean: pd.DataFrame, rules: EpisodeRules, engine: str = "duckdb", backend: Any = None
) -> pd.DataFrame:
    """Episodes of already validated fills (the output of ``validate_fills_frame``)."""
    if engine == "pandas":
        return reference_episodes(clean, rules)
    connection = backend if backend is not None else connect(engine)
    table = ibis.memtable(_to_arrow(clean))
    result = connection.to_pandas(episodes_expr(table, rules))
    return normalise_episodes(result)


def connect(engine: str) -> Any:
    """An ibis connection for ``engine``: a fresh in-memory DuckDB, or the active Spark
    session (a local one, UTC, UI off, is started when there is none)."""
    if engine == "duckdb":
        connection = ibis.duckdb.connect()
        # Inside a Jupyter kernel DuckDB refuses to touch this setting without ipywidgets
        # (and shows no terminal bar there anyway), so report notebooks skip it.
        with contextlib.suppress(duckdb.Error):
            connection.raw_sql("SET enable_progress_bar = false")
        return connection
    if engine == "spark":
        from pyspark.sql import SparkSession

        session = SparkSession.getActiveSession()
        if session is None:
            session = (
                SparkSession.builder.master("local[*]")
                .appName("dyadlab")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate()
            )
        return ibis.pyspark.connect(session)
    raise AnalysisError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")


def _to_arrow(clean: pd.DataFrame) -> pa.Table:
    """Fills as Arrow with a DATE column (no time zone can shift a day on any backend)."""
    return pa.table(
        {
            "person_id": pa.array(clean["person_id"].astype(str), pa.string()),
            "fill_date": pa.array(clean["fill_date"].to_numpy().astype("datetime64[D]")),
            "drug": pa.array(clean["drug"].astype(str), pa.string()),
            "days_supply": pa.array(clean["days_supply"].to_numpy(np.int64)),
            "claim_id": pa.array(clean["claim_id"].astype(str), pa.string()),
        }
    )


def normalise_episodes(result: pd.DataFrame, ordered: bool = False) -> pd.DataFrame:
    """Engine output in the one pandas shape: dates as ``datetime64[ns]``, int64 counts,
    rows sorted by person and episode (``ordered=True``: the engine already sorted them)."""
    frame = result[EPISODE_COLUMNS].copy()
    for column in ("start", "end"):
        values = frame[column]
        if not pd.api.types.is_datetime64_dtype(values):  # (pd.to_datetime of a datetime64
            values = pd.to_datetime(values)  # column walks it in Python to decide on a cache)
        frame[column] = values.astype("datetime64[ns]")
    for column in ("episode", "n_fills"):
        frame[column] = frame[column].astype(np.int64)
    frame["person_id"] = frame["person_id"].astype(object)
    frame["drugs"] = frame["drugs"].astype(object)
    if not ordered:
        frame = frame.sort_values(["person_id", "episode"], kind="mergesort")
    return frame.reset_index(drop=True)


def continuity(episodes: pd.DataFrame, deliveries: pd.DataFrame, days: int = 180) -> pd.DataFrame:
    """Continuous MOUD after delivery: does an episode cover the delivery date and last
    ``days`` more days?

    The measure follows NQF #3175 "Continuity of Pharmacotherapy for Opioid Use Disorder"
    (at least 180 days of continuous treatment), indexed at delivery: a delivery counts when
    an episode covers the delivery date (``start <= delivery_date < end``) and ``end -
    delivery_date >= days``. NQF 3175 tolerates gaps under 7 days: derive the episodes with
    ``gap_days=7`` to match it.

    Returns one row per delivery: ``delivery_id, person_id, delivery_date, episode`` (the
    covering episode, missing when none), ``days_covered`` (days from delivery to the
    episode's end, capped at ``days``; 0 when none) and ``continuous`` (bool).

    Two 30-day fills with 15 uncovered days between them (2024-01-31 to 2024-02-15) make
    one episode under a 30-day gap, 2024-01-01 to 2024-03-16; a delivery on 2024-01-20 has
    56 days of it left (11 + 29 + 16, 2024 is a leap year) — continuous for 30 days, not 180:

    >>> fills = pd.DataFrame({"person_id": ["p1", "p1"],
    ...     "fill_date": pd.to_datetime(["2024-01-01", "2024-02-15"]),
    ...     "drug": ["buprenorphine"] * 2, "days_supply": [30, 30], "claim_id": ["c1", "c2"]})
    >>> deliveries = pd.DataFrame({"delivery_id": ["d1"], "person_id": ["p1"],
    ...     "delivery_date": pd.to_datetime(["2024-01-20"])})
    >>> episodes = derive_episodes(fills, gap_days=30)
    >>> continuity(episodes, deliveries)[["episode", "days_covered", "continuous"]]
       episode  days_covered  continuous
    0        1            56       False
    >>> continuity(episodes, deliveries, days=30)[["days_covered", "continuous"]]
       days_covered  continuous
    0            30        True
    """
    require_columns(deliveries, ["delivery_id", "person_id", "delivery_date"], name="deliveries")
    require_columns(episodes, ["person_id", "episode", "start", "end"], name="episodes")
    base = deliveries[["delivery_id", "person_id", "delivery_date"]].copy()
    base["delivery_date"] = pd.to_datetime(base["delivery_date"]).astype("datetime64[ns]")
    base["person_id"] = base["person_id"].astype(str)
    eps = episodes[["person_id", "episode", "start", "end"]].copy()
    eps["person_id"] = eps["person_id"].astype(str)
    covering = episode_at(base, eps)
    out = base.merge(covering, on="delivery_id", how="left")
    remaining = (out["end"] - out["delivery_date"]).dt.days
    out["days_covered"] = remaining.clip(upper=days).fillna(0).astype(np.int64)
    out["continuous"] = (remaining >= days).fillna(False).astype(bool)
    out["episode"] = out["episode"].astype("Int64")
    return out[
        ["delivery_id", "person_id", "delivery_date", "episode", "days_covered", "continuous"]
    ]


def episode_at(
    deliveries: pd.DataFrame, episodes: pd.DataFrame, window_days: int = 0
) -> pd.DataFrame:
    """Per delivery, the episode covering the delivery date (``start <= delivery_date <
    end``) or ending at most ``window_days`` uncovered days before it (``delivery_date - end
    <= window_days``, the same count of uncovered days as ``gap_days``); when several
    qualify, the one with the latest end wins.

    ``deliveries`` needs ``delivery_id, person_id, delivery_date``; returns ``delivery_id``
    plus the episode's columns, only for deliveries that have one.
    """
    base = deliveries[["delivery_id", "person_id", "delivery_date"]]
    pairs = base.merge(episodes, on="person_id", how="inner")
    lag = (pairs["delivery_date"] - pairs["end"]).dt.days
    keep = (pairs["start"] <= pairs["delivery_date"]) & (lag <= window_days)
    pairs = pairs.loc[keep]
    pairs = pairs.sort_values(["delivery_id", "end", "episode"], kind="mergesort")
    best = pairs.drop_duplicates("delivery_id", keep="last")
    return best.drop(columns=["person_id", "delivery_date"])


def gap_sensitivity(
    fills: pd.DataFrame,
    deliveries: pd.DataFrame,
    gaps: Sequence[int] = (7, 14, 30, 60, 90),
    *,
    days: int = 180,
    carryover: bool = False,
    engine: str = "duckdb",
    **options: Any,
) -> pd.DataFrame:
    """How retention depends on the permitted gap: one row per ``gap_days``.

    Columns: ``gap_days``, ``n_deliveries``, ``n_episodes``, ``n_on_moud`` (deliveries with an
    episode covering the delivery date), ``n_continuous`` (covered for ``days`` days after
    delivery, see :func:`continuity`), ``pct_continuous`` (of those on MOUD at delivery, NaN
    when none) and ``median_episode_days``. Fills are validated once; ``options`` go to
    :func:`derive_episodes` (``default_days_supply``, ``on_invalid``, …).

    The fills and delivery of :func:`continuity`'s example: a 7-day gap splits the
    treatment into two 30-day episodes, the first ending 11 days after the delivery; a 30-day gap
    joins them into one of 75 days, covering the 30 days after delivery:

    >>> fills = pd.DataFrame({"person_id": ["p1", "p1"],
    ...     "fill_date": pd.to_datetime(["2024-01-01", "2024-02-15"]),
    ...     "drug": ["buprenorphine"] * 2, "days_supply": [30, 30], "claim_id": ["c1", "c2"]})
    >>> deliveries = pd.DataFrame({"delivery_id": ["d1"], "person_id": ["p1"],
    ...     "delivery_date": pd.to_datetime(["2024-01-20"])})
    >>> table = gap_sensitivity(fills, deliveries, gaps=[7, 30], days=30)
    >>> table[["gap_days", "n_episodes", "n_continuous", "median_episode_days"]]
       gap_days  n_episodes  n_continuous  median_episode_days
    0         7           2             0                 30.0
    1        30           1             1                 75.0
    """
    validation = {
        k: options.pop(k)
        for k in ("default_days_supply", "study_window", "drugs", "on_invalid", "source")
        if k in options
    }
    clean = validate_fills_frame(fills, **validation)
    rows = []
    for gap in gaps:
        rules = resolve_rules(int(gap), carryover, **options)
        episodes = episodes_of_clean(clean, rules, engine)
        measure = continuity(episodes, deliveries, days=days)
        on_moud = int(measure["episode"].notna().sum())
        continuous = int(measure["continuous"].sum())
        lengths = (episodes["end"] - episodes["start"]).dt.days
        rows.append(
            {
                "gap_days": int(gap),
                "n_deliveries": len(measure),
                "n_episodes": len(episodes),
                "n_on_moud": on_moud,
                "n_continuous": continuous,
                "pct_continuous": 100.0 * continuous / on_moud if on_moud else float("nan"),
                "median_episode_days": float(lengths.median()) if len(lengths) else float("nan"),
            }
        )
    return pd.DataFrame(rows)
