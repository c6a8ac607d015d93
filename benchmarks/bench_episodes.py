"""Episode derivation and cohort build at 10^4, 10^5 (quick) and 10^6 deliveries.

Data: ``studies.synth.generate_cohort(n, seed=7)`` (the synthetic generator; about 51 fills per
delivery because OTP methadone is dosed daily), written to Parquet once per size. Each
measurement runs in its own subprocess so that its peak memory (max RSS from ``wait4``) is
its own; the timings are taken inside the subprocess, after reading the input.

* ``pandas``: ``derive_episodes(frame, engine="pandas")`` — the plain-Python reference, the
  baseline of every ratio (run up to 10^5 deliveries; at 10^6 the frame alone needs > 4 GB);
  it is a tight single pass over sorted arrays, already far from what an analyst writes;
* ``pandas-groupby``: the straightforward pandas implementation the issue names — sort, then
  ``groupby("person_id").apply`` of a per-person loop over ``itertuples`` (default rules: gap
  30 days, no carry-over, switching continues) — :func:`straightforward_pandas` below;
* ``duckdb-frame``: ``derive_episodes(frame, engine="duckdb")`` from a pandas DataFrame;
* ``duckdb``: ``derive_episodes(con.read_parquet(path))`` — the ibis table path, validation
  queries included, result fetched to pandas;
* ``spark``: the same ibis expression on a local Spark session (``local[2]``); session start
  is reported separately (JVM memory is not in the RSS of the Python process);
* ``cohort``: DuckDB episodes plus ``build_cohort`` and ``counting_process``.

Results of every engine are compared row for row with the reference where it ran.

First, :func:`benchmarks._episodes_baselines.ratios`: ``derive_episodes`` against
hand-written DuckDB window SQL and a vectorised pandas version on one Parquet file of
synthetic fills (3 million fills of 300,000 people; 300,000 / 30,000 quick), in one process,
interleaved, best of three.

    python -m benchmarks episodes [--quick]
    python -m benchmarks.bench_episodes --ratios [--quick]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks._episodes_baselines import ratios

SIZES_QUICK = (10_000, 100_000)
SIZES_FULL = (10_000, 100_000, 1_000_000)
PANDAS_MAX = 100_000
ENGINES = ("pandas", "pandas-groupby", "duckdb-frame", "duckdb", "spark", "cohort")
WORKER_TIMEOUT = 1800
# DuckDB's default memory limit is 80% of RAM; the target is a peak below 4 GB, so the
# benchmark caps it (DuckDB spills sorts to its temp directory beyond that).
DUCKDB_MEMORY = "2500MB"


def main(
    quick: bool, sizes: tuple[int, ...] | None = None, engines: tuple[str, ...] = ENGINES
) -> None:
    """Print a Markdown table; ``sizes``/``engines`` narrow the run (see ``__main__``)."""
    ratios(quick)
    sizes = sizes or (SIZES_QUICK if quick else SIZES_FULL)
    print(
        "| deliveries | fills | engine | seconds | ratio vs pandas | peak RSS MB | episodes "
        "| equal to reference |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="bench_episodes_") as tmp:
        for n in sizes:
            folder = Path(tmp) / str(n)
            started = time.perf_counter()
            n_fills = prepare(n, folder)
            print(
                f"<!-- generated {n} deliveries / {n_fills} fills in "
                f"{time.perf_counter() - started:.1f} s -->",
                flush=True,
            )
            baseline = None
            for engine in engines:
                if engine in ("pandas", "pandas-groupby", "duckdb-frame") and n > PANDAS_MAX:
                    continue
                result = run_worker(engine, folder)
                if engine == "pandas":
                    baseline = result.get("seconds")
                ratio = (
                    f"{baseline / result['seconds']:.1f}×"
                    if baseline and result.get("seconds") and engine != "pandas"
                    else ("1×" if engine == "pandas" else "–")
                )
                same = compare(folder, engine) if engine != "pandas" else "reference"
                extra = result.get("note", "")
                print(
                    f"| {n:,} | {n_fills:,} | {engine} | {result.get('seconds', 'n/a')} | "
                    f"{ratio} | {result.get('rss_mb', 'n/a')} | {result.get('episodes', '')} | "
                    f"{same} | {extra}",
                    flush=True,
                )


def prepare(n: int, folder: Path) -> int:
    """Write fills/deliveries/events Parquet files for ``n`` deliveries; return #fills."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from studies.synth import generate_cohort

    folder.mkdir(parents=True, exist_ok=True)
    cohort = generate_cohort(n, seed=7)
    total = 0
    writer = None
    for chunk in cohort.dispensing_chunks():
        chunk = chunk.select(["person_id", "fill_date", "drug", "days_supply", "claim_id"])
        if writer is None:
            writer = pq.ParquetWriter(folder / "fills.parquet", chunk.schema)
        writer.write_table(chunk)
        total += chunk.num_rows
    if writer is not None:
        writer.close()
    pq.write_table(
        pa.Table.from_pandas(cohort.deliveries, preserve_index=False), folder / "deliveries.parquet"
    )
    pq.write_table(
        pa.Table.from_pandas(cohort.events, preserve_index=False), folder / "events.parquet"
    )
    return total


