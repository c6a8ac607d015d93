"""Baselines of the episode benchmark: the same episodes as hand-written DuckDB window SQL
and as vectorised pandas, timed against ``derive_episodes`` in one process.

Part of ``python -m benchmarks episodes`` (:mod:`benchmarks.bench_episodes`), or alone:
``python -m benchmarks.bench_episodes --ratios [--quick]``. Results: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

# The episodes of derive_episodes' default rules (gap 30 days, no carry-over, switching
# continues) written by hand: two window passes and a group-by.
HAND_SQL = """
WITH f AS (
  SELECT person_id, fill_date, drug, claim_id,
         fill_date - DATE '1970-01-01' AS d, days_supply AS s
  FROM read_parquet('{path}')
), w AS (
  SELECT *, max(d + s) OVER (PARTITION BY person_id ORDER BY fill_date, claim_id
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
  FROM f
), n AS (
  SELECT *, sum(CASE WHEN prev_end IS NULL OR d - prev_end > {gap} THEN 1 ELSE 0 END)
              OVER (PARTITION BY person_id ORDER BY fill_date, claim_id
                    ROWS UNBOUNDED PRECEDING) AS episode
  FROM w
)
SELECT person_id, episode, min(fill_date) AS start,
       DATE '1970-01-01' + CAST(max(d + s) AS INTEGER) AS "end",
       count(*) AS n_fills, string_agg(DISTINCT drug, ',' ORDER BY drug) AS drugs
FROM n GROUP BY person_id, episode
"""


def synthetic_fills(n_people: int, path: Path, seed: int = 16) -> int:
    """About 10 fills per person (Poisson), 7–30-day supplies, gaps mostly under 40 days
    and one in ten 31–200 days, three drugs; rows shuffled; written to ``path``."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    counts = rng.poisson(9, size=n_people) + 1
    n = int(counts.sum())
    person = np.repeat(np.arange(n_people), counts)
    supply = rng.choice([7, 14, 28, 30, 30, 30], size=n)
    step = np.where(rng.random(n) < 0.1, rng.integers(31, 200, size=n), rng.integers(0, 40, n))
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    step[first] = rng.integers(0, 700, size=n_people)
    total = np.cumsum(step)
    day = total - np.repeat(total[first] - step[first], counts) + 18_000
    drug = rng.choice(np.array(["buprenorphine", "methadone", "naltrexone"]), n, p=[0.6, 0.3, 0.1])
    order = rng.permutation(n)
    table = pa.table(
        {
            "person_id": pa.array(np.char.add("p", person.astype(str))[order]),
            "fill_date": pa.array(day[order].astype("datetime64[D]")),
            "drug": pa.array(drug[order]),
            "days_supply": pa.array(supply[order].astype(np.int64)),
            "claim_id": pa.array(np.char.add("c", np.arange(n).astype(str))[order]),
        }
    )
    pq.write_table(table, path)
    return n


def vectorised_pandas(path: Path, gap_days: int = 30):
    """The same episodes in vectorised pandas: sort, groupby cummax/shift/cumsum, group-by
    aggregate; reads the Parquet file too, as the other two do."""
    import numpy as np
    import pandas as pd

    frame = pd.read_parquet(path)
    frame = frame.sort_values(["person_id", "fill_date", "claim_id"], kind="stable")
    day = frame["fill_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    frame["ep_end"] = day + frame["days_supply"].to_numpy()
    person = frame["person_id"]
    previous = frame.groupby(person, sort=False)["ep_end"].cummax().groupby(person).shift()
    new = previous.isna() | (day - previous > gap_days)
    frame["episode"] = new.astype(np.int64).groupby(person, sort=False).cumsum()
    keys = ["person_id", "episode"]
    grouped = frame.groupby(keys, sort=True)
    episodes = grouped.agg(
        start=("fill_date", "min"), ep_end=("ep_end", "max"), n_fills=("drug", "size")
    )
    names = frame[[*keys, "drug"]].drop_duplicates().sort_values([*keys, "drug"])
    episodes["drugs"] = names.groupby(keys, sort=True)["drug"].agg(",".join)
    episodes["end"] = (episodes.pop("ep_end").to_numpy()).astype("datetime64[D]")
    return episodes.reset_index()


def ratios(quick: bool = False) -> dict:
    """derive_episodes (validated, from the Parquet path and from an ibis table on it)
    against hand-written DuckDB SQL and vectorised pandas: one process, interleaved, best of
    three; results checked equal. Prints a Markdown table and returns the timings."""
    import duckdb
    import pandas as pd

    from analysis.episodes import derive_episodes
    from analysis.episodes._derive import connect, normalise_episodes

    people = 30_000 if quick else 300_000
    with tempfile.TemporaryDirectory(prefix="bench_ratios_") as tmp:
        path = Path(tmp) / "fills.parquet"
        n_fills = synthetic_fills(people, path)
        raw = duckdb.connect()
        raw.execute("SET enable_progress_bar = false")
        con = connect("duckdb")
        runs = {
            "hand-written DuckDB SQL (baseline)": lambda: raw.sql(
                HAND_SQL.format(path=path, gap=30)
            ).df(),
            "derive_episodes(parquet path)": lambda: derive_episodes(path, backend=con),
            "derive_episodes(ibis table).to_pandas()": lambda: derive_episodes(
                con.read_parquet(str(path))
            ).to_pandas(),
            "vectorised pandas": lambda: vectorised_pandas(path),
        }
        best = {name: float("inf") for name in runs}
        results = {}
        load = []
        for _ in range(3):
            for name, run in runs.items():
                load.append(os.getloadavg()[0])
                started = time.perf_counter()
                results[name] = run()
                best[name] = min(best[name], time.perf_counter() - started)
        want = normalise_episodes(results["derive_episodes(parquet path)"])
        same = {}
        for name, got in results.items():
            try:
                pd.testing.assert_frame_equal(normalise_episodes(got), want, check_dtype=False)
                same[name] = "yes"
            except AssertionError:
                same[name] = "NO"
    base = best["hand-written DuckDB SQL (baseline)"]
    print(
        f"\n{n_fills:,} fills of {people:,} people, gap 30 days; load average "
        f"{min(load):.1f}–{max(load):.1f} during the runs\n"
    )
    print("| what | best of 3 (s) | vs hand SQL | equal episodes |")
    print("|---|---|---|---|")
    for name, seconds in best.items():
        print(f"| {name} | {seconds:.2f} | {seconds / base:.2f}× | {same[name]} |")
    return best
