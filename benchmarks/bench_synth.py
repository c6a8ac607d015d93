"""Synthetic cohort generator: time and peak memory of ``dyadlab synth`` at 10^4-10^6 deliveries.

Each size runs in a fresh Python process (so its peak resident memory is its own) that
generates the cohort and writes the study folder without transcripts. The baseline, measured
in the same run, is the obvious per-span Python loop producing the same kind of dispensing
rows for the 10^4 cohort; the ratio shows what vectorising the fill generator buys.

``python -m benchmarks synth`` (add ``--quick`` for 10^4 and 10^5 only).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time

import numpy as np

# Peak memory is the child's VmHWM (reset by exec), not ru_maxrss (which Linux carries over
# from the parent across fork + exec, so it would report the benchmark runner's own peak).
CHILD = """
import json, sys, time
from studies.synth import generate_cohort, write_study
def peak_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
n, folder = int(sys.argv[1]), sys.argv[2]
started, cpu0 = time.perf_counter(), time.process_time()
cohort = generate_cohort(n, seed=1)
generated = time.process_time()
summary = write_study(folder, cohort, transcripts=False)
done, cpu1 = time.perf_counter(), time.process_time()
print(json.dumps({"tables_cpu": generated - cpu0, "cpu_s": cpu1 - cpu0, "wall_s": done - started,
                  "rows": summary.rows,
                  "peak_mb": peak_kb() / 1024}))
"""


def _run_size(n: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_synth_") as folder:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(n), folder + "/study"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        from pathlib import Path

        result["dispensing_mb"] = (
            Path(folder, "study", "data", "dispensing.csv.gz").stat().st_size / 1e6
        )
    return result


def _python_loop_fills(drug, start, stop, seed: int = 0) -> int:
    """Baseline: one Python loop per span and per fill, with the generator's schedules."""
    rng = random.Random(seed)
    rows = []
    for code, day, end in zip(drug.tolist(), start.tolist(), stop.tolist(), strict=True):
        first = day
        while day < end:
            tau, u = day - first, rng.random()
            if code == 0:  # buprenorphine
                supply = (
                    7
                    if tau < 28
                    else (7 if u < 0.4 else 14)
                    if tau < 90
                    else (14 if u < 0.3 else 28 if u < 0.5 else 30)
                )
                v = rng.random()
                delay = (
                    -rng.randint(1, 5)
                    if v < 0.25
                    else rng.randint(0, 2)
                    if v < 0.7
                    else rng.randint(3, 9)
                    if v < 0.92
                    else rng.randint(10, 21)
                )
            elif code == 1:  # methadone
                if tau < 28:
                    supply = 1 if u < 6 / 7 else 2
                elif tau < 90:
                    supply = 1 if u < 0.5 else 2 if u < 0.8 else 3
                elif tau < 180:
                    supply = rng.randint(2, 7)
                else:
                    supply = 6 if u < 0.2 else 7 if u < 0.5 else 13 if u < 0.7 else 14
                v = rng.random()
                delay = 0 if v < 0.95 else rng.randint(1, 3) if v < 0.99 else rng.randint(4, 21)
            else:  # naltrexone
                supply = 28 if u < 0.5 else 30
                delay = rng.randint(-2, 2)
            rows.append((day, supply))
            day += max(1, supply + delay)
    return len(rows)


def _breakdown(n: int) -> None:
    """Where the time of the dispensing file goes: generation, CSV encoding, compression."""
    import io
    import zlib

    import pyarrow.csv as pacsv

    from studies.synth import generate_cohort

    cohort = generate_cohort(n, seed=1)
    t0 = time.process_time()
    tables = list(cohort.dispensing_chunks())
    generate_s = time.process_time() - t0
    buffer = io.BytesIO()
    t0 = time.process_time()
    for table in tables:
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(quoting_style="none"))
    encode_s = time.process_time() - t0
    raw = buffer.getvalue()
    timings = {}
    for level in (6, 1):
        t0 = time.process_time()
        size = len(zlib.compress(raw, level))
        timings[level] = (time.process_time() - t0, size / 1e6)
    rows = sum(t.num_rows for t in tables)
    print(
        f"dispensing at {n:,} deliveries ({rows:,} rows, {len(raw) / 1e6:.0f} MB CSV), CPU s: "
        f"generate {generate_s:.1f} s, CSV encode {encode_s:.1f} s, "
        f"zlib level 6 {timings[6][0]:.1f} s ({timings[6][1]:.0f} MB), "
        f"level 1 {timings[1][0]:.1f} s ({timings[1][1]:.0f} MB): level 1 is "
        f"{timings[6][0] / timings[1][0]:.1f}x faster, {timings[1][1] / timings[6][1]:.2f}x "
        "larger"
    )


def main(quick: bool = False) -> None:
    from studies.synth import generate_cohort
    from studies.synth.dispensing import simulate_fills

    sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]

    cohort = generate_cohort(10_000, seed=1)
    spans = cohort.spans
    drug, start, stop = (spans[c].to_numpy() for c in ("drug", "start", "end"))
    t0 = time.process_time()
    base_rows = _python_loop_fills(drug, start, stop)
    base_s = time.process_time() - t0
    t0 = time.process_time()
    _, day, _ = simulate_fills(drug, start, stop, np.random.default_rng(1))
    vec_s = time.process_time() - t0
    print(
        f"fill generation, 10^4 deliveries (CPU s): python loop {base_s:.2f} s "
        f"({base_rows} rows), numpy lock-step {vec_s:.3f} s ({day.size} rows): "
        f"{base_s / vec_s:.1f}x faster"
    )
    _breakdown(100_000)
    print(
        "| deliveries | dispensing rows | events | tables CPU s | total CPU s | wall s "
        "| rows/CPU s | peak MB | dispensing.csv.gz MB "
        "| CPU s per 10^4 deliveries vs the 10^4 run |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    first_rate = None
    for n in sizes:
        r = _run_size(n)
        per = r["cpu_s"] / (n / 10_000)
        first_rate = first_rate or per
        rows = r["rows"]["dispensing"]
        print(
            f"| {n:,} | {rows:,} | {r['rows']['events']:,} | {r['tables_cpu']:.1f} | "
            f"{r['cpu_s']:.1f} | {r['wall_s']:.1f} | {rows / r['cpu_s']:,.0f} | "
            f"{r['peak_mb']:.0f} | {r['dispensing_mb']:.1f} | {per / first_rate:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