def run_worker(engine: str, folder: Path, attempts: int = 2) -> dict:
    """Run one measurement in a subprocess; add its peak RSS (MB) from ``wait4``. A failed
    run is retried once (a JVM start can fail on a loaded machine); the last line of its
    stderr is kept as the note."""
    for _ in range(attempts):
        result = _run_once(engine, folder)
        if "seconds" in result:
            return result
    return result


def _run_once(engine: str, folder: Path) -> dict:
    command = [sys.executable, "-m", "benchmarks.bench_episodes", "worker", engine, str(folder)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        timer = threading.Timer(WORKER_TIMEOUT, process.kill)
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
        err.seek(0)
        problem = [line for line in err.read().splitlines() if "Error" in line][-1:]
    lines = [line for line in text.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        return {"note": f"failed or timed out (exit {process.returncode}) {problem}"[:300]}
    result = json.loads(lines[-1])
    result["rss_mb"] = round(usage.ru_maxrss / 1024)
    return result


def compare(folder: Path, engine: str) -> str:
    """Row-for-row check against the pandas reference (or DuckDB where it did not run)."""
    import pandas as pd

    mine = folder / f"episodes_{engine}.parquet"
    for base in ("pandas", "duckdb"):
        reference = folder / f"episodes_{base}.parquet"
        if base != engine and reference.exists() and mine.exists():
            break
    else:
        return "–"
    want = pd.read_parquet(reference)
    got = pd.read_parquet(mine)
    try:
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))
    except AssertionError:
        return f"NO (vs {base})"
    return "yes" if base == "pandas" else "yes (vs duckdb)"


