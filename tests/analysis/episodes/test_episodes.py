"""derive_episodes: hand-computed examples for each rule, presets, validation, and randomized
agreement of the set-based DuckDB engine with the plain-Python reference and with an
independent calendar-based oracle.

Every expected value below is computed by hand from the rules in docs/architecture.md
(a fill covers [fill_date, fill_date + days_supply); new episode when fill_date - running
end > gap_days; end exclusive)."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from analysis.episodes import continuity, derive_episodes, gap_sensitivity
from analysis.episodes._validate import InvalidFillsWarning
from analysis.errors import AnalysisError
from tests.analysis.episodes.fixtures import fills, interval_oracle, random_fills

ENGINES = ["duckdb", "pandas"]
D = pd.Timestamp


def spans(result: pd.DataFrame) -> list[tuple]:
    return [
        (
            r.person_id,
            r.episode,
            r.start.date().isoformat(),
            r.end.date().isoformat(),
            r.n_fills,
            r.drugs,
        )
        for r in result.itertuples()
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_gap_exactly_gap_days_continues_and_one_more_day_breaks(engine):
    # 2023-01-01 + 30 days -> end 2023-01-31 (exclusive). 30 uncovered days: 01-31 .. 03-01,
    # so a fill on 2023-03-02 has fill_date - end = 30 days (continues), 03-03 has 31 (breaks).
    same = fills([("a", "2023-01-01", "methadone", 30), ("a", "2023-03-02", "methadone", 10)])
    broken = fills([("a", "2023-01-01", "methadone", 30), ("a", "2023-03-03", "methadone", 10)])
    assert spans(derive_episodes(same, gap_days=30, engine=engine)) == [
        ("a", 1, "2023-01-01", "2023-03-12", 2, "methadone")
    ]
    assert spans(derive_episodes(broken, gap_days=30, engine=engine)) == [
        ("a", 1, "2023-01-01", "2023-01-31", 1, "methadone"),
        ("a", 2, "2023-03-03", "2023-03-13", 1, "methadone"),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_early_refill_with_and_without_carryover(engine):
    # 01-01 x30 ends 01-31; refill 01-21 x30 ends 02-20 without carry-over, while with
    # carry-over it starts when the first supply runs out: 01-31 + 30 = 03-02.
    # A third fill on 04-01: 40 uncovered days after 02-20 (break) but 30 after 03-02 (joins).
    data = fills(
        [
            ("a", "2023-01-01", "buprenorphine", 30),
            ("a", "2023-01-21", "buprenorphine", 30),
            ("a", "2023-04-01", "buprenorphine", 7),
        ]
    )
    assert spans(derive_episodes(data, 30, carryover=False, engine=engine)) == [
        ("a", 1, "2023-01-01", "2023-02-20", 2, "buprenorphine"),
        ("a", 2, "2023-04-01", "2023-04-08", 1, "buprenorphine"),
    ]
    assert spans(derive_episodes(data, 30, carryover=True, engine=engine)) == [
        ("a", 1, "2023-01-01", "2023-04-08", 3, "buprenorphine"),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_carryover_stockpile_after_a_long_fill_does_not_shrink(engine):
    # 90 days then a 7-day fill on day 10: no carry-over keeps end 04-01 (max); carry-over
    # pushes it to 04-08. A fill inside the supply never shortens an episode.
    data = fills([("a", "2023-01-01", "methadone", 90), ("a", "2023-01-11", "methadone", 7)])
    assert spans(derive_episodes(data, 30, engine=engine))[0][3] == "2023-04-01"
    assert spans(derive_episodes(data, 30, carryover=True, engine=engine))[0][3] == "2023-04-08"


@pytest.mark.parametrize("engine", ENGINES)
def test_switching_continues_or_splits_per_drug(engine):
    data = fills([("a", "2023-01-01", "buprenorphine", 30), ("a", "2023-01-20", "methadone", 14)])
    assert spans(derive_episodes(data, engine=engine)) == [
        ("a", 1, "2023-01-01", "2023-02-03", 2, "buprenorphine,methadone")
    ]
    assert spans(derive_episodes(data, switch_continues=False, engine=engine)) == [
        ("a", 1, "2023-01-01", "2023-01-31", 1, "buprenorphine"),
        ("a", 2, "2023-01-20", "2023-02-03", 1, "methadone"),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_same_day_fills_are_ordered_by_claim_id_not_input_order(engine):
    # AdhereR preset without medication-change breaks: carry-over only within a run of the
    # same drug. Day 01-11 has a methadone and a buprenorphine fill. Claim order m < b:
    # bup(01-01,30) -> meth -> bup: the run restarts, bup ends 01-11 + 30 = 02-10.
    # Claim order b < m: bup, bup carry: max(01-11, 01-31) + 30 = 03-02.
    base = [("a", "2023-01-01", "buprenorphine", 30, "c0")]
    meth_first = fills(
        base
        + [
            ("a", "2023-01-11", "buprenorphine", 30, "c2"),
            ("a", "2023-01-11", "methadone", 5, "c1"),
        ]
    )
    bup_first = fills(
        base
        + [
            ("a", "2023-01-11", "methadone", 5, "c2"),
            ("a", "2023-01-11", "buprenorphine", 30, "c1"),
        ]
    )
    options = dict(preset="adherer", medication_change_new_episode=False, engine=engine)
    assert spans(derive_episodes(meth_first, **options))[0][3] == "2023-02-10"
    assert spans(derive_episodes(bup_first, **options))[0][3] == "2023-03-02"


@pytest.mark.parametrize("engine", ENGINES)
def test_persons_are_independent(engine):
    data = fills(
        [
            ("b", "2023-01-05", "naltrexone", 31),
            ("a", "2023-01-01", "methadone", 10),
            ("b", "2023-03-01", "naltrexone", 31),
            ("a", "2023-01-11", "methadone", 10),
        ]
    )
    assert spans(derive_episodes(data, 14, engine=engine)) == [
        ("a", 1, "2023-01-01", "2023-01-21", 2, "methadone"),
        ("b", 1, "2023-01-05", "2023-02-05", 1, "naltrexone"),
        ("b", 2, "2023-03-01", "2023-04-01", 1, "naltrexone"),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_drug_era_preset_is_per_ingredient_without_stockpiling(engine):
    # OHDSI drug era: methadone 01-01 x30 and early refill 01-21 x30 -> 01-01..02-20 (no
    # stockpile), buprenorphine in between is its own era.
    data = fills(
        [
            ("a", "2023-01-01", "methadone", 30),
            ("a", "2023-01-10", "buprenorphine", 7),
            ("a", "2023-01-21", "methadone", 30),
        ]
    )
    assert spans(derive_episodes(data, preset="drug_era", engine=engine)) == [
        ("a", 1, "2023-01-01", "2023-02-20", 2, "methadone"),
        ("a", 2, "2023-01-10", "2023-01-17", 1, "buprenorphine"),
    ]
    with pytest.raises(AnalysisError, match="stockpile"):
        derive_episodes(data, preset="drug_era", carryover=True, engine=engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_adherer_preset_medication_change_and_append_gap(engine):
    # bup 01-01 x30, bup 01-21 x30 (carry -> 03-02), methadone 02-01 x10 (new episode: drug
    # changed), bup 02-20 x10: drug changed again -> new episode, starting fresh 02-20..03-02.
    data = fills(
        [
            ("a", "2023-01-01", "buprenorphine", 30),
            ("a", "2023-01-21", "buprenorphine", 30),
            ("a", "2023-02-01", "methadone", 10),
            ("a", "2023-02-20", "buprenorphine", 10),
        ]
    )
    assert spans(derive_episodes(data, preset="adherer", engine=engine)) == [
        ("a", 1, "2023-01-01", "2023-03-02", 2, "buprenorphine"),
        ("a", 2, "2023-02-01", "2023-02-11", 1, "methadone"),
        ("a", 3, "2023-02-20", "2023-03-02", 1, "buprenorphine"),
    ]
    appended = derive_episodes(data, 30, preset="adherer", append_gap=True, engine=engine)
    assert [e.date().isoformat() for e in appended["end"]] == [
        "2023-04-01",
        "2023-03-13",
        "2023-04-01",
    ]
    # Without medication-change breaks: one episode; the methadone fill does not carry,
    # the last bup fill follows methadone so it starts fresh: max(03-02, 02-11, 03-02).
    joined = derive_episodes(
        data, preset="adherer", medication_change_new_episode=False, engine=engine
    )
    assert spans(joined) == [("a", 1, "2023-01-01", "2023-03-02", 4, "buprenorphine,methadone")]


@pytest.mark.parametrize("engine", ENGINES)
def test_default_days_supply_per_drug(engine):
    data = fills([("a", "2023-01-01", "naltrexone", None), ("a", "2023-01-01", "methadone", 1)])
    result = derive_episodes(
        data, default_days_supply={"naltrexone": 31}, switch_continues=False, engine=engine
    )
    assert spans(result) == [
        ("a", 1, "2023-01-01", "2023-01-02", 1, "methadone"),
        ("a", 2, "2023-01-01", "2023-02-01", 1, "naltrexone"),
    ]
    with pytest.raises(AnalysisError, match="missing days_supply") as error:
        derive_episodes(data, engine=engine)
    assert error.value.row == 1 and error.value.field == "days_supply"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "between 1 and 365"),
        (-3, "between 1 and 365"),
        (366, "between 1 and 365"),
        (2.5, "between 1 and 365"),
        (None, "missing days_supply"),
    ],
)
def test_bad_days_supply_names_row_and_field(value, expected):
    data = fills([("a", "2023-01-01", "methadone", 7), ("a", "2023-01-09", "methadone", value)])
    with pytest.raises(AnalysisError, match=expected) as error:
        derive_episodes(data, source="dispensing.csv")
    assert (error.value.file, error.value.row, error.value.field) == (
        "dispensing.csv",
        2,
        "days_supply",
    )
    assert "dispensing.csv, row 2, field 'days_supply'" in str(error.value)


def test_unknown_drugs_reported_with_counts_and_dropped_with_warning():
    data = fills(
        [
            ("a", "2023-01-01", "methadone", 7),
            ("a", "2023-01-02", "suboxone", 7),
            ("a", "2023-01-03", "Suboxone", 7),
            ("a", "2023-01-04", "suboxone", 7),
        ]
    )
    with pytest.raises(AnalysisError, match=r"3 unknown drug.*'suboxone' ×2, 'Suboxone' ×1"):
        derive_episodes(data)
    with pytest.warns(InvalidFillsWarning, match="dropped 3"):
        result = derive_episodes(data, on_invalid="drop_with_warning")
    assert spans(result) == [("a", 1, "2023-01-01", "2023-01-08", 1, "methadone")]


def test_study_window_and_duplicates_reported():
    data = fills(
        [
            ("a", "2019-12-31", "methadone", 7, "x1"),
            ("a", "2020-01-05", "methadone", 7, "x2"),
            ("a", "2020-01-05", "methadone", 7, "x2"),
        ]
    )
    with pytest.raises(AnalysisError, match="outside the study window") as error:
        derive_episodes(data, study_window=("2020-01-01", "2020-12-31"))
    assert error.value.row == 1 and error.value.field == "fill_date"
    with pytest.raises(AnalysisError, match=r"1 duplicate fill.*rows 3"):
        derive_episodes(data)


def test_missing_columns_bad_options():
    with pytest.raises(AnalysisError, match="days_supply"):
        derive_episodes(
            pd.DataFrame({"person_id": ["a"], "fill_date": ["2020-01-01"], "drug": ["methadone"]})
        )
    data = fills([("a", "2023-01-01", "methadone", 7)])
    for bad in (
        dict(engine="polars"),
        dict(gap_days=-1),
        dict(preset="hedis"),
        dict(on_invalid="ignore"),
    ):
        with pytest.raises(AnalysisError):
            derive_episodes(data, **bad)


def test_ibis_table_in_gives_ibis_table_out_with_the_same_episodes():
    data = random_fills(seed=11, persons=15)
    table = ibis.memtable(data)
    expr = derive_episodes(table, gap_days=14, carryover=True)
    assert isinstance(expr, ibis.expr.types.Table)
    got = expr.to_pandas().sort_values(["person_id", "episode"]).reset_index(drop=True)
    want = derive_episodes(data, gap_days=14, carryover=True, engine="pandas")
    got["start"] = pd.to_datetime(got["start"]).astype("datetime64[ns]")
    got["end"] = pd.to_datetime(got["end"]).astype("datetime64[ns]")
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_ibis_table_validation_names_claims():
    data = fills(
        [
            ("a", "2023-01-01", "methadone", 7, "ok"),
            ("a", "2023-01-02", "heroin", 0, "bad"),
            ("a", "2023-01-20", "methadone", 7, "twice"),
            ("a", "2023-01-20", "methadone", 7, "twice"),
        ]
    )
    with pytest.raises(AnalysisError, match=r"days_supply.*claims 'bad'") as error:
        derive_episodes(ibis.memtable(data))
    assert (
        "1 duplicate fill(s) (same person, date, drug, days supply and claim) (claims "
        "'twice')" in str(error.value)
    )
    with pytest.warns(InvalidFillsWarning):
        result = derive_episodes(ibis.memtable(data), on_invalid="drop_with_warning").to_pandas()
    assert result["n_fills"].tolist() == [2]  # ok + one copy of twice (12-day gap joins)


RULESETS = [
    dict(),
    dict(carryover=True),
    dict(switch_continues=False),
    dict(carryover=True, switch_continues=False),
    dict(preset="drug_era"),
    dict(preset="adherer"),
    dict(preset="adherer", medication_change_new_episode=False),
    dict(preset="adherer", append_gap=True),
]


def many_random_fills(seeds=range(4)) -> pd.DataFrame:
    """Several random draws in one frame (persons kept apart by a seed prefix)."""
    frames = []
    for seed in seeds:
        frame = random_fills(seed)
        frame["person_id"] = f"s{seed}-" + frame["person_id"]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("gap", [0, 7, 30])
def test_randomized_duckdb_matches_python_reference(gap):
    data = many_random_fills()
    for options in RULESETS:
        want = derive_episodes(data, gap, engine="pandas", **options)
        got = derive_episodes(data, gap, engine="duckdb", **options)
        pd.testing.assert_frame_equal(got, want, obj=f"episodes {options}")


@pytest.mark.parametrize("gap", [0, 7, 30])
def test_randomized_reference_matches_calendar_oracle(gap):
    data = many_random_fills()
    for per_drug in (False, True):
        for carryover in (False, True):
            want = interval_oracle(data, gap, per_drug=per_drug, carryover=carryover)
            got = derive_episodes(
                data, gap, carryover, engine="pandas", switch_continues=not per_drug
            )
            pd.testing.assert_frame_equal(
                got.drop(columns="episode"),
                want,
                check_dtype=False,
                obj=f"per_drug={per_drug}, carryover={carryover}",
            )


def _deliveries(rows):
    return pd.DataFrame(rows, columns=["delivery_id", "person_id", "delivery_date"]).assign(
        delivery_date=lambda d: pd.to_datetime(d["delivery_date"])
    )


def test_continuity_covering_episode_and_180_days():
    data = fills(
        [
            ("a", "2023-01-01", "methadone", 200),  # covers 03-01 until 07-20: 141 days
            ("b", "2023-02-01", "buprenorphine", 90),
            ("b", "2023-04-25", "buprenorphine", 180),  # joined: 02-01..10-22, 235 days
            ("c", "2023-01-01", "naltrexone", 31),  # ended before delivery
        ]
    )
    deliveries = _deliveries(
        [
            ("d1", "a", "2023-03-01"),
            ("d2", "b", "2023-03-01"),
            ("d3", "c", "2023-03-01"),
            ("d4", "z", "2023-03-01"),
        ]
    )
    result = continuity(derive_episodes(data), deliveries, days=180)
    assert result["days_covered"].tolist() == [141, 180, 0, 0]
    assert result["continuous"].tolist() == [False, True, False, False]
    assert result["episode"].tolist()[:2] == [1, 1]
    assert result["episode"].isna().tolist() == [False, False, True, True]


def test_gap_sensitivity_grows_with_the_gap():
    # b has a 20-day gap after 04-01 (02-01 + 59 days): continuous only when gap >= 20.
    data = fills(
        [
            ("a", "2023-01-01", "methadone", 365),
            ("b", "2023-02-01", "buprenorphine", 59),
            ("b", "2023-04-21", "buprenorphine", 200),
        ]
    )
    deliveries = _deliveries([("d1", "a", "2023-03-01"), ("d2", "b", "2023-03-01")])
    table = gap_sensitivity(data, deliveries, gaps=[7, 19, 20, 30], days=180)
    assert table["gap_days"].tolist() == [7, 19, 20, 30]
    assert table["n_on_moud"].tolist() == [2, 2, 2, 2]
    assert table["n_continuous"].tolist() == [1, 1, 2, 2]
    assert table["pct_continuous"].tolist() == [50.0, 50.0, 100.0, 100.0]
    assert table["n_episodes"].tolist() == [3, 3, 2, 2]
