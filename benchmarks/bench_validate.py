"""Read and validate a dispensing table of 10^5 … 10^7 rows against its data dictionary.

Measured: what ``dyadlab validate`` does (``read_raw`` with Arrow strings, every cell as
text, then ``check_table``: types, pandera constraints, uniqueness, row checks);
``read_table`` returning ordinary ``object`` text columns (notebooks, the Study accessors);
and ``check_table`` on an object frame already in memory. Baseline, measured in
the same run on the same file: the obvious per-row Python validator (``csv.DictReader``,
``datetime.strptime``, ``int``, set membership and a set for uniqueness) — timed on up to
10^5 rows and scaled linearly, since it is linear and would take minutes at 10^7.
Files go to ``benchmarks/.work/`` (git-ignored).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

WORK = Path(__file__).resolve().parent / ".work"
DRUGS = ["buprenorphine", "methadone", "naltrexone"]
SOURCES = ["pharmacy", "otp", "clinic"]


def make_file(n: int, seed: int = 1) -> Path:
    """A gzipped dispensing CSV with ``n`` valid rows (written with Arrow, quickly)."""
    path = WORK / f"dispensing_{n}.csv.gz"
    if path.exists():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)

    def ids(prefix: str, values: np.ndarray) -> pa.Array:
        return pc.binary_join_element_wise(prefix, pc.cast(pa.array(values), pa.string()), "")

    start = np.datetime64("2019-01-01", "D")
    table = pa.table(
        {
            "claim_id": ids("C", np.arange(n)),
            "person_id": ids("p", rng.integers(0, max(n // 20, 1), n)),
            "fill_date": pc.cast(
                pa.array(start + rng.integers(0, 2000, n).astype("timedelta64[D]")), pa.string()
            ),
            "drug": pa.array(np.array(DRUGS)[rng.integers(0, 3, n)]),
            "days_supply": pc.cast(pa.array(rng.integers(1, 31, n)), pa.string()),
            "source": pa.array(np.array(SOURCES)[rng.integers(0, 3, n)]),
        }
    )
    temp = path.with_suffix(".tmp")
    with pa.CompressedOutputStream(str(temp), "gzip") as out:
        pcsv.write_csv(table, out, pcsv.WriteOptions(quoting_style="none"))
    temp.replace(path)
    return path


def naive_validate(path: Path, limit: int) -> tuple[int, int]:
    """Row-by-row Python validation of the first ``limit`` rows; (rows, problems)."""
    problems = rows = 0
    seen: set[str] = set()
    drugs, sources = set(DRUGS), set(SOURCES)
    with gzip.open(path, "rt", newline="") as handle:
        for record in csv.DictReader(io.TextIOWrapper(handle.buffer, newline="")):
            rows += 1
            try:
                dt.datetime.strptime(record["fill_date"], "%Y-%m-%d")
            except ValueError:
                problems += 1
            try:
                if not 1 <= int(record["days_supply"]) <= 365:
                    problems += 1
            except ValueError:
                problems += 1
            problems += record["drug"] not in drugs
            problems += record["source"] not in sources
            problems += not record["person_id"]
            problems += record["claim_id"] in seen
            seen.add(record["claim_id"])
            if rows >= limit:
                break
    return rows, problems


def main(quick: bool) -> None:
    from data_dictionary import check_table, load_schema, read_raw, read_table
    from data_dictionary.read import object_strings

    schema = load_schema("dispensing")
    sizes = [100_000] if quick else [100_000, 1_000_000, 10_000_000]
    print("| rows | what | time | rows/s | naive Python | naive ÷ ours |")
    print("|---:|---|---:|---:|---:|---:|")
    for n in sizes:
        path = make_file(n)
        limit = min(n, 100_000)
        started = time.perf_counter()
        rows, naive_problems = naive_validate(path, limit)
        naive = (time.perf_counter() - started) * n / rows
        assert naive_problems == 0
        note = "" if rows == n else " (scaled)"

        def row(
            what: str, seconds: float, n: int = n, naive: float = naive, note: str = note
        ) -> None:
            print(
                f"| {n:,} | {what} | {seconds:.2f} s | {n / seconds:,.0f} "
                f"| {naive:.1f} s{note} | {naive / seconds:.1f}× |"
            )

        started = time.perf_counter()
        raw = read_raw(path, arrow_strings=True)
        read = time.perf_counter() - started
        started = time.perf_counter()
        typed, problems = check_table(raw, schema)
        checked = time.perf_counter() - started
        assert len(problems) == 0 and len(typed) == n, problems.head()
        del typed
        row(
            f"read (Arrow strings) {read:.2f} s + check {checked:.2f} s — dyadlab validate",
            read + checked,
        )
        started = time.perf_counter()
        typed = read_table(path, schema)
        row(
            "read_table → object text columns (notebooks, Study accessors)",
            time.perf_counter() - started,
        )
        del typed
        objects = object_strings(raw)
        del raw
        started = time.perf_counter()
        typed, problems = check_table(objects, schema)
        row(
            "check_table on an object frame already in memory (validate(df))",
            time.perf_counter() - started,
        )
        del typed, objects