def worker(engine: str, folder: Path) -> None:
    """Inside the subprocess: time one engine, save its episodes, print a JSON line."""
    import ibis
    import pandas as pd

    from analysis.episodes import derive_episodes
    from analysis.episodes._derive import connect, normalise_episodes

    fills_path = str(folder / "fills.parquet")
    result: dict = {}
    if engine in ("pandas", "pandas-groupby", "duckdb-frame"):
        frame = pd.read_parquet(fills_path)
        started = time.perf_counter()
        if engine == "pandas":
            episodes = derive_episodes(frame, engine="pandas")
        elif engine == "pandas-groupby":
            episodes = normalise_episodes(straightforward_pandas(frame, gap_days=30))
        else:
            episodes = derive_episodes(frame, engine="duckdb", backend=_duckdb(connect, folder))
        result["seconds"] = round(time.perf_counter() - started, 2)
    elif engine == "duckdb":
        started = time.perf_counter()
        con = _duckdb(connect, folder)
        episodes = normalise_episodes(derive_episodes(con.read_parquet(fills_path)).to_pandas())
        result["seconds"] = round(time.perf_counter() - started, 2)
    elif engine == "spark":
        from pyspark.sql import SparkSession

        started = time.perf_counter()
        session = (
            SparkSession.builder.master("local[2]")
            .appName("bench")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.memory", "3g")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.sql.warehouse.dir", str(folder / "spark-warehouse"))
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        startup = time.perf_counter() - started
        started = time.perf_counter()
        con = ibis.pyspark.connect(session)
        table = con.read_parquet(fills_path)
        episodes = normalise_episodes(derive_episodes(table).to_pandas())
        result["seconds"] = round(time.perf_counter() - started, 2)
        result["note"] = f"session start {startup:.1f} s"
        session.stop()
    elif engine == "cohort":
        from analysis.cohort import build_cohort, counting_process

        deliveries = pd.read_parquet(folder / "deliveries.parquet")
        events = pd.read_parquet(folder / "events.parquet")
        started = time.perf_counter()
        episodes = normalise_episodes(
            derive_episodes(_duckdb(connect, folder).read_parquet(fills_path)).to_pandas()
        )
        derived = time.perf_counter() - started
        # the drug at delivery comes from the fills whose supply covers the delivery date
        fills = pd.read_parquet(
            fills_path, columns=["person_id", "fill_date", "drug", "days_supply"]
        )
        cohort = build_cohort(deliveries, fills, events, episodes=episodes)
        built = time.perf_counter() - started - derived
        rows = counting_process(cohort, episodes, services=[])
        split = time.perf_counter() - started - derived - built
        result["seconds"] = round(time.perf_counter() - started, 2)
        result["note"] = (
            f"episodes {derived:.1f} s + build_cohort {built:.1f} s + "
            f"counting_process {split:.1f} s ({len(rows):,} rows)"
        )
    else:
        raise SystemExit(f"unknown engine {engine}")
    result["episodes"] = len(episodes)
    episodes.to_parquet(folder / f"episodes_{engine}.parquet", index=False)
    print(json.dumps(result), flush=True)


def straightforward_pandas(fills, gap_days: int = 30):
    """Episodes the way an analyst would write them in pandas: per person, walk the fills in
    (fill_date, claim_id) order and extend or close the current episode. Same rule as
    ``derive_episodes`` with default options; the benchmark baseline of issue 7."""
    import pandas as pd

    ordered = fills.sort_values(["person_id", "fill_date", "claim_id"])

    def per_person(group):
        rows, start, end, n_fills, drugs = [], None, None, 0, set()
        for fill in group.itertuples(index=False):
            fill_end = fill.fill_date + pd.Timedelta(days=int(fill.days_supply))
            if start is not None and (fill.fill_date - end).days > gap_days:
                rows.append((start, end, n_fills, ",".join(sorted(drugs))))
                start = None
            if start is None:
                start, end, n_fills, drugs = fill.fill_date, fill_end, 0, set()
            end = max(end, fill_end)
            n_fills += 1
            drugs.add(fill.drug)
        rows.append((start, end, n_fills, ",".join(sorted(drugs))))
        frame = pd.DataFrame(rows, columns=["start", "end", "n_fills", "drugs"])
        frame.insert(0, "episode", range(1, len(frame) + 1))
        return frame

    episodes = ordered.groupby("person_id", sort=True).apply(per_person, include_groups=False)
    return episodes.reset_index(level=0).reset_index(drop=True)


def _duckdb(connect, folder: Path):
    con = connect("duckdb")
    con.raw_sql(f"SET memory_limit = '{DUCKDB_MEMORY}'")
    con.raw_sql(f"SET temp_directory = '{folder / 'duckdb_tmp'}'")
    con.raw_sql("SET preserve_insertion_order = false")
    return con


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "worker":
        worker(sys.argv[2], Path(sys.argv[3]))
    else:
        # python -m benchmarks.bench_episodes [--quick] [--sizes 1000000] [--engines duckdb,cohort]
        def option(name: str) -> str | None:
            return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None

        if "--ratios" in sys.argv:
            ratios(quick="--quick" in sys.argv)
            raise SystemExit(0)
        chosen_sizes = option("--sizes")
        chosen_engines = option("--engines")
        main(
            quick="--quick" in sys.argv,
            sizes=tuple(int(n) for n in chosen_sizes.split(",")) if chosen_sizes else None,
            engines=tuple(chosen_engines.split(",")) if chosen_engines else ENGINES,
        )
