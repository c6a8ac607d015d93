"""The same ibis expression on Spark: row-for-row equal to DuckDB and the Python reference."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from analysis.episodes import derive_episodes
from analysis.episodes._derive import normalise_episodes
from analysis.episodes._validate import InvalidFillsWarning
from analysis.errors import AnalysisError
from tests.analysis.episodes.fixtures import fills, random_fills
from tests.analysis.episodes.test_episodes import RULESETS, spans

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark_backend(spark):
    return ibis.pyspark.connect(spark)


@pytest.fixture(scope="module")
def mixed_fills():
    frames = []
    for seed in range(3):
        frame = random_fills(seed, persons=30)
        frame["person_id"] = f"s{seed}-" + frame["person_id"]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def test_hand_example_on_spark(spark_backend):
    data = fills(
        [
            ("a", "2023-01-01", "buprenorphine", 30),
            ("a", "2023-01-21", "buprenorphine", 30),
            ("a", "2023-04-01", "buprenorphine", 7),
        ]
    )
    result = derive_episodes(data, 30, carryover=False, engine="spark", backend=spark_backend)
    assert spans(result) == [
        ("a", 1, "2023-01-01", "2023-02-20", 2, "buprenorphine"),
        ("a", 2, "2023-04-01", "2023-04-08", 1, "buprenorphine"),
    ]


# Every rule path of the expression (the DuckDB tests run all of RULESETS); two combinations
# that add no new window shape are left to DuckDB to keep the Spark tests under a minute.
SPARK_RULESETS = [
    r
    for r in RULESETS
    if r
    not in (dict(carryover=True, switch_continues=False), dict(preset="adherer", append_gap=True))
]


@pytest.mark.parametrize(
    "options", SPARK_RULESETS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default"
)
def test_spark_duckdb_and_reference_agree_row_for_row(spark_backend, mixed_fills, options):
    gap = 7 if options.get("carryover") else 30
    want = derive_episodes(mixed_fills, gap, engine="pandas", **options)
    duck = derive_episodes(mixed_fills, gap, engine="duckdb", **options)
    spark = derive_episodes(mixed_fills, gap, engine="spark", backend=spark_backend, **options)
    pd.testing.assert_frame_equal(duck, want)
    pd.testing.assert_frame_equal(spark, want)


def test_spark_table_in_validates_on_spark_and_matches(spark_backend, mixed_fills, tmp_path):
    bad = pd.concat(
        [mixed_fills, fills([("zz", "2023-01-01", "heroin", 7, "bad-claim")])],
        ignore_index=True,
    )
    path = tmp_path / "fills.parquet"
    bad.assign(fill_date=bad["fill_date"].dt.date).to_parquet(path, index=False)
    table = spark_backend.read_parquet(str(path))
    with pytest.raises(AnalysisError, match="claims 'bad-claim'"):
        derive_episodes(table)
    with pytest.warns(InvalidFillsWarning, match="dropped 1"):
        expr = derive_episodes(table, gap_days=14, on_invalid="drop_with_warning")
    got = normalise_episodes(expr.to_pandas())
    want = derive_episodes(mixed_fills, 14, engine="pandas")
    pd.testing.assert_frame_equal(got, want)
